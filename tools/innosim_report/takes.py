"""What it takes: a target indicator's median and 90 % band against a lever
(a sweep file), with the target, the plan's own point and the amount at
which the median (and P(met)) reaches the target; and P(met) of each
target against the lever."""

import math

import numpy as np
from matplotlib import pyplot as plt
from matplotlib import ticker
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style
from .analysis import lever_scale, sweep_needs
from .charts import Chart, page_suffix, pages, slug, suptitle, target_style
from .i18n import fmt_pct, sense_symbol, t, wrap

PANELS_PER_PAGE = 6


def sweep_targets(ctx, sw):
    """The sweep's targets worth a panel: binding ones, then those the
    scenario does not have on track (at the sweep's own point, factor 1)."""
    base = int(np.argmin(np.abs(sw.scale - 1.0)))
    bind = [tg for tg in sw.targets if tg.binding]
    rest = [tg for tg in sw.targets if not tg.binding and sw.p_met[tg.index, base] < sw.on_track]
    return bind + sorted(rest, key=lambda tg: (sw.p_met[tg.index, base], tg.index))


def _x(sw, lang):
    sc = lever_scale(sw.lever_unit, lang, sw.lever_value)
    x = sw.lever_value * sc.factor
    log = bool(np.all(x > 0))
    return sc, x, log


def _x_axis(ax, sw, lang, sc, x, log):
    if log:
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(ticker.FixedLocator(np.unique(x)))
        ax.xaxis.set_minor_locator(ticker.NullLocator())
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: sc.number(v / sc.factor)))
    year = sw.attrs.get("horizon_end", sw.scenario.horizon[1])
    key = "takes_x" if log else "takes_x_lin"
    return t(lang, key, lever=sw.lever_name(lang), year=year, u=sc.label)


def needs_text(ctx, sw, tg, sc):
    """Where the median reaches the target and where P(met) reaches the
    on-track threshold, as lines of text (and the two crossings)."""
    lang = ctx.lang
    med, pm = sweep_needs(sw, tg)
    colon = "：" if lang == "zh" else ": "
    out = [t(lang, "needs_median", v=sc.value(med.value)) if not med.beyond else
           f"{t(lang, 'median')}{colon}{t(lang, 'needs_beyond', v=sc.value(med.max_value))}",
           t(lang, "needs_on_track", p=fmt_pct(sw.on_track), v=sc.value(pm.value))
           if not pm.beyond else
           f"{t(lang, 'p_met')} {fmt_pct(sw.on_track)}{colon}"
           f"{t(lang, 'needs_beyond', v=sc.value(pm.max_value))}"]
    return out, med, pm


def takes_charts(ctx, sw):
    tgs = sweep_targets(ctx, sw)
    charts = []
    groups = pages(tgs, PANELS_PER_PAGE)
    for k, g in enumerate(groups, 1):
        if g:
            charts.append(_bands_page(ctx, sw, g, k, len(groups)))
    for k, g in enumerate(groups, 1):
        if g:
            charts.append(_pmet_page(ctx, sw, g, k, len(groups)))
    return charts


