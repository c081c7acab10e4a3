// innosim solve: what it takes — the smallest factor on a lever (or on several
// levers scaled together, keeping the scenario's split among them and their
// regions) that brings P(met) of one target to p.
//
//   innosim solve scenarios/plan-2016-2020.toml --target intermediaries --probability 0.8 --lever fiscal_rd_zone
//   innosim solve scenarios/plan-2016-2020.toml --target tech_smes --probability 0.5 --lever own_fiscal_st

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/solve_result.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/util/did_you_mean.hpp"
#include "innosim/version.hpp"
#include "levers.hpp"
#include "options.hpp"
#include "points.hpp"
#include "progress.hpp"

namespace innosim::app {

namespace {

constexpr std::size_t kGridPoints = 9;        // the first walk over [lo, hi], run side by side
constexpr double kRelativeTolerance = 1e-3;   // of hi - lo: where bisection stops

struct SolveArgs {
  std::string scenario;
  std::string target;
  double probability = 0;
  std::vector<std::string> levers;
  std::string range = "0:10";
  PointsArgs run;
};

// The P(met) curve of one target against the common factor k, with every
// evaluation cached: each k is run once, with the same draws.
class Curve {
 public:
  Curve(const Scenario& s, const std::vector<LeverAxis>& axes, std::size_t target, const Sampler& sampler,
        PointsConfig cfg)
      : s_(s), axes_(axes), target_(target), sampler_(sampler), cfg_(cfg) {}

  // Runs every k not yet known (side by side); nullopt and the exit code's
  // message printed if a run failed or was interrupted.
  std::optional<int> evaluate(const std::vector<double>& ks) {
    std::vector<double> todo;
    for (double k : ks)
      if (!points_.count(k) && std::find(todo.begin(), todo.end(), k) == todo.end()) todo.push_back(k);
    if (todo.empty()) return std::nullopt;
    std::vector<Scenario> variants;
    for (double k : todo) {
      Scenario sk = s_;
      for (const LeverAxis& a : axes_) scale_lever(sk, a.id, k);
      check_variant(sk);
      variants.push_back(std::move(sk));
    }
    const PointsOutcome r = run_points(variants, sampler_, cfg_);
    seconds_ += r.seconds;
    if (!r.ok()) return report_points_failure(r, fmt::format("the solve failed at k = {}", todo[r.failed_point]));
    for (std::size_t i = 0; i < todo.size(); ++i) {
      const TargetRow& row = r.points[i].table.rows[target_];
      points_[todo[i]] = {todo[i], row.p_met, row.p_met_se, row.median, row.q05, row.q95};
    }
    return std::nullopt;
  }
  double p(double k) const { return points_.at(k).p_met; }
  std::vector<SolvePoint> walked() const {
    std::vector<SolvePoint> out;
    for (const auto& [k, pt] : points_) out.push_back(pt);
    return out;
  }
  double seconds() const { return seconds_; }

