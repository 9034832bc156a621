#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build what is needed and run every test scenario of a suite, one QEMU
# boot each.  Prints one line per test, then "N skipped" if any, and as
# its last line exactly "N passed, N failed".  Exits non-zero on any
# failure.
#
# Usage: test.sh [--suite test|debug|soak] [--variant V] [--kernel IMG]
#                [scenario...]
# A scenario's SUITE (in its .conf, default "test") selects it; ALSO_ON
# lists kernel variants of other architectures it runs on too, after the
# x86 runs, as "<scenario>@<variant>" (also accepted as an argument):
# its tests are reported under that name.  ONLY_ON lists the only
# variants a scenario runs on (an arm64-only scenario).
# --kernel IMG boots every scenario with that image and builds nothing
# (make mutants: a mutated kernel with the default initramfs).
# "runner-patterns" (first in every full run) checks the console pattern
# of kernel reports on sample lines, without a boot.
#
# What a scenario's .conf says about its results:
#   TESTS   the tests that must report plain "ok" (a name covers NAME/...)
#   SKIPS   the tests allowed to skip, one "name: reason" per line (a name
#           covers NAME/...); any other skip is a failure
#   EXPECT  ok; or, for the runner's self-tests, the failure the runner
#           must report: a boot outcome of qemu-run.sh (fail, panic, hang,
#           splat), or missing / unallowed-skip: the boot is fine and
#           judging its results fails exactly the tests in FAILS, each
#           for that reason

. "$(dirname "$0")/lib.sh"

suite=test variant= kernel=
while [ $# -gt 0 ]; do
	case $1 in
	--suite) suite=$2; shift 2 ;;
	--variant) variant=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	-*) die "test.sh: unknown option $1" ;;
	*) break ;;
	esac
done
[ -n "$variant" ] || { [ "$suite" = debug ] && variant=debug || variant=default; }

passed=0 failed=0 skipped=0
summary=$LOGS/test-summary-$suite.txt
: >"$summary"
# Boots of this run are the ones whose logs are newer than this.
started=$LOGS/.test-started-$suite
touch "$started"
line() { echo "$*" | tee -a "$summary"; }
pass() { passed=$((passed + 1)); line "PASS  $*"; }
fail() { failed=$((failed + 1)); line "FAIL  $*"; }
skip() { skipped=$((skipped + 1)); line "SKIP  $*"; }
# The last line is exactly "N passed, N failed"; skips are counted on the
# line before it.
# A long run's log is often read only at its end: repeat the failures
# there, with the kselftest diagnostics (assertions, fill figures) of
# each boot of this run that failed.  Nothing here may end the script
# (set -e, pipefail): a boot without such lines is the common case.
recap_failures() {
	local s
	[ "$failed" = 0 ] && return 0
	echo "== failures"
	grep '^FAIL  ' "$summary" || true
	{ grep '^FAIL  ' "$summary" || true; } | sed 's/^FAIL  //; s|/.*||; s/:.*//' |
		sort -u | while read -r s; do
			[ "$LOGS/$s/console.log" -nt "$started" ] || continue
			{
				grep -E '^# .*(Expected|: Test terminated)|^harness: .*(fail|least)' \
					"$LOGS/$s/console.log" | head -n 8 || true
				grep -E '^# filled|^harness: filled' "$LOGS/$s/console.log" |
					head -n 4 || true
				# Who met the OOM killer, and with which request.
				grep -E 'invoked oom-killer|Out of memory: Killed' \
					"$LOGS/$s/console.log" | head -n 4 || true
			} | sed "s|^|  $s: |"
		done || true
}
finish() {
	recap_failures
	[ $skipped = 0 ] || echo "$skipped skipped" | tee -a "$summary"
	echo "$passed passed, $failed failed" | tee -a "$summary"
}
# A set-up step that fails (package, build) is one failed test.
setup_failed() {
	trap - EXIT
	fail "setup: ${1:-a build step failed, see above}"
	finish
	exit 1
}
trap 'setup_failed' EXIT

