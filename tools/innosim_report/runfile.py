"""Reading an innosim run file (docs/hdf5-schema.md, format version 1) with h5py.

Everything the charts need is loaded into plain numpy arrays and small
dataclasses, so the file is closed before any plotting starts. A file that is
not a run file, has another format version, or lacks an object the charts
need raises RunFileError naming the file and the object.
"""

from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from . import FORMAT_VERSION

# Analyses the design names but schema v1 does not define yet. The report
# charts them only "where present"; today the engine writes none of them.
OPTIONAL_GROUPS = ("sensitivity", "sweep", "innovation_index")

# Quantile levels the fan charts draw (q05, q25, median, q75, q95).
FAN_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)


class RunFileError(Exception):
    """A run file that cannot be charted; the message names file and object."""


@dataclass
class Target:
    indicator: str
    region: str
    year: int
    value: float
    kind: str      # binding | expected
    sense: str     # at_least | at_most
    note: str
    verdict: str   # on track | at risk | off track
    median: float
    q05: float
    q95: float
    mean: float
    p_met: float
    p_met_se: float

    @property
    def binding(self):
        return self.kind == "binding"

    @property
    def key(self):
        """What identifies 'the same target' across scenarios."""
        return (self.indicator, self.region, self.year, self.sense)


@dataclass
class Run:
    path: str
    label: str                 # scenario name, made unique among the runs charted
    attrs: dict                # root attributes, decoded
    region_ids: list
    region_names: dict         # lang -> [names]
    indicator_ids: list
    indicator_names: dict      # lang -> [names]
    units: list
    years: np.ndarray          # int [Y]
    quantile_levels: np.ndarray
    quantiles: np.ndarray      # [I, R, Y, Q]
    mean: np.ndarray           # [I, R, Y]
    targets: list
    on_track: float
    at_risk: float
    joint: dict
    optional_groups: dict = field(default_factory=dict)  # name -> present?
    # What each region entry is: "region", "zone" or "territory" (/meta/regions/kind;
    # files without it have the regions, then the zone last).
    region_kinds: list = field(default_factory=list)

    @property
    def zone_index(self):
        return self.region_kinds.index("zone")

    @property
    def region_entries(self):
        """Indices of the regions proper (no aggregates), in order."""
        return [r for r, k in enumerate(self.region_kinds) if k == "region"]

    @property
    def territory_index(self):
        """Index of the whole territory's entry, or None when the run has none."""
        return self.region_kinds.index("territory") if "territory" in self.region_kinds else None

    @property
    def scenario_name(self):
        return self.attrs.get("scenario_name", "")

    def qindex(self, level):
        """Index of a quantile level in /meta/quantile_levels."""
        hit = np.flatnonzero(np.isclose(self.quantile_levels, level, atol=1e-9))
        if hit.size == 0:
            raise RunFileError(f"{self.path}: /meta/quantile_levels lacks {level} "
                               f"(has {list(self.quantile_levels)})")
        return int(hit[0])

    def fan(self, i, r):
        """Dict q05, q25, q50, q75, q95 -> array over years for indicator i, region r."""
        return {f"q{int(round(lv * 100)):02d}": self.quantiles[i, r, :, self.qindex(lv)]
                for lv in FAN_LEVELS}

    def indicator_index(self, ind_id):
        return self.indicator_ids.index(ind_id)

    def region_index(self, reg_id):
        return self.region_ids.index(reg_id)

    def region_name(self, reg_id, lang):
        return self.region_names[lang][self.region_index(reg_id)]

    def indicator_name(self, ind_id, lang):
        return self.indicator_names[lang][self.indicator_index(ind_id)]

    def unit(self, ind_id):
        return self.units[self.indicator_index(ind_id)]


def _decode(x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, np.generic):
        return x.item()
    return x


def _strings(f, name, path):
    ds = _need(f, name, path)
    data = ds[()]
    if np.ndim(data) == 0:
        return _decode(data)
    return [str(_decode(x)) for x in data]


def _read_meta(f, path):
    """Region and indicator ids, names by language and units from /meta (run
    and sweep files share it). Schema: name_en falls back to the id, name_zh
    may be empty; a Chinese chart then shows the English name (or the id),
    never a blank."""
    region_ids = _strings(f, "meta/regions/id", path)
    indicator_ids = _strings(f, "meta/indicators/id", path)
    region_names = {"en": _strings(f, "meta/regions/name_en", path),
                    "zh": _strings(f, "meta/regions/name_zh", path)}
    indicator_names = {"en": _strings(f, "meta/indicators/name_en", path),
                       "zh": _strings(f, "meta/indicators/name_zh", path)}
    for names, ids in ((region_names, region_ids), (indicator_names, indicator_ids)):
        names["en"] = [en or i for en, i in zip(names["en"], ids)]
        names["zh"] = [zh or en for zh, en in zip(names["zh"], names["en"])]
    units = _strings(f, "meta/indicators/unit", path)
    return region_ids, region_names, indicator_ids, indicator_names, units


