#!/usr/bin/python3
"""Benchmark driver: throughput, CPU time, peak memory and file size of
`innosim run`, and the NumPy reference model side by side, in one run.

Each configuration runs in a fresh process (so peak memory is that run's),
with the real HDF5 writer at the chosen store level (default: the program's
default, `targets`). Prints Markdown tables for docs/performance.md.

  /usr/bin/python3 tools/bench.py --innosim build/bench/bin/innosim \\
      --scenario scenarios/plan-2016-2020.toml --draws 10000 100000 1000000 --threads 1 2 \\
      --reference 10000

Columns:
  draws/s      innosim's own measure of the simulation (wall clock: sampling,
               integration, aggregation, streaming per-draw rows to the writer)
  wall s       the whole process (start-up, scenario, finishing the file)
  CPU s        user + system CPU time of the process (all its threads), from
               wait4(): unlike wall time, it hardly moves when other programs
               load the machine, so it is the figure to compare across runs
  draws/CPU-s  draws per second of CPU time: the throughput of one fully
               used core (with 2 threads it includes the cost of the second)
  peak MiB     maximum resident set size of the process
  B/draw       file size divided by the draw count

The reference row runs tools/reference_model.py (DOP853, rtol 1e-10: the
tolerance of the agreement test) on the same draws, which a first innosim run
writes with --store parameters --save-uniforms; its draws/s and CPU s cover
the simulation only (not Python start-up or reading the file), and the
ratio compares draws per CPU-second (with --repeat, the best of each side).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

LINE = re.compile(r"innosim: (\d+) draws in ([\d.]+) s \(([\d.]+) draws/s, (\d+) threads, peak memory (\d+) MiB\)")
REF = re.compile(r"reference: (\d+) draws in ([\d.]+) s = ([\d.]+) draws/s.*cpu ([\d.]+) s")


def run_innosim(innosim, scenario, draws, threads, out, store):
    cmd = [innosim, "run", scenario, "-n", str(draws), "--threads", str(threads), "-o", out, "--force",
           "--format", "csv"]
    if store:
        cmd += ["--store", store]
    # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN's maxrss is the
    # maximum over all children so far).
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench: innosim failed ({p.returncode}):\n{err}")
    m = LINE.search(err)
    if not m:
        sys.exit(f"bench: no timing line in innosim's output:\n{err}")
    return {"rate": float(m.group(3)), "wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
            "peak": ru.ru_maxrss / 1024.0, "size": os.path.getsize(out)}


def run_reference(python, tool, innosim, scenario, draws, tmp):
    f = os.path.join(tmp, "reference-input.h5")
    p = subprocess.run([innosim, "run", scenario, "-n", str(draws), "--threads", "1", "-o", f, "-q",
                        "--store", "parameters", "--save-uniforms", "--format", "csv", "--force"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"bench: innosim failed ({p.returncode}):\n{p.stderr}")
    # One core for the per-core ratio: BLAS threads off (their spinning would count as CPU time).
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    p = subprocess.run([python, tool, f, "--scenario", scenario, "--time"], capture_output=True, text=True, env=env)
    m = REF.search(p.stdout)
    if p.returncode != 0 or not m:
        sys.exit(f"bench: the reference model failed ({p.returncode}):\n{p.stdout}{p.stderr}")
    return {"rate": float(m.group(3)), "cpu": float(m.group(4)), "draws": int(m.group(1))}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--innosim", default="build/bench/bin/innosim")
    ap.add_argument("--scenario", default="scenarios/plan-2016-2020.toml")
    ap.add_argument("--draws", type=int, nargs="+", default=[10000, 100000, 1000000])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--store", default="", help="--store level for the runs (default: innosim's default)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per configuration below 10^6 draws, and of the reference and the engine on its "
                         "draws; the one with the least CPU time is reported")
    ap.add_argument("--reference", type=int, default=0, metavar="N",
                    help="also time tools/reference_model.py on N draws (0: no)")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    load = os.getloadavg()
    print(f"scenario `{a.scenario}`, store `{a.store or 'default'}`, {os.cpu_count()} CPUs, "
          f"load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n")
    print("| draws | threads | draws/s | wall s | CPU s | draws/CPU-s | peak MiB | file MiB | B/draw |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    best_per_cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.h5")
        for n in a.draws:
            for t in a.threads:
                best = None
                for _ in range(a.repeat if n < 1000000 else 1):
                    r = run_innosim(a.innosim, a.scenario, n, t, out, a.store)
                    if best is None or r["cpu"] < best["cpu"]:
                        best = r
                per_cpu = n / best["cpu"]
                if t == 1:
                    best_per_cpu = max(best_per_cpu, per_cpu)
                print(f"| {n:,} | {t} | {best['rate']:,.0f} | {best['wall']:.2f} | {best['cpu']:.2f} | "
                      f"{per_cpu:,.0f} | {best['peak']:.0f} | {best['size'] / 2**20:.1f} | "
                      f"{best['size'] / n:.0f} |", flush=True)
        if a.reference > 0:
            # Each side --repeat times, the least CPU time of each (as for the rows above).
            ref = min((run_reference(sys.executable, os.path.join(here, "reference_model.py"), a.innosim,
                                     a.scenario, a.reference, tmp) for _ in range(a.repeat)), key=lambda r: r["cpu"])
            eng = min((run_innosim(a.innosim, a.scenario, a.reference, 1, out, a.store) for _ in range(a.repeat)),
                      key=lambda r: r["cpu"])
            eng_per_cpu = a.reference / eng["cpu"]
            ref_per_cpu = ref["draws"] / ref["cpu"]
            print(f"\nreference model (DOP853, rtol 1e-10), {ref['draws']:,} draws: {ref['rate']:,.0f} draws/s, "
                  f"CPU {ref['cpu']:.2f} s = {ref_per_cpu:,.0f} draws/CPU-s; innosim on the same draws, 1 thread: "
                  f"{eng_per_cpu:,.0f} draws/CPU-s (whole process) -> ratio {eng_per_cpu / ref_per_cpu:.1f}x per core")
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")


if __name__ == "__main__":
    main()
