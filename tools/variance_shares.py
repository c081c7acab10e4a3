#!/usr/bin/python3
"""First-order variance shares of a target from a run file's stored draws.

For one target row (default: the first binding target) and every parameter
of the run, estimates the first-order (main-effect) share of the target's
variance, S_i = Var(E[Y | X_i]) / Var(Y), from /parameters/draws and
/targets/draws: the draws are sorted by X_i into equal-count bins, and the
variance of the bin means (less its sampling noise, (B - 1)/(N - 1) of the
within-bin variance) is divided by Var(Y). This is the given-data estimator
of a Sobol' main effect; it needs no special design, so any stored run can
be used (more draws, smaller error: about 0.01 at 4,000 draws and 20 bins).

Prints a Markdown table of the parameters chosen by --sources (default: those
whose source is labelled "assumption", alone or as "statistics/assumption"),
largest share first, with their prior, the label and the reason their source
gives, and the sum of the shares of all chosen parameters.

A per-region parameter is one row (`name[*]`) with the sum of its regions'
shares (--per-region lists them one by one).

Use a run with the plain Monte Carlo sampler: the given-data estimator needs
independent draws, and the high dimensions of a Sobol' sequence at a few
thousand points are correlated enough to show spurious shares of a few
percent.

  innosim run scenarios/plan-2016-2020.toml -n 8000 --sampler monte_carlo -q -o plan-mc.h5
  /usr/bin/python3 tools/variance_shares.py plan-mc.h5
  /usr/bin/python3 tools/variance_shares.py plan.h5 --sources all --top 15
"""

import argparse
import sys

import os

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from innosim_report.integrity import open_or_exit  # noqa: E402


def strings(ds):
    return [s.decode() if isinstance(s, bytes) else str(s) for s in ds[...]]


def first_order_share(x, y, bins):
    """Given-data main-effect share of Var(y) explained by x."""
    n = len(y)
    order = np.argsort(x, kind="stable")
    groups = np.array_split(y[order], bins)
    total = np.var(y)
    if total <= 0:
        return 0.0
    means = np.array([g.mean() for g in groups])
    sizes = np.array([len(g) for g in groups])
    between = np.sum(sizes * (means - y.mean()) ** 2) / n
    within = np.sum([np.sum((g - g.mean()) ** 2) for g in groups]) / n
    return max(0.0, (between - (bins - 1) / (n - 1) * within) / total)


def label(source):
    """The label before the first colon ("assumption", "statistics/assumption", ...)."""
    head = source.split(":", 1)[0]
    return head if ":" in source and len(head) < 30 else ""


def reason(source):
    """The part of a labelled source that says why."""
    text = source.split(":", 1)[1].strip() if label(source) else source
    return text if len(text) <= 140 else text[:137].rstrip() + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", help="run file (HDF5) with /parameters/draws and /targets/draws")
    ap.add_argument("--target", type=int, default=None,
                    help="target row (0-based); default: the first binding target")
    ap.add_argument("--sources", choices=["assumption", "all"], default="assumption",
                    help="which parameters to list: sourced 'assumption' (default) or all")
    ap.add_argument("--bins", type=int, default=20, help="equal-count bins per parameter (default 20)")
    ap.add_argument("--top", type=int, default=0, help="list only the largest N (default: all)")
    ap.add_argument("--per-region", action="store_true",
                    help="one row per region of a per-region parameter (default: one row per parameter, "
                         "the sum of its regions' shares)")
    a = ap.parse_args()

    with open_or_exit(a.run, "innosim-run", "variance_shares") as f:  # verified, as innosim check reads it
        if "parameters/draws" not in f or "targets/draws" not in f:
            sys.exit(f"variance_shares: {a.run} keeps no parameter draws (store level "
                     f"{f.attrs.get('store', '?')}); run with --store parameters")
        ids = strings(f["parameters/id"])
        sources = strings(f["parameters/source"])
        dists = strings(f["parameters/distribution"])
        pdraws = f["parameters/draws"][...]
        kinds = strings(f["targets/kind"])
        t = a.target if a.target is not None else kinds.index("binding")
        indicator = strings(f["targets/indicator"])[t]
        region = strings(f["targets/region"])[t]
        year = int(f["targets/year"][t])
        y = f["targets/draws"][t, :]

    ok = np.isfinite(y)
    y = y[ok]
    rows = []
    for i, pid in enumerate(ids):
        if a.sources == "assumption" and "assumption" not in label(sources[i]):
            continue
        x = pdraws[i, ok]
        if np.ptp(x) == 0:
            continue  # a fixed parameter explains nothing
        rows.append((first_order_share(x, y, a.bins), pid, dists[i], label(sources[i]), reason(sources[i])))
    if not a.per_region:
        grouped = {}
        for share, pid, dist, lab, why in rows:
            base = pid.split("[", 1)[0]
            if base in grouped:
                g = grouped[base]
                grouped[base] = (g[0] + share, base, g[2] + 1, lab, why, g[5])
            else:
                grouped[base] = (share, base, 1, lab, why, dist)
        rows = [(g[0], g[1] if g[2] == 1 else f"{g[1]}[*]",
                 g[5] if g[2] == 1 else f"{g[5].split('(')[0]}, per region ({g[2]} regions; scenario file)", g[3], g[4])
                for g in grouped.values()]
    rows.sort(key=lambda r: -r[0])
    total = sum(r[0] for r in rows)
    if a.top:
        rows = rows[: a.top]

    print(f"First-order variance shares of {indicator} ({region}, {year}), {len(y)} draws of {a.run}, "
          f"{a.bins} bins; parameters sourced {'assumption' if a.sources == 'assumption' else 'anything'}\n")
    print("| parameter | prior | share of variance | source label | why (the source's words) |")
    print("|---|---|---|---|---|")
    for s, pid, dist, lab, why in rows:
        print(f"| `{pid}` | {dist} | {100 * s:.1f} % | {lab} | {why.replace('|', '/')} |")
    print(f"\nsum of the first-order shares of all {'assumption ' if a.sources == 'assumption' else ''}"
          f"parameters: {100 * total:.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
