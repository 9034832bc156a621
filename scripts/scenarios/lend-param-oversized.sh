# swiotlb_lend=100G (oversized) must be reported once, by name, with a safe
# fallback and a working swiotlb.
lend_param_check 100G clamped
