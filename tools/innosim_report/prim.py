"""Drivers from a discovery file (`innosim discover`, docs/hdf5-schema.md): under
which conditions a target is met (or missed). Left, PRIM's peeling
trajectory — each box's coverage against its density, the chosen box
marked; right, the chosen box: each restricted input's range in the data
with the box's part of it, the values at its edges, the share of points the
restriction keeps alone and its quasi-p-value."""

from dataclasses import dataclass

import numpy as np
from matplotlib import pyplot as plt
from matplotlib import ticker

from . import style
from .analysis import parameter_label
from .charts import Chart, slug, suptitle
from .i18n import fmt_pct, t, wrap
from .runfile import RunFileError, _array, _check_version, _decode, _open, _strings

BOX = style.OKABE_ITO["bluish_green"]
PATH = style.OKABE_ITO["blue"]


@dataclass
class Discovery:
    path: str
    attrs: dict
    inputs: list          # [D] names
    input_kind: list      # parameter | lever
    input_lo: np.ndarray
    input_hi: np.ndarray
    mass: np.ndarray      # [B]
    coverage: np.ndarray
    density: np.ndarray
    restricted: np.ndarray
    box: int              # chosen box on the trajectory
    box_inputs: list      # [K]
    box_index: np.ndarray
    box_lower: np.ndarray
    box_upper: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    box_kept: np.ndarray
    box_quasi_p: np.ndarray

    @property
    def id(self):
        return str(self.attrs.get("scenario_name", ""))

    @property
    def target_id(self):
        return str(self.attrs.get("target_id", ""))

    @property
    def case(self):
        return str(self.attrs.get("case", "met"))


def load_discovery(path):
    path = str(path)
    with _open(path) as f:
        attrs = {k: _decode(v) for k, v in f.attrs.items()}
        _check_version(attrs, path, "innosim-discovery")
        names = _strings(f, "inputs/name", path)
        kinds = _strings(f, "inputs/kind", path)
        ilo = _array(f, "inputs/lo", path, 1).astype(float)
        ihi = _array(f, "inputs/hi", path, 1).astype(float)
        traj = {k: _array(f, f"trajectory/{k}", path, 1).astype(float)
                for k in ("mass", "coverage", "density", "restricted")}
        nb = len(traj["mass"])
        if any(len(v) != nb for v in traj.values()) or nb == 0:
            raise RunFileError(f"{path}: /trajectory/mass, coverage, density and restricted "
                               "differ in length (or are empty)")
        if len(kinds) != len(names) or ilo.shape != (len(names),) or ihi.shape != (len(names),):
            raise RunFileError(f"{path}: /inputs/name, kind, lo and hi differ in length")
        if "box" not in f or "index" not in f["box"].attrs:
            raise RunFileError(f"{path}: missing /box or its attribute index")
        box = int(f["box"].attrs["index"])
        if not 0 <= box < nb:
            raise RunFileError(f"{path}: /box@index {box} is not on the trajectory (0..{nb - 1})")
        binp = _strings(f, "box/input", path) if f["box/input"].shape != (0,) else []
        cols = {k: _array(f, f"box/{k}", path, 1) for k in
                ("input_index", "lower", "upper", "lo", "hi", "kept", "quasi_p")}
        if any(len(v) != len(binp) for v in cols.values()):
            raise RunFileError(f"{path}: the /box datasets differ in length")
    return Discovery(path=path, attrs=attrs, inputs=names, input_kind=kinds, input_lo=ilo,
                     input_hi=ihi, box=box, box_inputs=list(binp),
                     box_index=cols["input_index"].astype(int),
                     box_lower=cols["lower"].astype(bool), box_upper=cols["upper"].astype(bool),
                     box_lo=cols["lo"].astype(float), box_hi=cols["hi"].astype(float),
                     box_kept=cols["kept"].astype(float), box_quasi_p=cols["quasi_p"].astype(float),
                     **traj)


def _target_name(ctx, dc):
    """The target's indicator by its display name (from a run of the same scenario)."""
    lang = ctx.lang
    ind = dc.target_id.split(":")[0]
    reg = None
    if "@" in ind:
        ind, reg = ind.split("@", 1)
    run = next((r for r in ctx.runs if r.id == dc.id), ctx.plan)
    if run is None or ind not in run.indicators.ids:
        return dc.target_id, run
    name = run.indicator_name(ind, lang)
    if reg and reg in run.regions.ids:
        name += f" · {run.region_name(reg, lang)}"
    return name, run


def _input_label(run, dc, k, lang):
    name = dc.box_inputs[k]
    if run is None:
        return name
    if dc.input_kind[dc.box_index[k]] == "lever":
        lv = run.scenario.levers.get(name, {})
        return lv.get(f"name_{lang}") or lv.get("name_en") or name
    return parameter_label(run, name, lang)


def _number(v):
    a = abs(v)
    if a != 0 and (a >= 1e5 or a < 1e-3):
        return f"{v:.3g}"
    return f"{v:,.4g}" if a >= 1000 else f"{v:.3g}"


