// Every class of bad input: location (file, line, column), key and wording.

#include <catch2/catch.hpp>

#include "innosim/scenario/scenario.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using innosim::test::data_path;
using innosim::test::check_at;
using innosim::test::kHead;
using innosim::test::problems_of;
using innosim::test::problems_of_file;
using innosim::test::the_problem;

TEST_CASE("a TOML syntax error is reported at its file:line:col", "[scenario]") {
  const auto problems = problems_of_file(data_path("syntax_error.toml"));
  REQUIRE(problems.size() == 1);
  check_at(problems[0], data_path("syntax_error.toml"), 7, 7);
  CHECK(problems[0].key.empty());
  CHECK_THAT(problems[0].message, Catch::StartsWith("TOML syntax error: "));

  SECTION("in a parent, the parent's location is given") {
    const auto ps = problems_of_file(data_path("parent_syntax_error.toml"));
    REQUIRE(ps.size() == 1);
    check_at(ps[0], data_path("syntax_error.toml"), 7, 7);
  }
  SECTION("from text, under the given name") {
    const auto ps = problems_of("[run]\ndraws = 5\ndraws = 6\n", "dup.toml");
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].where.file == "dup.toml");
    CHECK(ps[0].where.line == 3);
    CHECK_THAT(ps[0].message, Catch::Contains("draws"));
  }
}

TEST_CASE("an unreadable scenario file is one problem naming it", "[scenario]") {
  const auto ps = problems_of_file(data_path("does_not_exist.toml"));
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].where.file == data_path("does_not_exist.toml"));
  CHECK_THAT(ps[0].message, Catch::Contains("cannot read"));
}

TEST_CASE("unknown keys and sections get a did-you-mean", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levrs.fiscal_rd_zone]
unit = "yuan"

[run]
draw = 5

[levers.fiscal_rd_zone]
unit = "yuan"
years = [2016]
vaules = [1e8]

[parameters.beta_rd]
unit = "1"
dist = "normal"
mean = 1.0
sd = 0.5
sigma = 0.1
souce = "assumption"
)");
  const Problem section = the_problem(ps, "levrs");
  check_at(section, "plan.toml", 15, 2);
  CHECK(section.message == "unknown section 'levrs' — did you mean 'levers'?");
  const auto top = problems_of("draws = 5\n" + kHead);  // before any table header
  CHECK(the_problem(top, "draws").message == "unknown key 'draws'");

  const Problem draw = the_problem(ps, "run.draw");
  check_at(draw, "plan.toml", 19, 1);
  CHECK_THAT(draw.message, Catch::StartsWith("unknown key 'draw' — did you mean 'draws'?"));

  const Problem vaules = the_problem(ps, "levers.fiscal_rd_zone.vaules");
  check_at(vaules, "plan.toml", 24, 1);
  CHECK_THAT(vaules.message, Catch::StartsWith("unknown key 'vaules' — did you mean 'values'?"));
  // ... and, since values is then absent, that is reported too.
  CHECK_THAT(the_problem(ps, "levers.fiscal_rd_zone.values").message, Catch::StartsWith("required but missing"));

  const Problem sigma = the_problem(ps, "parameters.beta_rd.sigma");
  check_at(sigma, "plan.toml", 31, 1);
  CHECK(sigma.message == "key 'sigma' does not belong to a normal distribution (it takes: mean, sd)");
  const Problem souce = the_problem(ps, "parameters.beta_rd.souce");
  CHECK_THAT(souce.message, Catch::StartsWith("unknown key 'souce' — did you mean 'source'?"));
}

