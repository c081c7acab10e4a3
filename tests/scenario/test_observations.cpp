// Observation files: the shipped file loads; every kind of bad input is
// reported at file:line:col; matching against a model's indicators, regions,
// units and years.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "innosim/scenario/observations.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using innosim::test::check_at;
using innosim::test::the_problem;

namespace {

std::vector<Problem> problems_of_obs(const std::string& text) {
  try {
    (void)load_observations_text(text, "obs.toml");
  } catch (const ScenarioError& e) {
    return e.problems();
  }
  return {};
}

// 3 lines; a series appended starts at line 4.
const std::string kObsHead = R"([observations]
name = "t"

)";

const std::string kGood = R"([[series]]
indicator = "rd_intensity"
region = "ningxia"
unit = "%"
years = [2013, 2014]
values = [0.81, 0.87]
uncertainty = 0.02
source = "bulletin 2014"
)";

ObservationScope scope() {
  ObservationScope s;
  s.indicators = {{"rd_intensity", "%", false}, {"patents", "count", true}};
  s.regions = {"yinchuan", "zone", "ningxia"};
  s.years = {2012, 2013, 2014, 2015};
  s.years_what = "the horizon 2012-2015";
  return s;
}

}  // namespace

TEST_CASE("the shipped observation file loads, every value with its source and uncertainty", "[observations]") {
  const ObservationSet set = load_observations(std::string(INNOSIM_SOURCE_DIR) + "/scenarios/observed-2010-2015.toml");
  CHECK(set.name == "observed-2010-2015");
  CHECK_FALSE(set.not_published.empty());
  REQUIRE(set.observations.size() > 30);
  CHECK(set.notes.size() == set.num_series);
  for (const Observation& o : set.observations) {
    INFO(o.key);
    CHECK(o.sd > 0);
    CHECK_FALSE(o.source.empty());
    CHECK(o.year <= 2015);
    CHECK(o.where.line > 0);
  }
  // Ningxia population, 2010: the first value of its series, 0.5 % relative.
  const auto pop = std::find_if(set.observations.begin(), set.observations.end(), [](const Observation& o) {
    return o.indicator == "population" && o.region == "ningxia" && o.year == 2010;
  });
  REQUIRE(pop != set.observations.end());
  CHECK(pop->value == 6329600);
  CHECK(pop->sd == Approx(0.005 * 6329600));
  CHECK(pop->unit == "persons");
}

TEST_CASE("an observation file: values, uncertainties and sources per value", "[observations]") {
  const ObservationSet set = load_observations_text(kObsHead + kGood + R"(
[[series]]
indicator = "patents"
region = "zone"
unit = "count"
years = [2014, 2015]
values = [200, 0]
uncertainty = [8, 9]
sources = ["a", "b"]
note = "n"
)",
                                                    "obs.toml");
  REQUIRE(set.observations.size() == 4);
  CHECK(set.observations[1].value == 0.87);
  CHECK(set.observations[1].sd == 0.02);
  CHECK(set.observations[1].source == "bulletin 2014");
  check_at(Problem{set.observations[1].where, "", ""}, "obs.toml", 9, 17);
  CHECK(set.observations[3].sd == 9);
  CHECK(set.observations[3].source == "b");
  CHECK(set.observations[3].key == "series[1].values[1]");
  CHECK(set.notes == std::vector<std::string>{"", "n"});
}

