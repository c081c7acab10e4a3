#!/usr/bin/python3
"""Chart of a run against observed values: one panel per observed
(indicator, region), the run's median and 50 % and 90 % bands over its
report years (from /summary/quantiles), and each observation with its
measurement sd, filled when it lies inside the 90 % band of its year.

  innosim run scenarios/hindcast-2010-2015.toml -q -o hindcast.h5
  innosim check hindcast.h5 --observations scenarios/observed-2010-2015.toml --format json > hindcast-check.json
  /usr/bin/python3 tools/hindcast_chart.py hindcast.h5 hindcast-check.json -o docs/img/hindcast-2010-2015.png

Observations the run does not have are left out (the check lists them).
"""

import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from innosim_report.integrity import open_or_exit  # noqa: E402


def strings(ds):
    return [s.decode() if isinstance(s, bytes) else str(s) for s in ds[...]]


# Units shown in panels: yuan in 1e8 (亿), persons in 1e4 (万).
SCALE = {"yuan": (1e8, "1e8 yuan"), "persons": (1e4, "1e4 persons")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", help="run file (HDF5)")
    ap.add_argument("check", help="JSON written by innosim check RUN --observations FILE --format json")
    ap.add_argument("-o", "--output", required=True, help="image file (PNG or SVG)")
    a = ap.parse_args()

    with open(a.check, encoding="utf-8") as f:
        check = json.load(f)
    with open_or_exit(a.run, "innosim-run", "hindcast_chart") as f:  # verified, as innosim check reads it
        indicators = strings(f["meta/indicators/id"])
        units = strings(f["meta/indicators/unit"])
        regions = strings(f["meta/regions/id"])
        years = np.asarray(f["meta/years"][...])
        levels = list(np.asarray(f["meta/quantile_levels"][...]))
        q = f["summary/quantiles"][...]  # [I, R, Y, Q]

    panels = []  # (indicator, region) in the check's order
    for o in check["rows"]:
        if o["in_run"] and (o["indicator"], o["region"]) not in panels:
            panels.append((o["indicator"], o["region"]))
    cols = 4
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    lv = {p: levels.index(p) for p in (0.05, 0.25, 0.5, 0.75, 0.95)}
    for k, (ind, reg) in enumerate(panels):
        ax = axes[k // cols][k % cols]
        i, r = indicators.index(ind), regions.index(reg)
        scale, unit = SCALE.get(units[i], (1.0, units[i]))
        band = q[i, r] / scale
        ax.fill_between(years, band[:, lv[0.05]], band[:, lv[0.95]], color="#9ecae1", alpha=0.6, lw=0)
        ax.fill_between(years, band[:, lv[0.25]], band[:, lv[0.75]], color="#4292c6", alpha=0.6, lw=0)
        ax.plot(years, band[:, lv[0.5]], color="#08519c", lw=1.2)
        for o in check["rows"]:
            if not o["in_run"] or o["indicator"] != ind or o["region"] != reg:
                continue
            face = "black" if o["inside"] else "white"
            ax.errorbar(o["year"], o["observed"] / scale, yerr=1.96 * o["sd"] / scale, fmt="o", ms=4,
                        mfc=face, mec="black", ecolor="black", lw=0.8, capsize=2)
        ax.set_title(f"{ind}\n{reg}", fontsize=8)
        ax.set_ylabel(unit, fontsize=7)
        ax.tick_params(labelsize=7)
        ax.set_xticks(years)
        ax.set_xticklabels([str(y)[2:] for y in years])
    for k in range(len(panels), rows * cols):
        axes[k // cols][k % cols].axis("off")
    cov = check["coverage"]
    fig.suptitle(f"{check['scenario']}: median, 50 % and 90 % bands; observed ± 1.96 sd "
                 f"(filled: inside the 90 % band) — {cov['inside']} of {cov['compared']} inside", fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(a.output, dpi=110)
    return 0


if __name__ == "__main__":
    sys.exit(main())
