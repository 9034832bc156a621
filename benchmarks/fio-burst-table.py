#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""results.md for make bench's fio-burst from its raw per-run files."""
import re
import sys
from pathlib import Path

CONTENDERS = [
    ("lend", "lending: 1 MiB base pool + 32 MiB reserve (swiotlb=512,force swiotlb_lend=32M)"),
    ("lend-nobridge", "the same with bridges off (lend_bridge=0)"),
    ("fixed-big", "fixed pool asked for base + reserve, 33 MiB (swiotlb_lend=off swiotlb=16896,force);"
     " with two areas upstream rounds the slots up to a power of two: 64 MiB"),
    ("dynamic", "CONFIG_SWIOTLB_DYNAMIC from the 1 MiB pool (swiotlb_lend=off)"),
]


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def main():
    out = Path(sys.argv[1])
    rows = []
    for name, _ in CONTENDERS:
        for p in sorted(out.glob(f"{name}-r*.txt")):
            m = re.fullmatch(re.escape(name) + r"-r(\d+)\.txt", p.name)
            if not m:
                continue
            for line in p.read_text().splitlines():
                if line.startswith("fio-burst "):
                    rows.append((name, int(m.group(1)), fields(line)))
    print("# Block I/O bursts\n")
    print("Scenario `bench-fio-burst` (scripts/scenarios/bench-fio-burst.sh):"
          " x86_64 guest, 2 GiB, 2 vCPUs, TCG; virtio-blk with"
          " `iommu_platform=on` and `swiotlb=force`, so the block layer maps"
          " every request atomically through swiotlb; fio, O_DIRECT, libaio,"
          " random 50/50 read/write, 1 MiB requests, queue depth 24, 10 s."
          "  Each boot runs it twice: `free`, the lent reserve unborrowed;"
          " `cold`, the reserve full of page cache with 64 MiB of regular"
          " memory freed (on the kernels that do not lend, simply the second"
          " run).  A mapping that fails is requeued by the block layer, not"
          " an I/O error: `full` counts the \"swiotlb buffer is full\""
          " warnings, which are rate-limited (at most 10 in 5 s).  Blocks"
          " back: taken back during the run, of those at map time;"
          " bridged: mappings held by transient pools while blocks came"
          " back, and bridges that could not be allocated.  Throughput under"
          " TCG varies by more than most differences here.\n")
    print("| contender | round | reserve | full warnings | fio errors | blocks back: all / at map time | bridged / failed | slots in use at most / pool slots | read / write MiB/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, rnd, f in rows:
        def g(k):
            return f.get(k, "-")

        def mib(k):
            return f"{int(f[k]) / 1024:.0f}" if f.get(k, "").isdigit() else "-"
        lends = f.get("lending") == "1"
        print(f"| {name} | {rnd} | {g('reserve')} | {g('full_warnings')} | {g('fio_error')}"
              f" | {g('reclaimed') + ' / ' + g('taken_free') if lends else '-'}"
              f" | {g('bridged') + ' / ' + g('bridge_failures') if lends else '-'}"
              f" | {g('pool_hiwater')} / {g('pool_slots')} | {mib('read_kib_s')} / {mib('write_kib_s')} |")
    print("\nContenders:\n")
    for name, text in CONTENDERS:
        print(f"- `{name}`: {text}")


if __name__ == "__main__":
    main()
