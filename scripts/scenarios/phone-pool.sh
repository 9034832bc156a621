# The pool the kernel chose, lending's decision and the memory figures.
sleep 2
page_kb=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)
block_pages=$(awk '/^Pages per block:/ { print $4 }' /proc/pagetypeinfo)
bench "phone-pool page_kb=$page_kb pageblock_kb=$((block_pages * page_kb))" \
	"MemTotal=$(meminfo_kb MemTotal) MemAvailable=$(meminfo_kb MemAvailable)" \
	"pool_slots=$(swiotlb_stat io_tlb_nslabs)" \
	"SwiotlbLendTotal=$(meminfo_kb SwiotlbLendTotal) SwiotlbLent=$(meminfo_kb SwiotlbLent)"
dmesg | grep -E 'swiotlb|software IO TLB' | sed 's/^\[[ 0-9.]*\] //' |
while read -r l; do
	bench "phone-pool log: $l"
done
