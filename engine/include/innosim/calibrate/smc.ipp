// Bodies of TemperedSmc (smc.hpp); included by it only.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "innosim/calibrate/smc_steps.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/draw_sink.hpp"
#include "innosim/run/runner.hpp"

namespace innosim {

template <Model M>
void TemperedSmc<M>::Particles::resize(std::size_t n, std::size_t d, std::size_t n_noise, std::size_t n_points) {
  z.assign(n * d, 0.0);
  xi.assign(n * n_noise, 0.0);
  points.assign(n * n_points, 0.0);
  loglik.assign(n, 0.0);
  ancestor.assign(n, 0);
}

template <Model M>
void TemperedSmc<M>::Particles::take(const Particles& from, std::span<const std::size_t> index) {
  const std::size_t n = index.size();
  const std::size_t d = from.z.size() / n, nn = from.xi.size() / n, np = from.points.size() / n;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = index[k];
    std::copy_n(from.z.begin() + static_cast<std::ptrdiff_t>(i * d), d, z.begin() + static_cast<std::ptrdiff_t>(k * d));
    std::copy_n(from.xi.begin() + static_cast<std::ptrdiff_t>(i * nn), nn,
                xi.begin() + static_cast<std::ptrdiff_t>(k * nn));
    std::copy_n(from.points.begin() + static_cast<std::ptrdiff_t>(i * np), np,
                points.begin() + static_cast<std::ptrdiff_t>(k * np));
    loglik[k] = from.loglik[i];
    ancestor[k] = from.ancestor[i];
  }
}

template <Model M>
void TemperedSmc<M>::Draws::draw(std::uint64_t first, std::size_t count, std::span<double> theta) const {
  const std::size_t np = prior_.num_parameters();
  std::vector<double> u(d_);
  for (std::size_t i = 0; i < count; ++i) {
    const double* z = z_ + (first + i) * d_;
    for (std::size_t k = 0; k < d_; ++k) u[k] = smc::latent_uniform(z[k]);
    prior_.transform(u, theta.subspan(i * np, np));
  }
}

template <Model M>
bool TemperedSmc<M>::Draws::yearly_uniforms(std::uint64_t draw, std::span<double> u) const {
  const double* xi = xi_ + draw * n_noise_;
  for (std::size_t k = 0; k < u.size(); ++k) u[k] = smc::latent_uniform(xi[k]);
  return true;
}

template <Model M>
std::unique_ptr<DrawAccumulator::Part> TemperedSmc<M>::Capture::make_part() const {
  struct Writer final : Part {
    const std::vector<std::size_t>& offsets;
    std::vector<double>& rows;
    Writer(const std::vector<std::size_t>& o, std::vector<double>& r) : offsets(o), rows(r) {}
    void add(std::uint64_t draw, std::span<const double> out) override {
      double* row = rows.data() + draw * offsets.size();
      for (std::size_t q = 0; q < offsets.size(); ++q) row[q] = out[offsets[q]];
    }
  };
  return std::make_unique<Writer>(offsets_, rows_);
}

template <Model M>
TemperedSmc<M>::TemperedSmc(const M& model, const Scenario& scenario, const Sampler& prior,
                            const ObservationSet& observations, const CalibrationOptions& options)
    : model_(model),
      scenario_(scenario),
      prior_(prior),
      opt_(options),
      located_(locate_observations(scenario, model.indicators(), observations)),
      draws_(prior, prior.dimensions(),
             static_cast<std::size_t>(scenario.horizon.end - scenario.horizon.start) * model.randoms_per_year()) {
  scenario_.targets.clear();
  n_ = opt_.particles;
  d_ = prior.dimensions();
  n_noise_ = static_cast<std::size_t>(scenario.horizon.end - scenario.horizon.start) * model.randoms_per_year();
  n_points_ = located_.offsets.size();
  if (d_ == 0)
    throw ScenarioError({Problem{scenario.where, "parameters",
                                 "nothing to calibrate: every parameter of the scenario is fixed"}});
  cur_.resize(n_, d_, n_noise_, n_points_);
  prop_.resize(n_, d_, n_noise_, n_points_);
}

