# Runner self-test: never finish.
tap_ok before-hang
while :; do sleep 3600; done
