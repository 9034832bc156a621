#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot one scenario in QEMU and classify how the boot ended.
#
# Usage: qemu-run.sh [options] <scenario>
#   --kernel IMG --initrd CPIO   (default: build/obj/$VARIANT, build/initramfs)
#   --variant NAME               kernel variant (default: from the .conf)
#   --accel tcg|kvm              (default: build/accel, probed by accel.sh)
#   --icount                     -icount shift=0,sleep=off
#   --smp N                      vCPUs (default: SMP from the .conf)
#   --mem SIZE                   guest memory (default: MEM from the .conf)
#   --append "ARGS"              extra kernel command line
#   --tag NAME                   log directory name (default: scenario)
# The scenario's host settings are in scripts/scenarios/<scenario>.conf
# (MEM, SMP, APPEND, DEVICES, TIMEOUT; APPEND_<variant> is added for that
# kernel variant and MEM_<variant> replaces MEM, "-" read as "_"); the
# guest script is <scenario>.sh.
#
# Writes build/logs/<tag>/{qemu.cmd,console.log,results.tap,outcome}.
# outcome is one of: ok, fail, panic, reboot, hang, splat, qemu-error.
# Exit status: 0 when the outcome is ok, 1 otherwise.

. "$(dirname "$0")/lib.sh"

kernel= initrd= accel= icount=0 extra= tag= variant= smp= mem=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--variant) variant=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--append) extra=$2; shift 2 ;;
	--tag) tag=$2; shift 2 ;;
	-*) die "qemu-run: unknown option $1" ;;
	*) break ;;
	esac
done
scenario=${1:?usage: qemu-run.sh [options] <scenario>}
tag=${tag:-$scenario}
# Before anything can die: a previous run's outcome left here would be
# read as this run's.
dir=$LOGS/$tag
rm -rf "$dir"
mkdir -p "$dir"
conf=$TOP/scripts/scenarios/$scenario.conf
[ -f "$conf" ] || die "no scenario $scenario ($conf)"

MEM=2G SMP=2 APPEND= DEVICES= TIMEOUT=300 VARIANT=default PROFILE=test
# shellcheck source=/dev/null
. "$conf"
variant=${variant:-$VARIANT}
vappend=APPEND_$(echo "$variant" | tr -- - _)
APPEND="$APPEND ${!vappend:-}"
SMP=${smp:-$SMP}
vmem=MEM_$(echo "$variant" | tr -- - _)
MEM=${mem:-${!vmem:-$MEM}}
ARCH=$(variant_arch "$variant")
kernel=${kernel:-$(kernel_image "$variant")}
initrd=${initrd:-$BUILD/initramfs/$variant-$PROFILE/initramfs.cpio}
accel=${accel:-$(cat "$BUILD/accel" 2>/dev/null || echo tcg)}
[ -f "$kernel" ] || die "no kernel image $kernel"
[ -f "$initrd" ] || die "no initramfs $initrd"

case $ARCH in
arm64)
	# -M virt has one UART (the console); results go to a virtio
	# console, and with no isa-debug-exit the guest powers off (PSCI)
	# after its completion marker, which then carries its status.  Only
	# TCG runs arm64 guests on these hosts, one host thread per vCPU
	# (thread=multi, stated: the barriers of lending are tested on a
	# weakly ordered guest running its CPUs in parallel).  The GIC and
	# PCI host of -M virt give virtio-pci MSI-X as on x86.
	# icount needs TCG's single thread (benchmarks only).
	accel=tcg
	threads=multi
	[ "$icount" = 1 ] && threads=single
	cmd=(qemu-system-aarch64 -accel "$accel,thread=$threads" -M virt -cpu max -m "$MEM" -smp "$SMP"
	     -nodefaults -display none -monitor none -no-reboot
	     -kernel "$kernel" -initrd "$initrd"
	     -chardev "file,id=con,path=$dir/console.log" -serial chardev:con
	     -device virtio-serial-pci
	     -chardev "file,id=res,path=$dir/results.tap" -device virtconsole,chardev=res)
	console=ttyAMA0
	;;
*)
	cmd=(qemu-system-x86_64 -accel "$accel" -M pc -m "$MEM" -smp "$SMP"
	     -nodefaults -display none -monitor none -no-reboot
	     -kernel "$kernel" -initrd "$initrd"
	     -chardev "file,id=con,path=$dir/console.log" -serial chardev:con
	     -chardev "file,id=res,path=$dir/results.tap" -serial chardev:res
	     -device isa-debug-exit,iobase=0xf4,iosize=0x04)
	console=ttyS0
	;;
