#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reclaim benchmark: DMA bursts of growing size (base pool + 1/4 .. 4/4 of
# the reserve, 64 KiB mappings, sleepable and atomic) from a cold reserve
# (fully lent, full of page cache), on each contender:
#   lend        default lending (64 MiB base + 64 MiB reserve), wall time
#   lend-icount the same under -icount shift=0,sleep=off: durations in ns
#               of virtual time are instruction counts (exact, repeatable)
#   fixed-base  swiotlb_lend=off: today's fixed 64 MiB pool
#   fixed-big   swiotlb_lend=off swiotlb=65536: a fixed 128 MiB pool
#   dynamic     CONFIG_SWIOTLB_DYNAMIC (kernel variant "dynamic") with
#               swiotlb_lend=off and a small initial pool (8 MiB, or
#               BENCH_DYNAMIC_SLABS slots) that grows on demand
# All run the series' kernel, so that the same burst driver drives them;
# with swiotlb_lend=off the pool is today's fixed pool (see the memtotal
# and dma_map_benchmark comparisons against the unpatched base).
# Writes raw logs and results.md to benchmarks/results/<date>-<base>/reclaim/.
#
# Usage: benchmarks/reclaim.sh [outdir]

. "$(dirname "$0")/../scripts/lib.sh"

out=${1:-$TOP/benchmarks/results/$(date +%Y-%m-%d)-$(base_version)/reclaim}
mkdir -p "$out"
"$TOP/scripts/deps.sh"
"$TOP/scripts/build-kernel.sh" default
"$TOP/scripts/build-initramfs.sh" default test
"$TOP/scripts/build-kernel.sh" dynamic
"$TOP/scripts/build-initramfs.sh" dynamic test
"$TOP/scripts/accel.sh" default

run() {
	local tag=$1
	shift
	step "reclaim bench: $tag"
	"$TOP/scripts/qemu-run.sh" --tag "bench-reclaim-$tag" "$@" bench-reclaim ||
		die "reclaim bench: $tag did not complete (build/logs/bench-reclaim-$tag)"
	tr -d '\r' <"$LOGS/bench-reclaim-$tag/results.tap" | sed -n 's/^# bench: //p' >"$out/$tag.txt"
	cp "$LOGS/bench-reclaim-$tag/console.log" "$out/$tag.console.log"
	# Paths relative to the repository: the command is the same anywhere.
	sed "s|$TOP/||g" "$LOGS/bench-reclaim-$tag/qemu.cmd" >"$out/$tag.qemu.cmd"
}
run lend
run lend-icount --icount
run fixed-base --append "swiotlb_lend=off"
run fixed-big --append "swiotlb_lend=off swiotlb=65536"
run dynamic --variant dynamic --append "swiotlb_lend=off swiotlb=${BENCH_DYNAMIC_SLABS:-4096}"

python3 "$TOP/benchmarks/reclaim-table.py" "$out" >"$out/results.md"
info "reclaim bench: $out/results.md"
cat "$out/results.md"
