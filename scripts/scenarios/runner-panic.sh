# Runner self-test: crash the kernel; nothing after this line runs.
tap_ok before-crash
echo c >/proc/sysrq-trigger
tap_ok after-crash
