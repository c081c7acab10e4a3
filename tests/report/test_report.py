#!/usr/bin/python3
"""Tests of the committee briefing (tools/report.py) on real runs.

    INNOSIM_BINARY=build/ci/bin/innosim /usr/bin/python3 tests/report/test_report.py

Registered with ctest as `report`. Runs the shipped plan, baseline and two
what-ifs (few draws), a sweep of the plan, and reports on them with the
observation file, through the command line as a user would. The browser
test opens the HTML in headless Chromium (python3-selenium and
chromium-driver, installed by tools/setup.sh).
"""

import html
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "report.py"
SCN = ROOT / "scenarios"
PY = sys.executable  # the interpreter ctest runs this with (CMake cache variable INNOSIM_PYTHON)
BINARY = os.environ.get("INNOSIM_BINARY") or str(ROOT / "build" / "ci" / "bin" / "innosim")
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
sys.path.insert(0, str(ROOT / "tools"))

from innosim_report.i18n import t, verdict_text  # noqa: E402

RUNS = {"plan": "plan-2016-2020.toml", "baseline": "baseline.toml",
        "double": "whatif-double-fiscal-rd.toml", "split": "whatif-different-split.toml"}
SIZE_LIMIT = 8 * 1024 * 1024


def innosim(*args):
    r = subprocess.run([BINARY, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"innosim {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def report_cli(*args, cwd=None):
    return subprocess.run([PY, str(TOOL), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def visible_text(page):
    """The page's text as a reader sees it: no tags, attributes, styles or images."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def records(obj):
    """Every target record (as `innosim check --format json` has them) in a side file."""
    if isinstance(obj, dict):
        if {"scenario", "indicator", "region", "year", "p_met", "median"} <= obj.keys():
            yield obj
        for v in obj.values():
            yield from records(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from records(v)


def scenario_names(toml_path):
    import tomllib
    with open(toml_path, "rb") as f:
        s = tomllib.load(f)["scenario"]
    return s


class BriefingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="innosim-report-test-"))
        cls.files = {}
        for key, scn in RUNS.items():
            out = cls.tmp / f"{key}.h5"
            # the drivers need the plan's parameter draws; the others keep the default store level
            store = ["--store", "parameters"] if key == "plan" else []
            innosim("run", SCN / scn, "-n", 400, "--threads", 2, "-q", *store, "-o", out)
            cls.files[key] = out
        cls.sweep = cls.tmp / "sweep.h5"
        innosim("sweep", SCN / RUNS["plan"], "--lever", "fiscal_rd_zone", "--scale", "0.5,1,2,4",
                "-n", 200, "-q", "-o", cls.sweep)
        cls.solve = cls.tmp / "solve.h5"
        innosim("solve", SCN / RUNS["plan"], "--target", "intermediaries", "--probability", 0.5,
                "--lever", "fiscal_rd_zone", "-n", 200, "-q", "-o", cls.solve)
        cls.obs = SCN / "observed-2010-2015.toml"
        cls.check = {}
        for key, f in cls.files.items():
            d = json.loads(innosim("check", f, "--format", "json"))
            for r in d["targets"]:
                cls.check[(d["scenario"], r["indicator"], r["region"], r["year"])] = r
        cls.out = cls.tmp / "zh"
        t0 = time.monotonic()
        # no --lang: the default language
        cls.cli = report_cli(*cls.files.values(), cls.sweep, cls.solve, cls.obs, "-o", cls.out)
        cls.seconds = time.monotonic() - t0
        print(f"report of plan + baseline + 2 what-ifs + sweep + observations: {cls.seconds:.1f} s",
              file=sys.stderr)
        if cls.cli.returncode != 0:
            raise AssertionError(f"report failed ({cls.cli.returncode}): {cls.cli.stderr}")
        cls.html = (cls.out / "report.html").read_text(encoding="utf-8")
        cls.text = visible_text(cls.html)
        cls.manifest = json.loads((cls.out / "manifest.json").read_text(encoding="utf-8"))
        cls.summary = json.loads((cls.out / "summary.json").read_text(encoding="utf-8"))
        cls.side = {c["name"]: json.loads((cls.out / "charts" / f"{c['name']}.json").read_text(
            encoding="utf-8")) for c in cls.manifest["charts"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # --- order and language -------------------------------------------------

    def test_default_language_is_chinese(self):
        self.assertEqual(self.manifest["lang"], "zh")
        self.assertIn('<html lang="zh-CN">', self.html)
        self.assertIn(t("zh", "sec_summary"), self.text)
        help_text = report_cli("--help").stdout
        self.assertIn("default: zh", help_text)

    def test_sections_in_briefing_order_summary_first(self):
        ids = [s["id"] for s in self.manifest["sections"]]
        self.assertEqual(ids[0], "summary")
        order = ["summary", "overview", "binding", "whatif", "drivers", "takes", "regions",
                 "index", "calibration", "appendix"]
        self.assertEqual([i for i in ids if i in order], order)
        sections = re.findall(r'<section id="([\w-]+)"', self.html)
        self.assertEqual(sections[0], "summary")
        self.assertEqual(sections, ids)
        # the contents link every section and scenario heading to an anchor on the page
        toc = re.search(r'<nav class="toc".*?</nav>', self.html, flags=re.S).group(0)
        anchors = set(re.findall(r'id="([^"]+)"', self.html))
        links = re.findall(r'href="#([^"]+)"', toc)
        self.assertTrue(set(ids) <= set(links))
        self.assertTrue(set(links) <= anchors, set(links) - anchors)

    def test_summary_states_verdict_uncertainty_and_whatif_effects(self):
        s = self.summary
        plan = self.check[("plan-2016-2020", "rd_intensity", "zone", 2020)]
        (b,) = s["binding"]
        self.assertEqual(b["verdict"], verdict_text("zh", plan["verdict"]))
        self.assertTrue(b["p"].endswith("%"))
        self.assertIn(t("zh", "se_label"), self.text)   # ± is labelled
        self.assertTrue(s["headline"])
        self.assertEqual({e["scenario"] for e in s["effects"]},
                         {"baseline", "whatif-double-fiscal-rd", "whatif-different-split"})
        summary_html = re.search(r'<section id="summary">.*?</section>', self.html, re.S).group(0)
        self.assertIn(s["headline"], html.unescape(summary_html))
        for e in s["effects"]:
            (c,) = e["binding"]
            other = self.check[(e["scenario"], "rd_intensity", "zone", 2020)]
            self.assertEqual(c["plan"], plan["p_met"])
            self.assertEqual(c["other"], other["p_met"])

    def test_english_on_request_without_untranslated_ids(self):
        out = self.tmp / "en"
        out.mkdir()
        (out / "report.html").write_text("an earlier report", encoding="utf-8")
        r = report_cli(self.files["plan"], self.files["double"], "-o", out, "--lang", "en", cwd="/")
        self.assertEqual(r.returncode, 2, r.stderr)  # not replaced without --force
        self.assertIn(f"cannot write the output folder {out}: it holds a report already (report.html); "
                      "use --force to replace it", r.stderr)
        self.assertEqual((out / "report.html").read_text(encoding="utf-8"), "an earlier report")
        r = report_cli(self.files["plan"], self.files["double"], "-o", out, "--lang", "en", "--force", cwd="/")
        self.assertEqual(r.returncode, 0, r.stderr)
        page = (out / "report.html").read_text(encoding="utf-8")
        text = visible_text(page)
        self.assertIn('<html lang="en">', page)
        self.assertIn("What-if: twice the R&D money", text)
        # the id appears once, as "Scenario id" in the run information
        self.assertEqual(text.count("whatif-double-fiscal-rd"), 1)
        self.assertFalse(re.search(r"[\u4e00-\u9fff]", text), "Chinese text in the English report")

    # --- names ----------------------------------------------------------------

    def test_scenarios_named_by_display_name_with_description(self):
        text = self.text
        for key, scn in RUNS.items():
            s = scenario_names(SCN / scn)
            self.assertIn(s["name_zh"], text)
            self.assertIn(s["description_zh"], text)
            # the id appears only where the file's metadata is listed
            shown = text
            for f in self.files.values():
                shown = shown.replace(str(f), "")
            ids = re.findall(re.escape(s["name"]) + r"(?![\w-])", shown)
            self.assertLessEqual(len(ids), 1, f"{s['name']} shown as an id {len(ids)} times")
        for c in self.manifest["charts"]:
            if c["name"].startswith(("whatif_", "fans_")):
                self.assertFalse(re.search(r"whatif-|plan-2016|baseline", c["title"]), c["title"])

    # --- numbers ----------------------------------------------------------------

    def test_side_file_numbers_equal_innosim_check(self):
        n = 0
        for name, side in self.side.items():
            for rec in records(side):
                key = (rec["scenario"], rec["indicator"], rec["region"], rec["year"])
                if key not in self.check:
                    continue
                ref = self.check[key]
                for k in ("target", "median", "q05", "q95", "mean", "p_met", "p_met_se", "verdict"):
                    if k in rec:
                        self.assertEqual(rec[k], ref[k], f"{name}: {key} {k}")
                n += 1
        self.assertGreater(n, 100)

    def test_fans_end_at_the_exact_target_statistics(self):
        side = self.side["binding_1_rd_intensity"]
        self.assertEqual(len(side["runs"]), 4)
        for run in side["runs"]:
            ref = self.check[(run["scenario"], "rd_intensity", "zone", 2020)]
            i = run["years"].index(2020)
            self.assertEqual(run["q50"][i], ref["median"])
            self.assertEqual(run["q05"][i], ref["q05"])
            self.assertEqual(run["q95"][i], ref["q95"])
            self.assertEqual(run["target"]["p_met"], ref["p_met"])

    def test_small_percentages_with_two_decimals(self):
        (b,) = self.summary["binding"]
        self.assertRegex(b["median"], r"^\d+\.\d\d%$")
        self.assertIn("≥ 2.50%", self.text)

    # --- history ------------------------------------------------------------------

    def test_history_drawn_only_where_observed(self):
        import tomllib
        with open(self.obs, "rb") as f:
            obs = tomllib.load(f)
        zone = {s["indicator"]: s for s in obs["series"] if s.get("region") == "zone"} \
            if "series" in obs else {}
        side = self.side["binding_1_rd_intensity"]
        if "rd_intensity" in zone:
            self.assertEqual(side["observed"]["years"], zone["rd_intensity"]["years"])
            self.assertEqual(side["observed"]["values"], zone["rd_intensity"]["values"])
        else:
            self.assertEqual(side["observed"]["years"], [2015])
        # an indicator with no statistic in the observation file shows no observed or base value
        fans = [p for n, s in self.side.items() if n.startswith("fans_plan") for p in s["panels"]]
        little = next(p for p in fans if p["indicator"] == "little_giants")
        self.assertFalse(little.get("observed") and little["observed"]["years"])

    # --- what it takes ---------------------------------------------------------------

    def test_takes_log_axis_target_and_plan_point(self):
        side = self.side["takes_plan-2016-2020_fiscal_rd_zone_1"]
        self.assertTrue(side["log_x"])
        self.assertEqual(side["scale"][side["plan_index"]], 1.0)
        self.assertEqual(side["x_unit"], "亿元")
        self.assertEqual(side["x"][side["plan_index"]], 2.0)  # 200 million yuan = 2 亿元
        binding = [p for p in side["panels"] if p["kind"] == "binding"]
        self.assertEqual([p["indicator"] for p in binding], ["rd_intensity"])
        self.assertEqual(binding[0]["target"], 2.5)

    def test_solve_answer_in_yi_yuan_on_a_log_axis(self):
        import h5py
        with h5py.File(self.solve, "r") as f:
            answer = dict(f["answer"].attrs)
            base = float(f["levers/base_value"][0])
            scale = f["curve/scale"][()]
        (name,) = [n for n in self.side if n.startswith("solve_")]
        side = self.side[name]
        self.assertTrue(side["log_x"])
        self.assertEqual(side["x_unit"], "亿元")
        self.assertEqual(side["answer"]["scale"], float(answer["scale"]))
        self.assertEqual(side["x"], [float(k * base * 1e-8) for k in scale])
        self.assertEqual(side["target"]["indicator"], "intermediaries")
        if answer["reachable"]:
            self.assertIn(f"{answer['scale'] * base * 1e-8:.2f}亿元", side["answer_text"])
        self.assertEqual(self.manifest["solves"][0]["target"], "intermediaries")

    def test_drivers_rank_based_from_the_draws(self):
        drivers = [s for n, s in self.side.items() if n.startswith("drivers_")]
        self.assertTrue(drivers)
        panel = drivers[0]["panels"][0]
        self.assertEqual((panel["indicator"], panel["region"]), ("rd_intensity", "zone"))
        self.assertTrue(panel["parameters"])
        self.assertIn("rank", drivers[0]["method"])

    def test_default_store_files_brief_with_a_note_instead_of_drivers(self):
        # `innosim run` keeps no parameter draws by default (store level targets), and
        # `--store summary` no per-draw values at all: every other section is drawn from
        # them, and the drivers section says how to get the draws
        plan, base = self.tmp / "plan-targets.h5", self.tmp / "baseline-summary.h5"
        innosim("run", SCN / RUNS["plan"], "-n", 400, "--threads", 2, "-q", "-o", plan)
        innosim("run", SCN / RUNS["baseline"], "-n", 400, "--threads", 2, "-q",
                "--store", "summary", "-o", base)
        for lang in ("zh", "en"):
            out = self.tmp / f"default-store-{lang}"
            r = report_cli(plan, base, self.files["double"], self.sweep, self.obs, "-o", out,
                           "--lang", lang)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("Traceback", r.stderr)
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            ids = [s["id"] for s in manifest["sections"]]
            self.assertEqual([i for i in ids if i != "absent"],
                             ["summary", "overview", "binding", "whatif", "drivers", "takes",
                              "regions", "index", "calibration", "appendix"])
            self.assertFalse([c for c in manifest["charts"] if c["name"].startswith("drivers_")])
            page = (out / "report.html").read_text(encoding="utf-8")
            drivers = visible_text(re.search(r'<section id="drivers">.*?</section>', page,
                                             re.S).group(0))
            self.assertIn("--store parameters", drivers)
            self.assertIn("targets", drivers)  # the file's store level, named
            names = scenario_names(SCN / RUNS["plan"])
            self.assertIn(names["name_zh" if lang == "zh" else "name_en"], drivers)
            # the numbers are still innosim check's, for the summary-level file too
            checked = {}
            for f in (plan, base):
                d = json.loads(innosim("check", f, "--format", "json"))
                for rec in d["targets"]:
                    checked[(d["scenario"], rec["indicator"], rec["region"], rec["year"])] = rec
            seen = set()
            for c in manifest["charts"]:
                side = json.loads((out / "charts" / f"{c['name']}.json").read_text(encoding="utf-8"))
                for rec in records(side):
                    key = (rec["scenario"], rec["indicator"], rec["region"], rec["year"])
                    if key in checked:
                        for k in ("median", "q05", "q95", "p_met", "p_met_se"):
                            if k in rec:
                                self.assertEqual(rec[k], checked[key][k], f"{c['name']}: {key} {k}")
                        seen.add(key[0])
            self.assertEqual(seen, {"plan-2016-2020", "baseline"})
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            (e,) = [e for e in summary["effects"] if e["scenario"] == "baseline"]
            self.assertFalse(e["binding"][0]["paired"])  # no per-draw values to pair
            (e,) = [e for e in summary["effects"] if e["scenario"] == "whatif-double-fiscal-rd"]
            self.assertTrue(e["binding"][0]["paired"])   # the same draws (digest) at any level

    def test_design_files_in_what_it_takes(self):
        # two levers: a map of P(met) over both amounts; one lever: drawn as a sweep
        import h5py
        two, one = self.tmp / "design2.h5", self.tmp / "design1.h5"
        innosim("design", SCN / RUNS["plan"], "--lever", "fiscal_rd_zone=0.5:4",
                "--lever", "little_giants_selected_per_year=0.5:2", "--points", 3,
                "--spacing", "log", "-n", 200, "-q", "-o", two)
        innosim("design", SCN / RUNS["plan"], "--lever", "fiscal_rd_zone=1亿:8亿", "--points", 4,
                "-n", 200, "-q", "-o", one)
        out = self.tmp / "design-report"
        r = report_cli(self.files["plan"], two, one, "-o", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        charts = {c["name"]: c for c in manifest["charts"]}
        maps = [n for n in charts if n.startswith("design_")]
        self.assertTrue(maps)
        self.assertTrue(all(charts[n]["section"] == "takes" for n in maps))
        with h5py.File(two, "r") as f:
            p_met = f["points/p_met"][()]
            lever_value = f["design/lever_value"][()]
            base = f["levers/base_value"][()]
            kinds = [k.decode() if isinstance(k, bytes) else k for k in f["targets/kind"][()]]
        shown = []
        for n in maps:
            side = json.loads((out / "charts" / f"{n}.json").read_text(encoding="utf-8"))
            self.assertEqual(side["lever_value"], lever_value.tolist())
            self.assertEqual([lv["base_value"] for lv in side["levers"]], base.tolist())
            for panel in side["panels"]:
                rows = [t_ for t_ in range(len(p_met)) if p_met[t_].tolist() == panel["p_met"]]
                self.assertTrue(rows, f"{n}: a panel's P(met) is no target's in the file")
                shown.append(panel["kind"])
                best = panel["best_point"]
                self.assertEqual(panel["p_met"][best], max(panel["p_met"]))
        self.assertEqual(shown[0], "binding")   # the binding target comes first
        self.assertEqual(shown.count("binding"), kinds.count("binding"))
        fig_name = maps[0]
        self.assertIn(f'data-chart="{fig_name}"', (out / "report.html").read_text(encoding="utf-8"))
        # the one-lever design is a sweep over 1亿..8亿 on a log axis, with the plan's point
        takes = [n for n in charts if n.startswith("takes_plan")]
        self.assertTrue(takes)
        side = json.loads((out / "charts" / f"{takes[0]}.json").read_text(encoding="utf-8"))
        self.assertTrue(side["log_x"])
        self.assertEqual(len(side["scale"]), 4)
        self.assertAlmostEqual(side["lever_value"][0], 1e8, delta=1e-3)
        self.assertAlmostEqual(side["lever_value"][-1], 8e8, delta=1e-3)
        self.assertEqual([d["levers"] for d in manifest["designs"]],
                         [["fiscal_rd_zone", "little_giants_selected_per_year"]])

    def test_cheapest_mix_from_a_solve_cost_file(self):
        # solve --cost: each lever a factor of its own; the file has /mix instead of /answer
        import h5py
        mix = self.tmp / "mix.h5"
        innosim("solve", SCN / RUNS["plan"], "--target", "mass_entrepreneurship", "--probability",
                0.5, "--lever", "fiscal_rd_zone", "--lever", "super_deduction_rate",
                "--cost", "fiscal_rd_zone=1", "--cost", "super_deduction_rate=8", "--range", "1:6",
                "-n", 200, "-q", "-o", mix)
        out = self.tmp / "mix-report"
        r = report_cli(self.files["plan"], mix, "-o", out, "--lang", "en")
        self.assertEqual(r.returncode, 0, r.stderr)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        (name,) = [c["name"] for c in manifest["charts"] if c["name"].endswith("_mix")]
        self.assertEqual(next(c["section"] for c in manifest["charts"] if c["name"] == name),
                         "takes")
        side = json.loads((out / "charts" / f"{name}.json").read_text(encoding="utf-8"))
        with h5py.File(mix, "r") as f:
            factor = f["mix/factor"][()].tolist()
            reachable = int(f["mix"].attrs["reachable"])
            cost = float(f["mix"].attrs["cost"])
        self.assertEqual([lv["factor"] for lv in side["levers"]], factor)
        self.assertEqual([lv["id"] for lv in side["levers"]],
                         ["fiscal_rd_zone", "super_deduction_rate"])
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        if reachable:
            self.assertIn(f"cost {cost:.4g}", side["answer_text"])
        self.assertTrue(any(side["answer_text"] in line for line in summary["takes"]))

    def test_drivers_from_sensitivity_and_discovery_files(self):
        # a sensitivity file replaces the rank-based tornados with Sobol total indices and
        # their intervals; a discovery file adds PRIM's trajectory and box
        import h5py
        import numpy as np
        sens, disc = self.tmp / "sens.h5", self.tmp / "disc.h5"
        innosim("sensitivity", SCN / RUNS["plan"], "--method", "sobol", "-N", 32,
                "--resamples", 20, "--target", "rd_intensity", "--target", "intermediaries",
                "-q", "-o", sens)
        innosim("discover", self.files["plan"], "--target", "intermediaries", "-q", "-o", disc)
        out = self.tmp / "analysis-report"
        r = report_cli(self.files["plan"], sens, disc, "-o", out, "--lang", "en")
        self.assertEqual(r.returncode, 0, r.stderr)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        names = [c["name"] for c in manifest["charts"] if c["section"] == "drivers"]
        self.assertFalse([n for n in names if re.match(r"drivers_\d", n)])  # no rank-based ones
        sobol = [n for n in names if n.startswith("drivers_sobol_")]
        prim = [n for n in names if n.startswith("drivers_prim_")]
        self.assertTrue(sobol and prim)
        self.assertNotIn("sensitivity", manifest["not_present"])
        self.assertNotIn("discovery", manifest["not_present"])
        with h5py.File(sens, "r") as f:
            factors = [x.decode() for x in f["factors/name"][()]]
            total = f["sobol/total"][()]
            lo, hi = f["sobol/total_lo"][()], f["sobol/total_hi"][()]
        seen = set()
        for n in sobol:
            side = json.loads((out / "charts" / f"{n}.json").read_text(encoding="utf-8"))
            for panel in side["panels"]:
                o = panel["output"]
                rows = [x for x in panel["factors"] if x["factor"] != "yearly noise"]
                shown = [x["total"] for x in rows]
                self.assertEqual(shown, sorted(shown, reverse=True))
                best = np.nanmax(total[o])
                self.assertEqual(shown[0], best)   # the largest factor first
                for x in rows:
                    g = factors.index(x["factor"])
                    self.assertEqual((x["total"], x["total_lo"], x["total_hi"]),
                                     (total[o, g], lo[o, g], hi[o, g]))
                seen.add(panel["indicator"])
        self.assertEqual(seen, {"rd_intensity", "intermediaries"})
        with h5py.File(disc, "r") as f:
            box = int(f["box"].attrs["index"])
            inputs = [x.decode() for x in f["box/input"][()]]
            coverage = f["trajectory/coverage"][()]
        (side,) = [json.loads((out / "charts" / f"{n}.json").read_text(encoding="utf-8"))
                   for n in prim]
        self.assertEqual(side["box"], box)
        self.assertEqual([x["input"] for x in side["restrictions"]], inputs)
        self.assertEqual(side["coverage"], coverage.tolist())
        self.assertEqual(side["target_id"], "intermediaries")

    def test_calibration_from_a_posterior_file(self):
        import h5py
        data = ROOT / "tests" / "data" / "calibrate"
        post = self.tmp / "growth.posterior.h5"
        innosim("calibrate", data / "growth.toml", "--observations", data / "growth-observed.toml",
                "-n", 200, "--threads", 2, "-q", "-o", post)
        out = self.tmp / "posterior-report"
        r = report_cli(post, "-o", out, "--lang", "en")
        self.assertEqual(r.returncode, 0, r.stderr)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        charts = {c["name"]: c for c in manifest["charts"]}
        params = [n for n in charts if n.startswith("calibration_") and "_parameters" in n]
        fans = [n for n in charts if n.startswith("calibration_") and "_fans" in n]
        self.assertTrue(params and fans)
        self.assertTrue(all(charts[n]["section"] == "calibration" for n in params + fans))
        with h5py.File(post, "r") as f:
            ids = [x.decode() for x in f["parameters/id"][()]]
            shrink = f["parameters/shrinkage"][()]
            q05 = f["parameters/posterior_q05"][()]
            fan = f["fan/posterior"][()]
            inside = int(f["predictive/inside"][()].sum())
        side = json.loads((out / "charts" / f"{params[0]}.json").read_text(encoding="utf-8"))
        rows = side["parameters"]
        self.assertEqual(sorted(x["parameter"] for x in rows), sorted(ids))
        self.assertEqual([x["shrinkage"] for x in rows], sorted(shrink.tolist(), reverse=True))
        for x in rows:
            self.assertEqual(x["posterior_q05"], q05[ids.index(x["parameter"])])
        side = json.loads((out / "charts" / f"{fans[0]}.json").read_text(encoding="utf-8"))
        self.assertEqual(side["inside"], inside)
        self.assertEqual(side["panels"][0]["posterior"], fan[0].tolist())
        # the sampler's course: temperature, ESS and acceptance per generation, as in the file
        (gens,) = [n for n in charts if n.startswith("calibration_") and n.endswith("_generations")]
        side = json.loads((out / "charts" / f"{gens}.json").read_text(encoding="utf-8"))
        with h5py.File(post, "r") as f:
            self.assertEqual(side["phi"], f["generations/phi"][()].tolist())
            self.assertEqual(side["ess"], f["generations/ess"][()].tolist())
            self.assertEqual(side["acceptance_theta"], f["generations/acceptance_theta"][()].tolist())
        self.assertEqual(side["phi"][-1], 1.0)

    def test_calibration_charts_what_a_calibrated_run_takes(self):
        # a run on the posterior in the report: its parameter charts show the
        # calibrated parameters that run takes, not the ones it excludes
        import h5py
        data = ROOT / "tests" / "data" / "calibrate"
        folder = self.tmp / "calibrated-run"
        folder.mkdir()
        post = folder / "growth.posterior.h5"
        innosim("calibrate", data / "growth.toml", "--observations", data / "growth-observed.toml",
                "-n", 200, "--threads", 2, "-q", "-o", post)
        scn = folder / "growth-calibrated.toml"
        scn.write_text(f'[scenario]\nextends = "{data / "growth.toml"}"\nname = "growth-calibrated"\n'
                       '[posterior]\nfile = "growth.posterior.h5"\nexclude = ["shock_sd"]\n', encoding="utf-8")
        run = folder / "run.h5"
        innosim("run", scn, "-n", 200, "-q", "-o", run)
        out = self.tmp / "calibrated-run-report"
        r = report_cli(run, post, "-o", out, "--lang", "en")
        self.assertEqual(r.returncode, 0, r.stderr)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        charts = {c["name"]: c for c in manifest["charts"]}
        params = [n for n in charts if n.startswith("calibration_") and "_parameters" in n]
        with h5py.File(post, "r") as f:
            ids = [x.decode() for x in f["parameters/id"][()]]
        shown = [x["parameter"] for n in params
                 for x in json.loads((out / "charts" / f"{n}.json").read_text(encoding="utf-8"))["parameters"]]
        self.assertEqual(sorted(shown), sorted(i for i in ids if i != "shock_sd"))

    def test_regions_are_the_zones_regions(self):
        # the plan has a region outside the zone (Guyuan) and a territory (Ningxia): the
        # regions section shows the zone's regions only, and their shares add up to the zone
        import h5py
        def text(x):
            return x.decode() if isinstance(x, bytes) else str(x)
        with h5py.File(self.files["plan"], "r") as f:
            ids = [text(x) for x in f["meta/regions/id"][()]]
            kinds = [text(x) for x in f["meta/regions/kind"][()]]
            in_zone = [bool(x) for x in f["meta/regions/in_zone"][()]]
        members = [i for i, k, z in zip(ids, kinds, in_zone) if k == "region" and z]
        self.assertIn("territory", kinds)
        self.assertLess(len(members), kinds.count("region"))
        regions = [s for s in self.side.values() if s.get("kind") in ("regions", "region_shares")]
        self.assertTrue(regions)
        for s in regions:
            for regs in [s.get("regions")] + [p["regions"] for p in s.get("panels", [])]:
                if regs is not None:
                    self.assertEqual(regs, members)
        shares = [row["shares"] for s in regions for row in s.get("rows", [])] + [
            p["shares"] for s in regions for p in s.get("panels", []) if p.get("shares")]
        self.assertTrue(shares)
        for sh in shares:
            self.assertAlmostEqual(sum(sh), 1.0, delta=0.02)

    def test_innovation_index_from_the_run_file(self):
        # the plan declares an [index]: its chart shows the file's /innovation_index, the
        # regions in the order of their median index in the last year, and every region's
        # rank probabilities, which sum to 1 in every year
        import h5py
        import numpy as np
        self.assertNotIn("innovation_index", self.manifest["not_present"])
        self.assertIn(t("zh", "sec_index"), self.text)
        sides = {s["scenario"]: s for s in self.side.values() if s.get("kind") == "innovation_index"}
        self.assertIn("plan-2016-2020", sides)
        side = sides["plan-2016-2020"]
        with h5py.File(self.files["plan"], "r") as f:
            g = f["innovation_index"]
            regions = [x.decode() for x in g["regions"][()]]
            years = g["years"][()].tolist()
            levels = g["quantile_levels"][()]
            q = g["quantiles"][()]
            p = g["rank_probability"][()]
            draws = int(g.attrs["draws"])
            weights = g["components/weight"][()].tolist()
        self.assertEqual(side["regions"], regions)
        self.assertEqual(side["years"], years)
        self.assertEqual(side["draws"], draws)
        self.assertEqual(side["quantiles"], q.tolist())
        self.assertEqual(side["rank_probability"], p.tolist())
        self.assertEqual([c["weight"] for c in side["components"]], weights)
        median = q[:, -1, int(np.flatnonzero(np.isclose(levels, 0.5))[0])]
        self.assertEqual(side["order"], [regions[k] for k in np.argsort(-median, kind="stable")])
        self.assertTrue(np.allclose(np.asarray(side["rank_probability"]).sum(axis=2), 1.0))
        # the plan's weights are an assumption, and the caption says so
        self.assertIn(t("zh", "index_assumed"), side["caption"])
        self.assertTrue(side["source"].startswith("assumption"))

    # --- files ---------------------------------------------------------------

    def test_size_limit_and_pdf_bookmarks(self):
        size = (self.out / "report.html").stat().st_size
        print(f"report.html {size / 1e6:.2f} MB", file=sys.stderr)
        self.assertLessEqual(size, SIZE_LIMIT)
        from pypdf import PdfReader
        pdf = PdfReader(str(self.out / "report.pdf"))

        def titles(outline):
            for o in outline:
                if isinstance(o, list):
                    yield from titles(o)
                else:
                    yield o.title
        marks = list(titles(pdf.outline))
        for s in self.manifest["sections"]:
            if s["id"] != "absent":
                self.assertIn(s["title"], marks)

    def test_every_chart_has_png_and_side_file(self):
        for c in self.manifest["charts"]:
            for f in c["files"]:
                self.assertTrue((self.out / f).is_file(), f)
            self.assertIn(f'data-chart="{c["name"]}"', self.html)

    # --- failures -----------------------------------------------------------------

    def test_unwritable_output_folder_fails_at_once_writing_nothing(self):
        blocker = self.tmp / "a-file"
        blocker.write_text("not a folder")
        cases = [blocker / "out"]
        if os.geteuid() != 0:  # root writes into read-only folders
            ro = self.tmp / "read-only"
            ro.mkdir()
            ro.chmod(0o500)
            cases.append(ro / "out")
        for out in cases:
            before = sorted(p.name for p in self.tmp.rglob("*"))
            t0, c0 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
            r = report_cli(*self.files.values(), self.sweep, "-o", out)
            took, c1 = time.monotonic() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
            print(f"unwritable folder refused in {took:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
            self.assertEqual(r.returncode, 2, r.stderr)
            # its own work is under a second; the wall time also holds the wait for a busy machine
            self.assertLess(cpu, 1.0)
            self.assertLess(took, 10.0)
            self.assertIn("cannot write the output folder", r.stderr)
            self.assertEqual(sorted(p.name for p in self.tmp.rglob("*")), before)

    def test_bad_input_exits_2_naming_the_file(self):
        r = report_cli(self.tmp / "missing.h5", "-o", self.tmp / "x")
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.h5: no such file", r.stderr)
        self.assertFalse((self.tmp / "x").exists())

    def test_damaged_files_are_refused_by_name_without_traceback(self):
        """The report reads every file through integrity.py, which refuses what
        `innosim check` refuses: exit 2, the damaged object named, no traceback."""
        import h5py
        plan = self.files["plan"]
        good = plan.read_bytes()
        bad = self.tmp / "damaged.h5"
        cases = []
        shutil.copy(plan, bad)  # a value of the stored table changed after sealing
        with h5py.File(bad, "a") as f:
            f["targets/p_met"][0] = 0.995
        cases.append(("/targets/p_met: damaged: its content does not match its checksum", bad.read_bytes()))
        shutil.copy(plan, bad)  # the /targets group removed
        with h5py.File(bad, "a") as f:
            del f["targets"]
        cases.append(("/targets: damaged: missing (the file lists it)", bad.read_bytes()))
        with h5py.File(plan, "r") as f:  # a corrupted per-draw chunk, found by its Fletcher32 checksum
            offset = f["targets/draws"].id.get_chunk_info(0).byte_offset
        data = bytearray(good)
        data[offset + 3] ^= 0x40
        cases.append(("/targets/draws: damaged: the chunk at [0,0] fails its Fletcher32 checksum", bytes(data)))
        cases.append(("/: damaged: the file cannot be opened", good[: len(good) // 2]))  # cut short
        for expect, content in cases:
            with self.subTest(expect=expect):
                bad.write_bytes(content)
                r = report_cli(bad, "-o", self.tmp / "damaged-report")
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(f"{bad}: {expect}", r.stderr)
                self.assertNotIn("Traceback", r.stderr)
                c = subprocess.run([BINARY, "check", str(bad)], capture_output=True, text=True)
                self.assertEqual(c.returncode, 2, c.stderr)
        self.assertFalse((self.tmp / "damaged-report" / "report.html").exists())

    # --- browser --------------------------------------------------------------------

    @unittest.skipUnless(CHROMIUM and DRIVER, "chromium or chromedriver is not installed "
                                              "(tools/setup.sh installs them)")
    def test_html_in_headless_chromium(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        profile = self.tmp / "chromium-profile"
        o = webdriver.ChromeOptions()
        o.binary_location = CHROMIUM
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-extensions", "--window-size=1600,1000",
                     f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND"):
            o.add_argument(flag)
        o.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        d = webdriver.Chrome(service=Service(DRIVER), options=o)
        try:
            url = (self.out / "report.html").as_uri()
            d.get(url)
            first = d.execute_script("return document.querySelector('main section').id")
            self.assertEqual(first, "summary")
            loaded = d.execute_script(
                "return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            self.assertTrue(loaded, "an image did not decode")
            urls = []
            for entry in d.get_log("performance"):
                msg = json.loads(entry["message"])["message"]
                if msg["method"] == "Network.requestWillBeSent":
                    urls.append(msg["params"]["request"]["url"])
            outside = [u for u in urls if u != url and not u.startswith(("data:", "about:",
                                                                         "chrome:"))]
            self.assertEqual(outside, [])
            errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
            self.assertEqual(errors, [])
            shot = self.tmp / "summary.png"
            d.save_screenshot(str(shot))
        finally:
            d.quit()
        from PIL import Image
        im = Image.open(shot).convert("RGB")
        colours = im.getcolors(maxcolors=1 << 20)
        self.assertGreater(len(colours), 20, "the screenshot is blank")


if __name__ == "__main__":
    unittest.main(verbosity=2)
