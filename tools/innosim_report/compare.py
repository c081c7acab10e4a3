"""Scenarios side by side: the overview heat map (every target x every
scenario, P(met)) and, per other scenario, the change in P(met) against the
plan (an arrow per target)."""

import math

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import pyplot as plt
from matplotlib import ticker

from . import style
from .analysis import changes
from .charts import Chart, page_suffix, footer, pages, slug, suptitle, target_label
from .i18n import fmt_pct, fmt_pp, t, wrap

ROWS_PER_PAGE = 24

# White to the palette's blue: more likely = darker (one hue, readable in grey).
PMET_CMAP = mcolors.LinearSegmentedColormap.from_list("pmet", ["#ffffff", "#cfe3f2", "#0072B2",
                                                               "#003a5c"])


def sorted_targets(plan):
    """The plan's targets by P(met), highest first (ties in file order)."""
    return sorted(plan.targets, key=lambda tg: (-(tg.p_met if math.isfinite(tg.p_met) else -1),
                                                tg.index))


def target_rows_axis(ax, ctx, plan, tgs):
    """One row per target on the y axis, labelled; binding targets in bold and their colour."""
    ax.set_yticks(range(len(tgs)))
    ax.set_yticklabels([target_label(ctx, plan, tg, width=40) for tg in tgs],
                       fontsize=12 if len(tgs) > 16 else 14)
    for lbl, tg in zip(ax.get_yticklabels(), tgs):
        if tg.binding:
            lbl.set_color(style.BINDING)
            lbl.set_fontweight("bold")


def overview(ctx):
    """P(met) of every target of the plan in every scenario, sorted by the plan's."""
    plan = ctx.plan
    rows = sorted_targets(plan)
    groups = pages(rows, ROWS_PER_PAGE)
    return [_overview_page(ctx, g, k + 1, len(groups)) for k, g in enumerate(groups) if g]


