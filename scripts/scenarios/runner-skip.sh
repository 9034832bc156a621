# Runner self-test: two skips, one allowed by runner-skip.conf; exit 0.
tap_skip skip-allowed "allowed"
tap_skip skip-not-allowed "not allowed"
