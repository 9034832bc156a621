# Runner self-test: report one failing test.
run_test deliberately-failing false
