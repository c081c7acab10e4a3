// Sobol indices and Morris effects through the whole engine (scenario ->
// design -> pipeline -> estimators) on analytic test functions with known
// indices: the Ishigami function with a dummy input, Sobol's G function with
// a declared group.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "innosim/analysis/sensitivity.hpp"
#include "innosim/models/test_functions.hpp"
#include "innosim/random/sampler.hpp"

using namespace innosim;

namespace {

Scenario load(const std::string& name) { return load_scenario(std::string(INNOSIM_TEST_DATA) + "/analysis/" + name); }

SensitivityResult analyse(const Scenario& s, SensitivityOptions opt, unsigned threads = 2) {
  const TestFunction model(s);
  const Sampler sampler(s, s.run.seed, 1);
  opt.run.seed = s.run.seed;
  opt.run.threads = threads;
  return run_sensitivity(model, s, sampler, opt);
}

// The output index of the target-year value of target 0.
std::size_t value_output(const SensitivityResult& r, int year) {
  for (std::size_t o = 0; o < r.outputs.size(); ++o)
    if (r.outputs[o].kind == SensitivityOutput::Kind::value && r.outputs[o].year == year) return o;
  FAIL("no output for " << year);
  return 0;
}

std::size_t group(const SensitivityResult& r, const std::string& name) {
  for (std::size_t g = 0; g < r.groups.size(); ++g)
    if (r.groups[g].name == name) return g;
  FAIL("no group " << name);
  return 0;
}

void check_within(const Estimate& e, double analytic, double max_width) {
  CAPTURE(e.value, e.lo, e.hi, analytic);
  CHECK(e.lo <= analytic);
  CHECK(analytic <= e.hi);
  CHECK(e.hi - e.lo < max_width);  // an interval this narrow can miss
}

struct Ishigami {
  double a = 7.0, b = 0.1;
  double pi4 = std::pow(std::numbers::pi, 4), pi8 = pi4 * pi4;
  double v1 = 0.5 * std::pow(1.0 + b * pi4 / 5.0, 2);
  double v2 = a * a / 8.0;
  double v13 = b * b * pi8 * (1.0 / 18.0 - 1.0 / 50.0);
  double v = v1 + v2 + v13;
};

}  // namespace

TEST_CASE("Sobol indices of the Ishigami function are within their intervals of the analytic values",
          "[analysis][sobol]") {
  const Scenario s = load("ishigami.toml");
  SensitivityOptions opt;
  opt.base_samples = 4096;
  const SensitivityResult r = analyse(s, opt);
  REQUIRE(r.sobol);
  REQUIRE(r.groups.size() == 4);
  const SobolIndices& ix = r.sobol->indices[value_output(r, 2020)];
  const Ishigami f;
  CHECK(ix.variance == Approx(f.v).epsilon(0.03));
  check_within(ix.first[group(r, "x1")], f.v1 / f.v, 0.1);
  check_within(ix.first[group(r, "x2")], f.v2 / f.v, 0.1);
  check_within(ix.first[group(r, "x3")], 0.0, 0.1);
  check_within(ix.total[group(r, "x1")], (f.v1 + f.v13) / f.v, 0.1);
  check_within(ix.total[group(r, "x2")], f.v2 / f.v, 0.1);
  check_within(ix.total[group(r, "x3")], f.v13 / f.v, 0.1);
  // The dummy moves nothing: AB_4 equals A row for row, so both indices are 0.
  CHECK(ix.first[group(r, "x4")].value == 0.0);
  CHECK(ix.total[group(r, "x4")].value == 0.0);
  // No noise in this model: its indices are 0 too.
  CHECK(ix.noise_total.value == 0.0);
  // The start year's value is already f(x) (the horizon has one year): the same indices.
  CHECK(r.sobol->indices[value_output(r, 2019)].total[0].value == ix.total[0].value);
}

TEST_CASE("Sobol indices of the G function and of a declared group match the analytic values",
          "[analysis][sobol]") {
  const Scenario s = load("sobol_g.toml");
  SensitivityOptions opt;
  opt.base_samples = 4096;
  const SensitivityResult r = analyse(s, opt);
  REQUIRE(r.sobol);
  const std::vector<double> a = {0, 1, 4.5, 9, 99, 99};
  std::vector<double> vi;
  double prod = 1;
  for (double ai : a) {
    vi.push_back(1.0 / (3.0 * (1 + ai) * (1 + ai)));
    prod *= 1 + vi.back();
  }
  const double v = prod - 1;
  // Groups: the declared "tail" (x5, x6) first, then x1..x4 by name.
  REQUIRE(r.groups.size() == 5);
  CHECK(r.groups[0].name == "tail");
  CHECK(r.groups[0].declared);
  const SobolIndices& ix = r.sobol->indices[value_output(r, 2020)];
  for (std::size_t i = 0; i < 4; ++i) {
    std::string name = "x";
    name += std::to_string(i + 1);  // (not "x" + ...: GCC 12 warns falsely, -Wrestrict)
    INFO(name);
    const std::size_t g = group(r, name);
    check_within(ix.first[g], vi[i] / v, 0.1);
    check_within(ix.total[g], vi[i] * prod / (1 + vi[i]) / v, 0.1);
  }
  const double closed_tail = (1 + vi[4]) * (1 + vi[5]) - 1;
  const double closed_rest = prod / ((1 + vi[4]) * (1 + vi[5])) - 1;
  check_within(ix.first[0], closed_tail / v, 0.05);
  check_within(ix.total[0], (v - closed_rest) / v, 0.05);
}

