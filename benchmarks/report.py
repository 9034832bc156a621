#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""results.md and PNG plots for benchmarks/bench.sh, from its raw files.

Usage: report.py OUTDIR

Reads OUTDIR/<benchmark>/<contender>[-icount].txt (the guest's "# bench:"
lines) and OUTDIR/reclaim/*.txt, writes OUTDIR/results.md and, with
gnuplot, OUTDIR/*.png.  Every figure is given with its ratio to the first
contender (fixed-64); goals are checked and a missed one says so.
"""
import statistics
import subprocess
import sys
from pathlib import Path

CONTENDERS = [
    ("fixed-64", "base 6.12, fixed pool of the base size (64 MiB)"),
    ("fixed-128", "base 6.12, fixed pool of base + reserve (128 MiB, "
                  "`swiotlb=65536`)"),
    ("dynamic", "base 6.12 with CONFIG_SWIOTLB_DYNAMIC, small initial "
                "pool (8 MiB) that grows on demand"),
    ("lend", "this series, default lending: 64 MiB base + 64 MiB reserve "
             "lent to movable allocations"),
    ("lend-off", "this series with `swiotlb_lend=off`: a fixed 64 MiB pool"),
]
NAMES = [c for c, _ in CONTENDERS]
REF = NAMES[0]
# Where a benchmark needs the series' burst driver, contenders 1-3 are
# measured on the series' kernel with lending off (see bench.sh).
STANDIN = {"fixed-64": "lend-off", "fixed-128": "series-fixed-128",
           "dynamic": "series-dynamic", "lend": "lend", "lend-off": "lend-off"}
RESERVE_MIB = 64
# What "one cheap test" may cost, in instructions: a range check, a shift
# and a bit test, with their branches.
CHEAP_TEST = 20


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def lines(out, bench, name):
    p = out / bench / f"{name}.txt"
    return p.read_text().splitlines() if p.exists() else []


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


class Report:
    def __init__(self, out):
        self.out = out
        self.rows = []          # (section, metric, kind, {name: value}, fmt, ratio)
        self.goals = []         # (goal, verdict, figures)
        self.md = []

    # -- collection -------------------------------------------------------
    def row(self, section, metric, kind, values, fmt="{:.1f}", ratio=True):
        self.rows.append((section, metric, kind, values, fmt, ratio))

    def memory(self):
        boot, after, samples = {}, {}, {}
        for n in NAMES + ["series-fixed-128", "series-dynamic"]:
            for line in lines(self.out, "memory", n):
                f = fields(line)
                if line.startswith("memory boot "):
                    boot[n] = f
                elif line.startswith("memory after-burst "):
                    after[n] = f
                elif line.startswith("memory sample "):
                    samples.setdefault(n, []).append(
                        (int(f["t_ms"]) / 1000, int(f["MemAvailable"]) / 1024))
        self.mem_boot, self.mem_after, self.mem_samples = boot, after, samples
        kb = lambda d, n, k: (num(d[n].get(k)) / 1024
                              if n in d and num(d[n].get(k)) is not None
                              else None)
        sec = "Memory given back (6 GiB guest, idle)"
        self.row(sec, "MemTotal after boot (MiB)", "exact",
                 {n: kb(boot, n, "MemTotal") for n in NAMES})
        self.row(sec, "MemAvailable after boot (MiB)", "exact-ish",
                 {n: kb(boot, n, "MemAvailable") for n in NAMES})
        self.row(sec, "MemAvailable idle again after a 128 MiB burst (MiB) \u2020",
                 "exact-ish",
                 {n: kb(after, STANDIN[n], "MemAvailable") for n in NAMES})
        def avail_pcp(d, n):
            a, p = kb(d, n, "MemAvailable"), kb(d, n, "pcp_kb")
            return a + p if a is not None and p is not None else None
        self.row(sec, "MemAvailable + free pages on per-cpu lists, after boot "
                 "(MiB)", "exact", {n: avail_pcp(boot, n) for n in NAMES})
        self.row(sec, "MemAvailable + free pages on per-cpu lists, idle again "
                 "after the burst (MiB) \u2020", "exact",
                 {n: avail_pcp(after, STANDIN[n]) for n in NAMES})
        self.row(sec, "swiotlb pool slots after the burst (2 KiB each) \u2020",
                 "exact",
                 {n: num(after.get(STANDIN[n], {}).get("pool_slots"))
                  for n in NAMES}, fmt="{:.0f}")

    def dmb(self):
        sec = "DMA fast path: dma_map_benchmark, edu, swiotlb=force"
        self.dmb_data = {}
        for suffix, kind in (("-icount", "icount"), ("", "wall")):
            per = {}
            for n in NAMES:
                for line in lines(self.out, "dmb", n + suffix):
                    f = fields(line)
                    if line.startswith("dmb threads=") and "map_us" in f:
                        key = (int(f["threads"]), int(f["granule"]))
                        per.setdefault(key, {})[n] = (
                            float(f["map_us"]) + float(f["unmap_us"]))
            self.dmb_data[kind] = per
            for (t, g) in sorted(per):
                self.row(sec, f"map+unmap, {t} thread{'s' if t > 1 else ''},"
                         f" granule {g} (us)", kind, per[(t, g)])

    def direct(self):
        sec = "Non-bounced DMA path (iommu=soft, nothing forced)"
        dmbv, out_ps, in_ps = {}, {}, {}
        for n in NAMES:
            for line in lines(self.out, "direct", n + "-icount"):
                f = fields(line)
                if line.startswith("dmb threads=") and "map_us" in f:
                    dmbv[n] = float(f["map_us"]) + float(f["unmap_us"])
                elif line.startswith("direct loops="):
                    out_ps[n] = num(f.get("outside_ps"))
                    in_ps[n] = num(f.get("inside_ps"))
        self.row(sec, "dma_map_benchmark map+unmap, 64-bit mask, granule 1 (us)",
                 "icount", dmbv)
        self.row(sec, "test driver: map+sync+unmap, page outside the pool (instructions)",
                 "icount", {n: v / 1000 if v is not None else None
                            for n, v in out_ps.items()}, fmt="{:.1f}")
        self.row(sec, "test driver: map+sync+unmap, page borrowed from a lent "
                 "block (instructions)", "icount",
                 {n: v / 1000 if v is not None else None
                  for n, v in in_ps.items()}, fmt="{:.1f}", ratio=False)
        self.direct_ps = (out_ps, in_ps)

    def pagealloc(self):
        sec = "Page allocator (1 GiB guest, iommu=soft)"
        runs = {}
        for n in NAMES:
            for line in lines(self.out, "pagealloc", n + "-icount"):
                parts = line.split()
                if len(parts) < 3 or parts[0] != "pagealloc" or "round=" not in line:
                    continue
                runs.setdefault((parts[1], n), []).append(fields(line))
        # Under icount, noise (interrupts, the other vCPU) only adds
        # instructions: the best round is the cost of the path itself.
        best = lambda rs, k: (min(float(r[k]) for r in rs) if rs else None)
        for test, key, label in (
                ("anon-light", "ns_per_page", "page fault, 256 MiB anonymous"),
                ("file", "write_ns_per_page", "page cache write, 128 MiB tmpfs"),
                ("file", "read_ns_per_page", "page cache read, 128 MiB tmpfs"),
                ("anon-full", "ns_per_page", "page fault, all free memory but 64 MiB")):
            self.row(sec, f"{label} (instructions per page, best of rounds)", "icount",
                     {n: best(runs.get((test, n), []), key) for n in NAMES})
        self.row(sec, "lent pages in use at the peak of the full run (fewest over the rounds)", "exact",
                 {n: best(runs.get(("anon-full", n), []), "lent_used")
                  for n in NAMES}, fmt="{:.0f}", ratio=False)
        self.perf_pa = {n: self.perf_lines("pagealloc", n + "-icount")
                        for n in NAMES}

    def perf_lines(self, bench, name):
        res = {}
        for line in lines(self.out, bench, name):
            if line.startswith("perf "):
                tag = line.split()[1]
                res[tag] = fields(line)
        return res

    def fio(self):
        sec = ("Real I/O: fio on virtio-blk, iommu_platform=on, swiotlb=force"
               " (median of rounds)")
        per = {}
        for n in NAMES:
            for p in sorted((self.out / "fio").glob(f"{n}-r*.txt")):
                if not p.stem[len(n) + 2:].isdigit():
                    continue
                for line in p.read_text().splitlines():
                    f = fields(line)
                    if line.startswith("fio bs=") and "read_kib_s" in f:
                        per.setdefault((f["bs"], int(f["qd"])), {}).setdefault(
                            n, []).append((float(f["read_kib_s"]) +
                                           float(f["write_kib_s"])) / 1024)
        self.fio_rounds = per
        for bs, qd in sorted(per, key=lambda k: (int(k[0][:-1]), k[1])):
            runs = per[(bs, qd)]
            self.row(sec, f"randrw 50/50, {bs}, queue depth {qd} (MiB/s)",
                     "wall", {n: statistics.median(v) for n, v in runs.items()})
            self.row(sec, f"  {bs} qd {qd}: spread, best / worst round", "wall",
                     {n: max(v) / min(v) for n, v in runs.items() if min(v) > 0},
                     fmt="{:.2f}", ratio=False)
        # The table shows round 1; the raw files have every round.
        self.perf_fio = {n: self.perf_lines("fio", f"{n}-r1") for n in NAMES}

    def reclaim(self):
        sec = "Bursts from a cold reserve (test driver, 64 KiB mappings) \u2020"
        d = self.out / "reclaim"
        tags = {"fixed-64": "fixed-base", "fixed-128": "fixed-big",
                "dynamic": "dynamic", "lend": "lend", "lend-off": "fixed-base"}
        bursts = {}
        for n, tag in tags.items():
            p = d / f"{tag}.txt"
            if not p.exists():
                continue
            for line in p.read_text().splitlines():
                if line.startswith("burst "):
                    f = fields(line)
                    bursts.setdefault((int(f["mib"]), f["mode"]), {})[n] = f
        self.bursts = bursts
        for (mib, mode) in sorted(bursts):
            if mib not in (96, 128):
                continue
            b = bursts[(mib, mode)]
            self.row(sec, f"{mib} MiB {mode} burst: failed mappings", "wall",
                     {n: num(b[n]["failed"]) if n in b else None for n in NAMES},
                     fmt="{:.0f}", ratio=False)
            self.row(sec, f"{mib} MiB {mode} burst: longest mapping (ms)", "wall",
                     {n: num(b[n]["max_map_us"]) / 1000 if n in b else None
                      for n in NAMES}, fmt="{:.2f}", ratio=False)

    # -- output -----------------------------------------------------------
    def cell(self, values, n, fmt, ratio):
        v = values.get(n)
        if v is None:
            return "n/a"
        s = fmt.format(v)
        r = values.get(REF)
        if ratio and n != REF and r:
            s += f" ({v / r:.3f})"
        return s

    def table(self):
        md = self.md
        md.append("| metric | kind | " + " | ".join(
            f"{i + 1}. {n}" for i, n in enumerate(NAMES)) + " |")
        md.append("| --- | --- | " + " | ".join("---" for _ in NAMES) + " |")
        last = None
        for sec, metric, kind, values, fmt, ratio in self.rows:
            if sec != last:
                md.append(f"| **{sec}** | | " + " | ".join("" for _ in NAMES) + " |")
                last = sec
            md.append(f"| {metric} | {kind} | " + " | ".join(
                self.cell(values, n, fmt, ratio) for n in NAMES) + " |")

    def find(self, metric_start):
        return [r for r in self.rows if r[1].startswith(metric_start)]

    def goal(self, text, ok, figures, unresolved=False):
        if ok is None:
            verdict = "not measured"
        elif ok:
            verdict = "met"
        elif unresolved:
            verdict = "**not resolved**"
        else:
            verdict = "**MISSED**"
        self.goals.append((text, verdict, figures))

    def check_goals(self):
        def val(metric, n):
            r = self.find(metric)
            return r[0][3].get(n) if r else None

        # Memory.
        for metric in ("MemTotal after boot", "MemAvailable after boot",
                       "MemAvailable + free pages on per-cpu lists, after boot"):
            a, b = val(metric, "lend"), val(metric, REF)
            ok = None if a is None or b is None else abs(a / b - 1) <= 0.01
            self.goal(f"{metric}: lend within 1% of fixed-64", ok,
                      f"{a:.1f} vs {b:.1f} MiB ({a / b:.4f})" if ok is not None else "")
        # MemAvailable leaves out the free pages on per-cpu lists, which
        # vary by several MiB from boot to boot: the goals on memory given
        # back are judged with them added (MemTotal is exact anyway).
        for metric in ("MemTotal after boot",
                       "MemAvailable + free pages on per-cpu lists, after boot",
                       "MemAvailable + free pages on per-cpu lists, idle again"):
            a, b = val(metric, "lend"), val(metric, "fixed-128")
            ok = None if a is None or b is None else a - b >= RESERVE_MIB * 0.99
            self.goal(f"{metric}: lend at least the reserve "
                      f"({RESERVE_MIB} MiB) above fixed-128", ok,
                      f"{a - b:+.1f} MiB" if ok is not None else "")
        metric = "MemAvailable + free pages on per-cpu lists, idle again"
        a, b = val(metric, "lend"), val(metric, "dynamic")
        if a is not None and b is not None:
            self.goal("After the burst: lend gives its reserve back, dynamic "
                      "keeps what it grew", a > b, f"lend {a - b:+.1f} MiB vs dynamic")
        # DMA fast path, icount.
        for sec, metric, kind, values, fmt, ratio in self.rows:
            if not metric.startswith("map+unmap") or kind != "icount":
                continue
            a, b, d = values.get("lend"), values.get(REF), values.get("dynamic")
            if a is None or b is None:
                self.goal(f"Fast path {metric}: lend within 1% of fixed-64", None, "")
                continue
            within = abs(a / b - 1) <= 0.01
            self.goal(f"Fast path {metric}: lend within 1% of fixed-64", within,
                      f"{a:.1f} vs {b:.1f} us ({a / b:.3f}); the tool's "
                      "resolution is 0.1 us", unresolved=abs(a - b) <= 0.1 + 1e-9)
            if d is not None:
                # One 0.1 us step either way is below what the tool resolves.
                close = abs(a - d) <= 0.1 + 1e-9
                self.goal(f"Fast path {metric}: lend ahead of dynamic",
                          a < d and not close,
                          f"{a:.1f} vs {d:.1f} us ({a / d:.3f})"
                          + ("; within one 0.1 us step of the tool" if close else ""),
                          unresolved=close)
        # Off must match the base.
        for sec, metric, kind, values, fmt, ratio in self.rows:
            if kind not in ("icount", "exact") or not ratio:
                continue
            a, b = values.get("lend-off"), values.get(REF)
            if a is None or not b:
                continue
            ok = abs(a / b - 1) <= 0.01
            self.goal(f"lend-off matches fixed-64: {metric}", ok,
                      f"{a / b:.4f}",
                      unresolved=metric.startswith(("map+unmap", "dma_map"))
                      and abs(a - b) <= 0.1 + 1e-9)
        # Non-bounced path.
        out_ps, in_ps = self.direct_ps
        if out_ps.get("lend") and in_ps.get("lend"):
            # Sync and unmap each ask once: two ownership checks per loop.
            per_check = (in_ps["lend"] - out_ps["lend"]) / 1000 / 2
            self.goal("Non-bounced path: inside the pool (a lent page), the "
                      "ownership check costs one cheap test more: at most "
                      f"{CHEAP_TEST} instructions per check",
                      per_check <= CHEAP_TEST,
                      f"{in_ps['lend'] / 1000:.1f} vs {out_ps['lend'] / 1000:.1f}"
                      f" instructions per map+sync+unmap: {per_check:+.1f} per check")
        if out_ps.get("lend") and out_ps.get("lend-off"):
            self.goal("Non-bounced path outside the pool: lend within 1% of "
                      "lend-off", abs(out_ps["lend"] / out_ps["lend-off"] - 1) <= 0.01,
                      f"{out_ps['lend'] / out_ps['lend-off']:.4f}")
        # Page allocator.
        for sec, metric, kind, values, fmt, ratio in self.rows:
            if sec.startswith("Page allocator") and ratio:
                a, b = values.get("lend"), values.get(REF)
                ok = None if a is None or not b else abs(a / b - 1) <= 0.01
                self.goal(f"Page allocator, {metric}: lend within 1% of fixed-64",
                          ok, f"{a / b:.4f}" if ok is not None else "")
        # Real I/O: wall figures, judged against their own noise.
        for (bs, qd), runs in sorted(self.fio_rounds.items()):
            a, b = runs.get("lend"), runs.get(REF)
            if not a or not b:
                continue
            ratio = statistics.median(a) / statistics.median(b)
            noise = max(max(v) / min(v) for v in (a, b)) - 1
            self.goal(f"fio {bs} qd {qd}: lend within the round-to-round "
                      "spread of fixed-64", abs(ratio - 1) <= noise,
                      f"median ratio {ratio:.3f}, spread {noise * 100:.0f}%")
        # Bursts.
        if self.bursts:
            fails = [int(b["lend"]["failed"]) for (mib, mode), b in self.bursts.items()
                     if mode == "sleep" and "lend" in b]
            self.goal("Bursts: no sleepable mapping fails on the lending pool, "
                      "up to base + the whole reserve",
                      bool(fails) and max(fails) == 0,
                      f"{sum(fails)} failures in {len(fails)} bursts")
            fails = [int(b["lend"]["failed"]) for (mib, mode), b in self.bursts.items()
                     if mode == "atomic" and "lend" in b]
            self.goal("Bursts: no atomic mapping fails on the lending pool (wall)",
                      bool(fails) and max(fails) == 0,
                      f"{sum(fails)} failures in {len(fails)} bursts")

    def plots(self):
        if subprocess.run(["sh", "-c", "command -v gnuplot"],
                          capture_output=True).returncode:
            self.md.append("\n(no gnuplot: no plots)\n")
            return
        made = []
        # MemAvailable through the burst-and-idle cycle.
        curves = [("lend-off", "1/5 fixed 64 MiB (lend-off)"),
                  ("series-fixed-128", "2 fixed 128 MiB \u2020"),
                  ("series-dynamic", "3 dynamic, 8 MiB initial \u2020"),
                  ("lend", "4 lending 64 + 64 MiB")]
        curves = [(n, t) for n, t in curves if n in self.mem_samples]
        if curves:
            for n, _ in curves:
                (self.out / f"memory-{n}.dat").write_text("".join(
                    f"{t:.2f} {v:.1f}\n" for t, v in self.mem_samples[n]))
            plot = ", ".join(f"'memory-{n}.dat' using 1:2 with lines lw 2 "
                             f"title '{t}'" for n, t in curves)
            self.gnuplot("memory.png", f"""
set title 'MemAvailable through a 128 MiB DMA burst and idle (6 GiB guest)'
set xlabel 'seconds from the start of the burst'
set ylabel 'MemAvailable (MiB)'
set key outside below
set grid
plot {plot}
""")
            made.append(("memory.png", "MemAvailable over time through a burst "
                         "of base + reserve, held, released, then idle"))
        # dma_map_benchmark per contender.
        for kind, unit in (("icount", "us of virtual time = 1000s of instructions"),
                           ("wall", "us, TCG wall time")):
            per = self.dmb_data.get(kind, {})
            if not per:
                continue
            dat = "config " + " ".join(NAMES) + "\n"
            for (t, g) in sorted(per):
                dat += f"t{t}-g{g} " + " ".join(
                    f"{per[(t, g)].get(n, 0):.1f}" for n in NAMES) + "\n"
            (self.out / f"dmb-{kind}.dat").write_text(dat)
            self.gnuplot(f"dmb-{kind}.png", f"""
set title 'dma_map_benchmark map+unmap latency ({kind}), swiotlb=force'
set ylabel '{unit}'
set xlabel 'threads (t) and granule in pages (g)'
set style data histogram
set style histogram cluster gap 1
set style fill solid border -1
set key top left
set grid ytics
set yrange [0:*]
plot for [i=2:{len(NAMES) + 1}] 'dmb-{kind}.dat' using i:xtic(1) title columnheader(i)
""")
            made.append((f"dmb-{kind}.png", f"dma_map_benchmark latency per "
                         f"contender ({kind})"))
        self.md.append("\n## Plots\n")
        for f, desc in made:
            self.md.append(f"- {desc}: ![{f}]({f})")

    def gnuplot(self, png, script):
        full = f"set terminal pngcairo size 960,600 noenhanced\nset output '{png}'\n" + script
        subprocess.run(["gnuplot"], input=full, text=True, cwd=self.out, check=True)

    def perf_section(self):
        md = self.md
        md.append("\n## perf stat inside the guest\n")
        md.append("System-wide `perf stat -a` (Debian's linux-perf) of software"
                  " events and every swiotlb trace event the kernel has, around"
                  " each run; raw lines are in the `.txt` files (`perf ...`).\n")
        events = ["page-faults", "context-switches", "swiotlb:swiotlb_bounced",
                  "swiotlb:swiotlb_lend_reclaim", "swiotlb:swiotlb_lend_relend"]
        md.append("| run | contender | " + " | ".join(events) + " |")
        md.append("| --- | --- | " + " | ".join("---" for _ in events) + " |")
        for label, data in (("fio", self.perf_fio), ("pagealloc", self.perf_pa)):
            for n in NAMES:
                for tag, f in sorted(data.get(n, {}).items()):
                    md.append(f"| {label} {tag} | {n} | " + " | ".join(
                        f.get(e, "-") for e in events) + " |")
        bursts = {n: self.perf_lines("memory", n) for n in
                  ["lend", "lend-off", "series-fixed-128", "series-dynamic"]}
        for n, f in bursts.items():
            if "burst" in f:
                md.append(f"| memory burst | {n} | " + " | ".join(
                    f["burst"].get(e, "-") for e in events) + " |")

    def write(self):
        self.memory()
        self.dmb()
        self.direct()
        self.pagealloc()
        self.fio()
        self.reclaim()
        self.check_goals()
        md = self.md
        setup = (self.out / "setup.txt").read_text() if (self.out / "setup.txt").exists() else ""
        md.append("# swiotlb lending: benchmark results\n")
        md.append("Produced by `make bench` (benchmarks/bench.sh); how to read it:"
                  " benchmarks/README.md.\n")
        md.append("```\n" + setup.strip() + "\n```\n")
        md.append("## Contenders\n")
        for i, (n, d) in enumerate(CONTENDERS):
            md.append(f"{i + 1}. `{n}`: {d}")
        md.append("\nKinds of figure: **icount** = run under `-icount shift=0,"
                  "sleep=off`, one ns of guest time per instruction: exact and"
                  " repeatable; **exact** = a count; **exact-ish** = a count"
                  " that moves by a few hundred KiB with what boot left in"
                  " flight; **wall** = plain TCG, noisy from run to run"
                  " (compare within one run, as ratios).  The icount runs of"
                  " dma_map_benchmark and of the non-bounced path use one vCPU;"
                  " the page allocator runs use two.\n")
        md.append("Each cell: the figure, then its ratio to contender 1 in"
                  " brackets.  \u2020 = measured with the series' burst driver:"
                  " contenders 1, 2 and 3 are the series' kernel with"
                  " `swiotlb_lend=off` (and, for 3, CONFIG_SWIOTLB_DYNAMIC),"
                  " which contender 5 shows to be the base when lending is off.\n")
        md.append("## Goals\n")
        md.append("| goal | verdict | figures |")
        md.append("| --- | --- | --- |")
        for text, verdict, figures in self.goals:
            md.append(f"| {text} | {verdict} | {figures} |")
        md.append("\n## All figures\n")
        self.table()
        self.plots()
        self.perf_section()
        rec = self.out / "reclaim" / "results.md"
        if rec.exists():
            md.append("\n## Bursts in detail\n")
            md.append("From `reclaim/results.md` (benchmarks/reclaim.sh):"
                      " `fixed-base` is contenders 1 and 5, `fixed-big` 2,"
                      " `dynamic` 3, `lend` and `lend-icount` 4.\n")
            body = rec.read_text().split("\n", 1)[1]
            md.append(body.replace("\n# ", "\n### "))
        (self.out / "results.md").write_text("\n".join(md) + "\n")


def main():
    out = Path(sys.argv[1])
    Report(out).write()
    print((out / "results.md").read_text())


if __name__ == "__main__":
    main()
