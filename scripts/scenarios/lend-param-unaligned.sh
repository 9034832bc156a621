# swiotlb_lend=3M (unaligned) must be reported once, by name, with a safe
# fallback and a working swiotlb.
lend_param_check 3M rounded
