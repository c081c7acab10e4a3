"""What it takes, from a solve file (`innosim solve`, docs/hdf5-schema.md):
the solved target's indicator (median and 90 % band) and its P(met) against
the lever on a log axis, with the target, the plan's own amount and the
solved amount in 亿元 (or million yuan) with its ±1 s.e. range."""

import textwrap
from dataclasses import dataclass

import numpy as np
from matplotlib import pyplot as plt
from matplotlib import ticker
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import style
from .analysis import lever_scale
from .charts import Chart, slug, suptitle, target_style
from .i18n import UnitScale, fmt_pct, sense_symbol, t, wrap
from .runfile import (RunFileError, ScenarioFile, _array, _check_version, _decode, _open,
                      _scenario_info, _strings)


@dataclass
class Solve(ScenarioFile):
    path: str
    label: str
    attrs: dict
    scenario: object          # runfile.ScenarioInfo
    target: dict              # id, indicator, region, year, value, sense, kind, name_en, name_zh, unit
    levers: list              # [dict(id, unit, name_en, name_zh, base_value, value)]
    answer: dict              # probability, reachable, scale, p_met, scale_lo, scale_hi, p_met_se, lo, hi
    scale: np.ndarray         # [M] factors walked, increasing
    p_met: np.ndarray
    p_met_se: np.ndarray
    median: np.ndarray
    q05: np.ndarray
    q95: np.ndarray
    mix: dict = None          # the cheapest mix (solve --cost): attrs, cost_per_unit, factor,
    #                           tried_shares [S, L], tried_extra_cost, tried_p_met [S]; no curve

    def lever_name(self, lang, k=0):
        lv = self.levers[k]
        return lv[f"name_{lang}"] or lv["name_en"] or lv["id"]

    def target_name(self, lang):
        return self.target.get(f"name_{lang}") or self.target.get("name_en") or self.target["indicator"]

    @property
    def one_lever(self):
        return len(self.levers) == 1


