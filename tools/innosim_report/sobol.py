"""Drivers from a sensitivity file (`innosim sensitivity`, docs/hdf5-schema.md):
for each target missed or at risk, a tornado of the factors' Sobol total
indices of the indicator in its target year, with their bootstrap
intervals, and the first-order index beside them; the model's yearly
random inputs as one more factor. Two targets side by side on a slide."""

from dataclasses import dataclass

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style
from .charts import Chart, page_suffix, pages, slug, suptitle
from .i18n import fmt_pct, sense_symbol, t, wrap
from .runfile import (RunFileError, ScenarioFile, _array, _check_version, _decode, _open,
                      _scenario_info, _strings, _thresholds, read_target_list)

TOP = 8
PER_PAGE = 2
TOTAL = style.OKABE_ITO["blue"]
FIRST = style.OKABE_ITO["sky_blue"]


@dataclass
class Sensitivity(ScenarioFile):
    path: str
    label: str
    attrs: dict
    scenario: object
    targets: list            # [T] SweepTarget
    target_ids: list
    factors: list            # [G] names
    declared: np.ndarray     # [G] 1 for a declared group
    out_target: np.ndarray   # [O]
    out_year: np.ndarray
    out_kind: list
    sobol: dict              # first, first_lo, first_hi, total, total_lo, total_hi [O, G];
    #                          noise_* [O]; mean, variance [O]; samples [O]
    on_track: float
    at_risk: float
    suffix: str = ""

    def output(self, tg, kind):
        """Index of the target's output of `kind` (value / met) in its target year."""
        hit = np.flatnonzero((self.out_target == tg.index) & (self.out_year == tg.year)
                             & (np.asarray(self.out_kind) == kind))
        return int(hit[0]) if hit.size else None

    def p_met(self, tg):
        o = self.output(tg, "met")
        return float(self.sobol["mean"][o]) if o is not None else float("nan")


SOBOL_SETS = ("first", "first_lo", "first_hi", "total", "total_lo", "total_hi")
NOISE_SETS = tuple("noise_" + k for k in SOBOL_SETS)


