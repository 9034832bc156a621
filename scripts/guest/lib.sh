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
