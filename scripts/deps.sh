#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the harness needs from Debian's archive, only if missing.
# The base kernel is pinned; if the pin has left the archive, the newest
# 6.12 is taken with a warning.

. "$(dirname "$0")/lib.sh"

PKGS="build-essential git bc bison flex libelf-dev libssl-dev cpio xz-utils
      ccache perl python3 kmod rsync qemu-system-x86 busybox-static
      stress-ng fio sparse gnuplot-nox libnuma-dev liburing-dev
      python3-ply python3-git linux-perf gcc-aarch64-linux-gnu
      libc6-dev-arm64-cross qemu-system-arm"
# Foreign architectures whose guest user space comes from the archive
# (scripts/sysroot.sh).
FOREIGN="arm64"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
have_base=$(base_version)
foreign=
for a in $FOREIGN; do
	dpkg --print-foreign-architectures | grep -qx "$a" || foreign="$foreign $a"
done

[ -z "$missing$foreign" ] && [ "$have_base" = "$BASE_PIN" ] && exit 0

want=$missing
[ -z "$foreign" ] || want="$want (architectures:$foreign)"
[ "$have_base" = "$BASE_PIN" ] || want="$want ${BASE_PKG}=${BASE_PIN}"
step "deps: installing$want"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
for a in $foreign; do $SUDO dpkg --add-architecture "$a"; done
run_logged "$LOGS/apt-update.log" $SUDO apt-get update
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	run_logged "$LOGS/apt-install.log" $SUDO apt-get install -y \
		--no-install-recommends $missing
fi
if [ "$have_base" != "$BASE_PIN" ]; then
	if ! $SUDO apt-get install -y --no-install-recommends --allow-downgrades \
		"$BASE_PKG=$BASE_PIN" >"$LOGS/apt-base.log" 2>&1; then
		warn "$BASE_PKG $BASE_PIN is not in the archive; using the newest 6.12"
		run_logged "$LOGS/apt-base.log" $SUDO apt-get install -y \
			--no-install-recommends "$BASE_PKG"
	fi
fi
[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL missing after installing $BASE_PKG"
info "base: $BASE_PKG $(base_version)"
