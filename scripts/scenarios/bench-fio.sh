# Real I/O: fio, O_DIRECT with libaio on /dev/vda (virtio-blk,
# iommu_platform=on, swiotlb=force: every request is bounced), random
# 50/50 read/write, 4 KiB and 256 KiB, queue depth 1 and 32,
# BENCH_FIO_S seconds each, each under a system-wide perf stat.
secs=${BENCH_FIO_S:-10}
[ -b /dev/vda ] || { bench "error: no /dev/vda"; exit 1; }
for bs in 4k 256k; do
	for qd in 1 32; do
		perf_stat "fio-$bs-qd$qd" fio --name=bench --filename=/dev/vda \
			--direct=1 --ioengine=libaio --rw=randrw --rwmixread=50 \
			--bs="$bs" --iodepth="$qd" --runtime="$secs" --time_based \
			--output-format=terse --terse-version=3 >/tmp/fio.out 2>&1 || true
		cat /tmp/fio.out
		bench "fio bs=$bs qd=$qd $(awk -F';' 'NF > 100 {
			printf "read_kib_s=%s read_iops=%s write_kib_s=%s write_iops=%s", $7, $8, $48, $49 }' /tmp/fio.out)"
	done
done
bench "fio pool_hiwater=$(swiotlb_stat io_tlb_used_hiwater) pool_slots=$(swiotlb_stat io_tlb_nslabs)"
