// ModelBinding: what a model needs against what a scenario gives.

#include <catch2/catch.hpp>

#include <limits>

#include "innosim/model/binding.hpp"
#include "../scenario/scenario_test_helpers.hpp"

using namespace innosim;
using innosim::test::kHead;
using innosim::test::the_problem;

namespace {

// Lines 14.. follow kHead.
const std::string kModelScenario = kHead + R"(
[indicators.rd_intensity]
unit = "%"

[indicators.patents]
unit = "count"

[levers.fiscal_rd_zone]
unit = "yuan"
years = [2016]
values = [1e8]

[levers.platform_share]
unit = "share"
years = [2016]
values = [0.5]

[parameters.absorptive_capacity]
unit = "share"
by_region.yinchuan = { dist = "uniform", min = 0.1, max = 0.3 }
by_region.shizuishan = { dist = "uniform", min = 0.2, max = 0.4 }

[parameters.rd_user_cost_elasticity]
unit = "1"
dist = "fixed"
value = -0.8

[[targets]]
indicator = "patents"
year = 2020
value = 100

[model_options]
spillovers = true
)";

std::vector<Problem> finish_problems(const ModelBinding& b) {
  try {
    b.finish();
  } catch (const ScenarioError& e) {
    return e.problems();
  }
  return {};
}

}  // namespace

TEST_CASE("a binding that asks for everything the scenario gives finishes cleanly", "[model][binding]") {
  const Scenario s = load_scenario_text(kModelScenario, "plan.toml");
  ModelBinding b(s);
  CHECK(b.num_regions() == 2);
  CHECK(&b.scenario() == &s);
  const Lever* fiscal = b.lever("fiscal_rd_zone", "yuan");
  REQUIRE(fiscal);
  CHECK(fiscal->at(2016) == 1e8);
  REQUIRE(b.lever("platform_share", "share"));
  CHECK(b.parameter("rd_user_cost_elasticity") == *s.parameter_index("rd_user_cost_elasticity"));
  const auto ab = b.parameter_by_region("absorptive_capacity");
  REQUIRE(ab.size() == 2);
  CHECK(s.parameters[ab[0]].id == "absorptive_capacity[yinchuan]");
  CHECK(s.parameters[ab[1]].id == "absorptive_capacity[shizuishan]");
  CHECK(b.option("spillovers", 0.0, OptionKind::boolean) == 1.0);
  CHECK(b.option("depreciation", 0.15) == 0.15);  // default; absent options are fine
  b.indicators({"rd_intensity", "patents", "gdp"});
  CHECK_NOTHROW(b.finish());
}

TEST_CASE("an option written with another type than the model reads is a problem at its place", "[model][binding]") {
  const Scenario s = load_scenario_text(kModelScenario, "plan.toml");
  ModelBinding b(s);
  CHECK(b.option("spillovers", 7.0, OptionKind::integer) == 7.0);  // written `true`: the default, and a problem
  const Problem p = the_problem(finish_problems(b), "model_options.spillovers");
  CHECK(p.where.line == 47);
  CHECK(p.message ==
        "expected an integer (written without a decimal point) (as model 'four_plus_one' reads this option), got "
        "the boolean true");
}