// Every particle simulated once by the runner: the model's values at the fan
// points and the log-likelihood (-inf for a draw that failed). False when
// cancelled.
template <Model M>
bool TemperedSmc<M>::evaluate(const std::vector<double>& z, const std::vector<double>& xi,
                              std::vector<double>& points, std::vector<double>& loglik) {
  std::fill(points.begin(), points.end(), std::numeric_limits<double>::quiet_NaN());
  draws_.point_at(z.data(), xi.data());
  Capture capture(located_.offsets, points);
  RunOptions ro;
  ro.draws = n_;
  ro.seed = opt_.seed;
  ro.threads = opt_.threads;
  ro.invalid = InvalidDraws::drop;
  ro.integrator = opt_.integrator;
  ro.cancel = opt_.cancel;
  ro.accumulators = {&capture};
  MemorySink sink(0);
  const RunOutcome out = run_monte_carlo(model_, scenario_, draws_, ro, sink);
  if (out.cancelled) return false;
  simulations_ += n_;
  invalid_ += out.info.draws_dropped;
  for (std::size_t i = 0; i < n_; ++i) loglik[i] = located_.loglik(points.data() + i * n_points_);
  return true;
}

template <Model M>
void TemperedSmc<M>::initialise() {
  const std::size_t steps = static_cast<std::size_t>(scenario_.horizon.end - scenario_.horizon.start);
  const std::size_t k = model_.randoms_per_year();
  std::vector<double> u(std::max(d_, k));
  for (std::size_t i = 0; i < n_; ++i) {
    // The prior draws of `innosim run --sampler monte_carlo` with the same
    // seed, and their yearly random inputs, in the latent space.
    fill_uniform01(opt_.seed, i, Stream::parameters, 0, std::span<double>(u.data(), d_));
    for (std::size_t j = 0; j < d_; ++j) cur_.z[i * d_ + j] = normal_quantile(u[j]);
    for (std::size_t y = 0; y < steps; ++y) {
      fill_uniform01(opt_.seed, i, Stream::yearly, static_cast<std::uint32_t>(y), std::span<double>(u.data(), k));
      for (std::size_t m = 0; m < k; ++m) cur_.xi[i * n_noise_ + y * k + m] = normal_quantile(u[m]);
    }
    cur_.ancestor[i] = i;
  }
}

// The next temperature and the weights that take the particles to it.
template <Model M>
double TemperedSmc<M>::reweight(GenerationStats& g, std::vector<double>& weights) {
  std::size_t finite = 0;
  for (double l : cur_.loglik) finite += std::isfinite(l) ? 1 : 0;
  const double delta =
      smc::next_temperature_step(cur_.loglik, phi_, opt_.ess_fraction * static_cast<double>(finite));
  g.log_evidence_step = smc::log_mean_weight(cur_.loglik, delta);
  log_evidence_ += g.log_evidence_step;
  weights = smc::normalised_weights(cur_.loglik, delta);
  double s2 = 0;
  for (double w : weights) s2 += w * w;
  g.ess = s2 > 0 ? 1.0 / s2 : 0.0;
  phi_ = delta >= 1.0 - phi_ ? 1.0 : phi_ + delta;
  g.phi = phi_;
  return delta;
}

template <Model M>
void TemperedSmc<M>::resample(std::size_t generation, const std::vector<double>& weights) {
  const double u = uniform01(opt_.seed, generation, Stream::smc_resample, 0, 0);
  const std::vector<std::size_t> index = smc::systematic_resample(weights, n_, u);
  prop_.take(cur_, index);
  std::swap(cur_, prop_);
}