 private:
  const Scenario& s_;
  const std::vector<LeverAxis>& axes_;
  std::size_t target_;
  const Sampler& sampler_;
  PointsConfig cfg_;
  std::map<double, SolvePoint> points_;
  double seconds_ = 0;
};

// The smallest k in [lo, hi] (to `tol`) at which P(met) >= q: the first
// bracket of the walked curve where it crosses q, then bisection inside it.
// NaN when P(met) < q at every k walked. Sets `rc` on a failed run.
double smallest_k(Curve& curve, const std::vector<double>& grid, double q, double tol, std::optional<int>& rc) {
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

// The levers, all on the same range; nullopt with `why` set on bad input.
std::optional<std::vector<LeverAxis>> parse_levers(const Scenario& s, const SolveArgs& a, std::string& why) {
  std::vector<LeverAxis> axes;
  for (const std::string& id : a.levers) {
    if (std::any_of(axes.begin(), axes.end(), [&](const LeverAxis& x) { return x.id == id; })) {
      why = fmt::format("innosim: --lever {}: given twice", id);
      return std::nullopt;
    }
    auto axis = make_axis(s, a.scenario, id, a.range, why);
    if (!axis) return std::nullopt;
    if (axis->amounts && a.levers.size() > 1) {
      why = "innosim: --range: amounts (亿元, yuan) are for one lever; several levers take a common factor (e.g. 0:4)";
      return std::nullopt;
    }
    axes.push_back(*axis);
  }
  return axes;
}

int solve(const SolveArgs& a) {
  const Scenario s = load_scenario(a.scenario);
  if (!(a.probability > 0 && a.probability < 1)) {
    std::cerr << fmt::format("innosim: --probability {}: expected a probability strictly between 0 and 1\n",
                             a.probability);
    return kExitBadInput;
  }
  const std::vector<std::string> ids = target_ids(s.targets);
  const auto it = std::find(ids.begin(), ids.end(), a.target);
  if (it == ids.end()) {
    std::cerr << fmt::format("innosim: {}: no target '{}'{} (targets: {})\n", a.scenario, a.target,
                             did_you_mean_hint(a.target, ids), fmt::join(ids, ", "));
    return kExitBadInput;
  }
  const auto target = static_cast<std::size_t>(it - ids.begin());
  std::string why;
  const auto axes = parse_levers(s, a, why);
  if (!axes) {
    std::cerr << why << "\n";
    return kExitBadInput;
  }
  const std::size_t draws = a.run.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.run.seed.value_or(s.run.seed);
  const Sampler sampler = visit_model(s, [&](const auto& model) { return checked_sampler(model, s, seed, draws); });
  const double lo = axes->front().lo, hi = axes->front().hi;

  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  Curve curve(s, *axes, target, sampler, {draws, seed, a.run.threads, false, &progress});
  std::vector<double> grid;
  for (std::size_t i = 0; i < kGridPoints; ++i)
    grid.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(kGridPoints - 1));
  if (auto rc = curve.evaluate(grid)) return *rc;

  SolveResult r;
  r.target_id = a.target;
  r.target = target;
  r.probability = a.probability;
  for (const LeverAxis& ax : *axes) r.levers.push_back({ax.id, ax.base});
  r.lo = lo;
  r.hi = hi;
  r.tolerance = kRelativeTolerance * (hi - lo);
  r.p_met_se = std::sqrt(a.probability * (1 - a.probability) / static_cast<double>(draws));
  std::optional<int> rc;
  r.scale = smallest_k(curve, grid, a.probability, r.tolerance, rc);
  if (!rc) r.scale_lo = smallest_k(curve, grid, a.probability - r.p_met_se, r.tolerance, rc);
  if (!rc) r.scale_hi = smallest_k(curve, grid, a.probability + r.p_met_se, r.tolerance, rc);
  if (rc) return *rc;
  r.reachable = !std::isnan(r.scale);
  r.curve = curve.walked();
  if (!r.reachable) {
    const auto best = std::max_element(r.curve.begin(), r.curve.end(),
                                       [](const SolvePoint& x, const SolvePoint& y) { return x.p_met < y.p_met; });
    r.scale = best->scale;
  }
  r.p_at_scale = curve.p(r.scale);
  r.seconds = curve.seconds();

  const SolveHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model};
  const std::string out = output_path(a.run.output, a.scenario, "-solve.h5");
  write_solve_file(out, s, header, r);
  std::cout << format_solve_table(s, header, r, parse_format(a.run.format));
  if (!a.run.quiet)
    std::cerr << fmt::format("innosim: {} points x {} draws in {:.2f} s -> {}\n", r.curve.size(), draws, r.seconds,
                             out);
  return kExitOk;
}

}  // namespace

Command add_solve_command(CLI::App& app) {
  auto a = std::make_shared<SolveArgs>();
  auto* cmd = app.add_subcommand(
      "solve", "What it takes: the smallest factor on a lever that brings P(met) of a target to p");
  cmd->footer(
      "The lever's whole path (zone path, or every region's, every year) is multiplied by one factor k; with\n"
      "several --lever, all of them by the same k, so the scenario's split among levers and regions is kept.\n"
      "--range lo:hi bounds k (factors); for one yuan lever it may be amounts of its zone total in the horizon's\n"
      "end year, per year: 1亿:20亿 (or 1yi:20yi, 1e8yuan:2e9yuan). Every k is run with the same seed, draws and\n"
      "parameter values, so the P(met) curve is smooth in k and bisection on it converges. The answer is printed\n"
      "in factors and in the levers' units (亿元 per year for yuan levers), with the range of k where P(met) is\n"
      "within one standard error of p, and the curve walked.");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--target", a->target,
                  "Target id: its indicator for a zone target, indicator@region for a region's (:year if needed)")
      ->required();
  cmd->add_option("--probability", a->probability, "The P(met) to reach, strictly between 0 and 1")->required();
  cmd->add_option("--lever", a->levers, "Lever to scale (repeat to scale several together)")->required();
  cmd->add_option("--range", a->range, "lo:hi of the factor k (or 亿/yi/yuan amounts for one yuan lever)")
      ->capture_default_str();
  add_points_options(cmd, a->run, "HDF5 solve file", "-solve.h5");
  return {cmd, [a] { return solve(*a); }};
}

}  // namespace innosim::app
