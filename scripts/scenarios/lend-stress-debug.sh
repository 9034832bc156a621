# lend-stress, shorter, on the debug kernel.  KASAN, lockdep and
# DEBUG_PAGEALLOC under TCG make taking a pageblock back take up to half
# a second (5 to 50 ms on the default kernel), so sleepable mappings may
# wait up to the longest lend_wait_ms allows, 1 s, instead of 100 ms.
echo 1000 >/sys/kernel/debug/swiotlb/lend_wait_ms
STRESS_SECONDS=40
. /scenarios/lend-stress.sh
