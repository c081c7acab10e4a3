// innosim serve's lever controls and what-ifs (app/serve/whatif.hpp): what a
// control value does to a lever path, the groups, and the what-if text.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "innosim/scenario/scenario.hpp"
#include "serve/whatif.hpp"

using namespace innosim;
using namespace innosim::app::serve;
namespace fs = std::filesystem;

namespace {

const std::string kLevers = std::string(INNOSIM_TEST_DATA) + "/serve/levers.toml";

YearSeries series(std::vector<int> years, std::vector<double> values, Interp rule = Interp::step) {
  YearSeries s;
  s.years = std::move(years);
  s.values = std::move(values);
  s.rule = rule;
  return s;
}

Lever lever(std::string id, std::string unit) {
  Lever l;
  l.id = std::move(id);
  l.unit = std::move(unit);
  return l;
}

// The what-if's text loaded as `innosim validate` would load the saved file.
Scenario load_whatif(const WhatIf& w) { return load_scenario_text(w.toml, w.name + ".toml", "."); }

}  // namespace

TEST_CASE("a control scales the plan's policy years and keeps the start year", "[serve]") {
  const YearSeries plan = series({2015, 2017}, {0.0, 2.0e8});
  const YearSeries out = apply_control(plan, 2015, 2020, 4.0e8);
  CHECK(out.years == std::vector<int>{2015, 2017});
  CHECK(out.values == std::vector<double>{0.0, 4.0e8});
  CHECK(apply_control(plan, 2015, 2020, 2.0e8).values == plan.values);  // the plan's value changes nothing

  // Growth is kept: every policy year scaled by the same factor.
  const YearSeries growing = series({2015, 2016, 2017}, {1.0e8, 1.1e8, 1.21e8});
  const YearSeries doubled = apply_control(growing, 2015, 2020, 2.42e8);
  CHECK(doubled.values[0] == 1.0e8);
  CHECK(doubled.values[1] == Approx(2.2e8));
  CHECK(doubled.values[2] == Approx(2.42e8));
  CHECK(doubled.at(2020) == Approx(2.42e8));
}

TEST_CASE("a control on a lever the plan leaves at zero sets it from the first simulated year", "[serve]") {
  // Only a start-year point: a point in the first simulated year is added.
  const YearSeries off = series({2015}, {0.0});
  const YearSeries on = apply_control(off, 2015, 2020, 1.0);
  CHECK(on.years == std::vector<int>{2015, 2016});
  CHECK(on.values == std::vector<double>{0.0, 1.0});
  CHECK(on.at(2015) == 0.0);
  CHECK(on.at(2020) == 1.0);

  // Zero in the last year with earlier policy points: every policy year set.
  const YearSeries ended = series({2015, 2017, 2019}, {0.0, 5.0, 0.0});
  CHECK(apply_control(ended, 2015, 2020, 3.0).values == std::vector<double>{0.0, 3.0, 3.0});

  // A constant path that is not zero is scaled from the first simulated year.
  const YearSeries rate = series({2015}, {0.25});
  const YearSeries higher = apply_control(rate, 2015, 2020, 0.3);
  CHECK(higher.at(2015) == 0.25);
  CHECK(higher.at(2016) == Approx(0.3));
}

TEST_CASE("a control on a linear path moves its policy points and keeps the rule", "[serve]") {
  const YearSeries ramp = series({2015, 2020}, {0.01, 0.03}, Interp::linear);
  const YearSeries out = apply_control(ramp, 2015, 2020, 0.06);
  CHECK(out.rule == Interp::linear);
  CHECK(out.values == std::vector<double>{0.01, 0.06});
  CHECK(out.at(2018) == Approx(0.01 + 0.6 * 0.05));
}

TEST_CASE("levers are grouped by the documented rule", "[serve]") {
  CHECK(lever_group(lever("fiscal_rd_zone", "yuan")) == "money");
  CHECK(lever_group(lever("own_fiscal_st", "yuan")) == "money");
  CHECK(lever_group(lever("fund_use_teams", "share")) == "money");
  CHECK(lever_group(lever("fiscal_rd_allocation", "share")) == "money");
  CHECK(lever_group(lever("corporate_tax_rate", "share")) == "tax");
  CHECK(lever_group(lever("super_deduction_rate", "1")) == "tax");
  CHECK(lever_group(lever("super_deduction_claimed_share", "share")) == "tax");
  CHECK(lever_group(lever("sme_doubling_programme", "switch")) == "programmes");
  CHECK(lever_group(lever("little_giants_selected_per_year", "count")) == "programmes");
  CHECK(lever_group(lever("platform_funding_share_key_labs", "share")) == "platforms");
  CHECK(lever_group(lever("extra_growth", "rate")) == "other");
  // Every group the rule names is one the page shows.
  std::vector<std::string> ids;
  for (const LeverGroup& g : lever_groups()) ids.push_back(g.id);
  CHECK(ids == std::vector<std::string>{"money", "tax", "programmes", "platforms", "other"});
}

