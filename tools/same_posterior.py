#!/usr/bin/python3
"""Whether two posterior files (innosim calibrate) hold the same posterior,
bit for bit: every dataset equal (NaN equal to NaN), except /generations/seconds,
the wall time of each generation, and /integrity, the checksums of the file's
objects (they cover the attributes below, so two files of one posterior differ
there; a format-1 file has none). The root attributes are compared too, except
those that describe the run or the file rather than the posterior
(created_utc, seconds, threads, git_sha, engine_version, format_version). Exit 0 when the files agree, 1 with the
differing names when they do not, 2 when a file cannot be read.

  innosim calibrate scenarios/hindcast-2010-2015.toml \\
      --observations scenarios/observed-2010-2015.toml -o new.posterior.h5 OPTIONS
  /usr/bin/python3 tools/same_posterior.py new.posterior.h5 scenarios/hindcast-2010-2015.posterior.h5
"""

import argparse
import sys

import h5py
import numpy as np

SKIP_DATASETS = {"generations/seconds"}
SKIP_GROUPS = ("integrity/",)
SKIP_ATTRS = {"created_utc", "seconds", "threads", "git_sha", "engine_version", "format_version"}


def datasets(f):
    names = []
    f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    return {n for n in names if not n.startswith(SKIP_GROUPS)}


def same(a, b):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    x, y = a[()], b[()]
    return bool(np.array_equal(x, y, equal_nan=a.dtype.kind == "f"))


def differences(pa, pb):
    with h5py.File(pa, "r") as a, h5py.File(pb, "r") as b:
        for f, p in ((a, pa), (b, pb)):
            if f.attrs.get("file_type") not in ("innosim-posterior", b"innosim-posterior"):
                raise OSError(f"{p}: not a posterior file (file_type {f.attrs.get('file_type')!r})")
        out = []
        na, nb = datasets(a), datasets(b)
        out += [f"only in {pa}: /{n}" for n in sorted(na - nb)]
        out += [f"only in {pb}: /{n}" for n in sorted(nb - na)]
        out += [f"differs: /{n}" for n in sorted(na & nb) if n not in SKIP_DATASETS and not same(a[n], b[n])]
        keys = (set(a.attrs) | set(b.attrs)) - SKIP_ATTRS
        for k in sorted(keys):
            x, y = a.attrs.get(k), b.attrs.get(k)
            if x is None or y is None or not np.array_equal(np.asarray(x), np.asarray(y)):
                out.append(f"attribute differs: {k} ({x!r} / {y!r})")
        return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args(argv)
    try:
        diff = differences(args.a, args.b)
    except OSError as e:
        print(f"same_posterior: {e}", file=sys.stderr)
        return 2
    if diff:
        print("\n".join(diff))
        print(f"{args.a} and {args.b} hold different posteriors ({len(diff)} differences)")
        return 1
    print(f"{args.a} and {args.b} hold the same posterior, bit for bit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
