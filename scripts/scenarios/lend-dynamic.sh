# Lending beside CONFIG_SWIOTLB_DYNAMIC: a few kselftests and real I/O.
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t reserve_lent_at_boot -t free_lent_pages_accounted \
	-t lent_pages_are_not_bounce_buffers \
	-t dynamic_pool_not_grown_while_lent -t burst_takes_reserve_back \
	-t atomic_burst_bridged_while_blocks_come_back \
	-t reserve_lent_again_after_grace
make_pattern 32
bounce_window_start
if odirect_roundtrip 256 && bounced; then tap_ok odirect-readback
else tap_fail odirect-readback "checksum mismatch or no bouncing"; fi
