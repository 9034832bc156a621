# swiotlb_lend=100G (oversized) must be reported once, by name, with a safe
# fallback and a working swiotlb.  The reserve is clamped to a quarter of
# memory in whole pageblocks, the same number per area: QEMU's 1 GiB
# guest has 1023.6 MiB of RAM, a quarter holds 127 blocks of 2 MiB, 63 in
# each of the two areas: 252 MiB lent.
lend_param_check 100G clamped
lend_total_check 258048
