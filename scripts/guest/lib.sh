# SPDX-License-Identifier: GPL-2.0
# Helpers for guest scenario scripts (busybox sh).
#
# Results go to the result channel, which the host reads, one line per
# test:  ok NAME | not ok NAME # reason | ok NAME # SKIP reason
# (ttyS1 on x86, the virtio console hvc0 on arm64).  Test output itself
# goes to the console (ttyS0, ttyAMA0).  The host fails a skip unless the
# scenario's .conf allows it (SKIPS): a test that cannot run where it
# must is reported with tap_fail.

GUEST_ARCH=$(uname -m)
RESULTS=/dev/ttyS1
[ "$GUEST_ARCH" = aarch64 ] && RESULTS=/dev/hvc0
RESULTS_COPY=/tmp/harness-results

_report() {
	echo "$*" >>"$RESULTS_COPY"
	echo "$*" >"$RESULTS"
	echo "harness-result: $*"
}

tap_ok() { _report "ok $1"; }
tap_fail() { _report "not ok $1 # ${2:-failed}"; }
tap_skip() { _report "ok $1 # SKIP ${2:-skipped}"; }

# run_test NAME CMD...: exit 0 is a pass, 4 (KSFT_SKIP) a skip, anything
# else a failure.
run_test() {
	local name=$1 rc=0
	shift
	echo "harness: running $name: $*"
	"$@" || rc=$?
	case $rc in
	0) tap_ok "$name" ;;
	4) tap_skip "$name" "exit status 4 (KSFT_SKIP)" ;;
	*) tap_fail "$name" "exit status $rc" ;;
	esac
	return 0
}

