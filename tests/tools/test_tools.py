#!/usr/bin/python3
"""Tests of the small analysis tools: tools/variance_shares.py recovers the
first-order shares of a model with known shares, tools/hindcast_chart.py
draws a hindcast run against the observed series, and tools/same_posterior.py
tells a regenerated posterior from a different one."""

import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from innosim_report.integrity import seal  # noqa: E402
PY = sys.executable
BINARY = os.environ["INNOSIM_BINARY"]


def shares_file(path, n=20000):
    """y = 3 x1 + x2 with x1, x2, x3 independent uniforms: first-order shares 0.9, 0.1, 0."""
    rng = np.random.default_rng(5)
    x = rng.uniform(size=(3, n))
    y = 3 * x[0] + x[1]
    with h5py.File(path, "w", libver=("v110", "v110")) as f:
        f.attrs["file_type"] = "innosim-run"
        f.attrs["format_version"] = np.int32(2)
        p = f.create_group("parameters")
        p["id"] = np.array([b"x1", b"x2[north]", b"x3"])
        p["source"] = np.array([b"assumption: nobody knows", b"statistics/assumption: a bound", b"Author (2010)"])
        p["distribution"] = np.array([b"uniform(min=0, max=1)"] * 3)
        p["draws"] = x
        t = f.create_group("targets")
        t["kind"] = np.array([b"expected", b"binding"])
        t["indicator"] = np.array([b"other", b"rd_intensity"])
        t["region"] = np.array([b"zone", b"zone"])
        t["year"] = np.array([2020, 2020], dtype=np.int32)
        t["draws"] = np.vstack([np.zeros(n), y])
        seal(f)  # the checksums innosim's writers store (tools read files only once they match)


def share_of(out, name):
    m = re.search(r"\| `" + re.escape(name) + r"` \|[^|]*\| ([0-9.]+) % \|", out)
    assert m, f"no row for {name} in:\n{out}"
    return float(m.group(1)) / 100


def test_variance_shares(tmp):
    path = os.path.join(tmp, "shares.h5")
    shares_file(path)
    tool = os.path.join(ROOT, "tools", "variance_shares.py")
    out = subprocess.run([PY, tool, path], check=True, capture_output=True, text=True).stdout
    assert "rd_intensity (zone, 2020)" in out, out  # the binding target by default
    assert abs(share_of(out, "x1") - 0.9) < 0.02, out
    assert abs(share_of(out, "x2") - 0.1) < 0.02, out  # one row per parameter, regions summed
    assert "`x3`" not in out, out  # a cited parameter is not an assumption
    out = subprocess.run([PY, tool, path, "--sources", "all", "--per-region"], check=True,
                         capture_output=True, text=True).stdout
    assert share_of(out, "x3") < 0.01, out
    assert "`x2[north]`" in out, out
    with h5py.File(path, "a") as f:  # damaged after sealing: refused by name, exit 2, no traceback
        f["parameters/id"][0] = b"y1"
    r = subprocess.run([PY, tool, path], capture_output=True, text=True)
    assert r.returncode == 2, r
    assert "/parameters/id: damaged: its content does not match its checksum" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr, r.stderr


def test_hindcast_chart(tmp):
    h5 = os.path.join(tmp, "hindcast.h5")
    subprocess.run([BINARY, "run", os.path.join(ROOT, "scenarios", "hindcast-2010-2015.toml"), "-n", "64", "-q",
                    "-o", h5], check=True, capture_output=True)
    check = subprocess.run([BINARY, "check", h5, "--observations",
                            os.path.join(ROOT, "scenarios", "observed-2010-2015.toml"), "--format", "json"],
                           check=True, capture_output=True, text=True).stdout
    js = os.path.join(tmp, "check.json")
    with open(js, "w", encoding="utf-8") as f:
        f.write(check)
    png = os.path.join(tmp, "hindcast.png")
    subprocess.run([PY, os.path.join(ROOT, "tools", "hindcast_chart.py"), h5, js, "-o", png], check=True)
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_same_posterior(tmp):
    data = os.path.join(ROOT, "tests", "data", "calibrate")

    def calibrate(name, *extra):
        out = os.path.join(tmp, name)
        subprocess.run([BINARY, "calibrate", os.path.join(data, "growth.toml"), "--observations",
                        os.path.join(data, "growth-observed.toml"), "-n", "100", "--max-sweeps", "4", "-q",
                        "-o", out, *extra], check=True, capture_output=True)
        return out

    tool = [PY, os.path.join(ROOT, "tools", "same_posterior.py")]
    a, b = calibrate("a.h5", "--threads", "1"), calibrate("b.h5", "--threads", "2")
    c = calibrate("c.h5", "--seed", "4")
    same = subprocess.run(tool + [a, b], capture_output=True, text=True)
    assert same.returncode == 0, same.stdout + same.stderr  # thread count and time differ only
    other = subprocess.run(tool + [a, c], capture_output=True, text=True)
    assert other.returncode == 1, other.stdout
    assert "differs: /resampled/theta" in other.stdout and "attribute differs: seed" in other.stdout, other.stdout
    bad = subprocess.run(tool + [a, os.path.join(data, "growth.toml")], capture_output=True, text=True)
    assert bad.returncode == 2, bad.stdout + bad.stderr


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_variance_shares(tmp)
        test_hindcast_chart(tmp)
        test_same_posterior(tmp)
    print("tools: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
