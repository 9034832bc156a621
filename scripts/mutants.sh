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
# The mutants are applied to a worktree of build/linux of their own
# (build/mutants/linux, at the series' HEAD) and built in build/mutants/obj
# with the default kernel's configuration: build/linux and its kernels are
# never touched, and after the first build each mutant rebuilds only what
# it changes.  The worktree is restored right after each build.

. "$(dirname "$0")/lib.sh"

MUTANTS=$TOP/scripts/mutants
wt=$BUILD/mutants/linux
obj=$BUILD/mutants/obj
img=$obj/arch/$ARCH/boot/bzImage

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(cd "$MUTANTS" && ls -- *.mutant | sed 's/\.mutant$//')
fi
for n in $names; do
	[ -f "$MUTANTS/$n.mutant" ] || die "no mutant $n (scripts/mutants/$n.mutant)"
	grep -q '^# breaks: ' "$MUTANTS/$n.mutant" &&
	grep -q '^# scenarios: ' "$MUTANTS/$n.mutant" ||
		die "$n.mutant: needs '# breaks:' and '# scenarios:' lines"
done

"$TOP/scripts/deps.sh"
"$TOP/scripts/build-kernel.sh" default
"$TOP/scripts/build-initramfs.sh" default test
"$TOP/scripts/accel.sh" default
head=$(git -C "$SRC" rev-parse HEAD)
if [ ! -d "$wt" ]; then
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$wt" "$head"
fi
# Only files that differ get a new mtime: the build stays incremental.
git -C "$wt" checkout -q -f --detach "$head"
[ -z "$(git -C "$wt" status --porcelain --untracked-files=no)" ] ||
	die "build/mutants/linux has changes that are not the series'"

mkdir -p "$obj"
KMAKE=(make -C "$wt" O="$obj" ARCH="$ARCH" -j"$(nproc)")
command -v ccache >/dev/null && KMAKE+=(CC="ccache gcc")
if ! cmp -s "$BUILD/obj/default/.config" "$obj/.config"; then
	cp "$BUILD/obj/default/.config" "$obj/.config"
	run_logged "$LOGS/mutants-config.log" "${KMAKE[@]}" olddefconfig
fi

applied=
restore() {
	if [ -n "$applied" ]; then
		git -C "$wt" apply -R "$applied" || warn "could not revert $applied in build/mutants/linux"
		applied=
	fi
}
trap restore EXIT

results=$LOGS/mutants.txt
: >"$results"
killed=0 survived=0
row() { printf '%-40s %-44s %s\n' "$@" | tee -a "$results"; }
row mutant "killed by" time
for n in $names; do
	m=$MUTANTS/$n.mutant
	scenarios=$(sed -n 's/^# scenarios: //p' "$m")
	step "mutants: $n: $(sed -n 's/^# breaks: //p' "$m")"
	t0=$(date +%s)
	mlogs=$LOGS/mutants/$n
	rm -rf "$mlogs"
	mkdir -p "$mlogs"
	git -C "$wt" apply --check "$m" || die "$n.mutant does not apply to the series"
	git -C "$wt" apply "$m"
	applied=$m
	if ! "${KMAKE[@]}" bzImage >"$mlogs/build.log" 2>&1; then
		restore
		row "$n" "(does not build: $mlogs/build.log)" "$(($(date +%s) - t0)) s"
		survived=$((survived + 1))
		continue
	fi
	restore
	by=
	LOGS=$mlogs "$TOP/scripts/test.sh" --kernel "$img" $scenarios >"$mlogs/test.log" 2>&1 || true
	by=$(grep '^FAIL ' "$mlogs/test.log" | sed 's/^FAIL  *//; s/:.*//' | head -n 3 | paste -sd' ')
	if [ -n "$by" ]; then
		killed=$((killed + 1))
	else
		survived=$((survived + 1))
		by="SURVIVED ($scenarios)"
	fi
	row "$n" "$by" "$(($(date +%s) - t0)) s"
done
echo "$killed killed, $survived survived" | tee -a "$results"
[ "$survived" = 0 ]