TEST_CASE("a value of the wrong type says what was expected and found", "[scenario]") {
  const auto ps = problems_of(R"([scenario]
name = "t"
model = 4

[horizon]
start = "2015"
end = 2020.0

[run]
sampler = "sobel"
)");
  const Problem model = the_problem(ps, "scenario.model");
  check_at(model, "plan.toml", 3, 9);
  CHECK(model.message == "expected a model id (a string, e.g. \"four_plus_one\"), got 4");
  const Problem start = the_problem(ps, "horizon.start");
  check_at(start, "plan.toml", 6, 9);
  CHECK(start.message == "expected an integer year, got the string \"2015\"");
  const Problem end = the_problem(ps, "horizon.end");
  check_at(end, "plan.toml", 7, 7);
  CHECK(end.message == "expected an integer year, got 2020");
  const Problem sampler = the_problem(ps, "run.sampler");
  check_at(sampler, "plan.toml", 10, 11);
  CHECK(sampler.message ==
        "expected one of \"monte_carlo\", \"latin_hypercube\", \"sobol\", got \"sobel\" — did you mean 'sobol'?");
}

TEST_CASE("negative money is rejected at the offending element", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levers.fiscal_rd_zone]
unit = "yuan"
years = [2016, 2017]
values = [1e8, -2e8]

[parameters.grant]
unit = "yuan"
dist = "normal"
mean = 1e6
sd = 1e5
)");
  const Problem p = the_problem(ps, "levers.fiscal_rd_zone.values[1]");
  check_at(p, "plan.toml", 18, 16);
  CHECK(p.to_string() ==
        "plan.toml:18:16: levers.fiscal_rd_zone.values[1]: expected a non-negative amount in yuan, got -2e+08");
  // A normal distribution can go below zero: not for money.
  const Problem g = the_problem(ps, "parameters.grant");
  check_at(g, "plan.toml", 22, 8);
  CHECK(g.message ==
        "expected a distribution within [0, inf] for unit 'yuan' (a non-negative amount in yuan), got a normal "
        "distribution over [-inf, inf]");
}

TEST_CASE("shares, probabilities and rates outside their range", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levers.platform_share]
unit = "share"
years = [2016]
values = [1.5]

[levers.growth]
unit = "rate"
years = [2016]
values = [-0.1]

[parameters.p_success]
unit = "probability"
dist = "uniform"
min = 0.5
max = 1.2

[parameters.switch_on]
unit = "switch"
dist = "fixed"
value = 2

[verdict]
on_track = 1.2
)");
  const Problem share = the_problem(ps, "levers.platform_share.values[0]");
  check_at(share, "plan.toml", 18, 11);
  CHECK(share.message == "expected a share in [0, 1], got 1.5");
  const Problem rate = the_problem(ps, "levers.growth.values[0]");
  check_at(rate, "plan.toml", 23, 11);
  CHECK(rate.message == "expected a non-negative rate per year, got -0.1");
  const Problem prob = the_problem(ps, "parameters.p_success");
  check_at(prob, "plan.toml", 27, 8);
  CHECK(prob.message ==
        "expected a distribution within [0, 1] for unit 'probability' (a probability in [0, 1]), got a uniform "
        "distribution over [0.5, 1.2]");
  const Problem sw = the_problem(ps, "parameters.switch_on.value");
  check_at(sw, "plan.toml", 34, 9);
  CHECK(sw.message == "expected a switch value, 0 or 1, got 2");
  const Problem v = the_problem(ps, "verdict.on_track");
  check_at(v, "plan.toml", 37, 12);
  CHECK(v.message == "expected a probability in [0, 1], got 1.2");
}

TEST_CASE("nan and inf literals are rejected", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levers.fiscal_rd_zone]
unit = "yuan"
years = [2016, 2017]
values = [nan, 1e8]

[parameters.elasticity]
unit = "1"
dist = "normal"
mean = inf
sd = 0.2

[[targets]]
indicator = "x"
year = 2020
value = -inf
)");
  const Problem v = the_problem(ps, "levers.fiscal_rd_zone.values[0]");
  check_at(v, "plan.toml", 18, 11);
  CHECK(v.message == "expected a non-negative amount in yuan, got nan");
  const Problem m = the_problem(ps, "parameters.elasticity.mean");
  check_at(m, "plan.toml", 23, 8);
  CHECK(m.message == "expected a finite number, got inf");
  const Problem t = the_problem(ps, "targets[0].value");
  check_at(t, "plan.toml", 29, 9);
  CHECK(t.message == "expected a finite number, got -inf");
}

