#pragma once
// How a run is cut (threads, block size) and what it will hold in memory and
// write, known before it starts: so that an absurd draw count, thread count or
// block size is refused up front with the size it would need, instead of
// ending in bad_alloc or a full disk hours later. The figures follow what
// MonteCarloPipeline allocates (pipeline.hpp); they are lower bounds (the
// quantile sketches grow with the spread of the values and are left out).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <oneapi/tbb/info.h>

#include "innosim/run/aggregate.hpp"  // kTileDraws

namespace innosim {

// The thread count a run uses when `requested` is 0: every hardware thread.
inline unsigned run_threads(unsigned requested) {
  return requested != 0 ? requested : static_cast<unsigned>(oneapi::tbb::info::default_concurrency());
}

// Tiles per block: `requested`, but never more than the run has (a block
// holds buffers for all its draws; results do not depend on the block size);
// when 0, about 8 blocks per thread, 1 to 16 tiles.
inline std::size_t run_block_tiles(std::size_t draws, unsigned threads, std::size_t requested) {
  const std::size_t tiles = std::max<std::size_t>(1, (draws + kTileDraws - 1) / kTileDraws);
  if (requested != 0) return std::min(requested, tiles);
  return std::clamp<std::size_t>(tiles / (8 * std::size_t{threads}), 1, 16);
}

// The sizes of one draw's data.
struct DrawSizes {
  std::size_t parameters = 0;         // sampled parameters
  std::size_t targets = 0;
  std::size_t series = 0;             // indicators x (regions + zone) x report years
  std::size_t outputs_per_year = 0;   // indicators x (regions + zone)
  std::size_t steps = 0;              // simulated years
  std::size_t uniforms_per_year = 0;  // the model's random inputs per year
};

// What a run file keeps of each draw (its store level, docs/hdf5-schema.md);
// `file` false: the run writes no file.
struct FileKeeps {
  bool file = false;
  bool parameters = false;    // /parameters/draws
  bool targets = false;       // /targets/draws (in a scratch file below the targets level) and /draws/valid
  bool trajectories = false;  // /trajectories/values (the pipeline then also keeps them per block)
  bool uniforms = false;      // /draws/yearly_uniforms
};

struct RunFootprint {
  double memory_bytes = 0;  // blocks in flight, per-thread buffers, target values read back
  double file_bytes = 0;    // the per-draw datasets of the run file (0 without a file)
};

// Doubles throughout: an absurd request must not overflow the estimate.
inline RunFootprint estimate_footprint(const DrawSizes& z, std::uint64_t draws, unsigned threads,
                                       std::size_t block_tiles, const FileKeeps& keeps, bool targets_in_memory) {
  const bool trajectories = keeps.trajectories;
  const double n = static_cast<double>(draws);
  const double tiles = static_cast<double>(block_tiles);
  const double block_draws = tiles * static_cast<double>(kTileDraws);
  const double per_draw = 8.0 * static_cast<double>(z.parameters + z.targets + z.steps * z.uniforms_per_year) +
                          1.0 + (trajectories ? 8.0 * static_cast<double>(z.series) : 0.0);
  const double block = block_draws * per_draw +
                       static_cast<double>(kTileDraws) * 8.0 * static_cast<double>(z.series) +  // tile series
                       tiles * 32.0 * static_cast<double>(z.series);                            // tile moments
  const double blocks = std::min(2.0 * threads, std::max(1.0, std::ceil(n / block_draws)));
  const double per_thread = 8.0 * static_cast<double>((z.steps + 1) * z.outputs_per_year);
  RunFootprint f;
  // One target's values are read back (and sorted) at a time; a run without a
  // file keeps every target's values.
  const double read_back = 16.0 * n * (targets_in_memory ? static_cast<double>(z.targets) : 1.0);
  f.memory_bytes = blocks * block + threads * per_thread + read_back;
  if (keeps.file) {
    f.file_bytes = n * ((keeps.parameters ? 8.0 * static_cast<double>(z.parameters) : 0.0) +
                        8.0 * static_cast<double>(z.targets) + (keeps.targets ? 1.0 : 0.0) +
                        (trajectories ? 8.0 * static_cast<double>(z.series) : 0.0) +
                        (keeps.uniforms ? 8.0 * static_cast<double>(z.steps * z.uniforms_per_year) : 0.0));
  }
  return f;
}

}  // namespace innosim
