"""Calibration, from a posterior file (`innosim calibrate`, docs/hdf5-schema.md):
what the observations taught. First, each calibrated parameter's prior
and posterior 90 % intervals and medians (the parameters the data narrowed
most first, each row on the scale of its prior interval, the numbers at the
ends); then, for every observed series, the model's band over the prior
draws against its band over the posterior particles, with the observed
values and their measurement error."""

import math
import os
from dataclasses import dataclass

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style
from .analysis import parameter_label
from .charts import Chart, page_suffix, pages, slug, suptitle
from .i18n import UnitScale, fmt_pct, t, wrap
from .runfile import (Names, RunFileError, ScenarioFile, _array, _check_version, _decode, _open,
                      _scenario_info, _strings, _toml)

PRIOR = "#9a9a9a"
POST = style.OKABE_ITO["blue"]
ROWS_PER_PAGE = 12
FANS_PER_PAGE = 6


@dataclass
class Posterior(ScenarioFile):
    path: str
    label: str
    attrs: dict
    scenario: object
    params: list          # [P] ids
    units: list
    priors: list          # the prior distributions in words
    stats: dict           # {prior,posterior}_{q05,median,q95,sd}, shrinkage: [P]
    obs: dict             # indicator, region, unit: [J] str; year [J]; value, sd [J]
    inside: np.ndarray    # [J] 1 when the observation is in the posterior replicate band
    fan_series: list      # [F] (indicator, region)
    fan_years: np.ndarray
    fan_levels: np.ndarray
    fan_prior: np.ndarray  # [F, Y, Q]
    fan_post: np.ndarray
    suffix: str = ""
    param_names: object = None  # Names of the calibrated scenario's parameters (base ids)
    generations: dict = None    # /generations datasets by name ([G + 1], generation 0 the prior)
    warnings: list = None       # /warnings


GENERATIONS = ("phi", "ess", "acceptance_theta", "acceptance_noise", "sweeps")
STATS = tuple(f"{w}_{s}" for w in ("prior", "posterior") for s in ("q05", "median", "q95", "sd")) \
    + ("shrinkage",)


