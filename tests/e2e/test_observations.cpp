// innosim check RUN.h5 --observations FILE: the run's bands against observed
// values, on the analytic model (synthetic observations) and on the 4+1
// plan run (the observed file's 2015 zone values).
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

// CSV rows as field lists, the header first (no field here holds a comma).
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : split(text, '\n'))
    if (!line.empty()) rows.push_back(split(line, ','));
  return rows;
}

// Runs a shipped scenario with `draws` draws and returns the CSV rows of its
// check against scenarios/observed-2010-2015.toml.
std::vector<std::vector<std::string>> checked_against_history(const std::string& scenario, int draws) {
  const std::string src = INNOSIM_SOURCE_DIR;
  const fs::path h5 = temp_dir() / (scenario + ".h5");
  const Out r = innosim("run " + src + "/scenarios/" + scenario + " -n " + std::to_string(draws) + " -q -o " +
                        h5.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const Out c = innosim("check " + h5.string() + " --observations " + src +
                        "/scenarios/observed-2010-2015.toml --format csv");
  INFO(c.err);
  REQUIRE(c.code == 0);
  return csv_rows(c.out);
}

}  // namespace

TEST_CASE("check --observations: median, band and inside for each observation, from the run file", "[e2e][observations]") {
  const fs::path h5 = temp_dir() / "obs-run.h5", traj = temp_dir() / "obs-traj.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 2000 -q -o " + h5.string()).code == 0);
  REQUIRE(innosim("run " + data("exp.toml") + " -n 2000 -q --trajectories -o " + traj.string()).code == 0);

  const Out c = innosim("check " + h5.string() + " --observations " + data("exp-observed.toml") + " --format csv");
  INFO(c.err);
  REQUIRE(c.code == 0);
  const auto rows = csv_rows(c.out);
  REQUIRE(rows.size() == 8);
  CHECK(rows[0] == std::vector<std::string>{"indicator", "region", "year", "unit", "observed", "sd", "in_run", "median",
                                            "q05", "q95", "inside", "quantiles", "note"});
  // output north 2016 (inside), 2017 (far above), 2018 (a target: exact quantiles), zone 2018 (inside).
  CHECK(rows[1][6] == "true");
  CHECK(rows[1][10] == "true");
  CHECK(rows[1][11] == "sketch");
  CHECK(rows[2][10] == "false");
  CHECK(rows[3][11] == "exact");
  CHECK(rows[4][1] == "zone");
  CHECK(rows[4][5] == "3.48");  // 2 % of 174
  CHECK(rows[4][10] == "true");
  // gdp (twice) and region east are not in the run.
  CHECK(rows[5][6] == "false");
  CHECK(rows[5][12] == "the run has no indicator 'gdp'");
  CHECK(rows[7][12] == "the run has no region 'east'");

  // The sketch quantiles are the file's yearly summaries; the exact ones
  // numpy's quantiles of the target's per-draw values.
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "q = f[\"summary/quantiles\"][()]; y = list(f[\"meta/years\"][()])\n"
      "ok = q[0, 0, y.index(2016), 2] == " + rows[1][7] + " and q[0, 0, y.index(2016), 0] == " + rows[1][8] + "\n"
      "d = f[\"targets/draws\"][1]\n"
      "ok = ok and np.quantile(d, 0.5) == " + rows[3][7] + " and np.quantile(d, 0.95) == " + rows[3][9] + "\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);

  // With every trajectory stored, every band is exact.
  const Out t = innosim("check " + traj.string() + " --observations " + data("exp-observed.toml") + " --format csv");
  REQUIRE(t.code == 0);
  const auto trows = csv_rows(t.out);
  for (std::size_t i = 1; i <= 4; ++i) CHECK(trows[i][11] == "exact");

  const Out text = innosim("check " + h5.string() + " --observations " + data("exp-observed.toml"));
  REQUIRE(text.code == 0);
  CHECK(text.out.find("coverage: 3 of 4 (75.0%) observations inside the model's 90 % band") != std::string::npos);
  CHECK(text.out.find("  output: 3 of 4 (75.0%)") != std::string::npos);
  CHECK(text.out.find("not in the run (3 observations):") != std::string::npos);
  CHECK(text.out.find("  gdp zone 2015, 2016: the run has no indicator 'gdp'") != std::string::npos);
  CHECK(text.out.find("sketch quantiles, within 0.5 %") != std::string::npos);

  const Out json = innosim("check " + h5.string() + " --observations " + data("exp-observed.toml") + " --format json");
  REQUIRE(json.code == 0);
  const std::string jcode = "import json, sys\nd = json.loads(sys.stdin.read())\n"
                            "c = d[\"coverage\"]\n"
                            "sys.exit(0 if c[\"compared\"] == 4 and c[\"inside\"] == 3 and len(d[\"rows\"]) == 7 "
                            "and c[\"by_indicator\"][0][\"indicator\"] == \"output\" else 1)\n";
  const fs::path jfile = temp_dir() / "obs.json";
  std::ofstream(jfile) << json.out;
  CHECK(std::system((std::string(INNOSIM_PYTHON) + " -c '" + jcode + "' < " + jfile.string()).c_str()) == 0);
}

