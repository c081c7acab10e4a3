#!/usr/bin/python3
"""Regression cases: run files made now equal their reference, bit for bit.

    /usr/bin/python3 tests/regression/test_regression.py            # check every case
    /usr/bin/python3 tests/regression/test_regression.py --update   # rewrite the references

Each folder in tests/regression/cases/ is one case: `case.toml` holds the
innosim command line (paths relative to the repository root; the output file
is added with -o) and `expected.json` the reference: for every numeric dataset
and numeric attribute of the file it writes, its type, shape and the SHA-256
of its little-endian bytes. A case passes when the new file has exactly the
same numeric objects with the same digests. Timing (the `seconds` attribute)
is left out; text (names, sources, the git SHA) is not compared.

Results are meant to change only on purpose. When a change to a model, the
sampler or a shipped scenario changes them intentionally, run with --update:
it rewrites expected.json and lists the objects that changed, so you can see
that they are the ones you meant to change. Say in the commit message why
the numbers moved. A change that should not move any number (a refactoring)
must pass without --update.

The binary is $INNOSIM_BINARY (ctest sets it), else the newest build/*/bin/innosim.
"""

import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path

import h5py
import numpy as np

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
VOLATILE_ATTRIBUTES = {"seconds"}


def find_binary() -> str:
    b = os.environ.get("INNOSIM_BINARY")
    if b:
        return b
    found = sorted(glob.glob(str(ROOT / "build" / "*" / "bin" / "innosim")), key=os.path.getmtime)
    if not found:
        raise SystemExit("no innosim binary: build it or set INNOSIM_BINARY")
    return found[-1]


def digest(value) -> dict:
    a = np.asarray(value)
    little = a.astype(a.dtype.newbyteorder("<"), copy=False)
    return {"dtype": little.dtype.str, "shape": list(a.shape),
            "sha256": hashlib.sha256(np.ascontiguousarray(little).tobytes()).hexdigest()}


def numeric(value) -> bool:
    return np.asarray(value).dtype.kind in "biuf"


def digests(path: Path) -> dict:
    """Every numeric dataset ("name") and attribute ("name@attr") of a file."""
    out = {}
    with h5py.File(path, "r") as f:
        def attributes(name, obj):
            for k, v in obj.attrs.items():
                if k not in VOLATILE_ATTRIBUTES and numeric(v):
                    out[f"{name}@{k}"] = digest(v)

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "biuf":
                out[name] = digest(obj[()])
            attributes(name, obj)

        attributes("", f)
        f.visititems(visit)
    return dict(sorted(out.items()))


def run_case(case: Path, workdir: Path) -> dict:
    spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    out = workdir / f"{case.name}.h5"
    cmd = [find_binary(), *spec["command"], "-q", "-o", str(out)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    return digests(out)


def differences(expected: dict, got: dict) -> list:
    lines = [f"missing: {k}" for k in expected if k not in got]
    lines += [f"new: {k}" for k in got if k not in expected]
    lines += [f"changed: {k} ({expected[k]['dtype']}{expected[k]['shape']} -> {got[k]['dtype']}{got[k]['shape']})"
              for k in expected if k in got and expected[k] != got[k]]
    return lines


def cases() -> list:
    return sorted(p for p in CASES.iterdir() if (p / "case.toml").is_file())


class RegressionTest(unittest.TestCase):
    def test_every_case_matches_its_reference(self):
        self.assertTrue(cases(), f"no cases in {CASES}")
        with tempfile.TemporaryDirectory(prefix="innosim-regression-") as tmp:
            for case in cases():
                with self.subTest(case=case.name):
                    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))["objects"]
                    got = run_case(case, Path(tmp))
                    diff = differences(expected, got)
                    self.assertFalse(diff, f"{case.name}: the run file differs from its reference "
                                           f"(see --update in {Path(__file__).name}):\n  " + "\n  ".join(diff))


def update() -> int:
    with tempfile.TemporaryDirectory(prefix="innosim-regression-") as tmp:
        for case in cases():
            ref = case / "expected.json"
            old = json.loads(ref.read_text(encoding="utf-8"))["objects"] if ref.exists() else {}
            got = run_case(case, Path(tmp))
            diff = differences(old, got)
            ref.write_text(json.dumps({"objects": got}, indent=1) + "\n", encoding="utf-8")
            if not old:
                print(f"{case.name}: new reference, {len(got)} numeric objects")
            else:
                print(f"{case.name}: {len(got)} numeric objects; " +
                      ("unchanged" if not diff else f"{len(diff)} changed:\n  " + "\n  ".join(diff)))
    return 0


if __name__ == "__main__":
    if "--update" in sys.argv[1:]:
        sys.exit(update())
    unittest.main(verbosity=2)
