# O_DIRECT write of random data to the virtio-blk disk, read back, compare.
dev=/dev/vda
[ -b $dev ] || { tap_fail odirect-readback "no $dev"; exit 1; }
dd if=/dev/urandom of=/tmp/pattern bs=1M count=32 2>/dev/null
dd if=/tmp/pattern of=$dev bs=256k oflag=direct conv=fsync 2>/dev/null
dd if=$dev of=/tmp/readback bs=256k count=128 iflag=direct 2>/dev/null
a=$(md5sum </tmp/pattern) b=$(md5sum </tmp/readback)
echo "written ${a%% *} read ${b%% *}"
if [ "$a" = "$b" ]; then tap_ok odirect-readback
else tap_fail odirect-readback "checksum mismatch"; fi
hw=$(swiotlb_stat io_tlb_used_hiwater)
echo "io_tlb_used_hiwater ${hw:-none}"
if [ -n "$hw" ] && [ "$hw" -gt 0 ]; then tap_ok swiotlb-used
else tap_fail swiotlb-used "I/O did not bounce through swiotlb"; fi
