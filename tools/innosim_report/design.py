"""What it takes, from a design file (`innosim design`, docs/hdf5-schema.md):
P(met) of a target at every point of the design. Two levers: a map over
their amounts (log axes), each point a square coloured and labelled with its
P(met), the on-track line between the points, the plan's own amounts marked.
One lever: the design is a sweep and is drawn as one. Three or more levers:
P(met) against each lever in turn, every point of the design (the other
levers vary too, so the spread at one amount is theirs)."""

from dataclasses import dataclass

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import pyplot as plt
from matplotlib import ticker
from matplotlib.lines import Line2D
from matplotlib.tri import Triangulation

from . import style
from .analysis import lever_scale
from .charts import Chart, page_suffix, pages, slug, suptitle, target_style
from .i18n import fmt_pct, sense_symbol, t, wrap
from .runfile import (RunFileError, ScenarioFile, Sweep, _array, _check_version, _decode, _open,
                      _read_meta, _scenario_info, _strings, _thresholds, read_target_list)

PER_PAGE = 2
MAX_TARGETS = 6
PMET_CMAP = mcolors.LinearSegmentedColormap.from_list(
    "pmet", ["#ffffff", "#cfe3f2", "#0072B2", "#08306b"])


@dataclass
class Design(ScenarioFile):
    path: str
    label: str
    attrs: dict
    scenario: object           # runfile.ScenarioInfo
    regions: object
    region_roles: list
    indicators: object
    units: list
    levers: list               # [dict(id, unit, name_en, name_zh, given_as, base_value, lo, hi)]
    targets: list              # [T] SweepTarget
    scale: np.ndarray          # [V, L] factors
    lever_value: np.ndarray    # [V, L] zone totals in the horizon's end year
    p_met: np.ndarray          # [T, V]
    p_met_se: np.ndarray
    median: np.ndarray
    q05: np.ndarray
    q95: np.ndarray
    on_track: float
    at_risk: float
    suffix: str = ""

    def indicator_name(self, ind_id, lang):
        return self.indicators.name(ind_id, lang)

    def lever_name(self, lang, k):
        lv = self.levers[k]
        return lv[f"name_{lang}"] or lv["name_en"] or lv["id"]

    def as_sweep(self):
        """A one-lever design is a sweep (points in increasing factor)."""
        order = np.argsort(self.scale[:, 0], kind="stable")
        lv = self.levers[0]
        attrs = dict(self.attrs, lever=lv["id"], lever_unit=lv["unit"])
        return Sweep(path=self.path, label=self.label, attrs=attrs, scenario=self.scenario,
                     lever=lv["id"], lever_unit=lv["unit"],
                     lever_names={"en": lv["name_en"], "zh": lv["name_zh"]},
                     regions=self.regions, region_roles=self.region_roles,
                     indicators=self.indicators, units=self.units, targets=self.targets,
                     scale=self.scale[order, 0], lever_value=self.lever_value[order, 0],
                     p_met=self.p_met[:, order], p_met_se=self.p_met_se[:, order],
                     median=self.median[:, order], q05=self.q05[:, order],
                     q95=self.q95[:, order], on_track=self.on_track, at_risk=self.at_risk,
                     suffix=self.suffix)


