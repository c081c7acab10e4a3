"""Reading the report's inputs: run files and sweep files (docs/hdf5-schema.md,
format version 1) with h5py, observation files (TOML) with tomllib.

Everything the charts need is loaded into numpy arrays and small
dataclasses, so each file is closed before any plotting starts (the per-draw
parameter values, large, are read on demand). A file that is not one of
these, has another format version, or lacks an object the report needs
raises RunFileError naming the file and the object.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import h5py
import numpy as np

from . import FORMAT_VERSION

# Quantile levels the fan charts draw (q05, q25, median, q75, q95).
FAN_LEVELS = (0.05, 0.25, 0.5, 0.75, 0.95)
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


# An input that cannot be charted; the message names file and object. Every
# innosim file is opened through integrity.open_verified, which refuses what
# `innosim check` refuses (another format version, damage found by the
# checksums) with this error, never a traceback.
from .integrity import RunFileError, open_verified, peek_file_type  # noqa: E402


@dataclass
class Target:
    index: int
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
    valid_draws: int = 0
    quantiles: dict = field(default_factory=dict)  # exact q05..q95 from /targets/draws

    @property
    def binding(self):
        return self.kind == "binding"

    @property
    def key(self):
        """What identifies 'the same target' across scenarios."""
        return (self.indicator, self.region, self.year, self.sense)

    def record(self, scenario):
        """The target's statistics as in `innosim check --format json` (chart side files)."""
        return dict(scenario=scenario, indicator=self.indicator, region=self.region,
                    year=self.year, kind=self.kind, sense=self.sense, target=self.value,
                    median=self.median, q05=self.q05, q95=self.q95, mean=self.mean,
                    p_met=self.p_met, p_met_se=self.p_met_se, verdict=self.verdict)


class Names:
    """Ids with display names by language (regions, indicators, parameters)."""

    def __init__(self, ids, en, zh):
        self.ids = list(ids)
        # Schema: name_en falls back to the id, name_zh may be empty; a Chinese
        # report then shows the English name, never a blank.
        self.en = [e or i for e, i in zip(en, self.ids)]
        self.zh = [z or e for z, e in zip(zh, self.en)]

    def name(self, ident, lang):
        k = self.ids.index(ident)
        return (self.zh if lang == "zh" else self.en)[k]

    def names(self, lang):
        return self.zh if lang == "zh" else self.en

    def index(self, ident):
        return self.ids.index(ident)

    def __len__(self):
        return len(self.ids)


@dataclass
class ScenarioInfo:
    """What a file says about its scenario: id, display names, descriptions,
    the scenario names of the files it extends, and its resolved levers."""
    id: str
    names: dict            # lang -> display name (falls back to the id)
    descriptions: dict     # lang -> description ("" when none)
    chain: list            # scenario names of the file and every file it extends, outermost first
    levers: dict           # lever id -> resolved table (unit, name_en, name_zh, rule, years/values/by_region)
    horizon: tuple         # (start, end)
    region_ids: list
    posterior: dict = None  # the [posterior] table (file, exclude) of the nearest file that has one


class ScenarioFile:
    """What every file of one scenario answers: its id and its display name
    (with ' #2' for a second file of the same scenario; needs `scenario` and
    `suffix`)."""

    @property
    def id(self):
        return self.scenario.id

    def name(self, lang):
        return self.scenario.names[lang] + getattr(self, "suffix", "")