TEST_CASE("check --observations: bad or unusable observation files exit 2 with file:line:col", "[e2e][observations]") {
  const fs::path h5 = temp_dir() / "obs-bad-run.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 300 -q -o " + h5.string()).code == 0);

  const Out units = innosim("check " + h5.string() + " --observations " + data("exp-observed-units.toml"));
  CHECK(units.code == 2);
  CHECK(units.err.find("exp-observed-units.toml:8:8: series[0].unit: indicator 'output' is in 'count', the series "
                       "says 'yuan'") != std::string::npos);
  CHECK(units.out.empty());

  const Out none = innosim("check " + h5.string() + " --observations " + data("exp-observed-none.toml"));
  CHECK(none.code == 2);
  CHECK(none.err.find("no observation is in the run") != std::string::npos);

  const Out bad = innosim("check " + h5.string() + " --observations " + data("exp-observed-bad.toml"));
  INFO(bad.err);
  CHECK(bad.code == 2);
  CHECK(bad.err.find("exp-observed-bad.toml:9:18: series[0].values[1]: expected a finite, non-negative value in "
                     "count, got nan") != std::string::npos);
  CHECK(bad.err.find("exp-observed-bad.toml:11:1: series[0].sorce: unknown key 'sorce' — did you mean 'source'?") !=
        std::string::npos);
}

TEST_CASE("check --observations on a 4+1 plan run compares the zone's 2015 values", "[e2e][observations]") {
  std::size_t compared = 0;
  for (const auto& row : checked_against_history("plan-2016-2020.toml", 512)) {
    if (row.size() < 7 || row[6] != "true") continue;
    ++compared;
    CHECK(row[2] == "2015");  // the plan starts at the end of 2015
  }
  CHECK(compared >= 5);
}

// docs/model.md (section "Validation") states how much of the observed
// 2010-2015 series the hindcast covers in this test's run: "a 400-draw
// hindcast covers at least N of the M compared observations". The test
// fails when the coverage falls below it, or when the number compared
// changes without the document.
TEST_CASE("check --observations: the hindcast covers the observed 2010-2015 series as docs/model.md states",
          "[e2e][observations][hindcast]") {
  const std::string doc = slurp(fs::path(INNOSIM_SOURCE_DIR) / "docs" / "model.md");
  std::smatch m;
  // (words may wrap across lines)
  const std::regex stated(
      R"(a\s+400-draw\s+hindcast\s+covers\s+at\s+least\s+(\d+)\s+of\s+the\s+(\d+)\s+compared\s+observations)");
  REQUIRE(std::regex_search(doc, m, stated));
  const std::size_t floor = std::stoul(m[1].str()), stated_compared = std::stoul(m[2].str());

  std::size_t compared = 0, inside = 0;
  for (const auto& row : checked_against_history("hindcast-2010-2015.toml", 400)) {
    if (row.size() < 11 || row[6] != "true") continue;
    ++compared;
    if (row[10] == "true") ++inside;
    else UNSCOPED_INFO("outside: " << row[0] << " " << row[1] << " " << row[2] << " observed " << row[4] << ", band "
                                   << row[8] << " - " << row[9]);
  }
  CHECK(compared == stated_compared);
  CHECK(inside >= floor);
}
