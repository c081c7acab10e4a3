"""The charts: fan charts, target attainment, scenario comparison.

Every chart function returns a Chart: the matplotlib Figure (kept open so the
PDF can reuse it and tests can read the plotted lines back), a JSON-able
record of exactly the numbers plotted (written as a sidecar), a title and a
caption. Figures are 16:9 with slide-size fonts (style.configure).
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib import pyplot as plt
from matplotlib import ticker
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import blended_transform_factory

from . import style
from .i18n import (UnitScale, fmt_pct, legend_label, sense_symbol, t, title_wrap, wrap,
                   year_str)

TARGETS_PER_PAGE = 6


@dataclass
class Chart:
    name: str          # file stem, e.g. fan_rd_intensity_zone
    fig: object
    title: str
    caption: str
    data: dict = field(default_factory=dict)
    files: list = field(default_factory=list)

    def save(self, outdir):
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        png, svg, js = (outdir / f"{self.name}.{ext}" for ext in ("png", "svg", "json"))
        self.fig.savefig(png, dpi=style.PNG_DPI)
        self.fig.savefig(svg)
        js.write_text(json.dumps({"chart": self.name, "title": self.title, **self.data},
                                 ensure_ascii=False, indent=1, default=_json_default),
                      encoding="utf-8")
        self.files = [png, svg, js]
        return self.files


def _json_default(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(type(x))


def _slug(s):
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in s)


def _footer(fig, run, lang):
    n = run.attrs.get("draws_valid", run.attrs.get("draws_requested", "?"))
    fig.text(0.01, 0.012, t(lang, "footer", scn=run.label, n=n, seed=run.attrs.get("seed", "?")),
             fontsize=13, color="#555555", ha="left", va="bottom")


def _suptitle(fig, title):
    """Left-aligned title; a long one goes on two smaller lines."""
    text = title_wrap(title)
    if "\n" in text:
        fig.suptitle(text, x=0.01, ha="left", y=0.985, va="top", fontsize=21)
        fig.subplots_adjust(top=fig.subplotpars.top - 0.035)
    else:
        fig.suptitle(text, x=0.01, ha="left", y=0.985, va="top")


def _y_formatter(ax, scale):
    if scale.unit == "count":
        ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6, integer=True))
        ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    elif scale.label.startswith("%"):
        ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6))
        ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.1f}"))
    else:
        ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6))
        ax.yaxis.set_major_formatter(ticker.ScalarFormatter(useOffset=False))


def _target_style(tgt):
    if tgt.binding:
        return dict(color=style.BINDING, ls="-", marker="*", ms=26, mfc=style.BINDING)
    return dict(color=style.EXPECTED, ls="--", marker="D", ms=13, mfc="white")


def _draw_fan(ax, run, i, r, lang, scale, compact=False):
    """One fan on one axes; returns the plotted series (display units)."""
    years = run.years
    fan = {k: scale.scale(v) for k, v in run.fan(i, r).items()}
    ax.fill_between(years, fan["q05"], fan["q95"], color=style.FAN, alpha=0.18, lw=0,
                    label=t(lang, "band90"))
    ax.fill_between(years, fan["q25"], fan["q75"], color=style.FAN, alpha=0.38, lw=0,
                    label=t(lang, "band50"))
    last = f"{year_str(lang, int(years[-1]))} {scale.value(fan['q50'][-1] / scale.factor)}"
    ax.plot(years, fan["q50"], color=style.FAN, lw=2.5 if compact else 3.5, gid="median",
            label=legend_label(lang, t(lang, "median"), last))
    start = fan["q50"][0]
    ax.plot([years[0]], [start], "o", color=style.OKABE_ITO["black"], ms=9 if compact else 13,
            zorder=5, gid="start_value",
            label=legend_label(lang, t(lang, "start_value", year=int(years[0])),
                               scale.value(start / scale.factor)))

    tgts = [tg for tg in run.targets
            if tg.indicator == run.indicator_ids[i] and tg.region == run.region_ids[r]]
    tdata = []
    for tg in tgts:
        st = _target_style(tg)
        v = scale.scale(tg.value)
        ax.axhline(v, color=st["color"], ls=st["ls"], lw=1.6 if compact else 2.2, alpha=0.85,
                   zorder=3)
        kind = t(lang, "target_binding" if tg.binding else "target_expected")
        ax.plot([tg.year], [v], ls="none", marker=st["marker"], ms=st["ms"] * (0.7 if compact else 1),
                color=st["color"], mfc=st["mfc"], mew=2.5, zorder=6, gid=f"target_{tg.year}",
                label=legend_label(lang, kind, f"{year_str(lang, tg.year)} "
                                   f"{sense_symbol(tg.sense)} {scale.value(tg.value)}"))
        tdata.append(dict(year=tg.year, value=v, kind=tg.kind, sense=tg.sense))

    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True, nbins=8))
    ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}"))
    finite = np.concatenate([fan["q05"], fan["q95"], [d["value"] for d in tdata]])
    finite = finite[np.isfinite(finite)]
    top = float(finite.max()) if finite.size else float("nan")
    bottom = float(finite.min()) if finite.size else float("nan")
    if np.isfinite(bottom) and bottom >= 0:
        ax.set_ylim(0, top * 1.08 if top > 0 else 1)
    _y_formatter(ax, scale)
    return dict(years=years, unit=scale.label, factor=scale.factor, start_value=start,
                targets=tdata, **{k: v for k, v in fan.items()})


def fan_zone(run, i, lang):
    """Fan chart of indicator i for the zone."""
    r = run.zone_index
    ind = run.indicator_names[lang][i]
    reg = run.region_names[lang][r]
    scale = UnitScale(run.units[i], lang, run.quantiles[i, r].ravel().tolist()
                      + [tg.value for tg in run.targets if tg.indicator == run.indicator_ids[i]])
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.09, right=0.66, top=0.89, bottom=0.13)
    data = _draw_fan(ax, run, i, r, lang, scale)
    title = t(lang, "fan_title", ind=ind, reg=reg)
    _suptitle(fig, title)
    ax.set_xlabel(t(lang, "year"))
    ax.set_ylabel(scale.axis_label())
    ax.legend(loc="center left", bbox_to_anchor=(1.03, 0.5), handlelength=2.2, labelspacing=0.9)
    _footer(fig, run, lang)
    name = f"fan_{_slug(run.indicator_ids[i])}_zone"
    cap = (f"{ind}（{reg}）：逐年中位数（实线）、50% 与 90% 预测区间（深浅色带）、"
           f"{int(run.years[0])}年基期值（圆点）与目标（横线；星号为约束性，菱形为预期性）。"
           if lang == "zh" else
           f"{ind} ({reg}): yearly median (line), 50 % and 90 % bands (dark and light), "
           f"the {int(run.years[0])} value (dot) and targets (lines; star = binding, "
           f"diamond = expected).")
    return Chart(name, fig, title, cap,
                 dict(kind="fan", run=run.label, indicator=run.indicator_ids[i],
                      region="zone", series=data))


def fan_regions(run, i, lang):
    """Small multiples: one fan per region, then the whole territory when the run has one (the
    zone has its own chart), own y scale each."""
    entries = run.region_entries + ([run.territory_index] if run.territory_index is not None else [])
    nreg = len(entries)
    ind = run.indicator_names[lang][i]
    scale = UnitScale(run.units[i], lang, run.quantiles[i, entries].ravel().tolist())
    ncols = 3
    nrows = max(1, math.ceil((nreg + 1) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.87, bottom=0.14, hspace=0.45, wspace=0.28)
    series = {}
    for k, r in enumerate(entries):
        ax = axes[k // ncols][k % ncols]
        series[run.region_ids[r]] = _draw_fan(ax, run, i, r, lang, scale, compact=True)
        ax.set_title(run.region_names[lang][r], fontsize=18, loc="left")
        ax.tick_params(labelsize=14)
        if k % ncols == 0:
            ax.set_ylabel(scale.axis_label(), fontsize=15)
    # Legend in the first free panel: one set of entries (kind, not values).
    for k in range(nreg, nrows * ncols):
        axes[k // ncols][k % ncols].axis("off")
    handles = [Patch(color=style.FAN, alpha=0.18, label=t(lang, "band90")),
               Patch(color=style.FAN, alpha=0.38, label=t(lang, "band50")),
               Line2D([], [], color=style.FAN, lw=3, label=t(lang, "median")),
               Line2D([], [], ls="none", marker="o", color="black", ms=10,
                      label=t(lang, "start_value", year=int(run.years[0])))]
    kinds = {tg.kind for tg in run.targets
             if tg.indicator == run.indicator_ids[i] and tg.region != "zone"}
    for kind in ("binding", "expected"):
        if kind in kinds:
            st = _target_style(type("T", (), {"binding": kind == "binding"})())
            handles.append(Line2D([], [], color=st["color"], ls=st["ls"], marker=st["marker"],
                                  mfc=st["mfc"], ms=st["ms"] * 0.7, mew=2,
                                  label=t(lang, f"target_{kind}")))
    if nreg < nrows * ncols:
        k = nreg
        axes[k // ncols][k % ncols].legend(handles=handles, loc="center", fontsize=15,
                                               handlelength=3)
    else:
        fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=13)
    title = t(lang, "fan_regions_title", ind=ind)
    _suptitle(fig, title)
    fig.text(0.5, 0.06, t(lang, "year"), ha="center", va="center", fontsize=17)
    _footer(fig, run, lang)
    names = [run.region_names[lang][r] for r in entries]
    cap = (f"{ind}：{'、'.join(names)}的中位数与 50%、90% 预测区间（各图纵轴比例不同）。"
           if lang == "zh" else
           f"{ind} by region ({', '.join(names)}): median, 50 % and 90 % bands "
           f"(each panel has its own scale).")
    return Chart(f"fan_{_slug(run.indicator_ids[i])}_regions", fig, title, cap,
                 dict(kind="fan_regions", run=run.label, indicator=run.indicator_ids[i],
                      series=series))


def target_label(run, tg, lang, width=12):
    """Two-part label: indicator name (wrapped), then region · year · target."""
    scale = UnitScale(run.unit(tg.indicator), lang, [tg.value])
    name = wrap(run.indicator_name(tg.indicator, lang), lang, width)
    star = "★ " if tg.binding else ""
    detail = (f"{run.region_name(tg.region, lang)} · {year_str(lang, tg.year)} "
              f"{sense_symbol(tg.sense)} {scale.value(tg.value)}")
    return f"{star}{name}\n{detail}"


def _threshold_lines(ax, run, lang):
    tr = blended_transform_factory(ax.transData, ax.transAxes)
    for p, key in ((run.on_track, "threshold_on"), (run.at_risk, "threshold_risk")):
        ax.axvline(100 * p, color="#444444", ls=":", lw=2, zorder=1)
        ax.text(100 * p, 1.01, t(lang, key, p=fmt_pct(p)), transform=tr, ha="center",
                va="bottom", fontsize=14, color="#444444")


def _pages(items, per_page):
    """Splits into pages of at most per_page, as evenly as possible (5 + 5, not 6 + 4)."""
    if not items:
        return [[]]
    n = math.ceil(len(items) / per_page)
    size = math.ceil(len(items) / n)
    return [items[k:k + size] for k in range(0, len(items), size)]


def attainment(run, lang):
    """P(met) per target as horizontal bars with ±1.96·se, coloured by verdict.
    More than TARGETS_PER_PAGE targets are split over several charts."""
    pages = _pages(list(enumerate(run.targets)), TARGETS_PER_PAGE)
    charts = []
    for k, page in enumerate(pages, 1):
        fig, ax = plt.subplots(figsize=style.SLIDE)
        fig.subplots_adjust(left=0.30, right=0.97, top=0.84, bottom=0.18)
        y = np.arange(len(page))[::-1]
        rows = []
        for yy, (idx, tg) in zip(y, page):
            p, err = 100 * tg.p_met, 100 * 1.96 * tg.p_met_se
            if not (math.isfinite(p) and math.isfinite(err)):  # no valid draws
                p, err = 0.0, 0.0
            ax.barh(yy, p, height=0.62, color=style.VERDICT.get(tg.verdict, "#999999"),
                    hatch="///" if tg.binding else None, edgecolor="black" if tg.binding else
                    "none", lw=1.2, gid=f"bar_{idx}")
            ax.errorbar(p, yy, xerr=err, color="black", capsize=6, lw=2, capthick=2)
            ax.text(min(p + err, 100) + 1.5, yy,
                    f"{fmt_pct(tg.p_met)}  {t(lang, tg.verdict) if tg.verdict in ('on track', 'at risk', 'off track') else tg.verdict}",
                    va="center", ha="left", fontsize=16,
                    bbox=dict(facecolor="white", edgecolor="none", pad=1.5, alpha=0.9))
            rows.append(dict(index=idx, indicator=tg.indicator, region=tg.region, year=tg.year,
                             kind=tg.kind, p_met=tg.p_met, p_met_se=tg.p_met_se,
                             verdict=tg.verdict))
        ax.set_yticks(y, [target_label(run, tg, lang) for _, tg in page], fontsize=15)
        ax.set_ylim(-0.6, max(len(page), 4) - 0.4)
        ax.set_xlim(0, 127)
        ax.set_xticks(range(0, 101, 20))
        ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
        ax.grid(axis="x", color="#d9d9d9")
        ax.grid(axis="y", visible=False)
        ax.set_axisbelow(True)
        ax.set_xlabel(t(lang, "p_met_axis"))
        _threshold_lines(ax, run, lang)
        handles = [Patch(color=style.VERDICT[v], label=t(lang, v)) for v in style.VERDICT]
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="///",
                             label="★ " + t(lang, "target_binding")))
        fig.legend(handles=handles, loc="lower center", ncol=4, bbox_to_anchor=(0.6, 0.04))
        years = sorted({tg.year for tg in run.targets})
        ytxt = (year_str(lang, years[0]) if len(years) == 1
                else f"{years[0]}–{year_str(lang, years[-1])}")
        title = (t(lang, "attain_title", year=ytxt) if len(pages) == 1
                 else t(lang, "attain_title_n", year=ytxt, k=k, n=len(pages)))
        _suptitle(fig, title)
        fig.text(0.99, 0.012, t(lang, "ci"), fontsize=13, color="#555555", ha="right",
                 va="bottom")
        _footer(fig, run, lang)
        cap = ("各目标的达成概率（条形），误差线为 ±1.96 倍蒙特卡洛标准误；颜色表示判断，"
               "斜线与星号表示约束性目标；虚线为判断阈值。" if lang == "zh" else
               "Probability of meeting each target (bars) with ±1.96 Monte Carlo standard "
               "errors; colour = verdict, hatching and star = binding target; dotted lines = "
               "verdict thresholds.")
        name = "attainment" if len(pages) == 1 else f"attainment_{k}"
        charts.append(Chart(name, fig, title, cap,
                            dict(kind="attainment", run=run.label, on_track=run.on_track,
                                 at_risk=run.at_risk, targets=rows)))
    return charts


def matched_targets(runs):
    """Union of target keys over runs (first run's order first) and, per key,
    each run's Target or None."""
    keys = []
    for run in runs:
        for tg in run.targets:
            if tg.key not in keys:
                keys.append(tg.key)
    table = []
    for key in keys:
        per_run = [next((tg for tg in run.targets if tg.key == key), None) for run in runs]
        table.append((key, per_run))
    return table


def _comparison_axes(runs, page, lang, value_of, xlabel, title, name, cap, kind, err_of,
                     ref_line=None):
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.30, right=0.97, top=0.86, bottom=0.20)
    n = len(runs)
    h = 0.8 / n
    rows = []
    ypos = np.arange(len(page))[::-1]
    labels = []
    for yy, (key, per_run) in zip(ypos, page):
        ref_run, ref = next((r, tg) for r, tg in zip(runs, per_run) if tg is not None)
        labels.append(target_label(ref_run, ref, lang))
        row = dict(indicator=key[0], region=key[1], year=key[2], sense=key[3], runs={})
        for j, (run, tg) in enumerate(zip(runs, per_run)):
            yj = yy + (n - 1 - 2 * j) * h / 2
            if tg is None:
                ax.text(1, yj, t(lang, "n/a"), va="center", fontsize=13, color="#555555")
                row["runs"][run.label] = None
                continue
            v = value_of(tg)
            lo, hi = err_of(tg)
            row["runs"][run.label] = dict(value=v, lo=lo, hi=hi, p_met=tg.p_met,
                                          median=tg.median, q05=tg.q05, q95=tg.q95,
                                          target=tg.value, verdict=tg.verdict)
            col = style.RUN_COLOURS[j % len(style.RUN_COLOURS)]
            if kind == "pmet":
                ax.barh(yj, v, height=h * 0.9, color=col, gid=f"bar_{run.label}_{yy}",
                        hatch="///" if tg.binding else None,
                        edgecolor="white" if tg.binding else "none")
                ax.errorbar(v, yj, xerr=[[v - lo], [hi - v]], color="black", capsize=4, lw=1.5)
                ax.text((min(hi, 100) if math.isfinite(hi) else 0) + 1.2, yj, fmt_pct(tg.p_met), va="center",
                        fontsize=13 if n > 2 else 15,
                        bbox=dict(facecolor="white", edgecolor="none", pad=1, alpha=0.9))
            else:
                ax.plot([lo, hi], [yj, yj], color=col, lw=4, solid_capstyle="butt")
                ax.plot([v], [yj], "o", color=col, ms=12, mec="black", mew=1.2,
                        gid=f"median_{run.label}_{yy}")
        rows.append(row)
    ax.set_yticks(ypos, labels, fontsize=15)
    ax.set_ylim(-0.6, max(len(page), 3) - 0.4)
    ax.grid(axis="x", color="#d9d9d9")
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)
    ax.set_xlabel(xlabel)
    if ref_line is not None:
        ref_line(ax)
    handles = [Patch(color=style.RUN_COLOURS[j % len(style.RUN_COLOURS)], label=run.label)
               for j, run in enumerate(runs)]
    fig.legend(handles=handles, loc="lower center", ncol=min(n, 4), bbox_to_anchor=(0.6, 0.03),
               title=t(lang, "runs_compared"), title_fontsize=15)
    _suptitle(fig, title)
    return Chart(name, fig, title, cap, dict(kind=f"compare_{kind}", runs=[r.label for r in runs],
                                             targets=rows))


