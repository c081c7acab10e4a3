#pragma once
// Draws from a calibration's posterior (a scenario's [posterior] section):
// the parameters the posterior file holds come from its equal-weight
// particles, the others from the scenario's sampler. Draw i takes particle
// k(i) = floor(N u), u = uniform01(seed, i, Stream::posterior, 0, 0): a
// resampling keyed by the seed and the draw index alone, so the run stays a
// pure function of the draw index (any thread count, any shard). The file
// itself is read by the outputs module; this class gets its contents.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "innosim/random/parameter_source.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// What a scenario needs of a posterior file.
struct PosteriorParticles {
  std::string model;                    // the calibrated scenario's model
  std::string scenario_name;            // the calibrated scenario
  std::vector<std::string> ids, units;  // [P] the calibrated parameters
  std::size_t particles = 0;            // N
  std::vector<double> theta;            // [N][P] the equal-weight particles
};

// Every way the posterior does not suit `scenario` (another model, a
// parameter the scenario lacks, is fixed in it or has another unit, an
// `exclude` name the file does not calibrate), each at scenario.posterior's
// file:line:col. Excluded parameters are not checked. Empty when it suits.
std::vector<Problem> posterior_problems(const Scenario& scenario, const PosteriorParticles& posterior);

class PosteriorSource final : public ParameterSource {
 public:
  // `posterior` must suit `scenario` (posterior_problems empty): throws
  // ScenarioError with those problems otherwise.
  PosteriorSource(const Scenario& scenario, const Sampler& prior, PosteriorParticles posterior, std::uint64_t seed);

  std::size_t num_parameters() const override { return prior_.num_parameters(); }
  void draw(std::uint64_t first, std::size_t count, std::span<double> theta) const override;

  // The particle draw `draw` takes.
  std::size_t particle(std::uint64_t draw) const;
  // Scenario indices of the parameters drawn from the posterior (the file's
  // parameters less the excluded ones), in the file's order.
  const std::vector<std::size_t>& slots() const { return slots_; }

 private:
  const Sampler& prior_;
  PosteriorParticles post_;
  std::vector<std::size_t> slots_;
  std::vector<std::size_t> columns_;  // [slots] each one's column in the file's particles
  std::uint64_t seed_;
};

}  // namespace innosim
