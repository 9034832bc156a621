# O_DIRECT write of random data to the virtio-blk disk, read back, compare.
[ -b /dev/vda ] || { tap_fail odirect-readback "no /dev/vda"; exit 1; }
make_pattern 32
bounce_window_start
if odirect_roundtrip 256; then tap_ok odirect-readback
else tap_fail odirect-readback "checksum mismatch"; fi
if bounced; then tap_ok swiotlb-used
else tap_fail swiotlb-used "I/O did not bounce through swiotlb"; fi
