#pragma once
// The parallel Monte Carlo pipeline behind run_monte_carlo (runner.hpp): a
// class template over any Model, its bodies in pipeline.ipp.
//
// Draws are cut into tiles of kTileDraws; a block (the unit of parallel
// work) is `block_tiles` tiles. A three-stage oneTBB pipeline inside a
// task_arena of `threads` threads:
//   1. issue_block     (serial, in order): the next block of draws;
//   2. simulate_block  (parallel): each thread with its own simulator and
//      buffers takes the block's parameters from the ParameterSource, draws
//      its uniforms, runs every draw, feeds each valid draw to the thread's
//      part of every DrawAccumulator and sums each tile's moments;
//   3. consume_block   (serial, in block order): merges tile moments (fixed
//      order), counts invalid draws, feeds the run state's accumulators
//      (joint target counts) and hands the block's per-draw values (and, for
//      a range that does not start at draw 0, its tile moments) to the sink.
// The draws run in passes: one over the whole range, or, with a precision
// rule, passes ending at its checks (fixed draw counts, run_options.hpp),
// the rule checked between them. When a checkpoint is due the first stage
// stops handing out blocks early, the pass drains, the per-thread quantile
// sketches and DrawAccumulator parts (integer counts: exact and order-free)
// are merged into the run state and the draw accumulators, and the state is
// saved; then the pipeline starts again at the next block. After the last
// block the summary and the target table are built from the state
// (summarize.hpp).
// Every random number is a pure function of (seed, draw, stream, year,
// slot), so the results are bit-identical for any thread count, block size,
// shard or checkpoint.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include "innosim/model/model.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/run/aggregate.hpp"
#include "innosim/run/draw_sink.hpp"
#include "innosim/run/lane_simulator.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/run_options.hpp"
#include "innosim/run/run_state.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

template <Model M>
class MonteCarloPipeline {
 public:
  // Sizes the run; throws ScenarioError for a target the model cannot check.
  MonteCarloPipeline(const M& model, const Scenario& scenario, const ParameterSource& source,
                     const RunOptions& options, DrawSink& sink);
  MonteCarloPipeline(const MonteCarloPipeline&) = delete;
  MonteCarloPipeline& operator=(const MonteCarloPipeline&) = delete;

  // Runs every draw of the range (after options.resume's), or until the
  // first failing draw (InvalidDraws::fail) or cancellation; call once.
  RunOutcome run();

 private:
  // Consecutive draws and what was computed for them; a fixed pool of blocks
  // circulates through the stages. Per-draw arrays are draw-major.
  struct Block {
    std::uint64_t first = 0;
    std::size_t count = 0;
    std::vector<double> theta;    // [draw][n_params]
    std::vector<double> targets;  // [draw][n_targets]
    std::vector<double> traj;     // [draw][n_series], if trajectories are asked for
    std::vector<double> unif;     // [draw][n_steps][n_uniforms]
    std::vector<double> series;   // [valid draw of one tile][n_series]
    std::vector<std::uint8_t> valid;
    std::vector<Moments> tiles;    // per tile of the block
    std::vector<InvalidDraw> bad;  // draws that failed, in draw order
  };
  // Per worker thread.
  struct Local {
    std::optional<DrawSimulator<M>> sim;                  // a model without lanes: one draw at a time
    std::optional<typename LaneSimulatorFor<M>::type> lanes;  // a LaneModel: a tile at a time
    // A draw's output, [n_steps + 1][outputs_per_year]; with lanes, one per draw of a tile.
    std::vector<double> out;
    std::vector<DrawStatus> status;  // with lanes, per draw of a tile
    QuantileSketch sketch;
    std::vector<std::unique_ptr<DrawAccumulator::Part>> parts;  // one per opt_.accumulators
  };

  void make_blocks();
  Local make_local() const;
  // One pass of the three stages over draws [next_draw_, pass_end_), or
  // until a checkpoint is due.
  void run_pass();
  // After a pass: every target's P(met) standard error below the rule's.
  bool precise_enough() const;
  // Moves the per-thread sketches into the run state (between pipeline passes).
  void collect_sketches();
  // Merges the per-thread DrawAccumulator parts into the accumulators and
  // starts fresh parts (between pipeline passes).
  void collect_parts();
  // The stages, in pipeline order.
  Block* issue_block(oneapi::tbb::flow_control& fc);
  void simulate_block(Block& b);
  double* draw_uniforms(Block& b, std::size_t d);
  bool take_draw(Local& l, Block& b, std::size_t d, DrawStatus st, std::span<const double> out, double* series_row);
  void consume_block(Block& b);
  RunOutcome finish(double seconds);

  const M& model_;
  const Scenario& scenario_;
  const ParameterSource& source_;
  const RunOptions& opt_;
  DrawSink& sink_;

  // What one draw produces.
  ResultShape shape_;
  std::vector<std::size_t> target_offsets_;  // of each target into a draw's output
  std::size_t n_params_ = 0, n_targets_ = 0;
  std::size_t n_indicators_ = 0, n_regions_and_aggregates_ = 0, n_report_years_ = 0;
  std::size_t n_series_ = 0;              // indicators x (regions + zone) x report years
  int start_ = 0, end_ = 0;               // horizon
  std::size_t n_steps_ = 0;               // simulated years, end - start
  std::size_t n_uniforms_ = 0;            // the model's randoms per simulated year
  std::size_t draw_uniforms_count() const { return n_steps_ * n_uniforms_; }  // a draw's yearly uniforms
  std::size_t outputs_per_year_ = 0;      // indicators x (regions + zone)
  std::vector<std::size_t> report_rows_;  // output row (year - start) of each report year

  // How the draws are cut and run: blocks from start_draw_ (the range's
  // first draw, or where the resumed state ends) to range_.end.
  DrawRange range_;
  std::uint64_t start_draw_ = 0;
  unsigned threads_ = 1;
  std::size_t block_tiles_ = 1, block_draws_ = kTileDraws, n_blocks_ = 0, n_tokens_ = 2;
  std::vector<std::unique_ptr<Block>> pool_;
  oneapi::tbb::concurrent_queue<Block*> free_blocks_;
  oneapi::tbb::enumerable_thread_specific<Local> locals_;

  // Stage 1 and stage 3 state (serial stages).
  std::uint64_t next_draw_ = 0, pass_end_ = 0, pass_first_draw_ = 0;
  bool checkpoint_due_ = false;
  std::vector<std::uint64_t> met_, valid_;  // per target, for the precision rule
  bool precise_ = false;
  RunState state_;
  std::size_t done_ = 0;  // draws of the range done, including the resumed ones
  std::vector<InvalidDraw> failures_;
  std::atomic<bool> stop_{false};
};

}  // namespace innosim

#include "innosim/run/pipeline.ipp"
