// Regions inside and outside the zone, and the whole territory ([territory]):
// what the loader accepts, what it rejects at file:line:col, and where each
// entry lands on a result's region axis.

#include <catch2/catch.hpp>

#include <string>

#include "innosim/scenario/scenario.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using namespace innosim::test;

namespace {

// Two regions in the zone (kHead's), one outside it, and the territory they make up.
const std::string kProvince = kHead + R"toml(in_zone = true

[[regions]]
id = "guyuan"
in_zone = false

[territory]
id = "ningxia"
name_en = "Ningxia (whole region)"
name_zh = "宁夏全区"
)toml";

// A target on rd_intensity in `region`.
std::string target_on(const std::string& region) {
  return "[indicators.rd_intensity]\nunit = \"%\"\n[[targets]]\nindicator = \"rd_intensity\"\nregion = \"" + region +
         "\"\nyear = 2020\nvalue = 2.0\n";
}

}  // namespace

TEST_CASE("regions outside the zone and the territory are read", "[scenario]") {
  const Scenario s = load_scenario_text(kProvince, "plan.toml");
  REQUIRE(s.regions.size() == 3);
  CHECK(s.regions[0].in_zone);
  CHECK(s.regions[1].in_zone);
  CHECK_FALSE(s.regions[2].in_zone);
  REQUIRE(s.territory);
  CHECK(s.territory->id == "ningxia");
  CHECK(s.territory->name_zh == "宁夏全区");
  CHECK(s.territory->where.line == 20);
  // The region axis of a result: the regions, then the zone, then the territory.
  CHECK(s.aggregate_ids() == std::vector<std::string>{"zone", "ningxia"});
  CHECK(s.output_index("guyuan") == 2u);
  CHECK(s.output_index("zone") == 3u);
  CHECK(s.output_index("ningxia") == 4u);
  CHECK_FALSE(s.output_index("wuzhong"));
  // The resolved text shows both.
  const std::string resolved = s.resolved_text();
  CHECK(resolved.find("in_zone = false  # plan.toml:18") != std::string::npos);
  CHECK(resolved.find("[territory]\nid = \"ningxia\"  # plan.toml:21") != std::string::npos);
}

TEST_CASE("without [territory] only the zone follows the regions; every region is in the zone by default",
          "[scenario]") {
  const Scenario s = load_scenario_text(kHead, "plan.toml");
  CHECK_FALSE(s.territory);
  CHECK(s.aggregate_ids() == std::vector<std::string>{"zone"});
  for (const Region& r : s.regions) CHECK(r.in_zone);
  CHECK(s.output_index("zone") == s.regions.size());
}

TEST_CASE("a target may name the territory", "[scenario]") {
  const Scenario s = load_scenario_text(kProvince + target_on("ningxia"), "plan.toml");
  REQUIRE(s.targets.size() == 1);
  CHECK(s.targets[0].region == "ningxia");
  // ... but not a territory the scenario does not declare.
  const auto ps = problems_of(kHead + target_on("ningxia"));
  CHECK(the_problem(ps, "targets[0].region").message == "unknown region 'ningxia' (expected one of: zone, yinchuan, shizuishan)");
}

TEST_CASE("in_zone and [territory] are checked at file:line:col", "[scenario]") {
  SECTION("in_zone must be a boolean") {
    const auto ps = problems_of(kHead + "in_zone = \"no\"\n");
    const Problem p = the_problem(ps, "regions[1].in_zone");
    check_at(p, "plan.toml", 14, 11);
    CHECK(p.message == "expected true or false (whether the region is in the zone), got the string \"no\"");
  }
  SECTION("some region must be in the zone") {
    const auto ps = problems_of(R"([scenario]
name = "t"
model = "four_plus_one"
[horizon]
start = 2015
end = 2020
[[regions]]
id = "guyuan"
in_zone = false
)");
    CHECK(the_problem(ps, "regions").message ==
          "expected at least one region in the zone (every region has in_zone = false)");
  }
  SECTION("the territory's id: required, an identifier, not the zone, not a region") {
    CHECK_THAT(the_problem(problems_of(kHead + "[territory]\nname_en = \"N\"\n"), "territory.id").message,
               Catch::StartsWith("required but missing"));
    const Problem ident = the_problem(problems_of(kHead + "[territory]\nid = \"ning xia\"\n"), "territory.id");
    check_at(ident, "plan.toml", 15, 6);
    CHECK(ident.message == "expected an id (letters, digits, _), got \"ning xia\"");
    CHECK_THAT(the_problem(problems_of(kHead + "[territory]\nid = \"zone\"\n"), "territory.id").message,
               Catch::StartsWith("expected an id other than \"zone\""));
    CHECK(the_problem(problems_of(kHead + "[territory]\nid = \"yinchuan\"\n"), "territory.id").message ==
          "expected an id other than the regions' (the territory sums them all), got \"yinchuan\"");
  }
  SECTION("unknown keys get a did-you-mean") {
    const auto ps = problems_of(kHead + "[territory]\nid = \"ningxia\"\nnmae_zh = \"宁夏\"\n");
    CHECK_THAT(the_problem(ps, "territory.nmae_zh").message, Catch::Contains("did you mean 'name_zh'?"));
  }
}
