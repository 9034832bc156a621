#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs for a kernel variant: busybox, the guest init
# and helpers, the scenario scripts, kselftests built from that variant's
# tree against its exported headers, and user-space tools with their
# shared libraries.
# Usage: build-initramfs.sh <variant> [test|bench]
# Last line: "initramfs: <path>".

. "$(dirname "$0")/lib.sh"

variant=${1:-default}
profile=${2:-test}
tree=$(awk -v v="$variant" '$1 == v {print $2}' "$TOP/configs/variants")
case $tree in
series) ksrc=$SRC ;;
base) ksrc=$BUILD/base-src ;;
*) die "unknown kernel variant '$variant'" ;;
esac
obj=$BUILD/obj/$variant
[ -d "$obj/usr/include" ] || die "no exported headers for '$variant': build the kernel first"

# kselftest directories (under tools/testing/selftests) put in the guest.
# Targets missing from a tree (the baseline has none of this project's)
# are left out.
SELFTESTS="dma swiotlb_lend"
TOOLS="stress-ng"
[ "$profile" = bench ] && TOOLS="$TOOLS fio"

out=$BUILD/initramfs/$variant-$profile
root=$out/root
kst=$BUILD/selftests/$variant
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,harness/bin,scenarios,selftests,lib,lib64,usr/lib}

step "initramfs[$variant-$profile]: kselftests ($SELFTESTS)"
for t in $SELFTESTS; do
	[ -d "$ksrc/tools/testing/selftests/$t" ] || continue
	mkdir -p "$kst/$t"
	CFLAGS="-I$obj/usr/include -O2" run_logged "$LOGS/selftest-$variant-$t.log" \
		make -C "$ksrc/tools/testing/selftests/$t" OUTPUT="$kst/$t" \
		KHDR_INCLUDES="-isystem $obj/usr/include" ARCH="$ARCH"
	mkdir -p "$root/selftests/$t"
	find "$kst/$t" -maxdepth 1 -type f -perm -u+x -exec cp -a {} "$root/selftests/$t/" \;
	# test scripts and config fragments that live beside the sources
	find "$ksrc/tools/testing/selftests/$t" -maxdepth 1 -type f \
		\( -name '*.sh' -o -name config \) -exec cp -a {} "$root/selftests/$t/" \;
done

# Copy a program and the shared libraries it needs.
add_binary() {
	local bin lib
	bin=$(command -v "$1") || die "$1 is not installed (scripts/deps.sh)"
	cp -L "$bin" "$root/bin/"
	ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -Ln "$lib" "$root$lib"
	done
}

step "initramfs[$variant-$profile]: busybox, tools ($TOOLS), scripts"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
for t in $TOOLS; do add_binary "$t"; done
install -m 0755 "$TOP/scripts/guest/init" "$root/init"
install -m 0644 "$TOP/scripts/guest/lib.sh" "$root/harness/lib.sh"
cp "$TOP"/scripts/scenarios/*.sh "$root/scenarios/"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "$variant $(base_version)" >"$root/etc/harness-kernel"

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner=0:0 --quiet) >"$out/initramfs.cpio.tmp"
mv "$out/initramfs.cpio.tmp" "$out/initramfs.cpio"
info "initramfs[$variant-$profile]: $(du -m "$out/initramfs.cpio" | cut -f1) MiB"
echo "initramfs: $out/initramfs.cpio"