def load_design(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-design")
        regions, roles, indicators, units = _read_meta(f, path)
        cols = {k: _strings(f, f"levers/{k}", path) for k in ("id", "unit", "name_en", "name_zh")}
        if not cols["id"]:
            raise RunFileError(f"{path}: /levers/id is empty")
        given = (_strings(f, "levers/given_as", path) if "levers/given_as" in f
                 else ["factor"] * len(cols["id"]))
        nums = {k: _array(f, f"levers/{k}", path, 1).astype(float) for k in ("base_value", "lo", "hi")}
        nl = len(cols["id"])
        for k, v in [*cols.items(), ("given_as", given), *nums.items()]:
            if len(v) != nl:
                raise RunFileError(f"{path}: /levers/{k} has {len(v)} entries, /levers/id {nl}")
        levers = [dict(id=cols["id"][k], unit=cols["unit"][k], name_en=cols["name_en"][k],
                       name_zh=cols["name_zh"][k], given_as=given[k],
                       **{c: float(v[k]) for c, v in nums.items()}) for k in range(nl)]
        targets = read_target_list(f, path, indicators, regions)
        scale = _array(f, "design/scale", path, 2).astype(float)
        lever_value = _array(f, "design/lever_value", path, 2).astype(float)
        nv = scale.shape[0]
        if scale.shape != (nv, nl) or lever_value.shape != (nv, nl):
            raise RunFileError(f"{path}: /design/scale {scale.shape} and /design/lever_value "
                               f"{lever_value.shape}, expected [V, L] with L = {nl}")
        mats = {k: _array(f, f"points/{k}", path, 2).astype(float)
                for k in ("p_met", "p_met_se", "median", "q05", "q95")}
        for k, m in mats.items():
            if m.shape != (len(targets), nv):
                raise RunFileError(f"{path}: /points/{k} has shape {m.shape}, expected [T, V] = "
                                   f"{(len(targets), nv)}")
        on_track, at_risk = _thresholds(f, path)
        scenario = _scenario_info(f, attrs, path)
    return Design(path=path, label=scenario.id, attrs=attrs, scenario=scenario, regions=regions,
                  region_roles=roles, indicators=indicators, units=units, levers=levers,
                  targets=targets, scale=scale, lever_value=lever_value, on_track=on_track,
                  at_risk=at_risk, **mats)


def design_targets(dz):
    """The targets worth a panel: binding ones, then those that are not on
    track at every point, the ones the levers move most first (a target the
    design moves by less than 2 points is left out)."""
    bind = [tg for tg in dz.targets if tg.binding]
    rest = [tg for tg in dz.targets if not tg.binding and dz.p_met[tg.index].min() < dz.on_track
            and np.ptp(dz.p_met[tg.index]) >= 0.02]
    rest.sort(key=lambda tg: (-np.ptp(dz.p_met[tg.index]), tg.index))
    return (bind + rest)[:max(MAX_TARGETS, len(bind))]


def design_charts(ctx, dz):
    tgs = design_targets(dz)
    if not tgs:
        return []
    groups = pages(tgs, PER_PAGE)
    draw = _map_page if len(dz.levers) == 2 else _each_lever_page
    return [draw(ctx, dz, g, k, len(groups)) for k, g in enumerate(groups, 1)]


def _axis(dz, lang, k):
    """The k-th lever's display scale, its values at the points, whether the axis is logarithmic
    and the plan's own amount (factor 1)."""
    lv = dz.levers[k]
    sc = lever_scale(lv["unit"], lang, list(dz.lever_value[:, k]))
    x = dz.lever_value[:, k] * sc.factor
    log = bool(np.all(x > 0))
    return sc, x, log, lv["base_value"] * sc.factor


def _set_axis(axis, sc, vals):
    u = np.unique(vals)
    if len(u) <= 7:
        axis.set_major_locator(ticker.FixedLocator(u))
    axis.set_minor_locator(ticker.NullLocator())
    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: sc.number(v / sc.factor)))


def _axis_label(dz, lang, k, sc, log):
    year = dz.attrs.get("horizon_end", dz.scenario.horizon[1])
    return t(lang, "takes_x" if log else "takes_x_lin", lever=dz.lever_name(lang, k), year=year,
             u=sc.label)


def _panel_title(ctx, dz, tg):
    lang = ctx.lang
    isc = ctx.fmt.scale(tg.indicator)
    star = "★ " if tg.binding else ""
    return (f"{star}{wrap(dz.indicator_name(tg.indicator, lang), lang, 18)} "
            f"{sense_symbol(tg.sense)} {isc.value(tg.value)} ({tg.year})")


def _record(dz, tg):
    return dict(indicator=tg.indicator, region=tg.region, year=tg.year, kind=tg.kind,
                sense=tg.sense, target=tg.value, p_met=dz.p_met[tg.index],
                p_met_se=dz.p_met_se[tg.index], median=dz.median[tg.index],
                q05=dz.q05[tg.index], q95=dz.q95[tg.index])


