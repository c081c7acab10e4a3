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
#include "scenario_draws.hpp"
#include "progress.hpp"
#include "solve_curve.hpp"
#include "solve_mix.hpp"

namespace innosim::app {

namespace {

constexpr std::size_t kGridPoints = 9;        // the first walk over [lo, hi], run side by side
constexpr double kRelativeTolerance = 1e-3;   // of hi - lo: where bisection stops

struct SolveArgs {
  std::string scenario;
  std::string target;
  double probability = 0;
  std::vector<std::string> levers;
  std::vector<std::string> costs;
  std::string range = "0:10";
  PointsArgs run;
};

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
      why = "innosim: --range: amounts (亿元, yuan) are for one lever; several levers take factors (e.g. 0:4)";
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
  const ScenarioDraws sampler = visit_model(s, [&](const auto& model) { return checked_draws(model, s, seed, draws); });
  const std::string out = output_path(a.run.output, a.scenario, "-solve.h5");
  check_output(out, a.run.force, s);
  const double lo = axes->front().lo, hi = axes->front().hi;
  const SolveHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model};
  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  const PointsConfig cfg{draws, seed, a.run.threads, false, &progress};

  if (!a.costs.empty()) {
    std::vector<double> costs;
    if (std::string bad = parse_costs(a.costs, *axes, costs); !bad.empty()) {
      std::cerr << bad << "\n";
      return kExitBadInput;
    }
    MixResult mix;
    if (auto rc = cheapest_mix(s, *axes, costs, target, a.probability, sampler.source(), cfg, mix)) return *rc;
    mix.target_id = a.target;
    write_mix_file(out, s, header, mix, OutputPolicy{a.run.force});
    std::cout << format_mix_table(s, header, mix, parse_format(a.run.format));
    if (!a.run.quiet)
      std::cerr << fmt::format("innosim: {} mixes, {} points x {} draws in {:.2f} s -> {}\n", mix.mixes.size(),
                               mix.runs, draws, mix.seconds, out);
    return kExitOk;
  }

  Curve curve(
      s, [&](Scenario& sk, double k) { for (const LeverAxis& ax : *axes) scale_lever(sk, ax.id, k); }, target,
      sampler.source(), cfg);
  const std::vector<double> grid = even_grid(lo, hi, kGridPoints - 1);
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
  r.scale = smallest_t(curve, grid, a.probability, r.tolerance, rc);
  if (!rc) r.scale_lo = smallest_t(curve, grid, a.probability - r.p_met_se, r.tolerance, rc);
  if (!rc) r.scale_hi = smallest_t(curve, grid, a.probability + r.p_met_se, r.tolerance, rc);
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

  write_solve_file(out, s, header, r, OutputPolicy{a.run.force});
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
      "solve", "What it takes: the smallest factor on a lever (or the cheapest mix of levers) that brings P(met) of "
               "a target to p");
  cmd->footer(
      "The lever's whole path (zone path, or every region's, every year) is multiplied by one factor k; with\n"
      "several --lever, all of them by the same k, so the scenario's split among levers and regions is kept.\n"
      "--range lo:hi bounds k (factors); for one yuan lever it may be amounts of its zone total in the horizon's\n"
      "end year, per year: 1亿:20亿 (or 1yi:20yi, 1e8yuan:2e9yuan). Every k is run with the same seed, draws and\n"
      "parameter values, so the P(met) curve is smooth in k and bisection on it converges. The answer is printed\n"
      "in factors and in the levers' units (亿元 per year for yuan levers), with the range of k where P(met) is\n"
      "within one standard error of p, and the curve walked.\n\n"
      "With several --lever and a --cost L=c for each, every lever gets a factor of its own in the range and the\n"
      "answer is the cheapest mix: the factors of least total cost sum_i c_i x (lever i's amount in the end year;\n"
      "亿元/yr for yuan levers) reaching p. Found by NLopt's COBYLA over the split of the extra cost among the\n"
      "levers, with the smallest extra cost for each split by bisection on the common-random-number curve.");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--target", a->target,
                  "Target id: its indicator for a zone target, indicator@region for a region's (:year if needed)")
      ->required();
  cmd->add_option("--probability", a->probability, "The P(met) to reach, strictly between 0 and 1")->required();
  cmd->add_option("--lever", a->levers, "Lever to scale (repeat to scale several together)")->required();
  cmd->add_option("--cost", a->costs,
                  "L=c: cost per unit of lever L (per 亿元/yr for yuan levers); with several levers, one for each: "
                  "the cheapest mix");
  cmd->add_option("--range", a->range, "lo:hi of the factor k (or 亿/yi/yuan amounts for one yuan lever)")
      ->capture_default_str();
  add_points_options(cmd, a->run, "HDF5 solve file", "-solve.h5");
  return {cmd, [a] { return solve(*a); }};
}

}  // namespace innosim::app
