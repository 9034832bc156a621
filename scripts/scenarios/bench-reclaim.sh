# Benchmark (not a test): DMA bursts from a cold reserve, fully lent and
# full of page cache, of growing size, sleepable and atomic, through the
# test driver.  One "# bench:" line per burst and one per reclaimed
# pageblock (from the swiotlb:swiotlb_lend_reclaim trace event).  On a
# fixed pool (swiotlb_lend=off) the same bursts run with nothing to take
# back.
d=/sys/kernel/debug/swiotlb
t=/sys/kernel/debug/swiotlb_lend_test/burst
tr=/sys/kernel/tracing

nslabs=$(swiotlb_stat io_tlb_nslabs)
total_kb=$(meminfo_kb SwiotlbLendTotal)
total_kb=${total_kb:-0}
# The same bursts on every contender: sized from the lending layout
# (base 64 MiB + reserve 64 MiB unless told otherwise).
base_mib=${BENCH_BASE_MIB:-64}
reserve_mib=${BENCH_RESERVE_MIB:-64}
lending=0
[ "$total_kb" -gt 0 ] && lending=1
bench "pool slots $nslabs lending $lending reserve_kb $total_kb"
[ -d "$d" ] && [ -w "$t" ] || { bench "error: no swiotlb or no test driver"; exit 1; }
if [ $lending = 1 ]; then
	echo 1000 >"$d/lend_relend_delay_ms"
	echo 1 >"$tr/events/swiotlb/swiotlb_lend_reclaim/enable"
fi

mkdir -p /fill
mount -t tmpfs -o size=100% fill /fill
# Use the reserve up with page cache (tmpfs), then free the earliest
# files (regular memory, written before any lent page was) so that
# migration has 128 MiB of room: a cold reserve, the same for each burst.
fill_reserve() {
	local floor n=0 i=0
	rm -f /fill/*
	floor=$(( ($(zone_watermarks min) + $(zone_watermarks high)) / 2 * 4 ))
	while [ "$(vmstat_val nr_free_swiotlb)" -ge 256 ] &&
	      [ $(( $(meminfo_kb MemFree) - $(vmstat_val nr_free_swiotlb) * 4 )) -gt "$floor" ]; do
		dd if=/dev/zero of=/fill/$n bs=1M count=4 2>/dev/null || break
		n=$((n + 1))
	done
	while [ $i -lt 32 ] && [ $i -lt $n ]; do
		rm -f /fill/$i
		i=$((i + 1))
	done
}

for quarters in 1 2 3 4; do
	mib=$(( base_mib + reserve_mib * quarters / 4 ))
	count=$(( mib * 16 ))
	for mode in sleep atomic; do
		if [ $lending = 1 ]; then
			wait_all_lent 600
			fill_reserve
			echo >"$tr/trace"
		fi
		used=$(( $(meminfo_kb SwiotlbLent) / 4 - $(vmstat_val nr_free_swiotlb) ))
		s0=$(vmstat_val swiotlb_lend_reclaim_success)
		f0=$(vmstat_val swiotlb_lend_reclaim_fail)
		echo "map $count 65536 bidi $mode" >"$t"
		r=$(cat "$t")
		bench "burst mib=$mib mode=$mode reserve_pages_in_use=$used $r" \
			"reclaimed=$(( $(vmstat_val swiotlb_lend_reclaim_success) - ${s0:-0} ))" \
			"reclaim_failed=$(( $(vmstat_val swiotlb_lend_reclaim_fail) - ${f0:-0} ))"
		echo release >"$t"
		if [ $lending = 1 ]; then
			sed -n 's/.*swiotlb_lend_reclaim: \(.*\)/\1/p' "$tr/trace" |
			while read -r ev; do
				bench "reclaim mib=$mib mode=$mode $ev"
			done
		fi
	done
done
