# swiotlb_lend=12X (malformed) must be reported once, by name, with a safe
# fallback and a working swiotlb: the fixed pool, nothing lent.
lend_param_check 12X invalid
lend_total_check 0
