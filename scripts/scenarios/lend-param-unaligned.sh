# swiotlb_lend=3M (unaligned) must be reported once, by name, with a safe
# fallback and a working swiotlb.  3 MiB rounds up to two 2 MiB
# pageblocks, one in each of the two areas (2 CPUs): 4 MiB lent.
lend_param_check 3M rounded
lend_total_check 4096
