# SPDX-License-Identifier: GPL-2.0
# Helpers for guest scenario scripts (busybox sh).
#
# Results go to ttyS1, which the host reads as the result channel, one
# line per test:  ok NAME | not ok NAME # reason | ok NAME # SKIP reason
# Test output itself goes to the console (ttyS0).

RESULTS=/dev/ttyS1
RESULTS_COPY=/tmp/harness-results

_report() {
	echo "$*" >>"$RESULTS_COPY"
	echo "$*" >"$RESULTS"
	echo "harness-result: $*"
}

tap_ok() { _report "ok $1"; }
tap_fail() { _report "not ok $1 # ${2:-failed}"; }
tap_skip() { _report "ok $1 # SKIP ${2:-skipped}"; }

# run_test NAME CMD...: exit 0 is a pass, 4 (KSFT_SKIP) a skip, anything
# else a failure.
run_test() {
	local name=$1 rc=0
	shift
	echo "harness: running $name: $*"
	"$@" || rc=$?
	case $rc in
	0) tap_ok "$name" ;;
	4) tap_skip "$name" "exit status 4 (KSFT_SKIP)" ;;
	*) tap_fail "$name" "exit status $rc" ;;
	esac
	return 0
}

# kunit_report SUITE...: report each test case of the given KUnit suites
# from /sys/kernel/debug/kunit/<suite>/results (KTAP).  A suite that did
# not run is a failure.
kunit_report() {
	local suite f
	for suite in "$@"; do
		f=/sys/kernel/debug/kunit/$suite/results
		if [ ! -r "$f" ]; then
			tap_fail "$suite" "suite did not run (no $f)"
			continue
		fi
		cat "$f"
		awk -v s="$suite" '
		/^    (not )?ok [0-9]+ / {
			line = $0; sub(/^    /, "", line)
			notok = (line ~ /^not ok/)
			sub(/^(not )?ok [0-9]+ /, "", line)
			name = line; sub(/ #.*/, "", name)
			if (notok)
				print "not ok " s "/" name " # KTAP not ok"
			else if (line ~ /# SKIP/)
				print "ok " s "/" name " # SKIP kunit skip"
			else
				print "ok " s "/" name
			n++
		}
		END { if (!n) print "not ok " s " # no test cases in results" }
		' "$f" | while read -r l; do _report "$l"; done
	done
}

# Exit QEMU with status rc through isa-debug-exit (port 0xf4): the host
# sees (rc << 1) | 1.
guest_exit() {
	printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
}

# swiotlb debugfs value, or empty.
swiotlb_stat() {
	cat "/sys/kernel/debug/swiotlb/$1" 2>/dev/null
}

# run_kselftest NAME CMD...: run a kselftest program and report each of
# its top-level TAP results as NAME/<test>; the program's exit status 4
# (KSFT_SKIP) with no results is one skip, any other non-zero exit
# status with no failing result is a failure of NAME.
run_kselftest() {
	local name=$1 rc=0 out=/tmp/kselftest-$1.out
	shift
	echo "harness: running kselftest $name: $*"
	"$@" >"$out" 2>&1 || rc=$?
	cat "$out"
	awk -v n="$name" '
	/^(not )?ok [0-9]+ / {
		line = $0
		notok = (line ~ /^not ok/)
		sub(/^(not )?ok [0-9]+ /, "", line)
		t = line; sub(/ #.*/, "", t); sub(/^[^.]*\./, "", t)
		if (notok)
			print "not ok " n "/" t " # kselftest not ok"
		else if (line ~ /# SKIP/) {
			r = line; sub(/.*# SKIP */, "", r)
			print "ok " n "/" t " # SKIP " r
		} else
			print "ok " n "/" t
	}' "$out" >"$out.res"
	while read -r l; do _report "$l"; done <"$out.res"
	if [ ! -s "$out.res" ]; then
		case $rc in
		0) tap_fail "$name" "no TAP results" ;;
		4) tap_skip "$name" "$(grep -m1 SKIP "$out" | sed 's/.*SKIP *//')" ;;
		*) tap_fail "$name" "exit status $rc" ;;
		esac
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$out.res"; then
		tap_fail "$name" "exit status $rc"
	fi
	return 0
}

meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
vmstat_val() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# fill_tmpfs: fill a tmpfs of its own (/fill, not size-capped) with
# 8 MiB files until the free lent pages are used up (nr_free_swiotlb
# below 1 MiB) or free memory gets short.  Movable allocations borrow
# lent pages before regular memory falls below the high watermarks, so
# the fill ends with that much regular memory free.
fill_tmpfs() {
	local i=0 limit=${1:-4096}
	if [ ! -d /fill ]; then
		mkdir -p /fill
		mount -t tmpfs -o size=100% fill /fill
	fi
	while [ $i -lt $limit ]; do
		[ "$(vmstat_val nr_free_swiotlb)" -lt 256 ] && break
		[ "$(meminfo_kb MemFree)" -lt 16384 ] && break
		dd if=/dev/zero of=/fill/$i bs=1M count=8 2>/dev/null || break
		i=$((i + 1))
	done
	echo "harness: filled $((i * 8)) MiB of tmpfs; nr_free_swiotlb $(vmstat_val nr_free_swiotlb), MemFree $(meminfo_kb MemFree) kB"
}