// A sweep of Crank-Nicolson moves of every particle's z relative to the
// Gaussian fitted to the particles (smc::pcn_propose), its noise held: the
// whitened coordinates split at random into smc::block_count(d) blocks (per
// particle and sweep), each block proposed and accepted in turn with the
// Metropolis-Hastings ratio of the phi-target. Particle i proposes with step
// beta[i % beta.size()]; accepted[k] counts the block moves accepted with
// step k. False when cancelled.
template <Model M>
bool TemperedSmc<M>::sweep_theta(std::size_t generation, std::size_t sweep, std::span<const double> beta,
                                 std::vector<std::size_t>& accepted) {
  const auto counter = smc::move_counter(generation, sweep, 0);
  const std::size_t blocks = smc::block_count(d_);
  const std::size_t width = d_ + blocks + (blocks > 1 ? d_ : 0);
  std::vector<double> u(n_ * width);
  std::vector<std::uint32_t> block_of(blocks > 1 ? n_ * d_ : 0);
  for (std::size_t i = 0; i < n_; ++i) {
    double* ui = u.data() + i * width;
    fill_uniform01(opt_.seed, i, Stream::smc_moves, counter, std::span<double>(ui, width));
    for (std::size_t k = 0; k < d_; ++k) ui[k] = normal_quantile(ui[k]);
    if (blocks > 1)
      smc::assign_blocks(std::span<const double>(ui + d_ + blocks, d_), blocks,
                         std::span<std::uint32_t>(block_of.data() + i * d_, d_));
  }
  accepted.assign(beta.size(), 0);
  std::vector<double> log_q(n_);  // log N(z; m, C) - log N(z'; m, C)
  for (std::size_t j = 0; j < blocks; ++j) {
    for (std::size_t i = 0; i < n_; ++i) {
      const std::span<const std::uint32_t> bi =
          blocks > 1 ? std::span<const std::uint32_t>(block_of.data() + i * d_, d_) : std::span<const std::uint32_t>();
      log_q[i] = smc::pcn_propose(fit_, beta[i % beta.size()], std::span<const double>(cur_.z.data() + i * d_, d_),
                                  std::span<const double>(u.data() + i * width, d_), bi, static_cast<std::uint32_t>(j),
                                  std::span<double>(prop_.z.data() + i * d_, d_));
    }
    if (!evaluate(prop_.z, cur_.xi, prop_.points, prop_.loglik)) return false;
    for (std::size_t i = 0; i < n_; ++i) {
      const double* z = cur_.z.data() + i * d_;
      const double* zp = prop_.z.data() + i * d_;
      double prior_ratio = 0;
      for (std::size_t k = 0; k < d_; ++k) prior_ratio += 0.5 * (z[k] * z[k] - zp[k] * zp[k]);
      const double log_alpha = prior_ratio + phi_ * (prop_.loglik[i] - cur_.loglik[i]) + log_q[i];
      if (std::isfinite(prop_.loglik[i]) && std::log(u[i * width + d_ + j]) < log_alpha) {
        std::copy_n(zp, d_, cur_.z.data() + i * d_);
        std::copy_n(prop_.points.data() + i * n_points_, n_points_, cur_.points.data() + i * n_points_);
        cur_.loglik[i] = prop_.loglik[i];
        ++accepted[i % beta.size()];
      }
    }
  }
  return true;
}

// A Crank-Nicolson move of every particle's noise, xi' = sqrt(1 - beta^2) xi
// + beta eta, its parameters held: reversible with respect to the N(0, I)
// prior of xi, so only the likelihood ratio decides. False when cancelled.
template <Model M>
bool TemperedSmc<M>::sweep_noise(std::size_t generation, std::size_t sweep, double& acceptance) {
  const auto counter = smc::move_counter(generation, sweep, 1);
  const double keep = std::sqrt(1.0 - beta_ * beta_);
  std::vector<double> eta(n_noise_);
  for (std::size_t i = 0; i < n_; ++i) {
    smc::fill_normal(opt_.seed, i, Stream::smc_moves, counter, eta);
    const double* xi = cur_.xi.data() + i * n_noise_;
    double* xp = prop_.xi.data() + i * n_noise_;
    for (std::size_t k = 0; k < n_noise_; ++k) xp[k] = keep * xi[k] + beta_ * eta[k];
  }
  if (!evaluate(cur_.z, prop_.xi, prop_.points, prop_.loglik)) return false;
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    const double log_alpha = phi_ * (prop_.loglik[i] - cur_.loglik[i]);
    const double u = uniform01(opt_.seed, i, Stream::smc_moves, counter, static_cast<std::uint32_t>(n_noise_));
    if (std::isfinite(prop_.loglik[i]) && std::log(u) < log_alpha) {
      std::copy_n(prop_.xi.data() + i * n_noise_, n_noise_, cur_.xi.data() + i * n_noise_);
      std::copy_n(prop_.points.data() + i * n_points_, n_points_, cur_.points.data() + i * n_points_);
      cur_.loglik[i] = prop_.loglik[i];
      ++accepted;
    }
  }
  acceptance = static_cast<double>(accepted) / static_cast<double>(n_);
  return true;
}

