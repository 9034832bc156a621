#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove that the tests can fail: build each mutant of the series (a small
# change that breaks one invariant, scripts/mutants/*.mutant) and run the
# scenarios it names; every mutant must be killed, i.e. make at least one
# of them fail.  Prints a table (mutant, killed by, time) and, as its
# last line, "N killed, N survived".
#
# Usage: mutants.sh [name...]    (default: every mutant)
#
# A mutant file is a unified diff against the series (build/linux's HEAD),
# after a header of comment lines:
#	# breaks: <the invariant, one line>
#	# scenarios: <scenario> [<scenario>...]
#	# killed-by: <scenario/test> [<scenario/test>...]
#	# variant: <kernel variant>	(optional, default "default": the
#					configs/variants kernel it is built as)
# A mutant is killed when one of the tests it names as its killers fails
# (as make test names tests); a failure of other tests only, a hang or a
# crash elsewhere, does not count: the test meant to guard the invariant
# must be the one that notices.  The unmutated kernel runs the same
# scenarios first and must pass them all.
# The mutants are applied to a worktree of build/linux of their own
# (build/mutants/linux, at the series' HEAD) and built in build/mutants/obj
# (build/mutants/obj-<variant> for another variant) with that variant's
# configuration: build/linux and its kernels are never touched, and after
# the first build each mutant rebuilds only what it changes.  The worktree
# is restored right after each build.

. "$(dirname "$0")/lib.sh"

MUTANTS=$TOP/scripts/mutants
wt=$BUILD/mutants/linux

# The kernel variant a mutant is built as, and where.
mutant_variant() {
	local v
	v=$(sed -n 's/^# variant: //p' "$MUTANTS/$1.mutant")
	echo "${v:-default}"
}
mutant_obj() {
	if [ "$1" = default ]; then echo "$BUILD/mutants/obj"; else echo "$BUILD/mutants/obj-$1"; fi
}

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(cd "$MUTANTS" && ls -- *.mutant | sed 's/\.mutant$//')
fi
for n in $names; do
	[ -f "$MUTANTS/$n.mutant" ] || die "no mutant $n (scripts/mutants/$n.mutant)"
	grep -q '^# breaks: ' "$MUTANTS/$n.mutant" &&
	grep -q '^# scenarios: ' "$MUTANTS/$n.mutant" &&
	grep -q '^# killed-by: ' "$MUTANTS/$n.mutant" ||
		die "$n.mutant: needs '# breaks:', '# scenarios:' and '# killed-by:' lines"
done

variants=$(for n in $names; do mutant_variant "$n"; done | sort -u)
"$TOP/scripts/deps.sh"
for v in $variants; do
	"$TOP/scripts/build-kernel.sh" "$v"
	"$TOP/scripts/build-initramfs.sh" "$v" test
	"$TOP/scripts/accel.sh" "$v"
done
head=$(git -C "$SRC" rev-parse HEAD)
if [ ! -d "$wt" ]; then
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" "$head"
fi
# Only files that differ get a new mtime: the build stays incremental.
git -C "$wt" checkout -q -f --detach "$head"
[ -z "$(git -C "$wt" status --porcelain --untracked-files=no)" ] ||
	die "build/mutants/linux has changes that are not the series'"

# kmake VARIANT ARGS...: make in the mutants' worktree for that variant
# (and its architecture: the arm64 ones are cross-built).
kmake() {
	local v=$1 arch cross
	shift
	arch=$(variant_arch "$v")
	cross=$(cross_compile "$arch")
	make -C "$wt" O="$(mutant_obj "$v")" ARCH="$arch" -j"$(nproc)" \
		${cross:+CROSS_COMPILE="$cross"} ${CCACHE:+CC="ccache ${cross}gcc"} "$@"
}
# mutant_image VARIANT: the boot image of that variant's mutant build.
mutant_image() { echo "$(mutant_obj "$1")/$(image_path "$(variant_arch "$1")")"; }
command -v ccache >/dev/null && CCACHE=1 || CCACHE=
for v in $variants; do
	obj=$(mutant_obj "$v")
	mkdir -p "$obj"
	if ! cmp -s "$BUILD/obj/$v/.config" "$obj/.config"; then
		cp "$BUILD/obj/$v/.config" "$obj/.config"
		run_logged "$LOGS/mutants-config.log" kmake "$v" olddefconfig
	fi
