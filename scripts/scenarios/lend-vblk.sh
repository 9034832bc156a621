# Occupy the lent reserve with page cache (tmpfs), then bounce real I/O
# through the base pool: O_DIRECT write and read-back, compared.
make_pattern 32
fill_tmpfs
# The fill ends at the edge of memory, where the OOM killer decides; give
# the I/O room with the earliest files, which hold regular memory taken
# before lent pages were borrowed.
rm -f /fill/0 /fill/1 /fill/2 /fill/3
lent=$(( $(meminfo_kb SwiotlbLent) / 4 )) free=$(vmstat_val nr_free_swiotlb)
echo "lent pages $lent, free $free: $(( (lent - free) * 100 / lent ))% in use"
if [ "$lent" -gt 0 ] && [ "$free" -lt $(( lent / 10 )) ]; then
	tap_ok reserve-occupied
else
	tap_fail reserve-occupied "$free of $lent lent pages free"
fi
if odirect_roundtrip 256 && [ "$(swiotlb_stat io_tlb_used_hiwater)" -gt 0 ]; then
	tap_ok odirect-readback
else
	tap_fail odirect-readback "checksum mismatch or no bouncing"
fi
echo "lent pages free after the I/O: $(vmstat_val nr_free_swiotlb)"
