// Loading valid scenarios, inheritance and the value types.

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "innosim/scenario/scenario.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using innosim::test::data_path;

TEST_CASE("a full valid scenario loads with every section", "[scenario]") {
  const Scenario s = load_scenario(data_path("valid.toml"));
  CHECK(s.name == "valid");
  CHECK(s.model == "four_plus_one");
  CHECK(s.description == "Two regions, every section used once.");
  CHECK(s.where.file == data_path("valid.toml"));
  REQUIRE(s.files.size() == 1);
  CHECK(s.files[0].first == data_path("valid.toml"));
  CHECK(s.files[0].second.find("[[correlations]]") != std::string::npos);

  CHECK(s.horizon.start == 2015);
  CHECK(s.horizon.end == 2020);
  CHECK(s.horizon.report_years == std::vector<int>{2015, 2018, 2020});

  CHECK(s.run.draws == 500);
  CHECK(s.run.seed == 7);
  CHECK(s.run.sampler == SamplerKind::latin_hypercube);
  CHECK(s.run.invalid_draws == InvalidDraws::drop);
  CHECK(s.run.rtol == 1e-7);
  CHECK(s.run.atol == 1e-10);
  CHECK(s.run.on_track == 0.9);
  CHECK(s.run.at_risk == 0.4);

  REQUIRE(s.regions.size() == 2);
  CHECK(s.regions[0].id == "yinchuan");  // file order, not sorted
  CHECK(s.regions[1].name_zh == "石嘴山");
  CHECK(s.region_index("shizuishan") == std::optional<std::size_t>(1));
  CHECK_FALSE(s.region_index("zone"));

  REQUIRE(s.indicators.size() == 2);
  REQUIRE(s.indicator("rd_intensity"));
  CHECK(s.indicator("rd_intensity")->unit == "%");
  CHECK(s.indicator("patents")->name_zh.empty());

  const Lever* fiscal = s.lever("fiscal_rd_zone");
  REQUIRE(fiscal);
  CHECK(fiscal->unit == "yuan");
  CHECK(fiscal->source == "plan 4.2");
  CHECK_FALSE(fiscal->per_region());
  REQUIRE(fiscal->zone);
  CHECK(fiscal->zone->rule == Interp::linear);
  CHECK(fiscal->at(2015) == 1e8);
  CHECK(fiscal->at(2017) == Approx(1.5e8));
  CHECK(fiscal->at(2020) == 3e8);
  CHECK(fiscal->where.line == 43);

  const Lever* share = s.lever("platform_share");
  REQUIRE(share);
  REQUIRE(share->per_region());
  CHECK(share->at(2020, 0) == 0.6);
  CHECK(share->at(2018, 1) == 0.4);  // step rule by default
  CHECK(share->at(2019, 1) == 0.5);
  CHECK_THROWS_AS(share->at(2019, 2), std::out_of_range);
  CHECK_FALSE(s.lever("nope"));

  // Sorted ids; per-region ones expanded in region order.
  std::vector<std::string> ids;
  for (const Parameter& p : s.parameters) ids.push_back(p.id);
  CHECK(ids == std::vector<std::string>{"absorptive_capacity[yinchuan]", "absorptive_capacity[shizuishan]",
                                        "patent_lag", "rd_user_cost_elasticity"});
  const Parameter& ela = s.parameters[*s.parameter_index("rd_user_cost_elasticity")];
  CHECK(ela.dist.kind == Distribution::Kind::truncnormal);
  CHECK(ela.dist.p == std::array<double, 4>{-0.8, 0.3, -2.0, 0.0});
  CHECK(ela.source == "assumption: literature range");
  CHECK(ela.where.line == 56);
  const Parameter& ab = s.parameters[*s.parameter_index("absorptive_capacity", "yinchuan")];
  CHECK(ab.dist.kind == Distribution::Kind::beta);
  CHECK(ab.dist.p == std::array<double, 4>{2.0, 3.0, 0.0, 1.0});  // min, max default to 0, 1
  CHECK(ab.unit == "share");
  CHECK(ab.where.line == 68);
  const Parameter& ab2 = s.parameters[*s.parameter_index("absorptive_capacity", "shizuishan")];
  CHECK(ab2.dist.kind == Distribution::Kind::pert);
  CHECK(ab2.dist.p[1] == 0.3);
  CHECK(s.parameters[*s.parameter_index("patent_lag")].dist.is_fixed());
  CHECK_FALSE(s.parameter_index("absorptive_capacity"));

  REQUIRE(s.correlations.size() == 1);
  CHECK(s.correlations[0].parameters ==
        std::vector<std::string>{"rd_user_cost_elasticity", "absorptive_capacity[yinchuan]"});
  CHECK(s.correlations[0].matrix[0][1] == 0.3);

  REQUIRE(s.targets.size() == 2);
  CHECK(s.targets[0].region == "zone");  // default
  CHECK(s.targets[0].binding);
  CHECK(s.targets[0].note == "plan section 3");
  CHECK(s.targets[0].met(2.0));
  CHECK_FALSE(s.targets[0].met(1.99));
  CHECK(s.targets[1].region == "yinchuan");
  CHECK_FALSE(s.targets[1].binding);
  CHECK(s.targets[1].value == 1500);
  CHECK(s.targets[1].where.line == 87);

  CHECK(s.options.at("spillovers") == 1.0);
  CHECK(s.options.at("depreciation") == 0.15);
  CHECK(s.option_locs.at("depreciation").line == 96);
  CHECK(s.option_locs.at("depreciation").column == 16);
}

