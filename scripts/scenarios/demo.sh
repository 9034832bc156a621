# Demo: show the swiotlb pool and what lending does with it.  Lines
# starting with "demo:" are printed by the host as the run's summary.
demo() { echo "# demo: $*" >"$RESULTS"; echo "demo: $*"; }

if [ ! -d /sys/kernel/debug/swiotlb ]; then
	demo "swiotlb is not set up in this boot"
	exit 1
fi
nslabs=$(swiotlb_stat io_tlb_nslabs)
demo "swiotlb pool: $((nslabs * 2 / 1024)) MiB ($nslabs slots of 2 KiB)"
demo "MemTotal $(meminfo_kb MemTotal) kB, MemAvailable $(meminfo_kb MemAvailable) kB"
if [ -n "$(meminfo_kb SwiotlbLendTotal)" ]; then
	demo "lendable reserve $(meminfo_kb SwiotlbLendTotal) kB, lent now $(meminfo_kb SwiotlbLent) kB," \
		"lent slots $(swiotlb_stat io_tlb_lent_nslabs)"
	grep -E '^(nr_free_swiotlb|swiotlb_lend_)' /proc/vmstat | while read -r k v; do
		demo "  vmstat $k $v"
	done
else
	demo "lending: not in this kernel (no SwiotlbLendTotal in /proc/meminfo):" \
		"the whole pool is reserved for bounce buffers, used or not"
fi

# Real DMA through the pool: O_DIRECT on virtio-blk with iommu_platform=on.
make_pattern 32
if odirect_roundtrip 256; then r="data verified"; else r="DATA MISMATCH"; fi
demo "virtio-blk O_DIRECT 32 MiB write+read: $r," \
	"peak bounce slots in use $(swiotlb_stat io_tlb_used_hiwater)"
[ "$r" = "data verified" ]
