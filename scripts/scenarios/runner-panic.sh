# Runner self-test: an oops (LKDTM's BUG(), in this shell's system call)
# must crash the kernel (oops=panic); nothing after it runs.
tap_ok before-crash
echo BUG >/sys/kernel/debug/provoke-crash/DIRECT
tap_ok after-crash