def _best_text(ctx, dz, tg, scs):
    """The point with the highest P(met) (the cheapest of equals), as text."""
    lang = ctx.lang
    p = dz.p_met[tg.index]
    best = np.flatnonzero(p == p.max())
    v = int(best[np.argmin(dz.scale[best].sum(axis=1))])
    amounts = ("、" if lang == "zh" else ", ").join(
        f"{dz.lever_name(lang, k)} {sc.value(dz.lever_value[v, k])}" for k, sc in enumerate(scs))
    return t(lang, "design_best", p=fmt_pct(p[v]), at=amounts), v


def _map_page(ctx, dz, tgs, k, n):
    lang = ctx.lang
    sx, x, logx, px = _axis(dz, lang, 0)
    sy, y, logy, py = _axis(dz, lang, 1)
    fig, axes = plt.subplots(1, PER_PAGE, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.08, right=0.90, top=0.80, bottom=0.27, wspace=0.32)
    panels = []
    mesh = None
    for slot, tg in enumerate(tgs):
        ax = axes[0][slot]
        p = dz.p_met[tg.index]
        if logx:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        mesh = ax.scatter(x, y, c=p, cmap=PMET_CMAP, vmin=0, vmax=1, marker="s",
                          s=2600 if len(x) <= 25 else 900, edgecolors="#777777", linewidths=0.8,
                          zorder=3, gid=f"points_{tg.index}")
        if len(x) <= 49:
            for xv, yv, pv in zip(x, y, p):
                ax.text(xv, yv, fmt_pct(pv), ha="center", va="center", fontsize=10.5, zorder=4,
                        color="white" if pv > 0.55 else "#111111")
        contour = False
        if len(x) >= 4 and np.ptp(p) > 0 and p.min() < dz.on_track < p.max():
            try:
                tri = Triangulation(np.log(x) if logx else x, np.log(y) if logy else y)
                cs = ax.tricontour(np.exp(tri.x) if logx else tri.x,
                                   np.exp(tri.y) if logy else tri.y, tri.triangles, p,
                                   levels=[dz.on_track], colors=[style.BINDING], linewidths=2.4,
                                   linestyles="--", zorder=5)
                contour = bool(cs.allsegs and any(len(s) for s in cs.allsegs[0]))
            except (ValueError, RuntimeError):  # points on one line: no triangles
                contour = False
        # a hollow diamond, so a design point at the plan's amounts stays readable
        ax.plot([px], [py], "D", ms=40 if len(x) <= 25 else 24, color="black", mfc="none", mew=2.6,
                zorder=6, gid="plan_point")
        _set_axis(ax.xaxis, sx, x)
        _set_axis(ax.yaxis, sy, y)
        pad_x = (x.max() / x.min()) ** 0.12 if logx else 0.12 * (np.ptp(x) or 1)
        pad_y = (y.max() / y.min()) ** 0.12 if logy else 0.12 * (np.ptp(y) or 1)
        lo_x, hi_x = min(x.min(), px), max(x.max(), px)
        lo_y, hi_y = min(y.min(), py), max(y.max(), py)
        ax.set_xlim(lo_x / pad_x if logx else lo_x - pad_x, hi_x * pad_x if logx else hi_x + pad_x)
        ax.set_ylim(lo_y / pad_y if logy else lo_y - pad_y, hi_y * pad_y if logy else hi_y + pad_y)
        ax.tick_params(labelsize=11)
        ax.grid(color="#eeeeee", zorder=0)
        ax.set_title(_panel_title(ctx, dz, tg), loc="left", fontsize=13,
                     color=style.BINDING if tg.binding else "#111111")
        best, v = _best_text(ctx, dz, tg, (sx, sy))
        ax.text(0.0, -0.22, best, transform=ax.transAxes, fontsize=11, va="top", color="#333333")
        panels.append(dict(**_record(dz, tg), on_track_line=contour, best_point=v, best_text=best))
    for slot in range(len(tgs), PER_PAGE):
        axes[0][slot].axis("off")
    cax = fig.add_axes([0.925, 0.27, 0.015, 0.53])
    cb = fig.colorbar(mesh, cax=cax)
    cb.ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    cb.set_label(t(lang, "p_met_axis"), fontsize=12)
    fig.text(0.49, 0.205, _axis_label(dz, lang, 0, sx, logx), ha="center", fontsize=13)
    fig.text(0.012, 0.535, _axis_label(dz, lang, 1, sy, logy), rotation=90, va="center",
             fontsize=13)
    handles = [Line2D([], [], ls="none", marker="D", ms=14, color="black", mfc="none", mew=2.2,
                      label=t(lang, "design_plan", plan=dz.name(lang),
                              v=f"{sx.value(px / sx.factor)}, {sy.value(py / sy.factor)}")),
               Line2D([], [], color=style.BINDING, ls="--", lw=2.4,
                      label=t(lang, "threshold_on", p=fmt_pct(dz.on_track)))]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=12, bbox_to_anchor=(0.5, 0.0))
    title = t(lang, "design_title", scn=dz.name(lang)) + page_suffix(lang, k, n)
    suptitle(fig, title)
    return _chart(ctx, dz, k, n, fig, title, panels)