# Console lines that must (+) or must not (-) count as a kernel report.
splat_samples() {
	cat <<'EOF_SAMPLES'
+[   12.345678] WARNING: CPU: 0 PID: 61 at drivers/misc/lkdtm/bugs.c:98 lkdtm_WARNING+0x10/0x20
+[   22.123456] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [kworker/0:1:34]
+[   30.000001] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
+[   31.000001] rcu: INFO: rcu_sched self-detected stall on CPU
+[  243.500000] INFO: task kworker/1:2:123 blocked for more than 120 seconds.
+[    5.000000] BUG: KFENCE: use-after-free read in swiotlb_lend_reclaim+0x1c/0x80
+[    5.100000] BUG: KASAN: slab-out-of-bounds in swiotlb_tbl_map_single+0x2a/0x90
+[    5.200000] UBSAN: array-index-out-of-bounds in kernel/dma/swiotlb.c:123:4
+[    5.300000] list_add corruption. prev->next should be next (ffff888003c0a0a0), but was 0000000000000000.
+[    5.400000] WARNING: possible recursive locking detected
+[    5.500000] WARNING: possible circular locking dependency detected
+[    5.600000] BUG: sleeping function called from invalid context at mm/migrate.c:1400
+[    5.700000] BUG: Bad page state in process stress-ng  pfn:12345
+[    5.800000] Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP
+[    5.900000] kernel BUG at mm/page_alloc.c:1234!
+[    6.000000] Kernel panic - not syncing: Fatal exception
+[    6.100000] NMI watchdog: Watchdog detected hard LOCKUP on cpu 1
+[    6.200000] INFO: trying to register non-static key.
+harness: running swiotlb_lend: [   12.345678] WARNING: CPU: 1 PID: 70 at kernel/dma/swiotlb.c:9 f+0x1/0x2
-harness-result: not ok deliberately-failing # BUG: quoted in a reason
-harness: running kselftest lend: WARNING: a test's own output, no timestamp
-# WARNING: kselftest output on the console
-[    0.000000] Kernel command line: console=ttyS0 panic=-1 oops=panic watchdog_thresh=60
-[    0.192045] 	RCU CPU stall warnings timeout set to 120 (rcu_cpu_stall_timeout).
-[    0.320000] lkdtm: No crash points registered, enable through debugfs
-[    9.000000] lkdtm: Performing direct entry WARNING
-[   40.000000] Out of memory: Killed process 321 (stress-ng-vm) total-vm:300000kB
-[   41.000000] INFO: NMI handler (perf_event_nmi_handler) took too long to run: 2.345 msecs
-[   42.000000] swiotlb_lend: DEBUG: 64 blocks lent
EOF_SAMPLES
}

