# Occupy the lent reserve with page cache (tmpfs), then bounce real I/O
# through the base pool: O_DIRECT write and read-back, compared.
make_pattern 32
fill_tmpfs
lent=$(( $(meminfo_kb SwiotlbLent) / 4 )) free=$(vmstat_val nr_free_swiotlb)
if [ "$lent" -gt 0 ] && [ "$free" -lt 256 ]; then
	tap_ok reserve-occupied
else
	tap_fail reserve-occupied "$free of $lent lent pages free after the fill"
fi
# The fill ends at the edge of memory, where the OOM killer decides; give
# the I/O room with the earliest files, mostly regular memory taken before
# lent pages were borrowed, and keep most of the reserve occupied.
rm -f /fill/0 /fill/1 /fill/2 /fill/3
free=$(vmstat_val nr_free_swiotlb)
echo "during the I/O: $(( (lent - free) * 100 / lent ))% of $lent lent pages in use"
if [ "$free" -lt $(( lent / 4 )) ]; then
	tap_ok reserve-in-use-during-io
else
	tap_fail reserve-in-use-during-io "$free of $lent lent pages free"
fi
if odirect_roundtrip 256 && [ "$(swiotlb_stat io_tlb_used_hiwater)" -gt 0 ]; then
	tap_ok odirect-readback
else
	tap_fail odirect-readback "checksum mismatch or no bouncing"
fi
