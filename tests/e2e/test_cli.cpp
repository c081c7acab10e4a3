// End-to-end tests of the innosim command line on the analytic test model.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "e2e_helpers.hpp"

using namespace e2e;

TEST_CASE("run writes the file and check prints the same table from it", "[e2e]") {
  const fs::path h5 = temp_dir() / "exp.h5";
  const Out run = innosim("run " + data("exp.toml") + " -o " + h5.string() + " --format csv --quiet");
  INFO(run.err);
  REQUIRE(run.code == 0);
  REQUIRE(fs::exists(h5));
  CHECK_FALSE(leftovers(temp_dir(), "exp.h5.tmp"));
  const Out check = innosim("check " + h5.string() + " --format csv");
  REQUIRE(check.code == 0);
  CHECK(check.out == run.out);
  CHECK(run.out.find("output") != std::string::npos);

  // A client that is not innosim recomputes P(met) from the per-draw values.
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "d = f[\"targets/draws\"][0]; v = f[\"targets/value\"][0]\n"
      "p = np.mean(d[~np.isnan(d)] >= v)\n"
      "sys.exit(0 if abs(p - f[\"targets/p_met\"][0]) < 1e-12 and f.attrs[\"file_type\"] == \"innosim-run\" else 1)\n";
  CHECK(python(code) == 0);
  const std::string dump = "h5dump -A " + h5.string() + " > /dev/null";
  CHECK(std::system(dump.c_str()) == 0);
}

TEST_CASE("the run file is identical for 1 and 3 threads", "[e2e][determinism]") {
  const fs::path a = temp_dir() / "t1.h5", b = temp_dir() / "t3.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -q --threads 1 -o " + a.string()).code == 0);
  REQUIRE(innosim("run " + data("exp.toml") + " -q --threads 3 --block-tiles 2 -o " + b.string()).code == 0);
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "a = h5py.File(\"" + a.string() + "\", \"r\"); b = h5py.File(\"" + b.string() + "\", \"r\")\n"
      "bad = []\n"
      "def cmp(name, obj):\n"
      "    if isinstance(obj, h5py.Dataset) and obj.dtype.kind == \"f\":\n"
      "        if not np.array_equal(obj[()], b[name][()], equal_nan=True): bad.append(name)\n"
      "a.visititems(cmp)\n"
      "print(bad); sys.exit(1 if bad else 0)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("bad input: every problem with file:line:col, exit 2, nothing written", "[e2e][bad-input]") {
  const Out v = innosim("validate " + data("bad.toml"));
  INFO(v.err);
  CHECK(v.code == 2);
  CHECK(v.err.find("bad.toml:8:") != std::string::npos);   // max < min
  CHECK(v.err.find("bad.toml:12:1") != std::string::npos);  // unknown key `sed`
  CHECK(v.err.find("did you mean 'seed'") != std::string::npos);
  const fs::path h5 = temp_dir() / "bad.h5";
  const Out r = innosim("run " + data("bad.toml") + " -o " + h5.string());
  CHECK(r.code == 2);
  CHECK(r.err == v.err);
  CHECK_FALSE(leftovers(temp_dir(), "bad.h5"));
}

TEST_CASE("a failing draw is named by its index and leaves no file", "[e2e][invalid]") {
  const fs::path h5 = temp_dir() / "explode.h5";
  const Out r = innosim("run " + data("explode.toml") + " -q -o " + h5.string());
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.err.find("draw ") != std::string::npos);
  CHECK(r.err.find("--replay") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "explode.h5"));
}