TEST_CASE("the noise's share is reported and the parameters' indices are of the parameters given the noise",
          "[analysis][sobol][noise]") {
  Scenario s = load("ishigami.toml");
  s.options["noise_sd"] = 2.0;  // one simulated year: noise variance 4
  SensitivityOptions opt;
  opt.base_samples = 4096;
  const SensitivityResult r = analyse(s, opt);
  REQUIRE(r.sobol);
  const SobolIndices& ix = r.sobol->indices[value_output(r, 2020)];
  const Ishigami f;
  const double v = f.v + 4.0;
  check_within(ix.noise_first, 4.0 / v, 0.1);  // additive noise: no interaction,
  check_within(ix.noise_total, 4.0 / v, 0.1);  // first order = total
  check_within(ix.total[group(r, "x1")], (f.v1 + f.v13) / v, 0.1);
  check_within(ix.first[group(r, "x2")], f.v2 / v, 0.1);
  CHECK(ix.total[group(r, "x4")].value == 0.0);
}

TEST_CASE("Sobol indices of the event 'target met' are estimated like any output", "[analysis][sobol][met]") {
  const Scenario s = load("ishigami.toml");
  SensitivityOptions opt;
  opt.base_samples = 2048;
  const SensitivityResult r = analyse(s, opt);
  const SensitivityOutput& last = r.outputs.back();
  REQUIRE(last.kind == SensitivityOutput::Kind::met);
  const SobolIndices& ix = r.sobol->indices.back();
  // The mean of the 0/1 output is P(met); its variance p(1 - p).
  CHECK(ix.variance == Approx(ix.mean * (1 - ix.mean)).epsilon(1e-3));
  CHECK(ix.mean > 0.2);
  CHECK(ix.mean < 0.8);
  // y >= 3.5 is mostly the 7 sin^2 x2 term: x2 leads, the dummy has nothing.
  CHECK(ix.total[group(r, "x2")].value > ix.total[group(r, "x1")].value);
  CHECK(ix.total[group(r, "x4")].value == 0.0);
}

TEST_CASE("Morris ranks the G function's inputs in the order of their coefficients", "[analysis][morris]") {
  Scenario s = load("sobol_g.toml");
  s.sensitivity.groups.clear();  // every input alone
  SensitivityOptions opt;
  opt.sobol = false;
  opt.morris = true;
  opt.trajectories = 40;
  const SensitivityResult r = analyse(s, opt);
  REQUIRE(r.morris);
  REQUIRE(r.groups.size() == 6);
  const MorrisEffects& e = r.morris->effects[value_output(r, 2020)];
  for (std::size_t i = 0; i + 1 < 5; ++i) {
    CAPTURE(i, e.mu_star[i].value, e.mu_star[i + 1].value);
    CHECK(e.mu_star[i].value > e.mu_star[i + 1].value);  // a = 0 < 1 < 4.5 < 9 < 99
  }
  for (std::size_t i = 0; i < 6; ++i) {
    CHECK(e.mu_star[i].lo <= e.mu_star[i].value);
    CHECK(e.mu_star[i].value <= e.mu_star[i].hi);
    CHECK(std::abs(e.mu[i]) <= e.mu_star[i].value);
  }
  CHECK(r.morris->run.rows == 40 * 7);
}

TEST_CASE("sensitivity results are bit-identical for any thread count", "[analysis][determinism]") {
  Scenario s = load("ishigami.toml");
  s.options["noise_sd"] = 0.5;
  SensitivityOptions opt;
  opt.base_samples = 512;
  opt.morris = true;
  const SensitivityResult one = analyse(s, opt, 1), many = analyse(s, opt, 3);
  auto same = [](const Estimate& x, const Estimate& y) { return std::memcmp(&x, &y, sizeof x) == 0; };
  for (std::size_t o = 0; o < one.outputs.size(); ++o) {
    for (std::size_t g = 0; g < one.groups.size(); ++g) {
      CHECK(same(one.sobol->indices[o].first[g], many.sobol->indices[o].first[g]));
      CHECK(same(one.sobol->indices[o].total[g], many.sobol->indices[o].total[g]));
      CHECK(same(one.morris->effects[o].mu_star[g], many.morris->effects[o].mu_star[g]));
    }
    CHECK(same(one.sobol->indices[o].noise_total, many.sobol->indices[o].noise_total));
  }
  CHECK(one.sobol->run.target_values == many.sobol->run.target_values);
}