TEST_CASE("defaults apply when optional sections are absent", "[scenario]") {
  const Scenario s = load_scenario_text(test::kHead, "plan.toml");
  CHECK(s.horizon.report_years == std::vector<int>{2015, 2016, 2017, 2018, 2019, 2020});
  CHECK(s.run.draws == 10000);
  CHECK(s.run.sampler == SamplerKind::sobol);
  CHECK(s.run.invalid_draws == InvalidDraws::fail);
  CHECK(s.run.on_track == 0.8);
  CHECK(s.run.at_risk == 0.5);
  CHECK(s.levers.empty());
  CHECK(s.where.to_string() == "plan.toml");
}

TEST_CASE("a child overrides one lever and replaces a distribution wholesale", "[scenario]") {
  const Scenario s = load_scenario(data_path("whatif.toml"));
  CHECK(s.name == "whatif");
  CHECK(s.model == "four_plus_one");  // inherited
  REQUIRE(s.files.size() == 2);
  CHECK(s.files[0].first == data_path("whatif.toml"));
  CHECK(s.files[1].first == data_path("valid.toml"));
  CHECK(s.files[1].second.find("name = \"valid\"") != std::string::npos);

  const Lever* fiscal = s.lever("fiscal_rd_zone");
  REQUIRE(fiscal);
  CHECK(fiscal->zone->years == std::vector<int>{2016, 2018, 2020});  // from the parent
  CHECK(fiscal->zone->values == std::vector<double>{1e8, 2.5e8, 3e8});
  CHECK(fiscal->zone->rule == Interp::linear);
  CHECK(fiscal->unit == "yuan");
  CHECK(fiscal->where.file == data_path("whatif.toml"));  // the child defines the table last
  // Value origins: values from the child, years from the parent.
  CHECK(s.locs.at("levers.fiscal_rd_zone.values").file == data_path("whatif.toml"));
  CHECK(s.locs.at("levers.fiscal_rd_zone.values").line == 7);
  CHECK(s.locs.at("levers.fiscal_rd_zone.years").file == data_path("valid.toml"));
  CHECK(s.locs.at("levers.fiscal_rd_zone.years").line == 48);

  // `dist` in the child drops the parent's mean/sd/min/max; unit and source inherited.
  const Parameter& ela = s.parameters[*s.parameter_index("rd_user_cost_elasticity")];
  CHECK(ela.dist.kind == Distribution::Kind::uniform);
  CHECK(ela.dist.p == std::array<double, 4>{-1.5, -0.5, 0.0, 0.0});
  CHECK(ela.unit == "1");
  CHECK(ela.source == "assumption: literature range");

  // Untouched sections come from the parent with their locations.
  REQUIRE(s.targets.size() == 2);
  CHECK(s.targets[1].where.file == data_path("valid.toml"));
  CHECK(s.option_locs.at("depreciation").file == data_path("valid.toml"));
}

TEST_CASE("extends takes a list, relative to the naming file, merged left to right", "[scenario]") {
  const Scenario s = load_scenario(data_path("sub/child_in_subdir.toml"));
  CHECK(s.name == "sub");
  CHECK(s.options.at("depreciation") == 0.2);  // the later parent wins
  CHECK(s.option_locs.at("depreciation").file == data_path("sub/extra_options.toml"));
  CHECK(s.options.at("spillovers") == 1.0);
  REQUIRE(s.files.size() == 3);
  CHECK(s.files[1].first == data_path("valid.toml"));  // "sub/../valid.toml", normalised
  CHECK(s.files[2].first == data_path("sub/extra_options.toml"));
}

