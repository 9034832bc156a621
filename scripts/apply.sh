#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Apply the series (out/series) to another Linux 6.12 tree.
# Usage: apply.sh <kernel tree>   (git am in a git tree, git apply otherwise)

. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: make apply KDIR=<a Linux 6.12 tree>}
kdir=$(cd "$kdir" && pwd)
ver=$(make -s -C "$kdir" kernelversion 2>/dev/null || true)
case $ver in
6.12*) ;;
*) die "$kdir is not a Linux 6.12 tree (kernelversion '$ver')" ;;
esac
"$TOP/scripts/series.sh"
patches=$(ls "$TOP"/out/series/*.patch 2>/dev/null | grep -v 0000-cover-letter || true)
[ -n "$patches" ] || { info "apply: the series is empty, nothing to apply"; exit 0; }
if git -C "$kdir" rev-parse --show-toplevel >/dev/null 2>&1 &&
   [ "$(git -C "$kdir" rev-parse --show-toplevel)" = "$kdir" ]; then
	# shellcheck disable=SC2086
	git -C "$kdir" am -3 $patches || die "git am failed in $kdir (git -C $kdir am --abort to undo)"
else
	# The whole series as one input: git apply then checks each patch
	# against the tree as the patches before it leave it (given as
	# separate files, each would be checked against the unpatched tree),
	# and writes nothing unless every patch applies.
	# shellcheck disable=SC2086
	cat $patches | (cd "$kdir" && git apply --check) ||
		die "the series does not apply to $kdir"
	# shellcheck disable=SC2086
	cat $patches | (cd "$kdir" && git apply)
fi
info "apply: $(echo "$patches" | wc -l) patch(es) applied to $kdir ($ver)"
