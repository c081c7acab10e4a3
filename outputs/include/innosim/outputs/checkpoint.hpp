#pragma once
// Checkpoints of a long run (docs/architecture.md, "Checkpoints"). A run
// writing OUT keeps them in the folder OUT.ckpt/:
//   draws.log  every block's per-draw values (and, for a shard after draw 0,
//              its tile moments), appended as the run goes;
//   state.h5   the run state when the last checkpoint was made, the number
//              of bytes of draws.log it covers and their SHA-256, and the
//              run's identity (with checksums of every object, /integrity,
//              as every innosim file);
//   lock       held (flock) by the run writing the folder.
// A checkpoint flushes draws.log to disk (fsync), then writes state.h5 under
// a temporary name and renames it into place: a crash at any moment leaves
// the previous checkpoint or the new one, whole. Resuming replays draws.log
// up to the saved length into a new output file (refused when those bytes do
// not match their checksum) and continues the run from the saved state, so
// the output equals the uninterrupted run's bit for bit.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "innosim/outputs/shard_file.hpp"
#include "innosim/run/draw_sink.hpp"
#include "innosim/run/run_state.hpp"

namespace innosim {

// Values per draw in each per-draw record, and moment series per tile (0:
// tiles are not logged). With theta = 0 the parameter values are not logged
// (log_draws ignores the theta it is given) and a replay passes none: the
// sink draws them again from the scenario, seed and draw index.
struct LogLayout {
  std::size_t theta = 0, targets = 0, trajectories = 0, uniforms = 0, tile_series = 0;
  bool operator==(const LogLayout&) const = default;
};

// OUT.ckpt for an output OUT.
std::string checkpoint_dir(const std::string& output);

// A checkpoint read back (state.h5): whose run, how far.
struct SavedCheckpoint {
  std::string dir;
  RunIdentity id;
  LogLayout layout;
  DrawRange done;  // the draws the saved state covers
  std::uint64_t log_bytes = 0;
  std::string log_sha256;  // SHA-256 of draws.log's first log_bytes bytes
};

// Reads DIR/state.h5; nullopt-like: throws std::runtime_error naming the file
// when it is not a readable checkpoint.
SavedCheckpoint read_checkpoint(const std::string& dir);
// True when DIR holds a saved checkpoint (state.h5).
bool has_checkpoint(const std::string& dir);

// Writes a run's checkpoints. Holds DIR/lock for its lifetime; removes DIR at
// destruction unless a checkpoint was saved (an error or Ctrl-C before the
// first checkpoint leaves nothing behind) or discard() already did.
class CheckpointWriter {
 public:
  // A fresh folder (an earlier one without state.h5 is cleared). Throws
  // std::runtime_error when another process holds the lock or DIR cannot be made.
  CheckpointWriter(std::string dir, RunIdentity id, LogLayout layout);
  // Continues `saved`: loads its state into `state` (made with the run's
  // sizes), replays draws.log up to the saved length into `sink`, cuts the
  // log there and appends after it.
  CheckpointWriter(const SavedCheckpoint& saved, RunState& state, DrawSink& sink);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  void log_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                 std::span<const double> targets, std::span<const double> trajectories,
                 std::span<const double> uniforms, std::span<const std::uint8_t> valid);
  void log_tiles(std::uint64_t first_tile, std::span<const Moments> tiles);
  // Makes a checkpoint of `state` (every logged draw).
  void save(const RunState& state);
  bool saved() const;
  const std::string& dir() const;
  // The run is over (finished, or failed for good): removes the folder.
  void discard();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace innosim
