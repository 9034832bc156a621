# Upstream mm selftests, run the way run_vmtests.sh runs them.
mm=/selftests/mm
cd /tmp
grep -E 'SwiotlbLent|nr_free_swiotlb' /proc/meminfo /proc/vmstat
run_test gup_test-u $mm/gup_test -u
run_test gup_test-a $mm/gup_test -a
run_test gup_test-ct $mm/gup_test -ct -F 0x1 0 19 0x1000
run_kselftest compaction_test $mm/compaction_test
run_test transhuge-stress $mm/transhuge-stress -d 10
# Like run_vmtests.sh: hugetlb cases need free huge pages (2 MiB ones;
# the 1 GiB cases skip, the guest has no gigantic pages).
echo 16 >/proc/sys/vm/nr_hugepages
run_kselftest gup_longterm $mm/gup_longterm
run_kselftest migration $mm/migration
echo 0 >/proc/sys/vm/nr_hugepages
