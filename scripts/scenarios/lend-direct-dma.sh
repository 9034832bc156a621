# O_DIRECT I/O on lent pages, mapped for DMA without bouncing.
[ -d /sys/kernel/debug/swiotlb ] || { tap_fail no-bouncing "no swiotlb with iommu=soft"; exit 1; }
SWIOTLB_LEND_TEST_DEV=/dev/vda run_kselftest swiotlb_lend \
	/selftests/swiotlb_lend/swiotlb_lend_test -t direct_dma_of_lent_pages -t direct_map_of_lent_page
hw=$(swiotlb_stat io_tlb_used_hiwater)
echo "io_tlb_used_hiwater $hw"
if [ "$hw" = 0 ]; then tap_ok no-bouncing
else tap_fail no-bouncing "hiwater $hw: direct DMA went through bounce buffers"; fi
# Last: its control maps one bounce buffer on purpose.
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test \
	-t lent_pages_are_not_bounce_buffers
