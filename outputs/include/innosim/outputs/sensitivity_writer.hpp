#pragma once
// The sensitivity file (`innosim sensitivity`): Sobol indices with their
// bootstrap intervals and Morris effects of every factor for every output,
// the factors (groups of parameters) and the designs. Schema:
// docs/hdf5-schema.md, "Sensitivity files".

#include <cstddef>
#include <cstdint>
#include <string>

#include "innosim/outputs/output_policy.hpp"
#include "innosim/analysis/sensitivity.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct SensitivityHeader {
  std::string engine_version;
  std::string git_sha;
  std::uint64_t seed = 0;
  std::string model;
  std::size_t resamples = 0;  // bootstrap
  double confidence = 0.95;
  unsigned threads = 0;
  double seconds = 0;  // the runs and the estimators together
};

// Writes `path` (to a temporary name, sealed with the checksums of every
// object and renamed on success, as `policy` allows). Throws
// std::runtime_error naming the file and object on any failure; leaves no
// file then.
void write_sensitivity_file(const std::string& path, const Scenario& scenario, const SensitivityHeader& header,
                            const SensitivityResult& result, OutputPolicy policy = {});

}  // namespace innosim