TEST_CASE("an empty setting, or one at the plan's values, is the scenario itself", "[serve]") {
  const Scenario base = load_scenario(kLevers);
  const WhatIf none = make_whatif(base, kLevers, {});
  CHECK(none.name == base.name);
  CHECK(none.toml.empty());
  const WhatIf same = make_whatif(base, kLevers, {{{"money_zone", kZone}, 2.0e8}, {{"own_money", "south"}, 0.605e8}});
  CHECK(same.name == base.name);
  CHECK(same.toml.empty());
}

TEST_CASE("a what-if extends the scenario by absolute path and holds only the changed levers", "[serve]") {
  const Scenario base = load_scenario(kLevers);
  const std::string abs = fs::absolute(kLevers).string();
  const Setting setting = {{{"money_zone", kZone}, 5.0e8},
                           {{"own_money", "south"}, 1.21e8},
                           {{"registration", kZone}, 1.0},
                           {{"giants_per_year", kZone}, 20.0}};  // the plan's value: left out
  const WhatIf w = make_whatif(base, abs, setting);
  INFO(w.toml);
  CHECK(w.name.starts_with("levers-serve-whatif-"));
  CHECK(w.toml.find("extends = \"" + abs + "\"") != std::string::npos);
  CHECK(w.toml.find("[levers.money_zone]") != std::string::npos);
  CHECK(w.toml.find("[levers.own_money.by_region.south]") != std::string::npos);
  CHECK(w.toml.find("by_region.north") == std::string::npos);
  CHECK(w.toml.find("[levers.registration]") != std::string::npos);
  CHECK(w.toml.find("giants_per_year") == std::string::npos);
  CHECK(w.toml.find("corporate_tax_rate") == std::string::npos);

  const Scenario s = load_whatif(w);
  CHECK(s.name == w.name);
  CHECK(s.run.seed == base.run.seed);  // common random numbers: the seed is inherited
  CHECK(s.run.draws == base.run.draws);
  CHECK(s.lever("money_zone")->at(2016) == 0.0);
  CHECK(s.lever("money_zone")->at(2017) == 5.0e8);
  CHECK(s.lever("own_money")->at(2020, 0) == 1.21e8);  // north as in the plan
  CHECK(s.lever("own_money")->at(2015, 1) == 0.5e8);   // south's start year kept
  CHECK(s.lever("own_money")->at(2020, 1) == Approx(1.21e8));
  CHECK(s.lever("registration")->at(2015) == 0.0);
  CHECK(s.lever("registration")->at(2016) == 1.0);
  for (const Lever& l : base.levers) {
    if (l.id == "money_zone" || l.id == "own_money" || l.id == "registration") continue;
    for (int y = 2015; y <= 2020; ++y) CHECK(s.lever(l.id)->at(y, 0) == l.at(y, 0));
  }
}

TEST_CASE("the same setting gives the same what-if; another gives another name", "[serve]") {
  const Scenario base = load_scenario(kLevers);
  const WhatIf a = make_whatif(base, kLevers, {{{"money_zone", kZone}, 5.0e8}});
  const WhatIf b = make_whatif(base, kLevers, {{{"money_zone", kZone}, 5.0e8}});
  const WhatIf c = make_whatif(base, kLevers, {{{"money_zone", kZone}, 6.0e8}});
  CHECK(a.name == b.name);
  CHECK(a.toml == b.toml);
  CHECK(a.name != c.name);
}

TEST_CASE("a refused value gets the loader's message at the what-if's line", "[serve]") {
  const Scenario base = load_scenario(kLevers);
  const WhatIf w = make_whatif(base, fs::absolute(kLevers).string(), {{{"corporate_tax_rate", kZone}, 1.5}});
  try {
    (void)load_whatif(w);
    FAIL("a share of 1.5 loaded");
  } catch (const ScenarioError& e) {
    REQUIRE(e.problems().size() == 1);
    const Problem& p = e.problems().front();
    CHECK(p.where.file == w.name + ".toml");
    CHECK(p.where.line > 0);
    CHECK(p.key == "levers.corporate_tax_rate.values[1]");
    CHECK(p.message == "expected a share in [0, 1], got 1.5");
  }
}

TEST_CASE("a setting naming no lever or no path of it is a programming error", "[serve]") {
  const Scenario base = load_scenario(kLevers);
  CHECK_THROWS_AS(make_whatif(base, kLevers, {{{"no_such_lever", kZone}, 1.0}}), std::invalid_argument);
  CHECK_THROWS_AS(make_whatif(base, kLevers, {{{"money_zone", "north"}, 1.0}}), std::invalid_argument);
  CHECK_THROWS_AS(make_whatif(base, kLevers, {{{"own_money", kZone}, 1.0}}), std::invalid_argument);
  CHECK_THROWS_AS(make_whatif(base, kLevers, {{{"own_money", "east"}, 1.0}}), std::invalid_argument);
}
