"""Regions: each member region's median and 90 % band in the target year,
beside the zone's, and each region's share of the zone total."""

import math

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.patches import Patch

from . import style
from .analysis import region_shares
from .charts import Chart, page_suffix, footer, pages, suptitle
from .drivers import driver_targets
from .i18n import fmt_pct, t, wrap

PANELS_PER_PAGE = 6
REGION_COLOURS = [style.OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "reddish_purple",
                                               "sky_blue", "vermillion", "yellow", "black")]


def _zone_targets(run):
    """One target per indicator of the zone that the plan misses or risks, in
    the order of the drivers section (binding, then by P(met))."""
    out, seen = [], set()
    for tg in driver_targets(run):
        if tg.region == run.zone_id and tg.indicator not in seen:
            seen.add(tg.indicator)
            out.append(tg)
    return out


def region_charts(ctx, run=None):
    run = run or ctx.plan
    if len(run.member_indices()) < 2:
        return []
    tgs = _zone_targets(run)
    groups = pages(tgs, PANELS_PER_PAGE)
    charts = [_panels(ctx, run, g, k, len(groups)) for k, g in enumerate(groups, 1) if g]
    share = _shares(ctx, run, tgs)
    return charts + ([share] if share else [])


def _panels(ctx, run, tgs, k, n):
    lang = ctx.lang
    members = run.member_indices()
    ncols = 3 if len(tgs) > 2 else len(tgs)
    nrows = math.ceil(len(tgs) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.09, right=0.985, top=0.84, bottom=0.08, hspace=0.6, wspace=0.75)
    panels = []
    year = tgs[0].year
    for slot, tg in enumerate(tgs):
        ax = axes[slot // ncols][slot % ncols]
        i = run.indicator_index(tg.indicator)
        y = int(np.flatnonzero(run.years == tg.year)[0])
        sc = ctx.fmt.scale(tg.indicator)
        shares = region_shares(run, i, y)
        names, med, lo, hi = [], [], [], []
        for r in members:
            names.append(run.regions.names(lang)[r])
            med.append(run.quantiles[i, r, y, run.qindex(0.5)])
            lo.append(run.quantiles[i, r, y, run.qindex(0.05)])
            hi.append(run.quantiles[i, r, y, run.qindex(0.95)])
        rows = len(members) + 1
        ypos = np.arange(rows)
        # the zone first, with the target table's exact statistics
        allm = [tg.median] + med
        alll = [tg.q05] + lo
        allh = [tg.q95] + hi
        labels = [run.regions.names(lang)[run.zone_index]] + names
        for yy, m, a, b in zip(ypos, allm, alll, allh):
            col = "black" if yy == 0 else style.FAN
            ax.plot([sc.scale(a), sc.scale(b)], [yy, yy], color=col, lw=3, alpha=0.55,
                    solid_capstyle="butt")
            ax.plot([sc.scale(m)], [yy], "o", color=col, ms=8, gid=f"median_{yy}")
        if shares is not None:
            labels = [labels[0]] + [f"{nm} ({fmt_pct(s)})" for nm, s in zip(names, shares)]
        ax.set_yticks(ypos)
        ax.set_yticklabels([wrap(lb, lang, 8) for lb in labels], fontsize=10.5)
        ax.get_yticklabels()[0].set_fontweight("bold")
        ax.invert_yaxis()
        ax.axvline(sc.scale(tg.value), color=style.BINDING if tg.binding else style.EXPECTED,
                   ls="--", lw=1.8, gid="target")
        ax.grid(axis="x", color="#e0e0e0")
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="x", labelsize=10.5)
        ax.set_xlabel(sc.label, fontsize=11)
        star = "★ " if tg.binding else ""
        ax.set_title(f"{star}{wrap(run.indicator_name(tg.indicator, lang), lang, 14)}", fontsize=12,
                     loc="left")
        v = [sc.scale(x) for x in alll + allh + [tg.value]]
        if min(v) >= 0:
            ax.set_xlim(0, max(v) * 1.08 or 1)
        panels.append(dict(indicator=tg.indicator, year=tg.year, unit=sc.label, factor=sc.factor,
                           regions=[run.regions.ids[r] for r in members],
                           median=med, q05=lo, q95=hi,
                           shares=None if shares is None else list(shares),
                           targets=[tg.record(run.label)]))
    for slot in range(len(tgs), nrows * ncols):
        axes[slot // ncols][slot % ncols].axis("off")
    title = t(lang, "regions_title", year=year, scn=run.name(lang))
    title += page_suffix(lang, k, n)
    suptitle(fig, title)
    footer(fig, run, lang)
    return Chart("regions" if n == 1 else f"regions_{k}", fig, title,
                 t(lang, "regions_cap", year=year),
                 dict(kind="regions", scenario=run.label, panels=panels,
                      targets=[p["targets"][0] for p in panels]))


def _shares(ctx, run, tgs):
    lang = ctx.lang
    members = run.member_indices()
    rows = []
    for tg in tgs:
        i = run.indicator_index(tg.indicator)
        y = int(np.flatnonzero(run.years == tg.year)[0])
        s = region_shares(run, i, y)
        if s is not None:
            rows.append((tg, s))
    if not rows:
        return None
    year = rows[0][0].year
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.30, right=0.97, top=0.84, bottom=0.16)
    ypos = np.arange(len(rows))
    left = np.zeros(len(rows))
    for k, r in enumerate(members):
        w = np.array([100 * s[k] for _, s in rows])
        col = REGION_COLOURS[k % len(REGION_COLOURS)]
        ax.barh(ypos, w, left=left, color=col, height=0.7, edgecolor="white", lw=1,
                label=run.regions.names(lang)[r], gid=f"share_{run.regions.ids[r]}")
        for yy, (ww, ll) in enumerate(zip(w, left)):
            if ww >= 6:
                ax.text(ll + ww / 2, yy, fmt_pct(ww / 100), ha="center", va="center", fontsize=11,
                        color="white" if k in (0, 2, 3) else "black")
        left += w
    ax.set_yticks(ypos)
    ax.set_yticklabels([wrap(run.indicator_name(tg.indicator, lang), lang, 14) for tg, _ in rows],
                       fontsize=12)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0f}%"))
    ax.grid(False)
    handles = [Patch(color=REGION_COLOURS[k % len(REGION_COLOURS)],
                     label=run.regions.names(lang)[r]) for k, r in enumerate(members)]
    fig.legend(handles=handles, loc="lower center", ncol=len(members), fontsize=13,
               bbox_to_anchor=(0.6, 0.04))
    title = t(lang, "shares_title", year=year, scn=run.name(lang))
    suptitle(fig, title)
    footer(fig, run, lang)
    return Chart("regions_shares", fig, title, t(lang, "shares_cap", year=year),
                 dict(kind="region_shares", scenario=run.label, year=year,
                      regions=[run.regions.ids[r] for r in members],
                      rows=[dict(indicator=tg.indicator, shares=list(s)) for tg, s in rows]))
