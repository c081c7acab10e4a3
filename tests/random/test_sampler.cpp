// Parameter sampler: block independence, Latin hypercube strata, the Sobol
// construction, the Gaussian copula's rank correlation, bad matrices, and
// quasi-Monte Carlo's advantage on a smooth integrand.

#include <boost/random/sobol.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "innosim/random/sampler.hpp"
#include "innosim/random/sobol.hpp"
#include "innosim/random/streams.hpp"

using innosim::Distribution;
using innosim::Sampler;
using innosim::SamplerKind;
using innosim::Scenario;
using Kind = innosim::Distribution::Kind;

namespace {

innosim::Parameter param(std::string id, Kind kind, std::array<double, 4> p) {
  innosim::Parameter out;
  out.id = std::move(id);
  out.dist.kind = kind;
  out.dist.p = p;
  return out;
}

Scenario scenario_of(SamplerKind kind, std::vector<innosim::Parameter> params,
                     std::vector<innosim::Correlation> correlations = {}) {
  Scenario s;
  s.name = "test";
  s.run.sampler = kind;
  s.parameters = std::move(params);
  s.correlations = std::move(correlations);
  return s;
}

innosim::Correlation correlation(std::vector<std::string> ids,
                                 std::vector<std::vector<double>> matrix) {
  innosim::Correlation c;
  c.parameters = std::move(ids);
  c.matrix = std::move(matrix);
  return c;
}

Scenario unit_cube(SamplerKind kind, int dims) {
  std::vector<innosim::Parameter> params;
  for (int k = 0; k < dims; ++k) {
    std::string id = "u";
    id += std::to_string(k);  // (not "u" + ...: GCC 12 warns falsely, -Wrestrict)
    params.push_back(param(std::move(id), Kind::uniform, {0, 1}));
  }
  return scenario_of(kind, std::move(params));
}

// A scenario with every distribution kind, two fixed parameters (one inside
// a correlation block) and two correlation blocks.
Scenario mixed(SamplerKind kind) {
  return scenario_of(
      kind,
      {param("a", Kind::normal, {1, 0.2}), param("fixed1", Kind::fixed, {7}),
       param("b", Kind::lognormal, {3, 0.4}), param("c", Kind::truncnormal, {1, 0.35, 0.3, 2}),
       param("d", Kind::triangular, {0, 1, 4}), param("e", Kind::beta, {2, 3, 0, 10}),
       param("fixed2", Kind::fixed, {-2}), param("f", Kind::pert, {1, 2, 5}),
       param("g", Kind::uniform, {5, 6})},
      {correlation({"a", "b", "fixed1", "c"}, {{1, 0.5, 0.1, 0.2},
                                               {0.5, 1, 0.0, -0.3},
                                               {0.1, 0.0, 1, 0.0},
                                               {0.2, -0.3, 0.0, 1}}),
       correlation({"f", "e"}, {{1, -0.6}, {-0.6, 1}})});
}

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return x[i] < x[j]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size(); ++i) r[order[i]] = static_cast<double>(i);
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace

TEST_CASE("a draw is the same whatever block computes it", "[sampler]") {
  const SamplerKind kind = GENERATE(SamplerKind::monte_carlo, SamplerKind::latin_hypercube,
                                    SamplerKind::sobol);
  CAPTURE(static_cast<int>(kind));
  const Scenario s = mixed(kind);
  const Sampler sampler(s, 99, 2000);
  REQUIRE(sampler.num_parameters() == 9);
  REQUIRE(sampler.dimensions() == 7);
  const std::size_t np = sampler.num_parameters();

  std::vector<double> all(2000 * np);
  sampler.draw(0, 2000, all);
  std::vector<double> one(np);
  sampler.draw(1000, 1, one);
  for (std::size_t j = 0; j < np; ++j) REQUIRE(one[j] == all[1000 * np + j]);

  std::vector<double> block(37 * np);
  sampler.draw(1499, 37, block);
  for (std::size_t i = 0; i < block.size(); ++i) REQUIRE(block[i] == all[1499 * np + i]);

  // Another sampler over the same inputs agrees; another seed does not.
  const Sampler again(s, 99, 2000);
  again.draw(1000, 1, one);
  for (std::size_t j = 0; j < np; ++j) REQUIRE(one[j] == all[1000 * np + j]);
  const Sampler other(s, 100, 2000);
  other.draw(1000, 1, one);
  CHECK(one[0] != all[1000 * np]);

  // Fixed parameters keep their values; the others stay in their support.
  for (std::size_t i = 0; i < 2000; ++i) {
    REQUIRE(all[i * np + 1] == 7.0);
    REQUIRE(all[i * np + 6] == -2.0);
    for (std::size_t j = 0; j < np; ++j) {
      const Distribution& d = s.parameters[j].dist;
      REQUIRE(all[i * np + j] >= d.lower());
      REQUIRE(all[i * np + j] <= d.upper());
    }
  }
}