TEST_CASE("a lever's zone path replaces an inherited per-region path", "[scenario]") {
  const std::string child = R"([scenario]
extends = "valid.toml"
name = "c"

[levers.platform_share]
years = [2017]
values = [0.55]
)";
  const Scenario s = load_scenario_text(child, "c.toml", INNOSIM_TEST_DATA "/scenario");
  const Lever* l = s.lever("platform_share");
  REQUIRE(l);
  CHECK_FALSE(l->per_region());
  CHECK(l->at(2020, 1) == 0.55);
  CHECK(l->unit == "share");
}

TEST_CASE("YearSeries interpolation rules", "[scenario]") {
  YearSeries step{{2016, 2018}, {1.0, 3.0}, Interp::step};
  CHECK(step.at(2010) == 1.0);
  CHECK(step.at(2016) == 1.0);
  CHECK(step.at(2017) == 1.0);
  CHECK(step.at(2018) == 3.0);
  CHECK(step.at(2030) == 3.0);
  YearSeries lin{{2016, 2018, 2019}, {1.0, 3.0, 0.0}, Interp::linear};
  CHECK(lin.at(2015) == 1.0);
  CHECK(lin.at(2017) == 2.0);
  CHECK(lin.at(2018) == 3.0);
  CHECK(lin.at(2019) == 0.0);
  CHECK(lin.at(2025) == 0.0);
  CHECK_THROWS_AS(YearSeries{}.at(2016), std::logic_error);
}

TEST_CASE("locations and problems format as file:line:col: key: message", "[scenario]") {
  CHECK(SourceLoc{"plan.toml", 12, 5}.to_string() == "plan.toml:12:5");
  CHECK(SourceLoc{}.to_string() == "(default)");
  CHECK(SourceLoc{"plan.toml", 0, 0}.to_string() == "plan.toml");
  // Built field by field: GCC 12 warns (falsely) about a std::string member
  // in nested aggregate initialisation here.
  Problem p;
  p.where.file = "plan.toml";
  p.where.line = 12;
  p.where.column = 5;
  p.key = "levers.fiscal_rd_zone.values[1]";
  p.message = "expected a non-negative amount in yuan, got -2e+08";
  CHECK(p.to_string() ==
        "plan.toml:12:5: levers.fiscal_rd_zone.values[1]: expected a non-negative amount in yuan, got -2e+08");
  Problem q;
  q.where.file = "a.toml";
  q.where.line = 1;
  q.where.column = 1;
  q.message = "second";
  const ScenarioError e({p, q});
  CHECK(e.problems().size() == 2);
  CHECK(std::string(e.what()) == p.to_string() + "\na.toml:1:1: second");
}

TEST_CASE("resolved_text shows every value with its origin", "[scenario]") {
  const Scenario s = load_scenario(data_path("whatif.toml"));
  const std::string text = s.resolved_text();
  INFO(text);
  const std::string child = data_path("whatif.toml");
  const std::string parent = data_path("valid.toml");
  CHECK(text.find("name = \"whatif\"  # " + child + ":4\n") != std::string::npos);
  CHECK(text.find("model = \"four_plus_one\"  # " + parent + ":5\n") != std::string::npos);
  CHECK(text.find("values = [100000000.0, 250000000.0, 300000000.0]  # " + child + ":7\n") != std::string::npos);
  CHECK(text.find("years = [2016, 2018, 2020]  # " + parent + ":48\n") != std::string::npos);
  CHECK(text.find("dist = \"uniform\"  # " + child + ":10\n") != std::string::npos);
  CHECK(text.find("mean = ") == std::string::npos);  // replaced distribution keys are gone
  CHECK(text.find("[parameters.\"absorptive_capacity[yinchuan]\"]") != std::string::npos);
  CHECK(text.find("by_region.shizuishan = { years = [2016, 2019], values = [0.4, 0.5] }  # " + parent + ":54\n") !=
        std::string::npos);
  CHECK(text.find("[model_options]\ndepreciation = 0.15  # " + parent + ":96\n") != std::string::npos);
  // Defaults are marked as such.
  const Scenario d = load_scenario_text(test::kHead, "plan.toml");
  const std::string dt = d.resolved_text();
  CHECK(dt.find("draws = 10000  # (default)\n") != std::string::npos);
  CHECK(dt.find("start = 2015  # plan.toml:6\n") != std::string::npos);
  CHECK(dt.find("report_years = [2015, 2016, 2017, 2018, 2019, 2020]  # (default)\n") != std::string::npos);
}

