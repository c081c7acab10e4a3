#!/usr/bin/python3
"""The NumPy/SciPy reference model (tools/reference_model.py) agrees with the engine.

Runs `innosim run ... --trajectories --save-uniforms` (binary from
$INNOSIM_BINARY, else build/*/bin/innosim) and recomputes every indicator
trajectory of the same draws in NumPy, independently of the C++ code.

Tolerance. The engine integrates with Dormand-Prince at rtol 1e-6,
atol 1e-9; the reference with DOP853 at rtol 1e-10 (its own error, measured
against rtol 1e-13, is below 1e-9 relative), so a difference is the
engine's integration error. Measured over 10,000 draws of each shipped
scenario: stocks and levels differ by <= 1.3e-7 relative, the contribution
ratio (a difference of log growths over its range) by <= 1.2e-6, the
invention-grant growth rate ((G_t/G_0)^(1/t) - 1, an accumulator restarted at
zero each year, raised to a power and differenced) by <= 1.1e-5, because a
difference of growth rates is amplified by (1+g)/g ~ 10. We require 1e-5 for
every indicator and 1e-4 for the growth rate: about 10x margins over what the
integrator produces (more at this test's 400 draws), tight enough that a
changed coefficient or a mistimed lever (effects of 1e-3 and more) fails. "Relative" divides by max(|engine|, 1 % of the indicator's
largest |value| for that region), so an indicator passing through zero (the
contribution ratio, a growth rate) is judged on the scale of its own range.

Integer events. With model_options.integer_events on, the small-count stocks
jump by Poisson/binomial inversion of the saved uniforms; the means depend on
the continuous state (new high-tech enterprises -> enterprise centres, tech
SMEs -> little giants), so an integration difference of 1e-7 can, for a draw
whose uniform sits that close to a CDF step, flip a count by one and change
the rest of its trajectory. Such a draw legitimately differs. With events off
(tests/data/reference/plan-no-integer-events.toml) every draw must agree;
with them on all but MAX_FLIP_SHARE of the draws must, and every differing
draw must first differ by a whole number in a small-count stock (a flipped
event, not a wrong equation). Those draws are printed.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
TOOL = os.path.join(ROOT, "tools", "reference_model.py")
PLAN = os.path.join(ROOT, "scenarios", "plan-2016-2020.toml")
NO_EVENTS = os.path.join(ROOT, "tests", "data", "reference", "plan-no-integer-events.toml")
WHATIF = os.path.join(ROOT, "scenarios", "whatif-incubators-and-maker-spaces.toml")
PYTHON = sys.executable  # the interpreter ctest runs this with (CMake cache variable INNOSIM_PYTHON)

DRAWS = 400
TOL = 1e-5
TOL_GROWTH = 1e-4  # invention_grant_growth (see the module docstring)
MAX_FLIP_SHARE = 0.01
SMALL_COUNTS = {"platforms", "incubators", "innovation_teams", "key_labs", "engineering_labs",
                "engineering_research_centres", "tech_innovation_centres", "enterprise_tech_centres",
                "little_giants", "maker_spaces"}

spec = importlib.util.spec_from_file_location("reference_model", TOOL)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)


def find_binary() -> str:
    b = os.environ.get("INNOSIM_BINARY")
    if b:
        return b
    found = sorted(glob.glob(os.path.join(ROOT, "build", "*", "bin", "innosim")), key=os.path.getmtime)
    if not found:
        raise unittest.SkipTest("no innosim binary: set INNOSIM_BINARY")
    return found[-1]


class Run:
    """One engine run with trajectories and uniforms, and the reference on the same draws."""

    _cache: dict[str, "Run"] = {}

    @classmethod
    def of(cls, scenario: str) -> "Run":
        if scenario not in cls._cache:
            cls._cache[scenario] = cls(scenario)
        return cls._cache[scenario]

    def __init__(self, scenario: str):
        self.scenario = scenario
        self.dir = tempfile.mkdtemp(prefix="innosim-ref-")
        self.h5 = os.path.join(self.dir, "run.h5")
        cmd = [find_binary(), "run", scenario, "-n", str(DRAWS), "--trajectories", "--save-uniforms",
               "-o", self.h5, "-q", "--threads", "2"]
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=self.dir)
        if p.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
        ids, draws, uniforms, self.valid, meta = ref.read_run(self.h5, None)
        self.indicators, self.regions, self.years = meta["indicators"], meta["regions"], meta["years"]
        self.engine = meta["trajectories"]
        model = ref.FourPlusOneReference(ref.load_scenario(scenario))
        with np.errstate(divide="ignore", invalid="ignore"):
            full = model.simulate(ids, draws, uniforms)
        ind = [ref.INDICATORS.index(i) for i in self.indicators]
        self.ref = full[ind][:, :, [int(y) - model.start for y in self.years]]
        self.model = model

    def differences(self, reference: np.ndarray | None = None) -> np.ndarray:
        """Relative difference divided by the indicator's tolerance, [I, R, Y, N] (valid draws)."""
        reference = self.ref if reference is None else reference
        d = ref.relative_difference(reference[..., self.valid], self.engine[..., self.valid])
        tol = np.array([TOL_GROWTH if i == "invention_grant_growth" else TOL for i in self.indicators])
        return np.where(np.isnan(d), np.inf, d) / tol[:, None, None, None]

    def report(self, d: np.ndarray) -> str:
        worst = (d * np.array([TOL_GROWTH if i == "invention_grant_growth" else TOL
                               for i in self.indicators])[:, None, None, None]).max(axis=(1, 2, 3))
        return ", ".join(f"{i} {w:.1e}" for i, w in zip(self.indicators, worst))


