"""What the report computes from the files, apart from drawing: one number
format per indicator, the scenarios' roles, paired changes in P(met),
lever differences, rank-based drivers, what a sweep says it takes, and
regional shares. Pure functions of the loaded inputs (numpy only)."""

import math
from dataclasses import dataclass

import numpy as np

from .i18n import UnitScale, t


# ---------------------------------------------------------------- formats

class Formats:
    """One UnitScale per indicator for the whole report (fixed by the target
    values and the target statistics of every run and sweep), so that a
    number is printed the same way in every chart and table."""

    def __init__(self, runs, sweeps, lang):
        self.lang = lang
        values, units = {}, {}
        for run in runs:
            for i, ind in enumerate(run.indicators.ids):
                units.setdefault(ind, run.units[i])
                v = values.setdefault(ind, [])
                v.append(float(run.quantiles[i, run.zone_index, -1, run.qindex(0.5)]))
            for tg in run.targets:
                values[tg.indicator] += [tg.value, tg.median, tg.q05, tg.q95]
        for sw in sweeps:  # sweeps and designs
            for i, ind in enumerate(sw.indicators.ids):
                units.setdefault(ind, sw.units[i])
            for tg in sw.targets:
                values.setdefault(tg.indicator, []).append(tg.value)
                values[tg.indicator] += list(np.ravel(sw.median[tg.index]))
        self._scales = {ind: UnitScale(units[ind], lang, values.get(ind, [])) for ind in units}

    def scale(self, ind):
        return self._scales[ind]

    def has(self, ind):
        return ind in self._scales

    def value(self, ind, v):
        return self._scales[ind].value(v)

    def band(self, ind, lo, hi):
        s = self._scales[ind]
        return f"{s.number(lo)} – {s.value(hi)}"


def lever_scale(unit, lang, values=()):
    """How a lever's values are shown: yuan in 亿元 (zh) or million yuan (en),
    shares in %, rates in %/年, others as UnitScale shows them."""
    if unit == "yuan":
        s = UnitScale("yuan", lang, [1e8])   # 亿元 / million yuan, whatever the amount
        s.decimals = 2 if lang == "zh" else 0
        return s
    return UnitScale(unit, lang, list(values))


# ---------------------------------------------------------------- roles

def scenario_roles(runs, plan):
    """Each run's role against the reference run (the plan): plan, whatif (its
    scenario extends the plan's), base (the plan's extends it) or other."""
    roles = {}
    for run in runs:
        if run is plan:
            roles[run.label] = "plan"
        elif plan.id in run.scenario.chain[1:]:
            roles[run.label] = "whatif"
        elif run.id in plan.scenario.chain[1:]:
            roles[run.label] = "base"
        else:
            roles[run.label] = "other"
    return roles


def pick_plan(runs, plan_id=None):
    """The reference run: the one whose scenario id is plan_id, else the first."""
    if plan_id:
        for run in runs:
            if run.id == plan_id or run.label == plan_id:
                return run
        return None
    return runs[0] if runs else None


# ---------------------------------------------------------------- changes in P(met)

@dataclass
class Change:
    key: tuple
    plan: object        # Target in the plan (None if absent)
    other: object       # Target in the other run (None if absent)
    delta: float        # other.p_met - plan.p_met
    se: float           # standard error of delta (paired where the draws allow)
    paired: bool

    @property
    def significant(self):
        return (math.isfinite(self.delta) and math.isfinite(self.se)
                and abs(self.delta) > 2 * self.se and abs(self.delta) > 1e-12)


def _met(tg, draws):
    ok = np.isfinite(draws)
    met = draws >= tg.value if tg.sense != "at_most" else draws <= tg.value
    return met, ok


def same_draws(a, b):
    """Both runs drew the same parameter values (same seed, sampler and draw
    count, and the same /parameters@draws_digest where both files have it, as
    `innosim compare` requires): then their per-draw outcomes are paired
    (common random numbers)."""
    keys = ("seed", "sampler", "draws_requested")
    if not all(str(a.attrs.get(k)) == str(b.attrs.get(k)) for k in keys):
        return False
    return a.draws_digest is None or b.draws_digest is None or a.draws_digest == b.draws_digest


