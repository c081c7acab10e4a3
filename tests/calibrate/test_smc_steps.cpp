// The model-free steps of the tempered SMC sampler.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "innosim/calibrate/smc_steps.hpp"

using namespace innosim;

TEST_CASE("effective sample size of log weights", "[calibrate]") {
  CHECK(smc::effective_sample_size(std::vector<double>(10, -3.0)) == Approx(10));
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(smc::effective_sample_size(std::vector<double>{0.0, -inf, 0.0, -inf}) == Approx(2));
  CHECK(smc::effective_sample_size(std::vector<double>{-inf, -inf}) == 0);
  // Weights 1 and 3: (1 + 3)^2 / (1 + 9).
  CHECK(smc::effective_sample_size(std::vector<double>{0.0, std::log(3.0)}) == Approx(1.6));
}

TEST_CASE("the temperature step keeps the effective sample size at its target", "[calibrate]") {
  std::vector<double> loglik;
  for (int i = 0; i < 200; ++i) loglik.push_back(-0.05 * i * i);
  const double delta = smc::next_temperature_step(loglik, 0.0, 100.0);
  REQUIRE(delta > 0);
  REQUIRE(delta < 1);
  std::vector<double> lw;
  for (double l : loglik) lw.push_back(delta * l);
  CHECK(smc::effective_sample_size(lw) == Approx(100).epsilon(1e-6));
  // A flat likelihood, or one step left that keeps the target: the whole way.
  CHECK(smc::next_temperature_step(std::vector<double>(50, -2.0), 0.3, 25.0) == Approx(0.7));
  CHECK(smc::next_temperature_step(loglik, 1.0, 100.0) == 0);
  // The step's evidence factor: log mean exp(delta * l).
  CHECK(smc::log_mean_weight(std::vector<double>{0.0, std::log(3.0)}, 1.0) == Approx(std::log(2.0)));
}

TEST_CASE("systematic resampling takes each particle floor or ceil of N times its weight", "[calibrate]") {
  const std::vector<double> w = {0.5, 0.0, 0.25, 0.125, 0.125, 0.0};
  for (double u : {0.0, 0.3, 0.999}) {
    const auto idx = smc::systematic_resample(w, 16, u);
    std::vector<int> count(w.size(), 0);
    for (std::size_t i : idx) ++count[i];
    CHECK(count == std::vector<int>{8, 0, 4, 2, 2, 0});
  }
  // Round-off in the cumulative sum never selects a zero-weight particle.
  const auto idx = smc::systematic_resample(std::vector<double>{0.3, 0.3, 0.39999, 0.0}, 10, 0.99999);
  CHECK(idx.back() == 2);
}

TEST_CASE("the proposal factor reproduces the weighted covariance", "[calibrate]") {
  // Four points, weights 1/4 each: covariance [[1, 0.5], [0.5, 1]] exactly.
  const double a = std::sqrt(1.5), b = std::sqrt(0.5);
  const std::vector<double> x = {a, a, -a, -a, b, -b, -b, b};
  const std::vector<double> w(4, 0.25);
  const auto l = smc::covariance_factor(x, w, 2);
  CHECK(l[0] == Approx(1.0).epsilon(1e-6));
  CHECK(l[1] == 0);
  CHECK(l[2] == Approx(0.5).epsilon(1e-6));
  CHECK(l[3] == Approx(std::sqrt(0.75)).epsilon(1e-6));
  // One dimension that does not vary still gets a positive diagonal.
  const auto flat = smc::covariance_factor(std::vector<double>{1, 2, 1, 3, 1, 4}, std::vector<double>(3, 1.0 / 3), 2);
  CHECK(flat[0] > 0);
}

TEST_CASE("sweeps, adaptation and distinct particles", "[calibrate]") {
  // log 0.01 / log(1 - 0.25) = 16.0...
  CHECK(smc::sweeps_for(0.25, 0.01, 2, 30) == 17);
  CHECK(smc::sweeps_for(0.9, 0.01, 2, 30) == 2);
  CHECK(smc::sweeps_for(0.0, 0.01, 2, 30) == 30);
  CHECK(smc::sweeps_for(0.01, 0.01, 2, 30) == 30);
  CHECK(smc::adapt_scale(0.5, 0.234, 0.234, 4) == 0.5);
  CHECK(smc::adapt_scale(0.5, 0.5, 0.234, 4) > 0.5);
  CHECK(smc::adapt_beta(0.5, 0.0, 0.3) < 0.5);
  CHECK(smc::adapt_beta(0.9, 1.0, 0.3) == 1.0);
  CHECK(smc::distinct_rows(std::vector<double>{1, 2, 1, 2, 1, 3, 0, 0}, 2) == 3);
  CHECK(smc::latent_uniform(-50) > 0);
  CHECK(smc::latent_uniform(50) < 1);
  CHECK(smc::move_counter(3, 5, 1) != smc::move_counter(3, 5, 0));
}
