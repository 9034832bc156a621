#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: every benchmark on every contender, in one run, on one QEMU
# machine, from the same base and configuration apart from the feature.
# Writes benchmarks/results/<date>-<base version>/: raw logs per benchmark
# and contender, results.md (contender x metric, ratios to fixed-64) and
# PNG plots.  See benchmarks/README.md.
#
# Usage: benchmarks/bench.sh [outdir]
# BENCH_ONLY="memory dmb ..." runs some benchmarks only (the report covers
# what is in outdir); BENCH_CONTENDERS="lend lend-off" keeps only those
# x86 contenders of this file's lists and builds only their kernels;
# BENCH_QUICK=1 shortens every run (a smoke test of the pipeline, not
# figures to keep).

. "$(dirname "$0")/../scripts/lib.sh"

out=${1:-$TOP/benchmarks/results/$(date +%Y-%m-%d)-$(base_version)}
only=${BENCH_ONLY:-memory dmb direct pagealloc fio reclaim fio-burst policy phone phone-dmb}
# Contender 3's small initial pool, in 2 KiB slots (8 MiB).
dyn_slabs=${BENCH_DYNAMIC_SLABS:-4096}

# Contenders: name, kernel variant, extra command line.  The first is the
# reference every ratio is taken against.
CONTENDERS="fixed-64:baseline:
fixed-128:baseline:swiotlb=65536
dynamic:baseline-dynamic:swiotlb=$dyn_slabs
lend:default:
lend-off:default:swiotlb_lend=off"
# The burst-and-idle cycle needs the series' burst driver: contenders 2
# and 3 are also run as the series' kernel with lending off (contender 5
# shows that this kernel is the base when lending is off).
STANDINS="series-fixed-128:default:swiotlb_lend=off swiotlb=65536
series-dynamic:dynamic:swiotlb_lend=off swiotlb=$dyn_slabs"
# The phone's contenders (arm64, 4 KiB pages unless named -16k): upstream's
# fixed and dynamic pools, lending, and the series with lending off, which
# is the fixed pool on 16 KiB pages (no upstream 16 KiB kernel is built).
PHONE_CONTENDERS="fixed:baseline-arm64:
dynamic:baseline-arm64-dynamic:
lend:arm64:
lend-off:arm64:swiotlb_lend=off
lend-16k:arm64-16k:
lend-off-16k:arm64-16k:swiotlb_lend=off"
# Block I/O bursting past a 1 MiB base pool (scenario bench-fio-burst):
# lending (32 MiB reserve), with and without bridges, against a fixed
# pool asked for base + reserve (upstream rounds it up to 64 MiB: a pool
# of more than one area gets a power of two slots) and a dynamic pool
# from the base.  Not a fixed 1 MiB pool: 24 requests of 1 MiB in flight
# ran on requeues for over 5 minutes of a 10 s run (measured once).
FIO_BURST_CONTENDERS="lend:default:
lend-nobridge:default:BENCH_BRIDGE=0
fixed-big:default:swiotlb_lend=off swiotlb=16896,force
dynamic:dynamic:swiotlb_lend=off"

# The lines of contender list $1 whose name is in BENCH_CONTENDERS.
pick() {
	local line
	[ -n "${BENCH_CONTENDERS:-}" ] || { echo "$1"; return; }
	while IFS= read -r line; do
		case " $BENCH_CONTENDERS " in *" ${line%%:*} "*) echo "$line" ;; esac
	done <<<"$1"
}
CONTENDERS=$(pick "$CONTENDERS")
STANDINS=$(pick "$STANDINS")
FIO_BURST_CONTENDERS=$(pick "$FIO_BURST_CONTENDERS")
x86_variants="default baseline baseline-dynamic dynamic"
[ -z "${BENCH_CONTENDERS:-}" ] ||
	x86_variants=$(printf '%s\n' "$CONTENDERS" "$STANDINS" "$FIO_BURST_CONTENDERS" |
		cut -s -d: -f2 | sort -u | tr '\n' ' ')

guest_env=
[ "${BENCH_QUICK:-0}" = 1 ] &&
	guest_env="BENCH_HOLD_S=1 BENCH_IDLE_S=7 BENCH_DMB_S=1 BENCH_DMB_THREADS=1 BENCH_DIRECT_LOOPS=20000 BENCH_PA_ROUNDS=1 BENCH_FIO_S=2"

"$TOP/scripts/deps.sh"
step "bench: base $BASE_PKG $(base_version), writing ${out#"$TOP"/}"
if [ -n "$(echo " $only " | sed 's/ phone-dmb / /g; s/ phone / /g' | tr -d ' ')" ]; then
	for v in $x86_variants; do
		"$TOP/scripts/build-kernel.sh" "$v" >/dev/null
		"$TOP/scripts/build-initramfs.sh" "$v" bench >/dev/null
	done
fi
case " $only " in *" phone "*|*" phone-dmb "*)
	for v in arm64 arm64-16k baseline-arm64 baseline-arm64-dynamic; do
		"$TOP/scripts/build-kernel.sh" "$v" >/dev/null
		"$TOP/scripts/build-initramfs.sh" "$v" test >/dev/null
		"$TOP/scripts/build-initramfs.sh" "$v" bench >/dev/null
	done ;;