TEST_CASE("Latin hypercube hits each stratum once per dimension", "[sampler]") {
  constexpr std::size_t n = 1000;
  const Sampler sampler(unit_cube(SamplerKind::latin_hypercube, 4), 5, n);
  std::vector<double> theta(n * 4);
  sampler.draw(0, n, theta);
  for (std::size_t k = 0; k < 4; ++k) {
    std::vector<int> hits(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = theta[i * 4 + k];
      REQUIRE(u > 0.0);
      REQUIRE(u < 1.0);
      ++hits[static_cast<std::size_t>(u * n)];
    }
    CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
  }
  // Dimensions are permuted independently: stratum order differs.
  CHECK(static_cast<int>(theta[0] * n) != static_cast<int>(theta[1] * n));
  // Draws past the stratum count do not exist.
  std::vector<double> one(4);
  CHECK_THROWS_AS(sampler.draw(n, 1, one), std::out_of_range);
}

TEST_CASE("Latin hypercube strata for awkward sizes", "[sampler]") {
  const std::size_t n = GENERATE(std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{1025});
  const Sampler sampler(unit_cube(SamplerKind::latin_hypercube, 2), 11, n);
  std::vector<double> theta(n * 2);
  sampler.draw(0, n, theta);
  std::vector<int> hits(n, 0);
  for (std::size_t i = 0; i < n; ++i) ++hits[static_cast<std::size_t>(theta[i * 2 + 1] * n)];
  CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
}

TEST_CASE("Sobol points are Boost's Joe-Kuo sequence with the documented shift", "[sampler]") {
  constexpr int dims = 6;
  constexpr std::uint64_t seed = 314;
  const Sampler sampler(unit_cube(SamplerKind::sobol, dims), seed, 0);
  constexpr std::size_t n = 3000;
  std::vector<double> theta(n * dims);
  sampler.draw(0, n, theta);
  boost::random::sobol engine(dims);  // starts at point 1; point 0 is skipped
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < dims; ++k) {
      const std::uint64_t shift = innosim::random_u64(seed, 0, innosim::Stream::sampler_shift, 0,
                                                      static_cast<std::uint32_t>(k));
      const std::uint64_t x = engine() + shift;
      REQUIRE(theta[i * dims + k] == (static_cast<double>(x >> 12) + 0.5) * 0x1p-52);
    }
  // Random access far into the sequence agrees with Boost's seek.
  std::vector<double> one(dims);
  sampler.draw(123456789, 1, one);
  engine.seed(123456789);
  for (int k = 0; k < dims; ++k) {
    const std::uint64_t shift = innosim::random_u64(seed, 0, innosim::Stream::sampler_shift, 0,
                                                    static_cast<std::uint32_t>(k));
    CHECK(one[k] == (static_cast<double>((engine() + shift) >> 12) + 0.5) * 0x1p-52);
  }
}

TEST_CASE("Gaussian copula gives the normal copula's rank correlation", "[sampler]") {
  // Spearman rho_s = (6/pi) asin(r/2) for Pearson r of the normal copula.
  // With n = 100,000 the SE of rho_s is below (1 - rho_s^2)/sqrt(n) * 1.1
  // < 0.0035; tolerance 0.012 (> 3.4 SE). Spearman is invariant under the
  // marginals, so use skewed ones (and the direct z' path of lognormal).
  const double r = GENERATE(0.5, -0.3);
  const SamplerKind kind = GENERATE(SamplerKind::monte_carlo, SamplerKind::sobol);
  CAPTURE(r, static_cast<int>(kind));
  const Scenario s = scenario_of(
      kind, {param("x", Kind::lognormal, {2, 0.8}), param("k", Kind::fixed, {1}),
             param("y", Kind::triangular, {0, 0.2, 3})},
      {correlation({"x", "k", "y"}, {{1, 0.4, r}, {0.4, 1, 0.1}, {r, 0.1, 1}})});
  constexpr std::size_t n = 100000;
  const Sampler sampler(s, 2024, n);
  std::vector<double> theta(n * 3);
  sampler.draw(0, n, theta);
  std::vector<double> x(n), y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = theta[i * 3];
    y[i] = theta[i * 3 + 2];
  }
  const double rho_s = pearson(ranks(x), ranks(y));
  CHECK(rho_s == Approx(6 / std::numbers::pi * std::asin(r / 2)).margin(0.012));

  // Marginals are untouched by the copula: median of x is 2, P(y < 0.2) = 0.2/3.
  std::sort(x.begin(), x.end());
  CHECK(x[n / 2] == Approx(2.0).epsilon(0.02));
  const auto below = std::count_if(y.begin(), y.end(), [](double v) { return v < 0.2; });
  CHECK(static_cast<double>(below) / n == Approx(0.2 / 3).margin(4 * std::sqrt(0.067 * 0.933 / n)));
}

