#!/usr/bin/python3
"""Benchmark driver: draws per second and peak memory of `innosim run`.

Runs the given scenario at several draw counts and thread counts, each in a
fresh process (so peak memory is per run), with the real HDF5 writer
(summaries, target-year draws and parameter draws written), and prints a
Markdown table for docs/performance.md.

  /usr/bin/python3 tools/bench.py --innosim build/release/bin/innosim \
      --scenario scenarios/plan-2016-2020.toml --draws 10000 100000 1000000 --threads 1 2

`draws/s` is simulation throughput as innosim measures it (sampling,
integration, aggregation and writing per-draw data); `wall s` is the whole
process (start-up, scenario parsing, final HDF5 summaries).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

LINE = re.compile(r"innosim: (\d+) draws in ([\d.]+) s \(([\d.]+) draws/s, (\d+) threads, peak memory (\d+) MiB\)")


def run_once(innosim, scenario, draws, threads, out):
    t0 = time.perf_counter()
    p = subprocess.run([innosim, "run", scenario, "-n", str(draws), "--threads", str(threads),
                        "-o", out, "--format", "csv"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench: innosim failed ({p.returncode}):\n{p.stderr}")
    m = LINE.search(p.stderr)
    if not m:
        sys.exit(f"bench: no timing line in innosim's output:\n{p.stderr}")
    return float(m.group(3)), int(m.group(5)), wall, os.path.getsize(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--innosim", default="build/release/bin/innosim")
    ap.add_argument("--scenario", default="scenarios/plan-2016-2020.toml")
    ap.add_argument("--draws", type=int, nargs="+", default=[10000, 100000, 1000000])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration; the best is reported")
    a = ap.parse_args()
    print(f"scenario `{a.scenario}`, {os.cpu_count()} CPUs, best of {a.repeat}\n")
    print("| draws | threads | draws/s | wall s | peak MiB | file MiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.h5")
        for n in a.draws:
            for t in a.threads:
                best = None
                for _ in range(a.repeat if n < 1000000 else 1):
                    r = run_once(a.innosim, a.scenario, n, t, out)
                    if best is None or r[0] > best[0]:
                        best = r
                rate, peak, wall, size = best
                print(f"| {n:,} | {t} | {rate:,.0f} | {wall:.2f} | {peak} | {size / 2**20:.1f} |", flush=True)


if __name__ == "__main__":
    main()
