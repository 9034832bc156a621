# KUnit: report every test case of every suite that ran at boot.  The
# suites that must have run are listed in kunit.conf (TESTS), so a
# configured suite that did not run is a missing result on the host.
suites=$(ls /sys/kernel/debug/kunit 2>/dev/null)
[ -n "$suites" ] || { tap_fail kunit "no KUnit suite ran"; exit 1; }
kunit_report $suites
