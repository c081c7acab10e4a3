// innosim design: an experiment over several levers at once — a full grid or
// a Latin hypercube over the levers' scale factors — every point with the
// same seed, draws and parameter values (common random numbers).
//
//   innosim design scenarios/plan-2016-2020.toml --lever fiscal_rd_zone=0.5:4 --lever own_fiscal_st=1:2 --points 4
//   innosim design scenarios/plan-2016-2020.toml --lever fiscal_rd_zone=1亿:8亿 --method latin_hypercube --points 40
//   innosim design ... --shard 2/3    the second third of the points, merged by innosim merge

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
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/design_table.hpp"
#include "innosim/outputs/design_writer.hpp"
#include "innosim/outputs/hdf5_writer.hpp"  // scenario_hash
#include "innosim/outputs/sweep_writer.hpp"  // sweep_shard_points
#include "innosim/run/shape.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/version.hpp"
#include "levers.hpp"
#include "options.hpp"
#include "point_checkpoints.hpp"
#include "points.hpp"
#include "problems.hpp"
#include "progress.hpp"
#include "scenario_draws.hpp"

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
  std::string shard;  // "k/K"
  PointsArgs run;
  CheckpointArgs checkpoints;
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
    // clang 14 cannot capture a structured binding in a lambda (C++20's P1091).
    if (std::any_of(axes.begin(), axes.end(), [&lever = id](const LeverAxis& x) { return x.id == lever; })) {
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
  std::optional<std::pair<unsigned, unsigned>> shard;
  if (!a.shard.empty()) {
    shard = parse_shard_index(a.shard);
    if (shard->second > static_cast<std::size_t>(V_wanted))
      throw BadInput(fmt::format("--shard {}: a design of {:.0f} point{} makes at most {:.0f} shards", a.shard, V_wanted,
                                 V_wanted == 1 ? "" : "s", V_wanted));
  }
  const std::size_t draws = a.run.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.run.seed.value_or(s.run.seed);
  const ScenarioDraws source = visit_model(s, [&](const auto& model) { return checked_draws(model, s, seed, draws); });

  DesignData data;
  data.scale = grid ? grid_points(*axes, K, log) : lhs_points(*axes, K, seed, log);
  const std::size_t V = data.scale.size() / L;
  for (const LeverAxis& ax : *axes) data.levers.push_back({ax.id, ax.base, ax.lo, ax.hi, ax.amounts});
  // A shard runs its share of the points; each point's result does not depend on the others.
  const PointRange points = shard ? sweep_shard_points(V, shard->first, shard->second) : PointRange{0, V};
  const DesignPart part{shard ? shard->first : 1, shard ? shard->second : 1, points.first, data.scale,
                        scenario_hash(s)};
  data.scale = std::vector<double>(data.scale.begin() + static_cast<std::ptrdiff_t>(points.first * L),
                                   data.scale.begin() + static_cast<std::ptrdiff_t>(points.end * L));
  // Every point's scenario is built and checked before anything is computed.
  std::vector<Scenario> variants;
  variants.reserve(points.end - points.first);
  for (std::size_t v = 0; v < points.end - points.first; ++v) {
    Scenario sv = s;
    for (std::size_t l = 0; l < L; ++l) scale_lever(sv, (*axes)[l].id, data.scale[v * L + l]);
    check_variant(sv);
    variants.push_back(std::move(sv));
  }

  const std::string out = output_path(
      a.run.output, a.scenario,
      shard ? fmt::format("-design-shard-{}-of-{}.h5", shard->first, shard->second) : std::string("-design.h5"));
  check_output(out, a.run.force, s);
  const ResultShape shape = visit_model(s, [&](const auto& model) { return make_shape(s, model.indicators()); });
  const DesignHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model,
                            grid ? "grid" : "latin_hypercube", a.spacing};
  if (points.first == 0) {  // a shard without point 0 leaves the parameter values to the one with it
    data.theta.resize(draws * source.source().num_parameters());
    source.source().draw(0, draws, data.theta);
  }

  // Checkpoints: OUT.ckpt/point-<i>.h5, the design shard file (i+1)/V of point i.
  DesignShardFile whole;  // this design's identity, for its checkpoints
  whole.header = header;
  whole.scenario_name = s.name;
  whole.part = {1, static_cast<unsigned>(V), 0, part.all_scale, scenario_hash(s)};
  whole.data.levers = data.levers;
  PointCheckpoints<DesignShardFile> checkpoints(out, a.checkpoints, V, whole,
                                                {"point", "design", read_design_shard_file, design_differences});
  const std::size_t n = points.end - points.first;
  std::vector<char> skip(n, 0);
  data.tables.resize(n);
  data.target_draws.resize(n);
  for (std::size_t v = 0; v < n; ++v)
    if (const DesignShardFile* saved = checkpoints.saved(points.first + v)) {
      skip[v] = 1;
      data.tables[v] = saved->data.tables.at(0);
      for (std::size_t t = 0; t < data.tables[v].rows.size() && t < s.targets.size(); ++t)
        data.tables[v].rows[t].target = s.targets[t];
      data.target_draws[v] = saved->data.target_draws.at(0);
    }

  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  PointsConfig config{draws, seed, a.run.threads, true, &progress, &skip, {}};
  config.on_point = [&](std::size_t v, const PointResult& p) {
    const std::size_t i = points.first + v;
    checkpoints.save(i, [&](const std::string& path) {
      DesignData one;
      one.levers = data.levers;
      one.scale.assign(data.scale.begin() + static_cast<std::ptrdiff_t>(v * L),
                       data.scale.begin() + static_cast<std::ptrdiff_t>((v + 1) * L));
      one.tables = {p.table};
      one.target_draws = {p.target_draws};
      if (i == 0) one.theta = data.theta;
      one.seconds = p.info.seconds;
      one.threads = p.info.threads;
      const DesignPart point{static_cast<unsigned>(i + 1), static_cast<unsigned>(V), i, part.all_scale,
                             whole.part.scenario_hash};
      write_design_shard_file(path, s, shape, header, one, point, OutputPolicy{true});  // internal
    });
  };
  PointsOutcome r = run_points(variants, source.source(), config);
  if (r.cancelled) {
    std::cerr << "innosim: " << checkpoints.interrupted() << "\n";
    return kExitInterrupted;
  }
  if (!r.ok()) {
    checkpoints.discard();
    return report_points_failure(r, fmt::format("the design failed at point {}", points.first + r.failed_point + 1));
  }
  for (std::size_t v = 0; v < n; ++v) {
    if (skip[v]) continue;
    data.tables[v] = std::move(r.points[v].table);
    data.target_draws[v] = std::move(r.points[v].target_draws);
    data.threads = std::max(data.threads, r.points[v].info.threads);
  }
  data.seconds = r.seconds;
  if (shard) {
    write_design_shard_file(out, s, shape, header, data, part, OutputPolicy{a.run.force});
    checkpoints.discard();
    if (!a.run.quiet)
      std::cerr << fmt::format("innosim: design shard {}/{}: points {}..{} of {} x {} draws in {:.2f} s -> {}\n",
                               shard->first, shard->second, points.first + 1, points.end, V, draws, r.seconds, out);
    return kExitOk;
  }
  write_design_file(out, s, shape, header, data, OutputPolicy{a.run.force});
  checkpoints.discard();
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
  cmd->add_option("--shard", a->shard,
                  "Run only shard k of K of the points (k/K) into a design shard file; innosim merge joins the K "
                  "shards into the design file");
  add_points_options(cmd, a->run, "HDF5 design file", "-design.h5");
  add_checkpoint_options(cmd, a->checkpoints);
  return {cmd, [a] { return design(*a); }};
}

}  // namespace innosim::app
