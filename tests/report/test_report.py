#!/usr/bin/python3
"""Tests of tools/report.py (charts, HTML and PDF) on synthetic run files.

    /usr/bin/python3 tests/report/test_report.py        # from any directory

Registered with ctest as `report`. Synthetic run files come from
tools/make_synthetic_run.py (schema v1 layout, made-up numbers).
"""

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import warnings
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import make_synthetic_run  # noqa: E402
from innosim_report import report, runfile  # noqa: E402
from innosim_report.i18n import UnitScale, fmt_pct, wrap  # noqa: E402

PY = sys.executable  # the interpreter ctest runs this with (CMake cache variable INNOSIM_PYTHON)
CHROMIUM = Path("/usr/bin/chromium")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="innosim-report-test-"))
        cls.plan = cls.tmp / "plan.h5"
        cls.base = cls.tmp / "baseline.h5"
        make_synthetic_run.write_run(cls.plan, draws=400, seed=11, scenario_name="plan-2016-2020")
        make_synthetic_run.write_run(cls.base, draws=400, seed=12, scenario_name="baseline",
                                     growth_scale=0.6)
        cls.out = cls.tmp / "zh"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cls.rep = report.build([cls.plan, cls.base], cls.out, "zh", keep_figures=True)
        cls.warnings = [str(w.message) for w in caught]
        cls.charts = {c.name: c for c in cls.rep.charts}
        cls.html = cls.rep.html.read_text(encoding="utf-8")
        cls.manifest = json.loads(cls.rep.manifest.read_text(encoding="utf-8"))

    @classmethod
    def tearDownClass(cls):
        cls.rep.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- files ---------------------------------------------------------------

    def expected_chart_names(self):
        with h5py.File(self.plan, "r") as f:
            inds = [s.decode() if isinstance(s, bytes) else s for s in f["meta/indicators/id"][()]]
        names = ["compare_pmet", "compare_median"]
        for run in ("run1", "run2"):
            names.append(f"{run}_attainment")
            for ind in inds:
                names += [f"{run}_fan_{ind}_zone", f"{run}_fan_{ind}_regions"]
        return names

    def test_every_chart_written_as_png_svg_and_json(self):
        names = self.expected_chart_names()
        self.assertEqual(sorted(names), sorted(self.charts))
        for name in names:
            for ext in ("png", "svg", "json"):
                p = self.out / "charts" / f"{name}.{ext}"
                self.assertTrue(p.is_file() and p.stat().st_size > 1000, p)
            w, h = png_size(self.out / "charts" / f"{name}.png")
            self.assertEqual((w, h), (2400, 1350), f"{name}: slide-size 16:9 PNG")
            svg = (self.out / "charts" / f"{name}.svg").read_text(encoding="utf-8")
            self.assertIn("<svg", svg)

    def test_pdf_has_title_table_and_one_page_per_chart(self):
        data = self.rep.pdf.read_bytes()
        self.assertTrue(data.startswith(b"%PDF"))
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
        # run-information page(s) (2 runs x 11 lines: 1-2 pages), one target-table page per
        # run (5 targets each), then one page per chart
        self.assertGreaterEqual(pages, len(self.charts) + 1 + 2)
        self.assertLessEqual(pages, len(self.charts) + 2 + 2)

    # --- HTML ----------------------------------------------------------------

    def test_html_embeds_every_chart_png(self):
        for c in self.rep.charts:
            m = re.search(rf'<figure id="chart-{re.escape(c.name)}"[^>]*><img alt="[^"]*" '
                          r'src="data:image/png;base64,([A-Za-z0-9+/=]+)">', self.html)
            self.assertIsNotNone(m, f"chart {c.name} not embedded")
            png = (self.out / "charts" / f"{c.name}.png").read_bytes()
            self.assertEqual(base64.b64decode(m.group(1)), png, c.name)
        self.assertNotRegex(self.html, r'src="(?!data:)', "HTML must not reference outside files")

    def test_html_target_table(self):
        for run in self.rep.runs:
            m = re.search(rf'<table class="targets" data-run="{re.escape(run.label)}">(.*?)</table>',
                          self.html, re.S)
            self.assertIsNotNone(m, run.label)
            rows = re.findall(r"<tr class=\"(binding|expected)\">", m.group(1))
            self.assertEqual(rows, ["binding" if tg.binding else "expected" for tg in run.targets])
            for tg in run.targets:
                self.assertIn(fmt_pct(tg.p_met), m.group(1))
        # The first synthetic target: zone R&D intensity >= 2.5 % in 2020, binding.
        self.assertIn("≥ 2.5%", self.html)
        self.assertIn("约束性", self.html)

    def test_html_run_metadata(self):
        with h5py.File(self.plan, "r") as f:
            a = dict(f.attrs)
        for key in ("scenario_name", "engine_version", "git_sha", "sampler"):
            v = a[key].decode() if isinstance(a[key], bytes) else a[key]
            self.assertIn(f"<td>{v}</td>", self.html, key)
        self.assertIn(f"<td>{int(a['seed'])}</td>", self.html)
        self.assertIn("400 / 400 / 0", self.html)

    def test_chinese_names_from_meta(self):
        with h5py.File(self.plan, "r") as f:
            names = [s.decode() if isinstance(s, bytes) else s
                     for s in list(f["meta/indicators/name_zh"][()])
                     + list(f["meta/regions/name_zh"][()])]
        for name in names:
            self.assertTrue(name in self.html, f"{name} not in the Chinese report")
        self.assertIn("全社会研发投入占生产总值的比重：区域合计",
                      self.charts["run1_fan_rd_intensity_zone"].title)

    def test_no_missing_glyph_warnings(self):
        bad = [w for w in self.warnings if "missing" in w.lower() or "glyph" in w.lower()]
        self.assertEqual(bad, [])

    def test_absent_analyses_listed_not_charted(self):
        self.assertEqual(self.manifest["not_present"], ["sensitivity", "sweep", "innovation_index"])
        self.assertIn('id="absent"', self.html)
        self.assertFalse(any("sensitivity" in n or "sweep" in n for n in self.charts))

    # --- plotted values against the HDF5 numbers ------------------------------

    def hdf5_median(self, path, ind, reg):
        with h5py.File(path, "r") as f:
            ids = [s.decode() if isinstance(s, bytes) else s for s in f["meta/indicators/id"][()]]
            regs = [s.decode() if isinstance(s, bytes) else s for s in f["meta/regions/id"][()]]
            q = list(f["meta/quantile_levels"][()])
            return f["summary/quantiles"][ids.index(ind), regs.index(reg), :, q.index(0.5)]

    def median_line(self, ax):
        lines = [ln for ln in ax.get_lines() if ln.get_gid() == "median"]
        self.assertEqual(len(lines), 1)
        return np.asarray(lines[0].get_xdata()), np.asarray(lines[0].get_ydata())

    def test_fan_median_line_equals_summary_quantile(self):
        for name, factor in (("run1_fan_rd_intensity_zone", 1.0),
                             ("run1_fan_hightech_enterprises_zone", 1.0),
                             ("run1_fan_rd_expenditure_zone", 1e-8)):  # 亿元
            ind = name[len("run1_fan_"):-len("_zone")]
            fig = self.charts[name].fig
            x, y = self.median_line(fig.axes[0])
            np.testing.assert_array_equal(x, np.arange(2015, 2021))
            np.testing.assert_allclose(y, self.hdf5_median(self.plan, ind, "zone") * factor,
                                       rtol=1e-12, err_msg=name)
            side = json.loads((self.out / "charts" / f"{name}.json").read_text(encoding="utf-8"))
            np.testing.assert_allclose(side["series"]["q50"], y, rtol=1e-12)
            self.assertEqual(side["series"]["factor"], factor)

    def test_region_panels_median_equals_summary_quantile(self):
        fig = self.charts["run2_fan_hightech_enterprises_regions"].fig
        regions = ["yinchuan", "shizuishan", "wuzhong", "zhongwei", "ningdong"]
        for ax, reg in zip(fig.axes, regions):
            _, y = self.median_line(ax)
            np.testing.assert_allclose(y, self.hdf5_median(self.base, "hightech_enterprises", reg),
                                       rtol=1e-12, err_msg=reg)

    def test_bands_and_start_value(self):
        side = json.loads((self.out / "charts" / "run1_fan_rd_intensity_zone.json")
                          .read_text(encoding="utf-8"))["series"]
        with h5py.File(self.plan, "r") as f:
            q = f["summary/quantiles"][0, -1]  # rd_intensity, zone: [Y, Q]
        for k, col in (("q05", 0), ("q25", 1), ("q50", 2), ("q75", 3), ("q95", 4)):
            np.testing.assert_allclose(side[k], q[:, col], rtol=1e-12, err_msg=k)
        self.assertAlmostEqual(side["start_value"], q[0, 2])
        self.assertEqual([(d["year"], d["value"], d["kind"]) for d in side["targets"]],
                         [(2020, 2.5, "binding"), (2018, 1.5, "binding")])

    def test_binding_target_marker_at_its_year(self):
        ax = self.charts["run1_fan_rd_intensity_zone"].fig.axes[0]
        marks = {ln.get_gid(): ln for ln in ax.get_lines()
                 if (ln.get_gid() or "").startswith("target_")}
        self.assertEqual(set(marks), {"target_2020", "target_2018"})
        self.assertEqual(marks["target_2020"].get_marker(), "*")
        self.assertEqual((marks["target_2020"].get_xdata()[0], marks["target_2020"].get_ydata()[0]),
                         (2020, 2.5))
        ax = self.charts["run1_fan_hightech_enterprises_zone"].fig.axes[0]
        exp = [ln for ln in ax.get_lines() if ln.get_gid() == "target_2020"]
        self.assertEqual(exp[0].get_marker(), "D")  # expected targets look different

    def test_attainment_bars_are_p_met(self):
        with h5py.File(self.plan, "r") as f:
            p = f["targets/p_met"][()]
            verdicts = [s.decode() if isinstance(s, bytes) else s for s in f["targets/verdict"][()]]
        ax = self.charts["run1_attainment"].fig.axes[0]
        bars = {b.get_gid(): b for b in ax.patches if (b.get_gid() or "").startswith("bar_")}
        self.assertEqual(len(bars), len(p))
        from innosim_report.style import VERDICT
        from matplotlib.colors import to_hex
        for k in range(len(p)):
            self.assertAlmostEqual(bars[f"bar_{k}"].get_width(), 100 * p[k])
            self.assertEqual(to_hex(bars[f"bar_{k}"].get_facecolor()), VERDICT[verdicts[k]].lower())

    def test_comparison_matches_both_runs(self):
        side = json.loads((self.out / "charts" / "compare_pmet.json").read_text(encoding="utf-8"))
        self.assertEqual(side["runs"], ["plan-2016-2020", "baseline"])
        with h5py.File(self.plan) as a, h5py.File(self.base) as b:
            pa, pb = a["targets/p_met"][()], b["targets/p_met"][()]
            ma = a["targets/median"][()]
        self.assertEqual(len(side["targets"]), len(pa))
        for k, row in enumerate(side["targets"]):
            self.assertAlmostEqual(row["runs"]["plan-2016-2020"]["p_met"], pa[k])
            self.assertAlmostEqual(row["runs"]["baseline"]["p_met"], pb[k])
            self.assertAlmostEqual(row["runs"]["plan-2016-2020"]["median"], ma[k])
        m = re.search(r'<table class="comparison">(.*?)</table>', self.html, re.S)
        self.assertIsNotNone(m, "HTML comparison table")
        self.assertEqual(m.group(1).count("<tr>"), 1 + len(pa))
        self.assertIn(f">{fmt_pct(pb[0])}</td>", m.group(1))
        med = json.loads((self.out / "charts" / "compare_median.json").read_text(encoding="utf-8"))
        row = med["targets"][0]["runs"]["plan-2016-2020"]
        self.assertAlmostEqual(row["value"], 100 * row["median"] / row["target"])

    # --- units and formats ---------------------------------------------------

    def test_number_formats(self):
        self.assertEqual(UnitScale("yuan", "zh", [4.5e9]).value(4.5e9), "45.0亿元")
        self.assertEqual(UnitScale("yuan", "zh", [3e5]).value(3e5), "30.0万元")
        self.assertEqual(UnitScale("yuan", "en", [4.5e9]).value(4.5e9), "4.50 billion yuan")
        self.assertEqual(UnitScale("%", "zh", [2.5]).value(2.456), "2.5%")
        self.assertEqual(UnitScale("share", "en", [0.15]).value(0.153), "15.3%")
        self.assertEqual(UnitScale("count", "zh", [800]).value(5000.4), "5,000个")
        self.assertEqual(UnitScale("per 10k people", "en", [5]).value(4.2), "4.20 per 10k people")
        self.assertEqual(UnitScale("per 10k people", "zh", [5]).value(4.2), "4.20件/万人")
        self.assertEqual(UnitScale("% per year", "zh", [10]).value(10.04), "10.0%/年")
        self.assertEqual(fmt_pct(0.3281), "32.8%")
        self.assertEqual(wrap("全社会研发投入占生产总值的比重", "zh", 12), "全社会研发投入占\n生产总值的比重")

    def test_pages_are_balanced(self):
        from innosim_report.charts import _pages
        self.assertEqual([len(p) for p in _pages(list(range(10)), 6)], [5, 5])
        self.assertEqual([len(p) for p in _pages(list(range(13)), 6)], [5, 5, 3])
        self.assertEqual(_pages([], 6), [[]])

    # --- reading run files ---------------------------------------------------

    def test_loader_rejects_non_run_files(self):
        bad = self.tmp / "bad.h5"
        with h5py.File(bad, "w") as f:
            f.attrs["file_type"] = "something-else"
        with self.assertRaisesRegex(runfile.RunFileError, "file_type"):
            runfile.load_run(bad)
        shutil.copy(self.plan, bad)
        with h5py.File(bad, "a") as f:
            del f["summary/quantiles"]
        with self.assertRaisesRegex(runfile.RunFileError, "/summary/quantiles"):
            runfile.load_run(bad)
        with self.assertRaisesRegex(runfile.RunFileError, "no such file"):
            runfile.load_run(self.tmp / "missing.h5")

    def test_loader_notices_optional_groups(self):
        extra = self.tmp / "with_sensitivity.h5"
        shutil.copy(self.plan, extra)
        with h5py.File(extra, "a") as f:
            f.create_group("sensitivity")
        run = runfile.load_run(extra)
        self.assertEqual(run.optional_groups,
                         {"sensitivity": True, "sweep": False, "innovation_index": False})

    def test_loader_falls_back_when_names_are_empty(self):
        # Schema: name_en falls back to the id, name_zh may be empty.
        p = self.tmp / "no_zh.h5"
        shutil.copy(self.plan, p)
        with h5py.File(p, "a") as f:
            zh = f["meta/indicators/name_zh"]
            zh[0] = ""
            f["meta/regions/name_zh"][1] = ""
        run = runfile.load_run(p)
        self.assertEqual(run.indicator_names["zh"][0], "R&D expenditure / GDP")
        self.assertEqual(run.region_names["zh"][1], "Shizuishan city")
        self.assertEqual(run.indicator_names["zh"][1], "高新技术企业")

    # --- the command line ----------------------------------------------------

    def run_cli(self, *args, cwd=None):
        return subprocess.run([PY, str(TOOLS / "report.py"), *map(str, args)], cwd=cwd or self.tmp,
                              capture_output=True, text=True, timeout=600)

    def test_cli_help(self):
        r = self.run_cli("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for word in ("RUN.h5", "-o DIR", "--lang {zh,en}"):
            self.assertIn(word, r.stdout)

    def test_cli_errors_exit_2(self):
        r = self.run_cli(self.tmp / "missing.h5", "-o", self.tmp / "x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.h5: no such file", r.stderr)
        r = self.run_cli(self.plan)  # -o is required
        self.assertEqual(r.returncode, 2)
        r = self.run_cli(self.plan, "-o", self.tmp / "x", "--lang", "fr")
        self.assertEqual(r.returncode, 2)

    def test_cli_english_single_run(self):
        out = self.tmp / "en"
        r = self.run_cli(self.plan, "-o", out, "--lang", "en", cwd="/")
        self.assertEqual(r.returncode, 0, r.stderr)
        man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        self.assertEqual(man["lang"], "en")
        self.assertNotIn("compare_pmet", [c["name"] for c in man["charts"]])  # one run only
        html = (out / "report.html").read_text(encoding="utf-8")
        self.assertIn("R&amp;D expenditure / GDP: zone total", html)
        self.assertIn("Binding", html.replace("binding", "Binding"))
        self.assertNotIn("全社会研发投入", html)
        self.assertIn("not in the run files", r.stdout)
        self.assertTrue((out / "report.pdf").read_bytes().startswith(b"%PDF"))

    @unittest.skipUnless(CHROMIUM.exists(), "no /usr/bin/chromium")
    def test_html_renders_in_chromium(self):
        dom = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                              "--disable-background-networking", "--dump-dom",
                              self.rep.html.as_uri()], capture_output=True, text=True,
                             timeout=180)
        self.assertEqual(dom.returncode, 0, dom.stderr[-2000:])
        self.assertEqual(dom.stdout.count("<img"), len(self.rep.charts))
        shot = self.tmp / "shot.png"
        r = subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", f"--screenshot={shot}",
                            "--window-size=1280,4000", self.rep.html.as_uri()],
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        self.assertTrue(shot.is_file() and shot.stat().st_size > 10000)


