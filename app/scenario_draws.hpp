#pragma once
// The parameter source of the commands that simulate a scenario (run, sweep,
// validate, serve): the scenario's sampler, and with a [posterior] section
// the posterior file's particles for the parameters it calibrated, the
// others from the sampler (random/posterior_source.hpp). Every problem (the
// file missing, not a posterior, of another model, a parameter the scenario
// lacks or has in another unit) is a ScenarioError at posterior.file's
// file:line:col, found before anything is computed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include "innosim/analysis/innovation_index.hpp"
#include "innosim/outputs/posterior_file.hpp"
#include "innosim/random/posterior_source.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/run/shape.hpp"  // target_offsets
#include "innosim/scenario/scenario.hpp"

namespace innosim::app {

// The particles of the scenario's [posterior] file.
inline PosteriorParticles read_scenario_posterior(const Scenario& s) {
  try {
    return read_posterior_particles(s.posterior->path);
  } catch (const std::runtime_error& e) {
    throw ScenarioError({Problem{s.posterior->where, "posterior.file", e.what()}});
  }
}

class ScenarioDraws {
 public:
  ScenarioDraws(const Scenario& s, std::uint64_t seed, std::size_t draws)
      : sampler_(std::make_unique<Sampler>(s, seed, draws)) {
    if (s.posterior) posterior_ = std::make_unique<PosteriorSource>(s, *sampler_, read_scenario_posterior(s), seed);
  }

  const ParameterSource& source() const {
    if (posterior_) return *posterior_;
    return *sampler_;
  }
  const Sampler& sampler() const { return *sampler_; }
  const PosteriorSource* posterior() const { return posterior_.get(); }

 private:
  std::unique_ptr<Sampler> sampler_;  // on the heap: posterior_ refers to it, and ScenarioDraws moves
  std::unique_ptr<PosteriorSource> posterior_;
};

// The draws of `draws` draws from `seed`, after every input problem of the
// scenario and the model (parameters, target and index indicators, the
// posterior) has been found: throws ScenarioError before anything is computed.
template <class M>
ScenarioDraws checked_draws(const M& model, const Scenario& s, std::uint64_t seed, std::size_t draws) {
  ScenarioDraws d(s, seed, draws);
  (void)target_offsets(s, model.indicators());
  if (s.index) (void)InnovationIndex(s, model.indicators());  // its components are the model's indicators
  return d;
}

}  // namespace innosim::app
