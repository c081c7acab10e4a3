#pragma once
// Where the runner hands per-draw values: a file writer (the program's HDF5
// sink) or memory (MemorySink).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/run/aggregate.hpp"

namespace innosim {

// Receives per-draw data in increasing draw order, from one thread at a time.
class DrawSink {
 public:
  virtual ~DrawSink() = default;
  // `count` draws from `first`, each span draw-major: theta [count][n_params],
  // target_values [count][n_targets], trajectories [count][series] (empty unless
  // asked for), uniforms [count][years][randoms_per_year] (empty unless asked
  // for), valid [count] (1 = the draw ran; its target values are NaN otherwise).
  virtual void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                           std::span<const double> target_values, std::span<const double> trajectories,
                           std::span<const double> uniforms, std::span<const std::uint8_t> valid) = 0;
  // The moments of tiles first_tile, first_tile+1, ... (tile index = first
  // draw / kTileDraws), in tile order, after their draws. A sink that keeps a
  // range of draws that does not start at draw 0 keeps these too: merging
  // such a range onto the draws before it folds them (run_state.hpp).
  virtual void write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) {
    (void)first_tile;
    (void)tiles;
  }
  // All per-draw values of target t (NaN for dropped draws).
  virtual std::vector<double> target_values(std::size_t t) const = 0;
  // The run ended after `draws` draws, fewer than announced (a precision
  // rule was met); called once, after the last write_draws and before
  // target_values.
  virtual void end_early(std::uint64_t draws) { (void)draws; }
};

// Keeps target values in memory (sweeps, tests).
class MemorySink : public DrawSink {
 public:
  explicit MemorySink(std::size_t n_targets) : values_(n_targets) {}
  void write_draws(std::uint64_t, std::size_t count, std::span<const double>,
                   std::span<const double> target_values, std::span<const double>, std::span<const double>,
                   std::span<const std::uint8_t>) override {
    const std::size_t n_targets = values_.size();
    for (std::size_t d = 0; d < count; ++d)
      for (std::size_t t = 0; t < n_targets; ++t) values_[t].push_back(target_values[d * n_targets + t]);
  }
  std::vector<double> target_values(std::size_t t) const override { return values_[t]; }

 private:
  std::vector<std::vector<double>> values_;  // [target][draw]
};

}  // namespace innosim
