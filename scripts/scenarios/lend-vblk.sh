# Occupy the lent reserve with page cache (tmpfs), then bounce real I/O
# through the base pool: O_DIRECT write and read-back, compared.
dd if=/dev/urandom of=/tmp/pattern bs=1M count=32 2>/dev/null
a=$(md5sum </tmp/pattern)
# The fill stops with regular memory at the high watermarks, enough for
# the processes below; lent pages were taken before regular memory went
# below them, so the reserve is occupied.
fill_tmpfs
free=$(vmstat_val nr_free_swiotlb)
echo "nr_free_swiotlb $free pages, SwiotlbLent $(meminfo_kb SwiotlbLent) kB"
if [ "$free" -lt 256 ] && [ "$(meminfo_kb SwiotlbLent)" -gt 0 ]; then
	tap_ok reserve-occupied
else
	tap_fail reserve-occupied "nr_free_swiotlb still $free pages"
fi
dd if=/tmp/pattern of=/dev/vda bs=256k oflag=direct 2>/dev/null
b=$(dd if=/dev/vda bs=256k count=128 iflag=direct 2>/dev/null | md5sum)
echo "written ${a%% *} read ${b%% *}, peak bounce slots $(swiotlb_stat io_tlb_used_hiwater)"
if [ "$a" = "$b" ] && [ "$(swiotlb_stat io_tlb_used_hiwater)" -gt 0 ]; then
	tap_ok odirect-readback
else
	tap_fail odirect-readback "checksum mismatch or no bouncing"
fi