TEST_CASE("a correlation matrix that is not positive definite is rejected by name", "[sampler]") {
  const Scenario bad = scenario_of(
      SamplerKind::monte_carlo,
      {param("a", Kind::normal, {0, 1}), param("b", Kind::normal, {0, 1}),
       param("c", Kind::uniform, {0, 1}), param("d", Kind::uniform, {0, 1}),
       param("e", Kind::uniform, {0, 1})},
      {correlation({"c", "d"}, {{1, 0.2}, {0.2, 1}}),
       correlation({"a", "b", "e"}, {{1, 0.9, 0.9}, {0.9, 1, -0.9}, {0.9, -0.9, 1}})});
  try {
    Sampler sampler(bad, 1, 10);
    FAIL("expected ScenarioError");
  } catch (const innosim::ScenarioError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].key == "correlations[1]");
    CHECK(e.problems()[0].message == "matrix over [a, b, e] is not positive definite");
  }
  // A perfectly correlated (singular) block is not positive definite either.
  Scenario singular = scenario_of(SamplerKind::sobol,
                                  {param("a", Kind::normal, {0, 1}), param("b", Kind::normal, {0, 1})},
                                  {correlation({"a", "b"}, {{1, 1}, {1, 1}})});
  CHECK_THROWS_AS(Sampler(singular, 1, 10), innosim::ScenarioError);
  // So are an unknown id and a parameter in two blocks.
  Scenario unknown = bad;
  unknown.correlations[1].parameters[2] = "e2";
  CHECK_THROWS_AS(Sampler(unknown, 1, 10), innosim::ScenarioError);
  Scenario twice = bad;
  twice.correlations[1].parameters[2] = "d";
  twice.correlations[1].matrix = {{1, 0.1, 0.1}, {0.1, 1, 0.1}, {0.1, 0.1, 1}};
  CHECK_THROWS_AS(Sampler(twice, 1, 10), innosim::ScenarioError);
}

namespace {

// Mean absolute error of the sample mean of f over 16 seeds, n = 4096 draws
// of the 5-dimensional unit cube.
template <typename F>
double mean_abs_error(SamplerKind kind, F f, double exact) {
  constexpr std::size_t n = 4096;
  constexpr int dims = 5;
  constexpr int seeds = 16;
  double total = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const Sampler sampler(unit_cube(kind, dims), seed, n);
    std::vector<double> theta(n * dims);
    sampler.draw(0, n, theta);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += f(&theta[i * dims]);
    total += std::abs(sum / n - exact);
  }
  return total / seeds;
}

}  // namespace

TEST_CASE("Sobol integrates a smooth function better than Monte Carlo", "[sampler]") {
  // E[prod_k u_k] = 1/32. Monte Carlo's SE is sqrt(3^-5 - 4^-5)/64 = 8.8e-4
  // (mean absolute error 0.8 SE = 7e-4); the shifted Sobol points measured
  // 1.4e-4 over 64 seeds. Assert a clear margin, not the exact ratio.
  auto product = [](const double* u) { return u[0] * u[1] * u[2] * u[3] * u[4]; };
  const double mc = mean_abs_error(SamplerKind::monte_carlo, product, 1.0 / 32);
  const double sobol = mean_abs_error(SamplerKind::sobol, product, 1.0 / 32);
  CAPTURE(mc, sobol);
  CHECK(sobol < 0.35 * mc);
}

TEST_CASE("Latin hypercube removes the additive part of the error", "[sampler]") {
  // f = sum_k u_k^2 is additive, so stratifying each margin cancels almost
  // all of its error: MC SE sqrt(5 * 4/45 / 4096) = 1.0e-2; LHS leaves only
  // the within-stratum jitter, O(n^-3/2).
  auto additive = [](const double* u) {
    return u[0] * u[0] + u[1] * u[1] + u[2] * u[2] + u[3] * u[3] + u[4] * u[4];
  };
  const double mc = mean_abs_error(SamplerKind::monte_carlo, additive, 5.0 / 3);
  const double lhs = mean_abs_error(SamplerKind::latin_hypercube, additive, 5.0 / 3);
  CAPTURE(mc, lhs);
  CHECK(mc > 3e-3);
  CHECK(lhs < 0.01 * mc);
}