TEST_CASE("Ctrl-C stops the run cleanly and leaves no file", "[e2e][signal]") {
  const fs::path h5 = temp_dir() / "long.h5";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stderr);
    execl(INNOSIM_BINARY, "innosim", "run", data("long.toml").c_str(), "-q", "-o", h5.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the run has started writing its temporary file.
  for (int i = 0; i < 200 && !leftovers(temp_dir(), "long.h5.tmp"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK_FALSE(leftovers(temp_dir(), "long.h5"));
}

TEST_CASE("replay reproduces one draw by its index", "[e2e]") {
  const Out a = innosim("run " + data("exp.toml") + " --replay 17");
  const Out b = innosim("run " + data("exp.toml") + " --replay 17 --threads 2");
  REQUIRE(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("draw 17") != std::string::npos);
}

namespace {
// Runs a Python script (written to a file: it may hold any quotes) with arguments.
int python_script(const std::string& name, const std::string& code, const std::string& args = "") {
  const fs::path script = temp_dir() / name;
  std::ofstream(script) << code;
  const int rc = std::system((std::string(INNOSIM_PYTHON) + " " + script.string() + " " + args).c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
}  // namespace

TEST_CASE("store levels: check and compare read each level; the table is the run's", "[e2e][store]") {
  const std::string levels[] = {"summary", "targets", "parameters", "trajectories"};
  std::string files;
  std::string first_out;
  for (const std::string& level : levels) {
    INFO("--store " << level);
    const fs::path h5 = temp_dir() / ("store-" + level + ".h5");
    const Out run = innosim("run " + data("exp.toml") + " -n 1500 --store " + level + " -o " + h5.string() +
                            " --format csv --quiet");
    INFO(run.err);
    REQUIRE(run.code == 0);
    if (first_out.empty()) first_out = run.out;
    CHECK(run.out == first_out);  // the level changes the file, not the results
    CHECK_FALSE(leftovers(temp_dir(), "store-" + level + ".h5.tmp"));
    const Out check = innosim("check " + h5.string() + " --format csv");
    REQUIRE(check.code == 0);
    CHECK(check.out == run.out);
    CHECK((check.err.find("not recomputed") != std::string::npos) == (level == "summary"));
    files += " " + h5.string();
  }
  // compare: against a summary-level base, differences from the stored tables; between the
  // other levels, paired by the digest of the parameter draws (the targets level keeps no draws).
  const Out cmp = innosim("compare" + files);
  INFO(cmp.out << cmp.err);
  CHECK(cmp.code == 0);
  CHECK(cmp.out.find("unpaired (a file keeps no per-draw values (--store summary)") != std::string::npos);
  const Out paired = innosim("compare " + (temp_dir() / "store-targets.h5").string() + " " +
                             (temp_dir() / "store-parameters.h5").string());
  INFO(paired.out << paired.err);
  CHECK(paired.code == 0);
  CHECK(paired.out.find("paired (same seed") != std::string::npos);
  const fs::path other = temp_dir() / "store-other-seed.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 1500 -q --seed 99 -o " + other.string()).code == 0);
  const Out unpaired = innosim("compare " + (temp_dir() / "store-targets.h5").string() + " " + other.string());
  CHECK(unpaired.out.find("unpaired (seeds differ") != std::string::npos);
  // The level is stored; each level holds exactly its per-draw datasets.
  const std::string code =
      "import h5py, sys\n"
      "want = {'summary': {'draws/dropped'}, 'targets': {'targets/draws', 'draws/valid'},\n"
      "        'parameters': {'targets/draws', 'draws/valid', 'parameters/draws'},\n"
      "        'trajectories': {'targets/draws', 'draws/valid', 'parameters/draws', 'trajectories/values'}}\n"
      "per_draw = ['draws/dropped', 'draws/valid', 'draws/yearly_uniforms', 'targets/draws', 'parameters/draws',\n"
      "            'trajectories/values']\n"
      "for level, names in want.items():\n"
      "    f = h5py.File(sys.argv[1] + '/store-' + level + '.h5', 'r')\n"
      "    have = {n for n in per_draw if n in f}\n"
      "    if f.attrs['store'] != level or have != names: sys.exit(f'{level}: {f.attrs[\"store\"]} {have}')\n";
  CHECK(python_script("levels.py", code, temp_dir().string()) == 0);
}

TEST_CASE("store levels: --save-uniforms needs the parameters, a bad level is refused", "[e2e][store]") {
  const fs::path h5 = temp_dir() / "uniforms.h5";
  const Out r = innosim("run " + data("exp.toml") + " -n 100 -q --store targets --save-uniforms -o " + h5.string());
  CHECK(r.code == 2);
  CHECK(r.err.find("--save-uniforms needs --store parameters") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "uniforms.h5"));
  const Out bad = innosim("run " + data("exp.toml") + " -n 100 -q --store everything -o " + h5.string());
  CHECK(bad.code == 2);
  CHECK_FALSE(leftovers(temp_dir(), "uniforms.h5"));
  // Alone, --save-uniforms raises the default level to parameters.
  REQUIRE(innosim("run " + data("exp.toml") + " -n 100 -q --save-uniforms -o " + h5.string()).code == 0);
  CHECK(python_script("uniforms.py",
                      "import h5py, sys\nf = h5py.File(sys.argv[1], 'r')\n"
                      "sys.exit(0 if f.attrs['store'] == 'parameters' and 'draws/yearly_uniforms' in f else 1)\n",
                      h5.string()) == 0);
}

TEST_CASE("replay regenerates a draw's parameters: those a parameters-level run stored", "[e2e][store]") {
  const fs::path h5 = temp_dir() / "replay.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 300 -q --store parameters -o " + h5.string()).code == 0);
  const Out r = innosim("run " + data("exp.toml") + " -n 300 --replay 123");
  REQUIRE(r.code == 0);
  CHECK(r.out.find("regenerated from the scenario, seed, sampler and draw count") != std::string::npos);
  // Every printed parameter value (6 significant digits) is the stored one.
  std::ofstream(temp_dir() / "replay.txt") << r.out;
  const std::string code =
      "import h5py, sys\n"
      "f = h5py.File('" + h5.string() + "', 'r')\n"
      "ids = [s.decode() for s in f['parameters/id'][...]]\n"
      "theta = f['parameters/draws'][:, 123]\n"
      "seen = 0\n"
      "for line in open('" + (temp_dir() / "replay.txt").string() + "'):\n"
      "    w = line.split()\n"
      "    if len(w) == 2 and w[0] in ids:\n"
      "        seen += 1\n"
      "        if w[1] != f'{theta[ids.index(w[0])]:.6g}': sys.exit(f'{w}: stored {theta[ids.index(w[0])]}')\n"
      "sys.exit(0 if seen == len(ids) else f'{seen} of {len(ids)} parameters printed')\n";
  CHECK(python_script("replay.py", code) == 0);
}

