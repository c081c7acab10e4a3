"""The report: every chart (PNG, SVG, JSON sidecar), one self-contained HTML
page, and a PDF of the same content (matplotlib's PdfPages, no other tool).

Output directory layout:
  DIR/report.html     charts embedded as base64 PNG; no external files
  DIR/report.pdf      title and run page, target table pages, one page per chart
  DIR/charts/*.png|svg|json
  DIR/manifest.json   what was written and which analyses were absent
"""

import base64
import datetime as _dt
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from matplotlib import pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from . import charts as charts_mod
from . import style
from .i18n import UnitScale, fmt_pct, sense_symbol, t, wrap
from .runfile import OPTIONAL_GROUPS, load_inputs

VERDICTS = ("on track", "at risk", "off track")


@dataclass
class Report:
    runs: list
    charts: list
    html: Path
    pdf: Path
    manifest: Path
    absent: list          # optional analyses no run file holds
    unsupported: list     # (run label, group) present but without a defined layout
    sweeps: list = None   # sweep files (innosim sweep), one chart each

    def close(self):
        for c in self.charts:
            plt.close(c.fig)


def _verdict_text(lang, v):
    return t(lang, v) if v in VERDICTS else v


def target_rows(run, lang):
    """The target table as display strings (shared by HTML and PDF)."""
    rows = []
    for tg in run.targets:
        scale = UnitScale(run.unit(tg.indicator), lang, [tg.value, tg.median, tg.q05, tg.q95])
        rows.append(dict(
            indicator=run.indicator_name(tg.indicator, lang),
            region=run.region_name(tg.region, lang),
            year=str(tg.year),
            kind=t(lang, tg.kind) if tg.kind in ("binding", "expected") else tg.kind,
            binding=tg.binding,
            target=f"{sense_symbol(tg.sense)} {scale.value(tg.value)}",
            median=scale.value(tg.median),
            band=f"{scale.number(tg.q05)} – {scale.value(tg.q95)}",
            p_met=f"{fmt_pct(tg.p_met)} ± {100 * 1.96 * tg.p_met_se:.1f}",
            verdict=_verdict_text(lang, tg.verdict),
            verdict_key=tg.verdict.replace(" ", "-"),
        ))
    return rows


TABLE_COLS = ("indicator", "region", "year", "kind", "target", "median", "band", "p_met",
              "verdict")


def sweep_info(sw, lang):
    """The facts of one sweep file, as (label, value) pairs."""
    a = sw.attrs
    return [(t(lang, "sweep_file"), sw.path), (t(lang, "scenario"), sw.label),
            (t(lang, "lever"), f"{sw.lever_name(lang)} ({sw.lever}, {sw.lever_unit})"),
            (t(lang, "scale_factors"), ", ".join(f"×{k:g}" for k in sw.scale)),
            (t(lang, "model"), a.get("model", "")), (t(lang, "seed"), str(a.get("seed", ""))),
            (t(lang, "sampler"), a.get("sampler", "")), (t(lang, "draws_per_point"), str(a.get("draws", ""))),
            (t(lang, "engine"), a.get("engine_version", "")), (t(lang, "git_sha"), a.get("git_sha", ""))]


def run_info(run, lang):
    a = run.attrs
    draws = (f"{a.get('draws_requested', '?')} / {a.get('draws_valid', '?')} / "
             f"{a.get('draws_dropped', '?')}")
    info = [(t(lang, "scenario"), run.label), (t(lang, "model"), a.get("model", "")),
            (t(lang, "seed"), str(a.get("seed", ""))), (t(lang, "sampler"), a.get("sampler", "")),
            (t(lang, "draws"), draws), (t(lang, "engine"), a.get("engine_version", "")),
            (t(lang, "git_sha"), a.get("git_sha", "")), (t(lang, "created"), a.get("created_utc", "")),
            (t(lang, "file"), run.path)]
    if "p_all_binding" in run.joint and int(run.joint.get("num_binding", 0)) > 0:
        info.append((t(lang, "p_all_binding"), fmt_pct(float(run.joint["p_all_binding"]))))
    if "p_all" in run.joint and run.targets:
        info.append((t(lang, "p_all"), fmt_pct(float(run.joint["p_all"]))))
    return info


