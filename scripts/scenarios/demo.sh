# Demo: the swiotlb pool, what lending gives back at idle, a DMA burst
# that takes the reserve back, and the reserve lent again once idle.
# Lines starting with "demo:" are printed by the host as the run's summary.
demo() { echo "# demo: $*" >"$RESULTS"; echo "demo: $*"; }
mib() { echo $(( $1 / 1024 )); }

if [ ! -d /sys/kernel/debug/swiotlb ]; then
	demo "swiotlb is not set up in this boot"
	exit 1
fi
d=/sys/kernel/debug/swiotlb
nslabs=$(swiotlb_stat io_tlb_nslabs)
total=$(meminfo_kb SwiotlbLendTotal)
if [ -z "$total" ] || [ "$total" = 0 ]; then
	demo "swiotlb pool: $((nslabs * 2 / 1024)) MiB, not lending in this kernel or boot:" \
		"the whole pool is reserved for bounce buffers, used or not"
	exit 1
fi
base=$(( nslabs * 2 / 1024 - total / 1024 ))
demo "pool: $((nslabs * 2 / 1024)) MiB = base $base MiB + lendable reserve $(mib "$total") MiB" \
	"(watermarks: low $(cat $d/lend_wmark_low), high $(cat $d/lend_wmark_high) free slots)"
demo "idle: $(mib "$(meminfo_kb SwiotlbLent)") MiB of the reserve lent to the page allocator;" \
	"MemTotal $(mib "$(meminfo_kb MemTotal)") MiB, MemAvailable $(mib "$(meminfo_kb MemAvailable)") MiB;" \
	"a fixed pool of the same size would keep all $((nslabs * 2 / 1024)) MiB out of MemTotal"

# A burst through the test driver that needs three quarters of the
# reserve on top of the base pool, held, patterns checked; sleepable.
t=/sys/kernel/debug/swiotlb_lend_test/burst
if [ -w "$t" ]; then
	count=$(( (base + total / 1024 * 3 / 4) * 16 ))
	success=$(vmstat_val swiotlb_lend_reclaim_success)
	start=$(date +%s)
	echo "map $count 65536 bidi sleep" >"$t"
	r=$(cat "$t")
	demo "burst: $count x 64 KiB = $((count / 16)) MiB held: $r"
	demo "  $(( $(vmstat_val swiotlb_lend_reclaim_success) - success )) blocks of 2 MiB taken back," \
		"reclaim latency per block last/max $(cat $d/lend_reclaim_latency_us | sed 's/ / \/ /') us;" \
		"lent now $(mib "$(meminfo_kb SwiotlbLent)") MiB"
	echo release >"$t"
	demo "  released: $(sed 's/.*\(verify_errors=[0-9]*\).*/\1/' "$t")"
	relend=$(vmstat_val swiotlb_lend_relend)
	wait_all_lent 300
	demo "idle again: $(( $(vmstat_val swiotlb_lend_relend) - relend )) blocks lent again" \
		"after $(( $(date +%s) - start )) s (grace period $(cat $d/lend_relend_delay_ms) ms);" \
		"lent $(mib "$(meminfo_kb SwiotlbLent)") of $(mib "$total") MiB," \
		"MemAvailable $(mib "$(meminfo_kb MemAvailable)") MiB"
fi

# Real DMA through the pool: O_DIRECT on virtio-blk with iommu_platform=on.
make_pattern 32
if odirect_roundtrip 256; then r="data verified"; else r="DATA MISMATCH"; fi
demo "virtio-blk O_DIRECT 32 MiB write+read: $r," \
	"peak bounce slots in use $(swiotlb_stat io_tlb_used_hiwater)"
[ "$r" = "data verified" ]