esac
[ "$icount" = 1 ] && cmd+=(-icount shift=0,sleep=off)

disk=0
for d in $DEVICES; do
	case $d in
	edu) cmd+=(-device edu) ;;
	vblk:*)
		img=$dir/disk$disk.img
		truncate -s "${d#vblk:}" "$img"
		cmd+=(-drive "file=$img,if=none,id=d$disk,format=raw,cache=unsafe"
		      -device "virtio-blk-pci,drive=d$disk,iommu_platform=on,disable-legacy=on")
		disk=$((disk + 1))
		;;
	*) die "$scenario.conf: unknown device '$d'" ;;
	esac
done

# The lockup and stall detectors' defaults (soft lockup after 20 s, RCU
# stall after 21 s) stand for well under a second of hardware time under
# TCG, 20 to 50 times slower, and on a busy host a vCPU thread may not
# run for seconds: give them 120 s, as the hung task detector has by
# default, which still reports within every test scenario's TIMEOUT.
detectors="watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"
# oops=panic: "panic_on_oops=1" is only a sysctl, never a boot parameter.
# KSFT_ONLY (make mutants): run only these swiotlb_lend kselftest tests.
only=
[ -z "${KSFT_ONLY:-}" ] || only="hsksft=$(echo $KSFT_ONLY | tr ' ' ',')"
append="console=$console panic=-1 oops=panic $detectors hscenario=$scenario hsmp=$SMP $only $APPEND $extra"
cmd+=(-append "$(echo $append)")

printf '%q ' "${cmd[@]}" >"$dir/qemu.cmd"
echo >>"$dir/qemu.cmd"
info "qemu: $(cat "$dir/qemu.cmd")"

rc=0
timeout -k 10 "$TIMEOUT" "${cmd[@]}" >"$dir/qemu.out" 2>&1 || rc=$?

# arm64 guests end with a power-off (status 0) whether they pass or
# fail: their status is the completion marker's, which a panic or a
# reboot never writes.  Any other QEMU exit status is QEMU's own.
status=$(sed -n 's/^# harness: done rc=\([0-9]*\).*/\1/p' "$dir/results.tap" 2>/dev/null | tail -n1)
if [ "$ARCH" = arm64 ]; then
	case $rc in
	0)
		if [ -n "$status" ] && ! grep -q 'Kernel panic' "$dir/console.log"; then
			rc=$((status * 2 + 1))
		fi ;;
	124|137) ;;
	*) rc=256 ;;                       # QEMU failed: qemu-error below
	esac
fi
case $rc in
1) outcome=ok ;;                       # guest wrote 0 to isa-debug-exit
124|137) outcome=hang ;;               # timeout(1) fired
0)                                     # reset: panic=-1 or init died
	if grep -q 'Kernel panic' "$dir/console.log"; then outcome=panic
	else outcome=reboot; fi ;;
*)
	if [ $((rc % 2)) = 1 ] && [ "$rc" -lt 256 ]; then
		outcome=fail                   # guest exit status (rc - 1) / 2
	else
		outcome=qemu-error
	fi ;;
esac
if [ "$outcome" = ok ] && grep -qE "$SPLAT" "$dir/console.log"; then
	outcome=splat
fi
if [ "$outcome" = ok ] && ! grep -q '^# harness: done rc=0' "$dir/results.tap"; then
	outcome=fail                           # no completion marker
fi
echo "$outcome" >"$dir/outcome"
case $outcome in
ok) info "qemu: $scenario: guest completed (status 0)" ;;
fail) info "qemu: $scenario: guest reported failure (qemu status $rc)" ;;
hang) info "qemu: $scenario: no exit within ${TIMEOUT}s, killed" ;;
panic) info "qemu: $scenario: kernel panic" ;;
reboot) info "qemu: $scenario: guest rebooted without reporting a status" ;;
splat) info "qemu: $scenario: kernel warning/oops in the console log:"
	grep -E "$SPLAT" "$dir/console.log" | head -n 5 ;;
qemu-error) info "qemu: $scenario: QEMU failed (status $rc):"; tail -n 5 "$dir/qemu.out" ;;
esac
[ "$outcome" = ok ]
