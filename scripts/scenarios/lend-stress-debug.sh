# lend-stress, shorter, on the debug kernel.  KASAN, lockdep and
# DEBUG_PAGEALLOC under TCG make taking a pageblock back take up to half
# a second (up to 125 ms on the default kernel), so sleepable mappings may
# wait up to the longest lend_wait_ms allows, 1 s.
STRESS_WAIT_MS=1000
STRESS_SECONDS=40
. /scenarios/lend-stress.sh
