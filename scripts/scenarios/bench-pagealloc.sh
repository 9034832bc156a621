# Page allocator: the movable allocation path (benchmarks/tools/pagealloc)
#  anon-light  256 MiB of page faults, served from regular memory;
#  file        128 MiB written to and read from tmpfs (page cache);
#  anon-full   all free memory but 64 MiB: movable allocations borrow
#              lent pages once regular memory is down to the high
#              watermark, so on the lending kernel the last of it comes
#              from lent blocks (lent_used says how much);
#  thp-order3  64 MiB of order-3 huge pages (multi-size THP);
#  thp-order9  256 MiB of PMD-size huge pages (order 9 with 4 KiB pages).
# anon-* and thp-* also time freeing (munmap).  anon and file use
# order-0 pages (no THP).  Each under a system-wide perf stat.
rounds=${BENCH_PA_ROUNDS:-5}
report() { while read -r l; do bench "pagealloc $1 $l"; done </tmp/pa.out; }

sleep 2
perf_stat anon-light sh -c "pagealloc anon 256 $rounds >/tmp/pa.out"
report anon-light
mkdir -p /bench
mount -t tmpfs -o size=100% bench /bench
perf_stat file sh -c "pagealloc file /bench 128 $rounds >/tmp/pa.out"
report file
umount /bench
full=$(( $(meminfo_kb MemFree) / 1024 - 64 ))
bench "pagealloc anon-full mib=$full MemFree=$(meminfo_kb MemFree) nr_free_swiotlb=$(vmstat_val nr_free_swiotlb)"
perf_stat anon-full sh -c "pagealloc anon $full $rounds >/tmp/pa.out"
report anon-full
for order in 3 9; do
	mib=64
	[ "$order" = 9 ] && mib=256
	perf_stat thp-order$order sh -c "pagealloc thp $mib $rounds $order >/tmp/pa.out"
	report thp-order$order
done
