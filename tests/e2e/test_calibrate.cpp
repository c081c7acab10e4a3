// innosim calibrate on the analytic test model (tests/data/calibrate): the
// posterior file and its diagnostics, bit-identical for 1 and 3 threads; bad
// observation files refused with exit 2 and no file; Ctrl-C leaves no file;
// a scenario's [posterior] section makes run draw from the particles, and
// validate refuses a posterior that does not suit the scenario.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

std::string calib(const std::string& name) { return std::string(INNOSIM_TEST_DATA) + "/calibrate/" + name; }

// Calibrates growth.toml to growth-observed.toml into `out` (small and quick).
Out calibrate(const fs::path& out, const std::string& extra = "") {
  return innosim("calibrate " + calib("growth.toml") + " --observations " + calib("growth-observed.toml") +
                 " -n 200 --max-sweeps 8 -q -o " + out.string() + " " + extra);
}

}  // namespace

TEST_CASE("calibrate: the posterior file, its diagnostics, and the same particles for 1 and 3 threads",
          "[e2e][calibrate]") {
  const fs::path a = temp_dir() / "growth-1.posterior.h5", b = temp_dir() / "growth-3.posterior.h5";
  const Out one = calibrate(a, "--threads 1");
  INFO(one.err);
  REQUIRE(one.code == 0);
  REQUIRE(fs::exists(a));
  CHECK_FALSE(leftovers(temp_dir(), "growth-1.posterior.h5.tmp"));
  CHECK(one.out.find("Parameters: prior against posterior") != std::string::npos);
  CHECK(one.out.find("initial[north]") != std::string::npos);
  CHECK(one.out.find("posterior file: " + a.string()) != std::string::npos);
  const Out three = calibrate(b, "--threads 3");
  REQUIRE(three.code == 0);

  // Every dataset of the two files is equal (the attributes differ only in
  // threads, seconds and creation time, and so do the checksums of the
  // objects that carry them).
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "a = h5py.File(\"" + a.string() + "\", \"r\"); b = h5py.File(\"" + b.string() + "\", \"r\")\n"
      "names = []\n"
      "a.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)\n"
      "skip = {\"generations/seconds\", \"integrity/sha256\"}  # the checksums cover threads, seconds and creation time\n"
      "bad = [n for n in names if n not in skip and not np.array_equal(a[n][()], b[n][()], equal_nan=a[n].dtype.kind == \"f\")]\n"
      "ok = not bad and a[\"resampled/theta\"].shape == (3, 200) and a.attrs[\"file_type\"] == \"innosim-posterior\"\n"
      "w = a[\"particles/weight\"][()]\n"
      "ok = ok and abs(w.sum() - 1) < 1e-12 and a.attrs[\"reached\"] == 1\n"
      "print(bad)\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);

  // check prints the diagnostics again, from the file alone.
  const Out c = innosim("check " + a.string());
  REQUIRE(c.code == 0);
  CHECK(c.out == one.out);
}

TEST_CASE("calibrate: a bad observation file is refused at file:line:col with exit 2 and no file",
          "[e2e][calibrate]") {
  const fs::path out = temp_dir() / "bad.posterior.h5";
  const Out bad = innosim("calibrate " + calib("growth.toml") + " --observations " + calib("growth-observed-bad.toml") +
                          " -n 64 -q -o " + out.string());
  CHECK(bad.code == 2);
  const std::string file = calib("growth-observed-bad.toml");
  CHECK(bad.err.find(file + ":7:13: series[0].indicator: unknown indicator 'outptu' — did you mean 'output'?") !=
        std::string::npos);
  CHECK(bad.err.find(file + ":19:10: series[1].years[0]: year 2016 is outside the horizon 2010-2015") !=
        std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "bad.posterior.h5"));

  const Out nan = innosim("calibrate " + calib("growth.toml") + " --observations " + calib("growth-observed-nan.toml") +
                          " -n 64 -q -o " + out.string());
  INFO(nan.err);
  CHECK(nan.code == 2);
  CHECK(nan.err.find(calib("growth-observed-nan.toml") + ":10:18: series[0].values[1]: expected a finite") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "bad.posterior.h5"));
}

