# The layout first: one area with a head (its log line), then the
# lending kselftests that look at blocks by address.
l=$(dmesg | grep 'swiotlb_lend: pool .* 1 areas)')
if [ -n "$l" ]; then
	tap_ok one-area
else
	tap_fail one-area "no one-area lending pool in the log: $(dmesg | grep swiotlb_lend: | head -n 3 | tr '\n' ' ')"
fi
echo "harness: ${l#*] }"
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t reserve_lent_at_boot -t free_lent_pages_accounted \
	-t movable_memory_uses_lent_pages -t lent_pages_are_not_bounce_buffers \
	-t burst_takes_reserve_back -t reserve_lent_again_after_grace \
	-t kernel_reports_know_lent_pages -t lent_again_like_at_boot
