# fio with 24 requests of 1 MiB in flight on virtio-blk (iommu_platform=on,
# swiotlb=force: every request bounced, mapped atomically by the block
# layer) through a 1 MiB base pool, on a 2 GiB guest, twice: with the
# lent reserve free (nobody borrowed it: the burst takes it back at map
# time), then cold (full of page cache, 64 MiB of regular memory freed
# for room: its blocks come back by migration while bridges hold the
# mappings).  On a kernel that does not lend, the same two runs.  Each
# reports throughput, fio's error count, the "swiotlb buffer is full"
# warnings (rate-limited: at most 10 in 5 s are printed; a mapping that
# fails is requeued by the block layer, not an I/O error), the blocks
# taken back (all, and at map time), the mappings bridged and the bridges
# that failed, and the most slots in use.  BENCH_BRIDGE=0 turns bridges
# off.
secs=${BENCH_FIO_S:-10}
d=/sys/kernel/debug/swiotlb
[ -b /dev/vda ] || { bench "error: no /dev/vda"; exit 1; }
lending=0
[ "$(meminfo_kb SwiotlbLendTotal)" -gt 0 ] 2>/dev/null && lending=1
if [ $lending = 1 ]; then
	echo 1000 >"$d/lend_relend_delay_ms"
	[ -z "${BENCH_BRIDGE:-}" ] || echo "$BENCH_BRIDGE" >"$d/lend_bridge" ||
		{ bench "error: cannot set lend_bridge"; exit 1; }
fi
worker() {
	local v
	v=$(awk -v k="$1:" '$1 == k { print $2 }' "$d/lend_worker" 2>/dev/null)
	echo "${v:-0}"
}

fio_burst() {
	local full0 reclaimed0 taken0 bridged0 bfail0 full
	full0=$(dmesg | grep -c 'swiotlb buffer is full')
	reclaimed0=$(worker reclaimed) taken0=$(worker taken_free)
	bridged0=$(worker bridged) bfail0=$(worker bridge_failures)
	echo 0 >"$d/io_tlb_used_hiwater"
	fio --name=burst --filename=/dev/vda --direct=1 --ioengine=libaio \
		--rw=randrw --rwmixread=50 --bs=1M --iodepth=24 --runtime="$secs" \
		--time_based --output-format=terse --terse-version=3 >/tmp/fio.out 2>&1 || true
	cat /tmp/fio.out
	full=$(( $(dmesg | grep -c 'swiotlb buffer is full') - full0 ))
	bench "fio-burst reserve=$1 lending=$lending bs=1M qd=24 $(awk -F';' 'NF > 100 {
		printf "read_kib_s=%s write_kib_s=%s fio_error=%s", $7, $48, $5 }' /tmp/fio.out)" \
		"full_warnings=$full reclaimed=$(( $(worker reclaimed) - reclaimed0 ))" \
		"taken_free=$(( $(worker taken_free) - taken0 ))" \
		"bridged=$(( $(worker bridged) - bridged0 ))" \
		"bridge_failures=$(( $(worker bridge_failures) - bfail0 ))" \
		"pool_hiwater=$(swiotlb_stat io_tlb_used_hiwater) pool_slots=$(swiotlb_stat io_tlb_nslabs)"
}

fio_burst free
if [ $lending = 1 ]; then
	wait_all_lent 600 || { bench "error: the reserve was not lent again"; exit 1; }
	fill_tmpfs
	# The earliest files hold regular memory: room for bridges and
	# for migration.
	for i in 0 1 2 3 4 5 6 7; do rm -f /fill/$i; done
	lend_drain
	echo "harness: reserve pages in use $(( $(meminfo_kb SwiotlbLent) / PAGE_KB - $(vmstat_val nr_free_swiotlb) ))," \
		"MemFree $(meminfo_kb MemFree) kB"
fi
fio_burst cold
