"""Fan charts: the binding indicator with every scenario overlaid, and the
appendix's per-scenario grids (one small fan per indicator).

A fan is the yearly median and the 50 % and 90 % bands of /summary/quantiles,
except in a target's year, where it is the exact statistics of that
target's draws (the target table's median, q05 and q95), so the chart and
the table print the same numbers. Observed statistics (an observation file)
are black dots; no simulated value is drawn as a base-year value.
"""

import math

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style
from .charts import (Chart, draw_band, draw_observed, draw_targets, fan_series, footer, pages,
                     pmet_text, slug, suptitle, x_years, y_format, y_from_zero)
from .i18n import t, wrap, year_str


def binding_fans(ctx):
    """One chart per binding target of the plan (indicator and region): every
    scenario's median and 90 % band, the target, observed statistics."""
    plan = ctx.plan
    seen, charts = [], []
    for tg in plan.binding_targets():
        if (tg.indicator, tg.region) in seen:
            continue
        seen.append((tg.indicator, tg.region))
        charts.append(_binding_chart(ctx, tg.indicator, tg.region, len(seen)))
    return charts


def _binding_chart(ctx, ind, reg, k):
    lang, plan = ctx.lang, ctx.plan
    sc = ctx.fmt.scale(ind)
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.08, right=0.62, top=0.88, bottom=0.12)
    runs_data, records, allv = [], [], []
    for run in ctx.runs:
        if ind not in run.indicators.ids or reg not in run.regions.ids:
            continue
        i, r = run.indicator_index(ind), run.region_index(reg)
        fan, exact = fan_series(ctx, run, i, r)
        col = ctx.colour(run)
        draw_band(ax, run.years, fan["q05"], fan["q95"], col, 0.13 if run is not plan else 0.2)
        tg = next((x for x in run.targets_on(ind, reg) if x.binding), None)
        tail = (f"{t(lang, 'median')} {sc.value(tg.median)} · {pmet_text(ctx, tg)}" if tg else
                f"{year_str(lang, int(run.years[-1]))} {sc.value(fan['q50'][-1] / sc.factor)}")
        lw = 4 if run is plan else 2.6
        ax.plot(run.years, fan["q50"], color=col, lw=lw, gid=f"median_{run.label}",
                label=f"{run.name(lang)}\n{tail}", zorder=4)
        ex = np.flatnonzero(exact)
        ax.plot(run.years[ex], fan["q50"][ex], "o", color=col, ms=9, mec="white", mew=1.5,
                zorder=5)
        allv += list(fan["q05"]) + list(fan["q95"])
        runs_data.append(dict(scenario=run.label, name=run.name(lang), years=run.years,
                              exact_years=run.years[ex], **fan,
                              target=tg.record(run.label) if tg else None))
        records += [x.record(run.label) for x in run.targets_on(ind, reg)]
    tgt_recs = draw_targets(ax, ctx, plan, ind, reg)
    obs = draw_observed(ax, ctx, plan, ind, reg)
    allv += [sc.scale(x["target"]) for x in tgt_recs]
    if obs:
        allv += list(obs["plotted"])
    x_years(ax, plan.years, obs["years"] if obs else ())
    y_from_zero(ax, allv)
    y_format(ax, sc)
    ax.set_xlabel(t(lang, "year"))
    ax.set_ylabel(sc.axis_label())
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Patch(color="#777777", alpha=0.2))
    labels.append(t(lang, "band90"))
    ax.legend(handles, labels, loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize=14,
              labelspacing=1.0, handlelength=2.2)
    title = t(lang, "binding_title", ind=plan.indicator_name(ind, lang),
              reg=plan.region_name(reg, lang))
    suptitle(fig, title, top=0.88)
    footer(fig, plan, lang)
    cap = t(lang, "binding_cap")
    return Chart(f"binding_{k}_{slug(ind)}", fig, title, cap,
                 dict(kind="binding_fans", indicator=ind, region=reg, unit=sc.label,
                      factor=sc.factor, runs=runs_data, targets=records, observed=obs))


def _panel_items(run, plan_targets_first=True, all_indicators=False):
    """(indicator index, region index) of the panels: every target's indicator
    and region (in target order), then, if asked, every other indicator of
    the zone."""
    items = []
    for tg in run.targets:
        key = (run.indicator_index(tg.indicator), run.region_index(tg.region))
        if key not in items:
            items.append(key)
    if all_indicators:
        z = run.zone_index
        items += [(i, z) for i in range(len(run.indicators)) if (i, z) not in items]
    return items


