#pragma once
// The sweep file: P(met) of every target against a lever scaled by several
// factors (`innosim sweep`). Schema: docs/hdf5-schema.md, "Sweep files".

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct SweepHeader {
  std::string engine_version;
  std::string git_sha;
  std::uint64_t seed = 0;
  std::string sampler;
  std::size_t draws = 0;
  std::string model;
};

// One sweep: the lever, the factors, and per factor the target table.
struct SweepData {
  std::string lever;                // lever id
  std::vector<double> scale;        // [V] factors, in the order run
  std::vector<double> lever_value;  // [V] zone total in the horizon's end year, after scaling
  std::vector<TargetTable> tables;  // [V] one target table per factor (rows in scenario order)
};

// Writes `path` (to a temporary name, renamed on success). `shape` names the
// indicators and regions (as in a run file's /meta). Throws std::runtime_error
// naming the file and the object on any HDF5 failure; leaves no file then.
void write_sweep_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                      const SweepHeader& header, const SweepData& data);

}  // namespace innosim