TEST_CASE("years outside the horizon or out of order", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levers.a]
unit = "count"
years = [2016, 2021]
values = [1, 2]

[levers.b]
unit = "count"
years = [2018, 2017]
values = [1, 2]

[indicators.x]
unit = "count"

[[targets]]
indicator = "x"
year = 2015
value = 3
)");
  const Problem a = the_problem(ps, "levers.a.years[1]");
  check_at(a, "plan.toml", 17, 16);
  CHECK(a.message == "expected a year in [2015, 2020] (the horizon), got 2021");
  const Problem b = the_problem(ps, "levers.b.years[1]");
  check_at(b, "plan.toml", 22, 16);
  CHECK(b.message == "expected years in strictly increasing order, got 2017 after 2018");
  const Problem t = the_problem(ps, "targets[0].year");
  check_at(t, "plan.toml", 30, 8);
  CHECK(t.message == "expected a year in (2015, 2020] (after the start year, within the horizon), got 2015");

  const auto hs = problems_of(R"([scenario]
name = "t"
model = "m"
[horizon]
start = 2015
end = 2020
report_years = [2016, 2016, 2022]
)");
  CHECK(the_problem(hs, "horizon.report_years[1]").message ==
        "expected years in strictly increasing order, got 2016 after 2016");
  check_at(the_problem(hs, "horizon.report_years[2]"), "plan.toml", 7, 29);

  const auto es = problems_of("[scenario]\nname = \"t\"\nmodel = \"m\"\n[horizon]\nstart = 2015\nend = 2015\n");
  const Problem end = the_problem(es, "horizon.end");
  check_at(end, "plan.toml", 6, 7);
  CHECK(end.message == "expected a year after horizon.start (2015), got 2015");
}

TEST_CASE("unknown regions, with did-you-mean", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[indicators.patents]
unit = "count"

[levers.platform_share]
unit = "share"
by_region.yinchun = { years = [2016], values = [0.5] }
by_region.shizuishan = { years = [2016], values = [0.5] }

[[targets]]
indicator = "patents"
region = "shizuishn"
year = 2020
value = 10
)");
  const Problem t = the_problem(ps, "targets[0].region");
  check_at(t, "plan.toml", 25, 10);
  CHECK(t.message ==
        "unknown region 'shizuishn' — did you mean 'shizuishan'? (expected one of: zone, yinchuan, shizuishan)");
  const Problem l = the_problem(ps, "levers.platform_share.by_region.yinchun");
  check_at(l, "plan.toml", 20, 11);
  CHECK_THAT(l.message, Catch::StartsWith("unknown region 'yinchun' — did you mean 'yinchuan'?"));
  // ... and the region it meant is then missing.
  const Problem m = the_problem(ps, "levers.platform_share.by_region.yinchuan");
  CHECK_THAT(m.message, Catch::StartsWith("required but missing: by_region must give every region"));
}

TEST_CASE("a target must name an indicator listed in [indicators]", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[indicators.rd_intensity]
unit = "%"

[[targets]]
indicator = "rd_intensty"
year = 2020
value = 2.0
)");
  const Problem p = the_problem(ps, "targets[0].indicator");
  check_at(p, "plan.toml", 19, 13);
  CHECK(p.message == "unknown indicator 'rd_intensty': expected one listed in [indicators] — did you mean 'rd_intensity'?");
}

TEST_CASE("missing required values", "[scenario]") {
  const auto ps = problems_of(R"([scenario]
model = "m"

[horizon]
end = 2020

[parameters.elasticity]
unit = "1"
dist = "normal"
mean = 1.0
)");
  const Problem name = the_problem(ps, "scenario.name");
  check_at(name, "plan.toml", 1, 1);
  CHECK(name.message == "required but missing: expected a string (the scenario's short id)");
  const Problem start = the_problem(ps, "horizon.start");
  check_at(start, "plan.toml", 4, 1);
  CHECK_THAT(start.message, Catch::StartsWith("required but missing: expected an integer year"));
  const Problem sd = the_problem(ps, "parameters.elasticity.sd");
  check_at(sd, "plan.toml", 7, 1);
  CHECK(sd.message == "required by a normal distribution but missing: expected a number");

  const auto none = problems_of("", "empty.toml");
  CHECK(the_problem(none, "scenario").where.to_string() == "empty.toml");
  CHECK(the_problem(none, "horizon").message == "required but missing: expected a [horizon] table with start and end years");
}

