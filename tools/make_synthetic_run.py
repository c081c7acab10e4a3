#!/usr/bin/python3
"""Write a small, schema-conformant innosim run file with made-up numbers.

The engine's HDF5 writer follows docs/hdf5-schema.md (format version 1); this
script writes the same layout with h5py so that tools/report.py can be built
and tested without the engine. The numbers are synthetic — a lognormal
growth toy, NOT the 4+1 model — and the file says so in its scenario text.

    /usr/bin/python3 tools/make_synthetic_run.py -o /tmp/synthetic.h5
    /usr/bin/python3 tools/make_synthetic_run.py -o /tmp/baseline.h5 \\
        --scenario-name baseline --growth-scale 0.6 --seed 7

Summaries (/summary) are computed exactly (numpy) from per-draw values, and
the target table from /targets/draws, so a file is internally consistent.
"""

import argparse
import datetime as _dt
import sys

import h5py
import numpy as np

REGIONS = [
    ("yinchuan", "Yinchuan city", "银川"),
    ("shizuishan", "Shizuishan city", "石嘴山"),
    ("wuzhong", "Wuzhong city", "吴忠"),
    ("zhongwei", "Zhongwei city", "中卫"),
    ("ningdong", "Ningdong Energy & Chemical Base", "宁东能源化工基地"),
    ("zone", "zone total", "区域合计"),
]

# id, name_en, name_zh, unit, how the zone aggregates, 2015 value per region,
# yearly growth rate, yearly log-sd
INDICATORS = [
    ("rd_intensity", "R&D expenditure / GDP", "全社会研发投入占生产总值的比重", "%",
     "weighted", [1.10, 0.95, 0.60, 0.55, 1.20], 0.17, 0.07),
    ("hightech_enterprises", "High-tech enterprises", "高新技术企业", "count",
     "sum", [25.0, 9.0, 5.0, 3.0, 4.0], 0.13, 0.06),
    ("rd_expenditure", "R&D expenditure", "全社会研发经费支出", "yuan",
     "sum", [1.30e9, 5.0e8, 2.2e8, 1.6e8, 4.4e8], 0.15, 0.06),
]
GDP_WEIGHTS = np.array([0.47, 0.17, 0.14, 0.12, 0.10])  # for % indicators

# indicator, region, year, value, kind, sense, note
TARGETS = [
    ("rd_intensity", "zone", 2020, 2.5, "binding", "at_least", "plan 一(二) (synthetic test target)"),
    ("rd_intensity", "zone", 2018, 1.5, "binding", "at_least", "synthetic mid-term check"),
    ("hightech_enterprises", "zone", 2020, 80.0, "expected", "at_least", "plan 一(二)"),
    ("hightech_enterprises", "yinchuan", 2020, 45.0, "expected", "at_least", "synthetic"),
    ("rd_expenditure", "zone", 2020, 4.5e9, "expected", "at_least", "synthetic"),
]

QUANTILE_LEVELS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])


def _simulate(draws, seed, growth_scale, years):
    """Per-draw values [I, R+1, Y, N] of the toy model."""
    rng = np.random.default_rng(seed)
    n_reg = len(REGIONS) - 1
    out = np.empty((len(INDICATORS), n_reg + 1, len(years), draws))
    dt = np.array([y - years[0] for y in years], dtype=float)
    for i, (_, _, _, _, agg, base, growth, sd) in enumerate(INDICATORS):
        g = rng.normal(growth * growth_scale, sd, size=(n_reg, draws))  # per-draw growth
        for r in range(n_reg):
            out[i, r] = base[r] * np.exp(np.outer(dt, g[r]))
        if agg == "sum":
            out[i, n_reg] = out[i, :n_reg].sum(axis=0)
        else:
            out[i, n_reg] = np.tensordot(GDP_WEIGHTS, out[i, :n_reg], axes=1)
    return out, rng


def _verdict(p, on_track, at_risk):
    if p >= on_track:
        return "on track"
    if p >= at_risk:
        return "at risk"
    return "off track"


