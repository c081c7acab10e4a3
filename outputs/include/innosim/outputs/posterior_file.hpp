#pragma once
// The posterior file of `innosim calibrate` (schema: docs/hdf5-schema.md,
// "Posterior files"): the prior draws, the weighted particles at the end of
// the tempering and the equal-weight set a scenario's [posterior] draws
// from, the schedule and diagnostics of every generation, and the prior and
// posterior predictive quantiles of every observation. Written under a
// temporary name and renamed when complete, like run files.

#include <cstdint>
#include <string>
#include <vector>

#include "innosim/outputs/output_policy.hpp"
#include "innosim/calibrate/calibration.hpp"
#include "innosim/random/posterior_source.hpp"
#include "innosim/scenario/observations.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// A calibration and the names it needs, as written to and read from a
// posterior file; what the diagnostics print.
struct PosteriorRecord {
  std::string path;  // the file (empty before it is written)
  std::string engine_version, git_sha;
  std::string scenario_name, model;
  std::string observations_name, observations_file;
  std::uint64_t seed = 0;
  unsigned threads = 0;
  CalibrationOptions settings;  // particles, ess_fraction, sweeps, generations (callbacks unset)
  // The calibrated parameters, in the result's order.
  std::vector<std::string> parameter_ids, parameter_units, parameter_sources, parameter_priors;
  std::vector<Observation> observations;  // indicator, region, unit, year, value, sd, source
  CalibrationResult result;
};

// The record of a calibration just run (names from the scenario and the
// observation file).
PosteriorRecord make_posterior_record(const Scenario& scenario, const ObservationSet& observations,
                                      const CalibrationOptions& settings, const CalibrationResult& result,
                                      const std::string& engine_version, const std::string& git_sha);

// Writes `path` (a temporary name beside it, sealed with the checksums of
// every object and renamed when complete, as `policy` allows). With the
// scenario's files and the observation file verbatim. Throws
// std::runtime_error naming the file and object on failure; leaves no file then.
void write_posterior_file(const std::string& path, const Scenario& scenario, const ObservationSet& observations,
                          const PosteriorRecord& record, OutputPolicy policy = {});

// Reads a posterior file once every object has matched its checksum; throws
// InputFileError naming the path and the missing, malformed or damaged object
// ("not an innosim posterior file" for another kind).
PosteriorRecord read_posterior_file(const std::string& path);

// What a scenario's [posterior] section needs of the file: the model, the
// calibrated parameters' ids and units, the equal-weight particles. Throws
// like read_posterior_file.
PosteriorParticles read_posterior_particles(const std::string& path);

}  // namespace innosim
