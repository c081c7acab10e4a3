"""What every chart shares: the Chart record (figure, title, caption and the
numbers it plots), the report context, titles and footers, fans, and the
compressed PNG.

Every chart function (here and in fans, compare, drivers, takes, regions)
takes the Context and returns one Chart or a list of them. The figure stays
open so the PDF can draw it and tests can read the plotted values back; the
data dict is written beside the PNG as NAME.json, in the files' own units
(target statistics exactly as `innosim check --format json` gives them)
plus what was drawn in display units.
"""

import io
import json
import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib import pyplot as plt
from matplotlib import ticker

from . import style
from .i18n import fmt_pct, legend_label, sense_symbol, t, title_wrap, verdict_text, year_str

TARGETS_PER_PAGE = 6


@dataclass
class Context:
    """Everything a chart needs besides its own arguments."""
    lang: str
    fmt: object             # analysis.Formats
    runs: list
    plan: object            # the reference run
    roles: dict             # run label -> plan | whatif | base | other
    sweeps: list = field(default_factory=list)
    solves: list = field(default_factory=list)
    designs: list = field(default_factory=list)
    sensitivities: list = field(default_factory=list)
    discoveries: list = field(default_factory=list)
    posteriors: list = field(default_factory=list)
    observations: list = field(default_factory=list)

    def colour(self, run):
        k = self.runs.index(run)
        return style.RUN_COLOURS[k % len(style.RUN_COLOURS)]

    def others(self):
        return [r for r in self.runs if r is not self.plan]

    def observed(self, ind, reg, unit):
        """Observed (years, values, sd) for an indicator and region, from every
        observation file given."""
        ys, vs, us = [], [], []
        for obs in self.observations:
            y, v, u = obs.points(ind, reg, unit)
            ys += y
            vs += v
            us += u
        order = np.argsort(ys, kind="stable")
        return ([ys[k] for k in order], [vs[k] for k in order], [us[k] for k in order])


@dataclass
class Chart:
    name: str           # file stem
    fig: object
    title: str
    caption: str
    data: dict = field(default_factory=dict)
    files: list = field(default_factory=list)

    def json_text(self):
        return json.dumps({"chart": self.name, "title": self.title, "caption": self.caption,
                           **self.data}, ensure_ascii=False, indent=1, default=_json_default)

    def png(self):
        return png_bytes(self.fig)


def _json_default(x):
    if isinstance(x, np.ndarray):
        return [None if (isinstance(v, float) and not math.isfinite(v)) else v
                for v in x.tolist()]
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(type(x))


def png_bytes(fig, colours=64):
    """The figure as a palette PNG (2400 x 1350 at 150 dpi): rendered once by
    Agg, quantised to `colours` colours with Pillow. A chart has few colours,
    so this keeps every line and letter and is a quarter of the RGB size."""
    from PIL import Image
    fig.set_dpi(style.PNG_DPI)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    img = Image.fromarray(rgba[..., :3].copy())
    pal = img.quantize(colors=colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    pal.save(buf, format="png", compress_level=6)
    return buf.getvalue()


def slug(s):
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(s))


def suptitle(fig, title, top=None):
    """Left-aligned title; a long one goes on two smaller lines."""
    text = title_wrap(title)
    if "\n" in text:
        fig.suptitle(text, x=0.01, ha="left", y=0.985, va="top", fontsize=21)
        if top is not None:
            fig.subplots_adjust(top=top - 0.035)
    else:
        fig.suptitle(text, x=0.01, ha="left", y=0.985, va="top")


def footer(fig, run, lang, extra=""):
    n = run.attrs.get("draws_valid", run.attrs.get("draws_requested", "?"))
    text = t(lang, "footer", scn=run.name(lang), n=n, seed=run.attrs.get("seed", "?"))
    fig.text(0.01, 0.012, text + extra, fontsize=12, color="#555555", ha="left", va="bottom")


def y_format(ax, scale):
    if scale.integer:
        ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6, integer=True))
        ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    else:
        ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=6))
        ax.yaxis.set_major_formatter(ticker.ScalarFormatter(useOffset=False))


def target_style(binding):
    if binding:
        return dict(color=style.BINDING, ls="-", marker="*", ms=24, mfc=style.BINDING)
    return dict(color=style.EXPECTED, ls="--", marker="D", ms=12, mfc="white")


