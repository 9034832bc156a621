# The take-back tests on a machine with a ZONE_NORMAL above the zone of
# the reserve.
n=$(awk '/^Node .* zone/ { z = $4 } /^ +managed/ && $2 > 0 { print z }' /proc/zoneinfo | tr '\n' ' ')
case " $n" in
*" "*" Normal "*) tap_ok two-zones ;;
*) tap_fail two-zones "zones with memory: $n(wanted a lower zone and Normal)" ;;
esac
echo "harness: zones with memory: $n"
SWIOTLB_LEND_TEST_DEV=/dev/vda run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t reserve_lent_at_boot -t burst_takes_reserve_back \
	-t tight_memory_take_back_fails_without_oom \
	-t take_back_moves_pages_out_of_the_reserve