TEST_CASE("missing and unknown levers, parameters and options are all reported", "[model][binding]") {
  // The scenario misspells a lever; the model lacks a parameter the scenario gives.
  std::string text = kModelScenario;
  text.replace(text.find("[levers.fiscal_rd_zone]"), 23, "[levers.fiscal_rd_zon]");
  const Scenario s = load_scenario_text(text, "plan.toml");
  ModelBinding b(s);
  CHECK(b.lever("fiscal_rd_zone", "yuan") == nullptr);
  CHECK(b.lever("platform_share", "yuan") != nullptr);  // unit mismatch, still returned
  CHECK(b.parameter("rd_user_cost_elasticty") == std::numeric_limits<std::size_t>::max());
  (void)b.parameter_by_region("absorptive_capacity");
  (void)b.option("spillover", 0.0);
  b.indicators({"rd_intensity", "patent"});
  b.problem(s.where, "levers.platform_share", "shares must sum to 1");
  const auto ps = finish_problems(b);

  const Problem missing = the_problem(ps, "levers.fiscal_rd_zone");
  CHECK(missing.where.to_string() == "plan.toml");
  CHECK(missing.message == "required by model 'four_plus_one' but missing (a lever in unit 'yuan')");

  const Problem unknown = the_problem(ps, "levers.fiscal_rd_zon");
  CHECK(unknown.where.line == 21);  // the lever's table
  CHECK(unknown.where.column == 1);
  CHECK(unknown.message == "unknown lever 'fiscal_rd_zon' for model 'four_plus_one' — did you mean 'fiscal_rd_zone'?");

  const Problem unit = the_problem(ps, "levers.platform_share.unit");
  CHECK(unit.where.line == 27);
  CHECK(unit.where.column == 8);
  CHECK(unit.message == "expected unit 'yuan' (as model 'four_plus_one' reads this lever), got 'share'");

  const Problem param = the_problem(ps, "parameters.rd_user_cost_elasticty");
  CHECK(param.to_string() ==
        "plan.toml: parameters.rd_user_cost_elasticty: required by model 'four_plus_one' but missing");
  const Problem unused = the_problem(ps, "parameters.rd_user_cost_elasticity");
  CHECK(unused.where.line == 36);
  CHECK(unused.message ==
        "unknown parameter 'rd_user_cost_elasticity' for model 'four_plus_one' — did you mean 'rd_user_cost_elasticty'?");

  const Problem option = the_problem(ps, "model_options.spillovers");
  CHECK(option.where.line == 47);
  CHECK(option.where.column == 14);
  CHECK(option.message == "unknown model option 'spillovers' for model 'four_plus_one' — did you mean 'spillover'?");

  const Problem ind = the_problem(ps, "targets[0].indicator");
  CHECK(ind.where.line == 42);
  CHECK(ind.message == "unknown indicator 'patents' for model 'four_plus_one' — did you mean 'patent'?");
  const Problem listed = the_problem(ps, "indicators.patents");
  CHECK(listed.where.line == 18);
  CHECK_THAT(listed.message, Catch::StartsWith("unknown indicator 'patents' for model 'four_plus_one'"));

  CHECK(the_problem(ps, "levers.platform_share").message == "shares must sum to 1");
  CHECK(ps.size() == 9);
}

TEST_CASE("a per-region parameter asked for as a scalar and vice versa", "[model][binding]") {
  const Scenario s = load_scenario_text(kModelScenario, "plan.toml");
  ModelBinding b(s);
  (void)b.lever("fiscal_rd_zone", "yuan");
  (void)b.lever("platform_share", "share");
  (void)b.option("spillovers", 0.0, OptionKind::boolean);
  (void)b.parameter("absorptive_capacity");
  const auto idx = b.parameter_by_region("rd_user_cost_elasticity");
  CHECK(idx.size() == 2);
  const auto missing = b.parameter_by_region("knowledge_decay");
  CHECK(missing.size() == 2);
  const auto ps = finish_problems(b);
  CHECK(the_problem(ps, "parameters.absorptive_capacity").message ==
        "model 'four_plus_one' expects one value for the whole zone, got a per-region parameter (by_region)");
  const Problem scalar = the_problem(ps, "parameters.rd_user_cost_elasticity");
  CHECK(scalar.where.line == 36);
  CHECK(scalar.message ==
        "model 'four_plus_one' expects one value per region (by_region), got a single distribution for the whole "
        "zone");
  CHECK(the_problem(ps, "parameters.knowledge_decay").message ==
        "required by model 'four_plus_one' but missing (one value per region, by_region)");
  CHECK(ps.size() == 3);
}
