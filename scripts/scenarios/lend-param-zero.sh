# swiotlb_lend=0 (zero) must be reported once, by name, with a safe
# fallback and a working swiotlb: the fixed pool, nothing lent.
lend_param_check 0 invalid
lend_total_check 0
