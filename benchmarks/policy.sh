#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Borrowing-policy benchmark: when should movable allocations take lent
# pages before regular memory?  Each rule is a kernel of its own
# (configs/variants, with swap):
#   high  the series' rule: lent pages first once regular memory would
#         fall below the zone's high watermark
#   half  CMA's rule: lent pages first while they are more than half of
#         the free memory (benchmarks/policies/half.patch)
#   last  lent pages only when no regular page is left
#         (benchmarks/policies/last.patch)
# Each runs the bench-policy scenario (sustained pressure with swap, then
# a sleepable burst of base + 3/4 of the reserve) ROUNDS times: lent
# pages in use under pressure (what the reserve gives) and pages
# migrated per block taken back (what it costs).
# Writes raw logs and results.md to benchmarks/results/<date>-<base>-policy/.
#
# Usage: benchmarks/policy.sh [outdir]

. "$(dirname "$0")/../scripts/lib.sh"

out=${1:-$TOP/benchmarks/results/$(date +%Y-%m-%d)-$(base_version)-policy}
rounds=${ROUNDS:-2}
rules=${RULES:-high half last}
mkdir -p "$out"
"$TOP/scripts/deps.sh"
for r in $rules; do
	"$TOP/scripts/build-kernel.sh" "policy-$r"
	"$TOP/scripts/build-initramfs.sh" "policy-$r" bench
done
"$TOP/scripts/accel.sh" default

for n in $(seq 1 "$rounds"); do
	for r in $rules; do
		tag=$r-$n
		step "policy bench: $tag"
		"$TOP/scripts/qemu-run.sh" --variant "policy-$r" --tag "bench-policy-$tag" bench-policy ||
			die "policy bench: $tag did not complete (build/logs/bench-policy-$tag)"
		tr -d '\r' <"$LOGS/bench-policy-$tag/results.tap" |
			sed -n 's/^# bench: //p' >"$out/$tag.txt"
		sed "s|$TOP/||g" "$LOGS/bench-policy-$tag/qemu.cmd" >"$out/$tag.qemu.cmd"
	done
done

{
	echo "# Borrowing policy under sustained pressure"
	echo
	echo "Produced by benchmarks/policy.sh ($rounds rounds; series $(git -C "$SRC" rev-parse --short HEAD));"
	echo "x86, 1 GiB, \`swiotlb=force\` (64 MiB base + 64 MiB reserve lent), 1 GiB of swap on"
	echo "virtio-blk, a writer keeping 1.25 times memory in tmpfs files (the oldest deleted);"
	echo "once 16 MiB are swapped, lent pages in use sampled once a second for 40 s, then a"
	echo "sleepable burst of base + 3/4 of the reserve under the same pressure.  Swapped out:"
	echo "pages written to swap while sampling (it varies from run to run); blocks taken back"
	echo "(failed): take-backs done, and tries refused for room (the policy at the low"
	echo "watermarks); ms per block is a wall time."
	echo
	echo "| rule | round | lent in use, avg % (min-max) | swapped out (pages) | burst: mapped / failed | blocks taken back (failed) | pages migrated per block | ms per block |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
	for r in $rules; do
		for n in $(seq 1 "$rounds"); do
			awk -v rule="$r" -v round="$n" '
			function val(k,   i, kv) {
				for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] }
				return "?"
			}
			$2 == "pressure" { avg = val("lent_used_avg_pct"); mn = val("lent_used_min_pct")
					   mx = val("lent_used_max_pct"); sw = val("pswpout") }
			$2 == "burst" { mapped = val("mapped"); failed = val("failed")
					rec = val("reclaimed"); rf = val("reclaim_failed") }
			$2 == "takeback" { mig = val("migrated_per_block"); ms = val("ms_per_block") }
			END { printf "| %s | %s | %s (%s-%s) | %s | %s / %s | %s (%s) | %s | %s |\n",
			      rule, round, avg, mn, mx, sw, mapped, failed, rec, rf, mig, ms }
			' "$out/$r-$n.txt"
		done
	done
} >"$out/results.md"
info "policy bench: $out/results.md"
cat "$out/results.md"