def load_posterior(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-posterior")
        ids = _strings(f, "parameters/id", path)
        n = len(ids)
        units = _strings(f, "parameters/unit", path) if "parameters/unit" in f else [""] * n
        priors = _strings(f, "parameters/prior", path) if "parameters/prior" in f else [""] * n
        stats = {k: _array(f, f"parameters/{k}", path, 1).astype(float) for k in STATS}
        obs = {k: _strings(f, f"observations/{k}", path) for k in ("indicator", "region", "unit")}
        obs["year"] = _array(f, "observations/year", path, 1).astype(int)
        obs["value"] = _array(f, "observations/value", path, 1).astype(float)
        obs["sd"] = _array(f, "observations/sd", path, 1).astype(float)
        inside = _array(f, "predictive/inside", path, 1).astype(bool)
        levels = _array(f, "predictive/levels", path, 1).astype(float)
        series = list(zip(_strings(f, "fan/indicator", path), _strings(f, "fan/region", path)))
        years = _array(f, "fan/years", path, 1).astype(int)
        fp = _array(f, "fan/prior", path, 3).astype(float)
        fq = _array(f, "fan/posterior", path, 3).astype(float)
        scenario = _scenario_info(f, attrs, path)
        resolved = _toml(_strings(f, "scenario/resolved", path)) if "scenario/resolved" in f else {}
        gens = {k: _array(f, f"generations/{k}", path, 1).astype(float) for k in GENERATIONS
                if f"generations/{k}" in f}
        warnings = _strings(f, "warnings", path) if "warnings" in f else []
    if any(len(v) != n for v in (units, priors, *stats.values())):
        raise RunFileError(f"{path}: the /parameters datasets differ in length")
    nj = len(obs["indicator"])
    if any(len(v) != nj for v in (*obs.values(), inside)):
        raise RunFileError(f"{path}: the /observations datasets differ in length")
    shape = (len(series), len(years), len(levels))
    if fp.shape != shape or fq.shape != shape:
        raise RunFileError(f"{path}: /fan/prior {fp.shape} and /fan/posterior {fq.shape}, "
                           f"expected [F, Y, Q] = {shape}")
    for q in (0.05, 0.5, 0.95):
        if not np.any(np.isclose(levels, q)):
            raise RunFileError(f"{path}: /predictive/levels lacks {q}")
    return Posterior(path=path, label=scenario.id, attrs=attrs, scenario=scenario, params=ids,
                     units=units, priors=priors, stats=stats, obs=obs, inside=inside,
                     fan_series=series, fan_years=years, fan_levels=levels, fan_prior=fp,
                     fan_post=fq, param_names=_own_names(resolved),
                     generations=gens if len(gens) == len(GENERATIONS) else None, warnings=warnings)


def _own_names(resolved):
    """The calibrated scenario's own display names of its parameters (a
    hindcast's start values are those of its start year, not the plan's)."""
    table = resolved.get("parameters", {}) if isinstance(resolved, dict) else {}
    ids = [k for k, v in table.items() if isinstance(v, dict) and (v.get("name_en") or v.get("name_zh"))]
    if not ids:
        return None
    return Names(ids, [str(table[k].get("name_en", "")) for k in ids],
                 [str(table[k].get("name_zh", "")) for k in ids])


def _label(run, post, pid, lang):
    """A calibrated parameter's name: the posterior's own scenario's, with the
    region's name from the run; else as the run names it; else the id."""
    base, region = pid, None
    if pid.endswith("]") and "[" in pid:
        base, region = pid[:-1].split("[", 1)
    if post.param_names is not None and base in post.param_names.ids:
        name = post.param_names.name(base, lang)
        if region:
            known = run is not None and region in run.regions.ids
            name = f"{name} · {run.region_name(region, lang) if known else region}"
        return name
    return parameter_label(run, pid, lang) if run is not None else pid


def _names_run(ctx, post):
    """A run of the same scenario (or one it extends, as a hindcast's plan): names for ids."""
    return next((r for r in ctx.runs if r.id == post.id), None) or \
        next((r for r in ctx.runs if post.id in r.scenario.chain), None) or ctx.plan


def _number(v):
    a = abs(v)
    if a != 0 and (a >= 1e5 or a < 1e-3):
        return f"{v:.3g}"
    return f"{v:,.4g}" if a >= 1000 else f"{v:.3g}"


def _calibrated_run(ctx, post):
    """A run of the report that draws from this posterior (its scenario's
    [posterior] file has the posterior's file name), or None."""
    name = os.path.basename(post.path)
    for r in ctx.runs:
        table = getattr(r.scenario, "posterior", None) or {}
        if os.path.basename(str(table.get("file", ""))) == name:
            return r
    return None


def _excluded(pid, exclude):
    base = pid.split("[", 1)[0]
    return pid in exclude or base in exclude


def posterior_charts(ctx, post):
    charts = []
    order = sorted(range(len(post.params)),
                   key=lambda p: (-np.nan_to_num(post.stats["shrinkage"][p], nan=-9), p))
    # With a run on this posterior in the report, the parameters that run takes
    # from the posterior; the ones its [posterior] exclude keeps on their
    # priors are left out of the charts (the caption says how many).
    user = _calibrated_run(ctx, post)
    left_out = 0
    if user is not None:
        exclude = [str(x) for x in (user.scenario.posterior or {}).get("exclude", [])]
        kept = [p for p in order if not _excluded(post.params[p], exclude)]
        left_out = len(order) - len(kept)
        order = kept or order
    groups = pages(order, ROWS_PER_PAGE)
    charts += [_params_page(ctx, post, g, k, len(groups), user, left_out) for k, g in enumerate(groups, 1) if g]
    series = list(range(len(post.fan_series)))
    groups = pages(series, FANS_PER_PAGE)
    charts += [_fans_page(ctx, post, g, k, len(groups)) for k, g in enumerate(groups, 1) if g]
    if post.generations is not None:
        charts.append(_generations_chart(ctx, post))
    return charts


def _generations_chart(ctx, post):
    """The sampler's course: temperature per generation; effective sample size
    (share of the particles) and the share of moves accepted; the warnings."""
    lang = ctx.lang
    g = post.generations
    n = float(post.attrs.get("particles", 1) or 1)
    gen = np.arange(len(g["phi"]))
    fig, (a, b) = plt.subplots(1, 2, figsize=style.SLIDE)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.80, bottom=0.22, wspace=0.22)
    a.plot(gen, g["phi"], "o-", color=POST, lw=2.4, gid="phi")
    a.set_ylim(-0.03, 1.05)
    a.set_title(t(lang, "smc_phi"), loc="left", fontsize=13)
    b.plot(gen, 100 * g["ess"] / n, "o-", color="#555555", lw=2, label=t(lang, "smc_ess"), gid="ess")
    b.plot(gen[1:], 100 * g["acceptance_theta"][1:], "s-", color=POST, lw=2, label=t(lang, "smc_acc_theta"))
    b.plot(gen[1:], 100 * g["acceptance_noise"][1:], "^-", color=style.OKABE_ITO["orange"], lw=2,
           label=t(lang, "smc_acc_noise"))
    b.set_ylim(0, 105)
    b.set_ylabel("%")
    b.set_title(t(lang, "smc_shares"), loc="left", fontsize=13)
    b.legend(fontsize=11, loc="upper center")
    for ax in (a, b):
        ax.set_xlabel(t(lang, "smc_generation"))
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.grid(color="#eeeeee")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    warn = post.warnings or []
    note = "; ".join(warn) if warn else t(lang, "smc_no_warnings")
    fig.text(0.01, 0.075, wrap(t(lang, "smc_warnings", w=note), "en" if note.isascii() else lang, 95),
             fontsize=11.5, color=style.BINDING if warn else "#555555", ha="left", va="bottom")
    title = t(lang, "smc_title", scn=post.name(lang), g=len(gen) - 1)
    suptitle(fig, title)
    _footer(fig, post, lang)
    return Chart(f"calibration_{slug(post.label)}_generations", fig, title,
                 t(lang, "smc_cap", file=post.path),
                 dict(kind="posterior_generations", scenario=post.label, file=post.path,
                      particles=n, **{k: g[k].tolist() for k in GENERATIONS}, warnings=list(warn)))