def changes(plan, other):
    """Per target of the plan (in its order), the change in P(met) in `other`,
    with the standard error of the difference: paired over draws valid in
    both when the runs share their draws, else from the two standard errors."""
    out = []
    paired = same_draws(plan, other)
    for tg in plan.targets:
        o = next((x for x in other.targets if x.key == tg.key), None)
        if o is None:
            out.append(Change(tg.key, tg, None, float("nan"), float("nan"), False))
            continue
        delta = o.p_met - tg.p_met
        se = math.hypot(tg.p_met_se, o.p_met_se)
        is_paired = False
        if (paired and plan.has_target_draws
                and plan.target_draws.shape[1] == other.target_draws.shape[1]):
            ma, oka = _met(tg, plan.target_draws[tg.index])
            mb, okb = _met(o, other.target_draws[o.index])
            both = oka & okb
            n = int(both.sum())
            if n > 1:
                d = mb[both].astype(float) - ma[both].astype(float)
                se = float(d.std(ddof=1) / math.sqrt(n))
                is_paired = True
        out.append(Change(tg.key, tg, o, delta, se, is_paired))
    return out


def p_all_binding_se(run):
    """Monte Carlo standard error of P(all binding met) over the draws with no
    NaN target (the draws the joint view counts)."""
    p = float(run.joint.get("p_all_binding", float("nan")))
    if not len(run.targets):
        return p, float("nan")
    n = (int(np.all(np.isfinite(run.target_draws), axis=0).sum()) if run.has_target_draws
         else run.draws_valid)  # store level `summary`: the valid draws
    return p, math.sqrt(p * (1 - p) / n) if n > 0 and math.isfinite(p) else float("nan")


# ---------------------------------------------------------------- levers

def lever_path(table, years, region_ids):
    """A resolved lever's values in each year: [Y] for a zone path or [R, Y]
    per region (rule 'step': the last given value holds; 'linear': straight
    lines between given years; before the first and after the last given
    year the end values hold)."""
    rule = table.get("rule", "step")

    def one(ys, vs):
        ys, vs = np.asarray(ys, float), np.asarray(vs, float)
        if rule == "linear":
            return np.interp(years, ys, vs)
        idx = np.searchsorted(ys, years, side="right") - 1
        return vs[np.clip(idx, 0, len(vs) - 1)]

    if "by_region" in table:
        br = table["by_region"]
        return np.array([one(br[r]["years"], br[r]["values"]) if r in br
                         else np.full(len(years), np.nan) for r in region_ids])
    return one(table.get("years", [0]), table.get("values", [np.nan]))


@dataclass
class LeverDiff:
    id: str
    names: dict         # lang -> name
    unit: str
    years: list         # the horizon's years
    plan: np.ndarray    # [Y] or [R, Y]
    other: np.ndarray
    regions: list       # region ids (per-region levers) or []
    differ_years: list  # years in which any value differs

    def name(self, lang):
        return self.names.get(lang) or self.names.get("en") or self.id


def lever_diffs(plan, other):
    """The levers whose yearly paths differ between two runs' resolved scenarios."""
    start, end = other.scenario.horizon
    if not start or not end:
        start, end = int(other.years[0]), int(other.years[-1])
    years = np.arange(start, end + 1)
    regions = [r for r in other.scenario.region_ids if r] or [
        r for r, role in zip(other.regions.ids, other.region_roles) if role in ("member", "outside")]
    out = []
    ids = list(plan.scenario.levers) + [k for k in other.scenario.levers
                                        if k not in plan.scenario.levers]
    for lid in ids:
        a, b = plan.scenario.levers.get(lid), other.scenario.levers.get(lid)
        ref = b or a
        pa = lever_path(a, years, regions) if a else None
        pb = lever_path(b, years, regions) if b else None
        if pa is not None and pb is not None and pa.shape == pb.shape and np.allclose(
                pa, pb, rtol=1e-12, atol=0, equal_nan=True):
            continue
        if pa is not None and pb is not None and pa.shape != pb.shape:
            # a zone path against a per-region one: compare region by region
            pa = np.broadcast_to(pa, (len(regions), len(years))) if pa.ndim == 1 else pa
            pb = np.broadcast_to(pb, (len(regions), len(years))) if pb.ndim == 1 else pb
        ref_path = pb if pb is not None else pa
        differ = (np.ones(len(years), bool) if pa is None or pb is None else
                  np.any(~np.isclose(pa, pb, rtol=1e-12, atol=0), axis=0)
                  if pa.ndim == 2 else ~np.isclose(pa, pb, rtol=1e-12, atol=0))
        out.append(LeverDiff(
            id=lid, names={"en": ref.get("name_en", ""), "zh": ref.get("name_zh", "")},
            unit=ref.get("unit", ""), years=[int(y) for y in years], plan=pa, other=pb,
            regions=regions if ref_path.ndim == 2 else [],
            differ_years=[int(y) for y, d in zip(years, differ) if d]))
    return out


