# fio with 24 requests of 1 MiB in flight on virtio-blk (iommu_platform=on,
# swiotlb=force: every request bounced, mapped atomically by the block
# layer) through a 1 MiB base pool with a 32 MiB reserve lent, on a 2 GiB
# guest where nothing borrows the reserve: the burst needs it back at
# once.  Reports throughput, fio's error count, the "swiotlb buffer is
# full" warnings (rate-limited: at most 10 in 5 s are printed; a mapping
# that fails is retried by the block layer, not an I/O error) and the
# blocks taken back, at map time (taken_free) and by the worker.
secs=${BENCH_FIO_S:-10}
d=/sys/kernel/debug/swiotlb
[ -b /dev/vda ] || { bench "error: no /dev/vda"; exit 1; }
[ -r "$d/lend_worker" ] || { bench "error: this kernel does not lend"; exit 1; }
worker() { awk -v k="$1:" '$1 == k { print $2 }' "$d/lend_worker" 2>/dev/null; }
full0=$(dmesg | grep -c 'swiotlb buffer is full')
reclaimed0=$(worker reclaimed) taken0=$(worker taken_free)
fio --name=burst --filename=/dev/vda --direct=1 --ioengine=libaio \
	--rw=randrw --rwmixread=50 --bs=1M --iodepth=24 --runtime="$secs" \
	--time_based --output-format=terse --terse-version=3 >/tmp/fio.out 2>&1 || true
cat /tmp/fio.out
full=$(( $(dmesg | grep -c 'swiotlb buffer is full') - full0 ))
bench "fio-burst bs=1M qd=24 $(awk -F';' 'NF > 100 {
	printf "read_kib_s=%s write_kib_s=%s fio_error=%s", $7, $48, $5 }' /tmp/fio.out)" \
	"full_warnings=$full reclaimed=$(( $(worker reclaimed) - reclaimed0 ))" \
	"taken_free=$(( $(worker taken_free) - taken0 ))" \
	"pool_hiwater=$(swiotlb_stat io_tlb_used_hiwater) pool_slots=$(swiotlb_stat io_tlb_nslabs)"
