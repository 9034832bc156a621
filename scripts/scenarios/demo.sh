# Demo: show the swiotlb pool and what lending does with it.  Lines
# starting with "demo:" are printed by the host as the run's summary.
demo() { echo "# demo: $*" >"$RESULTS"; echo "demo: $*"; }
kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

if [ ! -d /sys/kernel/debug/swiotlb ]; then
	demo "swiotlb is not set up in this boot"
	exit 1
fi
nslabs=$(swiotlb_stat io_tlb_nslabs)
demo "swiotlb pool: $((nslabs * 2 / 1024)) MiB ($nslabs slots of 2 KiB)"
demo "MemTotal $(kb MemTotal) kB, MemAvailable $(kb MemAvailable) kB"
if [ -n "$(kb SwiotlbLendTotal)" ]; then
	demo "lendable reserve $(kb SwiotlbLendTotal) kB, lent now $(kb SwiotlbLent) kB," \
		"lent slots $(swiotlb_stat io_tlb_lent_nslabs)"
	grep -E '^(nr_free_swiotlb|swiotlb_lend_)' /proc/vmstat | while read -r k v; do
		demo "  vmstat $k $v"
	done
else
	demo "lending: not in this kernel (no SwiotlbLendTotal in /proc/meminfo):" \
		"the whole pool is reserved for bounce buffers, used or not"
fi

# Real DMA through the pool: O_DIRECT on virtio-blk with iommu_platform=on.
dd if=/dev/urandom of=/tmp/pattern bs=1M count=32 2>/dev/null
dd if=/tmp/pattern of=/dev/vda bs=256k oflag=direct 2>/dev/null
dd if=/dev/vda of=/tmp/readback bs=256k count=128 iflag=direct 2>/dev/null
a=$(md5sum </tmp/pattern) b=$(md5sum </tmp/readback)
if [ "$a" = "$b" ]; then r="data verified"; else r="DATA MISMATCH"; fi
demo "virtio-blk O_DIRECT 32 MiB write+read: $r," \
	"peak bounce slots in use $(swiotlb_stat io_tlb_used_hiwater)"
[ "$a" = "$b" ]
