#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""results.md for benchmarks/reclaim.sh from its raw per-contender files."""
import re
import statistics
import sys
from pathlib import Path

CONTENDERS = [
    ("fixed-base", "fixed 64 MiB pool (swiotlb_lend=off)", "wall"),
    ("fixed-big", "fixed 128 MiB pool (swiotlb_lend=off swiotlb=65536)", "wall"),
    ("dynamic", "CONFIG_SWIOTLB_DYNAMIC, small initial pool (8 MiB) growing on demand", "wall"),
    ("lend", "lending, 64 + 64 MiB", "wall"),
    ("lend-icount", "lending, 64 + 64 MiB, -icount shift=0", "instructions"),
]


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def load(path):
    bursts, reclaims = [], []
    for line in path.read_text().splitlines():
        if line.startswith("burst "):
            bursts.append(fields(line))
        elif line.startswith("reclaim "):
            reclaims.append(fields(line))
    return bursts, reclaims


def main():
    out = Path(sys.argv[1])
    data = {}
    for tag, _, _ in CONTENDERS:
        p = out / f"{tag}.txt"
        if p.exists():
            data[tag] = load(p)
    print("# Reclaim benchmark\n")
    print("Bursts of 64 KiB bidirectional mappings through the test driver,"
          " held until the burst is complete, from a cold reserve (lent and"
          " full of page cache).  `failed`: mappings that failed;"
          " `stall`: the longest single mapping (for sleepable mappings on"
          " the lending pool, the wait for slots to come back); `total`:"
          " time spent mapping the whole burst; for the lending pool, the"
          " blocks taken back during the burst and the mappings bridged by"
          " transient pools.  Wall figures are TCG and"
          " noisy; the icount contender's are virtual ns = instructions.\n")
    print("| burst | mode | " + " | ".join(
        f"{tag}: failed / stall / total" for tag, _, _ in CONTENDERS if tag in data) + " |")
    print("| --- | --- | " + " | ".join("---" for t, _, _ in CONTENDERS if t in data) + " |")
    keys = []
    for tag in data:
        for b in data[tag][0]:
            k = (int(b["mib"]), b["mode"])
            if k not in keys:
                keys.append(k)
    for mib, mode in sorted(keys):
        row = [f"{mib} MiB", mode]
        for tag, _, unit in CONTENDERS:
            if tag not in data:
                continue
            b = next((b for b in data[tag][0]
                      if int(b["mib"]) == mib and b["mode"] == mode), None)
            if not b:
                row.append("-")
                continue
            u = "Minstr" if unit == "instructions" else "ms"
            row.append(f"{b['failed']} / {int(b['max_map_us']) / 1000:.1f} {u}"
                       f" / {int(b['total_map_us']) / 1000:.1f} {u}"
                       + (f" ({b['reclaimed']} blocks"
                          + (f", {b['bridged']} bridged" if "bridged" in b else "")
                          + ")" if tag.startswith("lend") else ""))
        print("| " + " | ".join(row) + " |")
    print("\nReclaim cost per 2 MiB pageblock (swiotlb:swiotlb_lend_reclaim"
          " events, successful ones):\n")
    print("| contender | blocks | pages migrated per block (mean) | median | mean | max | failed attempts |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for tag, _, unit in CONTENDERS:
        if tag not in data or not tag.startswith("lend"):
            continue
        ok = [r for r in data[tag][1] if r.get("result") == "0"]
        bad = [r for r in data[tag][1] if r.get("result") != "0"]
        if not ok:
            print(f"| {tag} | 0 | - | - | - | - | {len(bad)} |")
            continue
        ns = [int(r["duration_ns"]) for r in ok]
        mig = statistics.mean(int(r["nr_migrated"]) for r in ok)
        if unit == "instructions":
            f = lambda v: f"{v / 1e6:.2f} Minstr"
        else:
            f = lambda v: f"{v / 1e6:.2f} ms"
        print(f"| {tag} | {len(ok)} | {mig:.0f} | {f(statistics.median(ns))}"
              f" | {f(statistics.mean(ns))} | {f(max(ns))} | {len(bad)} |")
    print("\nContenders:\n")
    for tag, desc, _ in CONTENDERS:
        print(f"- `{tag}`: {desc}")


if __name__ == "__main__":
    main()
