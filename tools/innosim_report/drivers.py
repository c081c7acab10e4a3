"""Drivers: for each target the plan misses or risks, which uncertain
parameters move it most — a tornado of the indicator's median when a
parameter is low against when it is high (rank-based, from the run file's
own draws). Two targets side by side on a slide."""


import numpy as np
from matplotlib import pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style
from .analysis import drivers, parameter_label
from .charts import Chart, page_suffix, footer, pages, pmet_text, suptitle, target_text
from .i18n import fmt_pct, t, wrap

LOW = style.OKABE_ITO["sky_blue"]
HIGH = style.OKABE_ITO["orange"]
PER_PAGE = 2


def driver_targets(run):
    """The targets the drivers section explains: binding ones, then those not on track."""
    bind = [tg for tg in run.targets if tg.binding]
    rest = [tg for tg in run.targets if not tg.binding and tg.verdict != "on track"]
    return bind + sorted(rest, key=lambda tg: (tg.p_met, tg.index))


def tornado_charts(ctx, run=None):
    run = run or ctx.plan
    tgs = driver_targets(run)
    res = drivers(run, tgs)
    items = [(tg, res[tg.index]) for tg in tgs if res.get(tg.index)]
    groups = pages(items, PER_PAGE)
    return [_page(ctx, run, g, k, len(groups)) for k, g in enumerate(groups, 1) if g]


def _panel(ax, ctx, run, tg, ds):
    lang = ctx.lang
    sc = ctx.fmt.scale(tg.indicator)
    mid = sc.scale(tg.median)
    y = np.arange(len(ds))
    rows = []
    for yy, d in zip(y, ds):
        lo, hi = sc.scale(d.low), sc.scale(d.high)
        ax.barh(yy, lo - mid, left=mid, height=0.64, color=LOW, gid=f"low_{yy}")
        ax.barh(yy, hi - mid, left=mid, height=0.64, color=HIGH, gid=f"high_{yy}")
        rows.append(dict(parameter=d.parameter, name=parameter_label(run, d.parameter, lang),
                         low=d.low, high=d.high, s1=d.s1, spearman=d.rho,
                         low_text=sc.value(d.low), high_text=sc.value(d.high)))
    ax.axvline(mid, color="black", lw=2, zorder=3, gid="median")
    ends = [sc.scale(v) for d in ds for v in (d.low, d.high)] + [mid]
    span = (max(ends) - min(ends)) or abs(mid) or 1.0
    tv = sc.scale(tg.value)
    tcol = style.BINDING if tg.binding else style.EXPECTED
    lo_x, hi_x = min(ends) - 0.08 * span, max(ends) + 0.08 * span
    if lo_x <= tv <= hi_x or abs(tv - mid) <= 2.5 * span:
        ax.axvline(tv, color=tcol, ls="--", lw=2.2, zorder=3, gid="target")
        lo_x, hi_x = min(lo_x, tv - 0.05 * span), max(hi_x, tv + 0.05 * span)
    else:  # far off: an arrow at the edge instead of squashing the bars
        right = tv > mid
        ax.annotate(f"{t(lang, 'target_binding' if tg.binding else 'target_expected')} "
                    f"{target_text(ctx, run, tg)} {'→' if right else '←'}",
                    xy=(0.99 if right else 0.01, 0.995), xycoords="axes fraction",
                    ha="right" if right else "left", va="top", fontsize=11, color=tcol,
                    gid="target_far")
    ax.set_xlim(lo_x, hi_x)
    labels = [f"{wrap(r['name'], lang, 11)}\n({t(lang, 'var_share', p=fmt_pct(r['s1']))})"
              for r in rows]
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=10)
    # a free row above the first bar for the far target's arrow
    ax.set_ylim(len(rows) - 0.5, -1.3)
    ax.grid(axis="x", color="#e0e0e0")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="x", labelsize=11)
    ax.set_xlabel(sc.axis_label(), fontsize=12)
    name = run.indicator_name(tg.indicator, lang)
    star = "★ " if tg.binding else ""
    ax.set_title(f"{star}{wrap(name, lang, 16)} {target_text(ctx, run, tg)} ({tg.year})\n"
                 f"{t(lang, 'median')} {sc.value(tg.median)} · {pmet_text(ctx, tg)}",
                 fontsize=12.5, loc="left", color=tcol if tg.binding else "#111111")
    return dict(indicator=tg.indicator, region=tg.region, year=tg.year, unit=sc.label,
                factor=sc.factor, parameters=rows, target=tg.record(run.label))


def _page(ctx, run, items, k, n):
    lang = ctx.lang
    fig, axes = plt.subplots(1, PER_PAGE, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.16, right=0.985, top=0.80, bottom=0.16, wspace=0.95)
    panels = []
    for slot, (tg, ds) in enumerate(items):
        panels.append(_panel(axes[0][slot], ctx, run, tg, ds))
    for slot in range(len(items), PER_PAGE):
        axes[0][slot].axis("off")
    handles = [Patch(color=LOW, label=t(lang, "low10")), Patch(color=HIGH, label=t(lang, "high10")),
               Line2D([], [], color="black", lw=2, label=t(lang, "overall_median")),
               Line2D([], [], color="#444444", ls="--", lw=2, label=t(lang, "target_line"))]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=13, bbox_to_anchor=(0.5, 0.035))
    title = t(lang, "drivers_title", scn=run.name(lang))
    title += page_suffix(lang, k, n)
    suptitle(fig, title)
    footer(fig, run, lang)
    names = t(lang, "list_sep").join(run.indicator_name(tg.indicator, lang) for tg, _ in items)
    cap = t(lang, "drivers_cap_rank", ind=names)
    return Chart(f"drivers_{k}", fig, title, cap,
                 dict(kind="drivers", method="rank: median of the target indicator in the lowest / "
                                             "highest 10% of each parameter's draws; s1 = binned "
                                             "first-order variance share",
                      scenario=run.label, panels=panels, targets=[p["target"] for p in panels]))
