"""The briefing: sections in the order a committee reads them, every chart as
a compressed PNG with a JSON side file, one self-contained HTML page and a
PDF with bookmarks.

  1 summary      the binding target's verdict, P(met) ± s.e., what-if effects, headline
  2 overview     heat map: every target x every scenario
  3 binding      the binding indicator, all scenarios' fans overlaid
  4 what-ifs     change in P(met) against the plan, lever differences, descriptions
  5 drivers      tornados (rank-based from the run file's draws)
  6 what it takes  indicator against a swept lever (sweep files)
  7 regions      medians, bands and shares by region
  8 hindcast     observed statistics against the bands (observation files)
  9 appendix     scenarios with descriptions and target tables, per-run fans, run information

Output directory layout:
  DIR/report.html     charts embedded as base64 PNG; no external files or requests
  DIR/report.pdf      the same content, one bookmark per section and chart
  DIR/charts/NAME.png 2400 x 1350, palette PNG
  DIR/charts/NAME.json the numbers plotted (target statistics as `innosim check` gives them)
  DIR/summary.json    the numbers of the summary
  DIR/manifest.json   inputs, roles, charts, what was not given
"""

import datetime as _dt
import json
import os
import re
from pathlib import Path

from matplotlib import pyplot as plt

from . import calib, compare, design as design_mod, drivers as drivers_mod, fans
from . import html as html_mod, innovation_index, pdf as pdf_mod, posterior, prim, sobol
from . import regions as regions_mod, solve as solve_mod, style, takes
from .analysis import (Formats, describe_lever_value, lever_diffs, pick_plan, scenario_roles)
from .charts import Context, close, slug
from .html import Section, esc
from .i18n import fmt_p_se, fmt_pct, fmt_se, t, verdict_text
from .outdir import check_output
from .runfile import RunFileError, load_inputs
from .summary import build_summary, effect_cells

CHART_FILE = re.compile(r"^(overview|binding_|whatif_|drivers_|takes_|regions|fans_|hindcast_|"
                        r"run\d+_|compare_|sweep|solve_|design_|calibration_|index_|attainment|fan_)[\w.#-]*\.(png|svg|json)$")


class Report:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def close(self):
        close(self.charts)


# ---------------------------------------------------------------- sections

def _lever_lines(ctx, run):
    """'lever: plan value → scenario value' for every lever that differs."""
    lang, plan = ctx.lang, ctx.plan
    names = dict(zip(run.regions.ids, run.regions.names(lang)))
    out = []
    for d in lever_diffs(plan, run):
        a = describe_lever_value(d, "plan", lang, names)
        b = describe_lever_value(d, "other", lang, names)
        sep = "：" if lang == "zh" else ": "
        out.append(f"{d.name(lang)}{sep}{a} → {b}")
    return out


