#pragma once
// The design file: an experiment over several levers at once (`innosim
// design`): the points as coordinates, per point the target table and every
// draw's target values, and the draws' parameter values (the same at every
// point). Schema: docs/hdf5-schema.md, "Design files".

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct DesignHeader {
  std::string engine_version;
  std::string git_sha;
  std::uint64_t seed = 0;
  std::string sampler;
  std::size_t draws = 0;  // per point
  std::string model;
  std::string method;     // "grid" | "latin_hypercube"
  std::string spacing;    // "linear" | "log"
};

// One lever of the design.
struct DesignLever {
  std::string id;
  double base = 0;        // unscaled zone total in the horizon's end year, in the lever's unit
  double lo = 0, hi = 0;  // range of the factor
  bool amounts = false;   // the range was given as amounts (yuan) rather than factors
};

struct DesignData {
  std::vector<DesignLever> levers;                // [L]
  std::vector<double> scale;                      // [V][L] factors, point-major
  std::vector<TargetTable> tables;                // [V] rows in scenario target order
  std::vector<std::vector<double>> target_draws;  // [V] each [T][N]; NaN for dropped draws
  std::vector<double> theta;                      // [N][P] parameter values, draw-major
  double seconds = 0;
  unsigned threads = 0;
};

// Writes `path` (to a temporary name, renamed on success). Throws
// std::runtime_error naming the file and object on any failure; leaves no
// file then.
void write_design_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                       const DesignHeader& header, const DesignData& data);

}  // namespace innosim
