# Upstream mm selftests, run the way run_vmtests.sh runs them, with the
# lent reserve in use: memory is filled with tmpfs pages first, so that
# the tests' own allocations, compaction and migration meet lent
# pageblocks full of movable pages.
mm=/selftests/mm
cd /tmp
fill_tmpfs
# Room for the tests, 256 MiB on every node, given back from the earliest
# files: mostly regular memory, taken before lent pages were borrowed.
# Every node: migration moves pages to each, and with the pool's node
# left full (34 MiB free, at its watermarks) it failed with ENOMEM.
node_room_kb=$((256 * 1024))
node_free_min() {
	awk '$3 == "MemFree:" { if (m == "" || $4 < m) m = $4 } END { print m + 0 }' \
		/sys/devices/system/node/node*/meminfo
}
i=0
while [ "$(node_free_min)" -lt "$node_room_kb" ] && [ -f "/fill/$i" ]; do
	rm "/fill/$i"
	i=$((i + 1))
done
echo "harness: deleted $i files: MemFree $(meminfo_kb MemFree) kB," \
	"nr_free_swiotlb $(vmstat_val nr_free_swiotlb), SwiotlbLent $(meminfo_kb SwiotlbLent) kB"
grep MemFree /sys/devices/system/node/node*/meminfo

# lent_sample WHEN: lent pages in use; the least of all samples is kept
# in least_lent.
least_lent=100
lent_sample() {
	local p
	p=$(lent_in_use)
	[ "$p" -lt "$least_lent" ] && least_lent=$p
	echo "harness: lent pages in use $1: $p% of $(meminfo_kb SwiotlbLent) kB," \
		"nr_free_swiotlb $(vmstat_val nr_free_swiotlb), MemFree $(meminfo_kb MemFree) kB"
}
# mm_test RUNNER NAME CMD...: run_test or run_kselftest, sampled around.
mm_test() {
	lent_sample "before $2"
	"$@"
	lent_sample "after $2"
}

mm_test run_test gup_test-u $mm/gup_test -u
mm_test run_test gup_test-a $mm/gup_test -a
mm_test run_test gup_test-ct $mm/gup_test -ct -F 0x1 0 19 0x1000
mm_test run_kselftest compaction_test $mm/compaction_test
mm_test run_test transhuge-stress $mm/transhuge-stress -d 10
# Like run_vmtests.sh: hugetlb cases need free huge pages (2 MiB ones;
# the 1 GiB cases skip, the guest has no gigantic pages).
echo 16 >/proc/sys/vm/nr_hugepages
mm_test run_kselftest gup_longterm $mm/gup_longterm
mm_test run_kselftest migration $mm/migration
echo 0 >/proc/sys/vm/nr_hugepages
# At least 80% of the lent pages in use around every test: eleven runs
# measured 87% to 97% at the least.  Which files hold lent pages varies
# with the CPU each write ran on, so making room frees some of them.
if [ "$least_lent" -ge 80 ]; then
	tap_ok lent-pages-in-use
else
	tap_fail lent-pages-in-use "$least_lent% of the lent pages in use at the least"
fi