def describe_lever_value(diff, which, lang, region_names):
    """One cell of the lever table: the path's value in the last year that
    differs (per region for per-region levers), e.g. '4.00亿元（2017年起）'."""
    path = diff.plan if which == "plan" else diff.other
    if path is None:
        return t(lang, "none")
    y_last = diff.differ_years[-1] if diff.differ_years else diff.years[-1]
    y_first = diff.differ_years[0] if diff.differ_years else diff.years[0]
    k = diff.years.index(y_last)
    sc = lever_scale(diff.unit, lang, np.ravel(path).tolist())

    def fmt(v):
        if diff.unit == "switch":
            return t(lang, "lever_on") if v >= 0.5 else t(lang, "lever_off")
        return sc.value(v)

    if path.ndim == 2:
        other_path = diff.other if which == "plan" else diff.plan
        cells = []
        for r, rid in enumerate(diff.regions):
            if other_path is not None and other_path.ndim == 2 and np.isclose(
                    other_path[r, k], path[r, k], rtol=1e-12, atol=0):
                continue
            cells.append(f"{region_names.get(rid, rid)} {fmt(path[r, k])}")
        text = ("、" if lang == "zh" else ", ").join(cells)
    else:
        text = fmt(path[k])
    if y_first != diff.years[0] or len(diff.differ_years) < len(diff.years):
        sep = "" if lang == "zh" else " "
        text += f"{sep}（{t(lang, 'from_year', y=y_first)}）" if lang == "zh" else \
            f" ({t(lang, 'from_year', y=y_first)})"
    return text


# ---------------------------------------------------------------- drivers

@dataclass
class Driver:
    parameter: str
    low: float          # median of the target indicator when the parameter is in its lowest decile
    high: float         # ... in its highest decile
    s1: float           # first-order variance share (binned estimate, bias-corrected)
    rho: float          # Spearman rank correlation (sign: direction of the effect)

    @property
    def swing(self):
        return abs(self.high - self.low)


