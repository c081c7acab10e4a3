#pragma once
// Runs several variants of one scenario (the points of a sweep, a design or
// a solve) with common random numbers: every point uses the same seed, the
// same draws and the same parameter values, so differences between points
// come from the levers alone, and each point equals `innosim run` of its
// scenario bit for bit.
//
// Parallel over draws and points: points with many draws run one after
// another, each on every thread; many small points run side by side, one
// thread each. Each point's result does not depend on which.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "innosim/random/sampler.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/runner.hpp"  // InvalidDraw
#include "innosim/scenario/scenario.hpp"
#include "progress.hpp"

namespace innosim::app {

struct PointResult {
  TargetTable table;
  RunInfo info;
  std::vector<double> target_draws;  // [T][N] when kept; NaN for dropped draws
};

struct PointsConfig {
  std::size_t draws = 0;
  std::uint64_t seed = 0;
  unsigned threads = 0;           // 0 = all cores
  bool keep_target_draws = false; // keep every draw's target values
  Progress* progress = nullptr;   // counts draws over all points
  // Points already done elsewhere (a checkpoint): not run, their results
  // left empty. Null: run every point.
  const std::vector<char>* skip = nullptr;
  // Called with a point's index and result as soon as it is done (from the
  // thread that ran it; calls never overlap).
  std::function<void(std::size_t, const PointResult&)> on_point = nullptr;
};

struct PointsOutcome {
  std::vector<PointResult> points;  // in the order of the variants (skipped ones empty)
  ResultShape shape;
  bool cancelled = false;
  std::size_t failed_point = 0;       // the first point with an invalid draw (when failures is not empty)
  std::vector<InvalidDraw> failures;  // its failing draws
  double seconds = 0;
  bool ok() const { return !cancelled && failures.empty(); }
};

// Every variant must differ from the others only in its levers (same
// model, parameters, targets, horizon); `sampler` (the scenario's draws, app/scenario_draws.hpp) is built from any of them.
PointsOutcome run_points(const std::vector<Scenario>& variants, const ParameterSource& sampler, const PointsConfig& config);

// Checks the model can be built from `s` and every input problem is found
// before anything is computed (throws ScenarioError).
void check_variant(const Scenario& s);

// Prints why an outcome is not ok() and returns the exit code. `failed_at`
// says where, for people: "the sweep failed at factor 2".
int report_points_failure(const PointsOutcome& r, const std::string& failed_at);

}  // namespace innosim::app
