"""The innovation index of a run (`/innovation_index`, docs/hdf5-schema.md): per
region, the index's median and 5–95 % band over the years (left), and in
the last report year the probability of each rank (right: a heat map,
regions in the order of their median index, rank 1 the highest)."""

from dataclasses import dataclass

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import pyplot as plt

from . import style
from .charts import Chart, footer, slug, suptitle
from .i18n import fmt_pct, t
from .runfile import RunFileError, _array, _decode, _strings

RANK_CMAP = mcolors.LinearSegmentedColormap.from_list(
    "rank", ["#ffffff", "#cfe3f2", "#0072B2", "#08306b"])


@dataclass
class InnovationIndex:
    names: dict             # lang -> name
    source: str
    draws: int
    regions: list           # [R'] ids
    years: np.ndarray       # [Y]
    levels: np.ndarray      # [3]
    quantiles: np.ndarray   # [R', Y, 3]
    rank_probability: np.ndarray  # [R', Y, R']
    components: list        # [dict(indicator, per, weight, normalisation, better)]


def read_index(f, path):
    """The run file's /innovation_index, or None when the scenario has no index."""
    if "innovation_index" not in f:
        return None
    g = f["innovation_index"]
    a = {k: _decode(v) for k, v in g.attrs.items()}
    regions = _strings(f, "innovation_index/regions", path)
    years = _array(f, "innovation_index/years", path, 1).astype(int)
    levels = _array(f, "innovation_index/quantile_levels", path, 1).astype(float)
    q = _array(f, "innovation_index/quantiles", path, 3).astype(float)
    rp = _array(f, "innovation_index/rank_probability", path, 3).astype(float)
    nr, ny = len(regions), len(years)
    if q.shape != (nr, ny, len(levels)) or rp.shape != (nr, ny, nr):
        raise RunFileError(f"{path}: /innovation_index/quantiles {q.shape} or rank_probability "
                           f"{rp.shape} do not fit {nr} regions and {ny} years")
    for lv in (0.05, 0.5, 0.95):
        if not np.any(np.isclose(levels, lv)):
            raise RunFileError(f"{path}: /innovation_index/quantile_levels lacks {lv}")
    comps = []
    if "innovation_index/components/indicator" in f:
        ind = _strings(f, "innovation_index/components/indicator", path)
        per = _strings(f, "innovation_index/components/per", path)
        w = _array(f, "innovation_index/components/weight", path, 1).astype(float)
        comps = [dict(indicator=ind[k], per=per[k], weight=float(w[k])) for k in range(len(ind))]
    return InnovationIndex(names={"en": str(a.get("name_en", "")), "zh": str(a.get("name_zh", ""))},
                           source=str(a.get("source", "")), draws=int(a.get("draws", 0)),
                           regions=regions, years=years, levels=levels, quantiles=q,
                           rank_probability=rp, components=comps)


def _spread(ys, gap):
    """Label heights for values `ys` in descending order, at least `gap` apart:
    labels that would overlap form a group centred on the mean of its values."""
    groups = [[y] for y in ys]              # each group: the values it holds
    def placed(g):                           # its labels, top down
        top = np.mean(g) + gap * (len(g) - 1) / 2
        return [top - gap * k for k in range(len(g))]
    merged = True
    while merged:
        merged = False
        for k in range(len(groups) - 1):
            if placed(groups[k])[-1] - placed(groups[k + 1])[0] < gap:
                groups[k:k + 2] = [groups[k] + groups[k + 1]]
                merged = True
                break
    return [y for g in groups for y in placed(g)]


def index_charts(ctx, run):
    ix = run.innovation_index
    if ix is None or not ix.regions:
        return []
    lang = ctx.lang
    k05, k50, k95 = (int(np.flatnonzero(np.isclose(ix.levels, lv))[0]) for lv in (0.05, 0.5, 0.95))
    last = len(ix.years) - 1
    order = list(np.argsort(-ix.quantiles[:, last, k50], kind="stable"))
    names = [run.region_name(r, lang) if r in run.regions.ids else r for r in ix.regions]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=style.SLIDE,
                                   gridspec_kw=dict(width_ratios=[1.25, 1]))
    fig.subplots_adjust(left=0.06, right=0.97, top=0.82, bottom=0.14, wspace=0.42)
    label_y = _spread([ix.quantiles[r, last, k50] for r in order],
                      gap=0.045 * (np.nanmax(ix.quantiles[..., k95]) - np.nanmin(ix.quantiles[..., k05]) or 1.0))
    for pos, r in enumerate(order):
        col = style.RUN_COLOURS[pos % len(style.RUN_COLOURS)]
        q = ix.quantiles[r]
        ax1.fill_between(ix.years, q[:, k05], q[:, k95], color=col, alpha=0.15, lw=0)
        ax1.plot(ix.years, q[:, k50], color=col, lw=2.6, marker="o", ms=5, gid=f"index_{r}")
        ax1.annotate(names[r], (ix.years[-1], q[-1, k50]), xytext=(ix.years[-1] + 0.15, label_y[pos]),
                     textcoords="data", va="center", fontsize=11, color=col)
    ax1.set_xlim(ix.years[0] - 0.2, ix.years[-1] + 1.3)
    ax1.set_xticks(ix.years)
    ax1.set_ylabel(t(lang, "index_axis"), fontsize=12)
    ax1.tick_params(labelsize=11)
    ax1.grid(color="#eeeeee")
    ax1.set_title(t(lang, "index_left"), loc="left", fontsize=13)
    rp = ix.rank_probability[order][:, last, :]
    im = ax2.imshow(rp, cmap=RANK_CMAP, vmin=0, vmax=1, aspect="auto")
    for i in range(rp.shape[0]):
        for k in range(rp.shape[1]):
            ax2.text(k, i, fmt_pct(rp[i, k]) if rp[i, k] > 0 else "0", ha="center", va="center", fontsize=10,
                     color="white" if rp[i, k] > 0.55 else "#111111")
    ax2.set_xticks(range(rp.shape[1]))
    ax2.set_xticklabels([str(k + 1) for k in range(rp.shape[1])], fontsize=11)
    ax2.set_yticks(range(rp.shape[0]))
    ax2.set_yticklabels([names[r] for r in order], fontsize=11)
    ax2.set_xlabel(t(lang, "index_rank"), fontsize=12)
    ax2.set_title(t(lang, "index_right", year=int(ix.years[last])), loc="left", fontsize=13)
    ax2.grid(visible=False)
    cb = fig.colorbar(im, ax=ax2, fraction=0.05, pad=0.02)
    cb.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:.0f}%"))
    cb.ax.tick_params(labelsize=10)
    iname = ix.names.get(lang) or ix.names.get("en") or t(lang, "innovation_index")
    title = t(lang, "index_title", name=iname, scn=run.name(lang))
    suptitle(fig, title)
    footer(fig, run, lang)
    # the source itself is the scenario's free text (one language): the caption says what kind it is
    kind = ("index_unsourced" if not ix.source.strip() else
            "index_assumed" if ix.source.strip().lower().startswith("assumption") else "index_sourced")
    cap = t(lang, "index_cap", n=len(ix.components), source=t(lang, kind))
    return [Chart(f"index_{slug(run.label)}", fig, title, cap,
                  dict(kind="innovation_index", scenario=run.label, name=iname, source=ix.source,
                       draws=ix.draws, regions=ix.regions, years=ix.years, levels=ix.levels,
                       quantiles=ix.quantiles, rank_probability=ix.rank_probability,
                       order=[ix.regions[r] for r in order], components=ix.components))]