done

applied=
restore() {
	if [ -n "$applied" ]; then
		git -C "$wt" apply -R "$applied" || warn "could not revert $applied in build/mutants/linux"
		applied=
	fi
}
trap restore EXIT

# The unmutated series on every scenario a mutant names, as each variant:
# a failure there would make any kill meaningless.
for v in $variants; do
	all=$(for n in $names; do
		if [ "$(mutant_variant "$n")" = "$v" ]; then
			sed -n 's/^# scenarios: //p' "$MUTANTS/$n.mutant"
		fi
	done | tr ' ' '\n' | sort -u | paste -sd' ')
	ulog=$LOGS/mutants-unmutated.log
	[ "$v" = default ] || ulog=$LOGS/mutants-unmutated-$v.log
	step "mutants: the unmutated $v kernel on $all"
	if ! LOGS=$LOGS/mutants/unmutated "$TOP/scripts/test.sh" --variant "$v" \
		--kernel "$(kernel_image "$v")" $all \
		>"$ulog" 2>&1; then
		grep -E '^FAIL ' "$ulog" >&2 || true
		die "the unmutated $v kernel fails these scenarios (${ulog#$TOP/})"
	fi
done

results=$LOGS/mutants.txt
: >"$results"
killed=0 survived=0
row() { printf '%-40s %-44s %s\n' "$@" | tee -a "$results"; }
row mutant "killed by" time
for n in $names; do
	m=$MUTANTS/$n.mutant
	scenarios=$(sed -n 's/^# scenarios: //p' "$m")
	v=$(mutant_variant "$n")
	step "mutants: $n: $(sed -n 's/^# breaks: //p' "$m")"
	t0=$(date +%s)
	mlogs=$LOGS/mutants/$n
	rm -rf "$mlogs"
	mkdir -p "$mlogs"
	git -C "$wt" apply --check "$m" || die "$n.mutant does not apply to the series"
	git -C "$wt" apply "$m"
	applied=$m
	if ! kmake "$v" "$(image_target "$(variant_arch "$v")")" >"$mlogs/build.log" 2>&1; then
		restore
		row "$n" "(does not build: $mlogs/build.log)" "$(($(date +%s) - t0)) s"
		survived=$((survived + 1))
		continue
	fi
	restore
	# Only the kselftest tests named as killers run (the others would take
	# minutes each); KUnit and scenario checks run whole.
	only=$(sed -n 's/^# killed-by: //p' "$m" | tr ' ' '\n' | grep -v '^kunit/' |
		sed -n 's|^[^/]*/swiotlb_lend/||p' | sort -u | paste -sd' ' || true)
	KSFT_ONLY=$only LOGS=$mlogs "$TOP/scripts/test.sh" --variant "$v" \
		--kernel "$(mutant_image "$v")" $scenarios \
		>"$mlogs/test.log" 2>&1 || true
	failed=$(sed -n 's/^FAIL  *\([^:]*\).*/\1/p' "$mlogs/test.log")
	by=
	for t in $(sed -n 's/^# killed-by: //p' "$m"); do
		# Not a pipe: with pipefail, grep -q quitting early fails it.
		grep -qxF "$t" <<<"$failed" && by="$by $t"
	done
	if [ -n "$by" ]; then
		killed=$((killed + 1))
		by=${by# }
	else
		survived=$((survived + 1))
		by="SURVIVED (failed: $(echo $failed | cut -c1-60))"
	fi
	row "$n" "$by" "$(($(date +%s) - t0)) s"
done
echo "$killed killed, $survived survived" | tee -a "$results"
[ "$survived" = 0 ]