@dataclass
class Run(ScenarioFile):
    path: str
    label: str                 # display-name key, unique among the runs of one report
    attrs: dict
    scenario: ScenarioInfo
    regions: Names
    region_roles: list         # per region entry: member | outside | zone | territory
    indicators: Names
    units: list
    years: np.ndarray          # int [Y]
    quantile_levels: np.ndarray
    quantiles: np.ndarray      # [I, R, Y, Q] (sketch)
    mean: np.ndarray           # [I, R, Y]
    targets: list
    target_draws: np.ndarray   # [T, N], NaN for dropped draws; [T, 0] at store level `summary`
    on_track: float
    at_risk: float
    joint: dict
    parameter_ids: list = field(default_factory=list)
    parameter_names: Names = None
    parameter_units: list = field(default_factory=list)
    has_parameter_draws: bool = False  # /parameters/draws (store level `parameters` and above)
    draws_digest: int = None   # /parameters@draws_digest (every store level; None in older files)
    innovation_index: object = None  # innovation_index.InnovationIndex when the scenario has an [index]
    suffix: str = ""           # ' #2' for a second run of the same scenario

    # ---- names ----
    def description(self, lang):
        d = self.scenario.descriptions
        return d.get(lang) or d.get("en") or ""

    def region_name(self, reg_id, lang):
        return self.regions.name(reg_id, lang)

    def indicator_name(self, ind_id, lang):
        return self.indicators.name(ind_id, lang)

    def indicator_index(self, ind_id):
        return self.indicators.index(ind_id)

    def region_index(self, reg_id):
        return self.regions.index(reg_id)

    def unit(self, ind_id):
        return self.units[self.indicator_index(ind_id)]

    @property
    def zone_index(self):
        return self.region_roles.index("zone")

    @property
    def zone_id(self):
        return self.regions.ids[self.zone_index]

    def member_indices(self):
        """The regions that make up the zone, in file order (not the regions
        outside it, nor the zone or the territory)."""
        return [r for r, role in enumerate(self.region_roles) if role == "member"]

    @property
    def draws_valid(self):
        return int(self.attrs.get("draws_valid", self.attrs.get("draws_requested", 0)))

    # ---- values ----
    def qindex(self, level):
        hit = np.flatnonzero(np.isclose(self.quantile_levels, level, atol=1e-9))
        if hit.size == 0:
            raise RunFileError(f"{self.path}: /meta/quantile_levels lacks {level} "
                               f"(has {list(self.quantile_levels)})")
        return int(hit[0])

    def fan(self, i, r):
        """q05, q25, q50, q75, q95 -> array over years (indicator i, region r),
        with the exact statistics of /targets/draws in every year that has a
        target on this indicator and region (the sketch elsewhere), and a
        mask of the exact years."""
        fan = {f"q{int(round(lv * 100)):02d}": self.quantiles[i, r, :, self.qindex(lv)].copy()
               for lv in FAN_LEVELS}
        exact = np.zeros(len(self.years), dtype=bool)
        for tg in self.targets_on(self.indicators.ids[i], self.regions.ids[r]):
            if tg.quantiles and tg.year in self.years:
                y = int(np.flatnonzero(self.years == tg.year)[0])
                for k, v in tg.quantiles.items():
                    fan[k][y] = v
                exact[y] = True
        return fan, exact

    def targets_on(self, ind_id, reg_id):
        return [tg for tg in self.targets if tg.indicator == ind_id and tg.region == reg_id]

    def binding_targets(self):
        return [tg for tg in self.targets if tg.binding]

    @property
    def store(self):
        """The run's store level (root attribute `store`; a file without it kept
        its parameter draws, and its trajectories when it has them)."""
        return str(self.attrs.get("store") or ("parameters" if self.has_parameter_draws
                                               else "summary"))

    @property
    def has_target_draws(self):
        return self.target_draws.shape[1] > 0

    def parameter_draws(self):
        """/parameters/draws [P, N] (read on demand: tens of MB for large runs);
        store levels below `parameters` have none (check has_parameter_draws)."""
        with h5py.File(self.path, "r") as f:
            if "parameters/draws" not in f:
                raise RunFileError(f"{self.path}: no /parameters/draws (store level "
                                   f"{self.store}; run it again with --store parameters)")
            return np.asarray(f["parameters/draws"][()], dtype=float)


def _decode(x):
    if isinstance(x, bytes):
        return x.decode("utf-8")
    if isinstance(x, np.generic):
        return x.item()
    return x


def _need(f, name, path):
    if name not in f:
        raise RunFileError(f"{path}: missing /{name} (see docs/hdf5-schema.md)")
    return f[name]


def _strings(f, name, path):
    data = _need(f, name, path)[()]
    if np.ndim(data) == 0:
        return _decode(data)
    return [str(_decode(x)) for x in data]


def _optional_strings(f, name, n):
    if name not in f:
        return [""] * n
    vals = [str(_decode(x)) for x in f[name][()]]
    return vals if len(vals) == n else [""] * n


def _array(f, name, path, ndim):
    a = np.asarray(_need(f, name, path)[()])
    if a.ndim != ndim:
        raise RunFileError(f"{path}: /{name} has {a.ndim} dimensions, expected {ndim}")
    return a


