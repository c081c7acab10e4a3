#pragma once
// An exp_growth scenario built in code, for runner tests.
#include "innosim/scenario/scenario.hpp"

namespace innosim::test {

inline Parameter param(std::string id, Distribution d) {
  Parameter p;
  p.id = std::move(id);
  p.unit = "rate";
  p.dist = d;
  return p;
}

inline Distribution fixed(double v) { return Distribution{Distribution::Kind::fixed, {v, 0, 0, 0}}; }
inline Distribution lognormal(double median, double sigma) {
  return Distribution{Distribution::Kind::lognormal, {median, sigma, 0, 0}};
}

// Two regions with initial output 100 and 50; zone output = 150 e^{sum of yearly growth}.
inline Scenario exp_scenario(Distribution growth, double shock_sd, double target_value) {
  Scenario s;
  s.name = "exp-test";
  s.model = "exp_growth";
  s.horizon.start = 2015;
  s.horizon.end = 2020;
  s.horizon.report_years = {2015, 2016, 2017, 2018, 2019, 2020};
  s.regions = {{"north", "North", "北"}, {"south", "South", "南"}};
  s.indicators = {{"output", "Output", "产出", "count"}};
  // Parameter order: sorted ids, per-region ones in region order.
  s.parameters = {param("growth", growth), param("initial[north]", fixed(100.0)),
                  param("initial[south]", fixed(50.0)), param("shock_sd", fixed(shock_sd))};
  Target t;
  t.indicator = "output";
  t.region = "zone";
  t.year = 2020;
  t.value = target_value;
  t.binding = true;
  s.targets = {t};
  Target t2 = t;
  t2.region = "north";
  t2.value = target_value * 100.0 / 150.0;
  t2.binding = false;
  s.targets.push_back(t2);
  return s;
}

}  // namespace innosim::test