def discovery_charts(ctx, dc):
    lang = ctx.lang
    tname, run = _target_name(ctx, dc)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=style.SLIDE,
                                   gridspec_kw=dict(width_ratios=[1, 1.35]))
    fig.subplots_adjust(left=0.06, right=0.975, top=0.80, bottom=0.2, wspace=0.62)
    # left: the peeling trajectory
    sc = ax1.scatter(100 * dc.coverage, 100 * dc.density, c=dc.restricted, cmap="viridis_r", s=36,
                     zorder=3, gid="trajectory")
    ax1.plot(100 * dc.coverage, 100 * dc.density, color=PATH, lw=1, alpha=0.5, zorder=2)
    b = dc.box
    ax1.plot([100 * dc.coverage[b]], [100 * dc.density[b]], "D", ms=14, color="black",
             mfc=style.OKABE_ITO["yellow"], mew=1.8, zorder=5, gid="chosen_box")
    ax1.text(0.0, -0.17, t(lang, "prim_chosen", mass=fmt_pct(dc.mass[b]), cov=fmt_pct(dc.coverage[b]),
                           dens=fmt_pct(dc.density[b])),
             transform=ax1.transAxes, fontsize=12, va="top", color="#111111")
    mc = float(dc.attrs.get("min_coverage", np.nan))
    if np.isfinite(mc):
        ax1.axvline(100 * mc, color="#555555", ls=":", lw=1.5)
    ax1.axhline(100 * dc.density[0], color="#555555", ls="--", lw=1.2)
    ax1.text(1.0, 100 * dc.density[0], t(lang, "prim_overall"), transform=ax1.get_yaxis_transform(),
             ha="right", va="bottom", fontsize=10.5, color="#555555")
    ax1.set_xlim(105, -3)   # peeling goes from all the cases (right) to fewer
    ax1.set_ylim(0, 105)
    for axis in (ax1.xaxis, ax1.yaxis):
        axis.set_major_formatter(ticker.StrMethodFormatter("{x:.0f}%"))
    ax1.set_xlabel(t(lang, "prim_coverage"), fontsize=12)
    ax1.set_ylabel(t(lang, "prim_density"), fontsize=12)
    ax1.grid(color="#e0e0e0")
    ax1.set_title(t(lang, "prim_trajectory"), loc="left", fontsize=13)
    ax1.tick_params(labelsize=11)
    cb = fig.colorbar(sc, ax=ax1, fraction=0.05, pad=0.02)
    cb.ax.tick_params(labelsize=10)
    cb.set_label(t(lang, "prim_restricted"), fontsize=11, labelpad=8)
    # right: the chosen box
    rows = []
    k_all = len(dc.box_inputs)
    for k in range(k_all):
        d = dc.box_index[k]
        lo, hi = dc.input_lo[d], dc.input_hi[d]
        span = (hi - lo) or 1.0
        a, z = (dc.box_lo[k] - lo) / span, (dc.box_hi[k] - lo) / span
        y = k
        ax2.barh(y, 1.0, left=0, height=0.5, color="#e6e6e6", zorder=1)
        ax2.barh(y, max(z - a, 0.01), left=a, height=0.5, color=BOX, zorder=2, gid=f"box_{k}")
        ax2.text(-0.02, y, _number(lo), ha="right", va="center", fontsize=10, color="#555555")
        ax2.text(1.02, y, _number(hi), ha="left", va="center", fontsize=10, color="#555555")
        edge = []
        if dc.box_lower[k]:
            edge.append(f"≥ {_number(dc.box_lo[k])}")
        if dc.box_upper[k]:
            edge.append(f"≤ {_number(dc.box_hi[k])}")
        ax2.text((a + z) / 2, y - 0.38, "  ".join(edge), ha="center", va="bottom", fontsize=10.5,
                 color="#111111")
        rows.append(dict(input=dc.box_inputs[k], kind=dc.input_kind[d],
                         name=_input_label(run, dc, k, lang), data_lo=lo, data_hi=hi,
                         lower=bool(dc.box_lower[k]), upper=bool(dc.box_upper[k]),
                         lo=dc.box_lo[k], hi=dc.box_hi[k], kept=dc.box_kept[k],
                         quasi_p=dc.box_quasi_p[k]))
    ax2.set_yticks(range(k_all))
    ax2.set_yticklabels([wrap(r["name"], lang, 14) + "\n"
                         + t(lang, "prim_kept", kept=fmt_pct(r["kept"]), p=f"{r['quasi_p']:.2g}")
                         for r in rows], fontsize=10)
    ax2.set_ylim(max(k_all, 1) - 0.4, -0.8)
    ax2.set_xlim(-0.22, 1.22)
    ax2.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax2.spines[side].set_visible(False)
    ax2.set_title(t(lang, "prim_box", n=k_all), loc="left", fontsize=13)
    if not k_all:
        ax2.text(0.5, 0.5, t(lang, "prim_no_box"), ha="center", transform=ax2.transAxes)
    case = t(lang, "prim_case_" + dc.case)
    title = t(lang, "prim_title", ind=tname, case=case, scn=run.name(lang) if run else dc.id)
    suptitle(fig, title)
    fig.text(0.01, 0.012, t(lang, "prim_footer", points=dc.attrs.get("points", "?"),
                            cases=dc.attrs.get("cases", "?"), alpha=fmt_pct(float(
                                dc.attrs.get("alpha", np.nan))), src=dc.attrs.get("source_file", "")),
             fontsize=12, color="#555555", ha="left", va="bottom")
    cap = t(lang, "prim_cap", case=case, file=dc.path)
    return [Chart(f"drivers_prim_{slug(dc.id)}_{slug(dc.target_id)}_{slug(dc.case)}", fig, title,
                  cap, dict(kind="prim", scenario=dc.id, file=dc.path, target_id=dc.target_id,
                            case=dc.case, box=b, mass=dc.mass, coverage=dc.coverage,
                            density=dc.density, restricted=dc.restricted, restrictions=rows))]