def drivers(run, targets, top=8, bins=20, tail=0.10):
    """For each target (of `run`): the `top` parameters with the largest
    difference between the target indicator's median when the parameter is
    in its lowest and its highest 10 % of draws, with its first-order
    variance share (a binned estimate of Var(E[y|x])/Var(y), less its
    expected value under no effect, (B−1)/n) and its Spearman correlation.
    A rank-based measure from /parameters/draws and /targets/draws."""
    if not targets or not run.parameter_ids or not run.has_parameter_draws:
        return {}
    X = run.parameter_draws()
    n_all = X.shape[1]
    if n_all != run.target_draws.shape[1] or n_all < 50:
        return {}
    varying = [p for p in range(X.shape[0]) if np.ptp(X[p]) > 0]
    ok = np.all(np.isfinite(run.target_draws), axis=0)
    idx_ok = np.flatnonzero(ok)
    n = idx_ok.size
    if n < 50:
        return {}
    Xv = X[varying][:, idx_ok]
    order = np.argsort(Xv, axis=1, kind="stable")
    ranks = np.empty_like(order)
    rows = np.arange(Xv.shape[0])[:, None]
    ranks[rows, order] = np.arange(n)[None, :]
    k = max(1, int(round(tail * n)))
    bin_of = (ranks * bins) // n
    out = {}
    for tg in targets:
        y = run.target_draws[tg.index][idx_ok]
        vy = float(np.var(y))
        yr = np.argsort(np.argsort(y, kind="stable"), kind="stable").astype(float)
        res = []
        for j, p in enumerate(varying):
            lo = float(np.median(y[order[j, :k]]))
            hi = float(np.median(y[order[j, -k:]]))
            if vy > 0:
                cnt = np.bincount(bin_of[j], minlength=bins)
                sm = np.bincount(bin_of[j], weights=y, minlength=bins)
                means = sm[cnt > 0] / cnt[cnt > 0]
                between = float(np.sum(cnt[cnt > 0] * (means - y.mean()) ** 2) / n)
                s1 = max(0.0, between / vy - (bins - 1) / n)
            else:
                s1 = 0.0
            rho = float(np.corrcoef(ranks[j].astype(float), yr)[0, 1]) if vy > 0 else 0.0
            res.append(Driver(run.parameter_ids[p], lo, hi, s1, rho))
        res.sort(key=lambda d: (-d.swing, -d.s1, d.parameter))
        out[tg.index] = res[:top]
    return out


def parameter_label(run, pid, lang):
    """'GDP share · Yinchuan' for 'gdp_share[yinchuan]'; the display name when
    the file has one, else the id."""
    base, region = pid, None
    if pid.endswith("]") and "[" in pid:
        base, region = pid[:-1].split("[", 1)
    names = run.parameter_names
    name = None
    if names is not None and pid in names.ids:
        name = names.name(pid, lang)
        if name == pid:
            name = None
    if name is None and names is not None and base in names.ids:
        name = names.name(base, lang)
    name = name or base
    if region and region in run.regions.ids and region not in name:
        name = f"{name} · {run.region_name(region, lang)}"
    return name


# ---------------------------------------------------------------- what it takes

@dataclass
class Crossing:
    value: float        # lever value (its unit) where the curve reaches the level, or nan
    beyond: bool        # not reached within the sweep
    max_value: float    # the sweep's largest lever value


def crossing(x, y, level, log=True, increasing=True):
    """The smallest x at which y (ordered by x) reaches `level`, interpolated
    linearly in log x (or x) between the two sweep points around it."""
    order = np.argsort(x, kind="stable")
    xs, ys = np.asarray(x, float)[order], np.asarray(y, float)[order]
    ok = ys >= level if increasing else ys <= level
    if not ok.any():
        return Crossing(float("nan"), True, float(xs[-1]))
    k = int(np.argmax(ok))
    if k == 0:
        return Crossing(float(xs[0]), False, float(xs[-1]))
    x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
    f = (level - y0) / (y1 - y0) if y1 != y0 else 1.0
    if log and x0 > 0 and x1 > 0:
        v = math.exp(math.log(x0) + f * (math.log(x1) - math.log(x0)))
    else:
        v = x0 + f * (x1 - x0)
    return Crossing(float(v), False, float(xs[-1]))


def sweep_needs(sw, tg):
    """Where the sweep's median of target tg reaches the target, and where its
    P(met) reaches the on-track threshold."""
    log = bool(np.all(sw.lever_value > 0))
    inc = tg.sense != "at_most"
    med = crossing(sw.lever_value, sw.median[tg.index], tg.value, log, inc)
    pm = crossing(sw.lever_value, sw.p_met[tg.index], sw.on_track, log, True)
    return med, pm


# ---------------------------------------------------------------- regions

ADDITIVE_UNITS = ("yuan", "count", "people", "persons")


def region_shares(run, i, y):
    """Each member region's share of the zone's mean in year index y (None when
    the indicator does not add up over the regions: a ratio or a rate)."""
    members = run.member_indices()
    if run.units[i] not in ADDITIVE_UNITS or not members:
        return None
    zone = float(run.mean[i, run.zone_index, y])
    parts = run.mean[i, members, y]
    if not (zone > 0) or not math.isclose(float(parts.sum()), zone, rel_tol=0.02):
        return None
    return parts / zone