TEST_CASE("distribution parameters are checked", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[parameters.a]
unit = "1"
dist = "normal"
mean = 0
sd = -1

[parameters.b]
unit = "1"
dist = "triangular"
min = 0
mode = 3
max = 2

[parameters.c]
unit = "1"
dist = "uniform"
min = 2
max = 1

[parameters.d]
unit = "1"
dist = "lognormal"
median = 0
sigma = 0.5

[parameters.e]
unit = "1"
dist = "beta"
alpha = 0
beta = 2

[parameters.f]
unit = "1"
dist = "gauss"
mean = 0
)");
  CHECK(the_problem(ps, "parameters.a.sd").message == "expected a standard deviation > 0, got -1");
  check_at(the_problem(ps, "parameters.a.sd"), "plan.toml", 19, 6);
  CHECK(the_problem(ps, "parameters.b.mode").message == "expected mode within [min, max] = [0, 2], got 3");
  CHECK(the_problem(ps, "parameters.c.max").message == "expected max greater than min (2), got 1");
  CHECK(the_problem(ps, "parameters.d.median").message == "expected a median > 0, got 0");
  CHECK(the_problem(ps, "parameters.e.alpha").message == "expected a shape alpha > 0, got 0");
  CHECK(the_problem(ps, "parameters.f.dist").message ==
        "expected one of \"fixed\", \"uniform\", \"normal\", \"truncnormal\", \"lognormal\", \"triangular\", "
        "\"beta\", \"pert\", got \"gauss\"");
}

TEST_CASE("correlation matrices are checked", "[scenario]") {
  const std::string params = kHead + R"(
[parameters.a]
unit = "1"
dist = "normal"
mean = 0
sd = 1

[parameters.b]
unit = "1"
dist = "normal"
mean = 0
sd = 1

[parameters.c]
unit = "1"
dist = "normal"
mean = 0
sd = 1
)";  // ends on line 31
  SECTION("not positive definite") {
    const auto ps = problems_of(params + R"(
[[correlations]]
parameters = ["a", "b", "c"]
matrix = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]
)");
    const Problem p = the_problem(ps, "correlations[0]");
    check_at(p, "plan.toml", 35, 10);
    CHECK(p.to_string() == "plan.toml:35:10: correlations[0]: matrix over [a, b, c] is not positive definite");
  }
  SECTION("not symmetric") {
    const auto ps = problems_of(params + R"(
[[correlations]]
parameters = ["a", "b"]
matrix = [[1.0, 0.3], [0.2, 1.0]]
)");
    const Problem p = the_problem(ps, "correlations[0]");
    check_at(p, "plan.toml", 35, 24);
    CHECK(p.message == "matrix over [a, b] is not symmetric: [0][1] = 0.3 but [1][0] = 0.2");
  }
  SECTION("diagonal not 1") {
    const auto ps = problems_of(params + R"(
[[correlations]]
parameters = ["a", "b"]
matrix = [[1.0, 0.3], [0.3, 0.9]]
)");
    const Problem p = the_problem(ps, "correlations[0]");
    check_at(p, "plan.toml", 35, 29);
    CHECK(p.message == "matrix over [a, b] must have 1 on the diagonal, got 0.9 at [1][1]");
  }
  SECTION("unknown parameters and wrong shape") {
    const auto ps = problems_of(params + R"(
[[correlations]]
parameters = ["a", "bb", "zzz"]
matrix = [[1.0, 0.3], [0.3, 1.0]]
)");
    const Problem bb = the_problem(ps, "correlations[0].parameters[1]");
    check_at(bb, "plan.toml", 34, 20);
    CHECK(bb.message == "unknown parameter 'bb'");  // one-letter ids are never suggested
    CHECK(the_problem(ps, "correlations[0].parameters[2]").message == "unknown parameter 'zzz'");
    const Problem shape = the_problem(ps, "correlations[0].matrix");
    check_at(shape, "plan.toml", 35, 10);
    CHECK(shape.message == "expected a 3x3 matrix (one row of 3 numbers per parameter), got 2 rows");
  }
  SECTION("a valid block over a per-region parameter loads") {
    const Scenario s = load_scenario_text(params + R"(
[parameters.r]
unit = "1"
by_region.yinchuan = { dist = "normal", mean = 0, sd = 1 }
by_region.shizuishan = { dist = "normal", mean = 0, sd = 1 }

[[correlations]]
parameters = ["r[shizuishan]", "a"]
matrix = [[1.0, -0.5], [-0.5, 1.0]]
)",
                                          "plan.toml");
    REQUIRE(s.correlations.size() == 1);
    CHECK(s.correlations[0].parameters[0] == "r[shizuishan]");
    CHECK(s.correlations[0].where.line == 38);
  }
}