esac
"$TOP/scripts/accel.sh" default >/dev/null
mkdir -p "$out"
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "base: $BASE_PKG $(base_version)"
	echo "series: $(cd "$TOP" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "host: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo), $(qemu-system-x86_64 --version | head -n1)"
	echo "accel: $(cat "$BUILD/accel" 2>/dev/null || echo tcg) (arm64 guests: tcg, $(qemu-system-aarch64 --version 2>/dev/null | head -n1 || echo "no qemu-system-aarch64"))"
	echo "contenders:"
	echo "$CONTENDERS" | sed 's/^/  /'
	echo "stand-ins:"
	echo "$STANDINS" | sed 's/^/  /'
	echo "phone contenders (arm64):"
	echo "$PHONE_CONTENDERS" | sed 's/^/  /'
} >"$out/setup.txt"

# run BENCH NAME VARIANT APPEND [--icount] [VCPUS] [MEM]: one boot, tried twice if it
# does not complete (the first attempt's console log is kept); keeps the
# bench lines, the console log, the QEMU command (repository-relative)
# and how the boot ended.
run() {
	local bench=$1 name=$2 variant=$3 append=$4 icount=${5:-} smp=${6:-} mem=${7:-}
	local tag dir base try scenario
	tag=bench-$bench-$name${icount:+-icount}
	scenario=bench-$bench
	[ "$bench" != phone ] || scenario=phone-pool
	[ "$bench" != phone-dmb ] || scenario=bench-dmb
	dir=$out/$bench
	base=$dir/${tag#bench-"$bench"-}
	mkdir -p "$dir"
	rm -f "$base".*
	for try in 1 2; do
		step "bench $bench: $name${icount:+ (icount)}$([ $try = 1 ] || echo ", again")"
		# shellcheck disable=SC2086
		"$TOP/scripts/qemu-run.sh" --variant "$variant" --tag "$tag" \
			--append "$append $guest_env" $icount ${smp:+--smp $smp} \
			${mem:+--mem $mem} "$scenario" && break
		warn "bench $bench: $name did not complete ($(cat "$LOGS/$tag/outcome" 2>/dev/null || echo killed))"
		cp "$LOGS/$tag/console.log" "$base.attempt$try.console.log" 2>/dev/null || true
	done
	tr -d '\r' <"$LOGS/$tag/results.tap" 2>/dev/null | sed -n 's/^# bench: //p' >"$base.txt" || true
	cp "$LOGS/$tag/console.log" "$base.console.log" 2>/dev/null || true
	sed "s|$TOP/||g" "$LOGS/$tag/qemu.cmd" >"$base.qemu.cmd" 2>/dev/null || true
	cat "$LOGS/$tag/outcome" >"$base.outcome" 2>/dev/null || echo killed >"$base.outcome"
}

each() {
	local bench=$1 list=$2 icount=${3:-} smp=${4:-} name variant append
	while IFS=: read -r name variant append; do
		[ -n "$name" ] && run "$bench" "$name" "$variant" "$append" "$icount" "$smp"
	done <<<"$list"
}

for b in $only; do
	case $b in
	memory)
		each memory "$CONTENDERS"
		each memory "$STANDINS" ;;
	# dma_map_benchmark under icount on one vCPU: with two, TCG's
	# round-robin under icount sometimes stalls a run for minutes.
	dmb)
		each dmb "$CONTENDERS" --icount 1
		each dmb "$CONTENDERS" ;;
	direct) each direct "$CONTENDERS" --icount 1 ;;
	# One vCPU: under icount the other one's work counts too.
	pagealloc) each pagealloc "$CONTENDERS" --icount 1 ;;
	# Wall figures: repeated, one contender after the other in each
	# round, so that drift of the host hits them all alike.
	fio)
		for r in $(seq "${BENCH_FIO_ROUNDS:-3}"); do
			each fio "$(echo "$CONTENDERS" | sed "s/^\([^:]*\):/\1-r$r:/")"
		done ;;
	reclaim)
		BENCH_DYNAMIC_SLABS=$dyn_slabs "$TOP/benchmarks/reclaim.sh" "$out/reclaim" ;;
	fio-burst)
		for r in $(seq "${BENCH_FIO_BURST_ROUNDS:-2}"); do
			each fio-burst "$(echo "$FIO_BURST_CONTENDERS" | sed "s/^\([^:]*\):/\1-r$r:/")"
		done
		python3 "$TOP/benchmarks/fio-burst-table.py" "$out/fio-burst" \
			>"$out/fio-burst/results.md" ;;
	# When movable allocations borrow lent pages: the series' rule
	# against CMA's and "last resort", each a kernel of its own.
	policy) "$TOP/benchmarks/policy.sh" "$out/policy" ;;
	# The phone's pool: arm64 (4 KiB and 16 KiB pages) at phone sizes,
	# no swiotlb=, lending and not (the same kernel with lending off is
	# the fixed pool, as contender 5 shows on x86).
	phone)
		for v in arm64 arm64-16k; do
			for m in 2G 4G 8G; do
				run phone "$v-$m-lend" "$v" "" "" "" "$m"
				run phone "$v-$m-lend-off" "$v" "swiotlb_lend=off" "" "" "$m"
				[ "$v" = arm64 ] || continue
				run phone "$v-$m-fixed" baseline-arm64 "" "" "" "$m"
				run phone "$v-$m-dynamic" baseline-arm64-dynamic "" "" "" "$m"
			done
		done ;;
	# The DMA fast path on the phone's kernels, under icount on one
	# vCPU (-icount needs TCG's single thread), each with its default pool.
	phone-dmb) each phone-dmb "$PHONE_CONTENDERS" --icount 1 ;;
	*) die "bench: unknown benchmark '$b'" ;;
	esac
done

step "bench: report"
/usr/bin/python3 "$TOP/benchmarks/report.py" "$out"
info "bench: ${out#"$TOP"/}/results.md"