def load_solve(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-solve")
        mix = _read_mix(f, path) if "mix" in f else None
        for g in ("target",) + (() if mix else ("answer",)):
            if g not in f:
                raise RunFileError(f"{path}: missing /{g} (see docs/hdf5-schema.md)")
        target = {k: _decode(v) for k, v in f["target"].attrs.items()}
        answer = {} if mix else {k: _decode(v) for k, v in f["answer"].attrs.items()}
        for k in ("indicator", "region", "year", "value", "sense"):
            if k not in target:
                raise RunFileError(f"{path}: /target lacks the attribute {k}")
        for k in () if mix else ("probability", "reachable", "scale", "p_met", "scale_lo",
                                 "scale_hi"):
            if k not in answer:
                raise RunFileError(f"{path}: /answer lacks the attribute {k}")
        cols = {k: _strings(f, f"levers/{k}", path) for k in ("id", "unit", "name_en", "name_zh")}
        base = _array(f, "levers/base_value", path, 1).astype(float)
        value = _array(f, "levers/value", path, 1).astype(float)
        levers = [dict(id=cols["id"][k], unit=cols["unit"][k], name_en=cols["name_en"][k],
                       name_zh=cols["name_zh"][k], base_value=float(base[k]), value=float(value[k]))
                  for k in range(len(cols["id"]))]
        if not levers:
            raise RunFileError(f"{path}: /levers/id is empty")
        if mix and any(len(mix[k]) != len(levers) for k in ("cost_per_unit", "factor")) \
                or mix and mix["tried_shares"].shape[1:] != (len(levers),):
            raise RunFileError(f"{path}: /mix/cost_per_unit, factor or tried_shares do not have "
                               f"one entry per lever ({len(levers)})")
        curve = {k: (np.zeros(0) if mix else _array(f, f"curve/{k}", path, 1).astype(float))
                 for k in ("scale", "p_met", "p_met_se", "median", "q05", "q95")}
        n = len(curve["scale"])
        for k, v in curve.items():
            if v.shape != (n,):
                raise RunFileError(f"{path}: /curve/{k} has {v.shape[0]} entries, /curve/scale {n}")
        scenario = _scenario_info(f, attrs, path)
    target["year"] = int(target["year"])
    target["value"] = float(target["value"])
    answer = {k: (float(v) if not isinstance(v, str) else v) for k, v in answer.items()}
    return Solve(path=path, label=scenario.id, attrs=attrs, scenario=scenario, target=target,
                 levers=levers, answer=answer, mix=mix, **curve)


def _read_mix(f, path):
    g = f["mix"]
    mix = {k: (float(v) if not isinstance(v, str) else v)
           for k, v in ((k, _decode(v)) for k, v in g.attrs.items())}
    for k in ("probability", "reachable", "cost", "p_met"):
        if k not in mix:
            raise RunFileError(f"{path}: /mix lacks the attribute {k}")
    for k in ("cost_per_unit", "factor", "tried_extra_cost", "tried_p_met"):
        mix[k] = _array(f, f"mix/{k}", path, 1).astype(float)
    mix["tried_shares"] = _array(f, "mix/tried_shares", path, 2).astype(float)
    if len(mix["tried_extra_cost"]) != mix["tried_shares"].shape[0] or \
            len(mix["tried_p_met"]) != mix["tried_shares"].shape[0]:
        raise RunFileError(f"{path}: /mix/tried_shares, tried_extra_cost and tried_p_met differ "
                           "in length")
    return mix


def _amount(sv, lang):
    """The lever amount at factor k as text: 亿元 / million yuan for one lever, ×k for several."""
    if sv.one_lever:
        lv = sv.levers[0]
        sc = lever_scale(lv["unit"], lang, [lv["base_value"]])
        return sc, lambda k: sc.value(k * lv["base_value"])
    return None, lambda k: f"×{k:.3g}"


def answer_text(ctx, sv):
    """The solved amount (and its ±1 s.e. range), or that the range searched does not reach it."""
    if sv.mix:
        return mix_text(ctx, sv)
    lang, a = ctx.lang, sv.answer
    _, amount = _amount(sv, lang)
    if bool(a["reachable"]):
        rng = ""
        if np.isfinite(a["scale_lo"]) and np.isfinite(a["scale_hi"]):
            rng = t(lang, "solve_range", lo=amount(a["scale_lo"]), hi=amount(a["scale_hi"]))
        return t(lang, "solve_answer", p=fmt_pct(a["probability"]), v=amount(a["scale"]),
                 k=f"{a['scale']:.3g}", range=rng)
    return t(lang, "solve_unreachable", p=fmt_pct(a["probability"]), hi=amount(a["hi"]),
             best=fmt_pct(a["p_met"]), v=amount(a["scale"]))


def mix_text(ctx, sv):
    """The cheapest mix: each lever's amount at its own factor and the cost, or that no split
    tried reaches the probability."""
    lang, m = ctx.lang, sv.mix
    sep = "、" if lang == "zh" else ", "
    parts = []
    for j, (lv, k) in enumerate(zip(sv.levers, m["factor"])):
        sc = lever_scale(lv["unit"], lang, [lv["base_value"]])
        parts.append(f"{sv.lever_name(lang, j)} {sc.value(k * lv['base_value'])} (×{k:.3g})")
    if bool(m["reachable"]):
        return t(lang, "mix_answer", p=fmt_pct(m["probability"]), levers=sep.join(parts),
                 cost=f"{m['cost']:.4g}", plan=f"{m.get('scenario_cost', float('nan')):.4g}")
    return t(lang, "mix_unreachable", p=fmt_pct(m["probability"]), best=fmt_pct(m["p_met"]))


def _mix_chart(ctx, sv):
    """The cheapest mix: each lever at the plan and at the answer (left); the extra cost of
    every split of the money tried (right), the cheapest marked."""
    lang, m, tg = ctx.lang, sv.mix, sv.target
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=style.SLIDE)
    fig.subplots_adjust(left=0.2, right=0.98, top=0.80, bottom=0.26, wspace=0.35)
    rows = []
    for k, lv in enumerate(sv.levers):
        sc = lever_scale(lv["unit"], lang, [lv["base_value"]])
        ax1.barh(k - 0.18, 1.0, height=0.34, color="#bbbbbb", gid=f"plan_{k}")
        ax1.barh(k + 0.18, m["factor"][k], height=0.34, color=style.FAN, gid=f"mix_{k}")
        ax1.text(m["factor"][k], k + 0.18, f"  {sc.value(m['factor'][k] * lv['base_value'])}",
                 va="center", fontsize=11)
        ax1.text(1.0, k - 0.18, f"  {sc.value(lv['base_value'])}", va="center", fontsize=11,
                 color="#555555")
        rows.append(dict(id=lv["id"], factor=m["factor"][k], base_value=lv["base_value"],
                         amount=m["factor"][k] * lv["base_value"],
                         cost_per_unit=m["cost_per_unit"][k]))
    ax1.set_yticks(range(len(sv.levers)))
    ax1.set_yticklabels([wrap(sv.lever_name(lang, k), lang, 18) for k in range(len(sv.levers))],
                        fontsize=11)
    ax1.tick_params(axis="x", labelsize=11)
    ax2.tick_params(labelsize=11)
    ax1.invert_yaxis()
    ax1.set_xlim(0, max(1.0, float(np.nanmax(m["factor"]))) * 1.35)
    ax1.set_xlabel(t(lang, "mix_factor"), fontsize=12)
    ax1.grid(axis="x", color="#e0e0e0")
    ax1.set_title(t(lang, "mix_left", plan=sv.name(lang)), loc="left", fontsize=13)
    cost = m["tried_extra_cost"]
    ok = np.isfinite(cost)
    if len(sv.levers) == 2:
        x = 100 * m["tried_shares"][:, 0]
        order = np.argsort(x, kind="stable")
        ax2.plot(x[order][ok[order]], cost[order][ok[order]], "o-", color=style.FAN, ms=6,
                 gid="tried")
        label = t(lang, "mix_share", lever=sv.lever_name(lang, 0))
        ax2.set_xlabel(label if lang == "zh" else textwrap.fill(label, 55), fontsize=12)
        ax2.xaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
    else:
        x = np.arange(len(cost))
        ax2.plot(x[ok], cost[ok], "o", color=style.FAN, ms=6, gid="tried")
        ax2.set_xlabel(t(lang, "mix_splits"), fontsize=12)
    if bool(m["reachable"]) and ok.any():
        best = int(np.nanargmin(np.where(ok, cost, np.nan)))
        ax2.plot([x[best]], [cost[best]], "D", ms=13, color="black", mfc=style.OKABE_ITO["yellow"],
                 zorder=5, gid="cheapest")
    ax2.set_ylabel(t(lang, "mix_extra_cost"), fontsize=12)
    ax2.grid(color="#e0e0e0")
    ax2.set_title(t(lang, "mix_right", p=fmt_pct(m["probability"])), loc="left", fontsize=13)
    answer = mix_text(ctx, sv)
    fig.text(0.02, 0.1, answer, fontsize=14, fontweight="bold", wrap=True)
    try:
        isc = ctx.fmt.scale(tg["indicator"])
        tv = isc.value(tg["value"])
    except KeyError:
        tv = f"{tg['value']:g}"
    title = t(lang, "mix_title", ind=sv.target_name(lang),
              tgt=f"{sense_symbol(tg['sense'])} {tv} ({tg['year']})", scn=sv.name(lang))
    suptitle(fig, title)
    lever_ids = "_".join(slug(lv["id"]) for lv in sv.levers)
    return [Chart(f"solve_{slug(sv.label)}_{slug(str(tg.get('id', tg['indicator'])))}_{lever_ids}_mix",
                  fig, title, t(lang, "mix_cap", draws=sv.attrs.get("draws", "")),
                  dict(kind="solve_mix", scenario=sv.label, file=sv.path, target=tg,
                       levers=rows, mix={k: v for k, v in m.items()}, answer_text=answer))]


