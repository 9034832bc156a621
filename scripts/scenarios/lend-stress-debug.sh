# lend-stress, shorter, on the debug kernel.  KASAN, lockdep and
# DEBUG_PAGEALLOC under TCG make taking a pageblock back take up to half
# a second (up to 125 ms on the default kernel), and a sleepable mapping
# waited up to 0.83 s for slots with the default watermarks.  Mappings may
# wait the most the kernel allows, 1 s, and the worker starts taking
# blocks back when half the base pool is in use (low watermark base/2,
# high watermark the whole base) instead of seven eighths.
STRESS_WAIT_MS=1000
STRESS_WMARK_DIVS="2 1"
STRESS_SECONDS=40
. /scenarios/lend-stress.sh