// MCMC sweeps at the new temperature. The first sweep tries a grid of
// parameter steps around the last generation's (smc::step_grid, a fifth of
// the particles each); the step that decorrelated most is used for the
// sweeps that follow, and its acceptance sets how many: enough for a
// particle's expected correlation with its start to fall to
// stay_probability. The noise step adapts from one generation to the next.
template <Model M>
bool TemperedSmc<M>::move(std::size_t generation, GenerationStats& g) {
  double sum_theta = 0, sum_noise = 0;
  std::size_t sweeps = opt_.max_sweeps;
  g.beta_noise = n_noise_ ? beta_ : 0.0;
  std::vector<double> steps = smc::step_grid(beta_theta_);
  std::vector<std::size_t> accepted;
  std::size_t done = 0;
  for (; done < sweeps; ++done) {
    double a_noise = 0;
    if (!sweep_theta(generation, done, steps, accepted)) return false;
    if (n_noise_ && !sweep_noise(generation, done, a_noise)) return false;
    const std::size_t blocks = smc::block_count(d_);
    std::size_t total = 0;
    for (std::size_t a : accepted) total += a;
    sum_theta += static_cast<double>(total) / static_cast<double>(n_ * blocks);
    sum_noise += a_noise;
    if (done == 0) {
      std::vector<double> rate(steps.size());
      for (std::size_t k = 0; k < steps.size(); ++k) {
        const std::size_t tried = n_ / steps.size() + (k < n_ % steps.size() ? 1 : 0);
        rate[k] = tried ? static_cast<double>(accepted[k]) / static_cast<double>(tried * blocks) : 0.0;
      }
      const std::size_t best = smc::best_step(steps, rate);
      beta_theta_ = steps[best];
      steps.assign(1, beta_theta_);
      sweeps = smc::sweeps_for(rate[best], beta_theta_, opt_.stay_probability, opt_.min_sweeps, opt_.max_sweeps);
    }
  }
  g.scale_theta = beta_theta_;
  g.sweeps = done;
  g.acceptance_theta = sum_theta / static_cast<double>(done);
  g.acceptance_noise = n_noise_ ? sum_noise / static_cast<double>(done) : 0.0;
  if (n_noise_) beta_ = smc::adapt_beta(beta_, g.acceptance_noise, 0.3);
  g.distinct = smc::distinct_rows(cur_.z, d_);
  return true;
}

template <Model M>
std::vector<double> TemperedSmc<M>::theta_of(const std::vector<double>& z) {
  const std::size_t np = prior_.num_parameters();
  std::vector<double> all(n_ * np), out(n_ * d_);
  draws_.point_at(z.data(), cur_.xi.data());
  draws_.draw(0, n_, all);
  for (std::size_t i = 0; i < n_; ++i)
    for (std::size_t k = 0; k < d_; ++k) out[i * d_ + k] = all[i * np + prior_.dimension_parameter(k)];
  return out;
}

template <Model M>
CalibrationResult TemperedSmc<M>::run() {
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  CalibrationResult& r = result_;
  r.particles = n_;
  for (std::size_t k = 0; k < d_; ++k) r.parameters.push_back(prior_.dimension_parameter(k));

  initialise();
  if (!evaluate(cur_.z, cur_.xi, cur_.points, cur_.loglik)) {
    r.cancelled = true;
    return std::move(r);
  }
  const std::vector<double> prior_points = cur_.points;
  r.prior_theta = theta_of(cur_.z);
  r.prior_loglik = cur_.loglik;
  GenerationStats g0;
  g0.ess = static_cast<double>(n_);
  g0.invalid = invalid_;
  g0.distinct = n_;
  g0.seconds = elapsed();
  r.generations.push_back(g0);
  if (opt_.on_generation) opt_.on_generation(g0);

  std::vector<double> weights;
  for (std::size_t t = 1; t <= opt_.max_generations && phi_ < 1.0; ++t) {
    GenerationStats g;
    g.generation = t;
    const std::size_t invalid_before = invalid_;
    reweight(g, weights);
    if (phi_ == 1.0) {
      r.weighted_theta = theta_of(cur_.z);
      r.weights = weights;
      r.weighted_loglik = cur_.loglik;
      r.weighted_ancestor = cur_.ancestor;
    }
    fit_ = smc::fit_gaussian(cur_.z, weights, d_);
    resample(t, weights);
    if (!move(t, g)) {
      r.cancelled = true;
      return std::move(r);
    }
    g.invalid = invalid_ - invalid_before;
    g.seconds = elapsed();
    r.generations.push_back(g);
    if (opt_.on_generation) opt_.on_generation(g);
  }
  r.reached = phi_ == 1.0;
  r.log_evidence = log_evidence_;
  r.theta = theta_of(cur_.z);
  r.loglik = cur_.loglik;
  r.ancestor = cur_.ancestor;
  r.simulations = simulations_;
  summarise_calibration(r, located_, prior_points, cur_.points, opt_.seed);
  r.seconds = elapsed();
  return std::move(r);
}

}  // namespace innosim
