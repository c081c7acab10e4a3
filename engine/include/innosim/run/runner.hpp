#pragma once
// The parallel Monte Carlo runner: a template over any Model.
//
// Draws are cut into tiles of kTileDraws; a block (the unit of parallel
// work) is `block_tiles` tiles. A three-stage oneTBB pipeline inside a
// task_arena of `threads` threads: (1) issue blocks in order, (2) simulate
// blocks in parallel, each thread with its own simulator and buffers,
// (3) in block order, merge tile moments (fixed order) and hand the block's
// per-draw values to the sink (HDF5). Quantile sketches are per thread with
// integer counts and merged at the end (exact, order-free). Every random
// number is a pure function of (seed, draw, stream, year, slot), so the
// results are bit-identical for any thread count and block size.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <oneapi/tbb/concurrent_queue.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include "innosim/model/model.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/aggregate.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// Receives per-draw data in increasing draw order, from one thread at a time.
class DrawSink {
 public:
  virtual ~DrawSink() = default;
  // Layouts as RunWriter::write_draws (draw-major).
  virtual void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                           std::span<const double> target_values,
                           std::span<const double> trajectories, std::span<const double> uniforms,
                           std::span<const std::uint8_t> valid) = 0;
  // All per-draw values of target t (NaN for dropped draws).
  virtual std::vector<double> target_values(std::size_t t) const = 0;
};

// Keeps target values in memory (tests, benchmarks without a file).
class MemorySink : public DrawSink {
 public:
  explicit MemorySink(std::size_t targets, bool keep_theta = false)
      : values_(targets), keep_theta_(keep_theta) {}
  void write_draws(std::uint64_t, std::size_t count, std::span<const double> theta,
                   std::span<const double> target_values, std::span<const double>,
                   std::span<const double>, std::span<const std::uint8_t>) override {
    const std::size_t nt = values_.size();
    for (std::size_t d = 0; d < count; ++d)
      for (std::size_t t = 0; t < nt; ++t) values_[t].push_back(target_values[d * nt + t]);
    if (keep_theta_) theta_.insert(theta_.end(), theta.begin(), theta.end());
  }
  std::vector<double> target_values(std::size_t t) const override { return values_[t]; }
  const std::vector<double>& theta() const { return theta_; }

 private:
  std::vector<std::vector<double>> values_;
  std::vector<double> theta_;
  bool keep_theta_;
};