def tearDownModule():
    import shutil

    for run in Run._cache.values():
        shutil.rmtree(run.dir, ignore_errors=True)


class Agreement(unittest.TestCase):
    def test_integer_events_off_every_draw_agrees(self):
        run = Run.of(NO_EVENTS)
        self.assertFalse(run.model.integer_events)
        self.assertEqual(int(run.valid.sum()), DRAWS)
        d = run.differences()
        print(f"\n[events off] worst relative difference per indicator: {run.report(d)}", file=sys.stderr)
        bad = np.nonzero(d.max(axis=(0, 1, 2)) > 1.0)[0]
        self.assertEqual(bad.tolist(), [], "draws differing beyond tolerance with integer events off")
        # The comparison is not vacuous: the counts are fractional here and move over the years.
        inc = run.indicators.index("incubators")
        self.assertTrue(np.any(run.engine[inc, -1, -1] != np.round(run.engine[inc, -1, -1])))

    def _events_on(self, scenario: str, label: str):
        run = Run.of(scenario)
        self.assertTrue(run.model.integer_events)
        n = int(run.valid.sum())
        self.assertGreater(n, 0.95 * DRAWS)
        bad, good = self.classify(run, run.ref, label)
        self.assertLessEqual(bad.size, MAX_FLIP_SHARE * n, "too many draws differ")
        # Counts of agreeing draws are identical integers, not merely close.
        counts = [run.indicators.index(i) for i in SMALL_COUNTS]
        eng, rf = run.engine[..., run.valid], run.ref[..., run.valid]
        self.assertTrue(np.array_equal(eng[counts][..., good], rf[counts][..., good]))
        self.assertTrue(np.all(eng[counts] == np.round(eng[counts])))

    def classify(self, run: Run, reference: np.ndarray, label: str):
        """Draws beyond tolerance (indices among valid draws), each checked to be a flipped event."""
        d = run.differences(reference)
        per_draw = d.max(axis=(0, 1, 2))
        bad = np.nonzero(per_draw > 1.0)[0]
        good = per_draw <= 1.0
        print(f"\n[{label}] {int(run.valid.sum())} valid draws, {bad.size} differ (flipped integer "
              f"events); worst relative difference over agreeing draws: {run.report(d[..., good])}",
              file=sys.stderr)
        counts = [run.indicators.index(i) for i in SMALL_COUNTS]
        eng, rf = run.engine[..., run.valid], reference[..., run.valid]
        for j in bad:
            # First report year with a difference beyond tolerance: it must be a whole-number
            # change of a small-count stock, i.e. an event that went the other way.
            yi = int(np.nonzero(d[..., j].max(axis=(0, 1)) > 1.0)[0][0])
            delta = rf[counts, :, yi, j] - eng[counts, :, yi, j]
            print(f"  draw {np.nonzero(run.valid)[0][j]}: first differs in {run.years[yi]}; count "
                  f"changes {delta[delta != 0].tolist()}", file=sys.stderr)
            self.assertTrue(np.any(delta != 0), f"draw {j} differs without a flipped integer event")
            self.assertTrue(np.all(delta == np.round(delta)))
        return bad, good

    def test_a_flipped_event_is_detected_and_classified(self):
        """The flip check above is not vacuous: force one incubator event in one draw the other way."""
        run = Run.of(PLAN)
        ids, draws, uniforms, valid, _ = ref.read_run(run.h5, None)
        j = int(np.nonzero(valid)[0][7])
        R = run.model.R  # regions proper (the aggregates follow them in the output)
        slot = 3 + R + ref.RANDOMS_PER_REGION * 0 + 10  # region 0, incubator births
        uniforms[slot, 2, j] = 1.0 - 1e-9 if uniforms[slot, 2, j] < 0.5 else 1e-9  # year 2018
        model = ref.FourPlusOneReference(ref.load_scenario(PLAN))
        with np.errstate(divide="ignore", invalid="ignore"):
            full = model.simulate(ids, draws, uniforms)
        ind = [ref.INDICATORS.index(i) for i in run.indicators]
        forced = full[ind][:, :, [int(y) - model.start for y in run.years]]
        bad, _ = self.classify(run, forced, "plan, one event forced")
        self.assertEqual(np.nonzero(valid)[0][bad].tolist(), [j])

    def test_plan_with_integer_events(self):
        self._events_on(PLAN, "plan")

    def test_whatif_with_integer_events(self):
        self._events_on(WHATIF, "what-if incubators and maker spaces")

    def test_whatif_differs_from_plan(self):
        """The what-if's levers reach the reference: same draws, different incubator counts."""
        plan, whatif = Run.of(PLAN), Run.of(WHATIF)
        inc = plan.indicators.index("incubators")
        self.assertGreater(np.median(whatif.ref[inc, -1, -1]), np.median(plan.ref[inc, -1, -1]))

    def test_cli_compare(self):
        run = Run.of(PLAN)
        out = os.path.join(run.dir, "ref.npz")
        p = subprocess.run([PYTHON, TOOL, run.h5, "--scenario", PLAN, "--compare", "--time",
                            "--draws", "100", "--out", out], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("AGREE: 100 valid draws of 100", p.stdout)
        self.assertRegex(p.stdout, r"reference: 100 draws in [0-9.]+ s = [0-9.]+ draws/s")
        z = np.load(out)
        self.assertEqual(z["values"].shape, run.engine[..., :100].shape)
        # One solve_ivp call steps all draws together, so the step sequence (and the last
        # digits) depend on the batch: 100 draws vs 400 differ at the reference's own 1e-10.
        np.testing.assert_allclose(z["values"], run.ref[..., :100], rtol=1e-8)

    def test_cli_compare_fails_on_a_wrong_scenario(self):
        """--compare exits 1 when the trajectories do not match (here: the what-if's levers)."""
        run = Run.of(PLAN)
        p = subprocess.run([PYTHON, TOOL, run.h5, "--scenario", WHATIF, "--compare", "--draws", "50"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("DISAGREE", p.stdout)


class Pieces(unittest.TestCase):
    """The reference's own building blocks against SciPy and the scenario rules."""

    def test_poisson_inverse_matches_scipy(self):
        from scipy.stats import poisson

        rng = np.random.default_rng(1)
        lam = np.concatenate([rng.uniform(0, 30, 4000), rng.uniform(400, 700, 1000), [0.0, -1.0]])
        u = rng.uniform(size=lam.size)
        k = ref.poisson_inverse(lam, u)
        small = (lam > 0) & (lam <= 500)
        np.testing.assert_array_equal(k[small], poisson.ppf(u[small], lam[small]))
        self.assertTrue(np.all(k[lam <= 0] == 0))
        big = lam > 500  # normal approximation: within a few counts of the exact quantile
        self.assertLess(np.max(np.abs(k[big] - poisson.ppf(u[big], lam[big]))), 4)

    def test_binomial_inverse_matches_scipy(self):
        from scipy.stats import binom

        rng = np.random.default_rng(2)
        n = rng.integers(0, 200, 5000).astype(float) + rng.uniform(-0.4, 0.4, 5000)
        p = rng.uniform(0, 0.5, 5000)
        u = rng.uniform(size=5000)
        k = ref.binomial_inverse(n, p, u)
        np.testing.assert_array_equal(k, binom.ppf(u, np.floor(n + 0.5), p))
        self.assertTrue(np.all(ref.binomial_inverse(np.full(3, 7.0), np.ones(3), u[:3]) == 7))

    def test_split_integer_sums_and_prefers_lower_index_on_ties(self):
        share = np.array([[0.25, 0.2], [0.25, 0.3], [0.25, 0.5], [0.25, 0.0]])
        out = ref.split_integer(np.array([6.0, 9.4]), share)
        np.testing.assert_array_equal(out[:, 0], [2, 2, 1, 1])
        np.testing.assert_array_equal(out[:, 1], [2, 3, 4, 0])  # 1.8 2.7 4.5 -> remainders .8 .7 .5

    def test_extends_merging(self):
        d = tempfile.mkdtemp(prefix="innosim-ref-toml-")
        os.makedirs(os.path.join(d, "sub"))
        with open(os.path.join(d, "a.toml"), "w") as f:
            f.write('[scenario]\nname = "a"\n[horizon]\nstart = 2015\nend = 2020\n'
                    '[parameters.x]\nunit = "1"\nsource = "s"\ndist = "normal"\nmean = 1.0\nsd = 0.1\n'
                    '[levers.l]\nunit = "share"\nyears = [2015, 2017]\nvalues = [0.1, 0.2]\n'
                    '[levers.m]\nunit = "share"\nby_region.r = { years = [2015], values = [0.5] }\n'
                    '[model_options]\nshocks = true\ninteger_events = true\n')
        with open(os.path.join(d, "b.toml"), "w") as f:
            f.write('[scenario]\nname = "b"\n[model_options]\nshocks = false\n')
        with open(os.path.join(d, "sub", "c.toml"), "w") as f:
            f.write('[scenario]\nextends = ["../a.toml", "../b.toml"]\nname = "c"\n'
                    '[parameters.x]\ndist = "uniform"\nmin = 0.0\nmax = 2.0\n'
                    '[levers.l]\nvalues = [0.3, 0.4]\n[levers.m]\nyears = [2016]\nvalues = [0.7]\n')
        sc = ref.load_scenario(os.path.join(d, "sub", "c.toml"))
        self.assertEqual(sc["scenario"]["name"], "c")
        self.assertEqual(sc["parameters"]["x"], {"unit": "1", "source": "s", "dist": "uniform",
                                                 "min": 0.0, "max": 2.0})
        self.assertEqual(sc["levers"]["l"]["years"], [2015, 2017])
        self.assertEqual(sc["levers"]["l"]["values"], [0.3, 0.4])
        self.assertNotIn("by_region", sc["levers"]["m"])
        self.assertEqual(sc["model_options"], {"shocks": False, "integer_events": True})
        self.assertEqual(sc["horizon"], {"start": 2015, "end": 2020})
        with open(os.path.join(d, "b.toml"), "w") as f:
            f.write('[scenario]\nextends = "sub/c.toml"\nname = "b"\n')
        with self.assertRaisesRegex(ValueError, "cycle"):
            ref.load_scenario(os.path.join(d, "sub", "c.toml"))

    def test_lever_series_rules(self):
        self.assertEqual(ref.series_at([2015, 2017], [0.0, 2.0], "step", 2016), 0.0)
        self.assertEqual(ref.series_at([2015, 2017], [0.0, 2.0], "linear", 2016), 1.0)
        self.assertEqual(ref.series_at([2016, 2017], [1.0, 2.0], "linear", 2015), 1.0)
        self.assertEqual(ref.series_at([2016, 2017], [1.0, 2.0], "step", 2020), 2.0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