def fan_grids(ctx, run, all_indicators=False, per_page=12):
    """The appendix's fans of one run: a 4 x 3 grid per page, one panel per
    target indicator (and, for the plan, every other indicator)."""
    items = _panel_items(run, all_indicators=all_indicators)
    groups = pages(items, per_page)
    return [_grid(ctx, run, g, k + 1, len(groups)) for k, g in enumerate(groups) if g]


def _grid(ctx, run, items, k, n):
    lang = ctx.lang
    ncols = 4 if len(items) > 9 else 3
    nrows = max(1, math.ceil(len(items) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.05, right=0.99, top=0.86, bottom=0.1, hspace=0.85, wspace=0.28)
    ticks = [int(y) for y in run.years[::max(1, (len(run.years) + 2) // 3)]]
    panels = []
    for slot, (i, r) in enumerate(items):
        ax = axes[slot // ncols][slot % ncols]
        ind, reg = run.indicators.ids[i], run.regions.ids[r]
        sc = ctx.fmt.scale(ind)
        fan, exact = fan_series(ctx, run, i, r)
        draw_band(ax, run.years, fan["q05"], fan["q95"], style.FAN, 0.18)
        draw_band(ax, run.years, fan["q25"], fan["q75"], style.FAN, 0.38)
        ax.plot(run.years, fan["q50"], color=style.FAN, lw=2.2, gid="median")
        recs = draw_targets(ax, ctx, run, ind, reg, compact=True)
        obs = draw_observed(ax, ctx, run, ind, reg, compact=True)
        x_years(ax, run.years, obs["years"] if obs else ())
        y_from_zero(ax, list(fan["q05"]) + list(fan["q95"]) +
                    [sc.scale(x["target"]) for x in recs] + (list(obs["plotted"]) if obs else []))
        y_format(ax, sc)
        ax.tick_params(labelsize=10)
        ax.set_xticks(ticks)
        ax.yaxis.set_major_locator(plt.MaxNLocator(nbins=4, integer=sc.integer))
        name = run.indicator_name(ind, lang)
        if reg != run.zone_id:
            name += f" · {run.region_name(reg, lang)}"
        tgs = run.targets_on(ind, reg)
        sub = (pmet_text(ctx, tgs[-1]) if tgs else
               f"{year_str(lang, int(run.years[-1]))} {ctx.fmt.value(ind, fan['q50'][-1] / sc.factor)}")
        ax.set_title(wrap(name, lang, 11) + "\n" + sub, fontsize=11, loc="left",
                     color=style.VERDICT.get(tgs[-1].verdict, "#222222") if tgs else "#222222")
        ax.set_ylabel(sc.label, fontsize=10)
        panels.append(dict(indicator=ind, region=reg, unit=sc.label, factor=sc.factor,
                           years=run.years, exact_years=run.years[np.flatnonzero(exact)],
                           **fan, targets=recs, observed=obs))
    for slot in range(len(items), nrows * ncols):
        axes[slot // ncols][slot % ncols].axis("off")
    handles = [Patch(color=style.FAN, alpha=0.18, label=t(lang, "band90")),
               Patch(color=style.FAN, alpha=0.38, label=t(lang, "band50")),
               Line2D([], [], color=style.FAN, lw=3, label=t(lang, "median")),
               Line2D([], [], color=style.BINDING, marker="*", ms=14, label=t(lang, "target_binding")),
               Line2D([], [], color=style.EXPECTED, ls="--", marker="D", mfc="white", ms=8,
                      label=t(lang, "target_expected"))]
    if any(p["observed"] for p in panels):
        handles.append(Line2D([], [], ls="none", marker="o", color="black", ms=7,
                              label=t(lang, "observed")))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=12,
               bbox_to_anchor=(0.5, 0.025))
    title = t(lang, "fans_title", scn=run.name(lang), k=k, n=n)
    suptitle(fig, title)
    footer(fig, run, lang)
    return Chart(f"fans_{slug(run.label)}_{k}", fig, title, t(lang, "fans_cap", scn=run.name(lang)),
                 dict(kind="fan_grid", scenario=run.label, name=run.name(lang), panels=panels,
                      targets=[rec for p in panels for rec in p["targets"]]))
