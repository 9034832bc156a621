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
series+*.patch) ksrc=$BUILD/trees/$variant ;;
base) ksrc=$BUILD/base-src ;;
*) die "unknown kernel variant '$variant'" ;;
esac
obj=$BUILD/obj/$variant
[ -d "$obj/usr/include" ] || die "no exported headers for '$variant': build the kernel first"
ARCH=$(variant_arch "$variant")
cross=$(cross_compile "$ARCH")
# A foreign architecture's programs and libraries come from its sysroot
# (Debian's packages for it, scripts/sysroot.sh); the host's otherwise.
sysroot=
[ -z "$cross" ] || sysroot=$("$TOP/scripts/sysroot.sh" "$ARCH" | sed -n 's/^sysroot: //p')

# kselftest directories (under tools/testing/selftests) put in the guest,
# "dir" for all its programs or "dir:prog,prog" for some.  Directories
# missing from a tree (the baseline has none of this project's) are left
# out.
SELFTESTS="dma swiotlb_lend
	   mm:compaction_test,gup_longterm,gup_test,transhuge-stress,migration"
# The mm selftests scenario runs on x86 only (its libraries are the host's).
[ -z "$cross" ] || SELFTESTS="dma swiotlb_lend"
# The bench profile adds fio, perf (Debian's linux-perf: "perf stat"
# of software and trace events needs nothing from the kernel's version)
# and the benchmarks' own guest tools (benchmarks/tools).
# A foreign architecture's bench profile has the benchmarks' own tools
# and dma_map_benchmark only (its sysroot has no fio or perf).
TOOLS="stress-ng"
[ "$profile" = bench ] && [ -z "$cross" ] && TOOLS="$TOOLS fio perf"

out=$BUILD/initramfs/$variant-$profile
root=$out/root
kst=$BUILD/selftests/$variant
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,harness/bin,scenarios,selftests,lib,lib64,usr/lib}

# Copy the shared libraries a program needs; then a program itself.
# A foreign program's are found by its ELF dynamic section in the sysroot.
add_libs() {
	local lib
	if [ -n "$sysroot" ]; then
		add_libs_foreign "$1"
		return 0
	fi
	{ ldd "$1" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } |
	while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -Ln "$lib" "$root$lib"
	done
	return 0
}
add_libs_foreign() {
	local lib dir interp
	# not an ELF file (a script, a config fragment): nothing to add
	"${cross}readelf" -h "$1" >/dev/null 2>&1 || return 0
	interp=$("${cross}readelf" -l "$1" |
		sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	for lib in $interp $("${cross}readelf" -d "$1" |
			     sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
		case $lib in
		/*) [ -e "$root$lib" ] && continue
		    mkdir -p "$root$(dirname "$lib")"
		    cp -L "$sysroot$lib" "$root$lib" ;;
		*)  for dir in /lib/$multiarch /usr/lib/$multiarch; do
			    [ -e "$sysroot$dir/$lib" ] || continue
			    [ -e "$root$dir/$lib" ] && break
			    mkdir -p "$root$dir"
			    cp -L "$sysroot$dir/$lib" "$root$dir/$lib"
			    add_libs_foreign "$root$dir/$lib"
			    break
		    done
		    [ -e "$root/lib/$multiarch/$lib" ] || [ -e "$root/usr/lib/$multiarch/$lib" ] ||
			    die "$1 needs $lib, which is not in $sysroot" ;;
		esac
	done
}
multiarch=$("${cross}gcc" -print-multiarch 2>/dev/null || true)
add_binary() {
	local bin
	if [ -n "$sysroot" ]; then
		bin=$sysroot/usr/bin/$1
		[ -f "$bin" ] || die "$1 is not in $sysroot (scripts/sysroot.sh)"
		cp -L "$bin" "$root/bin/"
		add_libs "$bin"
		return 0
	fi
	bin=$(command -v "$1") || die "$1 is not installed (scripts/deps.sh)"
	cp -L "$bin" "$root/bin/"
	add_libs "$bin"
}

step "initramfs[$variant-$profile]: kselftests ($(echo $SELFTESTS))"
for entry in $SELFTESTS; do
	t=${entry%%:*}
	[ -d "$ksrc/tools/testing/selftests/$t" ] || continue
	progs=
	[ "$entry" != "$t" ] && progs=$(echo "${entry#*:}" | tr , ' ')
	mkdir -p "$kst/$t" "$root/selftests/$t"
	# shellcheck disable=SC2046
	CFLAGS="-I$obj/usr/include -O2" run_logged "$LOGS/selftest-$variant-$t.log" \
		make -C "$ksrc/tools/testing/selftests/$t" OUTPUT="$kst/$t" \
		KHDR_INCLUDES="-isystem $obj/usr/include" ARCH="$ARCH" \
		${cross:+CROSS_COMPILE="$cross"} \
		$(for p in $progs; do echo "$kst/$t/$p"; done)
	if [ -n "$progs" ]; then
		for p in $progs; do cp -a "$kst/$t/$p" "$root/selftests/$t/"; done
	else
		find "$kst/$t" -maxdepth 1 -type f -perm -u+x -exec cp -a {} "$root/selftests/$t/" \;
		# test scripts and config fragments that live beside the sources
		find "$ksrc/tools/testing/selftests/$t" -maxdepth 1 -type f \
			\( -name '*.sh' -o -name config \) -exec cp -a {} "$root/selftests/$t/" \;
	fi
	# shared libraries the programs need (libnuma, liburing)
	for p in "$root/selftests/$t"/*; do add_libs "$p"; done
done

step "initramfs[$variant-$profile]: busybox, tools ($TOOLS), scripts"
cp "$sysroot/bin/busybox" "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
for t in $TOOLS; do add_binary "$t"; done
if [ "$profile" = bench ]; then
	for src in "$TOP"/benchmarks/tools/*.c; do
		run_logged "$LOGS/bench-tools-$variant.log" \
			"${cross}gcc" -O2 -Wall -Werror -static -o "$root/bin/$(basename "$src" .c)" "$src"
	done
fi
# glibc loads libgcc_s with dlopen() for pthread_cancel(): ldd cannot see it
lib=/lib/${multiarch:-x86_64-linux-gnu}/libgcc_s.so.1
[ -f "$sysroot$lib" ] && mkdir -p "$root$(dirname "$lib")" && cp -Ln "$sysroot$lib" "$root$lib"
# A syntax error in a guest script would only show as a dead /init.
for f in "$TOP"/scripts/guest/init "$TOP"/scripts/guest/lib.sh "$TOP"/scripts/scenarios/*.sh; do
	/bin/busybox sh -n "$f" || die "syntax error in ${f#"$TOP"/}"
done
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
