# The kmalloc() bouncing kselftest alone, on a pool that is not forced.
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t kmalloc_bounces_use_owned_slots
