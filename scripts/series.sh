#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write out/series/: cover letter and numbered patches from build/linux
# (base..HEAD), new files included, ready for git send-email or git am.

. "$(dirname "$0")/lib.sh"

"$TOP/scripts/prepare.sh"
out=$TOP/out/series
rm -rf "$out"
mkdir -p "$out"
n=$(git -C "$SRC" rev-list --count base..HEAD)
ver=$(base_version)
if [ "$n" = 0 ]; then
	echo "series: empty (no patches on base $BASE_PKG $ver)"
	exit 0
fi
# The cover letter comes from the series' author, not the harness.
GIT_COMMITTER_NAME=$(git -C "$SRC" log --reverse --format=%an base..HEAD | head -n1) \
GIT_COMMITTER_EMAIL=$(git -C "$SRC" log --reverse --format=%ae base..HEAD | head -n1) \
	git -C "$SRC" format-patch -q --cover-letter --no-signature -o "$out" base..HEAD
cover=$(ls "$out"/0000-cover-letter.patch)
subject=$(sed -n '1p' "$TOP/patches/cover-letter")
{
	sed -n '2,$p' "$TOP/patches/cover-letter"
	echo
	echo "Base: Debian $BASE_PKG $ver ($(make -s -C "$SRC" kernelversion 2>/dev/null))."
} >"$out/.blurb"
python3 - "$cover" "$subject" "$out/.blurb" <<'PY'
import sys
path, subject, blurb = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
s = open(path).read()
s = s.replace("*** SUBJECT HERE ***", subject).replace("*** BLURB HERE ***", blurb)
open(path, "w").write(s)
PY
rm -f "$out/.blurb"
echo "series: $n patch(es) on base $BASE_PKG $ver in out/series/"
ls "$out" | sed 's/^/  /'