def load_sensitivity(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-sensitivity")
        if "sobol" not in f:
            raise RunFileError(f"{path}: no /sobol (a Morris-only file: run innosim sensitivity "
                               "with --method sobol or both for the report's tornados)")
        targets = read_target_list(f, path)
        ids = (_strings(f, "targets/id", path) if "targets/id" in f
               else [tg.indicator for tg in targets])
        factors = _strings(f, "factors/name", path)
        declared = (_array(f, "factors/declared", path, 1).astype(int) if "factors/declared" in f
                    else np.zeros(len(factors), dtype=int))
        out_target = _array(f, "outputs/target", path, 1).astype(int)
        out_year = _array(f, "outputs/year", path, 1).astype(int)
        out_kind = _strings(f, "outputs/kind", path)
        no, ng = len(out_target), len(factors)
        sob = {}
        for k in SOBOL_SETS:
            sob[k] = _array(f, f"sobol/{k}", path, 2).astype(float)
            if sob[k].shape != (no, ng):
                raise RunFileError(f"{path}: /sobol/{k} has shape {sob[k].shape}, expected "
                                   f"[O, G] = {(no, ng)}")
        for k in (*NOISE_SETS, "mean", "variance"):
            sob[k] = (_array(f, f"sobol/{k}", path, 1).astype(float) if f"sobol/{k}" in f
                      else np.full(no, np.nan))
            if sob[k].shape != (no,):
                raise RunFileError(f"{path}: /sobol/{k} has {sob[k].shape[0]} entries, "
                                   f"/outputs/target {no}")
        if len(out_year) != no or len(out_kind) != no or np.any(out_target >= len(targets)):
            raise RunFileError(f"{path}: /outputs/target, year and kind disagree with each other "
                               "or with /targets")
        sob["base_samples"] = int(f["sobol"].attrs.get("base_samples", 0))
        on_track, at_risk = _thresholds(f, path)
        scenario = _scenario_info(f, attrs, path)
    return Sensitivity(path=path, label=scenario.id, attrs=attrs, scenario=scenario,
                       targets=targets, target_ids=ids, factors=factors, declared=declared,
                       out_target=out_target, out_year=out_year, out_kind=out_kind, sobol=sob,
                       on_track=on_track, at_risk=at_risk)


def sensitivity_targets(sens):
    """Binding targets, then those not on track (by the file's own P(met)), least likely first."""
    bind = [tg for tg in sens.targets if tg.binding and sens.output(tg, "value") is not None]
    rest = [tg for tg in sens.targets if not tg.binding and sens.output(tg, "value") is not None
            and not sens.p_met(tg) >= sens.on_track]
    return bind + sorted(rest, key=lambda tg: (sens.p_met(tg), tg.index))


def factor_label(run, name, lang):
    """A factor's display name: a declared group keeps its name; a parameter (or the
    base name of a per-region parameter) its display name from the run file."""
    names = getattr(run, "parameter_names", None)
    if names is None:
        return name
    if name in names.ids:
        return names.name(name, lang)
    for pid in names.ids:
        if pid.startswith(name + "["):
            shown = names.name(pid, lang)
            return name if shown == pid else shown
    return name


def sobol_charts(ctx, sens):
    tgs = sensitivity_targets(sens)
    groups = pages(tgs, PER_PAGE)
    return [_page(ctx, sens, g, k, len(groups)) for k, g in enumerate(groups, 1) if g]


def _names_run(ctx, sens):
    """The run whose parameter display names name the factors: one of the same scenario."""
    return next((r for r in ctx.runs if r.id == sens.id), ctx.plan)


def _panel(ax, ctx, sens, tg):
    lang = ctx.lang
    o = sens.output(tg, "value")
    s = sens.sobol
    st = s["total"][o]
    order = [g for g in np.argsort(-np.nan_to_num(st, nan=-1), kind="stable") if np.isfinite(st[g])]
    top = order[:TOP]
    run = _names_run(ctx, sens)
    rows = [dict(factor=sens.factors[g], name=factor_label(run, sens.factors[g], lang),
                 declared=bool(sens.declared[g]), total=st[g], total_lo=s["total_lo"][o, g],
                 total_hi=s["total_hi"][o, g], first=s["first"][o, g],
                 first_lo=s["first_lo"][o, g], first_hi=s["first_hi"][o, g]) for g in top]
    if np.isfinite(s["noise_total"][o]):
        rows.append(dict(factor="yearly noise", name=t(lang, "yearly_noise"), declared=False,
                         **{k: s["noise_" + k][o] for k in SOBOL_SETS}))
    y = np.arange(len(rows))
    tot = np.array([r["total"] for r in rows])
    lo = np.array([r["total_lo"] for r in rows])
    hi = np.array([r["total_hi"] for r in rows])
    ax.barh(y, tot, height=0.62, color=TOTAL, gid="total")
    ax.errorbar(tot, y, xerr=[np.maximum(tot - lo, 0), np.maximum(hi - tot, 0)], fmt="none",
                ecolor="#222222", elinewidth=1.6, capsize=4, zorder=4, gid="total_ci")
    first = np.array([r["first"] for r in rows])
    ax.plot(np.clip(first, 0, None), y, "o", ms=9, color=FIRST, mec="#333333", zorder=5,
            gid="first")
    for yy, r in zip(y, rows):
        ax.text(max(r["total_hi"], r["total"]) + 0.01, yy, fmt_pct(r["total"]), va="center",
                fontsize=10.5, color="#333333")
    ax.set_yticks(y)
    ax.set_yticklabels([wrap(r["name"], lang, 12) for r in rows], fontsize=10.5)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    xmax = max(1e-3, float(np.nanmax(np.concatenate([hi, tot]))))
    ax.set_xlim(0, min(1.0, xmax * 1.25 + 0.04))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    ax.grid(axis="x", color="#e0e0e0")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="x", labelsize=11)
    ax.set_xlabel(t(lang, "sobol_axis"), fontsize=12)
    name = run.indicator_name(tg.indicator, lang) if tg.indicator in run.indicators.ids \
        else tg.indicator
    star = "★ " if tg.binding else ""
    fmt = ctx.fmt.scale(tg.indicator) if ctx.fmt.has(tg.indicator) else None
    value = fmt.value(tg.value) if fmt else f"{tg.value:g}"
    ax.set_title(f"{star}{wrap(name, lang, 16)} {sense_symbol(tg.sense)} {value} ({tg.year})\n"
                 f"{t(lang, 'p_met')} {fmt_pct(sens.p_met(tg))}", fontsize=12.5, loc="left",
                 color=style.BINDING if tg.binding else "#111111")
    return dict(indicator=tg.indicator, region=tg.region, year=tg.year, kind=tg.kind,
                sense=tg.sense, target=tg.value, output=o, p_met=sens.p_met(tg), factors=rows)


def _page(ctx, sens, items, k, n):
    lang = ctx.lang
    fig, axes = plt.subplots(1, PER_PAGE, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.15, right=0.975, top=0.80, bottom=0.16, wspace=0.85)
    panels = [_panel(axes[0][slot], ctx, sens, tg) for slot, tg in enumerate(items)]
    for slot in range(len(items), PER_PAGE):
        axes[0][slot].axis("off")
    conf = fmt_pct(float(sens.attrs.get("confidence", 0.95)))
    handles = [Patch(color=TOTAL, label=t(lang, "sobol_total")),
               Line2D([], [], color="#222222", lw=1.6, label=t(lang, "sobol_ci", c=conf)),
               Line2D([], [], ls="none", marker="o", ms=9, color=FIRST, mec="#333333",
                      label=t(lang, "sobol_first"))]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=13,
               bbox_to_anchor=(0.5, 0.03))
    title = t(lang, "drivers_title", scn=sens.name(lang)) + page_suffix(lang, k, n)
    suptitle(fig, title)
    fig.text(0.01, 0.012, t(lang, "sobol_footer", n=sens.sobol["base_samples"],
                            seed=sens.attrs.get("seed", "?"), r=sens.attrs.get("resamples", "?")),
             fontsize=12, color="#555555", ha="left", va="bottom")
    cap = t(lang, "drivers_cap_sobol", file=sens.path)
    sfx = "" if n == 1 else f"_{k}"
    return Chart(f"drivers_sobol_{slug(sens.label)}{sfx}", fig, title, cap,
                 dict(kind="drivers_sobol", scenario=sens.label, file=sens.path,
                      method="Sobol total (and first-order) indices of the indicator in the "
                             "target year, bootstrap intervals, from the sensitivity file",
                      confidence=float(sens.attrs.get("confidence", 0.95)), panels=panels))