def _overview_page(ctx, rows, k, n):
    lang, plan, runs = ctx.lang, ctx.plan, ctx.runs
    fig, ax = plt.subplots(figsize=style.SLIDE)
    ncol = len(runs)
    fig.subplots_adjust(left=0.40, right=0.97 if ncol > 2 else 0.80, top=0.80, bottom=0.06)
    grid = np.full((len(rows), ncol), np.nan)
    recs = []
    for j, run in enumerate(runs):
        for i, tg in enumerate(rows):
            o = next((x for x in run.targets if x.key == tg.key), None)
            if o is not None:
                grid[i, j] = o.p_met
                recs.append(o.record(run.label))
    ax.imshow(np.ma.masked_invalid(grid), cmap=PMET_CMAP, vmin=0, vmax=1, aspect="auto",
              interpolation="nearest")
    cells = []
    for i in range(len(rows)):
        for j in range(ncol):
            p = grid[i, j]
            txt = fmt_pct(p) if math.isfinite(p) else t(lang, "n/a")
            dark = math.isfinite(p) and p > 0.55
            ax.text(j, i, txt, ha="center", va="center", fontsize=13 if len(rows) > 16 else 15,
                    color="white" if dark else "#111111", gid=f"cell_{i}_{j}")
            cells.append(dict(row=i, col=j, text=txt))
    ax.set_xticks(range(ncol))
    ax.set_xticklabels([wrap(r.name(lang), lang, 8) for r in runs], fontsize=13)
    ax.xaxis.tick_top()
    target_rows_axis(ax, ctx, plan, rows)
    ax.grid(False)
    ax.tick_params(length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xticks(np.arange(-0.5, ncol), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", lw=2)
    ax.tick_params(which="minor", length=0)
    title = t(lang, "overview_title", plan=plan.name(lang))
    title += page_suffix(lang, k, n)
    suptitle(fig, title)
    footer(fig, plan, lang)
    return Chart("overview" if n == 1 else f"overview_{k}", fig, title,
                 t(lang, "overview_cap", plan=plan.name(lang)),
                 dict(kind="overview", scenarios=[r.label for r in runs],
                      names=[r.name(lang) for r in runs],
                      rows=[dict(indicator=tg.indicator, region=tg.region, year=tg.year,
                                 sense=tg.sense) for tg in rows],
                      p_met=grid, cells=cells, targets=recs))


def whatif_charts(ctx, lever_text):
    """One chart per scenario other than the plan: each target's P(met) in the
    plan (grey) and in the scenario (its colour), an arrow between them;
    changes within two paired standard errors are pale."""
    out = []
    for run in ctx.others():
        out += _whatif(ctx, run, lever_text.get(run.label, ""))
    return out


def _whatif(ctx, run, levers):
    lang, plan = ctx.lang, ctx.plan
    ch = {c.key: c for c in changes(plan, run)}
    rows = sorted_targets(plan)
    groups = pages(rows, ROWS_PER_PAGE)
    charts = []
    for k, g in enumerate(groups, 1):
        fig, ax = plt.subplots(figsize=style.SLIDE)
        fig.subplots_adjust(left=0.40, right=0.84, top=0.86, bottom=0.19)
        col = ctx.colour(run)
        y = np.arange(len(g))
        recs, rowsdata = [], []
        for yy, tg in zip(y, g):
            c = ch[tg.key]
            a = 100 * tg.p_met
            recs.append(tg.record(plan.label))
            if c.other is None:
                ax.text(101, yy, t(lang, "n/a"), va="center", fontsize=12)
                rowsdata.append(dict(indicator=tg.indicator, region=tg.region, year=tg.year,
                                     plan=tg.p_met, other=None, delta=None, se=None))
                continue
            b = 100 * c.other.p_met
            recs.append(c.other.record(run.label))
            alpha = 1.0 if c.significant else 0.3
            ax.plot([a], [yy], "o", color="#888888", ms=11, zorder=3, alpha=max(alpha, 0.5),
                    gid=f"plan_{yy}")
            ax.plot([b], [yy], "o", color=col, ms=13, zorder=4, alpha=alpha, gid=f"other_{yy}")
            if abs(b - a) >= 0.8:
                ax.annotate("", xy=(b, yy), xytext=(a, yy), zorder=2,
                            arrowprops=dict(arrowstyle="-|>", color=col, lw=2.2, alpha=alpha,
                                            shrinkA=7, shrinkB=8, mutation_scale=18))
            ax.text(103, yy, fmt_pp(c.delta, lang), va="center", ha="left", fontsize=13,
                    color="#111111" if c.significant else "#999999", gid=f"delta_{yy}")
            rowsdata.append(dict(indicator=tg.indicator, region=tg.region, year=tg.year,
                                 plan=tg.p_met, other=c.other.p_met, delta=c.delta, se=c.se,
                                 paired=c.paired, significant=c.significant,
                                 delta_text=fmt_pp(c.delta, lang)))
        target_rows_axis(ax, ctx, plan, g)
        ax.invert_yaxis()
        ax.set_xlim(-2, 102)
        ax.set_xticks(range(0, 101, 20))
        ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
        ax.grid(axis="x", color="#e0e0e0")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(t(lang, "p_met_axis"))
        for p in (plan.on_track, plan.at_risk):
            ax.axvline(100 * p, color="#666666", ls=":", lw=1.5, zorder=1)
        from matplotlib.lines import Line2D
        handles = [Line2D([], [], ls="none", marker="o", color="#888888", ms=11,
                          label=plan.name(lang)),
                   Line2D([], [], ls="none", marker="o", color=col, ms=13, label=run.name(lang)),
                   Line2D([], [], ls="none", marker="o", color=col, alpha=0.3, ms=13,
                          label=t(lang, "not_significant"))]
        fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=13,
                   bbox_to_anchor=(0.6, 0.035))
        title = t(lang, "whatif_title", scn=run.name(lang), plan=plan.name(lang))
        title += page_suffix(lang, k, len(groups))
        suptitle(fig, title)
        footer(fig, run, lang)
        desc = run.description(lang)
        cap = t(lang, "whatif_cap", scn=run.name(lang), plan=plan.name(lang),
                desc=(desc + (" " if lang == "en" else "") + levers).strip())
        sfx = "" if len(groups) == 1 else f"_{k}"
        charts.append(Chart(f"whatif_{slug(run.label)}{sfx}", fig, title, cap,
                            dict(kind="whatif", scenario=run.label, plan=plan.label,
                                 rows=rowsdata, targets=recs)))
    return charts
