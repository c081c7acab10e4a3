#pragma once
// What a Monte Carlo run is asked to do (RunOptions) and what it gives back
// (RunOutcome).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "innosim/run/draw_accumulator.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/run_state.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// Adaptive precision: the run is cut into checks of `every` draws (a
// multiple of kTileDraws); after each whole check the draws so far are
// looked at, and the run stops at the first check where every target's
// P(met) standard error sqrt(p(1-p)/n) is below `se` (a target with no
// valid draw yet never is). RunOptions::draws is then the cap. Where the run
// stops does not depend on threads or block sizes: the checks fall at fixed
// draw counts and see exactly the draws before them.
struct PrecisionRule {
  double se = 0;          // 0 = off: run every draw
  std::size_t every = 0;  // draws per check
  bool on() const { return se > 0 && every > 0; }
};

// Where a run saves checkpoints. The pipeline asks due() before each block
// it hands out; when it says yes, the blocks in flight are finished and
// save() gets the state of every draw done so far (their per-draw values are
// all in the sink by then).
class Checkpoints {
 public:
  virtual ~Checkpoints() = default;
  virtual bool due() = 0;
  virtual void save(const RunState& state) = 0;
};

struct RunOptions {
  std::size_t draws = 10000;  // with a precision rule: at most this many
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
  // stage and merged after each pass (draw_accumulator.hpp); not owned. Those
  // with a name travel with the run state (RunState::draw_accumulators).
  std::vector<DrawAccumulator*> accumulators;
  PrecisionRule precision;
  // The draws to run, tile-aligned (shard_range); {0, 0} = all of them. The
  // summary and target table come only with all of them. A precision rule
  // needs all of them and no resume (its counts are not in a run state).
  DrawRange range;
  Checkpoints* checkpoints = nullptr;
  // Continue after the draws of this state (moved from), made with the same
  // options; the sink already holds their per-draw values. Its
  // draw_accumulators must be the saved ones of `accumulators` (its counts
  // loaded into them); one without a name sees only the draws run after it.
  RunState* resume = nullptr;
};

struct InvalidDraw {
  std::uint64_t draw = 0;
  DrawStatus status = DrawStatus::ok;
};

struct RunOutcome {
  ResultShape shape;
  Summary summary;   // when the run covered every draw (or stopped precise)
  TargetTable table; // when the run covered every draw (or stopped precise)
  RunInfo info;
  RunState state;    // of the draws done (also when cancelled)
  bool cancelled = false;
  std::vector<InvalidDraw> failures;  // with InvalidDraws::fail: the failing draws seen (sorted)
  std::size_t draws_run = 0;          // draws run (with a precision rule, where it stopped)
  bool precise = false;               // a precision rule was met (false when the cap stopped the run)
  bool failed() const { return !failures.empty(); }
};

}  // namespace innosim
