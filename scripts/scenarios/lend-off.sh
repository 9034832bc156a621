# swiotlb_lend=off gives the fixed 64 MiB pool and lends nothing.
n=$(swiotlb_stat io_tlb_nslabs) t=$(meminfo_kb SwiotlbLendTotal)
echo "io_tlb_nslabs $n, SwiotlbLendTotal $t kB, lent slots $(swiotlb_stat io_tlb_lent_nslabs)"
if [ "$n" = 32768 ] && [ "$t" = 0 ] && [ "$(swiotlb_stat io_tlb_lent_nslabs)" = 0 ] &&
   dmesg | grep -q 'swiotlb_lend: off: fixed pool'; then
	tap_ok fixed-pool
else
	tap_fail fixed-pool "pool $n slots, SwiotlbLendTotal $t kB"
fi
run_kselftest swiotlb_lend /selftests/swiotlb_lend/swiotlb_lend_test