def solve_charts(ctx, sv):
    """One chart of two panels: the indicator, and P(met), against the lever (the cheapest
    mix of a solve --cost file: its own chart)."""
    if sv.mix:
        return _mix_chart(ctx, sv)
    lang = ctx.lang
    a, tg = sv.answer, sv.target
    order = np.argsort(sv.scale, kind="stable")
    sc, amount = _amount(sv, lang)
    names = ("、" if lang == "zh" else ", ").join(sv.lever_name(lang, k) for k in range(len(sv.levers)))
    if sc is not None:
        x = sv.scale * sv.levers[0]["base_value"] * sc.factor
        x_label = t(lang, "solve_x", lever=names, year=sv.scenario.horizon[1], u=sc.label)
    else:
        x = sv.scale.copy()
        x_label = t(lang, "solve_x_factor", levers=names)
    # a log axis over the factors above zero (the solver may start its walk at k = 0,
    # which the side file keeps but a log axis cannot show)
    log = int(np.sum(sv.scale > 0)) >= 2
    order = order[sv.scale[order] > 0] if log else order
    xf = sv.levers[0]["base_value"] * sc.factor if sc is not None else 1.0  # x per unit factor
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=style.SLIDE)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.80, bottom=0.26, wspace=0.25)
    try:
        isc = ctx.fmt.scale(tg["indicator"])
    except KeyError:  # no run file among the inputs reports this indicator
        isc = UnitScale(str(tg.get("unit", "1")), lang, [tg["value"], *sv.q95])
    st = target_style(tg.get("kind") == "binding")
    ax1.fill_between(x[order], isc.scale(sv.q05[order]), isc.scale(sv.q95[order]),
                     color=style.FAN, alpha=0.2, lw=0)
    ax1.plot(x[order], isc.scale(sv.median[order]), color=style.FAN, lw=2.6, marker="o", ms=6,
             gid="median")
    ax1.axhline(isc.scale(tg["value"]), color=st["color"], ls=st["ls"], lw=2, gid="target")
    ax1.set_ylabel(isc.label)
    ax1.set_title(t(lang, "solve_left", ind=sv.target_name(lang),
                    tgt=f"{sense_symbol(tg['sense'])} {isc.value(tg['value'])} ({tg['year']})"),
                  loc="left", fontsize=14)
    ax2.errorbar(x[order], 100 * sv.p_met[order], yerr=100 * sv.p_met_se[order], color=style.FAN,
                 lw=2.6, marker="o", ms=6, capsize=3, gid="p_met")
    ax2.axhline(100 * a["probability"], color=style.BINDING, ls="--", lw=2, gid="probability")
    ax2.set_ylim(-3, 103)
    ax2.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
    ax2.set_ylabel(t(lang, "p_met_axis"))
    ax2.set_title(t(lang, "solve_right", p=fmt_pct(a["probability"])), loc="left", fontsize=14)
    reachable = bool(a["reachable"])
    xa = a["scale"] * xf
    for ax in (ax1, ax2):
        if log:
            ax.set_xscale("log")
            kmin, kmax = float(sv.scale[sv.scale > 0].min()), float(sv.scale.max())
            powers = 2.0 ** np.arange(np.floor(np.log2(kmin)), np.ceil(np.log2(kmax)) + 1)
            ax.xaxis.set_major_locator(ticker.FixedLocator(powers * xf))  # doublings of the plan
            ax.xaxis.set_minor_locator(ticker.NullLocator())
            ax.xaxis.set_major_formatter(ticker.FuncFormatter(
                lambda v, _: sc.number(v / sc.factor) if sc else f"{v:g}"))
        ax.grid(color="#e0e0e0")
        if 1.0 >= sv.scale.min() and 1.0 <= sv.scale.max():
            ax.axvline(xf, color="black", lw=1.4, zorder=2, gid="plan_line")
        if reachable:
            ax.axvline(xa, color=style.BINDING, lw=2.2, ls=":", zorder=3, gid="answer")
            lo, hi = a["scale_lo"], a["scale_hi"]
            if np.isfinite(lo) and np.isfinite(hi):
                ax.axvspan(lo * xf, hi * xf, color=style.BINDING, alpha=0.10, lw=0)
    ax2.plot([xa], [100 * a["p_met"]], "D", ms=12, color="black", mfc=style.OKABE_ITO["yellow"],
             zorder=6, gid="answer_point")
    answer = answer_text(ctx, sv)
    plan_amount = amount(1.0)
    fig.text(0.07, 0.105, answer, fontsize=15, fontweight="bold")
    fig.text(0.5, 0.165, x_label, ha="center", fontsize=14)
    handles = [Line2D([], [], color=style.FAN, lw=3, marker="o", label=t(lang, "median")),
               Patch(color=style.FAN, alpha=0.2, label=t(lang, "band90")),
               Line2D([], [], color="black", lw=1.4,
                      label=t(lang, "solve_plan", plan=sv.name(lang), v=plan_amount)),
               Line2D([], [], color=style.BINDING, lw=2.2, ls=":", label=t(lang, "solve_answer_line"))]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=12, bbox_to_anchor=(0.5, 0.0))
    title = t(lang, "solve_title", ind=sv.target_name(lang), scn=sv.name(lang), levers=names)
    suptitle(fig, title)
    cap = t(lang, "solve_cap", scn=sv.name(lang), draws=sv.attrs.get("draws", ""))
    lever_ids = "_".join(slug(lv["id"]) for lv in sv.levers)
    return [Chart(f"solve_{slug(sv.label)}_{slug(str(tg.get('id', tg['indicator'])))}_{lever_ids}",
                  fig, title, cap,
                  dict(kind="solve", scenario=sv.label, file=sv.path, target=tg, levers=sv.levers,
                       answer=a, answer_text=answer, log_x=log,
                       x_unit=sc.label if sc else "factor", x_factor=sc.factor if sc else 1.0,
                       scale=sv.scale, x=x, p_met=sv.p_met, p_met_se=sv.p_met_se,
                       median=sv.median, q05=sv.q05, q95=sv.q95))]