def _region_roles(f, ids, path):
    """Each region entry's role: 'member' (a region in the zone), 'outside' (a
    region outside it), 'zone' or 'territory', from /meta/regions/kind and
    /meta/regions/in_zone; files without kind have the regions, all in the
    zone, then the zone last."""
    if "meta/regions/kind" in f:
        kinds = [str(_decode(x)) for x in f["meta/regions/kind"][()]]
        if len(kinds) != len(ids) or kinds.count("zone") != 1 or \
                any(k not in ("region", "zone", "territory") for k in kinds):
            raise RunFileError(f"{path}: /meta/regions/kind must give 'region', 'zone' or 'territory' "
                               f"for each region entry, with one 'zone'; got {kinds}")
        in_zone = ([bool(x) for x in f["meta/regions/in_zone"][()]]
                   if "meta/regions/in_zone" in f else [True] * len(ids))
        if len(in_zone) != len(ids):
            raise RunFileError(f"{path}: /meta/regions/in_zone has {len(in_zone)} entries, "
                               f"/meta/regions/id {len(ids)}")
        return [("member" if z else "outside") if k == "region" else k
                for k, z in zip(kinds, in_zone)]
    if not ids or ids[-1] != "zone":
        raise RunFileError(f"{path}: the last entry of /meta/regions/id must be 'zone'")
    return ["member"] * (len(ids) - 1) + ["zone"]


def _read_meta(f, path):
    """Regions (with roles) and indicators (names, units) from /meta, which run,
    sweep and design files share."""
    rid = _strings(f, "meta/regions/id", path)
    iid = _strings(f, "meta/indicators/id", path)
    regions = Names(rid, _strings(f, "meta/regions/name_en", path),
                    _strings(f, "meta/regions/name_zh", path))
    indicators = Names(iid, _strings(f, "meta/indicators/name_en", path),
                       _strings(f, "meta/indicators/name_zh", path))
    units = _strings(f, "meta/indicators/unit", path)
    roles = _region_roles(f, rid, path)
    return regions, roles, indicators, units


def _toml(text):
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _scenario_info(f, attrs, path):
    """Display names and descriptions: root attributes (scenario_name_zh,
    scenario_name_en, scenario_description, scenario_description_zh) where
    the file has them, else the [scenario] table of the resolved scenario,
    else the id."""
    sid = str(attrs.get("scenario_name") or Path(path).stem)
    resolved = _toml(_strings(f, "scenario/resolved", path)) if "scenario/resolved" in f else {}
    sc = resolved.get("scenario", {})
    en = attrs.get("scenario_name_en") or sc.get("name_en") or sid
    zh = attrs.get("scenario_name_zh") or sc.get("name_zh") or en
    den = attrs.get("scenario_description") or sc.get("description") or ""
    dzh = attrs.get("scenario_description_zh") or sc.get("description_zh") or ""
    chain, posterior = [], None
    if "scenario/files" in f:
        for text in _strings(f, "scenario/files", path):
            table = _toml(text)
            name = table.get("scenario", {}).get("name")
            if name:
                chain.append(str(name))
            if posterior is None and isinstance(table.get("posterior"), dict):
                posterior = table["posterior"]
    if not chain or chain[0] != sid:
        chain.insert(0, sid)
    hz = resolved.get("horizon", {})
    start = int(attrs.get("horizon_start", hz.get("start", 0)))
    end = int(attrs.get("horizon_end", hz.get("end", 0)))
    return ScenarioInfo(id=sid, names={"en": str(en), "zh": str(zh)},
                        descriptions={"en": str(den), "zh": str(dzh)}, chain=chain,
                        levers=resolved.get("levers", {}), horizon=(start, end),
                        region_ids=[r.get("id") for r in resolved.get("regions", [])],
                        posterior=posterior)


def _check_version(attrs, path, kind):
    if attrs.get("file_type") != kind:
        raise RunFileError(f"{path}: root attribute file_type is {attrs.get('file_type')!r}, "
                           f"expected {kind!r}")
    if int(attrs.get("format_version", -1)) != FORMAT_VERSION:
        raise RunFileError(f"{path}: format_version {attrs.get('format_version')} is not supported "
                           f"(this tool reads {FORMAT_VERSION})")


def _open(path):
    """An innosim HDF5 file, open, after every object was verified against its checksum."""
    return open_verified(str(path), None)


def _thresholds(f, path):
    sc = _need(f, "scenario", path)
    return float(sc.attrs.get("on_track", 0.8)), float(sc.attrs.get("at_risk", 0.5))