TEST_CASE("extends cycles and missing parents name the chain", "[scenario]") {
  const auto cycle = problems_of_file(data_path("cycle_a.toml"));
  REQUIRE(cycle.size() == 1);
  check_at(cycle[0], data_path("cycle_b.toml"), 3, 11);
  CHECK(cycle[0].key == "scenario.extends");
  CHECK(cycle[0].message == "extends cycle: " + data_path("cycle_a.toml") + " -> " + data_path("cycle_b.toml") +
                                " -> " + data_path("cycle_a.toml"));

  const auto self = problems_of("[scenario]\nextends = \"me.toml\"\n", "me.toml", INNOSIM_TEST_DATA "/scenario");
  REQUIRE(self.size() == 1);
  CHECK(self[0].message == "extends cycle: me.toml -> " + data_path("me.toml"));

  const auto missing = problems_of_file(data_path("missing_parent.toml"));
  REQUIRE(missing.size() == 1);
  check_at(missing[0], data_path("missing_parent.toml"), 3, 26);
  CHECK(missing[0].key == "scenario.extends");
  CHECK(missing[0].message == "cannot read parent file '" + data_path("no_such_parent.toml") +
                                  "': no such file; chain: " + data_path("missing_parent.toml") +
                                  " -> " + data_path("no_such_parent.toml"));

  const auto wrong = problems_of("[scenario]\nextends = 3\n");
  CHECK(the_problem(wrong, "scenario.extends").message ==
        "expected a file name or an array of file names, got 3");
}

TEST_CASE("years and values of different length", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levers.fiscal_rd_zone]
unit = "yuan"
years = [2016, 2017, 2018]
values = [1e8, 2e8]
)");
  const Problem p = the_problem(ps, "levers.fiscal_rd_zone.values");
  check_at(p, "plan.toml", 18, 10);
  CHECK(p.message == "expected 3 values (one per year in levers.fiscal_rd_zone.years), got 2");
}

TEST_CASE("verdict thresholds and draw count", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[verdict]
on_track = 0.6
at_risk = 0.7

[run]
draws = 0
seed = -1
)");
  const Problem v = the_problem(ps, "verdict.at_risk");
  check_at(v, "plan.toml", 17, 11);
  CHECK(v.message == "expected at_risk <= on_track (0.6), got 0.7");
  const Problem d = the_problem(ps, "run.draws");
  check_at(d, "plan.toml", 20, 9);
  CHECK(d.message == "expected an integer number of draws >= 1, got 0");
  CHECK(the_problem(ps, "run.seed").message == "expected an integer seed >= 0, got -1");
}

