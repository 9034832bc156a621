# Memory given back: MemTotal/MemAvailable at idle after boot; then, when
# the test driver is there, MemAvailable sampled every 200 ms through a
# burst that needs base + reserve (2048 x 64 KiB, sleepable, held for
# BENCH_HOLD_S seconds) and BENCH_IDLE_S seconds of idle after it, and the
# idle figures again.  The burst runs under perf stat.
t=/sys/kernel/debug/swiotlb_lend_test/burst
hold=${BENCH_HOLD_S:-3}
idle=${BENCH_IDLE_S:-12}

# Free pages on the per-cpu lists are not in MemFree or MemAvailable, and
# how many there are depends on what ran last: MemAvailable moves by
# several MiB with them, pcp_kb says by how much.
pcp_kb() { awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo; }

idle_figures() {
	bench "memory $1 MemTotal=$(meminfo_kb MemTotal) MemFree=$(meminfo_kb MemFree)" \
		"MemAvailable=$(meminfo_kb MemAvailable) pcp_kb=$(pcp_kb)" \
		"SwiotlbLendTotal=$(meminfo_kb SwiotlbLendTotal) SwiotlbLent=$(meminfo_kb SwiotlbLent)" \
		"pool_slots=$(swiotlb_stat io_tlb_nslabs) pool_used=$(swiotlb_stat io_tlb_used)"
}

# Let boot-time work settle (the reserve is lent from an initcall).
sleep 2
idle_figures boot
[ -w "$t" ] || { bench "memory cycle: no burst driver in this kernel"; exit 0; }

sample() {
	while :; do
		echo "$(uptime_ms) $(meminfo_kb MemAvailable) $(swiotlb_stat io_tlb_nslabs)"
		sleep 0.2
	done >/tmp/samples
}
sample &
sampler=$!
sleep 2
t0=$(uptime_ms)
perf_stat burst sh -c "echo 'map 2048 65536 bidi sleep' >$t"
bench "memory burst start_ms=$t0 $(cat "$t")"
sleep "$hold"
echo release >"$t"
bench "memory release at_ms=$(uptime_ms) $(cat "$t")"
sleep "$idle"
kill "$sampler"
wait "$sampler" 2>/dev/null
while read -r ms avail slots; do
	bench "memory sample t_ms=$((ms - t0)) MemAvailable=$avail pool_slots=$slots"
done </tmp/samples
idle_figures after-burst
