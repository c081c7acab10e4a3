// [model_matrices.<id>]: region-by-region model data. Valid matrices, every
// class of bad input (location, key and wording), inheritance, and how a
// model reads them through ModelBinding.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "innosim/model/binding.hpp"
#include "innosim/scenario/scenario.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using innosim::test::check_at;
using innosim::test::kHead;
using innosim::test::problems_of;
using innosim::test::the_problem;

namespace {

// kHead is 13 lines: line 14 is blank, the table header is line 15, unit 16,
// source 17, then the rows from line 18.
std::string with_matrix(const std::string& rows) {
  return kHead + "\n[model_matrices.spillover]\nunit = \"1\"\nsource = \"assumption: test\"\n" + rows;
}

}  // namespace

TEST_CASE("a valid model matrix is stored by id, rows in region order", "[scenario]") {
  // Rows given out of region order are still stored in region order.
  const Scenario s = load_scenario_text(with_matrix("shizuishan = [0.5, 0]\nyinchuan = [0.0, 0.25]\n"), "m.toml");
  REQUIRE(s.matrices.count("spillover") == 1);
  const ModelMatrix& m = s.matrices.at("spillover");
  CHECK(m.id == "spillover");
  CHECK(m.unit == "1");
  CHECK(m.source == "assumption: test");
  REQUIRE(m.rows.size() == 2);
  CHECK(m.rows[0] == std::vector<double>{0.0, 0.25});
  CHECK(m.rows[1] == std::vector<double>{0.5, 0.0});
  CHECK(m.at(1, 0) == 0.5);
  REQUIRE(m.row_locs.size() == 2);
  CHECK(m.row_locs[0].line == 19);  // yinchuan's row
  CHECK(m.row_locs[1].line == 18);
  CHECK(s.locs.at("model_matrices.spillover.yinchuan").line == 19);
  // The resolved text shows it, rows in region order.
  CHECK_THAT(s.resolved_text(), Catch::Contains("[model_matrices.spillover]"));
  CHECK_THAT(s.resolved_text(), Catch::Contains("yinchuan = [0.0, 0.25]"));
}

TEST_CASE("a short matrix row is reported at the row", "[scenario]") {
  const auto ps = problems_of(with_matrix("yinchuan = [0.0, 0.2]\nshizuishan = [0.5]\n"), "m.toml");
  REQUIRE(ps.size() == 1);
  const Problem p = the_problem(ps, "model_matrices.spillover.shizuishan");
  check_at(p, "m.toml", 19, 14);
  CHECK(p.message ==
        "expected an array of 2 numbers (one per region, in the order yinchuan, shizuishan), got an array of "
        "1 element");
}

TEST_CASE("an unknown region in a matrix gets a did-you-mean", "[scenario]") {
  const auto ps = problems_of(with_matrix("yinchaun = [0.0, 0.2]\nshizuishan = [0.5, 0.0]\n"), "m.toml");
  REQUIRE(ps.size() == 2);  // the misspelt row, and yinchuan's row is then missing
  const Problem p = the_problem(ps, "model_matrices.spillover.yinchaun");
  check_at(p, "m.toml", 18, 1);
  CHECK(p.message ==
        "unknown region 'yinchaun' — did you mean 'yinchuan'? (expected unit, source or a region: yinchuan, "
        "shizuishan)");
  const Problem missing = the_problem(ps, "model_matrices.spillover.yinchuan");
  CHECK(missing.message ==
        "required but missing: a matrix gives one row per region, and 'yinchuan' is not given");
}

TEST_CASE("a matrix without a region's row names the region", "[scenario]") {
  const auto ps = problems_of(with_matrix("yinchuan = [0.0, 0.2]\n"), "m.toml");
  REQUIRE(ps.size() == 1);
  const Problem p = the_problem(ps, "model_matrices.spillover.shizuishan");
  check_at(p, "m.toml", 15, 1);
  CHECK(p.message ==
        "required but missing: a matrix gives one row per region, and 'shizuishan' is not given");
}

TEST_CASE("matrix entries must be finite numbers; unit and source strings", "[scenario]") {
  const auto ps = problems_of(with_matrix("yinchuan = [0.0, nan]\nshizuishan = [\"a\", 0.0]\n"), "m.toml");
  REQUIRE(ps.size() == 2);
  const Problem nan = the_problem(ps, "model_matrices.spillover.yinchuan[1]");
  check_at(nan, "m.toml", 18, 18);
  CHECK(nan.message == "expected a finite number, got nan");
  const Problem str = the_problem(ps, "model_matrices.spillover.shizuishan[0]");
  check_at(str, "m.toml", 19, 15);
  CHECK(str.message == "expected a finite number, got the string \"a\"");

  const auto ps2 = problems_of(kHead + "\n[model_matrices.spillover]\nunit = 1\nyinchuan = [0, 1]\nshizuishan = [1, 0]\n",
                               "m.toml");
  REQUIRE(ps2.size() == 1);
  const Problem unit = the_problem(ps2, "model_matrices.spillover.unit");
  check_at(unit, "m.toml", 16, 8);
  CHECK(unit.message == "expected a string, got 1");
}

TEST_CASE("a child scenario replaces the matrix rows it gives", "[scenario]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "innosim_test_matrices";
  fs::create_directories(dir);
  {
    std::ofstream parent(dir / "parent.toml");
    parent << with_matrix("yinchuan = [0.0, 0.2]\nshizuishan = [0.5, 0.0]\n");
  }
  const std::string child =
      "[scenario]\nextends = \"parent.toml\"\nname = \"c\"\n\n[model_matrices.spillover]\nshizuishan = [0.7, 0.0]\n";
  const Scenario s = load_scenario_text(child, "child.toml", dir.string());
  const ModelMatrix& m = s.matrices.at("spillover");
  CHECK(m.rows[0] == std::vector<double>{0.0, 0.2});  // inherited
  CHECK(m.rows[1] == std::vector<double>{0.7, 0.0});  // replaced
  CHECK(m.source == "assumption: test");             // inherited
  CHECK(m.row_locs[1].file == "child.toml");
  CHECK(m.row_locs[1].line == 6);
  CHECK(m.row_locs[0].file == (dir / "parent.toml").string());
  fs::remove_all(dir);
}

TEST_CASE("ModelBinding::matrix: missing ones are problems, unused ones unknown", "[scenario]") {
  const Scenario s = load_scenario_text(with_matrix("yinchuan = [0.0, 0.2]\nshizuishan = [0.5, 0.0]\n"), "m.toml");
  SECTION("used: no problem") {
    ModelBinding b(s);
    const ModelMatrix* m = b.matrix("spillover");
    REQUIRE(m != nullptr);
    CHECK(m->at(0, 1) == 0.2);
    CHECK_NOTHROW(b.finish());
  }
  SECTION("missing and unused") {
    ModelBinding b(s);
    CHECK(b.matrix("spillovers_x") == nullptr);
    try {
      b.finish();
      FAIL("finish() did not throw");
    } catch (const ScenarioError& e) {
      REQUIRE(e.problems().size() == 2);
      const Problem missing = the_problem(e.problems(), "model_matrices.spillovers_x");
      CHECK(missing.message ==
            "required by model 'four_plus_one' but missing (a [model_matrices.spillovers_x] table with one row "
            "per region)");
      const Problem unused = the_problem(e.problems(), "model_matrices.spillover");
      check_at(unused, "m.toml", 15, 1);
      CHECK(unused.message ==
            "unknown model matrix 'spillover' for model 'four_plus_one' — did you mean 'spillovers_x'?");
    }
  }
}
