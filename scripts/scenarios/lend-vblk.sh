# Occupy the lent reserve with page cache (tmpfs), then bounce real I/O
# through the base pool: O_DIRECT write and read-back, compared, with the
# reserve's use sampled while the I/O runs.
make_pattern 32
fill_tmpfs
lent=$(( $(meminfo_kb SwiotlbLent) / PAGE_KB )) free=$(vmstat_val nr_free_swiotlb)
if [ "$lent" -gt 0 ] && [ "$free" -lt 256 ]; then
	tap_ok reserve-occupied
else
	tap_fail reserve-occupied "$free of $lent lent pages free after the fill"
fi
# The fill ends at the edge of memory, where the OOM killer decides; give
# the I/O room with the earliest files, mostly regular memory taken before
# lent pages were borrowed, and keep most of the reserve occupied.
rm -f /fill/0 /fill/1 /fill/2 /fill/3
echo "harness: room made: $(vmstat_val nr_free_swiotlb) of $(( $(meminfo_kb SwiotlbLent) / PAGE_KB )) lent pages free"
bounce_window_start
odirect_roundtrip 256 >/tmp/io.log 2>&1 &
io=$!
# Lent pages in use, sampled while the I/O runs; the least of them is
# what counts.  At least 90%: seven runs measured 95% to 99% (the four
# files deleted above held 8 to 816 lent pages), and the I/O itself
# changed none of it.
n=0 least=100 most=0
while kill -0 "$io" 2>/dev/null; do
	p=$(lent_in_use)
	[ "$p" -lt "$least" ] && least=$p
	[ "$p" -gt "$most" ] && most=$p
	n=$((n + 1))
	sleep 0.2
done
io_rc=0
wait "$io" || io_rc=$?
cat /tmp/io.log
echo "harness: during the I/O ($n samples): $least% to $most% of the lent pages in use (lent now $(( $(meminfo_kb SwiotlbLent) / PAGE_KB )))"
if [ "$n" -gt 0 ] && [ "$least" -ge 90 ]; then
	tap_ok reserve-in-use-during-io
else
	tap_fail reserve-in-use-during-io "$least% of the lent pages in use at the least ($n samples)"
fi
if [ "$io_rc" = 0 ] && bounced; then
	tap_ok odirect-readback
else
	tap_fail odirect-readback "checksum mismatch or no bouncing"
fi