TEST_CASE("per-region distributions inherit region by region", "[scenario]") {
  const std::string child = R"([scenario]
extends = "valid.toml"
name = "c"

[parameters.absorptive_capacity.by_region.shizuishan]
dist = "uniform"
min = 0.2
max = 0.5

[parameters.patent_lag]
by_region.yinchuan = { dist = "fixed", value = 3 }
by_region.shizuishan = { dist = "fixed", value = 4 }
)";
  const Scenario s = load_scenario_text(child, "c.toml", INNOSIM_TEST_DATA "/scenario");
  // yinchuan keeps the parent's beta; shizuishan's pert is replaced, not mixed with it.
  const Parameter& y = s.parameters[*s.parameter_index("absorptive_capacity", "yinchuan")];
  CHECK(y.dist.kind == Distribution::Kind::beta);
  const Parameter& z = s.parameters[*s.parameter_index("absorptive_capacity", "shizuishan")];
  CHECK(z.dist.kind == Distribution::Kind::uniform);
  CHECK(z.dist.p == std::array<double, 4>{0.2, 0.5, 0.0, 0.0});
  CHECK(z.where.file == "c.toml");
  // A scalar parameter made per region: the parent's `dist`/`value` are dropped.
  CHECK_FALSE(s.parameter_index("patent_lag"));
  const Parameter& lag = s.parameters[*s.parameter_index("patent_lag", "shizuishan")];
  CHECK(lag.dist.p[0] == 4.0);
  CHECK(lag.unit == "years");
}

TEST_CASE("display names: a scenario's and a parameter's, in English and Chinese", "[scenario]") {
  const std::string parent = R"([scenario]
name = "plan"
name_en = "The plan"
name_zh = "规划方案"
description = "The plan's levers."
description_zh = "规划的政策杠杆。"
model = "four_plus_one"

[horizon]
start = 2015
end = 2020

[[regions]]
id = "yinchuan"

[[regions]]
id = "shizuishan"

[parameters.depreciation]
unit = "rate"
name_en = "R&D depreciation"
name_zh = "研发资本折旧率"
dist = "fixed"
value = 0.15

[parameters.absorption]
unit = "1"
name_zh = "吸收能力"
by_region.yinchuan = { dist = "fixed", value = 0.1 }
by_region.shizuishan = { dist = "fixed", value = 0.2 }
)";
  const Scenario s = load_scenario_text(parent, "plan.toml");
  CHECK(s.name_en == "The plan");
  CHECK(s.name_zh == "规划方案");
  CHECK(s.description_zh == "规划的政策杠杆。");
  const Parameter& dep = s.parameters[*s.parameter_index("depreciation")];
  CHECK(dep.name_en == "R&D depreciation");
  CHECK(dep.name_zh == "研发资本折旧率");
  const Parameter& ab = s.parameters[*s.parameter_index("absorption", "shizuishan")];
  CHECK(ab.name_zh == "吸收能力");  // every region's parameter shares its table's names
  CHECK(ab.name_en.empty());
  const std::string text = s.resolved_text();
  CHECK(text.find("name_zh = \"规划方案\"  # plan.toml:4\n") != std::string::npos);
  CHECK(text.find("description_zh = \"规划的政策杠杆。\"  # plan.toml:6\n") != std::string::npos);
  CHECK(text.find("name_en = \"R&D depreciation\"  # plan.toml:") != std::string::npos);

  SECTION("a file that names another scenario inherits none of the display names") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "innosim_test_display_names";
    fs::create_directories(dir);
    std::ofstream(dir / "plan.toml") << parent;
    const Scenario w = load_scenario_text("[scenario]\nextends = \"plan.toml\"\nname = \"whatif\"\n",
                                          "whatif.toml", dir.string());
    CHECK(w.name == "whatif");
    CHECK(w.name_en.empty());
    CHECK(w.name_zh.empty());
    CHECK(w.description.empty());
    CHECK(w.description_zh.empty());
    CHECK(w.parameters[*w.parameter_index("depreciation")].name_zh == "研发资本折旧率");
    const Scenario same = load_scenario_text("[scenario]\nextends = \"plan.toml\"\n", "same.toml", dir.string());
    CHECK(same.name_zh == "规划方案");  // no name of its own: the same scenario, refined
    fs::remove_all(dir);
  }
  SECTION("a name of the wrong type is refused where it stands") {
    const auto problems = test::problems_of(R"([scenario]
name = "t"
name_zh = 3
model = "four_plus_one"
)" + std::string("[horizon]\nstart = 2015\nend = 2020\n[[regions]]\nid = \"a\"\n"));
    test::check_at(test::the_problem(problems, "scenario.name_zh"), "plan.toml", 3, 11);
  }
}
