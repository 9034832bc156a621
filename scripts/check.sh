#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Kernel hygiene of the series: checkpatch --strict on every patch, and
# sparse (C=2) + W=1 on every C file the series touches, compared with
# the same file in the base so that only new warnings count.

. "$(dirname "$0")/lib.sh"
# Debian's python3 for checkpatch's SPDX check (python3-ply), whatever
# interpreter comes first in PATH.
export PATH="/usr/bin:/bin:$PATH"

"$TOP/scripts/series.sh" >/dev/null
patches=$(ls "$TOP"/out/series/*.patch 2>/dev/null | grep -v 0000-cover-letter || true)
if [ -z "$patches" ]; then
	echo "check: the series is empty, nothing to check"
	exit 0
fi
bad=0

step "check: checkpatch --strict"
for p in $patches; do
	out=$("$SRC/scripts/checkpatch.pl" --strict --root="$SRC" "$p" 2>&1 || true)
	total=$(echo "$out" | sed -n 's/^total: //p')
	case $total in
	"0 errors, 0 warnings, 0 checks"*) info "ok    $(basename "$p")" ;;
	*) info "FAIL  $(basename "$p"): $total"; echo "$out" | grep -E '^(ERROR|WARNING|CHECK)' -A3 | head -n 40; bad=1 ;;
	esac
done

step "check: sparse and W=1 on touched C files"
"$TOP/scripts/build-kernel.sh" default | tail -n 1
CONFIG_ONLY=1 "$TOP/scripts/build-kernel.sh" baseline | tail -n 1
files=$(git -C "$SRC" diff --name-only --diff-filter=AM base..HEAD -- '*.c')
# warnings of one object in one tree, with tree-relative paths and no
# line numbers, so that the two trees compare
object_warnings() {   # variant src file
	local o=${3%.c}.o
	make -C "$2" O="$BUILD/obj/$1" -j"$(nproc)" C=2 W=1 "$o" 2>&1 |
		{ grep -E '(warning|error):' || true; } |
		sed -E "s|$2/||; s/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/" | sort -u
}
# Files the default kernel does not build (DRM) are checked in the
# check-drm kernel, against the base configured the same way.
"$TOP/scripts/build-kernel.sh" check-drm | tail -n 1
mkdir -p "$BUILD/obj/check-drm-base"
cp "$BUILD/obj/check-drm/.config" "$BUILD/obj/check-drm-base/.config"
run_logged "$LOGS/config-check-drm-base.log" make -C "$BUILD/base-src" \
	O="$BUILD/obj/check-drm-base" olddefconfig
for f in $files; do
	v=default vb=baseline
	if [ ! -f "$BUILD/obj/default/${f%.c}.o" ]; then
		v=check-drm vb=check-drm-base
		if [ ! -f "$BUILD/obj/$v/${f%.c}.o" ]; then
			info "skip  $f (built in no checked configuration)"
			continue
		fi
	fi
	object_warnings "$v" "$SRC" "$f" >"$LOGS/check-new.txt"
	: >"$LOGS/check-old.txt"
	if git -C "$SRC" cat-file -e "base:$f" 2>/dev/null; then
		object_warnings "$vb" "$BUILD/base-src" "$f" >"$LOGS/check-old.txt"
	fi
	new=$(comm -23 "$LOGS/check-new.txt" "$LOGS/check-old.txt")
	if [ -n "$new" ]; then
		info "FAIL  $f: new warnings"
		echo "$new" | sed 's/^/      /'
		bad=1
	else
		info "ok    $f ($v)"
	fi
done
step "check: the series in other configurations"
# Built, not booted, where a boot adds nothing: without lending (the page
# allocator's !CONFIG_SWIOTLB_LEND paths), without CMA, and 32-bit (the
# jiffies and long arithmetic; its KUnit logic runs on 64-bit with 32-bit
# values).
for v in check-nolend check-nocma check-32bit; do
	if "$TOP/scripts/build-kernel.sh" "$v" >"$LOGS/check-$v.log" 2>&1; then
		info "ok    $v builds"
	else
		info "FAIL  $v does not build (build/logs/check-$v.log)"
		bad=1
	fi
done
# CONFIG_SWIOTLB_DYNAMIC with lending on is booted: both grow the pool.
if "$TOP/scripts/test.sh" --suite check >"$LOGS/check-suite.log" 2>&1; then
	info "ok    $(tail -n 1 "$LOGS/check-suite.log") (lend-dynamic)"
else
	grep -E '^(FAIL|SKIP) ' "$LOGS/check-suite.log" | sed 's/^/      /'
	info "FAIL  $(tail -n 1 "$LOGS/check-suite.log") (build/logs/check-suite.log)"
	bad=1
fi

step "check: make apply on a plain tree and on a git tree of the base"
# Both paths of apply.sh must give exactly the series' tree.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
want=$(git -C "$SRC" rev-parse "HEAD^{tree}")
mkdir "$tmp/plain" "$tmp/want"
git -C "$SRC" archive base | tar -x -C "$tmp/plain"
git -C "$SRC" archive HEAD | tar -x -C "$tmp/want"
if "$TOP/scripts/apply.sh" "$tmp/plain" >"$LOGS/check-apply-plain.log" 2>&1 &&
   diff -r -q "$tmp/plain" "$tmp/want" >>"$LOGS/check-apply-plain.log" 2>&1; then
	info "ok    plain tree"
else
	info "FAIL  plain tree (build/logs/check-apply-plain.log)"
	bad=1
fi
git clone -q --no-checkout "$SRC" "$tmp/git"
git -C "$tmp/git" checkout -q -b apply-check base
if "$TOP/scripts/apply.sh" "$tmp/git" >"$LOGS/check-apply-git.log" 2>&1 &&
   [ "$(git -C "$tmp/git" rev-parse "HEAD^{tree}")" = "$want" ]; then
	info "ok    git tree"
else
	info "FAIL  git tree (build/logs/check-apply-git.log)"
	bad=1
fi
rm -rf "$tmp"

# Rebuild the objects normally so the next incremental build is clean.
"$TOP/scripts/build-kernel.sh" default >/dev/null
[ $bad = 0 ] && echo "check: clean" || { echo "check: FAILED"; exit 1; }
