#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest user space for a foreign architecture: Debian's packages for it
# (busybox-static, stress-ng and every library they need), unpacked into
# build/sysroot/<arch>/ for build-initramfs.sh.  Once per package list.
# Usage: sysroot.sh <arch>       Last line: "sysroot: <dir>".

. "$(dirname "$0")/lib.sh"

arch=${1:?usage: sysroot.sh <arch>}
case $arch in
arm64) ;;
*) die "sysroot: no foreign user space for '$arch'" ;;
esac
PKGS="busybox-static stress-ng"

dir=$BUILD/sysroot/$arch
stamp="$PKGS $(apt-cache policy "stress-ng:$arch" 2>/dev/null | awk '/Candidate/ {print $2}')"
if [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "sysroot: $dir"
	exit 0
fi
dpkg --print-foreign-architectures | grep -qx "$arch" ||
	die "dpkg has no $arch architecture (scripts/deps.sh adds it)"

step "sysroot[$arch]: $PKGS and their libraries from Debian's archive"
rm -rf "$dir"
mkdir -p "$dir/debs"
# Every package the programs need at run time, recursively; names
# without ":$arch" are architecture-independent (data files).
want=$(apt-cache depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances \
	$(for p in $PKGS; do echo "$p:$arch"; done) 2>/dev/null |
	grep -E '^[a-z0-9]' | sort -u)
[ -n "$want" ] || die "sysroot: apt-cache knows no $arch packages (apt-get update?)"
(cd "$dir/debs" && run_logged "$LOGS/sysroot-$arch.log" apt-get download $want)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done
rm -rf "$dir/debs"
echo "$stamp" >"$dir/.stamp"
info "sysroot[$arch]: $(echo "$want" | wc -l) packages, $(du -sm "$dir" | cut -f1) MiB"
echo "sysroot: $dir"