TEST_CASE("calibrate: Ctrl-C stops the calibration and leaves no file", "[e2e][calibrate][signal]") {
  const fs::path out = temp_dir() / "long.posterior.h5";
  const std::string scenario = calib("growth.toml"), obs = calib("growth-observed.toml");
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    execl(INNOSIM_BINARY, "innosim", "calibrate", scenario.c_str(), "--observations", obs.c_str(), "-n", "200000",
          "--threads", "2", "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK_FALSE(leftovers(temp_dir(), "long.posterior.h5"));
}

TEST_CASE("a scenario's [posterior] makes run draw the calibrated parameters from the particles",
          "[e2e][calibrate][posterior]") {
  const fs::path post = temp_dir() / "for-run.posterior.h5";
  REQUIRE(calibrate(post).code == 0);
  const fs::path scenario = temp_dir() / "growth-calibrated.toml";
  std::ofstream(scenario) << "[scenario]\nextends = \"" << calib("growth.toml")
                          << "\"\nname = \"growth-calibrated\"\n\n[posterior]\nfile = \"for-run.posterior.h5\"\n";
  const Out v = innosim("validate " + scenario.string());
  INFO(v.err);
  REQUIRE(v.code == 0);
  CHECK(v.out.find("4 parameters (3 uncertain, 3 from the posterior for-run.posterior.h5)") != std::string::npos);

  const fs::path r1 = temp_dir() / "cal-run-1.h5", r3 = temp_dir() / "cal-run-3.h5";
  REQUIRE(innosim("run " + scenario.string() + " -n 500 -q --store parameters --threads 1 -o " + r1.string()).code == 0);
  REQUIRE(innosim("run " + scenario.string() + " -n 500 -q --store parameters --threads 3 -o " + r3.string()).code == 0);
  // Every draw's parameters are one particle's (all three from the same
  // particle), the particles are well spread over the draws, and the run
  // does not depend on the thread count.
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "p = h5py.File(\"" + post.string() + "\", \"r\"); r = h5py.File(\"" + r1.string() + "\", \"r\")\n"
      "r3 = h5py.File(\"" + r3.string() + "\", \"r\")\n"
      "parts = {tuple(c) for c in p[\"resampled/theta\"][()].T}\n"
      "ids = list(r[\"parameters/id\"].asstr()[()]); order = [ids.index(i) for i in p[\"parameters/id\"].asstr()[()]]\n"
      "d = r[\"parameters/draws\"][()][order].T\n"
      "ok = all(tuple(x) in parts for x in d) and len({tuple(x) for x in d}) > 50\n"
      "ok = ok and np.array_equal(r[\"parameters/draws\"][()], r3[\"parameters/draws\"][()])\n"
      "ok = ok and np.array_equal(r[\"targets/draws\"][()], r3[\"targets/draws\"][()])\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("validate refuses a [posterior] that does not suit the scenario, at file:line:col",
          "[e2e][calibrate][posterior]") {
  const fs::path post = temp_dir() / "for-exp.posterior.h5";
  REQUIRE(calibrate(post).code == 0);
  // exp.toml fixes shock_sd and initial[north], which the posterior calibrated.
  const fs::path fixed = temp_dir() / "exp-calibrated.toml";
  std::ofstream(fixed) << "[scenario]\nextends = \"" << data("exp.toml")
                       << "\"\nname = \"exp-calibrated\"\n\n[posterior]\nfile = \"for-exp.posterior.h5\"\n";
  const Out f = innosim("validate " + fixed.string());
  CHECK(f.code == 2);
  CHECK(f.err.find(fixed.string() + ":6:8: posterior.file: for-exp.posterior.h5 calibrates parameter 'shock_sd', "
                                    "which this scenario fixes") != std::string::npos);
  CHECK(f.err.find("calibrates parameter 'initial[north]'") != std::string::npos);

  const fs::path missing = temp_dir() / "missing-posterior.toml";
  std::ofstream(missing) << "[scenario]\nextends = \"" << calib("growth.toml")
                         << "\"\nname = \"missing\"\n\n[posterior]\nfile = \"nowhere.posterior.h5\"\n";
  const Out m = innosim("validate " + missing.string());
  CHECK(m.code == 2);
  CHECK(m.err.find(missing.string() + ":6:8: posterior.file: ") != std::string::npos);
  CHECK(m.err.find("no such file") != std::string::npos);
  // A run file is not a posterior file.
  const fs::path run = temp_dir() / "not-a-posterior.h5";
  REQUIRE(innosim("run " + calib("growth.toml") + " -n 100 -q -o " + run.string()).code == 0);
  std::ofstream(missing) << "[scenario]\nextends = \"" << calib("growth.toml")
                         << "\"\nname = \"missing\"\n\n[posterior]\nfile = \"not-a-posterior.h5\"\n";
  const Out n = innosim("run " + missing.string() + " -n 100 -q -o " + (temp_dir() / "x.h5").string());
  CHECK(n.code == 2);
  CHECK(n.err.find("not an innosim posterior file (file_type is 'innosim-run'") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "x.h5"));
}

