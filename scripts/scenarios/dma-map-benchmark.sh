# dma_map_benchmark smoke test: bind the benchmark driver to the edu
# device, run the kselftest tool briefly, check it bounced through swiotlb.
bdf=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
		bdf=${d##*/}
	fi
done
if [ -z "$bdf" ]; then
	tap_fail dma_map_benchmark "no edu device"
	exit 1
fi
echo dma_map_benchmark >"/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" >/sys/bus/pci/drivers/dma_map_benchmark/bind
bounce_window_start
rc=0
/selftests/dma/dma_map_benchmark -t 1 -s 2 -g 1 >/tmp/dmb.out 2>&1 || rc=$?
cat /tmp/dmb.out
if [ $rc = 0 ] && grep -q 'average map latency' /tmp/dmb.out; then
	tap_ok dma_map_benchmark
else
	tap_fail dma_map_benchmark "exit status $rc or no latency figure"
fi
echo "io_tlb_nslabs $(swiotlb_stat io_tlb_nslabs)"
if bounced; then
	tap_ok swiotlb-used
else
	tap_fail swiotlb-used "io_tlb_used_hiwater is '$(swiotlb_stat io_tlb_used_hiwater)' after a reset: mappings did not bounce"
fi