def _each_lever_page(ctx, dz, tgs, k, n):
    """Three or more levers: P(met) against each lever, one row of panels per target."""
    lang = ctx.lang
    nl = len(dz.levers)
    axes_info = [_axis(dz, lang, j) for j in range(nl)]
    fig, axes = plt.subplots(len(tgs), nl, figsize=style.SLIDE, squeeze=False)
    fig.subplots_adjust(left=0.06, right=0.985, top=0.83, bottom=0.2, hspace=0.75, wspace=0.25)
    panels = []
    for row, tg in enumerate(tgs):
        p = 100 * dz.p_met[tg.index]
        st = target_style(tg.binding)
        for j, (sc, x, log, px) in enumerate(axes_info):
            ax = axes[row][j]
            if log:
                ax.set_xscale("log")
            ax.scatter(x, p, s=40, color=st["color"], alpha=0.75, zorder=3,
                       gid=f"points_{tg.index}_{j}")
            ax.axvline(px, color="black", lw=1.4, zorder=2, gid="plan_line")
            ax.axhline(100 * dz.on_track, color="#555555", ls=":", lw=1.6)
            _set_axis(ax.xaxis, sc, x)
            ax.set_ylim(-3, 103)
            ax.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
            ax.tick_params(labelsize=10)
            ax.grid(color="#eeeeee")
            if row == len(tgs) - 1:
                ax.set_xlabel(_axis_label(dz, lang, j, sc, log), fontsize=11)
            if j == 0:
                ax.set_ylabel(t(lang, "p_met_axis"), fontsize=11)
                ax.set_title(_panel_title(ctx, dz, tg), loc="left", fontsize=12.5,
                             color=style.BINDING if tg.binding else "#111111")
        best, v = _best_text(ctx, dz, tg, [a[0] for a in axes_info])
        panels.append(dict(**_record(dz, tg), best_point=v, best_text=best))
    fig.text(0.06, 0.035, t(lang, "design_each_note", plan=dz.name(lang)), fontsize=12,
             color="#333333")
    title = t(lang, "design_title", scn=dz.name(lang)) + page_suffix(lang, k, n)
    suptitle(fig, title)
    return _chart(ctx, dz, k, n, fig, title, panels)


def _chart(ctx, dz, k, n, fig, title, panels):
    lang = ctx.lang
    a = dz.attrs
    cap = t(lang, "design_cap", scn=dz.name(lang), points=dz.scale.shape[0],
            method=t(lang, "design_" + str(a.get("method", "grid"))), draws=a.get("draws", ""))
    ids = "_".join(slug(lv["id"]) for lv in dz.levers)
    sfx = "" if n == 1 else f"_{k}"
    return Chart(f"design_{slug(dz.label)}_{ids}{sfx}", fig, title, cap,
                 dict(kind="design", scenario=dz.label, file=dz.path, method=a.get("method"),
                      levers=dz.levers, scale=dz.scale, lever_value=dz.lever_value,
                      on_track=dz.on_track, panels=panels))