TEST_CASE("a [posterior] exclude list keeps those parameters on their priors and must name calibrated ones",
          "[e2e][calibrate][posterior]") {
  const fs::path post = temp_dir() / "for-exclude.posterior.h5";
  REQUIRE(calibrate(post).code == 0);
  const fs::path scenario = temp_dir() / "growth-exclude.toml";
  std::ofstream(scenario) << "[scenario]\nextends = \"" << calib("growth.toml")
                          << "\"\nname = \"growth-exclude\"\n\n[posterior]\nfile = \"for-exclude.posterior.h5\"\n"
                             "exclude = [\"shock_sd\"]\n";
  const Out v = innosim("validate " + scenario.string());
  INFO(v.err);
  REQUIRE(v.code == 0);
  CHECK(v.out.find("4 parameters (3 uncertain, 2 from the posterior for-exclude.posterior.h5)") != std::string::npos);
  // growth and initial[north] come from one particle; shock_sd is the prior's
  // draw, the same as in a run of growth.toml with the same seed.
  const fs::path r = temp_dir() / "excl-run.h5", p = temp_dir() / "excl-prior.h5";
  REQUIRE(innosim("run " + scenario.string() + " -n 300 -q --store parameters -o " + r.string()).code == 0);
  REQUIRE(innosim("run " + calib("growth.toml") + " -n 300 -q --store parameters -o " + p.string()).code == 0);
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "post = h5py.File(\"" + post.string() + "\", \"r\"); r = h5py.File(\"" + r.string() + "\", \"r\")\n"
      "p = h5py.File(\"" + p.string() + "\", \"r\")\n"
      "pid = list(post[\"parameters/id\"].asstr()[()]); rid = list(r[\"parameters/id\"].asstr()[()])\n"
      "cal = [\"growth\", \"initial[north]\"]\n"
      "parts = {tuple(c) for c in post[\"resampled/theta\"][()][[pid.index(i) for i in cal]].T}\n"
      "d = r[\"parameters/draws\"][()]\n"
      "ok = all(tuple(x) in parts for x in d[[rid.index(i) for i in cal]].T)\n"
      "s = rid.index(\"shock_sd\")\n"
      "ok = ok and np.array_equal(d[s], p[\"parameters/draws\"][()][s])\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);

  // A name the file does not calibrate is refused where it is written.
  std::ofstream(scenario) << "[scenario]\nextends = \"" << calib("growth.toml")
                          << "\"\nname = \"growth-exclude\"\n\n[posterior]\nfile = \"for-exclude.posterior.h5\"\n"
                             "exclude = [\"initial\", \"shok_sd\"]\n";
  const Out bad = innosim("validate " + scenario.string());
  CHECK(bad.code == 2);
  CHECK(bad.err.find(scenario.string() + ":7:23: posterior.exclude[1]: for-exclude.posterior.h5 does not calibrate "
                                         "parameter 'shok_sd' — did you mean 'shock_sd'?") != std::string::npos);
  CHECK(bad.err.find("'initial'") == std::string::npos);  // a name standing for every region is accepted
}

