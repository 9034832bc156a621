#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build what is needed and run every test scenario of a suite, one QEMU
# boot each.  Prints one line per test, then "N skipped" if any, and as
# its last line exactly "N passed, N failed".  Exits non-zero on any
# failure.
#
# Usage: test.sh [--suite test|debug|soak] [--variant V] [--kernel IMG]
#                [scenario...]
# A scenario's SUITE (in its .conf, default "test") selects it.
# --kernel IMG boots every scenario with that image and builds nothing
# (make mutants: a mutated kernel with the default initramfs).

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
line() { echo "$*" | tee -a "$summary"; }
pass() { passed=$((passed + 1)); line "PASS  $*"; }
fail() { failed=$((failed + 1)); line "FAIL  $*"; }
skip() { skipped=$((skipped + 1)); line "SKIP  $*"; }
# The last line is exactly "N passed, N failed"; skips are counted on the
# line before it.
finish() {
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
	scenarios=$(cd "$TOP/scripts/scenarios" && for c in *.conf; do
		s=${c%.conf}
		SUITE=test
		. "./$c"
		[ "$SUITE" = "$suite" ] || continue
		case $s in runner-*) echo "0 $s" ;; *) echo "1 $s" ;; esac
	done | sort | cut -d' ' -f2)
fi

# A scenario may ask for a kernel variant of its own (VARIANT= in its
# .conf), e.g. the debug kernel for a stress run; it is built once, when
# first needed.
built=" $variant "
for s in $scenarios; do
	EXPECT=ok TESTS= VARIANT=
	. "$TOP/scripts/scenarios/$s.conf"
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
	"$TOP/scripts/qemu-run.sh" --variant "$v" ${kernel:+--kernel "$kernel"} "$s" || true
	dir=$LOGS/$s
	outcome=$(cat "$dir/outcome" 2>/dev/null || echo missing)
	if [ "$EXPECT" != ok ]; then
		# Runner self-test: the runner must report exactly this failure.
		if [ "$outcome" = "$EXPECT" ] &&
		   { [ "$EXPECT" != fail ] || grep -q '^not ok' "$dir/results.tap"; }; then
			pass "$s/reported-as-$EXPECT"
		else
			fail "$s/reported-as-$EXPECT: the runner reported '$outcome'"
		fi
		continue
	fi
	tr -d '\r' <"$dir/results.tap" | grep -E '^(not )?ok ' >"$dir/results.lines" || true
	while read -r r; do
		case $r in
		'not ok '*) n=${r#not ok }; fail "$s/${n%% #*}: ${n#* # }" ;;
		*'# SKIP'*) n=${r#ok }; skip "$s/${n%% #*}: ${n#*# SKIP }" ;;
		'ok '*) pass "$s/${r#ok }" ;;
		esac
	done <"$dir/results.lines"
	for t in $TESTS; do
		grep -qE "^(not )?ok $t( |/|$)" "$dir/results.lines" ||
			fail "$s/$t: missing result"
	done
	if [ "$outcome" = ok ]; then
		pass "$s/boot"
	else
		fail "$s/boot: $outcome (console: build/logs/$s/console.log)"
	fi
done
finish
[ $failed = 0 ]