struct RunOptions {
  std::size_t draws = 10000;
  std::uint64_t seed = 0;
  unsigned threads = 0;          // 0 = all hardware threads
  std::size_t block_tiles = 0;   // 0 = choose from draws and threads
  bool trajectories = false;     // pass per-draw report-year values to the sink
  bool uniforms = false;         // pass per-draw yearly uniforms to the sink
  InvalidDraws invalid = InvalidDraws::fail;
  IntegratorSettings integrator;
  std::function<void(std::size_t done, std::size_t total)> progress;  // called from one thread
  const std::atomic<bool>* cancel = nullptr;
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

// Where each target reads its value in one draw's output.
struct TargetIndex {
  std::size_t offset;  // into the [years+1][I][R+1] output of DrawSimulator
};

ResultShape make_shape(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators);
// Offsets of each target into one draw's output; throws ScenarioError for a
// target naming an indicator, region or year the model/horizon lacks.
std::vector<std::size_t> target_offsets(const Scenario& scenario,
                                        const std::vector<IndicatorInfo>& indicators);

template <Model M>
RunOutcome run_monte_carlo(const M& model, const Scenario& scenario, const Sampler& sampler,
                           const RunOptions& opt, DrawSink& sink) {
  namespace tbb = oneapi::tbb;
  RunOutcome result;
  result.shape = make_shape(scenario, model.indicators());
  const ResultShape& shape = result.shape;
  const std::vector<std::size_t> tgt = target_offsets(scenario, model.indicators());
  const std::size_t P = sampler.num_parameters();
  const std::size_t T = tgt.size();
  const std::size_t NS = shape.size();
  const std::size_t I = shape.num_indicators(), R1 = shape.num_regions(), Y = shape.num_years();
  const int start = scenario.horizon.start, end = scenario.horizon.end;
  const std::size_t S = static_cast<std::size_t>(end - start);
  const std::size_t K = model.randoms_per_year();
  const std::size_t per_year = I * R1;
  std::vector<std::size_t> year_rows(Y);
  for (std::size_t y = 0; y < Y; ++y) year_rows[y] = static_cast<std::size_t>(shape.years[y] - start);

  const unsigned threads = opt.threads ? opt.threads
                                       : static_cast<unsigned>(tbb::info::default_concurrency());
  const std::size_t tiles = (opt.draws + kTileDraws - 1) / kTileDraws;
  std::size_t block_tiles = opt.block_tiles;
  if (block_tiles == 0)
    block_tiles = std::clamp<std::size_t>(tiles / (8 * std::size_t{threads}), 1, 16);
  const std::size_t block_draws = block_tiles * kTileDraws;
  const std::size_t blocks = (opt.draws + block_draws - 1) / block_draws;

  struct Block {
    std::uint64_t first = 0;
    std::size_t count = 0;
    std::vector<double> theta, targets, traj, unif, series;
    std::vector<std::uint8_t> valid;
    std::vector<Moments> tiles;
    std::vector<InvalidDraw> bad;
  };
  struct Local {
    std::optional<DrawSimulator<M>> sim;
    std::vector<double> out;
    QuantileSketch sketch;
  };
  const std::size_t tokens = 2 * std::size_t{threads};
  std::vector<std::unique_ptr<Block>> pool;
  tbb::concurrent_queue<Block*> free_blocks;
  for (std::size_t i = 0; i < std::min(tokens, blocks); ++i) {
    auto b = std::make_unique<Block>();
    b->theta.resize(block_draws * P);
    b->targets.resize(block_draws * T);
    if (opt.trajectories) b->traj.resize(block_draws * NS);
    b->unif.resize(block_draws * S * K);
    b->series.resize(kTileDraws * NS);
    b->valid.resize(block_draws);
    b->tiles.assign(block_tiles, Moments(NS));
    free_blocks.push(b.get());
    pool.push_back(std::move(b));
  }
  tbb::enumerable_thread_specific<Local> locals([&] {
    Local l;
    l.sim.emplace(model, opt.integrator, start, end);
    l.out.resize(l.sim->output_size());
    l.sketch = QuantileSketch(NS);
    return l;
  });

  Moments total(NS);
  JointAccumulator joint(scenario.targets);
  std::size_t done = 0, dropped = 0;
  std::vector<std::uint64_t> dropped_draws;
  std::vector<InvalidDraw> failures;
  std::atomic<bool> stop{false};
  const auto t0 = std::chrono::steady_clock::now();

  auto simulate_block = [&](Block* b) {
    Local& l = locals.local();
    sampler.draw(b->first, b->count, std::span<double>(b->theta.data(), b->count * P));
    b->bad.clear();
    for (std::size_t tile = 0; tile * kTileDraws < b->count; ++tile) {
      const std::size_t d0 = tile * kTileDraws;
      const std::size_t nd = std::min(kTileDraws, b->count - d0);
      std::size_t nvalid = 0;
      for (std::size_t d = d0; d < d0 + nd; ++d) {
        const std::uint64_t draw = b->first + d;
        double* u = b->unif.data() + d * S * K;
        for (std::size_t y = 0; y < S; ++y)
          fill_uniform01(opt.seed, draw, Stream::yearly, static_cast<std::uint32_t>(y),
                         std::span<double>(u + y * K, K));
        const DrawStatus st = l.sim->run(std::span<const double>(b->theta.data() + d * P, P),
                                         std::span<const double>(u, S * K), l.out);
        double* tv = b->targets.data() + d * T;
        if (st != DrawStatus::ok) {
          b->valid[d] = 0;
          b->bad.push_back({draw, st});
          std::fill(tv, tv + T, std::numeric_limits<double>::quiet_NaN());
          if (opt.trajectories)
            std::fill_n(b->traj.data() + d * NS, NS, std::numeric_limits<double>::quiet_NaN());
          continue;
        }
        b->valid[d] = 1;
        for (std::size_t t = 0; t < T; ++t) tv[t] = l.out[tgt[t]];
        double* row = b->series.data() + nvalid * NS;
        for (std::size_t i = 0; i < I; ++i)
          for (std::size_t r = 0; r < R1; ++r)
            for (std::size_t y = 0; y < Y; ++y)
              row[(i * R1 + r) * Y + y] = l.out[year_rows[y] * per_year + i * R1 + r];
        if (opt.trajectories) std::copy(row, row + NS, b->traj.data() + d * NS);
        ++nvalid;
      }
      b->tiles[tile].set_tile(std::span<const double>(b->series.data(), nvalid * NS), nvalid);
      l.sketch.add_tile(std::span<const double>(b->series.data(), nvalid * NS), nvalid);
    }
  };

  auto consume_block = [&](Block* b) {
    const std::size_t ntiles = (b->count + kTileDraws - 1) / kTileDraws;
    for (std::size_t tile = 0; tile < ntiles; ++tile) total.merge(b->tiles[tile]);
    for (const InvalidDraw& bad : b->bad) {
      if (opt.invalid == InvalidDraws::fail) {
        failures.push_back(bad);
        stop = true;
      } else {
        ++dropped;
        dropped_draws.push_back(bad.draw);
      }
    }
    if (failures.empty()) {
      joint.add(std::span<const double>(b->targets.data(), b->count * T), b->count);
      sink.write_draws(
          b->first, b->count, std::span<const double>(b->theta.data(), b->count * P),
          std::span<const double>(b->targets.data(), b->count * T),
          opt.trajectories ? std::span<const double>(b->traj.data(), b->count * NS)
                           : std::span<const double>(),
          opt.uniforms ? std::span<const double>(b->unif.data(), b->count * S * K)
                       : std::span<const double>(),
          std::span<const std::uint8_t>(b->valid.data(), b->count));
    }
    done += b->count;
    if (opt.progress) opt.progress(done, opt.draws);
  };

  std::size_t next_block = 0;
  // Asking for more threads than cores is allowed (and used by the
  // determinism tests); TBB caps workers at the core count unless told.
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            std::max<std::size_t>(threads, tbb::info::default_concurrency()));
  tbb::task_arena arena(static_cast<int>(threads));
  arena.execute([&] {
    tbb::parallel_pipeline(
        tokens,
        tbb::make_filter<void, Block*>(
            tbb::filter_mode::serial_in_order,
            [&](tbb::flow_control& fc) -> Block* {
              if (next_block == blocks || stop.load() ||
                  (opt.cancel && opt.cancel->load())) {
                fc.stop();
                return nullptr;
              }
              Block* b = nullptr;
              while (!free_blocks.try_pop(b)) {
              }
              b->first = next_block * block_draws;
              b->count = std::min(block_draws, opt.draws - b->first);
              ++next_block;
              return b;
            }) &
            tbb::make_filter<Block*, Block*>(tbb::filter_mode::parallel,
                                             [&](Block* b) {
                                               simulate_block(b);
                                               return b;
                                             }) &
            tbb::make_filter<Block*, void>(tbb::filter_mode::serial_in_order, [&](Block* b) {
              consume_block(b);
              free_blocks.push(b);
            }));
  });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  result.cancelled = (opt.cancel && opt.cancel->load()) && done < opt.draws && failures.empty();
  std::sort(failures.begin(), failures.end(),
            [](const InvalidDraw& a, const InvalidDraw& b) { return a.draw < b.draw; });
  result.failures = std::move(failures);
  result.info.seed = opt.seed;
  result.info.draws_requested = opt.draws;
  result.info.draws_dropped = dropped;
  result.info.draws_valid = done - dropped;
  result.info.dropped_draws = std::move(dropped_draws);
  result.info.threads = threads;
  result.info.seconds = seconds;
  if (result.cancelled || result.failed()) return result;

  QuantileSketch sketch(NS);
  for (const Local& l : locals) sketch.merge(l.sketch);
  result.summary = make_summary(total, sketch, {0.05, 0.25, 0.5, 0.75, 0.95});

  result.table.on_track = scenario.run.on_track;
  result.table.at_risk = scenario.run.at_risk;
  for (std::size_t t = 0; t < T; ++t) {
    std::vector<double> v = sink.target_values(t);
    TargetRow row = summarize_target(scenario.targets[t], v, scenario.run.on_track, scenario.run.at_risk);
    const auto& inds = model.indicators();
    for (const auto& ind : inds)
      if (ind.id == scenario.targets[t].indicator) row.indicator_unit = ind.unit;
    if (const IndicatorNames* n = scenario.indicator(scenario.targets[t].indicator); n && !n->unit.empty())
      row.indicator_unit = n->unit;
    result.table.rows.push_back(std::move(row));
  }
  result.table.joint = joint.result();
  return result;
}

}  // namespace innosim