def _params_page(ctx, post, rows, k, n, user=None, left_out=0):
    lang = ctx.lang
    st = post.stats
    run = _names_run(ctx, post)
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.30, right=0.90, top=0.84, bottom=0.13)
    out = []
    for y, p in enumerate(rows):
        lo, hi = st["prior_q05"][p], st["prior_q95"][p]
        span = (hi - lo) or 1.0

        def x(v):
            return (v - lo) / span
        ax.plot([0, 1], [y, y], color=PRIOR, lw=9, alpha=0.55, solid_capstyle="butt")
        ax.plot([x(st["prior_median"][p])], [y], "|", color="#555555", ms=18, mew=2.5)
        ax.plot([x(st["posterior_q05"][p]), x(st["posterior_q95"][p])], [y, y], color=POST, lw=4,
                solid_capstyle="butt", gid=f"posterior_{p}")
        ax.plot([x(st["posterior_median"][p])], [y], "o", color=POST, mec="black", ms=9, zorder=4)
        left = min(0.0, x(st["posterior_q05"][p]))
        right = max(1.0, x(st["posterior_q95"][p]))
        ax.text(left - 0.03, y, _number(lo), ha="right", va="center", fontsize=10, color="#555555")
        ax.text(right + 0.03, y, _number(hi), ha="left", va="center", fontsize=10, color="#555555")
        name = _label(run, post, post.params[p], lang)
        out.append(dict(parameter=post.params[p], name=name, unit=post.units[p],
                        prior=post.priors[p], **{s: float(st[s][p]) for s in STATS}))
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{wrap(r['name'], lang, 22)}\n"
                        f"{t(lang, 'shrinkage', s=fmt_pct(r['shrinkage']))}" for r in out],
                       fontsize=10.5)
    ax.set_ylim(len(rows) - 0.5, -0.7)
    xs = [v for r in out for v in ((r["posterior_q05"] - r["prior_q05"]) /
                                   ((r["prior_q95"] - r["prior_q05"]) or 1.0),
                                   (r["posterior_q95"] - r["prior_q05"]) /
                                   ((r["prior_q95"] - r["prior_q05"]) or 1.0))]
    ax.set_xlim(min(-0.2, min(xs) - 0.2), max(1.2, max(xs) + 0.2))
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [Line2D([], [], color=PRIOR, lw=9, alpha=0.55, label=t(lang, "prior90")),
               Line2D([], [], ls="none", marker="|", ms=16, mew=2.5, color="#555555",
                      label=t(lang, "prior_median")),
               Line2D([], [], color=POST, lw=4, marker="o", mec="black", label=t(lang, "posterior90"))]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=13, bbox_to_anchor=(0.55, 0.02))
    title = t(lang, "posterior_title", scn=post.name(lang)) + page_suffix(lang, k, n)
    suptitle(fig, title)
    _footer(fig, post, lang)
    sfx = "" if n == 1 else f"_{k}"
    cap = t(lang, "posterior_cap", file=post.path)
    if user is not None and left_out:
        cap += " " + t(lang, "posterior_cap_used", scn=user.name(lang), n=len(post.params) - left_out,
                       m=left_out)
    return Chart(f"calibration_{slug(post.label)}_parameters{sfx}", fig, title, cap,
                 dict(kind="posterior_parameters", scenario=post.label, file=post.path,
                      parameters=out))