def _bands_page(ctx, sw, tgs, k, n):
    lang = ctx.lang
    sc, x, log = _x(sw, lang)
    order = np.argsort(x, kind="stable")
    ncols = 3 if len(tgs) > 2 else len(tgs)
    nrows = math.ceil(len(tgs) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.06, right=0.985, top=0.84, bottom=0.25, hspace=0.85, wspace=0.28)
    base = int(np.argmin(np.abs(sw.scale - 1.0)))
    panels = []
    plan_name = sw.name(lang)
    for slot, tg in enumerate(tgs):
        ax = axes[slot // ncols][slot % ncols]
        isc = ctx.fmt.scale(tg.indicator)
        med = isc.scale(sw.median[tg.index])
        lo, hi = isc.scale(sw.q05[tg.index]), isc.scale(sw.q95[tg.index])
        ax.fill_between(x[order], lo[order], hi[order], color=style.FAN, alpha=0.2, lw=0)
        ax.plot(x[order], med[order], color=style.FAN, lw=2.6, marker="o", ms=6,
                gid=f"median_{tg.index}")
        st = target_style(tg.binding)
        ax.axhline(isc.scale(tg.value), color=st["color"], ls=st["ls"], lw=2, gid="target")
        ax.plot([x[base]], [med[base]], "D", ms=12, color="black", mfc=style.OKABE_ITO["yellow"],
                mew=1.8, zorder=6, gid="plan_point")
        lines, mc, pc = needs_text(ctx, sw, tg, sc)
        if not mc.beyond:
            ax.axvline(mc.value * sc.factor, color=st["color"], ls=":", lw=1.8, gid="needs")
        xl = _x_axis(ax, sw, lang, sc, x, log)
        ax.tick_params(labelsize=11)
        ax.set_ylabel(isc.label, fontsize=11)
        name = sw.indicator_name(tg.indicator, lang)
        star = "★ " if tg.binding else ""
        ax.set_title(f"{star}{wrap(name, lang, 13)}\n{sense_symbol(tg.sense)} "
                     f"{isc.value(tg.value)} ({tg.year})", fontsize=12, loc="left")
        ax.text(0.0, -0.22, "\n".join(lines), transform=ax.transAxes, fontsize=10.5, va="top",
                color="#333333")
        vals = list(lo) + list(hi) + [isc.scale(tg.value)]
        if min(vals) >= 0:
            ax.set_ylim(0, max(vals) * 1.1 or 1)
        panels.append(dict(indicator=tg.indicator, region=tg.region, year=tg.year,
                           kind=tg.kind, sense=tg.sense, target=tg.value,
                           median=sw.median[tg.index], q05=sw.q05[tg.index],
                           q95=sw.q95[tg.index], p_met=sw.p_met[tg.index],
                           p_met_se=sw.p_met_se[tg.index], plotted_median=med,
                           median_reaches_target_at=None if mc.beyond else mc.value,
                           p_met_reaches_on_track_at=None if pc.beyond else pc.value,
                           needs_text=lines))
    for slot in range(len(tgs), nrows * ncols):
        axes[slot // ncols][slot % ncols].axis("off")
    fig.text(0.5, 0.095, xl, ha="center", fontsize=14)
    handles = [Line2D([], [], color=style.FAN, lw=3, marker="o", label=t(lang, "median")),
               Patch(color=style.FAN, alpha=0.2, label=t(lang, "band90")),
               Line2D([], [], ls="none", marker="D", ms=11, color="black",
                      mfc=style.OKABE_ITO["yellow"],
                      label=t(lang, "plan_point", plan=plan_name,
                              v=sc.value(sw.lever_value[base])))]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=12, bbox_to_anchor=(0.5, 0.0))
    title = t(lang, "takes_title", ind=_title_ind(ctx, sw, tgs), lever=sw.lever_name(lang),
              scn=plan_name)
    title += page_suffix(lang, k, n)
    suptitle(fig, title)
    scales = ", ".join(f"×{v:g}" for v in sw.scale)
    cap = t(lang, "takes_cap", lever=sw.lever_name(lang), scales=scales, scn=plan_name,
            year=sw.attrs.get("horizon_end", ""), plan=plan_name)
    sfx = "" if n == 1 else f"_{k}"
    return Chart(f"takes_{slug(sw.label)}_{slug(sw.lever)}{sfx}", fig, title, cap,
                 dict(kind="takes", scenario=sw.label, file=sw.path, lever=sw.lever,
                      lever_unit=sw.lever_unit, x_unit=sc.label, x_factor=sc.factor, log_x=log,
                      scale=sw.scale, lever_value=sw.lever_value, x=x, plan_index=base,
                      on_track=sw.on_track, panels=panels))


def _title_ind(ctx, sw, tgs):
    lang = ctx.lang
    if len(tgs) == 1:
        return sw.indicator_name(tgs[0].indicator, lang)
    return "各目标指标" if lang == "zh" else "target indicators"


def _pmet_page(ctx, sw, tgs, k, n):
    lang = ctx.lang
    sc, x, log = _x(sw, lang)
    order = np.argsort(x, kind="stable")
    base = int(np.argmin(np.abs(sw.scale - 1.0)))
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.08, right=0.62, top=0.86, bottom=0.14)
    rows = []
    # binding targets drawn last, on top, so a line at 0 % is never hidden
    for slot, tg in sorted(enumerate(tgs), key=lambda st: st[1].binding):
        col = style.RUN_COLOURS[(slot + 1) % len(style.RUN_COLOURS)] if not tg.binding \
            else style.BINDING
        yv = 100 * sw.p_met[tg.index]
        isc = ctx.fmt.scale(tg.indicator)
        label = (f"{'★ ' if tg.binding else ''}{wrap(sw.indicator_name(tg.indicator, lang), lang, 14)}"
                 f"\n{sense_symbol(tg.sense)} {isc.value(tg.value)} ({tg.year})")
        if np.all(sw.p_met[tg.index] == 0):
            label += "  [0%]"
        if tg.binding:
            ax.plot(x[order], yv[order], color=col, lw=3.6, marker="*", ms=20, zorder=10,
                    label=label, gid=f"pmet_{tg.index}")
        else:
            ax.plot(x[order], yv[order], color=col, lw=2.2, ls="--", marker="o", ms=8,
                    mfc="white", zorder=4, label=label, gid=f"pmet_{tg.index}")
        rows.append(dict(indicator=tg.indicator, region=tg.region, year=tg.year, kind=tg.kind,
                         sense=tg.sense, target=tg.value, p_met=sw.p_met[tg.index],
                         p_met_se=sw.p_met_se[tg.index]))
    for p, key, lw in ((sw.on_track, "threshold_on", 2.2), (sw.at_risk, "threshold_risk", 1.4)):
        ax.axhline(100 * p, color="#555555", ls=":", lw=lw, zorder=1)
        ax.text(0.005, 100 * p + 1, t(lang, key, p=fmt_pct(p)), transform=ax.get_yaxis_transform(),
                fontsize=12, color="#555555")
    ax.axvline(x[base], color="black", lw=1.6, zorder=2, gid="plan_line")
    ax.text(x[base], 103, t(lang, "plan_point", plan=sw.name(lang), v=sc.value(sw.lever_value[base])),
            ha="center", va="bottom", fontsize=12)
    ax.set_ylim(-3, 108)
    ax.set_yticks(range(0, 101, 20))
    ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
    ax.set_ylabel(t(lang, "p_met_axis"))
    ax.set_xlabel(_x_axis(ax, sw, lang, sc, x, log))
    ax.grid(color="#e0e0e0")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=12, labelspacing=0.9)
    title = t(lang, "takes_pmet_title", lever=sw.lever_name(lang), scn=sw.name(lang))
    title += page_suffix(lang, k, n)
    suptitle(fig, title)
    cap = t(lang, "takes_pmet_cap", plan=sw.name(lang))
    sfx = "" if n == 1 else f"_{k}"
    return Chart(f"takes_pmet_{slug(sw.label)}_{slug(sw.lever)}{sfx}", fig, title, cap,
                 dict(kind="takes_pmet", scenario=sw.label, file=sw.path, lever=sw.lever,
                      lever_unit=sw.lever_unit, x_unit=sc.label, x_factor=sc.factor, log_x=log,
                      scale=sw.scale, lever_value=sw.lever_value, x=x, plan_index=base,
                      on_track=sw.on_track, at_risk=sw.at_risk, targets=rows))
