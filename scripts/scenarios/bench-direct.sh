# Non-bounced DMA path.  dma_map_benchmark with a 64-bit mask maps and
# unmaps directly: the unmap asks swiotlb whether the address is one of
# its bounce buffers (outside the pool: the range check).  Where the test
# driver is there, it times map+sync+unmap of 512 bytes inside a page
# outside the pool and inside a page borrowed from a lent block (inside
# the pool: the range check and the lent bit), BENCH_DIRECT_LOOPS times
# each, in picoseconds.
BENCH_DMB_BITS=64 BENCH_DMB_THREADS=1 BENCH_DMB_GRANULES=1
. /scenarios/bench-dmb.sh
d=/sys/kernel/debug/swiotlb_lend_test/direct
if [ -w "$d" ]; then
	echo "${BENCH_DIRECT_LOOPS:-1000000}" >"$d"
	bench "direct $(cat "$d")"
else
	bench "direct: no test driver in this kernel"
fi
