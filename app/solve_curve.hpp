#pragma once
// The P(met) curve of one target along a one-dimensional path through lever
// factors, as `solve` walks it: every point run with the same seed, draws
// and parameter values (common random numbers) and cached, and the smallest
// point on the path reaching a probability, by a walk then bisection.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "innosim/outputs/solve_result.hpp"  // SolvePoint
#include "innosim/random/parameter_source.hpp"
#include "innosim/scenario/scenario.hpp"
#include "points.hpp"

namespace innosim::app {

// P(met) of one target against a position t on a path; `apply(s, t)` moves
// the levers of a copy of the scenario to position t.
class Curve {
 public:
  using Apply = std::function<void(Scenario&, double)>;
  Curve(const Scenario& s, Apply apply, std::size_t target, const ParameterSource& sampler, PointsConfig cfg)
      : s_(s), apply_(std::move(apply)), target_(target), sampler_(sampler), cfg_(cfg) {}

  // Runs every t not yet known (side by side); nullopt, or the exit code
  // with its message printed if a run failed or was interrupted.
  std::optional<int> evaluate(const std::vector<double>& ts) {
    std::vector<double> todo;
    for (double t : ts)
      if (!points_.count(t) && std::find(todo.begin(), todo.end(), t) == todo.end()) todo.push_back(t);
    if (todo.empty()) return std::nullopt;
    std::vector<Scenario> variants;
    for (double t : todo) {
      Scenario st = s_;
      apply_(st, t);
      check_variant(st);
      variants.push_back(std::move(st));
    }
    const PointsOutcome r = run_points(variants, sampler_, cfg_);
    seconds_ += r.seconds;
    runs_ += todo.size();
    if (!r.ok()) return report_points_failure(r, fmt::format("the solve failed at {}", todo[r.failed_point]));
    for (std::size_t i = 0; i < todo.size(); ++i) {
      const TargetRow& row = r.points[i].table.rows[target_];
      points_[todo[i]] = {todo[i], row.p_met, row.p_met_se, row.median, row.q05, row.q95};
    }
    return std::nullopt;
  }
  // A point known from elsewhere (the same scenario, draws and seed).
  void know(double t, SolvePoint p) {
    p.scale = t;
    points_[t] = p;
  }
  const SolvePoint& at(double t) const { return points_.at(t); }
  double p(double t) const { return points_.at(t).p_met; }
  std::vector<SolvePoint> walked() const {
    std::vector<SolvePoint> out;
    for (const auto& [t, pt] : points_) out.push_back(pt);
    return out;
  }
  double seconds() const { return seconds_; }
  std::size_t runs() const { return runs_; }

 private:
  const Scenario& s_;
  Apply apply_;
  std::size_t target_;
  const ParameterSource& sampler_;
  PointsConfig cfg_;
  std::map<double, SolvePoint> points_;
  double seconds_ = 0;
  std::size_t runs_ = 0;
};

// The smallest t (to `tol`) at which P(met) >= q: the first bracket of the
// walked `grid` (evaluated already, increasing) where the curve crosses q,
// then bisection inside it. NaN when P(met) < q at every grid point. Sets
// `rc` on a failed run.
inline double smallest_t(Curve& curve, const std::vector<double>& grid, double q, double tol,
                         std::optional<int>& rc) {
  std::size_t i = 0;
  while (i < grid.size() && curve.p(grid[i]) < q) ++i;
  if (i == grid.size()) return std::numeric_limits<double>::quiet_NaN();
  if (i == 0) return grid[0];
  double a = grid[i - 1], b = grid[i];  // P(a) < q <= P(b)
  while (b - a > tol) {
    const double m = 0.5 * (a + b);
    if ((rc = curve.evaluate({m}))) return std::numeric_limits<double>::quiet_NaN();
    (curve.p(m) >= q ? b : a) = m;
  }
  return b;
}

// n + 1 evenly spaced points from lo to hi.
inline std::vector<double> even_grid(double lo, double hi, std::size_t n) {
  std::vector<double> g;
  for (std::size_t i = 0; i <= n; ++i) g.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n));
  return g;
}

}  // namespace innosim::app