CSS = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; max-width: 1280px; margin: 2em auto; padding: 0 1em;
       color: #111; line-height: 1.5; }
h1 { font-size: 2em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 1.05em; }
th, td { border: 1px solid #ccc; padding: 0.35em 0.7em; text-align: left; vertical-align: top; }
th { background: #f0f4f8; }
td.num { text-align: right; white-space: nowrap; }
tr.binding td:first-child::before { content: "★ "; color: #D55E00; }
td.on-track { background: #d5f0e7; } td.at-risk { background: #fbecc8; }
td.off-track { background: #f8d9c4; }
figure { margin: 2em 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #333; margin-top: 0.4em; }
.meta th { width: 18em; }
"""


def _esc(x):
    return html.escape(str(x))


def comparison_table(runs, lang):
    """Per target: each run's median and P(met), side by side (HTML rows)."""
    out = [f'<h3>{_esc(t(lang, "compare_table"))}</h3>',
           '<table class="comparison"><tr>'
           f'<th>{_esc(t(lang, "col_indicator"))}</th><th>{_esc(t(lang, "col_target"))}</th>'
           + "".join(f'<th>{_esc(r.label)}<br>{_esc(t(lang, "col_median"))}</th>'
                     f'<th>{_esc(r.label)}<br>{_esc(t(lang, "col_p_met"))}</th>' for r in runs)
           + "</tr>"]
    for key, per_run in charts_mod.matched_targets(runs):
        ref_run, ref = next((r, tg) for r, tg in zip(runs, per_run) if tg is not None)
        scale = UnitScale(ref_run.unit(ref.indicator), lang,
                          [ref.value] + [tg.median for tg in per_run if tg is not None])
        name = (f"{ref_run.indicator_name(ref.indicator, lang)} · "
                f"{ref_run.region_name(ref.region, lang)} · {ref.year}")
        cells = [f"<td>{'★ ' if ref.binding else ''}{_esc(name)}</td>",
                 f'<td class="num">{_esc(sense_symbol(ref.sense))} {_esc(scale.value(ref.value))}</td>']
        for tg in per_run:
            if tg is None:
                cells += [f'<td class="num">{_esc(t(lang, "n/a"))}</td>'] * 2
            else:
                cells += [f'<td class="num">{_esc(scale.value(tg.median))}</td>',
                          f'<td class="num {tg.verdict.replace(" ", "-")}">'
                          f'{_esc(fmt_pct(tg.p_met))}</td>']
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def write_html(path, runs, charts, lang, absent, unsupported, generated, sweeps=()):
    title = t(lang, "report_title")
    labels = ", ".join([r.label for r in runs] + [sw.label for sw in sweeps if not any(
        sw.label == r.label for r in runs)])
    out = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
           f'<meta charset="utf-8">\n<title>{_esc(title)} — '
           f'{_esc(labels)}</title>\n<style>{CSS}</style>\n</head>\n<body>',
           f"<h1>{_esc(title)}</h1>",
           f"<p>{_esc(labels)} · {_esc(t(lang, 'generated'))} "
           f"{_esc(generated)}</p>"]
    out.append(f'<h2 id="run">{_esc(t(lang, "run_heading"))}</h2>')
    for run in runs:
        out.append('<table class="meta">')
        out += [f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in run_info(run, lang)]
        out.append("</table>")
    for sw in sweeps:
        out.append(f'<table class="meta sweep" data-lever="{_esc(sw.lever)}">')
        out += [f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in sweep_info(sw, lang)]
        out.append("</table>")
    out.append(f'<h2 id="targets">{_esc(t(lang, "targets_heading"))}</h2>')
    for run in runs:
        if len(runs) > 1:
            out.append(f"<h3>{_esc(run.label)}</h3>")
        rows = target_rows(run, lang)
        if not rows:
            out.append(f"<p>{_esc(t(lang, 'no_targets'))}</p>")
            continue
        out.append(f'<table class="targets" data-run="{_esc(run.label)}"><tr>'
                   + "".join(f"<th>{_esc(t(lang, 'col_' + c))}</th>" for c in TABLE_COLS)
                   + "</tr>")
        for row in rows:
            cells = []
            for c in TABLE_COLS:
                cls = ("num" if c in ("year", "target", "median", "band", "p_met") else
                       row["verdict_key"] if c == "verdict" else "")
                cells.append(f'<td class="{cls}">{_esc(row[c])}</td>')
            out.append(f'<tr class="{"binding" if row["binding"] else "expected"}">'
                       + "".join(cells) + "</tr>")
        out.append("</table>")
    if len(runs) > 1:
        out += comparison_table(runs, lang)
    out.append(f'<h2 id="charts">{_esc(t(lang, "charts_heading"))}</h2>')
    for c in charts:
        png = next(p for p in c.files if p.suffix == ".png")
        b64 = base64.b64encode(png.read_bytes()).decode("ascii")
        out.append(f'<figure id="chart-{_esc(c.name)}" data-chart="{_esc(c.name)}">'
                   f'<img alt="{_esc(c.title)}" src="data:image/png;base64,{b64}">'
                   f"<figcaption><b>{_esc(c.title)}</b> — {_esc(c.caption)}</figcaption></figure>")
    if absent or unsupported:
        out.append(f'<h2 id="absent">{_esc(t(lang, "absent_heading"))}</h2>')
        if absent:
            out.append(f"<p>{_esc(t(lang, 'absent_text'))}</p><ul>"
                       + "".join(f"<li>{_esc(t(lang, g))} (/{g})</li>" for g in absent)
                       + "</ul>")
        for label, g in unsupported:
            out.append(f"<p>{_esc(label)}: {_esc(t(lang, 'present_unsupported', g=g))}</p>")
    out.append("</body>\n</html>\n")
    path.write_text("\n".join(out), encoding="utf-8")


def _text_page(pdf, title, lines, per_page=14):
    """Label/value lines over as many pages as they need (k=None: a heading)."""
    for first in range(0, max(len(lines), 1), per_page):
        _one_text_page(pdf, title, lines[first:first + per_page])


def _one_text_page(pdf, title, lines):
    fig = plt.figure(figsize=style.SLIDE)
    fig.suptitle(title, x=0.04, ha="left", y=0.94)
    y = 0.84
    for k, v in lines:
        if k is None:  # a sub-heading
            y -= 0.02
            fig.text(0.04, y, v, fontsize=20, fontweight="bold", va="top")
        else:
            fig.text(0.06, y, k, fontsize=16, va="top", color="#333333")
            fig.text(0.38, y, v, fontsize=16, va="top")
        y -= 0.052
    pdf.savefig(fig)
    plt.close(fig)


def _table_pages(pdf, run, lang, per_page=7):
    rows = target_rows(run, lang)
    for k in range(0, len(rows), per_page):
        chunk = rows[k:k + per_page]
        fig, ax = plt.subplots(figsize=style.SLIDE)
        ax.axis("off")
        fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.04)
        header = [t(lang, "col_" + c) for c in TABLE_COLS]
        cells = [[("★ " if r["binding"] else "") + wrap(r["indicator"], lang, 9)]
                 + [wrap(r["region"], lang, 6)] + [r[c] for c in TABLE_COLS[2:]] for r in chunk]
        widths = [0.20, 0.10, 0.06, 0.07, 0.11, 0.10, 0.15, 0.11, 0.10]
        tab = ax.table(cellText=cells, colLabels=header, colWidths=widths, loc="upper center",
                       cellLoc="center")
        tab.auto_set_font_size(False)
        tab.set_fontsize(14)
        tab.scale(1, 3.6)
        for (i, j), cell in tab.get_celld().items():
            cell.set_edgecolor("#bbbbbb")
            if i == 0:
                cell.set_facecolor("#f0f4f8")
                cell.set_text_props(fontweight="bold")
            elif TABLE_COLS[j] == "verdict":
                key = chunk[i - 1]["verdict_key"].replace("-", " ")
                if key in style.VERDICT:
                    cell.set_facecolor(style.VERDICT[key])
                    cell.set_alpha(0.35)
        n = len(rows)
        pages = (n + per_page - 1) // per_page
        sub = f" ({k // per_page + 1}/{pages})" if pages > 1 else ""
        sep = "：" if lang == "zh" else ": "
        fig.suptitle(f"{t(lang, 'targets_heading')}{sep}{run.label}{sub}", x=0.02, ha="left")
        pdf.savefig(fig)
        plt.close(fig)


def write_pdf(path, runs, charts, lang, absent, unsupported, generated, sweeps=()):
    with PdfPages(path, metadata={"Title": t(lang, "report_title"), "Creator": "innosim report",
                                  "Subject": ", ".join(r.label for r in runs)}) as pdf:
        lines = []
        for run in runs:
            if len(runs) > 1:
                lines.append((None, run.label))
            lines += [(k, str(v)) for k, v in run_info(run, lang) if k != t(lang, "file")]
        for sw in sweeps:
            lines.append((None, f"{t(lang, 'sweep_file')}: {sw.label}"))
            lines += [(k, str(v)) for k, v in sweep_info(sw, lang)
                      if k not in (t(lang, "sweep_file"), t(lang, "scenario"))]
        lines.append((t(lang, "generated"), generated))
        if absent:
            lines.append((t(lang, "absent_heading"), "、".join(t(lang, g) for g in absent)
                          if lang == "zh" else ", ".join(t(lang, g) for g in absent)))
        _text_page(pdf, t(lang, "report_title"), lines)
        for run in runs:
            if run.targets:
                _table_pages(pdf, run, lang)
        for c in charts:
            pdf.savefig(c.fig)


CHART_FILE = re.compile(r"^(run\d+_)?(fan_|attainment|compare_|sweep\d*_)[\w-]*\.(png|svg|json)$")


def _remove_stale_charts(chart_dir):
    """Charts of an earlier report in the same folder would be mistaken for
    this one's; remove files named like ours (nothing else)."""
    for p in chart_dir.iterdir():
        if p.is_file() and CHART_FILE.match(p.name):
            p.unlink()


def build(paths, outdir, lang="zh", keep_figures=False):
    """Writes all charts, report.html, report.pdf and manifest.json into outdir."""
    style.configure(lang)
    runs, sweeps = load_inputs(paths)
    outdir = Path(outdir)
    chart_dir = outdir / "charts"
    chart_dir.mkdir(parents=True, exist_ok=True)
    charts = charts_mod.all_charts(runs, lang) + charts_mod.sweep_charts(sweeps, lang)
    _remove_stale_charts(chart_dir)
    for c in charts:
        c.save(chart_dir)
    absent = [g for g in OPTIONAL_GROUPS if not any(r.optional_groups.get(g) for r in runs)
              and not (g == "sweep" and sweeps)]
    unsupported = [(r.label, g) for r in runs for g in OPTIONAL_GROUPS if r.optional_groups.get(g)]
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    html_path, pdf_path = outdir / "report.html", outdir / "report.pdf"
    write_html(html_path, runs, charts, lang, absent, unsupported, generated, sweeps)
    write_pdf(pdf_path, runs, charts, lang, absent, unsupported, generated, sweeps)
    manifest = outdir / "manifest.json"
    manifest.write_text(json.dumps({
        "lang": lang,
        "runs": [dict(path=r.path, label=r.label, scenario_name=r.scenario_name) for r in runs],
        "sweeps": [dict(path=sw.path, label=sw.label, lever=sw.lever) for sw in sweeps],
        "charts": [dict(name=c.name, title=c.title,
                        files=[str(p.relative_to(outdir)) for p in c.files]) for c in charts],
        "html": html_path.name, "pdf": pdf_path.name,
        "not_present": absent,
        "present_without_layout": [dict(run=lbl, group=g) for lbl, g in unsupported],
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    rep = Report(runs, charts, html_path, pdf_path, manifest, absent, unsupported, sweeps)
    if not keep_figures:
        rep.close()
    return rep