def write_sweep(path, lever="fiscal_rd_zone", unit="yuan", drop=None):
    """A synthetic sweep file (docs/hdf5-schema.md, "Sweep files"): two targets, four points."""
    strs = h5py.string_dtype("utf-8")
    with h5py.File(path, "w") as f:
        for k, v in dict(file_type="innosim-sweep", engine_version="test", git_sha="0" * 7,
                         scenario_name="plan-2016-2020", model="four_plus_one",
                         sampler="sobol", lever=lever, lever_unit=unit,
                         lever_name_en="Fiscal R&D spending", lever_name_zh="财政科技支出").items():
            f.attrs[k] = v
        f.attrs["format_version"] = np.int32(1)
        f.attrs["seed"] = np.uint64(7)
        f.attrs["draws"] = np.uint64(500)
        f.attrs["horizon_end"] = np.int32(2020)
        sc = f.create_group("scenario")
        sc.attrs["on_track"], sc.attrs["at_risk"] = 0.8, 0.5
        f["meta/regions/id"] = np.array(["yinchuan", "zone"], dtype=object).astype(strs)
        f["meta/regions/name_en"] = np.array(["Yinchuan", "zone total"], dtype=strs)
        f["meta/regions/name_zh"] = np.array(["银川", "区域合计"], dtype=strs)
        f["meta/indicators/id"] = np.array(["rd_intensity", "patents"], dtype=strs)
        f["meta/indicators/name_en"] = np.array(["R&D intensity", "Patents"], dtype=strs)
        f["meta/indicators/name_zh"] = np.array(["研发投入强度", "专利"], dtype=strs)
        f["meta/indicators/unit"] = np.array(["%", "count"], dtype=strs)
        f["targets/indicator"] = np.array(["rd_intensity", "patents"], dtype=strs)
        f["targets/region"] = np.array(["zone", "yinchuan"], dtype=strs)
        f["targets/kind"] = np.array(["binding", "expected"], dtype=strs)
        f["targets/sense"] = np.array(["at_least", "at_least"], dtype=strs)
        f["targets/note"] = np.array(["", ""], dtype=strs)
        f["targets/year"] = np.array([2020, 2020], dtype=np.int32)
        f["targets/value"] = np.array([2.0, 1500.0])
        scale = np.array([0.5, 1.0, 2.0, 4.0])
        f["sweep/scale"] = scale
        f["sweep/lever_value"] = 1.2e9 * scale
        p = np.array([[0.21, 0.42, 0.63, 0.84], [0.5, 0.55, 0.7, 0.9]])
        f["sweep/p_met"] = p
        f["sweep/p_met_se"] = np.sqrt(p * (1 - p) / 500)
        f["sweep/median"] = np.array([[1.6, 1.9, 2.2, 2.6], [1400, 1480, 1600, 1800.0]])
        f["sweep/q05"] = f["sweep/median"][()] * 0.8
        f["sweep/q95"] = f["sweep/median"][()] * 1.2
        if drop:
            del f[drop]


class SweepReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="innosim-sweep-report-test-"))
        cls.plan = cls.tmp / "plan.h5"
        cls.sweep = cls.tmp / "sweep.h5"
        make_synthetic_run.write_run(cls.plan, draws=200, seed=11, scenario_name="plan-2016-2020")
        write_sweep(cls.sweep)
        cls.rep = report.build([cls.plan, cls.sweep], cls.tmp / "zh", "zh", keep_figures=True)
        cls.charts = {c.name: c for c in cls.rep.charts}
        cls.html = cls.rep.html.read_text(encoding="utf-8")
        cls.manifest = json.loads(cls.rep.manifest.read_text(encoding="utf-8"))
        with h5py.File(cls.sweep, "r") as f:
            cls.p_met = f["sweep/p_met"][()]
            cls.lever_value = f["sweep/lever_value"][()]

    @classmethod
    def tearDownClass(cls):
        cls.rep.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def lines(self, chart):
        return {ln.get_gid(): ln for ln in chart.fig.axes[0].get_lines() if ln.get_gid()}

    def test_sweep_chart_written_and_no_longer_absent(self):
        c = self.charts["sweep_fiscal_rd_zone"]
        self.assertEqual(sorted(p.suffix for p in c.files), [".json", ".png", ".svg"])
        self.assertTrue(all(p.is_file() and p.stat().st_size > 1000 for p in c.files))
        self.assertIn("sweep_fiscal_rd_zone", [ch["name"] for ch in self.manifest["charts"]])
        self.assertNotIn("sweep", self.manifest["not_present"])
        self.assertIn("sensitivity", self.manifest["not_present"])
        self.assertEqual(self.manifest["sweeps"][0]["lever"], "fiscal_rd_zone")
        self.assertIn('data-chart="sweep_fiscal_rd_zone"', self.html)
        self.assertIn('data-lever="fiscal_rd_zone"', self.html)
        self.assertIn("attainment", self.charts)  # the run's own charts are still there
        self.assertTrue(self.rep.pdf.read_bytes().startswith(b"%PDF"))

    def test_plotted_values_are_the_files_p_met(self):
        c = self.charts["sweep_fiscal_rd_zone"]
        lines = self.lines(c)
        for k in range(self.p_met.shape[0]):
            ln = lines[f"sweep_target_{k}"]
            np.testing.assert_allclose(ln.get_ydata(), 100 * self.p_met[k], rtol=0, atol=1e-12)
            np.testing.assert_allclose(ln.get_xdata(), self.lever_value * 1e-8, rtol=1e-12)  # 亿元
        side = json.loads(next(p for p in c.files if p.suffix == ".json").read_text("utf-8"))
        self.assertEqual(side["x_unit"], "亿元")
        np.testing.assert_array_equal(np.array([r["p_met"] for r in side["targets"]]), self.p_met)
        self.assertIn("亿元", c.fig.axes[0].get_xlabel())

    def test_binding_marked_and_on_track_line(self):
        lines = self.lines(self.charts["sweep_fiscal_rd_zone"])
        self.assertEqual((lines["sweep_target_0"].get_marker(), lines["sweep_target_0"].get_linestyle()),
                         ("*", "-"))
        self.assertEqual(lines["sweep_target_1"].get_linestyle(), "--")
        self.assertTrue(np.allclose(lines["sweep_on_track"].get_ydata(), 80.0))

    def test_english_axis_in_million_yuan(self):
        sw = runfile.load_sweep(self.sweep)
        c = report.charts_mod.sweep_chart(sw, "en")
        try:
            ln = self.lines(c)["sweep_target_0"]
            np.testing.assert_allclose(ln.get_xdata(), self.lever_value * 1e-6, rtol=1e-12)
            self.assertIn("million yuan", c.fig.axes[0].get_xlabel())
        finally:
            report.plt.close(c.fig)

    def test_many_targets_are_split_over_several_sweep_charts(self):
        sw = runfile.load_sweep(self.sweep)
        saved = report.charts_mod.TARGETS_PER_PAGE
        report.charts_mod.TARGETS_PER_PAGE = 1
        try:
            charts = report.charts_mod.sweep_charts([sw], "en")
        finally:
            report.charts_mod.TARGETS_PER_PAGE = saved
        try:
            self.assertEqual([c.name for c in charts], ["sweep_fiscal_rd_zone_1", "sweep_fiscal_rd_zone_2"])
            for k, c in enumerate(charts):
                lines = self.lines(c)
                self.assertEqual(sorted(n for n in lines if n.startswith("sweep_target_")), [f"sweep_target_{k}"])
                np.testing.assert_allclose(lines[f"sweep_target_{k}"].get_ydata(), 100 * self.p_met[k])
                self.assertIn(f"({k + 1}/2)", c.title)
        finally:
            for c in charts:
                report.plt.close(c.fig)

    def test_broken_sweep_file_names_the_object(self):
        bad = self.tmp / "bad-sweep.h5"
        write_sweep(bad, drop="sweep/p_met")
        with self.assertRaisesRegex(runfile.RunFileError, "sweep/p_met"):
            runfile.load_sweep(bad)

    @unittest.skipUnless(os.environ.get("INNOSIM_BINARY"), "INNOSIM_BINARY not set (ctest sets it)")
    def test_report_of_a_real_sweep_file(self):
        h5 = self.tmp / "real-sweep.h5"
        r = subprocess.run([os.environ["INNOSIM_BINARY"], "sweep",
                            str(ROOT / "tests/data/e2e/sweep.toml"), "--lever", "extra_growth",
                            "--scale", "0,1,3", "-n", "300", "-q", "-o", str(h5)],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = self.tmp / "real"
        rep = report.build([h5], out, "en", keep_figures=True)
        try:
            with h5py.File(h5, "r") as f:
                p, x = f["sweep/p_met"][()], f["sweep/lever_value"][()]
            c = next(ch for ch in rep.charts if ch.name == "sweep_extra_growth")
            lines = self.lines(c)
            for k in range(p.shape[0]):
                np.testing.assert_allclose(lines[f"sweep_target_{k}"].get_ydata(), 100 * p[k],
                                           rtol=0, atol=1e-12)
                np.testing.assert_allclose(lines[f"sweep_target_{k}"].get_xdata(), 100 * x)  # %/yr
            self.assertTrue((out / "report.pdf").is_file() and (out / "report.html").is_file())
        finally:
            rep.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
