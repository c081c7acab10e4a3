#!/usr/bin/python3
"""`innosim slurm` on a real Slurm cluster: a single-node cluster on localhost
(tools/local-slurm.sh: Debian's munged, slurmctld and slurmd, started here and
stopped by their process ids at the end).

1. A 3-shard job array and the merge job that depends on it give the file
   `innosim run` writes, bit for bit: the shipped plan, with its innovation
   index.
2. A shard made to fail (its output path is a folder) leaves the merge job
   cancelled and no output; once the cause is gone, `innosim slurm
   --resubmit` runs that shard alone and the merge, and the file is again the
   single-process one.

Needs root (munged, slurmd) and the Slurm and munge packages; exits 77
(ctest: skipped) without them. The binary is $INNOSIM_BINARY.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = 77
DRAWS = "3000"


def log(msg: str) -> None:
    print(msg, flush=True)


def run(args, env=None, check=True) -> subprocess.CompletedProcess:
    r = subprocess.run(args, env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{args} exited {r.returncode}:\n{r.stdout}\n{r.stderr}")
    return r


def job_state(job: str, env) -> str:
    """JobState of every task of a job (an array's tasks), joined."""
    out = run(["scontrol", "-o", "show", "job", job], env=env).stdout
    return " ".join(sorted(set(re.findall(r"JobState=(\w+)", out))))


def wait_done(jobs, env, timeout=60.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        q = run(["squeue", "-h", "-j", ",".join(jobs), "-o", "%i"], env=env, check=False)
        if q.returncode == 0 and not q.stdout.strip():
            return
        time.sleep(0.3)
    raise AssertionError(f"jobs {jobs} still queued after {timeout} s:\n{run(['squeue'], env=env).stdout}")


def job_ids(stdout: str):
    shards = re.search(r"^shards: job (\d+)", stdout, re.M)
    merge = re.search(r"^merge:  job (\d+)", stdout, re.M)
    assert merge, stdout
    return (shards.group(1) if shards else None), merge.group(1)


def same_numbers(a: Path, b: Path) -> None:
    r = run([sys.executable, str(ROOT / "tests" / "e2e" / "same_numbers.py"), str(a), str(b)], check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    log("  " + r.stdout.strip().splitlines()[-1])


def main() -> int:
    if os.geteuid() != 0:
        log("skipped: the local Slurm cluster needs root (munged, slurmd)")
        return SKIP
    missing = [b for b in ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol") if not shutil.which(b)]
    if missing:
        log(f"skipped: not installed: {', '.join(missing)} (tools/setup.sh installs them)")
        return SKIP
    binary = os.environ.get("INNOSIM_BINARY") or str(ROOT / "build" / "ci" / "bin" / "innosim")
    scenario = str(ROOT / "scenarios" / "plan-2016-2020.toml")
    helper = str(ROOT / "tools" / "local-slurm.sh")
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="innosim-slurm-") as tmp:
        tmp = Path(tmp)
        tmp.chmod(0o755)  # munged wants every folder above its socket searchable by all
        cluster = tmp / "cluster"
        run([helper, "start", str(cluster)])
        log(f"cluster up after {time.monotonic() - t0:.1f} s")
        env = dict(os.environ, SLURM_CONF=str(cluster / "slurm.conf"))
        try:
            ref = tmp / "single.h5"
            single = run([binary, "run", scenario, "-n", DRAWS, "-q", "--format", "csv", "-o", str(ref)])
            index = run([sys.executable, "-c", f"import h5py; print(h5py.File({str(ref)!r}, 'r')"
                         "['innovation_index/rank_counts'].shape)"]).stdout
            assert index.strip() == "(5, 6, 5)", index  # same_numbers compares it too

            log("1. three shards and the merge")
            out = tmp / "merged.h5"
            sub = run([binary, "slurm", scenario, "--shards", "3", "-n", DRAWS, "-o", str(out),
                       "--workdir", str(tmp / "job")], env=env)
            log(sub.stdout)
            shards, merge = job_ids(sub.stdout)
            assert shards, sub.stdout
            wait_done([shards, merge], env)
            assert job_state(shards, env) == "COMPLETED", job_state(shards, env)
            assert job_state(merge, env) == "COMPLETED", job_state(merge, env)
            same_numbers(ref, out)
            table = (tmp / "job" / "merge.log").read_text()
            csv = run([binary, "check", str(out), "--format", "csv"]).stdout
            assert csv == single.stdout, csv
            assert "P(met)" in table or "p_met" in table.lower() or "%" in table, table

            log("2. a failing shard cancels the merge; --resubmit completes the run")
            out2, work2 = tmp / "merged2.h5", tmp / "job2"
            (work2 / "shard-2-of-3.h5").mkdir(parents=True)  # shard 2 cannot write its file
            sub = run([binary, "slurm", scenario, "--shards", "3", "-n", DRAWS, "-o", str(out2),
                       "--workdir", str(work2)], env=env)
            shards, merge = job_ids(sub.stdout)
            wait_done([shards, merge], env)
            states = run(["scontrol", "-o", "show", "job", shards], env=env).stdout
            failed = re.findall(r"ArrayTaskId=(\d+) .*?JobState=(\w+)", states)
            assert ("2", "FAILED") in failed, failed
            assert sorted(t for t, s in failed if s == "COMPLETED") == ["1", "3"], failed
            merge_state = run(["scontrol", "-o", "show", "job", merge], env=env).stdout
            assert "JobState=CANCELLED" in merge_state and "DependencyNeverSatisfied" in merge_state, merge_state
            assert not out2.exists()
            (work2 / "shard-2-of-3.h5").rmdir()
            again = run([binary, "slurm", "--resubmit", str(work2)], env=env)
            log(again.stdout)
            assert "shards to run again: 2\n" in again.stdout, again.stdout
            shards, merge = job_ids(again.stdout)
            wait_done([shards, merge], env)
            assert job_state(shards, env) == "COMPLETED" and job_state(merge, env) == "COMPLETED"
            same_numbers(ref, out2)
        finally:
            run([helper, "stop", str(cluster)], check=False)
    log(f"passed in {time.monotonic() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
