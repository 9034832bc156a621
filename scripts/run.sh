#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 'make run': build the kernel and initramfs, boot the demo scenario and
# print its summary.  Usage: run.sh [variant]

. "$(dirname "$0")/lib.sh"

variant=${1:-default}
"$TOP/scripts/deps.sh"
step "run: base $BASE_PKG $(base_version)"
"$TOP/scripts/build-kernel.sh" "$variant"
"$TOP/scripts/build-initramfs.sh" "$variant" test
"$TOP/scripts/accel.sh" "$variant"
rc=0
"$TOP/scripts/qemu-run.sh" --variant "$variant" demo || rc=$?
echo
echo "== swiotlb lending demo (kernel: $BASE_PKG $(base_version) + $(git -C "$SRC" rev-list --count base..HEAD) patch(es), $variant) =="
tr -d '\r' <"$LOGS/demo/results.tap" | sed -n 's/^# demo: /  /p'
echo "(console log: build/logs/demo/console.log)"
exit $rc