# kunit_report SUITE...: report each test case of the given KUnit suites
# from /sys/kernel/debug/kunit/<suite>/results (KTAP).  A suite that did
# not run is a failure.
kunit_report() {
	local suite f
	for suite in "$@"; do
		f=/sys/kernel/debug/kunit/$suite/results
		if [ ! -r "$f" ]; then
			tap_fail "$suite" "suite did not run (no $f)"
			continue
		fi
		cat "$f"
		awk -v s="$suite" '
		/^    (not )?ok [0-9]+ / {
			line = $0; sub(/^    /, "", line)
			notok = (line ~ /^not ok/)
			sub(/^(not )?ok [0-9]+ /, "", line)
			name = line; sub(/ #.*/, "", name)
			if (notok)
				print "not ok " s "/" name " # KTAP not ok"
			else if (line ~ /# SKIP/) {
				r = line; sub(/.*# SKIP */, "", r)
				print "ok " s "/" name " # SKIP " (r == "" ? "kunit skip" : r)
			}
			else
				print "ok " s "/" name
			n++
		}
		END { if (!n) print "not ok " s " # no test cases in results" }
		' "$f" | while read -r l; do _report "$l"; done
	done
}

# Exit QEMU with status rc through isa-debug-exit (port 0xf4): the host
# sees (rc << 1) | 1.  arm64 has no such port: power off (PSCI), and the
# host takes the status from the completion marker init wrote before.
guest_exit() {
	if [ "$GUEST_ARCH" = aarch64 ]; then
		poweroff -f
		return
	fi
	printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
}

# swiotlb debugfs value, or empty.
swiotlb_stat() {
	cat "/sys/kernel/debug/swiotlb/$1" 2>/dev/null
}

# bounce_window_start: zero swiotlb's high-water mark of slots in use
# (0 is the one value it takes), so that bounced tells whether anything
# was mapped through swiotlb since, not since boot (the partition scan of
# a virtio-blk disk bounces already).  Slots still in use at the reset
# would count, so it is called when nothing is mapped.
bounce_window_start() {
	_bounce_window=
	echo 0 2>/dev/null >/sys/kernel/debug/swiotlb/io_tlb_used_hiwater &&
		[ "$(swiotlb_stat io_tlb_used_hiwater)" = 0 ] && _bounce_window=1
	[ -n "$_bounce_window" ] ||
		echo "harness: io_tlb_used_hiwater could not be reset to 0 ($(swiotlb_stat io_tlb_used_hiwater))"
}

# bounced: slots were used since bounce_window_start (which succeeded).
bounced() {
	local hw
	hw=$(swiotlb_stat io_tlb_used_hiwater)
	echo "harness: io_tlb_used_hiwater ${hw:-missing} since the reset"
	[ -n "$_bounce_window" ] && [ -n "$hw" ] && [ "$hw" -gt 0 ]
}

# run_kselftest NAME CMD...: run a kselftest program and report each of
# its top-level TAP results as NAME/<test>; the program's exit status 4
# (KSFT_SKIP) with no results is one skip, any other non-zero exit
# status with no failing result is a failure of NAME.
run_kselftest() {
	local name=$1 rc=0 out=/tmp/kselftest-$1.out only t
	shift
	# make mutants runs only the tests that must catch a mutant.
	only=$(sed -n 's/.*hsksft=\([^ ]*\).*/\1/p' /proc/cmdline)
	if [ -n "$only" ] && [ "$name" = swiotlb_lend ]; then
		for t in $(echo "$only" | tr ',' ' '); do
			set -- "$@" -t "$t"
		done
	fi
	echo "harness: running kselftest $name: $*"
	"$@" >"$out" 2>&1 || rc=$?
	cat "$out"
	awk -v n="$name" '
	/^(not )?ok [0-9]+ / {
		line = $0
		notok = (line ~ /^not ok/)
		num = line; sub(/^(not )?ok /, "", num); sub(/ .*/, "", num)
		sub(/^(not )?ok [0-9]+ /, "", line)
		t = line; sub(/ *#.*/, "", t); sub(/^[^.]*\./, "", t)
		if (t == "")
			t = "test" num
		if (notok)
			print "not ok " n "/" t " # kselftest not ok"
		else if (line ~ /# SKIP/) {
			r = line; sub(/.*# SKIP */, "", r)
			print "ok " n "/" t " # SKIP " r
		} else
			print "ok " n "/" t
	}' "$out" >"$out.res"
	while read -r l; do _report "$l"; done <"$out.res"
	if [ ! -s "$out.res" ]; then
		case $rc in
		0) tap_fail "$name" "no TAP results" ;;
		4) tap_skip "$name" "$(grep -m1 SKIP "$out" | sed 's/.*SKIP *//')" ;;
		*) tap_fail "$name" "exit status $rc" ;;
		esac
	elif [ $rc != 0 ] && ! grep -q '^not ok' "$out.res"; then
		tap_fail "$name" "exit status $rc"
	fi
	return 0
}

meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
# The page size in KiB (4 on x86, 4 or 16 on the arm64 kernels), and a
# pageblock's.
PAGE_KB=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)
block_kb() { echo $(( $(awk '/^Pages per block:/ { print $4 }' /proc/pagetypeinfo) * PAGE_KB )); }
vmstat_val() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

# lent_in_use: lent pages in use (lent minus free), in percent of those
# lent; 0 when none are.
lent_in_use() {
	local l f
	l=$(( $(meminfo_kb SwiotlbLent) / PAGE_KB )) f=$(vmstat_val nr_free_swiotlb)
	if [ "$l" -gt 0 ]; then echo $(( (l - f) * 100 / l )); else echo 0; fi
}

# pool_node: the NUMA node whose zones hold Swiotlb pageblocks, or nothing.
pool_node() {
	awk '/^Number of blocks type/ {
		for (i = 5; i <= NF; i++) if ($i == "Swiotlb") col = i
		next
	}
	col && /^Node/ && $col > 0 { n = $2; sub(",", "", n); print n; exit }' /proc/pagetypeinfo
}

