# O_DIRECT I/O on lent pages, mapped for DMA without bouncing.
[ -d /sys/kernel/debug/swiotlb ] || { tap_fail no-bouncing "no swiotlb with iommu=soft"; exit 1; }
SWIOTLB_LEND_TEST_DEV=/dev/vda run_kselftest swiotlb_lend \
	/selftests/swiotlb_lend/swiotlb_lend_test -t direct_dma_of_lent_pages -t direct_map_of_lent_page
hw=$(swiotlb_stat io_tlb_used_hiwater)
echo "io_tlb_used_hiwater $hw"
if [ "$hw" = 0 ]; then tap_ok no-bouncing
else tap_fail no-bouncing "hiwater $hw: direct DMA went through bounce buffers"; fi
# Nor did the pool ever run short: addresses outside it are looked up
# without the bridge search (patched in only then; lend_worker's
# bridge_lookup: 0 off, 1 being patched in, 2 on).
bridge_lookup() {
	sed -n 's/^bridge_lookup: //p' /sys/kernel/debug/swiotlb/lend_worker
}
lookup=$(bridge_lookup)
echo "bridge_lookup $lookup"
if [ "$lookup" = 0 ]; then tap_ok no-bridge-lookup
else tap_fail no-bridge-lookup "bridge_lookup '$lookup' with nothing bounced"; fi
# A light load does not run the pool short: 1 MiB of bounce buffers in a
# 64 MiB pool, and a mapping larger than a segment, which fails whatever
# the pool holds and which no bridge could take.
t=/sys/kernel/debug/swiotlb_lend_test/burst
echo "map 16 65536 bidi atomic" >"$t" && echo "light: $(cat "$t")" && echo release >"$t"
echo "map 1 327680 to atomic" >"$t" && echo "oversized: $(cat "$t")" && echo release >"$t"
# And a medium load in one area (CPU 0's: the writer is pinned to it),
# which leaves the area half a block above its share of the high
# watermark: below a block above it, where the area could not lend a
# block again (where the worker hears of it), but not yet where a burst
# may soon need bridges.  x86: 2 areas, blocks of 1024 slots.
nslabs=$(swiotlb_stat io_tlb_nslabs)
base=$(( nslabs - $(meminfo_kb SwiotlbLendTotal) / 2 ))
high=$(swiotlb_stat lend_wmark_high)
nareas=2 block=1024
count=$(( (base / nareas - (high + nareas - 1) / nareas - block / 2) / 32 ))
taskset -c 0 sh -c "echo 'map $count 65536 bidi atomic' >$t"
echo "medium ($count in one area of $((base / nareas)) slots, high $high): $(cat "$t")"
echo release >"$t"
sleep 1
lookup=$(bridge_lookup)
echo "bridge_lookup $lookup after a light load"
if [ "$lookup" = 0 ]; then tap_ok light-load-no-bridge-lookup
else tap_fail light-load-no-bridge-lookup "bridge_lookup '$lookup' after 16 mappings of 64 KiB, one too large and $count in one area"; fi
# Last: its control maps one bounce buffer on purpose.
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t lent_pages_are_not_bounce_buffers
