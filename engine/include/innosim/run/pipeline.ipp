// Bodies of MonteCarloPipeline (pipeline.hpp); included by it only.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include "innosim/random/streams.hpp"
#include "innosim/run/footprint.hpp"
#include "innosim/run/shape.hpp"
#include "innosim/run/summarize.hpp"

namespace innosim {

template <Model M>
MonteCarloPipeline<M>::MonteCarloPipeline(const M& model, const Scenario& scenario, const ParameterSource& source,
                                          const RunOptions& options, DrawSink& sink)
    : model_(model),
      scenario_(scenario),
      source_(source),
      opt_(options),
      sink_(sink),
      shape_(make_shape(scenario, model.indicators())),
      target_offsets_(target_offsets(scenario, model.indicators())),
      locals_([this] { return make_local(); }) {
  n_params_ = source.num_parameters();
  n_targets_ = target_offsets_.size();
  n_series_ = shape_.size();
  n_indicators_ = shape_.num_indicators();
  n_regions_and_aggregates_ = shape_.num_regions();
  if (n_regions_and_aggregates_ != model.num_regions() + model.num_aggregates())
    throw std::logic_error("the model reports " + std::to_string(model.num_regions() + model.num_aggregates()) +
                           " regions and aggregates, the scenario's result shape has " +
                           std::to_string(n_regions_and_aggregates_));
  n_report_years_ = shape_.num_years();
  start_ = scenario.horizon.start;
  end_ = scenario.horizon.end;
  n_steps_ = static_cast<std::size_t>(end_ - start_);
  n_uniforms_ = model.randoms_per_year();
  outputs_per_year_ = n_indicators_ * n_regions_and_aggregates_;
  report_rows_.resize(n_report_years_);
  for (std::size_t y = 0; y < n_report_years_; ++y)
    report_rows_[y] = static_cast<std::size_t>(shape_.years[y] - start_);

  range_ = opt_.range == DrawRange{} ? DrawRange{0, opt_.draws} : opt_.range;
  if (range_.end > opt_.draws || range_.first > range_.end || range_.first % kTileDraws != 0 ||
      (range_.end % kTileDraws != 0 && range_.end != opt_.draws))
    throw std::invalid_argument("RunOptions::range: draws " + std::to_string(range_.first) + ".." +
                                std::to_string(range_.end) + " are not a tile-aligned range of the run's " +
                                std::to_string(opt_.draws));
  if (opt_.resume) {
    const DrawRange r = opt_.resume->range;
    if (r.first != range_.first || r.end > range_.end || (r.end % kTileDraws != 0 && r.end != range_.end))
      throw std::invalid_argument("RunOptions::resume: the state of draws " + std::to_string(r.first) + ".." +
                                  std::to_string(r.end) + " does not continue into this range");
    state_ = std::move(*opt_.resume);
  } else {
    state_ = RunState(range_.first, n_series_, scenario.targets);
  }
  // The saved draw accumulators: a resumed state's counts were loaded into them.
  std::vector<DrawAccumulator*> saved;
  for (DrawAccumulator* a : opt_.accumulators)
    if (!a->name().empty()) {
      if (state_.accumulator(a->name()) != nullptr ||
          std::any_of(saved.begin(), saved.end(), [&](const DrawAccumulator* b) { return b->name() == a->name(); }))
        throw std::invalid_argument("RunOptions::accumulators: two accumulators named '" + a->name() + "'");
      saved.push_back(a);
    }
  if (opt_.resume && state_.draw_accumulators != saved)
    throw std::invalid_argument("RunOptions::resume: the state's draw accumulators are not the run's");
  state_.draw_accumulators = std::move(saved);
  // The precision rule looks at every draw from draw 0 (its counts are not
  // part of a run state): a range or a resumed state cannot have one.
  if (opt_.precision.on() && (range_ != DrawRange{0, opt_.draws} || opt_.resume))
    throw std::invalid_argument("RunOptions::precision: a run with a precision rule covers every draw from draw 0 "
                                "(no range, no resume)");
  if (opt_.precision.on() && opt_.precision.every % kTileDraws != 0)
    throw std::invalid_argument("RunOptions::precision: checks every " + std::to_string(opt_.precision.every) +
                                " draws, not a multiple of the tile");
  start_draw_ = state_.range.end;
  next_draw_ = start_draw_;
  done_ = static_cast<std::size_t>(start_draw_ - range_.first);

  threads_ = run_threads(opt_.threads);
  const std::uint64_t todo = range_.end - start_draw_;
  const std::size_t tiles = static_cast<std::size_t>(tile_count(todo));
  // With a precision rule the passes are the unit of parallel work.
  const std::size_t pass_tiles = opt_.precision.on() ? std::min(tiles, opt_.precision.every / kTileDraws) : tiles;
  // A block never holds more tiles than a pass (a huge --block-tiles would
  // allocate buffers for draws the run does not have).
  block_tiles_ = std::min(opt_.block_tiles, std::max<std::size_t>(pass_tiles, 1));
  if (block_tiles_ == 0) block_tiles_ = std::clamp<std::size_t>(pass_tiles / (8 * std::size_t{threads_}), 1, 16);
  block_draws_ = block_tiles_ * kTileDraws;
  n_blocks_ = static_cast<std::size_t>((todo + block_draws_ - 1) / block_draws_);
  n_tokens_ = 2 * std::size_t{threads_};
  met_.assign(n_targets_, 0);
  valid_.assign(n_targets_, 0);
}

template <Model M>
void MonteCarloPipeline<M>::make_blocks() {
  for (std::size_t i = 0; i < std::min(n_tokens_, n_blocks_); ++i) {
    auto b = std::make_unique<Block>();
    b->theta.resize(block_draws_ * n_params_);
    b->targets.resize(block_draws_ * n_targets_);
    if (opt_.trajectories) b->traj.resize(block_draws_ * n_series_);
    b->unif.resize(block_draws_ * draw_uniforms_count());
    b->series.resize(kTileDraws * n_series_);
    b->valid.resize(block_draws_);
    b->tiles.assign(block_tiles_, Moments(n_series_));
    free_blocks_.push(b.get());
    pool_.push_back(std::move(b));
  }
}

template <Model M>
typename MonteCarloPipeline<M>::Local MonteCarloPipeline<M>::make_local() const {
  Local l;
  if constexpr (LaneModel<M>) {
    l.lanes.emplace(model_, opt_.integrator, start_, end_);
    l.out.resize(kTileDraws * l.lanes->output_size());
    l.status.resize(kTileDraws);
  } else {
    l.sim.emplace(model_, opt_.integrator, start_, end_);
    l.out.resize(l.sim->output_size());
  }
  l.sketch = QuantileSketch(n_series_);
  for (const DrawAccumulator* a : opt_.accumulators) l.parts.push_back(a->make_part());
  return l;
}

template <Model M>
RunOutcome MonteCarloPipeline<M>::run() {
  namespace tbb = oneapi::tbb;
  make_blocks();
  const auto t0 = std::chrono::steady_clock::now();
  // Asking for more threads than cores is allowed (and used by the
  // determinism tests); TBB caps workers at the core count unless told.
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            std::max<std::size_t>(threads_, tbb::info::default_concurrency()));
  tbb::task_arena arena(static_cast<int>(threads_));
  arena.execute([&] {
    // Passes: a pass ends at the range's end, at the next check of the
    // precision rule (fixed draw counts from draw 0) or, earlier, when a
    // checkpoint is due; then the pipeline has drained and the state is
    // whole: it is saved, or the rule is checked.
    const std::uint64_t every = opt_.precision.on() ? opt_.precision.every : range_.end;
    while (next_draw_ < range_.end) {
      pass_end_ = std::min<std::uint64_t>(range_.end, (next_draw_ / every + 1) * every);
      pass_first_draw_ = next_draw_;
      checkpoint_due_ = false;
      run_pass();
      collect_sketches();
      if (failures_.empty()) collect_parts();
      if (!failures_.empty() || (opt_.cancel && opt_.cancel->load())) break;
      if (checkpoint_due_) {
        opt_.checkpoints->save(state_);
        continue;
      }
      if (state_.range.end < pass_end_) break;
      if (opt_.precision.on() && precise_enough()) {
        precise_ = true;
        break;
      }
    }
  });
  return finish(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

template <Model M>
void MonteCarloPipeline<M>::run_pass() {
  namespace tbb = oneapi::tbb;
  tbb::parallel_pipeline(
      n_tokens_,
      tbb::make_filter<void, Block*>(tbb::filter_mode::serial_in_order,
                                     [this](tbb::flow_control& fc) { return issue_block(fc); }) &
          tbb::make_filter<Block*, Block*>(tbb::filter_mode::parallel,
                                           [this](Block* b) {
                                             simulate_block(*b);
                                             return b;
                                           }) &
          tbb::make_filter<Block*, void>(tbb::filter_mode::serial_in_order, [this](Block* b) {
            consume_block(*b);
            free_blocks_.push(b);
          }));
}

template <Model M>
bool MonteCarloPipeline<M>::precise_enough() const {
  for (std::size_t t = 0; t < n_targets_; ++t) {
    if (valid_[t] == 0) return false;
    // As summarize_target computes it, so the table shows what stopped the run.
    const double dn = static_cast<double>(valid_[t]);
    const double p = static_cast<double>(met_[t]) / dn;
    if (!(std::sqrt(p * (1.0 - p) / dn) < opt_.precision.se)) return false;
  }
  return true;
}

template <Model M>
void MonteCarloPipeline<M>::collect_sketches() {
  for (Local& l : locals_) {
    state_.sketch.merge(l.sketch);
    l.sketch = QuantileSketch(n_series_);
  }
}

template <Model M>
void MonteCarloPipeline<M>::collect_parts() {
  for (Local& l : locals_)
    for (std::size_t a = 0; a < opt_.accumulators.size(); ++a) {
      opt_.accumulators[a]->merge(*l.parts[a]);
      l.parts[a] = opt_.accumulators[a]->make_part();
    }
}

// Stage 1: the next block of draws, in order; stops at the pass's end, at the
// first failure (InvalidDraws::fail), when cancelled, and when a checkpoint is
// due (after at least one block of this pass).
template <Model M>
typename MonteCarloPipeline<M>::Block* MonteCarloPipeline<M>::issue_block(oneapi::tbb::flow_control& fc) {
  if (next_draw_ == pass_end_ || stop_.load() || (opt_.cancel && opt_.cancel->load())) {
    fc.stop();
    return nullptr;
  }
  if (opt_.checkpoints && next_draw_ > pass_first_draw_ && opt_.checkpoints->due()) {
    checkpoint_due_ = true;
    fc.stop();
    return nullptr;
  }
  Block* b = nullptr;
  while (!free_blocks_.try_pop(b)) {
  }
  b->first = next_draw_;
  b->count = static_cast<std::size_t>(std::min<std::uint64_t>(block_draws_, pass_end_ - next_draw_));
  next_draw_ += b->count;
  return b;
}

// Stage 2: every draw of the block, and each tile's moments and sketch counts
// over its valid draws. A LaneModel's draws are integrated a tile at a time in
// lanes, then taken in draw order, as one at a time would.
template <Model M>
void MonteCarloPipeline<M>::simulate_block(Block& b) {
  Local& l = locals_.local();
  source_.draw(b.first, b.count, std::span<double>(b.theta.data(), b.count * n_params_));
  b.bad.clear();
  const std::size_t draw_uniforms_size = draw_uniforms_count();
  for (std::size_t tile = 0; tile * kTileDraws < b.count; ++tile) {
    const std::size_t d0 = tile * kTileDraws;
    const std::size_t nd = std::min(kTileDraws, b.count - d0);
    std::size_t n_valid = 0;
    if constexpr (LaneModel<M>) {
      const std::size_t n_out = l.lanes->output_size();
      for (std::size_t d = d0; d < d0 + nd; ++d) draw_uniforms(b, d);
      l.lanes->run(
          nd, [&](std::size_t i) { return std::span<const double>(b.theta.data() + (d0 + i) * n_params_, n_params_); },
          [&](std::size_t i) {
            return std::span<const double>(b.unif.data() + (d0 + i) * draw_uniforms_size, draw_uniforms_size);
          },
          [&](std::size_t i) { return std::span<double>(l.out.data() + i * n_out, n_out); },
          std::span<DrawStatus>(l.status.data(), nd));
      for (std::size_t i = 0; i < nd; ++i)
        if (take_draw(l, b, d0 + i, l.status[i], std::span<const double>(l.out.data() + i * n_out, n_out),
                      b.series.data() + n_valid * n_series_))
          ++n_valid;
    } else {
      for (std::size_t d = d0; d < d0 + nd; ++d) {
        const double* u = draw_uniforms(b, d);
        const DrawStatus st = l.sim->run(std::span<const double>(b.theta.data() + d * n_params_, n_params_),
                                         std::span<const double>(u, draw_uniforms_size), l.out);
        if (take_draw(l, b, d, st, l.out, b.series.data() + n_valid * n_series_)) ++n_valid;
      }
    }
    const std::span<const double> valid_series(b.series.data(), n_valid * n_series_);
    b.tiles[tile].set_tile(valid_series, n_valid);
    l.sketch.add_tile(valid_series, n_valid);
  }
}

// The yearly uniforms of draw d (index within the block), into the block.
template <Model M>
double* MonteCarloPipeline<M>::draw_uniforms(Block& b, std::size_t d) {
  const std::uint64_t draw = b.first + d;
  const std::size_t draw_uniforms = draw_uniforms_count();
  double* u = b.unif.data() + d * draw_uniforms;
  if (!source_.yearly_uniforms(draw, std::span<double>(u, draw_uniforms))) {
    const std::uint64_t noise_draw = source_.noise_draw(draw);
    for (std::size_t y = 0; y < n_steps_; ++y)
      fill_uniform01(opt_.seed, noise_draw, Stream::yearly, static_cast<std::uint32_t>(y),
                     std::span<double>(u + y * n_uniforms_, n_uniforms_));
  }
  return u;
}

// One simulated draw (index d within the block, status st, model output out):
// its target values and, if valid, its report-year series into `series_row`.
// False (and NaN target values) for an invalid draw.
template <Model M>
bool MonteCarloPipeline<M>::take_draw(Local& l, Block& b, std::size_t d, DrawStatus st,
                                      std::span<const double> out, double* series_row) {
  const std::uint64_t draw = b.first + d;
  double* tv = b.targets.data() + d * n_targets_;
  if (st != DrawStatus::ok) {
    b.valid[d] = 0;
    b.bad.push_back({draw, st});
    std::fill(tv, tv + n_targets_, std::numeric_limits<double>::quiet_NaN());
    if (opt_.trajectories)
      std::fill_n(b.traj.data() + d * n_series_, n_series_, std::numeric_limits<double>::quiet_NaN());
    return false;
  }
  b.valid[d] = 1;
  for (const auto& part : l.parts) part->add(draw, out);
  for (std::size_t t = 0; t < n_targets_; ++t) tv[t] = out[target_offsets_[t]];
  const std::size_t n_rz = n_regions_and_aggregates_;
  for (std::size_t i = 0; i < n_indicators_; ++i)
    for (std::size_t r = 0; r < n_rz; ++r)
      for (std::size_t y = 0; y < n_report_years_; ++y)
        series_row[(i * n_rz + r) * n_report_years_ + y] = out[report_rows_[y] * outputs_per_year_ + i * n_rz + r];
  if (opt_.trajectories) std::copy(series_row, series_row + n_series_, b.traj.data() + d * n_series_);
  return true;
}

// Stage 3, in block order: tile moments merged in draw order, invalid draws
// counted (or the run stopped), accumulators fed, per-draw values to the sink.
template <Model M>
void MonteCarloPipeline<M>::consume_block(Block& b) {
  const std::size_t n_tiles = (b.count + kTileDraws - 1) / kTileDraws;
  for (std::size_t tile = 0; tile < n_tiles; ++tile) state_.moments.merge(b.tiles[tile]);
  for (const InvalidDraw& bad : b.bad) {
    if (opt_.invalid == InvalidDraws::fail) {
      failures_.push_back(bad);
      stop_ = true;
    } else {
      state_.dropped.push_back(bad.draw);
    }
  }
  if (failures_.empty()) {
    const std::span<const double> theta(b.theta.data(), b.count * n_params_);
    const std::span<const double> targets(b.targets.data(), b.count * n_targets_);
    const std::span<const double> series =
        opt_.trajectories ? std::span<const double>(b.traj.data(), b.count * n_series_) : std::span<const double>();
    const std::span<const std::uint8_t> valid(b.valid.data(), b.count);
    const DrawBlock block{b.first, b.count, theta, targets, valid};
    for (const auto& a : state_.accumulators) a->add(block);
    for (std::size_t d = 0; d < b.count; ++d)
      for (std::size_t t = 0; t < n_targets_; ++t) {
        const double v = b.targets[d * n_targets_ + t];
        if (std::isnan(v)) continue;
        ++valid_[t];
        if (scenario_.targets[t].met(v)) ++met_[t];
      }
    sink_.write_draws(b.first, b.count, theta, targets, series,
                      opt_.uniforms ? std::span<const double>(b.unif.data(), b.count * draw_uniforms_count())
                                    : std::span<const double>(),
                      valid);
    sink_.write_tiles(b.first / kTileDraws, std::span<const Moments>(b.tiles.data(), n_tiles));
  }
  state_.range.end = b.first + b.count;
  done_ += b.count;
  if (opt_.progress) opt_.progress(done_, static_cast<std::size_t>(range_.size()));
}

// After the last block: the bookkeeping, and unless the run failed or was
// cancelled or covers only some of the draws, the summary and the target
// table (summarize.hpp).
template <Model M>
RunOutcome MonteCarloPipeline<M>::finish(double seconds) {
  RunOutcome result;
  result.shape = shape_;
  result.cancelled = (opt_.cancel && opt_.cancel->load()) && state_.range.end < range_.end && failures_.empty();
  std::sort(failures_.begin(), failures_.end(),
            [](const InvalidDraw& a, const InvalidDraw& b) { return a.draw < b.draw; });
  result.failures = std::move(failures_);
  // A precise run stopped early is a whole run of the draws it ran.
  result.info = run_info(state_, opt_.seed, precise_ ? state_.range.end : opt_.draws);
  result.info.threads = threads_;
  result.info.seconds = seconds;
  result.draws_run = static_cast<std::size_t>(state_.range.end - range_.first);
  result.precise = precise_;
  if (!result.cancelled && !result.failed()) {
    if (precise_ && state_.range.end < opt_.draws) sink_.end_early(static_cast<std::size_t>(state_.range.end));
    if (range_.first == 0 && (state_.range.end == opt_.draws || precise_))
      summarize_run(scenario_, model_.indicators(), state_, sink_, result.summary, result.table);
  }
  result.state = std::move(state_);
  return result;
}

}  // namespace innosim