def target_text(ctx, run, tg):
    """'≥ 2.50%' — a target's direction and value."""
    return f"{sense_symbol(tg.sense)} {ctx.fmt.value(tg.indicator, tg.value)}"


def target_label(ctx, run, tg, width=None):
    """'★ indicator ≥ value (year)' on one line; width cuts the name."""
    from .i18n import shorten
    name = run.indicator_name(tg.indicator, ctx.lang)
    if tg.region != run.zone_id:
        name += f" · {run.region_name(tg.region, ctx.lang)}"
    if width:
        name = shorten(name, width)
    star = "★ " if tg.binding else ""
    return f"{star}{name} {target_text(ctx, run, tg)} ({tg.year})"


def pmet_text(ctx, tg):
    return t(ctx.lang, "fan_pmet", p=fmt_pct(tg.p_met), v=verdict_text(ctx.lang, tg.verdict))


def draw_band(ax, x, lo, hi, colour, alpha, label=None, gid=None):
    return ax.fill_between(x, lo, hi, color=colour, alpha=alpha, lw=0, label=label, gid=gid)


def draw_targets(ax, ctx, run, ind, reg, compact=False):
    """Target lines with their marker at the target year; returns their records."""
    recs = []
    for tg in run.targets_on(ind, reg):
        st = target_style(tg.binding)
        v = ctx.fmt.scale(ind).scale(tg.value)
        ax.axhline(v, color=st["color"], ls=st["ls"], lw=1.5 if compact else 2.2, alpha=0.85,
                   zorder=3)
        kind = t(ctx.lang, "target_binding" if tg.binding else "target_expected")
        ax.plot([tg.year], [v], ls="none", marker=st["marker"],
                ms=st["ms"] * (0.6 if compact else 1), color=st["color"], mfc=st["mfc"], mew=2,
                zorder=6, gid=f"target_{tg.year}",
                label=legend_label(ctx.lang, kind, f"{year_str(ctx.lang, tg.year)} "
                                   f"{target_text(ctx, run, tg)}"))
        recs.append(tg.record(run.label))
    return recs


def draw_observed(ax, ctx, run, ind, reg, compact=False):
    """Observed statistics as black dots with ±1 sd; returns their record."""
    ys, vs, us = ctx.observed(ind, reg, run.unit(ind))
    if not ys:
        return None
    sc = ctx.fmt.scale(ind)
    v = np.array([sc.scale(x) for x in vs])
    u = np.array([sc.scale(x) if math.isfinite(x) else 0.0 for x in us])
    ax.errorbar(ys, v, yerr=u, fmt="o", color="black", ms=5 if compact else 8, capsize=3,
                lw=1.2, zorder=7, gid="observed", label=t(ctx.lang, "observed"))
    return dict(years=ys, values=vs, sd=us, plotted=v)


def fan_series(ctx, run, i, r):
    """The fan of indicator i and region r in display units, exact in target
    years; returns (series dict, exact mask)."""
    sc = ctx.fmt.scale(run.indicators.ids[i])
    fan, exact = run.fan(i, r)
    return {k: sc.scale(v) for k, v in fan.items()}, exact


def x_years(ax, years, history=()):
    lo = min([int(years[0])] + [int(y) for y in history])
    ax.set_xlim(lo - 0.3, int(years[-1]) + 0.3)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True, nbins=8))
    ax.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}"))


def y_from_zero(ax, values):
    v = np.asarray([x for x in np.ravel(values) if x is not None and np.isfinite(x)])
    if v.size and v.min() >= 0:
        top = float(v.max())
        ax.set_ylim(0, top * 1.1 if top > 0 else 1)


def pages(items, per_page):
    """Splits into pages of at most per_page, as evenly as possible (5 + 5, not 6 + 4)."""
    if not items:
        return [[]]
    n = math.ceil(len(items) / per_page)
    size = math.ceil(len(items) / n)
    return [items[k:k + size] for k in range(0, len(items), size)]


def page_suffix(lang, k, n):
    """'（2/3）' or ' (2/3)' after the title of the k-th of n pages; '' for one page."""
    if n <= 1:
        return ""
    return f"（{k}/{n}）" if lang == "zh" else f" ({k}/{n})"


def close(charts):
    for c in charts:
        plt.close(c.fig)