# lend_drain: put the free pages on per-cpu lists back on the buddy lists
# (the test driver's drain, where there is one) and fold the per-cpu
# vmstat diffs, so that nr_free_swiotlb counts every free lent page.
lend_drain() {
	echo drain 2>/dev/null >/sys/kernel/debug/swiotlb_lend_test/alloc_probe || true
	echo 1 2>/dev/null >/proc/sys/vm/stat_refresh || true
}

# zone_watermarks NAME: sum of a watermark (min, low, high) over all zones,
# in pages.
zone_watermarks() {
	awk -v k="$1" '$1 == k && NF == 2 { s += $2 } END { print s + 0 }' /proc/zoneinfo
}

# wait_all_lent TENTHS: wait up to TENTHS tenths of a second for the whole
# lendable reserve to be lent again; fails if it is not by then.
wait_all_lent() {
	local i=0 total
	total=$(meminfo_kb SwiotlbLendTotal)
	while [ "$(meminfo_kb SwiotlbLent)" != "$total" ]; do
		[ $i -lt "$1" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# fill_tmpfs: fill a tmpfs of its own (/fill, not size-capped) until the
# free lent pages are used up (nr_free_swiotlb below 1 MiB).  Movable
# allocations borrow lent pages before regular memory falls below the
# high watermarks, so regular memory stays about there; never go below
# half-way between the min and high watermarks, where unmovable
# allocations (page tables, pipes) would start to fail.  8 MiB files,
# 1 MiB ones near the end so as not to overshoot.
fill_tmpfs() {
	local i=0 mib floor lent node mpol=
	floor=$(( ($(zone_watermarks min) + $(zone_watermarks high)) / 2 * PAGE_KB ))
	# With several NUMA nodes, the files' pages come from the pool's node
	# first (the tmpfs memory policy, whichever CPU writes): its zones
	# borrow lent pages once below their high watermark.  Spread by the
	# writer's node, the fill could stop at the floor with the other node
	# at its low watermark and the pool's still above high, the reserve
	# unused (once in twelve runs; writing from the CPUs of the pool's
	# node instead used none of it in the one run tried).
	node=$(pool_node)
	if [ -n "$node" ] && [ -e /sys/devices/system/node/node1 ]; then
		mpol=,mpol=prefer:$node
	fi
	if [ ! -d /fill ]; then
		mkdir -p /fill
		mount -t tmpfs -o "size=100%$mpol" fill /fill
	fi
	lend_drain
	while :; do
		lent=$(vmstat_val nr_free_swiotlb)
		# Borrowed pages may wait on per-cpu lists, off the count: the
		# files deleted to make room then pushed 1369 of them back to
		# the free lists (83% of the reserve in use, 95 to 99% in
		# earlier runs).  Look again with the lists drained.
		if [ "$lent" -lt 256 ]; then
			lend_drain
			lent=$(vmstat_val nr_free_swiotlb)
			[ "$lent" -lt 256 ] && break
		fi
		# Regular pages on per-cpu lists are not free memory to
		# MemFree either: drain before calling the floor reached.
		if [ $(( $(meminfo_kb MemFree) - lent * PAGE_KB )) -lt "$floor" ]; then
			lend_drain
			lent=$(vmstat_val nr_free_swiotlb)
			[ $(( $(meminfo_kb MemFree) - lent * PAGE_KB )) -lt "$floor" ] && break
		fi
		mib=8
		[ "$lent" -lt 4096 ] && mib=1
		dd if=/dev/zero of=/fill/$i bs=1M count=$mib 2>/dev/null || break
		i=$((i + 1))
	done
	echo "harness: filled /fill with $i files; nr_free_swiotlb $(vmstat_val nr_free_swiotlb)," \
		"MemFree $(meminfo_kb MemFree) kB, floor $floor kB"
}

# make_pattern MIB: MIB MiB of random data in /tmp/pattern.
make_pattern() {
	dd if=/dev/urandom of=/tmp/pattern bs=1M count="$1" 2>/dev/null
}

# odirect_roundtrip KIB: write /tmp/pattern to /dev/vda with O_DIRECT in
# KIB KiB requests, read it back the same way, compare the checksums.
odirect_roundtrip() {
	local kib=$1 size a b
	size=$(wc -c </tmp/pattern)
	dd if=/tmp/pattern of=/dev/vda bs="${kib}k" oflag=direct 2>/dev/null || return 1
	a=$(md5sum </tmp/pattern)
	b=$(dd if=/dev/vda bs="${kib}k" count=$((size / 1024 / kib)) iflag=direct 2>/dev/null | md5sum)
	echo "harness: O_DIRECT in $kib KiB requests: wrote ${a%% *}, read ${b%% *}," \
		"bounce slots high-water mark $(swiotlb_stat io_tlb_used_hiwater)"
	[ "$a" = "$b" ]
}

# lend_param_check VALUE WORD: swiotlb_lend=VALUE is reported once, by
# name, saying WORD (what was done about it), and swiotlb still bounces
# real I/O.
lend_param_check() {
	local val=$1 word=$2 lines
	dmesg | grep 'swiotlb_lend:'
	lines=$(dmesg | grep -c "swiotlb_lend: .*swiotlb_lend=$val")
	if [ "$lines" = 1 ] &&
	   dmesg | grep "swiotlb_lend: .*swiotlb_lend=$val" | grep -q "$word"; then
		tap_ok error-reported
	else
		tap_fail error-reported "$lines log lines name swiotlb_lend=$val"
	fi
	make_pattern 8
	bounce_window_start
	if odirect_roundtrip 64 && bounced; then
		tap_ok pool-works
	else
		tap_fail pool-works "I/O through swiotlb failed or did not bounce"
	fi
}

# Benchmarks.  bench LINE: one "# bench:" line on the result channel, for
# the host's report; benchmarks never pass or fail.
bench() { echo "# bench: $*" >"$RESULTS"; echo "bench: $*"; }

# perf_events: software events, then every swiotlb trace event this
# kernel has (the base has swiotlb_bounced; the series adds its own).
perf_events() {
	local e=task-clock,page-faults,context-switches,cpu-migrations t
	for t in /sys/kernel/tracing/events/swiotlb/*/; do
		[ -f "$t/id" ] && e="$e,swiotlb:$(basename "$t")"
	done
	echo "$e"
}

# perf_stat TAG CMD...: run CMD under a system-wide "perf stat" (when the
# guest has perf) and report "perf TAG <event>=<count> ..." as one bench
# line.  CMD's exit status is returned.
perf_stat() {
	local tag=$1 rc=0
	shift
	if ! command -v perf >/dev/null; then
		"$@" || rc=$?
		return $rc
	fi
	perf stat -x, -a -e "$(perf_events)" -o "/tmp/perf-$tag.csv" -- "$@" || rc=$?
	bench "perf $tag $(awk -F, '$1 !~ /^#/ && NF >= 3 && $3 != "" {
		v = $1; gsub(/ /, "", v); sub(/^<not.*/, "na", v)
		printf "%s=%s ", $3, v }' "/tmp/perf-$tag.csv")"
	return $rc
}

# uptime_ms: time since boot in milliseconds (virtual time under icount).
uptime_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# lend_total_check KB: after a bad or adjusted swiotlb_lend=, the reserve
# actually lendable (SwiotlbLendTotal) is exactly KB, and all of it is lent.
lend_total_check() {
	local total lent
	total=$(meminfo_kb SwiotlbLendTotal) lent=$(meminfo_kb SwiotlbLent)
	if [ "$total" = "$1" ] && [ "$lent" = "$1" ]; then
		tap_ok reserve-size
	else
		tap_fail reserve-size "SwiotlbLendTotal $total kB, SwiotlbLent $lent kB, want $1 kB"
	fi
}