# runner-patterns/splat-regex: SPLAT (lib.sh, used by qemu-run.sh) on
# lines marked + (must match) and - (must not).
splat_selftest() {
	local l bad=0
	while IFS= read -r l; do
		if grep -qE "$SPLAT" <<<"${l#?}"; then
			[ "${l%"${l#?}"}" = + ] && continue
		else
			[ "${l%"${l#?}"}" = - ] && continue
		fi
		info "splat pattern wrong on: $l"
		bad=$((bad + 1))
	done < <(splat_samples)
	if [ $bad = 0 ]; then
		pass runner-patterns/splat-regex
	else
		fail "runner-patterns/splat-regex: $bad sample line(s) judged wrong, see above"
	fi
}

# skip_allowed NAME: the reason SKIPS (in the scenario's .conf) gives for
# letting test NAME, or a subtest of it (NAME/...), skip; fails if none.
skip_allowed() {
	local l t
	while IFS= read -r l; do
		l=${l#"${l%%[![:space:]]*}"}
		[ -n "$l" ] || continue
		t=${l%%:*}
		case $1 in "$t"|"$t"/*)
			l=${l#*:}
			echo "${l#"${l%%[![:space:]]*}"}"
			return 0 ;;
		esac
	done <<<"$SKIPS"
	return 1
}

# judge S: scenario S's results against its .conf, one verdict line per
# test: "PASS S/test", "FAIL S/test: why" or "SKIP S/test: why".  An
# expected test (TESTS) must report plain ok: a skip is a failure unless
# SKIPS allows it, a test with no result is a failure.
judge() {
	local s=$1 dir=$LOGS/$1 r n why t
	tr -d '\r' <"$dir/results.tap" 2>/dev/null | grep -E '^(not )?ok ' >"$dir/results.lines" || true
	while read -r r; do
		case $r in
		'not ok '*) n=${r#not ok }; echo "FAIL $s/${n%% #*}: ${n#* # }" ;;
		*'# SKIP'*)
			n=${r#ok }; n=${n%% #*}; r=${r#*# SKIP}; r=${r# }
			if why=$(skip_allowed "$n"); then
				echo "SKIP $s/$n: $why (reported: $r)"
			else
				echo "FAIL $s/$n: skip not allowed (no SKIPS entry in $s.conf): $r"
			fi ;;
		'ok '*) echo "PASS $s/${r#ok }" ;;
		esac
	done <"$dir/results.lines"
	for t in $TESTS; do
		grep -qE "^(not )?ok $t( |/|$)" "$dir/results.lines" ||
			echo "FAIL $s/$t: missing result"
	done
}

# judged_as S KIND: runner self-test S booted fine and judging its
# results failed exactly the tests in FAILS (its .conf), each for KIND
# (how the reason starts).  The verdicts are kept in its log directory.
judged_as() {
	local s=$1 kind=$2 t want got
	judge "$s" >"$LOGS/$s/verdicts"
	[ "$outcome" = ok ] || return 1
	want=$(for t in $FAILS; do echo "FAIL $s/$t: $kind"; done | sort)
	got=$(awk -v k=${#kind} '/^FAIL / { print substr($0, 1, index($0, ": ") + 1 + k) }' \
		"$LOGS/$s/verdicts" | sort)
	[ -n "$want" ] && [ "$got" = "$want" ]
}

if [ -z "$kernel" ]; then
	"$TOP/scripts/deps.sh"
	step "test[$suite]: base $BASE_PKG $(base_version), kernel variant $variant"
	"$TOP/scripts/build-kernel.sh" "$variant"
	"$TOP/scripts/build-initramfs.sh" "$variant" test
	"$TOP/scripts/accel.sh" "$variant"
else
	step "test[$suite]: kernel $kernel"
fi
trap - EXIT

if [ $# -gt 0 ]; then
	scenarios="$*"
else
	# Runner self-tests first: if the runner cannot tell a failure from a
	# pass, nothing after it means anything.
	scenarios="runner-patterns "$(cd "$TOP/scripts/scenarios" && for c in *.conf; do
		s=${c%.conf}
		SUITE=test ALSO_ON= ONLY_ON=
		. "./$c"
		[ "$SUITE" = "$suite" ] || continue
		if [ -n "$ONLY_ON" ]; then
			ALSO_ON=$ONLY_ON
		else
			case $s in runner-*) echo "0 $s" ;; *) echo "1 $s" ;; esac
		fi
		# the same order on each other variant, one after the other
		for o in $ALSO_ON; do
			case $s in runner-*) echo "2$o-0 $s@$o" ;; *) echo "2$o-1 $s@$o" ;; esac
		done
	done | sort | cut -d' ' -f2)
fi

# A scenario may ask for a kernel variant of its own (VARIANT= in its
# .conf), e.g. the debug kernel for a stress run; it is built once, when
# first needed.
built=" $variant "
for s in $scenarios; do
	if [ "$s" = runner-patterns ]; then
		step "test[$suite]: runner patterns"
		splat_selftest
		continue
	fi
	EXPECT=ok TESTS= SKIPS= FAILS= VARIANT= ALSO_ON=
	[ -f "$TOP/scripts/scenarios/${s%@*}.conf" ] || { fail "$s: no such scenario"; continue; }
	. "$TOP/scripts/scenarios/${s%@*}.conf"
	case $s in *@*) VARIANT=${s#*@} ;; esac
	v=${VARIANT:-$variant}
	[ -z "$kernel" ] || v=$variant
	step "test[$suite]: scenario $s (kernel ${kernel:-$v})"
	if [ -z "$kernel" ] && [ "${built#* $v }" = "$built" ]; then
		if "$TOP/scripts/build-kernel.sh" "$v" &&
		   "$TOP/scripts/build-initramfs.sh" "$v" test &&
		   "$TOP/scripts/accel.sh" "$v"; then
			built="$built$v "
		else
			fail "$s/setup: building the $v kernel failed, see above"
			continue
		fi
	fi
	"$TOP/scripts/qemu-run.sh" --variant "$v" ${kernel:+--kernel "$kernel"} \
		--tag "$s" "${s%@*}" || true
	dir=$LOGS/$s
	outcome=$(cat "$dir/outcome" 2>/dev/null || echo missing)
	# Runner self-tests: the runner must report exactly this failure.
	case $EXPECT in
	ok) ;;
	missing|unallowed-skip)
		kind="missing result"
		[ "$EXPECT" = missing ] || kind="skip not allowed"
		if judged_as "$s" "$kind"; then
			pass "$s/reported-as-$EXPECT"
		else
			fail "$s/reported-as-$EXPECT: boot '$outcome', verdicts in build/logs/$s/verdicts"
		fi
		continue ;;
	*)
		if [ "$outcome" = "$EXPECT" ] &&
		   { [ "$EXPECT" != fail ] || grep -q '^not ok' "$dir/results.tap"; }; then
			pass "$s/reported-as-$EXPECT"
		else
			fail "$s/reported-as-$EXPECT: the runner reported '$outcome'"
		fi
		continue ;;
	esac
	judge "$s" >"$dir/verdicts"
	while read -r verdict r; do
		case $verdict in
		PASS) pass "$r" ;;
		SKIP) skip "$r" ;;
		*) fail "$r" ;;
		esac
	done <"$dir/verdicts"
	if [ "$outcome" = ok ]; then
		pass "$s/boot"
	else
		fail "$s/boot: $outcome (console: build/logs/$s/console.log)"
	fi
done
finish
[ $failed = 0 ]
