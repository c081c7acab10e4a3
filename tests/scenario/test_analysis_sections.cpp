// [sensitivity]: valid sections, every class of bad input
// (location, key, wording with "did you mean"), patterns, and the resolved text.

#include <catch2/catch.hpp>

#include "innosim/scenario/scenario.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using innosim::test::check_at;
using innosim::test::kHead;
using innosim::test::problems_of;
using innosim::test::the_problem;

namespace {

// kHead (13 lines), then indicators and parameters: a section appended as "\n[section]" has its header on line 37.
const std::string kInputs = kHead + R"(
[indicators.rd_intensity]
unit = "%"

[indicators.population]
unit = "persons"

[parameters.gdp_share]
unit = "share"
by_region.yinchuan = { dist = "uniform", min = 0.5, max = 0.7 }
by_region.shizuishan = { dist = "uniform", min = 0.3, max = 0.5 }

[parameters.platform_unit_cost_key_labs]
unit = "yuan"
dist = "uniform"
min = 1e6
max = 2e6

[parameters.platform_unit_cost_engineering_labs]
unit = "yuan"
dist = "fixed"
value = 1e6
)";

}  // namespace

TEST_CASE("sensitivity groups are read with their patterns", "[scenario][sensitivity]") {
  const Scenario s = load_scenario_text(
      kInputs + "\n[sensitivity.groups]\ncosts = [\"platform_unit_cost_*\"]\nshares = [\"gdp_share\"]\n", "g.toml");
  REQUIRE(s.sensitivity.groups.size() == 2);
  CHECK(s.sensitivity.groups[0].name == "costs");
  CHECK(s.sensitivity.groups[0].patterns == std::vector<std::string>{"platform_unit_cost_*"});
  CHECK(s.resolved_text().find("costs = [\"platform_unit_cost_*\"]  # g.toml:38") != std::string::npos);
}

TEST_CASE("parameter patterns match ids, base names and globs", "[scenario][sensitivity]") {
  CHECK(parameter_matches("gdp_share", "gdp_share[yinchuan]"));
  CHECK(parameter_matches("gdp_share[yinchuan]", "gdp_share[yinchuan]"));
  CHECK_FALSE(parameter_matches("gdp_share[yinchuan]", "gdp_share[shizuishan]"));
  CHECK(parameter_matches("gdp_*", "gdp_share[yinchuan]"));
  CHECK(parameter_matches("*_labs", "platform_unit_cost_key_labs"));
  CHECK(parameter_matches("x?", "x1"));
  CHECK_FALSE(parameter_matches("x?", "x12"));
  CHECK_FALSE(parameter_matches("gdp", "gdp_share"));
}

TEST_CASE("a group pattern that matches nothing gets a did-you-mean; a parameter in two groups is refused",
          "[scenario][sensitivity]") {
  const auto problems = problems_of(kInputs + "\n[sensitivity.groups]\na = [\"gdp_shar\"]\nb = [\"gdp_share[yinchuan]\"]\n"
                                              "c = [\"gdp_*\"]\nd = []\n");
  const Problem miss = the_problem(problems, "sensitivity.groups.a[0]");
  check_at(miss, "plan.toml", 38, 6);
  CHECK_THAT(miss.message, Catch::Contains("matches no parameter — did you mean 'gdp_share'?"));
  const Problem twice = the_problem(problems, "sensitivity.groups.c[0]");
  CHECK_THAT(twice.message, Catch::Contains("'gdp_share[yinchuan]' is already in group 'b'"));
  CHECK_THAT(the_problem(problems, "sensitivity.groups.d").message, Catch::Contains("non-empty array"));
  CHECK_THAT(the_problem(problems_of(kInputs + "\n[sensitivity]\ngroup = 1\n"), "sensitivity.group").message,
             Catch::Contains("did you mean 'groups'"));
}
