# Runner self-test: report a pass, then make the kernel warn (LKDTM,
# CONFIG_LKDTM) and exit with status 0.
tap_ok before-warning
d=/sys/kernel/debug/provoke-crash/DIRECT
if [ ! -w "$d" ]; then
	tap_fail provoke-warning "no $d (CONFIG_LKDTM)"
	exit 1
fi
echo WARNING >"$d"
