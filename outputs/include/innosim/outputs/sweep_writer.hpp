#pragma once
// The sweep file: P(met) of every target against a lever scaled by several
// factors (`innosim sweep`). Schema: docs/hdf5-schema.md, "Sweep files".

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "innosim/outputs/output_policy.hpp"
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

// Writes `path` (to a temporary name, renamed on success, sealed with the
// checksums of every object). `shape` names the indicators and regions (as in
// a run file's /meta). Throws std::runtime_error naming the file and the
// object on any HDF5 failure; leaves no file then.
void write_sweep_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                      const SweepHeader& header, const SweepData& data, OutputPolicy policy = {});

// Which part of a sweep a shard file holds (`innosim sweep --shard k/K`):
// the factors all_scale[first_point, first_point + its points) of the whole
// sweep. Schema: docs/hdf5-schema.md, "Sweep shard files".
struct SweepPart {
  unsigned shard = 0, shards = 0;  // k of K
  std::size_t first_point = 0;
  std::vector<double> all_scale;   // every factor of the whole sweep
  std::string scenario_hash;       // scenario_hash() of the scenario swept
};

// The points of shard k of K of a sweep of `points` factors: [first, end).
struct PointRange {
  std::size_t first = 0, end = 0;
};
PointRange sweep_shard_points(std::size_t points, unsigned k, unsigned K);

// A sweep shard file: the sweep file's layout for its points, plus /shard
// (the part) and the scenario's files, so that `innosim merge` can write the
// whole sweep's file. Same failure behaviour as write_sweep_file.
void write_sweep_shard_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                            const SweepHeader& header, const SweepData& data, const SweepPart& part,
                            OutputPolicy policy);

// A sweep shard file read back: its identity, part, the scenario's files and
// its points (tables with the rows' p_met, p_met_se, median, q05, q95).
struct SweepShardFile {
  std::string path;
  SweepHeader header;
  std::string scenario_name;
  std::string lever;
  SweepPart part;
  std::vector<std::pair<std::string, std::string>> scenario_files;  // (path, text), the scenario first
  SweepData data;
};

// Why shard file `f` belongs to another sweep than `sweep`'s (empty: the
// same): scenario, seed, draws, sampler, program, lever, factors; each as
// "seed 12 where the sweep has 11".
std::vector<std::string> sweep_differences(const SweepShardFile& f, const SweepShardFile& sweep);

// True when `path` is an HDF5 file whose file_type is a sweep shard's.
bool is_sweep_shard_file(const std::string& path);
// Throws std::runtime_error naming the file and object when it is not a
// readable sweep shard file.
SweepShardFile read_sweep_shard_file(const std::string& path);

}  // namespace innosim
