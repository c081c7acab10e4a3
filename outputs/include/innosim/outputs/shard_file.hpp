#pragma once
// Reading shard files back (`innosim merge`; schema: docs/hdf5-schema.md,
// "Shard files"). A shard file is written by RunWriter with a shard header
// and finish_shard: the per-draw values of its range of draws, the run state
// of that range and, for a range after draw 0, every tile's moments.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/run_state.hpp"

namespace innosim {

// Which run a shard file or a checkpoint belongs to: its header (with
// shard, shards, range and scenario_hash) and the per-draw values it keeps.
struct RunIdentity {
  RunHeader header;
  StoreLevel store = StoreLevel::targets;  // what the (merged) run file keeps
  bool yearly_uniforms = false;
  std::string scenario_name;
};

// How the run of `mine` differs from `run` ("seed 12 (the run's: 11)"), one
// entry per field; empty when they are parts of the same run. The shard
// index and range are compared only `with_shard`.
std::vector<std::string> run_differences(const RunIdentity& mine, const RunIdentity& run, bool with_shard = false);

// What a shard file says about the run it is part of.
struct ShardInfo {
  std::string path;
  RunIdentity id;
  std::vector<std::pair<std::string, std::string>> scenario_files;  // as Scenario::files
  unsigned threads = 0;
  double seconds = 0;
};

// Throws std::runtime_error naming the path: not an HDF5 file, not a shard
// file (a run file is named as such), a malformed one.
ShardInfo read_shard_info(const std::string& path);

// Streams a shard file's per-draw values and tile moments.
class ShardReader {
 public:
  explicit ShardReader(const std::string& path);
  ~ShardReader();
  ShardReader(const ShardReader&) = delete;
  ShardReader& operator=(const ShardReader&) = delete;

  const ShardInfo& info() const;
  // Into a state made with the run's sizes and accumulators; throws StateError.
  void load_state(RunState& state) const;
  // The moments of the range's tiles, in order (a range after draw 0).
  TileSource tiles() const;
  // Draws [first, first+count) of the range, draw-major as DrawSink::write_draws
  // takes them (trajectories and uniforms empty unless the file has them).
  void read_draws(std::uint64_t first, std::size_t count, std::vector<double>& theta, std::vector<double>& targets,
                  std::vector<double>& trajectories, std::vector<double>& uniforms,
                  std::vector<std::uint8_t>& valid) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace innosim
