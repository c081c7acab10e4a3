// innosim design: an experiment over several levers at once — a full grid or
// a Latin hypercube over the levers' scale factors — every point with the
// same seed, draws and parameter values (common random numbers).
//
//   innosim design scenarios/plan-2016-2020.toml --lever fiscal_rd_zone=0.5:4 --lever own_fiscal_st=1:2 --points 4
//   innosim design scenarios/plan-2016-2020.toml --lever fiscal_rd_zone=1亿:8亿 --method latin_hypercube --points 40

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/design_table.hpp"
#include "innosim/outputs/design_writer.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/version.hpp"
#include "levers.hpp"
#include "options.hpp"
#include "points.hpp"
#include "scenario_draws.hpp"
#include "progress.hpp"

namespace innosim::app {

namespace {

// More points than this is a mistake (5 levers x 10 levels), not a design.
constexpr std::size_t kMaxPoints = 10000;
constexpr std::size_t kDefaultGridLevels = 5;
constexpr std::size_t kDefaultLhsPointsPerLever = 10;

struct DesignArgs {
  std::string scenario;
  std::vector<std::string> levers;
  std::optional<std::size_t> points;
  std::string method = "grid";
  std::string spacing = "linear";
  PointsArgs run;
};

// u in [0,1] -> the factor on the axis.
double on_axis(const LeverAxis& a, double u, bool log) {
  if (u <= 0) return a.lo;
  if (u >= 1) return a.hi;
  return log ? a.lo * std::pow(a.hi / a.lo, u) : a.lo + u * (a.hi - a.lo);
}

// Full grid: `levels` values per lever, the last lever varying fastest. [V][L]
std::vector<double> grid_points(const std::vector<LeverAxis>& axes, std::size_t levels, bool log) {
  const std::size_t L = axes.size();
  std::size_t V = 1;
  for (std::size_t l = 0; l < L; ++l) V *= levels;
  std::vector<double> out(V * L);
  for (std::size_t v = 0; v < V; ++v) {
    std::size_t rest = v;
    for (std::size_t l = L; l-- > 0;) {
      const std::size_t i = rest % levels;
      rest /= levels;
      out[v * L + l] = on_axis(axes[l], static_cast<double>(i) / static_cast<double>(levels - 1), log);
    }
  }
  return out;
}

// Latin hypercube: each lever's range cut into V equal strata (in u), each
// stratum used once, a uniform point inside it; the permutation and the
// points are pure functions of the seed (stream `design`, draw = lever).
std::vector<double> lhs_points(const std::vector<LeverAxis>& axes, std::size_t V, std::uint64_t seed, bool log) {
  const std::size_t L = axes.size();
  std::vector<double> out(V * L);
  for (std::size_t l = 0; l < L; ++l) {
    std::vector<std::size_t> perm(V);
    std::iota(perm.begin(), perm.end(), 0);
    for (std::size_t i = V; i-- > 1;) {  // Fisher-Yates
      const std::uint64_t r = random_u64(seed, l, Stream::design, 0, static_cast<std::uint32_t>(i));
      std::swap(perm[i], perm[static_cast<std::size_t>(r % (i + 1))]);
    }
    for (std::size_t v = 0; v < V; ++v) {
      const double u = uniform01(seed, l, Stream::design, 1, static_cast<std::uint32_t>(v));
      out[v * L + l] = on_axis(axes[l], (static_cast<double>(perm[v]) + u) / static_cast<double>(V), log);
    }
  }
  return out;
}

// The axes, or a message; each lever at most once.
std::optional<std::vector<LeverAxis>> parse_axes(const Scenario& s, const DesignArgs& a, std::string& why) {
  std::vector<LeverAxis> axes;
  for (const std::string& spec : a.levers) {
    const auto [id, range] = split_lever_spec(spec);
    if (range.empty()) {
      why = fmt::format("innosim: --lever {}: expected LEVER=lo:hi (e.g. {}=0.5:4)", spec, id);
      return std::nullopt;
    }
    auto axis = make_axis(s, a.scenario, id, range, why);
    if (!axis) return std::nullopt;
    if (std::any_of(axes.begin(), axes.end(), [&](const LeverAxis& x) { return x.id == id; })) {
      why = fmt::format("innosim: --lever {}: lever '{}' is given twice", spec, id);
      return std::nullopt;
    }
    if (a.spacing == "log" && axis->lo <= 0) {
      why = fmt::format("innosim: --lever {}: --spacing log needs lo > 0", spec);
      return std::nullopt;
    }
    axes.push_back(*axis);
  }
  return axes;
}

int design(const DesignArgs& a) {
  const Scenario s = load_scenario(a.scenario);
  std::string why;
  const auto axes = parse_axes(s, a, why);
  if (!axes) {
    std::cerr << why << "\n";
    return kExitBadInput;
  }
  const std::size_t L = axes->size();
  const bool grid = a.method == "grid", log = a.spacing == "log";
  const std::size_t K = a.points.value_or(grid ? kDefaultGridLevels : kDefaultLhsPointsPerLever * L);
  const double V_wanted = grid ? std::pow(static_cast<double>(K), static_cast<double>(L)) : static_cast<double>(K);
  if ((grid && K < 2) || V_wanted > static_cast<double>(kMaxPoints)) {
    std::cerr << fmt::format("innosim: --points {}: {} ({} points at most)\n", K,
                             grid && K < 2 ? "a grid needs at least 2 levels per lever"
                                           : fmt::format("{:.0f} points is too many", V_wanted),
                             kMaxPoints);
    return kExitBadInput;
  }
  const std::size_t draws = a.run.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.run.seed.value_or(s.run.seed);
  const ScenarioDraws source = visit_model(s, [&](const auto& model) { return checked_draws(model, s, seed, draws); });

  DesignData data;
  data.scale = grid ? grid_points(*axes, K, log) : lhs_points(*axes, K, seed, log);
  const std::size_t V = data.scale.size() / L;
  for (const LeverAxis& ax : *axes) data.levers.push_back({ax.id, ax.base, ax.lo, ax.hi, ax.amounts});
  // Every point's scenario is built and checked before anything is computed.
  std::vector<Scenario> variants;
  variants.reserve(V);
  for (std::size_t v = 0; v < V; ++v) {
    Scenario sv = s;
    for (std::size_t l = 0; l < L; ++l) scale_lever(sv, (*axes)[l].id, data.scale[v * L + l]);
    check_variant(sv);
    variants.push_back(std::move(sv));
  }

  const std::string out = output_path(a.run.output, a.scenario, "-design.h5");
  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  PointsOutcome r = run_points(variants, source.source(), {draws, seed, a.run.threads, true, &progress});
  if (!r.ok()) return report_points_failure(r, fmt::format("the design failed at point {}", r.failed_point + 1));
  for (PointResult& p : r.points) {
    data.tables.push_back(std::move(p.table));
    data.target_draws.push_back(std::move(p.target_draws));
  }
  data.theta.resize(draws * source.source().num_parameters());
  source.source().draw(0, draws, data.theta);
  data.seconds = r.seconds;
  data.threads = r.points.empty() ? 0 : r.points.front().info.threads;
  const DesignHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model,
                            grid ? "grid" : "latin_hypercube", a.spacing};
  write_design_file(out, s, r.shape, header, data);
  std::cout << format_design_table(s, header, data, parse_format(a.run.format));
  if (!a.run.quiet)
    std::cerr << fmt::format("innosim: {} points x {} draws in {:.2f} s -> {}\n", V, draws, r.seconds, out);
  return kExitOk;
}

}  // namespace

