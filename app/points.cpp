#include "points.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <limits>
#include <mutex>

#include <fmt/format.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>

#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

// Keeps every draw's target values of one point, [T][N].
class PointSink : public DrawSink {
 public:
  PointSink(std::size_t targets, std::size_t draws)
      : targets_(targets), draws_(draws), values_(targets * draws, std::numeric_limits<double>::quiet_NaN()) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double>, std::span<const double> tv,
                   std::span<const double>, std::span<const double>, std::span<const std::uint8_t>) override {
    for (std::size_t d = 0; d < count; ++d)
      for (std::size_t t = 0; t < targets_; ++t) values_[t * draws_ + first + d] = tv[d * targets_ + t];
  }
  std::vector<double> target_values(std::size_t t) const override {
    const auto begin = values_.begin() + static_cast<std::ptrdiff_t>(t * draws_);
    return {begin, begin + static_cast<std::ptrdiff_t>(draws_)};
  }
  std::vector<double> take() { return std::move(values_); }

 private:
  std::size_t targets_, draws_;
  std::vector<double> values_;
};

// A small point: fewer tiles than keep every thread busy within it.
constexpr std::size_t kTilesPerThreadForOnePoint = 4;

}  // namespace

void check_variant(const Scenario& s) {
  visit_model(s, [&](const auto& model) -> int {
    (void)target_offsets(s, model.indicators());
    return kExitOk;
  });
}

PointsOutcome run_points(const std::vector<Scenario>& variants, const ParameterSource& sampler, const PointsConfig& cfg) {
  namespace tbb = oneapi::tbb;
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t V = variants.size(), N = cfg.draws;
  const unsigned threads = cfg.threads ? cfg.threads : static_cast<unsigned>(tbb::info::default_concurrency());
  const std::size_t tiles = (N + kTileDraws - 1) / kTileDraws;
  const bool side_by_side = V > 1 && threads > 1 && tiles < kTilesPerThreadForOnePoint * threads;

  // Refused up front: a draw count or thread count this machine cannot hold
  // (options.hpp); every point keeps its target values while it runs.
  if (V > 0) {
    const Scenario& s0 = variants.front();
    visit_model(s0, [&](const auto& model) -> int {
      const ResultShape sh = make_shape(s0, model.indicators());
      const DrawSizes sizes{sampler.num_parameters(), s0.targets.size(), sh.size(),
                            sh.num_indicators() * sh.num_regions(),
                            static_cast<std::size_t>(s0.horizon.end - s0.horizon.start), model.randoms_per_year()};
      check_footprint(estimate_footprint(sizes, N, threads, run_block_tiles(N, threads, 0), FileKeeps{}, true),
                      "", fmt::format("-n {} with {} threads", N, threads));
      return kExitOk;
    });
  }
  CancellableScope cancellable;  // the first Ctrl-C stops the points; nothing is written

  PointsOutcome out;
  out.points.resize(V);
  std::vector<std::vector<InvalidDraw>> failures(V);
  std::vector<char> cancelled(V, 0);
  std::atomic<bool> failed{false};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;

  std::once_flag shape_once;
  std::mutex point_mutex;
  auto run_one = [&](std::size_t v, unsigned point_threads) {
    if (cfg.skip != nullptr && (*cfg.skip)[v]) return;
    if (failed.load() || g_cancel.load()) {
      cancelled[v] = 1;
      return;
    }
    const Scenario& s = variants[v];
    visit_model(s, [&](const auto& model) -> int {
      // The same seed at every point: common random numbers.
      RunOptions opt = scenario_run_options(s, N, cfg.seed);
      opt.threads = point_threads;
      opt.cancel = &g_cancel;
      std::size_t seen = 0;
      if (cfg.progress != nullptr && cfg.progress->enabled())
        opt.progress = [&](std::size_t d, std::size_t) {
          const std::size_t total = done += d - seen;
          seen = d;
          if (std::unique_lock lock(progress_mutex, std::try_to_lock); lock.owns_lock())
            cfg.progress->update(total, V * N);
        };
      PointSink sink(s.targets.size(), N);
      RunOutcome r = run_monte_carlo(model, s, sampler, opt, sink);
      if (r.cancelled) {
        cancelled[v] = 1;
      } else if (r.failed()) {
        failures[v] = std::move(r.failures);
        failed = true;
      } else {
        std::call_once(shape_once, [&] { out.shape = r.shape; });
        out.points[v].table = std::move(r.table);
        out.points[v].info = std::move(r.info);
        if (cfg.keep_target_draws) out.points[v].target_draws = sink.take();
        if (cfg.on_point) {
          const std::lock_guard lock(point_mutex);
          cfg.on_point(v, out.points[v]);
        }
      }
      return kExitOk;
    });
  };

  if (side_by_side) {
    tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                              std::max<std::size_t>(threads, tbb::info::default_concurrency()));
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, V, 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t v = range.begin(); v != range.end(); ++v) run_one(v, 1);
          },
          tbb::simple_partitioner());
    });
  } else {
    for (std::size_t v = 0; v < V; ++v) run_one(v, threads);
  }
  if (cfg.progress != nullptr) cfg.progress->finish();

  for (std::size_t v = 0; v < V; ++v)
    if (!failures[v].empty()) {
      out.failed_point = v;
      out.failures = std::move(failures[v]);
      break;
    }
  out.cancelled = out.failures.empty() && std::any_of(cancelled.begin(), cancelled.end(), [](char c) { return c; });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

int report_points_failure(const PointsOutcome& r, const std::string& failed_at) {
  if (r.failures.empty()) {
    std::cerr << "innosim: interrupted; no output written\n";
    return kExitInterrupted;
  }
  std::cerr << fmt::format(
      "innosim: {}: {} invalid draw{} (run.invalid_draws = \"fail\")\n"
      "set [run] invalid_draws = \"drop\" to drop and count such draws; no output written\n",
      failed_at, r.failures.size(), r.failures.size() == 1 ? "" : "s");
  return kExitFailed;
}

}  // namespace innosim::app
