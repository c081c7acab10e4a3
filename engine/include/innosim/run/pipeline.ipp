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
#include "innosim/run/shape.hpp"

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
      locals_([this] { return make_local(); }),
      joint_(scenario.targets) {
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

  threads_ = opt_.threads ? opt_.threads : static_cast<unsigned>(oneapi::tbb::info::default_concurrency());
  const std::size_t tiles = (opt_.draws + kTileDraws - 1) / kTileDraws;
  // With a precision rule the passes are the unit of parallel work.
  const std::size_t pass_tiles = opt_.precision.on() ? std::min(tiles, opt_.precision.every / kTileDraws) : tiles;
  block_tiles_ = opt_.block_tiles;
  if (block_tiles_ == 0) block_tiles_ = std::clamp<std::size_t>(pass_tiles / (8 * std::size_t{threads_}), 1, 16);
  block_draws_ = block_tiles_ * kTileDraws;
  n_blocks_ = (opt_.draws + block_draws_ - 1) / block_draws_;
  n_tokens_ = 2 * std::size_t{threads_};
  total_ = Moments(n_series_);
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
    b->unif.resize(block_draws_ * n_steps_ * n_uniforms_);
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
  l.sim.emplace(model_, opt_.integrator, start_, end_);
  l.out.resize(l.sim->output_size());
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
    const std::size_t every = opt_.precision.on() ? opt_.precision.every : opt_.draws;
    while (next_draw_ < opt_.draws) {
      pass_end_ = std::min<std::uint64_t>(opt_.draws, next_draw_ + every);
      run_pass();
      if (done_ < pass_end_ || !failures_.empty() || (opt_.cancel && opt_.cancel->load())) break;
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

// Stage 1: the next block of draws, in order; stops at the pass's end, at the first
// failure (InvalidDraws::fail) or when cancelled.
template <Model M>
typename MonteCarloPipeline<M>::Block* MonteCarloPipeline<M>::issue_block(oneapi::tbb::flow_control& fc) {
  if (next_draw_ == pass_end_ || stop_.load() || (opt_.cancel && opt_.cancel->load())) {
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
// over its valid draws.
template <Model M>
void MonteCarloPipeline<M>::simulate_block(Block& b) {
  Local& l = locals_.local();
  source_.draw(b.first, b.count, std::span<double>(b.theta.data(), b.count * n_params_));
  b.bad.clear();
  for (std::size_t tile = 0; tile * kTileDraws < b.count; ++tile) {
    const std::size_t d0 = tile * kTileDraws;
    const std::size_t nd = std::min(kTileDraws, b.count - d0);
    std::size_t n_valid = 0;
    for (std::size_t d = d0; d < d0 + nd; ++d)
      if (simulate_draw(l, b, d, b.series.data() + n_valid * n_series_)) ++n_valid;
    const std::span<const double> valid_series(b.series.data(), n_valid * n_series_);
    b.tiles[tile].set_tile(valid_series, n_valid);
    l.sketch.add_tile(valid_series, n_valid);
  }
}

// One draw (index d within the block): its uniforms, the model run, its target
// values and, if valid, its report-year series into `series_row`. False (and
// NaN target values) for an invalid draw.
template <Model M>
bool MonteCarloPipeline<M>::simulate_draw(Local& l, Block& b, std::size_t d, double* series_row) {
  const std::uint64_t draw = b.first + d;
  const std::size_t draw_uniforms = n_steps_ * n_uniforms_;
  double* u = b.unif.data() + d * draw_uniforms;
  if (!source_.yearly_uniforms(draw, std::span<double>(u, draw_uniforms))) {
    const std::uint64_t noise_draw = source_.noise_draw(draw);
    for (std::size_t y = 0; y < n_steps_; ++y)
      fill_uniform01(opt_.seed, noise_draw, Stream::yearly, static_cast<std::uint32_t>(y),
                     std::span<double>(u + y * n_uniforms_, n_uniforms_));
  }
  const DrawStatus st = l.sim->run(std::span<const double>(b.theta.data() + d * n_params_, n_params_),
                                   std::span<const double>(u, draw_uniforms), l.out);
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
  for (const auto& part : l.parts) part->add(draw, l.out);
  for (std::size_t t = 0; t < n_targets_; ++t) tv[t] = l.out[target_offsets_[t]];
  const std::size_t n_rz = n_regions_and_aggregates_;
  for (std::size_t i = 0; i < n_indicators_; ++i)
    for (std::size_t r = 0; r < n_rz; ++r)
      for (std::size_t y = 0; y < n_report_years_; ++y)
        series_row[(i * n_rz + r) * n_report_years_ + y] =
            l.out[report_rows_[y] * outputs_per_year_ + i * n_rz + r];
  if (opt_.trajectories) std::copy(series_row, series_row + n_series_, b.traj.data() + d * n_series_);
  return true;
}

// Stage 3, in block order: tile moments merged in draw order, invalid draws
// counted (or the run stopped), per-draw values to the sink.
template <Model M>
void MonteCarloPipeline<M>::consume_block(Block& b) {
  const std::size_t n_tiles = (b.count + kTileDraws - 1) / kTileDraws;
  for (std::size_t tile = 0; tile < n_tiles; ++tile) total_.merge(b.tiles[tile]);
  for (const InvalidDraw& bad : b.bad) {
    if (opt_.invalid == InvalidDraws::fail) {
      failures_.push_back(bad);
      stop_ = true;
    } else {
      ++dropped_;
      dropped_draws_.push_back(bad.draw);
    }
  }
  if (failures_.empty()) {
    joint_.add(std::span<const double>(b.targets.data(), b.count * n_targets_), b.count);
    for (std::size_t d = 0; d < b.count; ++d)
      for (std::size_t t = 0; t < n_targets_; ++t) {
        const double v = b.targets[d * n_targets_ + t];
        if (std::isnan(v)) continue;
        ++valid_[t];
        if (scenario_.targets[t].met(v)) ++met_[t];
      }
    sink_.write_draws(b.first, b.count, std::span<const double>(b.theta.data(), b.count * n_params_),
                      std::span<const double>(b.targets.data(), b.count * n_targets_),
                      opt_.trajectories ? std::span<const double>(b.traj.data(), b.count * n_series_)
                                        : std::span<const double>(),
                      opt_.uniforms ? std::span<const double>(b.unif.data(), b.count * n_steps_ * n_uniforms_)
                                    : std::span<const double>(),
                      std::span<const std::uint8_t>(b.valid.data(), b.count));
  }
  done_ += b.count;
  if (opt_.progress) opt_.progress(done_, opt_.draws);
}

// After the last block: the bookkeeping, and unless the run failed or was
// cancelled, the summary (merged sketches) and the target table.
template <Model M>
RunOutcome MonteCarloPipeline<M>::finish(double seconds) {
  RunOutcome result;
  result.shape = shape_;
  result.cancelled = (opt_.cancel && opt_.cancel->load()) && done_ < opt_.draws && failures_.empty();
  std::sort(failures_.begin(), failures_.end(),
            [](const InvalidDraw& a, const InvalidDraw& b) { return a.draw < b.draw; });
  result.failures = std::move(failures_);
  result.info.seed = opt_.seed;
  result.draws_run = done_;
  result.precise = precise_;
  result.info.draws_requested = precise_ ? done_ : opt_.draws;
  result.info.draws_dropped = dropped_;
  result.info.draws_valid = done_ - dropped_;
  result.info.dropped_draws = std::move(dropped_draws_);
  result.info.threads = threads_;
  result.info.seconds = seconds;
  if (result.cancelled || result.failed()) return result;
  if (done_ < opt_.draws) sink_.end_early(done_);

  QuantileSketch sketch(n_series_);
  for (const Local& l : locals_) {
    sketch.merge(l.sketch);
    for (std::size_t a = 0; a < opt_.accumulators.size(); ++a) opt_.accumulators[a]->merge(*l.parts[a]);
  }
  result.summary = make_summary(total_, sketch, {0.05, 0.25, 0.5, 0.75, 0.95});

  result.table.on_track = scenario_.run.on_track;
  result.table.at_risk = scenario_.run.at_risk;
  for (std::size_t t = 0; t < n_targets_; ++t) {
    const Target& target = scenario_.targets[t];
    std::vector<double> v = sink_.target_values(t);
    TargetRow row = summarize_target(target, v, scenario_.run.on_track, scenario_.run.at_risk);
    for (const auto& ind : model_.indicators())
      if (ind.id == target.indicator) row.indicator_unit = ind.unit;
    if (const IndicatorNames* n = scenario_.indicator(target.indicator); n && !n->unit.empty())
      row.indicator_unit = n->unit;
    result.table.rows.push_back(std::move(row));
  }
  result.table.joint = joint_.result();
  return result;
}

}  // namespace innosim
