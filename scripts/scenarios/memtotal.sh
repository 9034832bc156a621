# Print the figures the closing notes and benchmarks compare.
for k in MemTotal MemFree MemAvailable SwiotlbLendTotal SwiotlbLent; do
	echo "# measure: $k $(meminfo_kb $k)" >"$RESULTS"
done
for f in io_tlb_nslabs io_tlb_lent_nslabs io_tlb_used; do
	echo "# measure: $f $(swiotlb_stat $f)" >"$RESULTS"
done
echo "# measure: nr_free_swiotlb $(vmstat_val nr_free_swiotlb)" >"$RESULTS"
