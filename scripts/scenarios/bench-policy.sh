# Benchmark (not a test): the borrowing rule under sustained pressure.
# Swap on the virtio disk and a writer that keeps 1.25 times memory in
# tmpfs files, deleting the oldest, keep kswapd and direct reclaim at
# work.  Once they swap, the lent pages in use are sampled once a
# second for PRESSURE_S seconds: how useful the reserve is to the system.
# Then, still under pressure, a sleepable burst maps base + 3/4 of the
# reserve through the test driver and every block taken back is traced:
# what the reserve costs to take back, in pages migrated per block.  One
# "# bench: policy ..." line each.
t=/sys/kernel/debug/swiotlb_lend_test/burst
tr=/sys/kernel/tracing
pressure_s=${PRESSURE_S:-40}
swap_used_kb() { echo $(( $(meminfo_kb SwapTotal) - $(meminfo_kb SwapFree) )); }

lent_total=$(( $(meminfo_kb SwiotlbLendTotal) / PAGE_KB ))
[ "$lent_total" -gt 0 ] && [ -w "$t" ] || { bench "error: no lending or no test driver"; exit 1; }
mkswap /dev/vda >/dev/null && swapon /dev/vda || { bench "error: no swap"; exit 1; }
wait_all_lent 600 || { bench "error: reserve not lent at start"; exit 1; }
echo 1 >"$tr/events/swiotlb/swiotlb_lend_reclaim/enable"
nslabs=$(swiotlb_stat io_tlb_nslabs)
bench "policy pool slots=$nslabs lent_pages=$lent_total"

mem_kb=$(meminfo_kb MemTotal)
mkdir -p /fill
mount -t tmpfs -o size=150% fill /fill
# The writer: 4 MiB tmpfs files, the oldest deleted once they hold 1.25
# times memory, so that allocation never stops and reclaim swaps shmem
# out for as long as it runs.
keep=$(( mem_kb * 5 / 4 / 4096 ))
(
	i=0
	while :; do
		dd if=/dev/zero of=/fill/$i bs=1M count=4 2>/dev/null
		rm -f /fill/$((i - keep))
		i=$((i + 1))
	done
) &
spid=$!
# Sustained pressure: sample once memory is full and reclaim swaps
# (16 MiB out), not while the writer ramps up.
i=0
while [ "$(swap_used_kb)" -lt 16384 ] && [ $i -lt 300 ]; do
	sleep 1
	i=$((i + 1))
done
bench "policy ramp seconds=$i swap_kb=$(swap_used_kb)"

s0_out=$(vmstat_val pswpout) s0_scan=$(( $(vmstat_val pgscan_kswapd) + $(vmstat_val pgscan_direct) ))
i=0 sum=0 min=$lent_total max=0
while [ $i -lt "$pressure_s" ]; do
	sleep 1
	used=$(( $(meminfo_kb SwiotlbLent) / PAGE_KB - $(vmstat_val nr_free_swiotlb) ))
	regular_kb=$(( $(meminfo_kb MemFree) - $(vmstat_val nr_free_swiotlb) * PAGE_KB ))
	bench "policy sample t=$i lent_used=$used regular_free_kb=$regular_kb swap_kb=$(swap_used_kb)"
	sum=$((sum + used))
	[ "$used" -ge "$min" ] || min=$used
	[ "$used" -le "$max" ] || max=$used
	i=$((i + 1))
done
bench "policy pressure seconds=$pressure_s lent_used_avg_pct=$(( sum * 100 / pressure_s / lent_total ))" \
	"lent_used_min_pct=$(( min * 100 / lent_total )) lent_used_max_pct=$(( max * 100 / lent_total ))" \
	"pswpout=$(( $(vmstat_val pswpout) - s0_out ))" \
	"pgscan=$(( $(vmstat_val pgscan_kswapd) + $(vmstat_val pgscan_direct) - s0_scan ))"

echo >"$tr/trace"
s0=$(vmstat_val swiotlb_lend_reclaim_success) f0=$(vmstat_val swiotlb_lend_reclaim_fail)
# 7/8 of the pool, base + three quarters of the reserve: the disk's swap
# I/O needs slots too
echo "map $(( nslabs * 2048 / 65536 * 7 / 8 )) 65536 bidi sleep" >"$t"
r=$(cat "$t")
bench "policy burst $r reclaimed=$(( $(vmstat_val swiotlb_lend_reclaim_success) - s0 ))" \
	"reclaim_failed=$(( $(vmstat_val swiotlb_lend_reclaim_fail) - f0 ))"
echo release >"$t"
sed -n 's/.*swiotlb_lend_reclaim: \(.*\)/\1/p' "$tr/trace" >/tmp/reclaims
while read -r ev; do bench "policy reclaim $ev"; done </tmp/reclaims
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       if (v["result"] == 0) { n++; m += v["nr_migrated"]; ns += v["duration_ns"] } }
     END { printf "blocks=%d migrated_per_block=%.1f ms_per_block=%.2f\n",
		  n, n ? m / n : 0, n ? ns / n / 1e6 : 0 }' /tmp/reclaims >/tmp/sum
bench "policy takeback $(cat /tmp/sum)"
kill $spid 2>/dev/null
wait $spid 2>/dev/null
rm -rf /fill/*
swapoff /dev/vda 2>/dev/null || true
