// End-to-end tests of the innovation index in runs (`innosim run --index`,
// `innosim check --index`) on the plan scenario, which declares an [index].
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

std::string plan() { return std::string(INNOSIM_SOURCE_DIR) + "/scenarios/plan-2016-2020.toml"; }

}  // namespace

TEST_CASE("index: rank probabilities sum to 1 for every region and year; check prints what run printed",
          "[e2e][index]") {
  const fs::path h5 = temp_dir() / "index-plan.h5";
  const Out r = innosim("run " + plan() + " -n 512 --index --format csv -q -o " + h5.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::vector<std::string> lines = split(r.out, '\n');
  REQUIRE(lines.size() > 2);
  const std::vector<std::string> head = split(lines[0], ',');
  REQUIRE(head.size() == 5 + 5);  // region, year, median, q05, q95 and five ranks
  CHECK(head[5] == "p_rank_1");
  std::size_t rows = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::vector<std::string> cells = split(lines[i], ',');
    REQUIRE(cells.size() == head.size());
    double sum = 0;
    for (std::size_t k = 5; k < cells.size(); ++k) sum += std::stod(cells[k]);
    CAPTURE(lines[i]);
    CHECK(std::fabs(sum - 1.0) < 1e-12);
    CHECK(std::stod(cells[3]) <= std::stod(cells[2]));  // q05 <= median <= q95
    CHECK(std::stod(cells[2]) <= std::stod(cells[4]));
    ++rows;
  }
  CHECK(rows == 5 * 6);  // five regions, report years 2015-2020
  const Out c = innosim("check " + h5.string() + " --index --format csv");
  CHECK(c.code == 0);
  CHECK(c.out == r.out);
  const Out text = innosim("check " + h5.string() + " --index");
  CHECK(text.out.find("S&T innovation index (科技创新指数)") != std::string::npos);
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "g = h5py.File(\"" + h5.string() + "\", \"r\")[\"innovation_index\"]\n"
      "p = g[\"rank_probability\"][()]\n"
      "ok = p.shape == (5, 6, 5) and np.allclose(p.sum(axis=2), 1.0)\n"
      "ok = ok and int(g.attrs[\"draws\"]) == 512 and abs(g[\"components/weight\"][()].sum() - 1) < 1e-12\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("index: a run without [index] says so; check --index on its file exits 2", "[e2e][index]") {
  const fs::path h5 = temp_dir() / "index-none.h5";
  const Out r = innosim("run " + data("exp.toml") + " -n 100 --index -q -o " + h5.string());
  REQUIRE(r.code == 0);
  CHECK(r.err.find("has no [index]: no innovation index to print") != std::string::npos);
  const Out c = innosim("check " + h5.string() + " --index");
  CHECK(c.code == 2);
  CHECK(c.err.find("the run file has no innovation index") != std::string::npos);
}

TEST_CASE("index: a bad [index] exits 2 at its place before anything is written", "[e2e][index]") {
  const fs::path dir = temp_dir() / "index-bad";
  fs::create_directories(dir);
  // A mistyped component indicator; a zero weight and a mistyped `per` (validate lists both).
  const fs::path typo = dir / "typo.toml", bad = dir / "bad.toml";
  std::ofstream(typo) << "[scenario]\nextends = \"" << data("exp.toml")
                      << "\"\n\n[index]\n[[index.components]]\nindicator = \"outptu\"\nweight = 1\nstandard = 150\n";
  std::ofstream(bad) << "[scenario]\nextends = \"" << data("exp.toml")
                     << "\"\n\n[index]\n[[index.components]]\nindicator = \"output\"\nper = \"outpt\"\nweight = 0\n"
                        "standard = 150\n";
  const Out a = innosim("run " + typo.string() + " -n 50 --index -q -o " + (dir / "typo.h5").string());
  CHECK(a.code == 2);
  CHECK_THAT(a.err, Catch::Contains("typo.toml:6:13: index.components[0].indicator") &&
                        Catch::Contains("did you mean 'output'"));
  const Out b = innosim("run " + bad.string() + " -n 50 --index -q -o " + (dir / "bad.h5").string());
  CHECK(b.code == 2);
  const Out v = innosim("validate " + bad.string());
  CHECK(v.code == 2);
  CHECK_THAT(v.err, Catch::Contains("bad.toml:7:7: index.components[0].per") &&
                        Catch::Contains("bad.toml:8:10: index.components[0].weight"));
  CHECK_FALSE(leftovers(dir, "typo.h5"));
  CHECK_FALSE(leftovers(dir, "bad.h5"));
  // Bad options: an unknown format, with run and with check.
  CHECK(innosim("run " + data("exp.toml") + " --index --format xml -q").code == 2);
  const fs::path h5 = dir / "exp.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 50 -q -o " + h5.string()).code == 0);
  CHECK(innosim("check " + h5.string() + " --index --format xml").code == 2);
}
