#pragma once
// The design file: an experiment over several levers at once (`innosim
// design`): the points as coordinates, per point the target table and every
// draw's target values, and the draws' parameter values (the same at every
// point). Schema: docs/hdf5-schema.md, "Design files".

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "innosim/outputs/output_policy.hpp"
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
  std::vector<double> theta;                      // [N][P] parameter values, draw-major (a shard
                                                  // file without point 0: empty)
  double seconds = 0;
  unsigned threads = 0;
};

// Writes `path` (to a temporary name, renamed on success, sealed with the
// checksums of every object; an existing file only as `policy` allows).
// Throws std::runtime_error naming the file and object on any failure;
// leaves no file then.
void write_design_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                       const DesignHeader& header, const DesignData& data, OutputPolicy policy = {});

// Which part of a design a shard file holds (`innosim design --shard k/K`):
// the points all_scale[first_point, first_point + its points) of the whole
// design (points split as sweep_shard_points splits factors). Schema:
// docs/hdf5-schema.md, "Design shard files".
struct DesignPart {
  unsigned shard = 0, shards = 0;  // k of K
  std::size_t first_point = 0;
  std::vector<double> all_scale;   // [V][L] every point of the whole design
  std::string scenario_hash;       // scenario_hash() of the scenario
};

// A design shard file: the design file's layout for its points, plus /shard
// (the part); the draws' parameter values only in the shard holding point 0.
// Same failure behaviour as write_design_file.
void write_design_shard_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                             const DesignHeader& header, const DesignData& data, const DesignPart& part,
                             OutputPolicy policy);

// A design shard file read back: its identity, part, the scenario's files
// and its points (tables with every field a design file keeps).
struct DesignShardFile {
  std::string path;
  DesignHeader header;
  std::string scenario_name;
  DesignPart part;
  std::vector<std::pair<std::string, std::string>> scenario_files;  // (path, text), the scenario first
  DesignData data;
};

// Why shard file `x` belongs to another design than `y`'s (empty: the same):
// scenario, seed, draws, sampler, model, program, method, spacing, levers,
// points; each as "seed 12 where the design has 11".
std::vector<std::string> design_differences(const DesignShardFile& x, const DesignShardFile& y);

// True when `path` is an HDF5 file whose file_type is a design shard's.
bool is_design_shard_file(const std::string& path);
// Throws std::runtime_error naming the file and object when it is not a
// readable design shard file.
DesignShardFile read_design_shard_file(const std::string& path);

}  // namespace innosim
