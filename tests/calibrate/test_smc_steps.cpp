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

TEST_CASE("the fitted Gaussian reproduces the weighted mean and covariance, its correlations shrunk", "[calibrate]") {
  // Four points, weights 1/4 each: mean (1, 0), covariance [[1, 0.5], [0.5, 1]] exactly.
  const double a = std::sqrt(1.5), b = std::sqrt(0.5);
  const std::vector<double> x = {1 + a, a, 1 - a, -a, 1 + b, -b, 1 - b, b};
  const std::vector<double> w(4, 0.25);
  const auto fit = smc::fit_gaussian(x, w, 2);
  CHECK(fit.mean[0] == Approx(1.0));
  CHECK(fit.mean[1] == Approx(0.0).margin(1e-12));
  // Four points (n_eff 4): lambda = (1 - 0.25)^2 / 3 / 0.25 = 0.75.
  CHECK(fit.shrinkage == Approx(0.75));
  const double rho = 0.5 * (1 - 0.75);
  const auto& l = fit.factor;
  CHECK(l[0] == Approx(1.0).epsilon(1e-6));
  CHECK(l[1] == 0);
  CHECK(l[2] == Approx(rho).epsilon(1e-6));
  CHECK(l[3] == Approx(std::sqrt(1 - rho * rho)).epsilon(1e-6));
  // Many points: the correlation is kept almost whole.
  std::vector<double> many;
  for (int i = 0; i < 250; ++i) many.insert(many.end(), x.begin(), x.end());
  const auto fit_many = smc::fit_gaussian(many, std::vector<double>(1000, 1e-3), 2);
  CHECK(fit_many.shrinkage < 0.01);
  // One dimension that does not vary still gets a positive diagonal.
  const auto flat = smc::fit_gaussian(std::vector<double>{1, 2, 1, 3, 1, 4}, std::vector<double>(3, 1.0 / 3), 2);
  CHECK(flat.factor[0] > 0);
}

TEST_CASE("the Crank-Nicolson proposal is reversible with respect to the fitted Gaussian", "[calibrate]") {
  smc::GaussianFit fit;
  fit.mean = {1.0, -2.0};
  fit.factor = {2.0, 0.0, 0.6, 0.8};  // C = [[4, 1.2], [1.2, 1]]
  const std::vector<double> z = {2.5, -1.0}, eta = {0.3, -1.1};
  std::vector<double> zn(2);
  const double beta = 0.6;
  const double log_q = smc::pcn_propose(fit, beta, z, eta, {}, 0, zn);
  // By hand: w = L^-1 (z - m) = (0.75, (1 - 0.6 * 0.75) / 0.8); w' = 0.8 w + 0.6 eta.
  const double w0 = 0.75, w1 = (1.0 - 0.45) / 0.8;
  const double v0 = 0.8 * w0 + 0.6 * 0.3, v1 = 0.8 * w1 + 0.6 * -1.1;
  CHECK(zn[0] == Approx(1.0 + 2.0 * v0));
  CHECK(zn[1] == Approx(-2.0 + 0.6 * v0 + 0.8 * v1));
  CHECK(log_q == Approx(0.5 * (v0 * v0 + v1 * v1 - w0 * w0 - w1 * w1)));
  // The reverse move (the eta that leads back) gives the opposite log ratio.
  const std::vector<double> back = {(w0 - 0.8 * v0) / 0.6, (w1 - 0.8 * v1) / 0.6};
  std::vector<double> zb(2);
  CHECK(smc::pcn_propose(fit, beta, zn, back, {}, 0, zb) == Approx(-log_q));
  CHECK(zb[0] == Approx(z[0]));
  CHECK(zb[1] == Approx(z[1]));
  // beta = 1 proposes from the Gaussian itself, whatever z: z' = m + L eta.
  smc::pcn_propose(fit, 1.0, z, eta, {}, 0, zn);
  CHECK(zn[0] == Approx(1.0 + 2.0 * 0.3));
  CHECK(zn[1] == Approx(-2.0 + 0.6 * 0.3 + 0.8 * -1.1));
  // A block: only w_1 moves (w_0 kept), so z_0 stays and z_1 = m_1 + 0.6 w_0 + 0.8 w_1'.
  const std::vector<std::uint32_t> block_of = {0, 1};
  const double log_b = smc::pcn_propose(fit, beta, z, eta, block_of, 1, zn);
  CHECK(zn[0] == Approx(z[0]));
  CHECK(zn[1] == Approx(-2.0 + 0.6 * w0 + 0.8 * v1));
  CHECK(log_b == Approx(0.5 * (v1 * v1 - w1 * w1)));
}

TEST_CASE("parameter blocks: at most kBlockSize coordinates, a balanced random partition", "[calibrate]") {
  CHECK(smc::block_count(3) == 1);
  CHECK(smc::block_count(smc::kBlockSize) == 1);
  CHECK(smc::block_count(smc::kBlockSize + 1) == 2);
  CHECK(smc::block_count(196) == (196 + smc::kBlockSize - 1) / smc::kBlockSize);
  std::vector<std::uint32_t> block_of(7);
  smc::assign_blocks(std::vector<double>{0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.6}, 3, block_of);
  // Ranks 6 0 3 2 5 1 4; block = rank * 3 / 7.
  CHECK(block_of == std::vector<std::uint32_t>{2, 0, 1, 0, 2, 0, 1});
}

TEST_CASE("sweeps, adaptation and distinct particles", "[calibrate]") {
  // Accepted half the time, a step of beta 0.6 keeps 0.8 of w: rho = 0.9,
  // log 0.1 / log 0.9 = 21.85...
  CHECK(smc::sweeps_for(0.5, 0.6, 0.1, 2, 30) == 22);
  CHECK(smc::sweeps_for(0.5, 0.6, 0.1, 2, 10) == 10);
  CHECK(smc::sweeps_for(1.0, 1.0, 0.01, 2, 30) == 2);  // independent draws accepted: one sweep forgets
  CHECK(smc::sweeps_for(0.0, 0.5, 0.01, 2, 30) == 30);
  CHECK(smc::sweep_correlation(0.5, 0.6) == Approx(0.9));
  CHECK(smc::step_grid(0.4) == std::vector<double>{0.1, 0.2, 0.4, 0.8, 1.0});
  CHECK(smc::step_grid(0.002).front() == 0.01);
  // Steps 0.2 and 1.0: 0.2 accepted always decorrelates by 0.02, 1.0 accepted
  // a tenth of the time by 0.1.
  CHECK(smc::best_step(std::vector<double>{0.2, 1.0}, std::vector<double>{1.0, 0.1}) == 1);
  CHECK(smc::best_step(std::vector<double>{0.2, 1.0}, std::vector<double>{1.0, 0.01}) == 0);
  CHECK(smc::adapt_beta(0.5, 0.0, 0.3) < 0.5);
  CHECK(smc::adapt_beta(0.9, 1.0, 0.3) == 1.0);
  CHECK(smc::distinct_rows(std::vector<double>{1, 2, 1, 2, 1, 3, 0, 0}, 2) == 3);
  CHECK(smc::latent_uniform(-50) > 0);
  CHECK(smc::latent_uniform(50) < 1);
  CHECK(smc::move_counter(3, 5, 1) != smc::move_counter(3, 5, 0));
}
