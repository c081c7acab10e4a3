// [sensitivity] and [index]: valid sections, every class of bad input
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

TEST_CASE("an index is read with its components", "[scenario][index]") {
  const Scenario s = load_scenario_text(kInputs + R"(
[index]
source = "assumption: test"
regions = ["shizuishan"]

[[index.components]]
indicator = "rd_intensity"
weight = 2
standard = 2.5
cap = false

[[index.components]]
indicator = "population"
per = "population"
per_scale = 1e4
weight = 1
normalisation = "min_max"
better = "lower"
)", "i.toml");
  REQUIRE(s.index);
  CHECK(s.index->name_en == "S&T innovation index");
  CHECK(s.index->regions == std::vector<std::string>{"shizuishan"});
  REQUIRE(s.index->components.size() == 2);
  const IndexComponent& a = s.index->components[0];
  CHECK(a.indicator == "rd_intensity");
  CHECK(a.weight == 2.0);
  CHECK(a.normalisation == IndexNormalisation::standard);
  CHECK(a.standard == 2.5);
  CHECK_FALSE(a.cap);
  CHECK(a.higher_is_better);
  const IndexComponent& b = s.index->components[1];
  CHECK(b.per == "population");
  CHECK(b.per_scale == 1e4);
  CHECK(b.normalisation == IndexNormalisation::min_max);
  CHECK_FALSE(b.higher_is_better);
  const std::string text = s.resolved_text();
  CHECK(text.find("[[index.components]]\nindicator = \"rd_intensity\"  # i.toml:42") != std::string::npos);
  CHECK(text.find("regions = [\"shizuishan\"]  # i.toml:39") != std::string::npos);
  // A scenario without [index] has none.
  CHECK_FALSE(load_scenario_text(kInputs, "n.toml").index);
}

TEST_CASE("every problem of an index is reported at its place", "[scenario][index]") {
  const auto problems = problems_of(kInputs + R"(
[index]
regions = ["yinchaun"]

[[index.components]]
indicator = "rd_intensty"
weight = 0
standard = -1

[[index.components]]
indicator = "population"
per = "popluation"
weight = 1
normalisation = "min_max"
standard = 3
cap = "yes"

[[index.components]]
indicator = "population"
weight = 1
normalisation = "rank"
)");
  const Problem region = the_problem(problems, "index.regions[0]");
  check_at(region, "plan.toml", 38, 12);
  CHECK_THAT(region.message, Catch::Contains("did you mean 'yinchuan'"));
  CHECK_THAT(the_problem(problems, "index.components[0].indicator").message,
             Catch::Contains("unknown indicator 'rd_intensty': expected one listed in [indicators] — did you mean "
                             "'rd_intensity'?"));
  CHECK_THAT(the_problem(problems, "index.components[0].weight").message, Catch::Contains("a positive weight"));
  CHECK_THAT(the_problem(problems, "index.components[0].standard").message, Catch::Contains("scores 100"));
  CHECK_THAT(the_problem(problems, "index.components[1].per").message, Catch::Contains("did you mean 'population'"));
  CHECK_THAT(the_problem(problems, "index.components[1].standard").message,
             Catch::Contains("only normalisation \"standard\" takes a standard value"));
  CHECK_THAT(the_problem(problems, "index.components[1].cap").message, Catch::Contains("expected true or false"));
  CHECK_THAT(the_problem(problems, "index.components[2].normalisation").message,
             Catch::Contains("expected one of \"standard\", \"min_max\""));
  // A standard component needs its standard; components are required.
  CHECK_THAT(the_problem(problems_of(kInputs + "\n[index]\n[[index.components]]\nindicator = \"population\"\nweight = 1\n"),
                         "index.components[0].standard")
                 .message,
             Catch::Contains("required but missing"));
  CHECK_THAT(the_problem(problems_of(kInputs + "\n[index]\nname_en = \"x\"\n"), "index.components").message,
             Catch::Contains("required but missing"));
}