def write_run(path, draws=2000, seed=20160101, scenario_name="plan-2016-2020",
              growth_scale=1.0, trajectories=False, on_track=0.8, at_risk=0.5):
    years = list(range(2015, 2021))
    values, rng = _simulate(draws, seed, growth_scale, years)
    str_dt = h5py.string_dtype("utf-8")
    region_ids = [r[0] for r in REGIONS]
    ind_ids = [ind[0] for ind in INDICATORS]

    with h5py.File(path, "w") as f:
        a = f.attrs
        a["file_type"] = "innosim-run"
        a["format_version"] = np.int32(1)
        a["engine_version"] = "synthetic-0"
        a["git_sha"] = "0000000"
        a["created_utc"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        a["scenario_name"] = scenario_name
        a["model"] = "synthetic_lognormal"
        a["seed"] = np.uint64(seed)
        a["sampler"] = "monte_carlo"
        a["draws_requested"] = np.uint64(draws)
        a["draws_valid"] = np.uint64(draws)
        a["draws_dropped"] = np.uint64(0)
        a["horizon_start"] = np.int32(years[0])
        a["horizon_end"] = np.int32(years[-1])
        a["randoms_per_year"] = np.uint64(0)
        a["threads"] = np.int32(1)
        a["seconds"] = 0.0

        text = (f'# SYNTHETIC test scenario written by tools/make_synthetic_run.py\n'
                f'[scenario]\nname = "{scenario_name}"\nmodel = "synthetic_lognormal"\n'
                f'[run]\ndraws = {draws}\nseed = {seed}\n')
        sc = f.create_group("scenario")
        sc.create_dataset("files", data=[text], dtype=str_dt)
        sc.create_dataset("file_paths", data=[f"synthetic/{scenario_name}.toml"], dtype=str_dt)
        sc.create_dataset("resolved", data=text, dtype=str_dt)
        sc.attrs["on_track"] = on_track
        sc.attrs["at_risk"] = at_risk

        meta = f.create_group("meta")
        for key, col in (("id", 0), ("name_en", 1), ("name_zh", 2)):
            meta.create_dataset(f"regions/{key}", data=[r[col] for r in REGIONS], dtype=str_dt)
        for key, col in (("id", 0), ("name_en", 1), ("name_zh", 2), ("unit", 3)):
            meta.create_dataset(f"indicators/{key}", data=[ind[col] for ind in INDICATORS],
                                dtype=str_dt)
        meta.create_dataset("years", data=np.array(years, dtype=np.int32))
        meta.create_dataset("quantile_levels", data=QUANTILE_LEVELS)

        params = f.create_group("parameters")
        pids = [f"growth_{i}" for i in ind_ids]
        params.create_dataset("id", data=pids, dtype=str_dt)
        params.create_dataset("unit", data=["rate"] * len(pids), dtype=str_dt)
        params.create_dataset("source", data=["assumption: synthetic"] * len(pids), dtype=str_dt)
        params.create_dataset("distribution", data=["normal"] * len(pids), dtype=str_dt)
        params.create_dataset("draws", data=rng.normal(0.15, 0.05, size=(len(pids), draws)),
                              chunks=(1, min(draws, 4096)))

        summ = f.create_group("summary")
        dims = "indicator,region,year"
        for name, fn in (("mean", np.mean), ("min", np.min), ("max", np.max)):
            d = summ.create_dataset(name, data=fn(values, axis=-1))
            d.attrs["dims"] = dims
        d = summ.create_dataset("sd", data=np.std(values, axis=-1, ddof=1))
        d.attrs["dims"] = dims
        q = np.moveaxis(np.quantile(values, QUANTILE_LEVELS, axis=-1), 0, -1)
        d = summ.create_dataset("quantiles", data=q)
        d.attrs["dims"] = dims + ",quantile"
        d.attrs["relative_accuracy"] = 0.0

        tg = f.create_group("targets")
        rows = []
        tdraws = np.empty((len(TARGETS), draws))
        for t, (ind, reg, year, value, kind, sense, note) in enumerate(TARGETS):
            v = values[ind_ids.index(ind), region_ids.index(reg), years.index(year)]
            tdraws[t] = v
            met = v >= value if sense == "at_least" else v <= value
            p = float(met.mean())
            rows.append(dict(median=np.median(v), q05=np.quantile(v, 0.05),
                             q95=np.quantile(v, 0.95), mean=v.mean(), p_met=p,
                             p_met_se=np.sqrt(p * (1 - p) / draws),
                             verdict=_verdict(p, on_track, at_risk), met=met))
        for key, col in (("indicator", 0), ("region", 1), ("kind", 4), ("sense", 5), ("note", 6)):
            tg.create_dataset(key, data=[t[col] for t in TARGETS], dtype=str_dt)
        tg.create_dataset("verdict", data=[r["verdict"] for r in rows], dtype=str_dt)
        tg.create_dataset("year", data=np.array([t[2] for t in TARGETS], dtype=np.int32))
        tg.create_dataset("value", data=np.array([t[3] for t in TARGETS], dtype=float))
        for key in ("median", "q05", "q95", "mean", "p_met", "p_met_se"):
            tg.create_dataset(key, data=np.array([r[key] for r in rows], dtype=float))
        tg.create_dataset("valid_draws", data=np.full(len(TARGETS), draws, dtype=np.uint64))
        tg.create_dataset("draws", data=tdraws, chunks=(1, min(draws, 4096)))
        met = np.array([r["met"] for r in rows])
        binding = np.array([t[4] == "binding" for t in TARGETS])
        hist = np.bincount(met.sum(axis=0), minlength=len(TARGETS) + 1).astype(np.uint64)
        joint = tg.create_group("joint")
        joint.create_dataset("met_count_hist", data=hist)
        joint.attrs["p_all_binding"] = float(met[binding].all(axis=0).mean())
        joint.attrs["p_all"] = float(met.all(axis=0).mean())
        joint.attrs["num_binding"] = np.int32(binding.sum())

        dr = f.create_group("draws")
        dr.create_dataset("valid", data=np.ones(draws, dtype=np.uint8))
        if trajectories:
            f.create_dataset("trajectories/values", data=values,
                             chunks=(1, 1, 1, min(draws, 4096)), compression="gzip")
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", required=True, help="run file to write (.h5)")
    ap.add_argument("-n", "--draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20160101)
    ap.add_argument("--scenario-name", default="plan-2016-2020")
    ap.add_argument("--growth-scale", type=float, default=1.0,
                    help="multiplies every growth rate (e.g. 0.6 for a weaker scenario)")
    ap.add_argument("--trajectories", action="store_true", help="also write /trajectories/values")
    args = ap.parse_args(argv)
    write_run(args.output, args.draws, args.seed, args.scenario_name, args.growth_scale,
              args.trajectories)
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
