#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Decide the QEMU accelerator once per build directory: KVM only if a
# short probe boot with it completes, TCG otherwise.  ACCEL=tcg|kvm
# forces a choice.  Prints the choice; caches it in build/accel.

. "$(dirname "$0")/lib.sh"

variant=${1:-default}
# Only x86 guests can use the host's KVM; the probe must boot one.
if [ "$(variant_arch "$variant")" != x86_64 ]; then
	info "accel: tcg ($(variant_arch "$variant") guest)"
	exit 0
fi
if [ -n "${ACCEL:-}" ]; then
	echo "$ACCEL" >"$BUILD/accel"
elif [ ! -f "$BUILD/accel" ]; then
	choice=tcg
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		step "accel: probing KVM with a short boot"
		if "$TOP/scripts/qemu-run.sh" --accel kvm --variant "$variant" \
			--tag accel-probe probe >/dev/null 2>&1; then
			choice=kvm
		else
			info "accel: KVM probe did not complete ($(cat "$LOGS/accel-probe/outcome" 2>/dev/null)), using TCG"
		fi
	fi
	echo "$choice" >"$BUILD/accel"
fi
info "accel: $(cat "$BUILD/accel")"