TEST_CASE("Monte Carlo theta is the quantile of the documented uniforms", "[sampler]") {
  // Without a copula, theta_j = F_j^-1(uniform01(seed, draw, parameters, 0, k)).
  // Beta, PERT and truncated normal go through the sampler's interpolation
  // table, accurate to 1e-12 of the support width; the others are exact.
  const Scenario s = scenario_of(
      SamplerKind::monte_carlo,
      {param("pert", Kind::pert, {1, 2, 5}), param("fixed", Kind::fixed, {4}),
       param("u_shape", Kind::beta, {0.5, 0.5, 0, 1}), param("skew", Kind::beta, {2, 5, 10, 20}),
       param("spiky", Kind::beta, {30, 0.7, -1, 1}), param("tn", Kind::truncnormal, {1, 0.35, 0.3, 2}),
       param("tn_tail", Kind::truncnormal, {0, 1, 8, 9}), param("n", Kind::normal, {1, 2}),
       param("ln", Kind::lognormal, {2, 0.5}), param("tri", Kind::triangular, {0, 1, 3})});
  constexpr std::size_t n = 50000;
  const Sampler sampler(s, 77, n);
  std::vector<double> theta(n * s.parameters.size());
  sampler.draw(0, n, theta);
  const std::size_t np = s.parameters.size();
  std::vector<double> worst(np, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t k = 0;
    for (std::size_t j = 0; j < np; ++j) {
      const Distribution& d = s.parameters[j].dist;
      if (d.is_fixed()) continue;
      const double u = innosim::uniform01(77, i, innosim::Stream::parameters, 0, k++);
      const double err = std::abs(theta[i * np + j] - d.quantile(u)) / (d.upper() - d.lower());
      worst[j] = std::max(worst[j], std::isnan(err) ? 0.0 : err);
      if (d.kind == Kind::normal || d.kind == Kind::lognormal || d.kind == Kind::triangular)
        REQUIRE(theta[i * np + j] == d.quantile(u));
    }
  }
  for (std::size_t j = 0; j < np; ++j) {
    CAPTURE(s.parameters[j].id, worst[j]);
    CHECK(worst[j] < 2e-12);
  }
}

TEST_CASE("transform maps given uniforms exactly as draw maps its own", "[sampler]") {
  // Monte Carlo draws use uniform01(seed, draw, parameters, 0, k) per dimension.
  const Scenario s = scenario_of(SamplerKind::monte_carlo,
                                 {param("a", Kind::triangular, {0, 1, 4}), param("b", Kind::fixed, {2.5}),
                                  param("c", Kind::lognormal, {3, 0.4}), param("d", Kind::pert, {1, 2, 6})});
  const Sampler sampler(s, 17, 0);
  REQUIRE(sampler.dimensions() == 3);
  CHECK(sampler.dimension_parameter(0) == 0);
  CHECK(sampler.dimension_parameter(1) == 2);
  CHECK(sampler.dimension_parameter(2) == 3);
  for (std::uint64_t draw : {0u, 5u, 999u}) {
    std::vector<double> drawn(4), mapped(4), u(3);
    sampler.draw(draw, 1, drawn);
    for (std::uint32_t k = 0; k < 3; ++k) u[k] = innosim::uniform01(17, draw, innosim::Stream::parameters, 0, k);
    sampler.transform(u, mapped);
    CHECK(mapped == drawn);
  }
  std::vector<double> theta(4), wrong(2);
  CHECK_THROWS_AS(sampler.transform(wrong, theta), std::invalid_argument);
}

TEST_CASE("a Sobol sequence gives the same point by random access and by stepping", "[sampler][sobol]") {
  const innosim::SobolSequence seq(5, 3, innosim::Stream::sampler_shift);
  std::vector<std::uint64_t> state(5);
  seq.seek(0, state);
  for (std::uint64_t i = 1; i < 300; ++i) {
    seq.step(i, state);
    std::vector<double> direct(5);
    seq.point(i, direct);
    for (std::size_t k = 0; k < 5; ++k) REQUIRE(seq.unit(state, k) == direct[k]);
  }
  CHECK_THROWS_AS(innosim::SobolSequence(4000, 1, innosim::Stream::sampler_shift), std::invalid_argument);
}
