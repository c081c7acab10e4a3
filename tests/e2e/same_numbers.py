#!/usr/bin/python3
"""same_numbers.py A.h5 B.h5: exit 0 when both files hold the same objects and
every numeric dataset of A equals B's bit for bit (dtype, shape and bytes),
and so do the attributes that describe the draws (ATTRS below); else print
what differs and exit 1. Other attributes are not compared (timing,
creation time). Used by the shard, merge, checkpoint and Slurm tests."""

import sys

import h5py

# (object, attribute) pairs compared when either file has them.
ATTRS = [("/", "store"), ("/", "draws_valid"), ("/", "draws_dropped"),
         ("/parameters", "draws_digest"), ("/innovation_index", "draws")]


def main(a_path: str, b_path: str) -> int:
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        names_a, names_b = set(), set()
        a.visit(names_a.add)
        b.visit(names_b.add)
        problems = [f"only in {a_path}: {n}" for n in sorted(names_a - names_b)]
        problems += [f"only in {b_path}: {n}" for n in sorted(names_b - names_a)]
        compared = 0
        for name in sorted(names_a & names_b):
            x, y = a[name], b[name]
            if not isinstance(x, h5py.Dataset) or x.dtype.kind not in "biuf":
                continue
            compared += 1
            vx, vy = x[()], y[()]
            if vx.dtype != vy.dtype or vx.shape != vy.shape or vx.tobytes() != vy.tobytes():
                problems.append(f"differs: {name}")
        for obj, attr in ATTRS:
            x = a[obj].attrs.get(attr) if obj in a else None
            y = b[obj].attrs.get(attr) if obj in b else None
            if x is None and y is None:
                continue
            compared += 1
            if x is None or y is None or x != y:
                problems.append(f"differs: {obj}@{attr} ({x!r}, {y!r})")
        for p in problems:
            print(p)
        print(f"{compared} numeric datasets compared, {len(problems)} problems")
        return 1 if problems or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