Command add_design_command(CLI::App& app) {
  auto a = std::make_shared<DesignArgs>();
  auto* cmd = app.add_subcommand(
      "design", "P(met) of every target over several levers at once (full grid or Latin hypercube)");
  cmd->footer(
      "A lever L=lo:hi multiplies L's whole path (its zone path or every region's path, every year) by a factor\n"
      "from lo to hi: 0.5:4 runs from half to four times the scenario's lever. A yuan lever's range may be\n"
      "given as amounts of its zone total in the horizon's end year, per year: 1亿:8亿 (or 1yi:8yi, 1e8yuan:8e8yuan)\n"
      "is the factor amount / (that total in the scenario). Every point uses the same seed, draws and parameter\n"
      "values, so differences between points come from the levers alone.");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--lever", a->levers, "LEVER=lo:hi, once per lever (factors, or 亿/yi/yuan amounts for yuan levers)")
      ->required();
  cmd->add_option("--points", a->points,
                  "grid: levels per lever (K^levers points; default 5); latin_hypercube: points in all "
                  "(default 10 per lever)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--method", a->method, "grid (every combination) or latin_hypercube")
      ->check(CLI::IsMember({"grid", "latin_hypercube"}))
      ->capture_default_str();
  cmd->add_option("--spacing", a->spacing, "Factors evenly spaced (linear) or evenly spaced in log (log; lo > 0)")
      ->check(CLI::IsMember({"linear", "log"}))
      ->capture_default_str();
  add_points_options(cmd, a->run, "HDF5 design file", "-design.h5");
  return {cmd, [a] { return design(*a); }};
}

}  // namespace innosim::app
