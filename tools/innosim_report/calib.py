"""Hindcast: every observed statistic (an observation file) in a year the run
covers, against the run's median and 90 % band in that year — as a percent
of the run's median, so that indicators of every unit share one axis."""

import numpy as np
from matplotlib import pyplot as plt
from matplotlib import ticker
from matplotlib.lines import Line2D

from . import style
from .charts import Chart, page_suffix, footer, pages, slug, suptitle
from .i18n import fmt_pct, shorten, t

ROWS_PER_PAGE = 16


def observation_rows(ctx, run):
    """(indicator, region, year, observed, sd, q05, median, q95) for every
    observation of an indicator, region and unit the run has, in its years."""
    rows = []
    for obs in ctx.observations:
        for s in obs.series:
            if s.indicator not in run.indicators.ids or s.region not in run.regions.ids:
                continue
            i, r = run.indicator_index(s.indicator), run.region_index(s.region)
            if run.units[i] != s.unit:
                continue
            fan, _ = run.fan(i, r)
            for y, v, u in zip(s.years, s.values, s.uncertainty):
                hit = np.flatnonzero(run.years == y)
                if not hit.size:
                    continue
                k = int(hit[0])
                rows.append(dict(indicator=s.indicator, region=s.region, year=int(y), observed=v,
                                 sd=u, q05=float(fan["q05"][k]), median=float(fan["q50"][k]),
                                 q95=float(fan["q95"][k]),
                                 inside=bool(fan["q05"][k] <= v <= fan["q95"][k])))
    return rows


def hindcast_charts(ctx, run):
    rows = observation_rows(ctx, run)
    if not rows:
        return []
    groups = pages(rows, ROWS_PER_PAGE)
    inside = sum(r["inside"] for r in rows)
    return [_page(ctx, run, g, k, len(groups), inside, len(rows))
            for k, g in enumerate(groups, 1) if g]


def _page(ctx, run, rows, k, n, inside, total):
    lang = ctx.lang
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.40, right=0.96, top=0.84, bottom=0.15)
    y = np.arange(len(rows))
    for yy, r in zip(y, rows):
        m = r["median"] or float("nan")
        lo, hi, ob = 100 * r["q05"] / m, 100 * r["q95"] / m, 100 * r["observed"] / m
        ax.plot([lo, hi], [yy, yy], color=style.FAN, lw=5, alpha=0.45, solid_capstyle="butt")
        ax.plot([100], [yy], "|", color=style.FAN, ms=14, mew=2)
        ax.plot([ob], [yy], "o", color="black" if r["inside"] else style.BINDING, ms=9,
                gid=f"observed_{yy}")
        r["plotted"] = dict(q05=lo, q95=hi, observed=ob)
    labels = []
    for r in rows:
        sc = ctx.fmt.scale(r["indicator"])
        name = shorten(run.indicator_name(r["indicator"], lang), 30)
        labels.append(f"{name} · {run.region_name(r['region'], lang)} · {r['year']}: "
                      f"{sc.value(r['observed'])}")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=12)
    ax.invert_yaxis()
    ax.axvline(100, color="#888888", lw=1, zorder=0)
    ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
    ax.set_xlabel("% " + ("of the run's median" if lang == "en" else "（占运行中位数的百分比）"))
    ax.grid(axis="x", color="#e0e0e0")
    ax.grid(axis="y", visible=False)
    handles = [Line2D([], [], color=style.FAN, lw=5, alpha=0.45, label=t(lang, "band90")),
               Line2D([], [], ls="none", marker="o", color="black", label=t(lang, "observed"))]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=13, bbox_to_anchor=(0.6, 0.03))
    title = t(lang, "calib_title", scn=run.name(lang)) + "：" if lang == "zh" else \
        t(lang, "calib_title", scn=run.name(lang)) + ": "
    title += t(lang, "coverage", p=fmt_pct(inside / total), k=inside, n=total)
    title += page_suffix(lang, k, n)
    suptitle(fig, title)
    footer(fig, run, lang)
    sfx = "" if n == 1 else f"_{k}"
    return Chart(f"hindcast_{slug(run.label)}{sfx}", fig, title, t(lang, "calib_cap"),
                 dict(kind="hindcast", scenario=run.label, coverage=inside / total, inside=inside,
                      total=total, rows=rows))