def _region_kinds(f, path, region_ids):
    """Kind of each region entry: /meta/regions/kind, or (older files) the zone last."""
    if "meta/regions/kind" in f:
        kinds = _strings(f, "meta/regions/kind", path)
        if len(kinds) != len(region_ids) or kinds.count("zone") != 1 or \
                any(k not in ("region", "zone", "territory") for k in kinds):
            raise RunFileError(f"{path}: /meta/regions/kind must give 'region', 'zone' or 'territory' "
                               f"for each region entry, with one 'zone'; got {kinds}")
        return kinds
    if not region_ids or region_ids[-1] != "zone":
        raise RunFileError(f"{path}: the last entry of /meta/regions/id must be 'zone'")
    return ["region"] * (len(region_ids) - 1) + ["zone"]


def _need(f, name, path):
    if name not in f:
        raise RunFileError(f"{path}: missing /{name} (see docs/hdf5-schema.md)")
    return f[name]


def _array(f, name, path, ndim):
    a = np.asarray(_need(f, name, path)[()])
    if a.ndim != ndim:
        raise RunFileError(f"{path}: /{name} has {a.ndim} dimensions, expected {ndim}")
    return a


def load_run(path):
    path = str(path)
    if not Path(path).is_file():
        raise RunFileError(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise RunFileError(f"{path}: not an HDF5 file ({e})") from None
    with f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        if attrs.get("file_type") != "innosim-run":
            raise RunFileError(f"{path}: root attribute file_type is "
                               f"{attrs.get('file_type')!r}, expected 'innosim-run'")
        if int(attrs.get("format_version", -1)) != FORMAT_VERSION:
            raise RunFileError(f"{path}: format_version {attrs.get('format_version')} "
                               f"is not supported (this tool reads {FORMAT_VERSION})")

        region_ids, region_names, indicator_ids, indicator_names, units = _read_meta(f, path)
        years = _array(f, "meta/years", path, 1).astype(int)
        qlevels = _array(f, "meta/quantile_levels", path, 1).astype(float)
        quantiles = _array(f, "summary/quantiles", path, 4).astype(float)
        mean = _array(f, "summary/mean", path, 3).astype(float)
        shape = (len(indicator_ids), len(region_ids), len(years), len(qlevels))
        if quantiles.shape != shape:
            raise RunFileError(f"{path}: /summary/quantiles has shape {quantiles.shape}, "
                               f"expected [I, R, Y, Q] = {shape}")
        region_kinds = _region_kinds(f, path, region_ids)

        sc = _need(f, "scenario", path)
        on_track = float(sc.attrs.get("on_track", 0.8))
        at_risk = float(sc.attrs.get("at_risk", 0.5))

        targets = []
        if "targets" in f and "targets/indicator" in f:
            cols = {k: _strings(f, f"targets/{k}", path)
                    for k in ("indicator", "region", "kind", "sense", "note", "verdict")}
            nums = {k: _array(f, f"targets/{k}", path, 1).astype(float)
                    for k in ("value", "median", "q05", "q95", "mean", "p_met", "p_met_se")}
            year_col = _array(f, "targets/year", path, 1).astype(int)
            for t in range(len(cols["indicator"])):
                tgt = Target(year=int(year_col[t]),
                             **{k: v[t] for k, v in cols.items()},
                             **{k: float(v[t]) for k, v in nums.items()})
                if tgt.indicator not in indicator_ids or tgt.region not in region_ids:
                    raise RunFileError(f"{path}: target {t} names {tgt.indicator}/{tgt.region}, "
                                       "which /meta does not list")
                targets.append(tgt)
        joint = {}
        if "targets/joint" in f:
            joint = {k: _decode(v) for k, v in f["targets/joint"].attrs.items()}
        optional = {g: g in f for g in OPTIONAL_GROUPS}

    return Run(path=path, label=str(attrs.get("scenario_name", Path(path).stem)), attrs=attrs,
               region_ids=region_ids, region_names=region_names, indicator_ids=indicator_ids,
               indicator_names=indicator_names, units=units, years=years,
               quantile_levels=qlevels, quantiles=quantiles, mean=mean, targets=targets,
               on_track=on_track, at_risk=at_risk, joint=joint, optional_groups=optional,
               region_kinds=region_kinds)


def load_runs(paths):
    """Loads several runs; labels are made unique (scenario name, then '#2', ...)."""
    runs = [load_run(p) for p in paths]
    seen = {}
    for run in runs:
        n = seen.get(run.label, 0) + 1
        seen[run.label] = n
        if n > 1:
            run.label = f"{run.label} #{n}"
    return runs


# ---------- sweep files (`innosim sweep`, file_type "innosim-sweep") ----------

@dataclass
class SweepTarget:
    indicator: str
    region: str
    year: int
    value: float
    kind: str
    sense: str
    note: str

    @property
    def binding(self):
        return self.kind == "binding"


@dataclass
class Sweep:
    path: str
    label: str
    attrs: dict
    lever: str
    lever_unit: str
    lever_names: dict          # lang -> name
    region_ids: list
    region_names: dict
    indicator_ids: list
    indicator_names: dict
    units: list
    targets: list              # [T] SweepTarget
    scale: np.ndarray          # [V]
    lever_value: np.ndarray    # [V] zone total in the horizon's end year
    p_met: np.ndarray          # [T, V]
    p_met_se: np.ndarray
    median: np.ndarray
    q05: np.ndarray
    q95: np.ndarray
    on_track: float
    at_risk: float

    @property
    def scenario_name(self):
        return self.attrs.get("scenario_name", "")

    def region_name(self, reg_id, lang):
        return self.region_names[lang][self.region_ids.index(reg_id)]

    def indicator_name(self, ind_id, lang):
        return self.indicator_names[lang][self.indicator_ids.index(ind_id)]

    def unit(self, ind_id):
        return self.units[self.indicator_ids.index(ind_id)]

    def lever_name(self, lang):
        return self.lever_names[lang] or self.lever_names["en"] or self.lever


def file_type(path):
    """The root attribute file_type of an HDF5 file (None if absent)."""
    path = str(path)
    if not Path(path).is_file():
        raise RunFileError(f"{path}: no such file")
    try:
        with h5py.File(path, "r") as f:
            return _decode(f.attrs.get("file_type"))
    except OSError as e:
        raise RunFileError(f"{path}: not an HDF5 file ({e})") from None


def load_sweep(path):
    path = str(path)
    if file_type(path) != "innosim-sweep":
        raise RunFileError(f"{path}: root attribute file_type is not 'innosim-sweep'")
    with h5py.File(path, "r") as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        if int(attrs.get("format_version", -1)) != FORMAT_VERSION:
            raise RunFileError(f"{path}: format_version {attrs.get('format_version')} "
                               f"is not supported (this tool reads {FORMAT_VERSION})")
        for key in ("lever", "lever_unit"):
            if key not in attrs:
                raise RunFileError(f"{path}: missing root attribute {key}")
        region_ids, region_names, indicator_ids, indicator_names, units = _read_meta(f, path)
        cols = {k: _strings(f, f"targets/{k}", path)
                for k in ("indicator", "region", "kind", "sense", "note")}
        value = _array(f, "targets/value", path, 1).astype(float)
        year = _array(f, "targets/year", path, 1).astype(int)
        targets = [SweepTarget(year=int(year[t]), value=float(value[t]),
                               **{k: v[t] for k, v in cols.items()})
                   for t in range(len(cols["indicator"]))]
        for t, tg in enumerate(targets):
            if tg.indicator not in indicator_ids or tg.region not in region_ids:
                raise RunFileError(f"{path}: target {t} names {tg.indicator}/{tg.region}, "
                                   "which /meta does not list")
        scale = _array(f, "sweep/scale", path, 1).astype(float)
        lever_value = _array(f, "sweep/lever_value", path, 1).astype(float)
        mats = {k: _array(f, f"sweep/{k}", path, 2).astype(float)
                for k in ("p_met", "p_met_se", "median", "q05", "q95")}
        shape = (len(targets), len(scale))
        if lever_value.shape != (len(scale),):
            raise RunFileError(f"{path}: /sweep/lever_value has {lever_value.shape[0]} entries, "
                               f"/sweep/scale {len(scale)}")
        for k, m in mats.items():
            if m.shape != shape:
                raise RunFileError(f"{path}: /sweep/{k} has shape {m.shape}, expected [T, V] = "
                                   f"{shape}")
        sc = _need(f, "scenario", path)
        on_track = float(sc.attrs.get("on_track", 0.8))
        at_risk = float(sc.attrs.get("at_risk", 0.5))
    return Sweep(path=path, label=str(attrs.get("scenario_name", Path(path).stem)), attrs=attrs,
                 lever=str(attrs["lever"]), lever_unit=str(attrs["lever_unit"]),
                 lever_names={"en": str(attrs.get("lever_name_en", "")),
                              "zh": str(attrs.get("lever_name_zh", ""))},
                 region_ids=region_ids, region_names=region_names, indicator_ids=indicator_ids,
                 indicator_names=indicator_names, units=units, targets=targets, scale=scale,
                 lever_value=lever_value, on_track=on_track, at_risk=at_risk, **mats)


def load_inputs(paths):
    """Run files and sweep files, told apart by file_type: (runs, sweeps)."""
    run_paths, sweeps = [], []
    for p in paths:
        if file_type(p) == "innosim-sweep":
            sweeps.append(load_sweep(p))
        else:
            run_paths.append(p)  # load_run names the file if it is no run file either
    return load_runs(run_paths), sweeps
