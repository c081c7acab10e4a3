#pragma once
// What a calibration is asked to do and what it gives back. The sampler is
// calibrate/smc.hpp; the method and its assumptions are in docs/calibration.md.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "innosim/run/simulate.hpp"
#include "innosim/scenario/observations.hpp"

namespace innosim {

// The statistics of one generation of the sampler.
struct GenerationStats {
  std::size_t generation = 0;     // 0: the prior draws
  double phi = 0;                 // temperature reached (0 prior, 1 posterior)
  double ess = 0;                 // effective sample size after reweighting to phi
  double log_evidence_step = 0;   // log of the mean incremental weight
  std::size_t sweeps = 0;         // MCMC sweeps (each: a parameter move and a noise move)
  double acceptance_theta = 0;    // share of parameter moves accepted
  double acceptance_noise = 0;    // share of noise moves accepted
  double scale_theta = 0;         // Crank-Nicolson step beta of the parameter moves (smc::pcn_propose)
  double beta_noise = 0;          // Crank-Nicolson step of the noise moves
  std::size_t distinct = 0;       // distinct particles after the moves
  std::size_t invalid = 0;        // simulations that failed (NaN, negative stock) in the generation
  double seconds = 0;
};

struct CalibrationOptions {
  std::size_t particles = 1000;
  std::uint64_t seed = 0;
  unsigned threads = 0;             // 0 = all hardware threads
  double ess_fraction = 0.5;        // the ESS each reweighting keeps, as a share of the particles
  std::size_t max_generations = 100;
  std::size_t min_sweeps = 2;       // MCMC sweeps per generation: chosen so that a particle's expected
  std::size_t max_sweeps = 30;      // correlation with its start falls to stay_probability, within these bounds
  double stay_probability = 0.01;
  IntegratorSettings integrator;
  const std::atomic<bool>* cancel = nullptr;
  std::function<void(const GenerationStats&)> on_generation;  // after each generation, from one thread
};

// A calibrated parameter, prior against posterior.
struct ParameterShift {
  std::size_t parameter = 0;  // index into the scenario's parameters
  double prior_q05 = 0, prior_median = 0, prior_q95 = 0, prior_sd = 0;
  double post_q05 = 0, post_median = 0, post_q95 = 0, post_sd = 0;
  double shrinkage = 0;       // 1 - posterior variance / prior variance
};

// One observation, prior and posterior predictive.
struct ObservationPredictive {
  double prior_q05 = 0, prior_median = 0, prior_q95 = 0;  // prior predictive of the observed value
  double post_q05 = 0, post_median = 0, post_q95 = 0;     // posterior predictive of the observed value
  double model_median = 0;                                // posterior median of the model's value
  bool inside = false;  // the observed value within the posterior predictive 5-95 %
};

struct CalibrationResult {
  bool cancelled = false;
  bool reached = false;       // phi reached 1 within max_generations
  std::size_t particles = 0;  // N
  std::vector<std::size_t> parameters;  // scenario indices of the calibrated (uncertain) parameters, P of them

  // [N][P], particle-major.
  std::vector<double> prior_theta;  // the prior draws (generation 0)
  std::vector<double> prior_loglik;
  std::vector<double> weighted_theta;  // the last reweighting, to phi = 1, before resampling
  std::vector<double> weights;         // normalised
  std::vector<double> weighted_loglik;
  std::vector<std::uint64_t> weighted_ancestor;  // index of the prior draw each descends from
  std::vector<double> theta;           // the final equal-weight particles
  std::vector<double> loglik;
  std::vector<std::uint64_t> ancestor;

  std::vector<GenerationStats> generations;
  double log_evidence = 0;  // log p(observations), the product of the steps' mean weights

  // Predictive quantiles at `levels`, [J][Q] (J observations in file order):
  // of the model's value and of a replicate observation (the model's value
  // plus measurement error), under the prior and the posterior.
  std::vector<double> levels;
  std::vector<double> prior_model_q, prior_replicate_q, post_model_q, post_replicate_q;

  // Fans: every year of the horizon for each indicator and region observed.
  std::vector<std::string> fan_indicator, fan_region;  // [F]
  std::vector<int> fan_years;                          // [Y]
  std::vector<double> fan_prior_q, fan_post_q;         // [F][Y][Q]

  std::vector<ParameterShift> shifts;  // [P]
  std::vector<ObservationPredictive> fits;    // [J]
  std::vector<std::string> warnings;
  std::size_t simulations = 0;
  double seconds = 0;
};

}  // namespace innosim