TEST_CASE("run with an output path in a new folder creates the folder", "[e2e]") {
  const fs::path h5 = temp_dir() / "new" / "folder" / "exp.h5";
  fs::remove_all(temp_dir() / "new");
  const Out r = innosim("run " + data("exp.toml") + " -q -o " + h5.string());
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(fs::exists(h5));
}

// ---------- innosim sweep ----------

TEST_CASE("sweep: P(met) rises with the extra_growth lever and the file holds the printed table", "[e2e][sweep]") {
  const fs::path h5 = temp_dir() / "sweep.h5", csv = temp_dir() / "sweep.csv";
  const Out s = innosim("sweep " + data("sweep.toml") + " --lever extra_growth --scale 0,0.5,1,2,4 -n 1000 --threads 2 -o " +
                        h5.string() + " --format csv -q");
  INFO(s.err);
  REQUIRE(s.code == 0);
  REQUIRE(fs::exists(h5));
  CHECK_FALSE(leftovers(temp_dir(), "sweep.h5.tmp"));
  std::ofstream(csv) << s.out;

  const auto lines = split(s.out, '\n');
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0] == "indicator,region,year,kind,sense,target,p_met_x0,p_met_x0.5,p_met_x1,p_met_x2,p_met_x4");
  const auto zone = split(lines[1], ',');
  REQUIRE(zone.size() == 11);
  CHECK(zone[0] == "output");
  CHECK(zone[1] == "zone");
  std::vector<double> p;
  for (std::size_t k = 6; k < zone.size(); ++k) p.push_back(std::stod(zone[k]));
  for (std::size_t k = 1; k < p.size(); ++k) CHECK(p[k] >= p[k - 1]);  // common random numbers: monotone
  CHECK(p.back() > p.front() + 0.2);                                  // and the lever matters

  // The text table shows the same numbers in percent.
  const Out text = innosim("sweep " + data("sweep.toml") + " --lever extra_growth --scale 0,0.5,1,2,4 -n 1000 -o " +
                           (temp_dir() / "sweep-text.h5").string() + " -q");
  REQUIRE(text.code == 0);
  for (double x : p) {
    char cell[32];
    std::snprintf(cell, sizeof cell, "%.1f%%", 100.0 * x);
    CHECK(text.out.find(cell) != std::string::npos);
  }
  CHECK(text.out.find("* Output >= 190") != std::string::npos);

  // A client that is not innosim reads the same P(met) from the file.
  const std::string code =
      "import h5py, numpy as np, sys, csv\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "rows = list(csv.reader(open(\"" + csv.string() + "\")))[1:]\n"
      "table = np.array([[float(x) for x in r[6:]] for r in rows if r])\n"
      "ok = f.attrs[\"file_type\"] == \"innosim-sweep\" and int(f.attrs[\"format_version\"]) == 2\n"
      "ok = ok and f.attrs[\"lever\"] == \"extra_growth\" and f.attrs[\"lever_unit\"] == \"rate\"\n"
      "ok = ok and f[\"sweep/p_met\"].shape == (2, 5) and np.array_equal(f[\"sweep/p_met\"][()], table)\n"
      "ok = ok and np.allclose(f[\"sweep/scale\"][()], [0, 0.5, 1, 2, 4])\n"
      "ok = ok and np.allclose(f[\"sweep/lever_value\"][()], [0, 0.005, 0.01, 0.02, 0.04])\n"
      "ok = ok and list(f[\"targets/kind\"].asstr()[()]) == [\"binding\", \"expected\"]\n"
      "ok = ok and f[\"meta/regions/id\"].asstr()[()][-1] == \"zone\" and 0 < f[\"scenario\"].attrs[\"on_track\"] <= 1\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("sweep: an unknown lever is refused with a suggestion", "[e2e][sweep]") {
  const fs::path h5 = temp_dir() / "sweep-unknown.h5";
  const Out s = innosim("sweep " + data("sweep.toml") + " --lever extra_grwth -n 100 -q -o " + h5.string());
  CHECK(s.code == 2);
  CHECK(s.err.find("no lever 'extra_grwth'") != std::string::npos);
  CHECK(s.err.find("did you mean 'extra_growth'") != std::string::npos);
  CHECK_FALSE(fs::exists(h5));
}

TEST_CASE("sweep: a share lever cannot be scaled", "[e2e][sweep]") {
  const fs::path h5 = temp_dir() / "sweep-share.h5";
  const Out s = innosim("sweep " + data("sweep_share.toml") + " --lever enterprise_share -n 100 -q -o " + h5.string());
  CHECK(s.code == 2);
  CHECK(s.err.find("unit 'share'") != std::string::npos);
  CHECK(s.err.find("meaningless") != std::string::npos);
  CHECK_FALSE(fs::exists(h5));
}

TEST_CASE("sweep: a bad scale factor is refused before any computation", "[e2e][sweep]") {
  const fs::path h5 = temp_dir() / "sweep-badscale.h5";
  const Out s = innosim("sweep " + data("sweep.toml") + " --lever extra_growth --scale 1,x -n 100 -q -o " + h5.string());
  CHECK(s.code == 2);
  CHECK(s.err.find("--scale: 'x'") != std::string::npos);
  CHECK_FALSE(fs::exists(h5));
}

// ---------- innosim compare, innosim report ----------

TEST_CASE("compare: one row per target, one column per run", "[e2e][compare]") {
  const fs::path a = temp_dir() / "cmp-a.h5", b = temp_dir() / "cmp-b.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 300 -q -o " + a.string()).code == 0);
  REQUIRE(innosim("run " + data("sweep.toml") + " -n 300 -q -o " + b.string()).code == 0);
  const Out c = innosim("compare " + a.string() + " " + b.string());
  INFO(c.err);
  REQUIRE(c.code == 0);
  const auto lines = split(c.out, '\n');
  // The side-by-side table (header, 2 targets, footer), then a blank line and the differences.
  REQUIRE(lines.size() >= 5);
  CHECK(lines[4].empty());
  CHECK(lines[0].find("exp-e2e") != std::string::npos);
  CHECK(lines[1].rfind("* Output >= ", 0) == 0);
  CHECK(lines[1].find("P=") != std::string::npos);
  CHECK(lines[3].rfind("* binding", 0) == 0);
}