TEST_CASE("regions: reserved, duplicate and malformed ids", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[[regions]]
id = "zone"

[[regions]]
id = "yinchuan"

[[regions]]
id = "wu zhong"
)");
  CHECK_THAT(the_problem(ps, "regions[2].id").message, Catch::StartsWith("expected a region id other than \"zone\""));
  const Problem dup = the_problem(ps, "regions[3].id");
  check_at(dup, "plan.toml", 19, 6);
  CHECK(dup.message == "duplicate region id \"yinchuan\" (first given at plan.toml:10:6)");
  CHECK(the_problem(ps, "regions[4].id").message == "expected a region id (letters, digits, _), got \"wu zhong\"");
}

TEST_CASE("every problem in a file is reported, not just the first", "[scenario]") {
  const auto ps = problems_of_file(data_path("many_problems.toml"));
  std::vector<std::string> lines;
  for (const Problem& p : ps) lines.push_back(p.to_string());
  const std::string f = data_path("many_problems.toml");
  CHECK(lines == std::vector<std::string>{
                     f + ":3:9: scenario.model: expected a model id (a string, e.g. \"four_plus_one\"), got 7",
                     f + ":7:7: horizon.end: expected a year after horizon.start (2015), got 2010",
                     f + ":10:9: run.draws: expected an integer number of draws >= 1, got 0",
                     f + ":17:11: levers.fiscal_rd.values[0]: expected a non-negative amount in yuan, got -5",
                     f + ":20:1: parameters.x.sd: required by a normal distribution but missing: expected a number",
                 });
  try {
    (void)load_scenario(f);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) == lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3] + "\n" + lines[4]);
  }
}

TEST_CASE("lever and parameter tables must hold one form, and by_region every region", "[scenario]") {
  const auto ps = problems_of(kHead + R"(
[levers.both]
unit = "count"
years = [2016]
values = [1]
by_region.yinchuan = { years = [2016], values = [1] }

[levers.partial]
unit = "count"
by_region.yinchuan = { years = [2016], values = [1] }

[levers.no_unit]
years = [2016]
values = [1]

[parameters.mixed]
unit = "1"
dist = "fixed"
value = 1
by_region.yinchuan = { dist = "fixed", value = 1 }
by_region.shizuishan = { dist = "fixed", value = 1 }
)");
  const Problem both = the_problem(ps, "levers.both.by_region");
  check_at(both, "plan.toml", 19, 1);
  CHECK(both.message ==
        "expected either years/values (one path for the zone) or by_region (one path per region), got both");
  const Problem partial = the_problem(ps, "levers.partial.by_region.shizuishan");
  CHECK(partial.message ==
        "required but missing: by_region must give every region, and 'shizuishan' is not given");
  const Problem unit = the_problem(ps, "levers.no_unit.unit");
  check_at(unit, "plan.toml", 25, 1);
  CHECK_THAT(unit.message, Catch::StartsWith("required but missing: expected a unit"));
  const Problem mixed = the_problem(ps, "parameters.mixed.dist");
  check_at(mixed, "plan.toml", 31, 1);
  CHECK_THAT(mixed.message, Catch::StartsWith("expected either a distribution (dist, ...) or by_region"));
}

TEST_CASE("a misspelt lever in a what-if gets a did-you-mean, not a missing unit", "[scenario][validation]") {
  const std::string dir = std::string(INNOSIM_TEST_DATA) + "/scenario";
  const std::string text =
      "[scenario]\nname = \"w\"\nextends = \"valid.toml\"\n\n[levers.fiscal_rd_zon]\nyears = [2015]\nvalues = [1.0]\n";
  try {
    (void)innosim::load_scenario_text(text, "w.toml", dir);
    FAIL("expected a ScenarioError");
  } catch (const innosim::ScenarioError& e) {
    REQUIRE(e.problems().size() == 1);
    const auto& p = e.problems()[0];
    CHECK(p.where.file == "w.toml");
    CHECK(p.where.line == 5);
    CHECK(p.key == "levers.fiscal_rd_zon");
    CHECK(p.message.find("did you mean 'fiscal_rd_zone'?") != std::string::npos);
  }
}
