#pragma once
// What a Monte Carlo run is asked to do (RunOptions) and what it gives back
// (RunOutcome).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "innosim/run/draw_accumulator.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct RunOptions {
  std::size_t draws = 10000;
  std::uint64_t seed = 0;
  unsigned threads = 0;         // 0 = all hardware threads
  std::size_t block_tiles = 0;  // 0 = choose from draws and threads
  bool trajectories = false;    // pass per-draw report-year values to the sink
  bool uniforms = false;        // pass per-draw yearly uniforms to the sink
  InvalidDraws invalid = InvalidDraws::fail;
  IntegratorSettings integrator;
  std::function<void(std::size_t done, std::size_t total)> progress;  // called from one thread
  const std::atomic<bool>* cancel = nullptr;
  // Per-draw statistics fed every valid draw's whole output in the parallel
  // stage and merged after a successful run (draw_accumulator.hpp); not owned.
  std::vector<DrawAccumulator*> accumulators;
};

struct InvalidDraw {
  std::uint64_t draw = 0;
  DrawStatus status = DrawStatus::ok;
};

struct RunOutcome {
  ResultShape shape;
  Summary summary;
  TargetTable table;
  RunInfo info;
  bool cancelled = false;
  std::vector<InvalidDraw> failures;  // with InvalidDraws::fail: the failing draws seen (sorted)
  bool failed() const { return !failures.empty(); }
};

}  // namespace innosim
