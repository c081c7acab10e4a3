#!/usr/bin/python3
"""The program installed and packaged works outside the source tree.

    INNOSIM_BUILD_DIR=build/ci /usr/bin/python3 tests/install/test_install.py [InstallTest|PackageTest]

InstallTest installs the build folder to a temporary prefix (cmake --install),
runs the installed innosim from another folder on a shipped scenario, makes
a report from the run file with the installed report tool, and starts the
installed `innosim serve` on the shipped plan and loads its page. PackageTest builds
the Debian package (cpack -G DEB) and reads it back with dpkg-deb: the
program, the report tool, the scenarios, and the declared dependencies.
Registered with ctest (tests/CMakeLists.txt), which sets INNOSIM_BUILD_DIR,
INNOSIM_CMAKE and INNOSIM_CPACK (the cmake and cpack it was configured with).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("INNOSIM_BUILD_DIR", ROOT / "build" / "ci")).resolve()
CMAKE = os.environ.get("INNOSIM_CMAKE", "cmake")
CPACK = os.environ.get("INNOSIM_CPACK", "cpack")

# What the program needs at run time beyond its shared libraries (those come
# from dpkg-shlibdeps): the report tool's interpreter, packages and fonts.
REPORT_DEPENDS = ["python3", "python3-h5py", "python3-matplotlib", "python3-numpy", "python3-pil", "python3-pypdf",
                  "python3-scipy", "fonts-noto-cjk"]
SHARED_LIBRARY_DEPENDS = ["libhdf5", "libtbb", "libfmt", "libtomlplusplus", "libnlopt", "libstdc++6", "libc6"]


def run(cmd, **kw):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


def clean_env():
    """The environment without INNOSIM_* variables: the installed program must find its tools itself."""
    return {k: v for k, v in os.environ.items() if not k.startswith("INNOSIM_")}


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="innosim-install-test-"))
        cls.prefix = cls.tmp / "prefix"
        run([CMAKE, "--install", BUILD, "--prefix", cls.prefix])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_layout(self):
        for f in ["bin/innosim", "share/innosim/tools/report.py", "share/innosim/tools/reference_model.py",
                  "share/innosim/tools/innosim_report/__init__.py", "share/innosim/tools/innosim_report/charts.py",
                  "share/innosim/scenarios/plan-2016-2020.toml", "share/innosim/scenarios/targets.toml",
                  "share/innosim/scenarios/plan-2016-2020-calibrated.toml",
                  "share/innosim/scenarios/hindcast-2010-2015.posterior.h5",
                  "share/doc/innosim/README.md", "share/doc/innosim/docs/user-guide.md",
                  "share/innosim/web/index.html", "share/innosim/web/js/main.js", "share/innosim/web/style.css",
                  "share/innosim/web/vendor/echarts/echarts.common.min.js",
                  "share/innosim/web/vendor/echarts/LICENSE.txt"]:
            self.assertTrue((self.prefix / f).is_file(), f)
        self.assertTrue(os.access(self.prefix / "bin/innosim", os.X_OK))

    def test_no_source_path_in_the_program(self):
        # Debug information (RelWithDebInfo builds) names source files; the
        # program itself must not.
        stripped = self.tmp / "innosim-stripped"
        run(["strip", "--strip-debug", "-o", stripped, self.prefix / "bin/innosim"])
        self.assertNotIn(str(ROOT).encode(), stripped.read_bytes())

    def test_installed_calibrated_plan_finds_its_posterior(self):
        plan = self.prefix / "share/innosim/scenarios/plan-2016-2020-calibrated.toml"
        r = run([self.prefix / "bin/innosim", "validate", plan], cwd=self.tmp, env=clean_env())
        self.assertIn("from the posterior hindcast-2010-2015.posterior.h5", r.stdout)

    def test_installed_program_runs_a_shipped_scenario_and_makes_a_report(self):
        work = self.tmp / "work"
        work.mkdir()
        innosim = self.prefix / "bin/innosim"
        plan = self.prefix / "share/innosim/scenarios/plan-2016-2020.toml"
        r = run([innosim, "run", plan, "-n", "200", "--threads", "2", "-q", "--format", "csv"],
                cwd=work, env=clean_env())
        self.assertTrue(r.stdout.startswith("indicator,indicator_name_en,"), r.stdout[:200])
        self.assertTrue((work / "plan-2016-2020.h5").is_file())
        r = run([innosim, "report", "plan-2016-2020.h5", "-o", "report", "--lang", "zh"], cwd=work, env=clean_env())
        self.assertIn("report.pdf", r.stdout)
        for f in ["report/report.html", "report/report.pdf", "report/manifest.json"]:
            self.assertGreater((work / f).stat().st_size, 1000, f)
        self.assertTrue(list((work / "report/charts").glob("*.png")))


    def test_installed_program_serves_its_page_and_the_shipped_plan(self):
        work = self.tmp / "serve"
        work.mkdir()
        proc = subprocess.Popen([self.prefix / "bin/innosim", "serve", "--port", "0", "--output-dir", "out",
                                 "--quick-draws", "200"], cwd=work, env=clean_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            url = None
            for line in proc.stdout:
                m = re.search(r"http://127\.0\.0\.1:\d+/", line)
                if m:
                    url = m.group(0)
                    break
            self.assertIsNotNone(url, "innosim serve printed no URL")
            with urllib.request.urlopen(url, timeout=60) as r:
                self.assertIn(b'src="vendor/echarts/echarts.common.min.js"', r.read())
            with urllib.request.urlopen(url + "vendor/echarts/echarts.common.min.js", timeout=60) as r:
                self.assertGreater(len(r.read()), 100000)
            with urllib.request.urlopen(url + "api/scenario", timeout=60) as r:
                scenario = json.load(r)
            self.assertEqual(Path(scenario["file"]),
                             (self.prefix / "share/innosim/scenarios/plan-2016-2020.toml").resolve())
        finally:
            proc.send_signal(signal.SIGINT)
            proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0)


class PackageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="innosim-package-test-"))
        run([CPACK, "-G", "DEB", "--config", BUILD / "CPackConfig.cmake", "-B", cls.tmp])
        debs = list(cls.tmp.glob("innosim_*.deb"))
        assert len(debs) == 1, debs
        cls.deb = debs[0]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        return run(["dpkg-deb", "--field", self.deb, name]).stdout.strip()

    def test_contents(self):
        listing = run(["dpkg-deb", "--contents", self.deb]).stdout
        paths = {line.split()[-1] for line in listing.splitlines() if line}
        for f in ["./usr/bin/innosim", "./usr/share/innosim/tools/report.py",
                  "./usr/share/innosim/tools/innosim_report/report.py",
                  "./usr/share/innosim/scenarios/plan-2016-2020.toml",
                  "./usr/share/innosim/scenarios/whatif-double-fiscal-rd.toml",
                  "./usr/share/innosim/web/index.html",
                  "./usr/share/innosim/web/vendor/echarts/echarts.common.min.js",
                  "./usr/share/doc/innosim/README.md"]:
            self.assertIn(f, paths)
        self.assertFalse([p for p in paths if "__pycache__" in p])

    def test_control(self):
        self.assertEqual(self.field("Package"), "innosim")
        self.assertTrue(self.deb.name.startswith(f"innosim_{self.field('Version')}_"), self.deb.name)
        depends = [d.strip().split()[0] for d in self.field("Depends").split(",")]
        for d in REPORT_DEPENDS:
            self.assertIn(d, depends)
        for lib in SHARED_LIBRARY_DEPENDS:
            self.assertTrue(any(d.startswith(lib) for d in depends), f"{lib} not in {depends}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
