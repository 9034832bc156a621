#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Common helpers for the harness scripts: paths, pinned base, step logging.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LOGS=${LOGS:-$BUILD/logs}
SRC=$BUILD/linux
ARCH=${ARCH:-x86_64}

# The pinned base: Debian's linux-source-6.12 at this exact version.
BASE_PKG=linux-source-6.12
BASE_PIN=6.12.117-1~deb12u1
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz

# Identity for commits the harness makes in build/linux (the pristine base
# and overlay-only commits); patches keep the author they carry.
export GIT_COMMITTER_NAME="swiotlb-lend harness"
export GIT_COMMITTER_EMAIL="harness@swiotlb-lend.invalid"

mkdir -p "$LOGS"

# Kernel reports that fail a boot wherever they appear in its console log
# (qemu-run.sh; test.sh checks the pattern first, runner-patterns).  The
# keyword follows a printk timestamp, at once or after a prefix
# ("watchdog: BUG: soft lockup", "rcu: INFO: rcu_sched detected stalls"):
# the guest's own output carries no timestamp, so harness lines that quote
# a reason or a test's output never match.  The timestamp need not start
# the line, as the console interleaves the kernel's output with the
# guest's.  Not reports: an OOM kill (tests fill memory on purpose; a test
# that is refused memory fails on its own), "INFO: NMI handler ... took
# too long" (TCG's slowness).
SPLAT_KEYWORDS='Kernel panic|Oops|BUG:|kernel BUG at|WARNING:|general protection fault'
SPLAT_KEYWORDS+='|Unable to handle kernel|KASAN:|UBSAN:|KFENCE:|list_(add|del) corruption'
SPLAT_KEYWORDS+='|hard LOCKUP|soft lockup|INFO: task .* blocked for more than|INFO: .*stall'
SPLAT_KEYWORDS+='|INFO: trying to register non-static key'
SPLAT='\[ *[0-9]+\.[0-9]+\] (.*[^[:alnum:]_])?('"$SPLAT_KEYWORDS)"

_t0=${HARNESS_T0:-$(date +%s)}
export HARNESS_T0=$_t0

elapsed() {
	local s=$(($(date +%s) - HARNESS_T0))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

step() { printf '[%s] == %s\n' "$(elapsed)" "$*"; }
info() { printf '[%s]    %s\n' "$(elapsed)" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$(elapsed)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(elapsed)" "$*" >&2; exit 1; }

# Version of the base actually installed (may differ from the pin when the
# pinned version has left the archive; deps.sh warns in that case).
base_version() {
	dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || echo unknown
}

# Run a long command with its output in a log file; show the tail on error.
run_logged() {
	local log=$1; shift
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "command failed (full log: ${log#"$TOP"/}): $*"
	fi
}

# Top-level directories of the repository that are kernel-tree overlay:
# every directory that also exists at the top of the base tree, except the
# harness's own scripts/.
overlay_dirs() {
	local d
	for d in "$TOP"/*/; do
		d=$(basename "$d")
		[ "$d" = scripts ] && continue
		[ "$d" = build ] || [ "$d" = out ] && continue
		git -C "$SRC" cat-file -e "base:$d" 2>/dev/null && echo "$d"
	done
	return 0
}

# Files of the overlay: tracked or new (not ignored) in overlay directories.
overlay_files() {
	local d
	(cd "$TOP" && for d in $(overlay_dirs); do
		git ls-files --cached --others --exclude-standard -- "$d"
	done) | LC_ALL=C sort -u | while read -r f; do
		[ -f "$TOP/$f" ] && echo "$f"
	done
	return 0
}

sha_of_inputs() {
	# Hash of everything that shapes build/linux: base version, overlay
	# files, patches.
	(
		cd "$TOP"
		base_version
		{ overlay_files; find patches -type f; } | LC_ALL=C sort |
			xargs -r sha256sum
	) | sha256sum | cut -d' ' -f1
}

# variant_arch V: the architecture kernel variant V is built for ("arch="
# among its fragments in configs/variants, x86_64 otherwise).
variant_arch() {
	awk -v v="$1" '$1 == v {
		for (i = 3; i <= NF; i++)
			if ($i ~ /^arch=/) { print substr($i, 6); exit }
		print "x86_64"; exit
	}' "$TOP/configs/variants"
}

# Per architecture: the compiler prefix, kbuild's boot image target and
# where it lands under the object directory.
cross_compile() { case $1 in arm64) echo aarch64-linux-gnu- ;; *) echo ;; esac; }
image_target() { case $1 in arm64) echo Image ;; *) echo bzImage ;; esac; }
image_path() { echo "arch/$1/boot/$(image_target "$1")"; }

# kernel_image V: the boot image of kernel variant V.
kernel_image() { echo "$BUILD/obj/$1/$(image_path "$(variant_arch "$1")")"; }