def comparison(runs, lang):
    """With two or more runs: P(met) side by side, and medians (with 90 %
    bands) as a percentage of the target, so targets of any unit share one axis."""
    if len(runs) < 2:
        return []
    table = [(key, per_run) for key, per_run in matched_targets(runs)]
    pages = _pages(table, max(2, min(TARGETS_PER_PAGE, 12 // len(runs))))
    charts = []
    cap_p = ("各情景下每个目标的达成概率（误差线 ±1.96 倍标准误；斜线为约束性目标）。"
             if lang == "zh" else
             "P(met) of each target under each scenario (±1.96 standard errors; hatched = "
             "binding).")
    cap_m = ("各情景 2020 等目标年的中位数（圆点）与 90% 区间（横线），以占目标值的百分比表示；"
             "竖线为目标（100%）。" if lang == "zh" else
             "Median (dot) and 90 % band (bar) at each target's year, as a percentage of the "
             "target; the vertical line is the target (100 %).")

    def pmet_ref(ax):
        ax.set_xlim(0, 112)
        ax.set_xticks(range(0, 101, 20))
        ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
        _threshold_lines(ax, runs[0], lang)

    def med_ref(ax):
        ax.axvline(100, color=style.BINDING, lw=2.5, zorder=1)
        tr = blended_transform_factory(ax.transData, ax.transAxes)
        ax.text(100, 1.01, t(lang, "target_line"), transform=tr, ha="center", va="bottom",
                fontsize=14, color=style.BINDING)
        ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))

    def pct(tg, v):
        return 100.0 * v / tg.value if tg.value else float("nan")

    for k, page in enumerate(pages, 1):
        sfx = "" if len(pages) == 1 else f"_{k}"
        pg = "" if len(pages) == 1 else f" ({k}/{len(pages)})"
        charts.append(_comparison_axes(
            runs, page, lang, lambda tg: 100 * tg.p_met, t(lang, "p_met_axis"),
            t(lang, "compare_pmet_title") + pg, f"compare_pmet{sfx}", cap_p, "pmet",
            lambda tg: (100 * max(0.0, tg.p_met - 1.96 * tg.p_met_se),
                        100 * min(1.0, tg.p_met + 1.96 * tg.p_met_se)), pmet_ref))
        charts.append(_comparison_axes(
            runs, page, lang, lambda tg: pct(tg, tg.median), t(lang, "pct_of_target"),
            t(lang, "compare_median_title") + pg, f"compare_median{sfx}", cap_m, "median",
            lambda tg: (pct(tg, tg.q05), pct(tg, tg.q95)), med_ref))
    return charts


def all_charts(runs, lang):
    """Every chart the runs allow, in report order."""
    charts = []
    multi = len(runs) > 1
    for n, run in enumerate(runs):
        mine = []
        if run.targets:
            mine += attainment(run, lang)
        for i in range(len(run.indicator_ids)):
            mine.append(fan_zone(run, i, lang))
            if len(run.region_entries) > 1:
                mine.append(fan_regions(run, i, lang))
        if multi:
            for c in mine:
                c.name = f"run{n + 1}_{c.name}"
        charts += mine
    charts += comparison(runs, lang)
    return charts


def lever_axis(unit, lang, values):
    """(factor, unit label) for a lever's values on an axis: yuan as 亿元 (zh)
    or million yuan (en), other units as the indicators show them."""
    if unit == "yuan":
        return (1e-8, "亿元") if lang == "zh" else (1e-6, "million yuan")
    scale = UnitScale(unit, lang, list(values))
    return scale.factor, scale.label


def sweep_chart(sw, lang, name=None, items=None, page=None):
    """P(met) of targets against the lever's value (its zone total in the
    horizon's end year), one line per target; binding targets solid with
    stars; the on-track (and at-risk) thresholds as dotted lines. `items`:
    the (index, target) pairs on this chart (all by default); `page`:
    (number, of) when the targets are split over several charts."""
    if items is None:
        items = list(enumerate(sw.targets))
    factor, ulabel = lever_axis(sw.lever_unit, lang, sw.lever_value)
    x = sw.lever_value * factor
    order = np.argsort(x, kind="stable")
    fig, ax = plt.subplots(figsize=style.SLIDE)
    fig.subplots_adjust(left=0.08, right=0.64, top=0.86, bottom=0.16)
    rows = []
    for slot, (k, tg) in enumerate(items):
        colour = style.RUN_COLOURS[slot % len(style.RUN_COLOURS)]
        y = 100.0 * sw.p_met[k]
        label = target_label(sw, tg, lang, width=16)
        if tg.binding:
            ax.plot(x[order], y[order], color=colour, ls="-", lw=3.2, marker="*", ms=20,
                    label=label, gid=f"sweep_target_{k}", zorder=3)
        else:
            ax.plot(x[order], y[order], color=colour, ls="--", lw=2.2, marker="o", ms=9,
                    mfc="white", label=label, gid=f"sweep_target_{k}", zorder=3)
        rows.append(dict(index=k, indicator=tg.indicator, region=tg.region, year=tg.year,
                         kind=tg.kind, sense=tg.sense, value=tg.value,
                         p_met=sw.p_met[k], p_met_se=sw.p_met_se[k]))
    tr = blended_transform_factory(ax.transAxes, ax.transData)
    for p, key, lw in ((sw.on_track, "threshold_on", 2.4), (sw.at_risk, "threshold_risk", 1.5)):
        ax.axhline(100 * p, color="#444444", ls=":", lw=lw, zorder=1,
                   gid="sweep_on_track" if key == "threshold_on" else "sweep_at_risk")
        ax.text(0.005, 100 * p + 1, t(lang, key, p=fmt_pct(p)), transform=tr, ha="left",
                va="bottom", fontsize=14, color="#444444")
    ax.set_ylim(-2, 104)
    ax.set_yticks(range(0, 101, 20))
    ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
    ax.set_ylabel(t(lang, "p_met_axis"))
    year = sw.attrs.get("horizon_end", "")
    ax.set_xlabel(t(lang, "sweep_x", lever=sw.lever_name(lang), year=year, u=ulabel))
    ax.grid(color="#d9d9d9")
    ax.set_axisbelow(True)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=14, frameon=False)
    title = t(lang, "sweep_title", lever=sw.lever_name(lang))
    if page and page[1] > 1:
        title += f" ({page[0]}/{page[1]})"
    _suptitle(fig, title)
    fig.text(0.01, 0.012, t(lang, "sweep_footer", scn=sw.label, n=sw.attrs.get("draws", "?"),
                             seed=sw.attrs.get("seed", "?")),
             fontsize=13, color="#555555", ha="left", va="bottom")
    scales = ", ".join(f"×{k:g}" for k in sw.scale)
    cap = (f"将政策杠杆“{sw.lever_name(lang)}”的整条路径分别乘以 {scales}，重新运行同一情景"
           "（各点使用相同随机数），横轴为杠杆在末年的区域合计值，纵轴为各目标的达成概率；"
           "实线与星号为约束性目标，虚线为预期性目标，点线为判断阈值。" if lang == "zh" else
           f"The lever '{sw.lever_name(lang)}' with its whole path multiplied by {scales}, the "
           "scenario re-run at each point with the same random numbers; x = the lever's zone "
           "total in the last year, y = probability of meeting each target; solid lines with "
           "stars = binding targets, dashed = expected; dotted lines = verdict thresholds.")
    return Chart(name or f"sweep_{_slug(sw.lever)}", fig, title, cap,
                 dict(kind="sweep", scenario=sw.label, file=sw.path, lever=sw.lever,
                      lever_unit=sw.lever_unit, x_unit=ulabel, x_factor=factor,
                      scale=sw.scale, lever_value=sw.lever_value, x=x,
                      on_track=sw.on_track, at_risk=sw.at_risk, targets=rows))


def sweep_charts(sweeps, lang):
    """Charts per sweep file, at most TARGETS_PER_PAGE targets on each (more
    lines than that cannot be told apart on a slide)."""
    charts = []
    for n, sw in enumerate(sweeps):
        base = f"sweep_{_slug(sw.lever)}" if len(sweeps) == 1 else f"sweep{n + 1}_{_slug(sw.lever)}"
        pages = _pages(list(enumerate(sw.targets)), TARGETS_PER_PAGE)
        for i, items in enumerate(pages):
            name = base if len(pages) == 1 else f"{base}_{i + 1}"
            charts.append(sweep_chart(sw, lang, name, items, (i + 1, len(pages))))
    return charts