TEST_CASE("the shipped hindcast posterior is what its documented command gives, and the calibrated plan validates",
          "[e2e][calibrate][shipped]") {
  // The file records the scenario files, the observation file, the seed and
  // the sampler settings it was made from: each must equal what is shipped
  // beside it, and docs/calibration.md must show the command with exactly
  // those settings (run from the repository root, the paths as recorded).
  const fs::path src = INNOSIM_SOURCE_DIR;
  const fs::path script = temp_dir() / "shipped_posterior.py";
  std::ofstream(script) << R"PY(
import sys, h5py, pathlib
src = pathlib.Path(sys.argv[1])
f = h5py.File(src / "scenarios" / "hindcast-2010-2015.posterior.h5", "r")
s = lambda x: x.decode() if isinstance(x, bytes) else str(x)
bad = []
paths = [s(p) for p in f["scenario/file_paths"][()]]
texts = [s(t) for t in f["scenario/files"][()]]
if paths[0] != "scenarios/hindcast-2010-2015.toml":
    bad.append(f"calibrated scenario {paths[0]}")
import tomllib
def entering(text):  # what enters a calibration: not the targets, not the innovation index
    d = tomllib.loads(text)
    d.pop("targets", None); d.pop("index", None)
    return d
for p, t in zip(paths, texts):
    now = (src / p).read_text(encoding="utf-8")
    if now != t and entering(now) != entering(t):
        bad.append(f"{p} differs from the text the posterior was calibrated on")
obs = f["observations"]
if s(obs.attrs["file_path"]) != "scenarios/observed-2010-2015.toml":
    bad.append(f"observations {s(obs.attrs['file_path'])}")
elif (src / "scenarios" / "observed-2010-2015.toml").read_text(encoding="utf-8") != s(obs["text"][()]):
    bad.append("scenarios/observed-2010-2015.toml differs from the observations the posterior was calibrated on")
a = f.attrs
if int(a["reached"]) != 1:
    bad.append("not a complete posterior")
if int(a["seed"]) != 20160101:
    bad.append(f"seed {a['seed']} is not the hindcast's [run] seed")
cmd = ("innosim calibrate scenarios/hindcast-2010-2015.toml --observations scenarios/observed-2010-2015.toml "
       f"-n {int(a['particles'])} --min-sweeps {int(a['min_sweeps'])} --max-sweeps {int(a['max_sweeps'])} "
       f"--ess-fraction {float(a['ess_fraction']):g} -o scenarios/hindcast-2010-2015.posterior.h5")
doc = (src / "docs" / "calibration.md").read_text(encoding="utf-8")
if cmd not in " ".join(doc.replace("\\\n", " ").split()):
    bad.append("docs/calibration.md lacks the command " + cmd)
if int(a["max_generations"]) != 100 or float(a["stay_probability"]) != 0.01:
    bad.append("max_generations / stay_probability are not the defaults the command implies")
print("\n".join(bad))
sys.exit(1 if bad else 0)
)PY";
  CHECK(std::system((std::string(INNOSIM_PYTHON) + " " + script.string() + " " + src.string()).c_str()) == 0);

  // The calibrated plan reads the posterior: validate checks ids, units and
  // the exclude list against the file.
  const Out v = innosim("validate " + (src / "scenarios" / "plan-2016-2020-calibrated.toml").string());
  INFO(v.err);
  CHECK(v.code == 0);
  CHECK(v.out.find("from the posterior hindcast-2010-2015.posterior.h5") != std::string::npos);
}