TEST_CASE("observation files: every problem at file:line:col", "[observations]") {
  SECTION("unknown keys, with did-you-mean") {
    const auto ps = problems_of_obs(kObsHead + kGood + "uncertainy = 0.1\n[extra]\n");
    const Problem p = the_problem(ps, "series[0].uncertainy");
    check_at(p, "obs.toml", 12, 1);
    CHECK(p.message.find("did you mean 'uncertainty'") != std::string::npos);
    const Problem q = the_problem(ps, "extra");
    check_at(q, "obs.toml", 13, 2);
  }
  SECTION("years not increasing, lengths, NaN and negative values") {
    const auto ps = problems_of_obs(kObsHead + R"([[series]]
indicator = "rd_intensity"
region = "ningxia"
unit = "count"
years = [2013, 2013, 2015]
values = [1, nan, -2]
uncertainty = 0.02
source = "s"

[[series]]
indicator = "rd_intensity"
region = "zone"
unit = "%"
years = [2013, 2014]
values = [-0.5, 1, 2]
uncertainty = 0.02
source = "s"
)");
    check_at(the_problem(ps, "series[0].years[1]"), "obs.toml", 8, 16);
    const Problem nan = the_problem(ps, "series[0].values[1]");
    check_at(nan, "obs.toml", 9, 14);
    CHECK(nan.message.find("got nan") != std::string::npos);
    const Problem neg = the_problem(ps, "series[0].values[2]");
    check_at(neg, "obs.toml", 9, 19);
    CHECK(neg.message.find("non-negative") != std::string::npos);
    const Problem len = the_problem(ps, "series[1].values");
    check_at(len, "obs.toml", 18, 10);
    CHECK(len.message.find("2 of them") != std::string::npos);
  }
  SECTION("a negative growth rate in % is a value, not a problem") {
    CHECK(problems_of_obs(kObsHead + R"([[series]]
indicator = "gdp_real_growth"
region = "ningxia"
unit = "%"
years = [2015]
values = [-1.5]
uncertainty = 0.2
source = "s"
)").empty());
  }
  SECTION("uncertainty <= 0, both kinds, or none; sources missing, empty or of the wrong length") {
    const auto ps = problems_of_obs(kObsHead + R"([[series]]
indicator = "rd_intensity"
region = "ningxia"
unit = "%"
years = [2013, 2014]
values = [0.81, 0.87]
uncertainty = [0.02, 0]

[[series]]
indicator = "rd_intensity"
region = "zone"
unit = "%"
years = [2013, 2014]
values = [0.81, 0.87]
uncertainty = 0.1
relative_uncertainty = 0.1
sources = ["a", ""]

[[series]]
indicator = "rd_intensity"
region = "yinchuan"
unit = "%"
years = [2013, 2014]
values = [0.81, 0.87]
sources = ["a"]
)");
    check_at(the_problem(ps, "series[0].uncertainty[1]"), "obs.toml", 10, 22);
    const Problem src = the_problem(ps, "series[0].source");
    check_at(src, "obs.toml", 4, 1);
    CHECK(src.message.find("required but missing") != std::string::npos);
    check_at(the_problem(ps, "series[1].relative_uncertainty"), "obs.toml", 19, 1);
    check_at(the_problem(ps, "series[1].sources[1]"), "obs.toml", 20, 17);
    check_at(the_problem(ps, "series[2].uncertainty"), "obs.toml", 22, 1);
    check_at(the_problem(ps, "series[2].sources"), "obs.toml", 28, 11);
  }
  SECTION("missing fields and the same value twice") {
    const auto ps = problems_of_obs(kObsHead + kGood + R"(
[[series]]
region = "ningxia"
unit = "%"
values = [0.8]
uncertainty = 0.1
source = "s"

[[series]]
indicator = "rd_intensity"
region = "ningxia"
unit = "%"
years = [2014]
values = [0.88]
uncertainty = 0.1
source = "s"
)");
    check_at(the_problem(ps, "series[1].indicator"), "obs.toml", 13, 1);
    check_at(the_problem(ps, "series[1].years"), "obs.toml", 13, 1);
    const Problem dup = the_problem(ps, "series[2].years[0]");
    check_at(dup, "obs.toml", 24, 10);
    CHECK(dup.message.find("obs.toml:9:17") != std::string::npos);
  }
  SECTION("a TOML syntax error, no [observations], no series") {
    check_at(problems_of_obs("[observations\n").at(0), "obs.toml", 1, 14);
    const auto ps = problems_of_obs("x = 1\n");
    the_problem(ps, "x");
    the_problem(ps, "observations");
    the_problem(ps, "series");
  }
}

TEST_CASE("observations matched against a model's indicators, regions, units and years", "[observations]") {
  const ObservationSet set = load_observations_text(kObsHead + kGood + R"(
[[series]]
indicator = "rd_intensty"
region = "ningxia"
unit = "%"
years = [2014]
values = [0.8]
uncertainty = 0.1
source = "s"

[[series]]
indicator = "patents"
region = "yinchaun"
unit = "count"
years = [2014]
values = [3]
uncertainty = 1
source = "s"

[[series]]
indicator = "patents"
region = "zone"
unit = "%"
years = [2014]
values = [3]
uncertainty = 1
source = "s"

[[series]]
indicator = "patents"
region = "ningxia"
unit = "count"
years = [2011, 2016]
values = [3, 4]
uncertainty = 1
source = "s"
)",
                                                    "obs.toml");
  const auto m = match_observations(set, scope());
  REQUIRE(m.size() == 7);
  CHECK(m[0].fit == ObservationFit::ok);
  CHECK(m[1].fit == ObservationFit::ok);
  CHECK(m[1].indicator == 0);
  CHECK(m[1].region == 2);
  CHECK(m[1].year == 2);
  CHECK(m[2].fit == ObservationFit::unknown_indicator);
  check_at(*m[2].problem, "obs.toml", 14, 13);
  CHECK(m[2].problem->message.find("did you mean 'rd_intensity'") != std::string::npos);
  CHECK(m[3].fit == ObservationFit::unknown_region);
  check_at(*m[3].problem, "obs.toml", 24, 10);
  CHECK(m[3].problem->message.find("did you mean 'yinchuan'") != std::string::npos);
  CHECK(m[4].fit == ObservationFit::unit_mismatch);
  check_at(*m[4].problem, "obs.toml", 34, 8);
  CHECK(m[5].fit == ObservationFit::year_outside);
  check_at(*m[5].problem, "obs.toml", 44, 10);
  CHECK(m[5].problem->message == "year 2011 is outside the horizon 2012-2015");
  CHECK(m[6].fit == ObservationFit::year_outside);

  try {
    require_observations_fit(m);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    CHECK(e.problems().size() == 5);
  }
}
