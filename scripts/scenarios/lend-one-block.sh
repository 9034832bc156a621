# The backoff tests need one lendable block per area.
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t reserve_lent_at_boot -t stuck_area_does_not_delay_others \
	-t backoff_retries_its_area
