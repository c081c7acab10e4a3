#pragma once
// Bayesian calibration of a scenario's uncertain parameters to observed
// values: a sequential Monte Carlo sampler with adaptive likelihood tempering
// (Del Moral, Doucet & Jasra 2006; Jasra et al. 2011) on the measurement-error
// model
//
//   y_j = f_j(theta, xi) + e_j,   e_j ~ N(0, sd_j^2) independent,
//
// where f_j is the model's value of observation j given the parameters theta
// and the model's own yearly random inputs xi. Both live in one latent space
// with a standard normal prior: theta = T(z) through the sampler's copula and
// quantiles (Sampler::transform of Phi(z)), the model's uniforms = Phi(xi).
// The sampler targets p(z, xi | y) ∝ N(z) N(xi) L(y | z, xi)^phi for phi
// rising from 0 (the prior draws) to 1 (the posterior); its theta-marginal at
// phi = 1 is the posterior of the parameters, the model's noise integrated
// out. docs/calibration.md argues the choice.
//
// One generation:
//   reweight   the next phi, chosen so that the effective sample size falls to
//              ess_fraction * N (bisection), weights L^(phi' - phi);
//   resample   systematic, with one uniform per generation;
//   move       MCMC sweeps that leave the phi-target invariant, each a
//              move of z and a Crank-Nicolson move of xi (prior-reversible,
//              so only the likelihood ratio enters). The z moves are
//              Crank-Nicolson steps reversible with respect to a Gaussian
//              fitted to the weighted particles (smc::fit_gaussian,
//              smc::pcn_propose), Metropolis-Hastings corrected, in random
//              blocks of at most smc::kBlockSize whitened coordinates; the
//              first sweep tries a grid of steps and keeps the one that
//              decorrelates most (Fearnhead & Taylor 2013); as many sweeps
//              follow as bring a particle's expected correlation with its
//              start down to stay_probability, within [min_sweeps,
//              max_sweeps].
// The particles are simulated by the runner (run_monte_carlo) as draws whose
// parameters and yearly uniforms they supply, so every model evaluation is
// the same as in `innosim run`. Every random number is Philox of (seed,
// particle or generation, stream, counter, slot), every reduction runs in
// particle order: the posterior is bit-identical for any thread count.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/calibrate/calibration.hpp"
#include "innosim/calibrate/located_observations.hpp"
#include "innosim/calibrate/smc_steps.hpp"
#include "innosim/calibrate/summary.hpp"
#include "innosim/model/model.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/run/draw_accumulator.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

template <Model M>
class TemperedSmc {
 public:
  // Locates the observations in the model's output (ScenarioError at
  // file:line:col for one the model or horizon does not have) and sizes the
  // particle arrays.
  TemperedSmc(const M& model, const Scenario& scenario, const Sampler& prior, const ObservationSet& observations,
              const CalibrationOptions& options);
  TemperedSmc(const TemperedSmc&) = delete;
  TemperedSmc& operator=(const TemperedSmc&) = delete;

  // Runs the sampler to phi = 1 (or max_generations, or cancellation); call once.
  CalibrationResult run();

 private:
  // The particles: latent parameters z [N][d], latent noise xi [N][n_noise],
  // the model's values at the fan points [N][n_points], log-likelihoods, and
  // the prior draw each descends from.
  struct Particles {
    std::vector<double> z, xi, points, loglik;
    std::vector<std::uint64_t> ancestor;
    void resize(std::size_t n, std::size_t d, std::size_t n_noise, std::size_t n_points);
    void take(const Particles& from, std::span<const std::size_t> index);  // this[k] = from[index[k]]
  };

  // Particles as the runner's draws: theta through the prior's copula and
  // quantiles from z, the yearly uniforms from xi.
  class Draws final : public ParameterSource {
   public:
    Draws(const Sampler& prior, std::size_t d, std::size_t n_noise) : prior_(prior), d_(d), n_noise_(n_noise) {}
    void point_at(const double* z, const double* xi) { z_ = z, xi_ = xi; }
    std::size_t num_parameters() const override { return prior_.num_parameters(); }
    void draw(std::uint64_t first, std::size_t count, std::span<double> theta) const override;
    bool yearly_uniforms(std::uint64_t draw, std::span<double> u) const override;

   private:
    const Sampler& prior_;
    std::size_t d_, n_noise_;
    const double* z_ = nullptr;
    const double* xi_ = nullptr;
  };

  // Each valid draw's values at the fan points, written by the worker that
  // simulated it into the draw's own row (distinct rows: no race, no order).
  class Capture final : public DrawAccumulator {
   public:
    Capture(const std::vector<std::size_t>& offsets, std::vector<double>& rows) : offsets_(offsets), rows_(rows) {}
    std::unique_ptr<Part> make_part() const override;
    void merge(const Part&) override {}

   private:
    const std::vector<std::size_t>& offsets_;
    std::vector<double>& rows_;
  };

  // The stages.
  void initialise();
  bool evaluate(const std::vector<double>& z, const std::vector<double>& xi, std::vector<double>& points,
                std::vector<double>& loglik);
  double reweight(GenerationStats& g, std::vector<double>& weights);
  void resample(std::size_t generation, const std::vector<double>& weights);
  bool move(std::size_t generation, GenerationStats& g);
  bool sweep_theta(std::size_t generation, std::size_t sweep, std::span<const double> beta,
                   std::vector<std::size_t>& accepted);
  bool sweep_noise(std::size_t generation, std::size_t sweep, double& acceptance);
  std::vector<double> theta_of(const std::vector<double>& z);  // [N][P] of the calibrated parameters

  const M& model_;
  Scenario scenario_;  // the caller's, without targets (the calibration reads the whole output)
  const Sampler& prior_;
  const CalibrationOptions& opt_;
  LocatedObservations located_;
  std::size_t n_ = 0, d_ = 0, n_noise_ = 0, n_points_ = 0;
  Particles cur_, prop_;
  Draws draws_;
  smc::GaussianFit fit_;  // fitted to the weighted particles of the current generation
  double phi_ = 0, beta_theta_ = 0.5, beta_ = 0.5, log_evidence_ = 0;
  std::size_t simulations_ = 0, invalid_ = 0;
  CalibrationResult result_;
};

// Calibrates `scenario`'s uncertain parameters (those with a distribution,
// not fixed) to `observations`; see TemperedSmc.
template <Model M>
CalibrationResult calibrate(const M& model, const Scenario& scenario, const Sampler& prior,
                            const ObservationSet& observations, const CalibrationOptions& options) {
  return TemperedSmc<M>(model, scenario, prior, observations, options).run();
}

}  // namespace innosim

#include "innosim/calibrate/smc.ipp"
