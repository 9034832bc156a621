# lend-stress, shorter, on the debug kernel.  KASAN, lockdep and
# DEBUG_PAGEALLOC under TCG make taking a pageblock back take up to half
# a second (up to 125 ms on the default kernel), and a sleepable mapping
# waited up to 0.83 s for slots, so here mappings may wait 5 s.
STRESS_WAIT_MS=5000
STRESS_SECONDS=40
. /scenarios/lend-stress.sh