def _footer(fig, post, lang):
    a = post.attrs
    fig.text(0.01, 0.012, t(lang, "posterior_footer", n=a.get("particles", "?"),
                            obs=len(post.obs["value"]), seed=a.get("seed", "?"),
                            ev=f"{float(a.get('log_evidence', math.nan)):.2f}"),
             fontsize=12, color="#555555", ha="left", va="bottom")


def _fans_page(ctx, post, series, k, n):
    lang = ctx.lang
    run = _names_run(ctx, post)
    qi = {q: int(np.flatnonzero(np.isclose(post.fan_levels, q))[0]) for q in (0.05, 0.5, 0.95)}
    ncols = 3 if len(series) > 2 else len(series)
    nrows = math.ceil(len(series) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.06, right=0.985, top=0.83, bottom=0.16, hspace=0.55, wspace=0.28)
    yrs = post.fan_years
    panels = []
    for slot, s in enumerate(series):
        ax = axes[slot // ncols][slot % ncols]
        ind, reg = post.fan_series[s]
        sel = [j for j in range(len(post.obs["value"]))
               if post.obs["indicator"][j] == ind and post.obs["region"][j] == reg]
        unit = post.obs["unit"][sel[0]] if sel else ""
        vals = list(post.fan_prior[s, :, qi[0.95]]) + [post.obs["value"][j] for j in sel]
        sc = UnitScale(unit or "1", lang, [v for v in vals if np.isfinite(v)])
        pr, po = post.fan_prior[s], post.fan_post[s]
        ax.fill_between(yrs, sc.scale(pr[:, qi[0.05]]), sc.scale(pr[:, qi[0.95]]), color=PRIOR,
                        alpha=0.3, lw=0)
        ax.plot(yrs, sc.scale(pr[:, qi[0.5]]), color=PRIOR, lw=1.8, ls="--")
        ax.fill_between(yrs, sc.scale(po[:, qi[0.05]]), sc.scale(po[:, qi[0.95]]), color=POST,
                        alpha=0.3, lw=0)
        ax.plot(yrs, sc.scale(po[:, qi[0.5]]), color=POST, lw=2.4, gid=f"posterior_median_{s}")
        for j in sel:
            ax.errorbar([post.obs["year"][j]], [sc.scale(post.obs["value"][j])],
                        yerr=[sc.scale(post.obs["sd"][j])], fmt="o",
                        color="black" if post.inside[j] else style.BINDING, ms=7, capsize=3,
                        zorder=5)
        name = run.indicator_name(ind, lang) if run is not None and ind in run.indicators.ids \
            else ind
        region = run.region_name(reg, lang) if run is not None and reg in run.regions.ids else reg
        ax.set_title(f"{wrap(name, lang, 18)} · {region}", loc="left", fontsize=12)
        ax.set_ylabel(sc.label, fontsize=11)
        ax.tick_params(labelsize=10)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True, nbins=6))
        ax.grid(color="#eeeeee")
        panels.append(dict(indicator=ind, region=reg, unit=unit, years=yrs, levels=post.fan_levels,
                           prior=pr, posterior=po,
                           observed=[dict(year=int(post.obs["year"][j]),
                                          value=float(post.obs["value"][j]),
                                          sd=float(post.obs["sd"][j]),
                                          inside=bool(post.inside[j])) for j in sel]))
    for slot in range(len(series), nrows * ncols):
        axes[slot // ncols][slot % ncols].axis("off")
    handles = [Patch(color=PRIOR, alpha=0.3, label=t(lang, "prior_band")),
               Patch(color=POST, alpha=0.3, label=t(lang, "posterior_band")),
               Line2D([], [], ls="none", marker="o", color="black", label=t(lang, "observed_sd")),
               Line2D([], [], ls="none", marker="o", color=style.BINDING,
                      label=t(lang, "observed_outside"))]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=12, bbox_to_anchor=(0.5, 0.04))
    inside = int(post.inside.sum())
    title = t(lang, "posterior_fans_title", scn=post.name(lang), k=inside,
              n=len(post.inside)) + page_suffix(lang, k, n)
    suptitle(fig, title)
    _footer(fig, post, lang)
    sfx = "" if n == 1 else f"_{k}"
    return Chart(f"calibration_{slug(post.label)}_fans{sfx}", fig, title,
                 t(lang, "posterior_fans_cap", file=post.path),
                 dict(kind="posterior_fans", scenario=post.label, file=post.path, inside=inside,
                      observations=len(post.inside), panels=panels))
