# swiotlb_lend=0 must be reported once, by name, and fall back safely.
lines=$(dmesg | grep -c 'swiotlb_lend: .*swiotlb_lend=0')
dmesg | grep 'swiotlb_lend:'
if [ "$lines" = 1 ] && dmesg | grep 'swiotlb_lend: .*swiotlb_lend=0' | grep -q 'invalid'; then
	tap_ok error-reported
else
	tap_fail error-reported "$lines log lines name swiotlb_lend=0"
fi
dd if=/dev/urandom of=/tmp/pattern bs=1M count=8 2>/dev/null
dd if=/tmp/pattern of=/dev/vda bs=64k oflag=direct 2>/dev/null
dd if=/dev/vda of=/tmp/readback bs=64k count=128 iflag=direct 2>/dev/null
if [ "$(md5sum </tmp/pattern)" = "$(md5sum </tmp/readback)" ] &&
   [ "$(swiotlb_stat io_tlb_used_hiwater)" -gt 0 ]; then
	tap_ok pool-works
else
	tap_fail pool-works "I/O through swiotlb failed"
fi