def _lever_table(ctx, run):
    lang, plan = ctx.lang, ctx.plan
    names = dict(zip(run.regions.ids, run.regions.names(lang)))
    diffs = lever_diffs(plan, run)
    if not diffs:
        return f"<p>{esc(t(lang, 'no_lever_diff', plan=plan.name(lang)))}</p>"
    rows = [f"<p><b>{esc(t(lang, 'lever_diff_heading', plan=plan.name(lang)))}</b></p>",
            f'<table class="levers" data-scenario="{esc(run.label)}"><tr>'
            f"<th>{esc(t(lang, 'col_lever'))}</th><th>{esc(plan.name(lang))}</th>"
            f"<th>{esc(run.name(lang))}</th></tr>"]
    for d in diffs:
        rows.append(f"<tr><td>{esc(d.name(lang))}</td>"
                    f"<td>{esc(describe_lever_value(d, 'plan', lang, names))}</td>"
                    f"<td>{esc(describe_lever_value(d, 'other', lang, names))}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def target_rows(ctx, run):
    """The target table as display strings (HTML and PDF)."""
    lang, fmt = ctx.lang, ctx.fmt
    rows = []
    for tg in run.targets:
        rows.append(dict(
            indicator=run.indicator_name(tg.indicator, lang),
            region=run.region_name(tg.region, lang), year=str(tg.year),
            kind=t(lang, tg.kind) if tg.kind in ("binding", "expected") else tg.kind,
            binding=tg.binding,
            target=f"{'≤' if tg.sense == 'at_most' else '≥'} {fmt.value(tg.indicator, tg.value)}",
            median=fmt.value(tg.indicator, tg.median), band=fmt.band(tg.indicator, tg.q05, tg.q95),
            p_met=fmt_p_se(tg.p_met, tg.p_met_se, lang), verdict=verdict_text(lang, tg.verdict),
            verdict_key=tg.verdict.replace(" ", "-")))
    return rows


def _target_table(ctx, run):
    lang = ctx.lang
    cols = pdf_mod.TABLE_COLS
    out = [f'<table class="targets" data-run="{esc(run.label)}"><tr>'
           + "".join(f"<th>{esc(t(lang, 'col_' + c))}</th>" for c in cols) + "</tr>"]
    for row in target_rows(ctx, run):
        cells = []
        for c in cols:
            cls = ("num" if c in ("year", "target", "median", "band", "p_met") else
                   row["verdict_key"] if c == "verdict" else "")
            cells.append(f'<td class="{cls}">{esc(row[c])}</td>')
        out.append(f'<tr class="{"binding" if row["binding"] else "expected"}">'
                   + "".join(cells) + "</tr>")
    out.append("</table>")
    out.append(f'<p class="note">{esc(t(lang, "se_label"))}</p>')
    return "\n".join(out)


def run_info(ctx, run):
    lang = ctx.lang
    a = run.attrs
    draws = (f"{a.get('draws_requested', '?')} / {a.get('draws_valid', '?')} / "
             f"{a.get('draws_dropped', '?')}")
    info = [(t(lang, "scenario"), run.name(lang)), (t(lang, "scenario_id"), run.id),
            (t(lang, "model"), a.get("model", "")), (t(lang, "seed"), str(a.get("seed", ""))),
            (t(lang, "sampler"), a.get("sampler", "")), (t(lang, "draws"), draws),
            (t(lang, "engine"), a.get("engine_version", "")),
            (t(lang, "git_sha"), a.get("git_sha", "")),
            (t(lang, "created"), a.get("created_utc", "")), (t(lang, "file"), run.path)]
    if run.targets and "p_all_binding" in run.joint:
        info.append((t(lang, "p_all_binding"), fmt_pct(float(run.joint["p_all_binding"]))))
    if run.targets and "p_all" in run.joint:
        info.append((t(lang, "p_all"), fmt_pct(float(run.joint["p_all"]))))
    return info


def sweep_info(ctx, sw):
    lang = ctx.lang
    a = sw.attrs
    return [(t(lang, "sweep_file"), sw.path), (t(lang, "scenario"), sw.name(lang)),
            (t(lang, "lever"), f"{sw.lever_name(lang)} ({sw.lever_unit})"),
            (t(lang, "scale_factors"), ", ".join(f"×{k:g}" for k in sw.scale)),
            (t(lang, "model"), a.get("model", "")), (t(lang, "seed"), str(a.get("seed", ""))),
            (t(lang, "sampler"), a.get("sampler", "")),
            (t(lang, "draws_per_point"), str(a.get("draws", ""))),
            (t(lang, "engine"), a.get("engine_version", "")), (t(lang, "git_sha"), a.get("git_sha", ""))]


def design_info(ctx, dz):
    lang, a = ctx.lang, dz.attrs
    levers = "; ".join(f"{dz.lever_name(lang, k)} ×{lv['lo']:g}–×{lv['hi']:g}"
                       for k, lv in enumerate(dz.levers))
    return [(t(lang, "design_file"), dz.path), (t(lang, "scenario"), dz.name(lang)),
            (t(lang, "lever"), levers),
            (t(lang, "design_points"), f"{dz.scale.shape[0]} "
                                       f"({t(lang, 'design_' + str(a.get('method', 'grid')))})"),
            (t(lang, "seed"), str(a.get("seed", ""))),
            (t(lang, "draws_per_point"), str(a.get("draws", ""))),
            (t(lang, "engine"), a.get("engine_version", "")), (t(lang, "git_sha"), a.get("git_sha", ""))]


def _kv_table(pairs, cls="meta", attrs=""):
    return (f'<table class="{cls}"{attrs}>'
            + "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in pairs)
            + "</table>")


def _summary_html(ctx, s):
    lang, plan = ctx.lang, ctx.plan
    out = []
    if s.headline:
        out.append(f'<p class="headline">{esc(s.headline)}</p>')
    out.append(f"<p>{esc(s.counts)}</p>")
    for line in s.takes:
        out.append(f"<p>{esc(line)}</p>")
    out.append('<div class="cards">')
    for b in s.binding:
        out.append(f'<div class="card binding" data-target="{b["index"]}">'
                   f'<div class="label">★ {esc(t(lang, "binding_card"))}：{esc(b["label"])}</div>'
                   if lang == "zh" else
                   f'<div class="card binding" data-target="{b["index"]}">'
                   f'<div class="label">★ {esc(t(lang, "binding_card"))}: {esc(b["label"])}</div>')
        out.append(f'<div class="big">{esc(b["p"])}</div>'
                   f'<div>± {esc(b["se"])}（{esc(t(lang, "se_short"))}）</div>' if lang == "zh" else
                   f'<div class="big">{esc(b["p"])}</div>'
                   f'<div>± {esc(b["se"])} ({esc(t(lang, "se_short"))})</div>')
        out.append(f'<div><span class="badge {b["verdict_key"]}">{esc(b["verdict"])}</span></div>'
                   f'<div>{esc(t(lang, "median"))} {esc(b["median"])} · {esc(t(lang, "col_band"))} '
                   f'{esc(b["band"])}</div></div>')
    if s.binding:
        p, se = s.p_all_binding
        out.append(f'<div class="card"><div class="label">{esc(t(lang, "p_all_binding"))}</div>'
                   f'<div class="big">{esc(fmt_pct(p))}</div><div>± {esc(fmt_se(se))}'
                   f'{"（" if lang == "zh" else " ("}{esc(t(lang, "se_short"))}'
                   f'{"）" if lang == "zh" else ")"}</div></div>')
    out.append("</div>")
    out.append(f'<p class="note">{esc(s.se_label)}</p>')
    out.append(f'<h3>{esc(t(lang, "off_track_list", scn=plan.name(lang)))}</h3>')
    if s.off_track:
        out.append('<ul class="off-track-list">' + "".join(
            f"<li>{'★ ' if o['binding'] else ''}{esc(o['label'])}：{esc(t(lang, 'median'))} "
            f"{esc(o['median'])}，{esc(t(lang, 'p_met'))} {esc(o['p'])}</li>" if lang == "zh" else
            f"<li>{'★ ' if o['binding'] else ''}{esc(o['label'])}: {esc(t(lang, 'median'))} "
            f"{esc(o['median'])}, {esc(t(lang, 'p_met'))} {esc(o['p'])}</li>"
            for o in s.off_track) + "</ul>")
    else:
        out.append(f"<p>{esc(t(lang, 'none_off_track'))}</p>")
    if s.effects:
        out.append(f'<h3>{esc(t(lang, "whatif_effects", plan=plan.name(lang)))}</h3>')
        out.append('<table class="effects"><tr>'
                   + "".join(f"<th>{esc(t(lang, k))}</th>" for k in
                             ("col_scenario", "col_binding_change", "col_up_down", "col_largest",
                              "col_lever")) + "</tr>")
        for e in s.effects:
            c = effect_cells(ctx, e)
            levers = "<br>".join(esc(x) for x in e.levers) or esc(t(lang, "none"))
            out.append(f'<tr data-scenario="{esc(e.run.label)}"><td><b>{esc(e.run.name(lang))}</b>'
                       f'<br><span class="note">{esc(t(lang, "role_" + e.role))}</span></td>'
                       f"<td>{esc(c['binding'])}</td><td class=\"num\">{esc(c['updown'])}</td>"
                       f"<td>{esc(c['largest'])}</td><td>{levers}</td></tr>")
        out.append("</table>")
        out.append(f'<p class="note">{esc(t(lang, "significant"))}: '
                   f'{esc(t(lang, "col_up_down"))}.</p>')
    return "\n".join(out)


def _drivers_section(ctx, secs):
    """Tornados for the targets missed or at risk: of Sobol total indices when a
    sensitivity file is given, else rank-based from the plan's draws (a run
    that did not keep its parameter draws gets a note saying how to keep
    them); then PRIM boxes of each discovery file."""
    lang, plan = ctx.lang, ctx.plan
    s = Section("drivers", t(lang, "sec_drivers"))
    charts = []
    if ctx.sensitivities:
        for sens in ctx.sensitivities:
            charts += sobol.sobol_charts(ctx, sens)
    elif drivers_mod.driver_targets(plan):
        if not plan.has_parameter_draws:
            s.add("note", t(lang, "drivers_no_draws", scn=plan.name(lang), store=plan.store))
        charts += drivers_mod.tornado_charts(ctx)
    for dc in ctx.discoveries:
        charts += prim.discovery_charts(ctx, dc)
    for c in charts:
        s.add("chart", c)
    if s.blocks:
        secs.append(s)


def build_sections(ctx, summary, inputs):
    """The sections in reading order, with their charts built (figures open)."""
    lang, plan, runs = ctx.lang, ctx.plan, ctx.runs
    secs = []
    s = Section("summary", t(lang, "sec_summary"))
    s.add("html", _summary_html(ctx, summary) if plan else "")
    secs.append(s)
    def chart_section(sid, charts):
        if charts:
            s = Section(sid, t(lang, "sec_" + sid))
            for c in charts:
                s.add("chart", c)
            secs.append(s)

    if plan:
        chart_section("overview", compare.overview(ctx))
        chart_section("binding", fans.binding_fans(ctx))
        if ctx.others():
            s = Section("whatif", t(lang, "sec_whatif"))
            lever_text = {r.label: "；".join(_lever_lines(ctx, r)) if lang == "zh" else
                          "; ".join(_lever_lines(ctx, r)) for r in ctx.others()}
            for run in ctx.others():
                s.add("h3", f"{run.name(lang)}", anchor=f"whatif-{slug(run.label)}")
                s.add("html", f'<p class="role">{esc(t(lang, "role_" + ctx.roles[run.label]))}</p>'
                              f"<p>{esc(run.description(lang) or t(lang, 'no_description'))}</p>")
                s.add("html", _lever_table(ctx, run))
                for c in compare._whatif(ctx, run, lever_text[run.label]):
                    s.add("chart", c)
            secs.append(s)
        _drivers_section(ctx, secs)
    if ctx.sweeps or ctx.solves or ctx.designs:
        s = Section("takes", t(lang, "sec_takes"))
        for sv in ctx.solves:
            s.add("h3", f"{sv.name(lang)} · {sv.target_name(lang)}",
                  anchor=f"solve-{slug(sv.label)}-{slug(sv.target['indicator'])}")
            for c in solve_mod.solve_charts(ctx, sv):
                s.add("chart", c)
        for sw in ctx.sweeps:
            s.add("h3", f"{sw.name(lang)} · {sw.lever_name(lang)}",
                  anchor=f"takes-{slug(sw.label)}-{slug(sw.lever)}")
            for c in takes.takes_charts(ctx, sw):
                s.add("chart", c)
        for dz in ctx.designs:
            names = ("、" if lang == "zh" else ", ").join(
                dz.lever_name(lang, k) for k in range(len(dz.levers)))
            s.add("h3", f"{dz.name(lang)} · {names}",
                  anchor=f"design-{slug(dz.label)}-" + "-".join(slug(lv["id"]) for lv in dz.levers))
            charts = design_mod.design_charts(ctx, dz)
            if not charts:
                s.add("note", t(lang, "design_nothing", p=fmt_pct(dz.on_track)))
            for c in charts:
                s.add("chart", c)
        secs.append(s)
    if plan:
        chart_section("regions", regions_mod.region_charts(ctx))
    chart_section("index", [c for run in runs for c in innovation_index.index_charts(ctx, run)])
    calibration = []
    if ctx.observations and runs:
        # the plan, and hindcasts: runs that start before it
        start = int(plan.years[0]) if plan else None
        hind = [r for r in runs if r is plan or (start is not None and int(r.years[0]) < start)]
        calibration += [c for run in hind for c in calib.hindcast_charts(ctx, run)]
    for post in ctx.posteriors:
        calibration += posterior.posterior_charts(ctx, post)
    chart_section("calibration", calibration)
    # appendix: every scenario with its description and targets, its fans, run information
    s = Section("appendix", t(lang, "sec_appendix"))
    for run in runs:
        s.add("h3", run.name(lang), anchor=f"scn-{slug(run.label)}")
        s.add("html", f'<p class="role">{esc(t(lang, "role_" + ctx.roles[run.label]))}</p>'
                      f'<p class="description">{esc(run.description(lang) or t(lang, "no_description"))}</p>')
        if run.targets:
            s.add("html", _target_table(ctx, run))
        for c in fans.fan_grids(ctx, run, all_indicators=run is plan):
            s.add("chart", c)
    s.add("h3", t(lang, "sec_runs"), anchor="runs")
    for run in runs:
        s.add("html", _kv_table(run_info(ctx, run)))
    for sw in ctx.sweeps:
        s.add("html", _kv_table(sweep_info(ctx, sw), "meta sweep", f' data-lever="{esc(sw.lever)}"'))
    for sv in ctx.solves:
        a = sv.attrs
        s.add("html", _kv_table([(t(lang, "solve_file"), sv.path), (t(lang, "scenario"), sv.name(lang)),
                                 (t(lang, "lever"), ", ".join(lv["id"] for lv in sv.levers)),
                                 (t(lang, "seed"), str(a.get("seed", ""))),
                                 (t(lang, "draws_per_point"), str(a.get("draws", ""))),
                                 (t(lang, "engine"), a.get("engine_version", "")),
                                 (t(lang, "git_sha"), a.get("git_sha", ""))], "meta solve"))
    for dz in ctx.designs:
        s.add("html", _kv_table(design_info(ctx, dz), "meta design"))
    for obs in ctx.observations:
        s.add("html", _kv_table([(t(lang, "observation_file"), obs.path),
                                 (t(lang, "description"), obs.description)]))
    secs.append(s)
    return secs


def absent_analyses(inputs):
    out = [] if inputs.sensitivities else ["sensitivity"]
    if not inputs.discoveries:
        out.append("discovery")
    if not inputs.sweeps and not inputs.solves and not inputs.designs:
        out.append("sweep")
    if not inputs.observations:
        out.append("observations")
    if not any(r.innovation_index is not None for r in inputs.runs):
        out.append("innovation_index")
    return out


# ---------------------------------------------------------------- output folder

def _remove_stale(chart_dir):
    for f in chart_dir.iterdir():
        if f.is_file() and CHART_FILE.match(f.name):
            f.unlink()


# ---------------------------------------------------------------- rendering

def _render_pngs(charts, chart_dir, close_after=True):
    for c in charts:
        png = chart_dir / f"{c.name}.png"
        js = chart_dir / f"{c.name}.json"
        png.write_bytes(c.png())
        js.write_text(c.json_text(), encoding="utf-8")
        if close_after:  # the raster buffer is large: free it at once
            plt.close(c.fig)


def _render_pdf(path, ctx, summary, sections, title, runs, keep_figures=False):
    lang = ctx.lang
    pages = pdf_mod.PdfWriterPages(path, title)
    for sec in sections:
        pages.mark(0, sec.title)
        if sec.id == "summary":
            if summary is not None:
                pdf_mod.summary_pages(pages, ctx, summary, f"{title} — {t(lang, 'sec_summary')}")
            else:
                pdf_mod.info_pages(pages, title, [])
            continue
        for b in sec.blocks:
            if b.kind == "h3":
                pages.mark(1, b.payload)
                run = next((r for r in runs if b.anchor == f"scn-{slug(r.label)}"), None)
                if run is not None and run.targets:
                    pdf_mod.table_pages(pages, ctx, run, target_rows(ctx, run),
                                        f"{t(lang, 'targets_table')}：{run.name(lang)}" if lang == "zh"
                                        else f"{t(lang, 'targets_table')}: {run.name(lang)}")
                if b.anchor == "runs":
                    lines = []
                    for r in runs:
                        lines.append((None, r.name(lang)))
                        lines += [(k, str(v)) for k, v in run_info(ctx, r)]
                    for sw in ctx.sweeps:
                        lines.append((None, f"{t(lang, 'sweep_file')}: {sw.name(lang)}"))
                        lines += [(k, str(v)) for k, v in sweep_info(ctx, sw)]
                    for dz in ctx.designs:
                        lines.append((None, f"{t(lang, 'design_file')}: {dz.name(lang)}"))
                        lines += [(k, str(v)) for k, v in design_info(ctx, dz)]
                    pdf_mod.info_pages(pages, t(lang, "sec_runs"), lines)
            elif b.kind == "note":
                pdf_mod.text_page(pages, sec.title, b.payload)
            elif b.kind == "chart":
                pages.mark(2, b.payload.title)
                pages.savefig(b.payload.fig)
                if not keep_figures:
                    plt.close(b.payload.fig)
    pages.close()
    # bookmarks: sections, then scenario headings and charts under them
    marks = [(0 if lvl == 0 else 1, text, page) for lvl, text, page in pages.marks]
    pdf_mod.add_bookmarks(path, marks, title)


def _fork_pngs(charts, chart_dir):
    """Renders the PNGs and side files in a child process while the caller
    writes the PDF (two cores); returns a function that waits for it."""
    if not hasattr(os, "fork") or os.cpu_count() == 1:
        _render_pngs(charts, chart_dir)
        return lambda: None
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        code = 0
        try:
            _render_pngs(charts, chart_dir)
        except BaseException as e:  # reported by the parent
            os.write(w, f"{type(e).__name__}: {e}".encode("utf-8", "replace"))
            code = 1
        finally:
            os._exit(code)
    os.close(w)

    def wait():
        msg = b""
        while True:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            msg += chunk
        os.close(r)
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise OSError(0, msg.decode("utf-8", "replace") or "PNG rendering failed",
                          str(chart_dir))
    return wait


def build(paths, outdir, lang="zh", plan=None, keep_figures=False, jobs=2, force=False):
    """Reads the inputs, writes the charts, report.html, report.pdf,
    summary.json and manifest.json into outdir (replacing an earlier
    report's only with `force`); returns a Report."""
    outdir = Path(outdir)
    check_output(outdir, force)
    style.configure(lang)
    inputs = load_inputs(paths)
    runs = inputs.runs
    ref = pick_plan(runs, plan)
    if plan and ref is None:
        raise RunFileError(f"--plan {plan}: no run file of that scenario among the inputs "
                           f"(scenarios: {', '.join(r.id for r in runs) or 'none'})")
    fmt = Formats(runs, inputs.sweeps + inputs.designs, lang)
    roles = scenario_roles(runs, ref) if ref else {}
    ctx = Context(lang=lang, fmt=fmt, runs=runs, plan=ref, roles=roles, sweeps=inputs.sweeps, solves=inputs.solves,
                  designs=inputs.designs, sensitivities=inputs.sensitivities,
                  discoveries=inputs.discoveries, posteriors=inputs.posteriors,
                  observations=inputs.observations)
    lever_lines = {r.label: _lever_lines(ctx, r) for r in ctx.others()} if ref else {}
    summary = build_summary(ctx, lever_lines) if ref else None
    sections = build_sections(ctx, summary, inputs)
    charts = [b.payload for s in sections for b in s.blocks if b.kind == "chart"]

    chart_dir = outdir / "charts"
    chart_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(chart_dir)
    title = t(lang, "report_title")
    names = [r.name(lang) for r in runs] + [sw.name(lang) for sw in inputs.sweeps
                                           if not any(sw.id == r.id for r in runs)]
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    subtitle = f"{t(lang, 'report_subtitle')} · {'、'.join(names) if lang == 'zh' else ', '.join(names)}" \
               f" · {t(lang, 'generated')} {generated}"
    html_path, pdf_path = outdir / "report.html", outdir / "report.pdf"

    wait = _fork_pngs(charts, chart_dir) if jobs > 1 else None
    if wait is None:
        _render_pngs(charts, chart_dir, close_after=False)
    _render_pdf(pdf_path, ctx, summary, sections, title, runs, keep_figures)
    if wait is not None:
        wait()
    pngs = {}
    for c in charts:
        c.files = [chart_dir / f"{c.name}.png", chart_dir / f"{c.name}.json"]
        pngs[c.name] = c.files[0].read_bytes()
    absent = absent_analyses(inputs)
    sections.append(Section("absent", t(lang, "sec_absent")).add(
        "html", f"<p>{esc(t(lang, 'absent_text'))}</p><ul>"
                + "".join(f"<li>{esc(t(lang, g))}</li>" for g in absent) + "</ul>"))
    html_mod.write(html_path, lang, title, subtitle, sections, pngs)

    if summary is not None:
        (outdir / "summary.json").write_text(json.dumps(dict(
            lang=lang, plan=ref.label, headline=summary.headline, counts=summary.counts,
            takes=summary.takes, binding=summary.binding,
            p_all_binding=dict(p=summary.p_all_binding[0], se=summary.p_all_binding[1]),
            off_track=summary.off_track, targets=summary.records,
            effects=[dict(scenario=e.run.label, role=e.role, up=e.up, down=e.down,
                          levers=e.levers,
                          binding=[dict(indicator=c.key[0], region=c.key[1], year=c.key[2],
                                        plan=c.plan.p_met,
                                        other=None if c.other is None else c.other.p_met,
                                        delta=c.delta, se=c.se, paired=c.paired)
                                   for c in e.binding]) for e in summary.effects]),
            ensure_ascii=False, indent=1), encoding="utf-8")
    manifest = outdir / "manifest.json"
    manifest.write_text(json.dumps({
        "lang": lang,
        "plan": ref.label if ref else None,
        "runs": [dict(path=r.path, label=r.label, scenario_name=r.id, name=r.name(lang),
                      role=roles.get(r.label)) for r in runs],
        "sweeps": [dict(path=sw.path, label=sw.label, lever=sw.lever) for sw in inputs.sweeps],
        "designs": [dict(path=dz.path, label=dz.label, levers=[lv["id"] for lv in dz.levers])
                    for dz in inputs.designs],
        "sensitivities": [dict(path=x.path, label=x.label) for x in inputs.sensitivities],
        "posteriors": [dict(path=x.path, label=x.label) for x in inputs.posteriors],
        "discoveries": [dict(path=x.path, target=x.target_id, case=x.case)
                        for x in inputs.discoveries],
        "solves": [dict(path=sv.path, label=sv.label, levers=[lv["id"] for lv in sv.levers],
                        target=sv.target.get("id", sv.target["indicator"])) for sv in inputs.solves],
        "observations": [o.path for o in inputs.observations],
        "sections": [dict(id=s.id, title=s.title) for s in sections],
        "charts": [dict(name=c.name, title=c.title, section=next(
            s.id for s in sections if any(b.payload is c for b in s.blocks if b.kind == "chart")),
            files=[str(p.relative_to(outdir)) for p in c.files]) for c in charts],
        "html": html_path.name, "pdf": pdf_path.name,
        "not_present": absent,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    rep = Report(runs=runs, sweeps=inputs.sweeps, charts=charts, html=html_path, pdf=pdf_path,
                 manifest=manifest, absent=absent, sections=sections, summary=summary, ctx=ctx)
    if not keep_figures:
        rep.close()
    return rep
