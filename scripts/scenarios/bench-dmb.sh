# DMA fast path: dma_map_benchmark (tools/testing/selftests/dma) bound to
# the edu device, 1 and 2 threads, granule 1 and 16 pages, BENCH_DMB_S
# seconds each.  One "dmb" bench line per run: average map and unmap
# latency and their standard deviations, in microseconds (the tool's
# resolution is 0.1 us; under icount, 100 instructions).
# With BENCH_DMB_BITS=64 and no swiotlb=force (bench-direct) nothing
# bounces: the same figures for the non-bounced path.
secs=${BENCH_DMB_S:-4}
bits=${BENCH_DMB_BITS:-32}
bdf=
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
		bdf=${d##*/}
	fi
done
[ -n "$bdf" ] || { bench "error: no edu device"; exit 1; }
echo dma_map_benchmark >"/sys/bus/pci/devices/$bdf/driver_override"
echo "$bdf" >/sys/bus/pci/drivers/dma_map_benchmark/bind

for threads in ${BENCH_DMB_THREADS:-1 2}; do
	for granule in ${BENCH_DMB_GRANULES:-1 16}; do
		/selftests/dma/dma_map_benchmark -t "$threads" -s "$secs" \
			-g "$granule" -b "$bits" >/tmp/dmb.out 2>&1
		cat /tmp/dmb.out
		bench "dmb threads=$threads granule=$granule bits=$bits" \
			"$(sed -n 's/^average \(map\|unmap\) latency(us):\([0-9.]*\) standard deviation:\([0-9.]*\)/\1_us=\2 \1_sd=\3/p' /tmp/dmb.out | tr '\n' ' ')"
	done
done
echo "io_tlb_used_hiwater $(swiotlb_stat io_tlb_used_hiwater)"
bench "dmb pool_hiwater=$(swiotlb_stat io_tlb_used_hiwater) pool_slots=$(swiotlb_stat io_tlb_nslabs)"