def load_run(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-run")
        regions, roles, indicators, units = _read_meta(f, path)
        years = _array(f, "meta/years", path, 1).astype(int)
        qlevels = _array(f, "meta/quantile_levels", path, 1).astype(float)
        quantiles = _array(f, "summary/quantiles", path, 4).astype(float)
        mean = _array(f, "summary/mean", path, 3).astype(float)
        shape = (len(indicators), len(regions), len(years), len(qlevels))
        if quantiles.shape != shape:
            raise RunFileError(f"{path}: /summary/quantiles has shape {quantiles.shape}, "
                               f"expected [I, R, Y, Q] = {shape}")
        on_track, at_risk = _thresholds(f, path)
        scenario = _scenario_info(f, attrs, path)

        targets, tdraws = [], np.zeros((0, 0))
        if "targets/indicator" in f:
            cols = {k: _strings(f, f"targets/{k}", path)
                    for k in ("indicator", "region", "kind", "sense", "note", "verdict")}
            nums = {k: _array(f, f"targets/{k}", path, 1).astype(float)
                    for k in ("value", "median", "q05", "q95", "mean", "p_met", "p_met_se")}
            year_col = _array(f, "targets/year", path, 1).astype(int)
            valid = (f["targets/valid_draws"][()].astype(int) if "targets/valid_draws" in f
                     else np.full(len(year_col), int(attrs.get("draws_valid", 0))))
            # store level `summary` keeps no per-draw values: the table's own numbers only
            tdraws = (_array(f, "targets/draws", path, 2).astype(float) if "targets/draws" in f
                      else np.zeros((len(year_col), 0)))
            if tdraws.shape[0] != len(year_col):
                raise RunFileError(f"{path}: /targets/draws has {tdraws.shape[0]} rows, "
                                   f"/targets/year {len(year_col)}")
            for k in range(len(year_col)):
                tg = Target(index=k, year=int(year_col[k]), valid_draws=int(valid[k]),
                            **{c: v[k] for c, v in cols.items()},
                            **{c: float(v[k]) for c, v in nums.items()})
                if tg.indicator not in indicators.ids or tg.region not in regions.ids:
                    raise RunFileError(f"{path}: target {k} names {tg.indicator}/{tg.region}, "
                                       "which /meta does not list")
                targets.append(tg)
        joint = {}
        if "targets/joint" in f:
            joint = {k: _decode(v) for k, v in f["targets/joint"].attrs.items()}
        pids, pnames, punits = [], None, []
        has_pdraws = "parameters/draws" in f
        from .innovation_index import read_index
        index = read_index(f, path)
        digest = (int(f["parameters"].attrs["draws_digest"])
                  if "parameters" in f and "draws_digest" in f["parameters"].attrs else None)
        if "parameters/id" in f:
            pids = _strings(f, "parameters/id", path)
            punits = _optional_strings(f, "parameters/unit", len(pids))
            pnames = _parameter_names(f, pids, scenario)

    for tg in targets:
        _exact_quantiles(tg, tdraws[tg.index])
    return Run(path=path, label=scenario.id, attrs=attrs, scenario=scenario, regions=regions,
               region_roles=roles, indicators=indicators, units=units, years=years,
               quantile_levels=qlevels, quantiles=quantiles, mean=mean, targets=targets,
               target_draws=tdraws, on_track=on_track, at_risk=at_risk, joint=joint,
               parameter_ids=pids, parameter_names=pnames, parameter_units=punits,
               has_parameter_draws=has_pdraws, draws_digest=digest, innovation_index=index)


def _parameter_names(f, pids, scenario):
    """Display names of the parameters: /parameters/name_en and name_zh where
    the file has them; a per-region parameter 'x[r]' is named after x and
    its region."""
    en = _optional_strings(f, "parameters/name_en", len(pids))
    zh = _optional_strings(f, "parameters/name_zh", len(pids))
    return Names(pids, en, zh)


def _exact_quantiles(tg, draws):
    """q05..q95 of the target's valid draws (np.quantile, as the engine computes
    the target table); the median, q05 and q95 are the table's own numbers."""
    x = draws[np.isfinite(draws)]
    if x.size == 0:
        if draws.size == 0 and tg.valid_draws > 0:  # a file without /targets/draws
            tg.quantiles = {"q05": tg.q05, "q50": tg.median, "q95": tg.q95}
        return
    q = np.quantile(x, FAN_LEVELS)
    tg.quantiles = {"q05": tg.q05, "q25": float(q[1]), "q50": tg.median, "q75": float(q[3]),
                    "q95": tg.q95}


def unique_labels(items):
    """Makes labels unique (a second run of the same scenario is 'id #2')."""
    seen = {}
    for it in items:
        base = it.scenario.id
        n = seen.get(base, 0) + 1
        seen[base] = n
        it.label = base if n == 1 else f"{base} #{n}"
        it.suffix = "" if n == 1 else f" #{n}"


def load_runs(paths):
    runs = [load_run(p) for p in paths]
    unique_labels(runs)
    return runs


# ---------- sweep files (`innosim sweep`, file_type "innosim-sweep") ----------

@dataclass
class SweepTarget:
    index: int
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

    @property
    def key(self):
        return (self.indicator, self.region, self.year, self.sense)


@dataclass
class Sweep(ScenarioFile):
    path: str
    label: str
    attrs: dict
    scenario: ScenarioInfo
    lever: str
    lever_unit: str
    lever_names: dict          # lang -> name
    regions: Names
    region_roles: list
    indicators: Names
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
    suffix: str = ""

    def region_name(self, reg_id, lang):
        return self.regions.name(reg_id, lang)

    def indicator_name(self, ind_id, lang):
        return self.indicators.name(ind_id, lang)

    def unit(self, ind_id):
        return self.units[self.indicators.index(ind_id)]

    def lever_name(self, lang):
        return self.lever_names[lang] or self.lever_names["en"] or self.lever

    @property
    def base_value(self):
        """The lever's unscaled value (the scenario's own), from any point with a
        non-zero factor."""
        nz = np.flatnonzero(self.scale != 0)
        return float(self.lever_value[nz[0]] / self.scale[nz[0]]) if nz.size else float("nan")


def file_type(path):
    """'innosim-run', 'innosim-sweep', ... for HDF5 files; 'observations' for an
    observation file (TOML with an [observations] table)."""
    path = str(path)
    if not Path(path).is_file():
        raise RunFileError(f"{path}: no such file")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == HDF5_SIGNATURE:
        return peek_file_type(path)  # unverified, to choose the loader; the loader verifies
    if path.endswith(".toml"):
        return "observations"
    raise RunFileError(f"{path}: neither an HDF5 file written by innosim nor an observation file "
                       "(.toml)")


def read_target_list(f, path, indicators=None, regions=None):
    """/targets of a sweep, design or sensitivity file (no statistics), checked
    against /meta when the file has it."""
    cols = {k: _strings(f, f"targets/{k}", path)
            for k in ("indicator", "region", "kind", "sense", "note")}
    value = _array(f, "targets/value", path, 1).astype(float)
    year = _array(f, "targets/year", path, 1).astype(int)
    n = len(cols["indicator"])
    if any(len(v) != n for v in (*cols.values(), value, year)):
        raise RunFileError(f"{path}: the /targets datasets differ in length")
    targets = [SweepTarget(index=k, year=int(year[k]), value=float(value[k]),
                           **{c: v[k] for c, v in cols.items()}) for k in range(n)]
    for k, tg in enumerate(targets):
        if indicators is not None and (tg.indicator not in indicators.ids
                                       or tg.region not in regions.ids):
            raise RunFileError(f"{path}: target {k} names {tg.indicator}/{tg.region}, "
                               "which /meta does not list")
    return targets


def load_sweep(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-sweep")
        for key in ("lever", "lever_unit"):
            if key not in attrs:
                raise RunFileError(f"{path}: missing root attribute {key}")
        regions, roles, indicators, units = _read_meta(f, path)
        targets = read_target_list(f, path, indicators, regions)
        scale = _array(f, "sweep/scale", path, 1).astype(float)
        lever_value = _array(f, "sweep/lever_value", path, 1).astype(float)
        mats = {k: _array(f, f"sweep/{k}", path, 2).astype(float)
                for k in ("p_met", "p_met_se", "median", "q05", "q95")}
        if lever_value.shape != (len(scale),):
            raise RunFileError(f"{path}: /sweep/lever_value has {lever_value.shape[0]} entries, "
                               f"/sweep/scale {len(scale)}")
        for k, m in mats.items():
            if m.shape != (len(targets), len(scale)):
                raise RunFileError(f"{path}: /sweep/{k} has shape {m.shape}, expected [T, V] = "
                                   f"{(len(targets), len(scale))}")
        on_track, at_risk = _thresholds(f, path)
        scenario = _scenario_info(f, attrs, path)
    return Sweep(path=path, label=scenario.id, attrs=attrs, scenario=scenario,
                 lever=str(attrs["lever"]), lever_unit=str(attrs["lever_unit"]),
                 lever_names={"en": str(attrs.get("lever_name_en", "")),
                              "zh": str(attrs.get("lever_name_zh", ""))},
                 regions=regions, region_roles=roles, indicators=indicators, units=units,
                 targets=targets, scale=scale, lever_value=lever_value, on_track=on_track,
                 at_risk=at_risk, **mats)


# ---------- observation files (TOML, docs/scenario-reference.md) ----------

@dataclass
class Observation:
    indicator: str
    region: str
    unit: str
    years: list
    values: list
    uncertainty: list   # 1 sd per value, in `unit`
    sources: list


@dataclass
class Observations:
    path: str
    name: str
    description: str
    series: list

    def points(self, indicator, region, unit=None):
        """(years, values, uncertainties) observed for one indicator and region."""
        ys, vs, us = [], [], []
        for s in self.series:
            if s.indicator == indicator and s.region == region and (unit is None or s.unit == unit):
                ys += s.years
                vs += s.values
                us += s.uncertainty
        return ys, vs, us


def load_observations(path):
    """An observation file: [observations] and [[series]] (indicator, region,
    unit, years, values, uncertainty or relative_uncertainty, source or
    sources). The engine validates these files in full (`innosim check
    --observations`); the report refuses what it cannot draw."""
    path = str(path)
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise RunFileError(f"{path}: cannot read ({e})") from None
    except tomllib.TOMLDecodeError as e:
        raise RunFileError(f"{path}: TOML syntax error: {e}") from None
    head = doc.get("observations")
    if not isinstance(head, dict):
        raise RunFileError(f"{path}: no [observations] table: not an observation file")
    series = []
    for k, s in enumerate(doc.get("series", [])):
        where = f"{path}: series[{k}]"
        for key in ("indicator", "region", "unit", "years", "values"):
            if key not in s:
                raise RunFileError(f"{where}: missing key '{key}'")
        years, values = list(s["years"]), [float(v) for v in s["values"]]
        if len(years) != len(values):
            raise RunFileError(f"{where}.values: {len(values)} values for {len(years)} years")
        if "uncertainty" in s:
            u = s["uncertainty"]
            unc = [float(x) for x in u] if isinstance(u, list) else [float(u)] * len(values)
        elif "relative_uncertainty" in s:
            unc = [abs(v) * float(s["relative_uncertainty"]) for v in values]
        else:
            unc = [float("nan")] * len(values)
        src = s.get("sources") or [s.get("source", "")] * len(values)
        series.append(Observation(str(s["indicator"]), str(s["region"]), str(s["unit"]),
                                  [int(y) for y in years], values, unc, [str(x) for x in src]))
    return Observations(path=path, name=str(head.get("name", Path(path).stem)),
                        description=str(head.get("description", "")), series=series)


# ---------- all inputs ----------

@dataclass
class Inputs:
    runs: list
    sweeps: list
    observations: list
    others: list = field(default_factory=list)   # (path, file_type) given but not charted
    solves: list = field(default_factory=list)
    designs: list = field(default_factory=list)   # of two or more levers (one lever: a sweep)
    sensitivities: list = field(default_factory=list)
    discoveries: list = field(default_factory=list)
    posteriors: list = field(default_factory=list)


def load_inputs(paths):
    """Run, sweep, solve, design, sensitivity, discovery and observation files,
    told apart by file_type."""
    from .design import load_design
    from .posterior import load_posterior
    from .prim import load_discovery
    from .sobol import load_sensitivity
    from .solve import load_solve
    run_paths, sweeps, obs, solves, designs, sens, disc, post = [], [], [], [], [], [], [], []
    for p in paths:
        kind = file_type(p)
        if kind == "innosim-posterior":
            post.append(load_posterior(p))
            continue
        if kind == "innosim-sensitivity":
            sens.append(load_sensitivity(p))
            continue
        if kind == "innosim-discovery":
            disc.append(load_discovery(p))
            continue
        if kind == "innosim-sweep":
            sweeps.append(load_sweep(p))
        elif kind == "innosim-solve":
            solves.append(load_solve(p))
        elif kind == "innosim-design":
            dz = load_design(p)
            if len(dz.levers) == 1:
                sweeps.append(dz.as_sweep())
            else:
                designs.append(dz)
        elif kind == "observations":
            obs.append(load_observations(p))
        else:
            run_paths.append(p)  # load_run names the file if it is no run file either
    runs = load_runs(run_paths)
    unique_labels(sweeps)
    unique_labels(designs)
    unique_labels(sens)
    return Inputs(runs=runs, sweeps=sweeps, observations=obs, solves=solves, designs=designs,
                  sensitivities=sens, discoveries=disc, posteriors=post)