TEST_CASE("report: the program finds its report tool beside itself in the build tree", "[e2e][report]") {
  const fs::path h5 = temp_dir() / "report-run.h5", out = temp_dir() / "report";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 200 -q -o " + h5.string()).code == 0);
  const Out r = innosim("report " + h5.string() + " -o " + out.string() + " --lang en");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(fs::exists(out / "report.html"));
  CHECK(fs::exists(out / "report.pdf"));
  // An earlier report is replaced only with --force.
  const Out again = innosim("report " + h5.string() + " -o " + out.string() + " --lang en");
  CHECK(again.code == 2);
  CHECK(again.err.find("it holds a report already (report.html); use --force to replace it") != std::string::npos);
  fs::remove(out / "report.pdf");
  const Out forced = innosim("report " + h5.string() + " -o " + out.string() + " --lang en --force");
  INFO(forced.err);
  CHECK(forced.code == 0);
  CHECK(fs::exists(out / "report.pdf"));
}

TEST_CASE("report: a missing report tool is one line naming where it looked, exit 1", "[e2e][report]") {
  const fs::path h5 = temp_dir() / "report-missing.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 100 -q -o " + h5.string()).code == 0);

  const fs::path none = temp_dir() / "no-tools";
  const Out env = innosim("report " + h5.string() + " -o " + (temp_dir() / "r1").string(),
                          "INNOSIM_TOOLS_DIR=" + none.string());
  CHECK(env.code == 1);
  CHECK(env.err == "innosim: report tool not found: no report.py in " + none.string() +
                       " (from $INNOSIM_TOOLS_DIR)\n");

  // A copy of the program without share/innosim/tools beside it.
  const fs::path bin = temp_dir() / "lonely" / "bin";
  fs::create_directories(bin);
  fs::copy_file(INNOSIM_BINARY, bin / "innosim", fs::copy_options::overwrite_existing);
  const Out lonely = innosim("report " + h5.string() + " -o " + (temp_dir() / "r2").string(), "",
                             (bin / "innosim").string());
  CHECK(lonely.code == 1);
  CHECK(lonely.err.find("no report.py in " + (temp_dir() / "lonely" / "share" / "innosim" / "tools").string()) !=
        std::string::npos);
  CHECK(std::count(lonely.err.begin(), lonely.err.end(), '\n') == 1);
  CHECK_FALSE(fs::exists(temp_dir() / "r1"));
  CHECK_FALSE(fs::exists(temp_dir() / "r2"));
}
