# Power off in the middle of the scenario, as a crashed init or a stray
# poweroff would: no completion marker.
tap_ok before-poweroff
sync
poweroff -f
sleep 30
