// innosim sweep: P(met) of every target against one lever scaled by several
// factors, on the same seed at every point (common random numbers).
//
//   innosim sweep scenarios/plan-2016-2020.toml --lever fiscal_rd_zone --scale 0.5,1,2,4 -n 2000
//   innosim sweep ... --shard 2/3     the second third of the factors, merged by innosim merge

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checkpointing.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/checkpoint.hpp"   // checkpoint_dir
#include "innosim/outputs/hdf5_writer.hpp"  // scenario_hash
#include "innosim/outputs/sweep_table.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/run/shape.hpp"
#include "innosim/version.hpp"
#include "levers.hpp"
#include "options.hpp"
#include "point_checkpoints.hpp"
#include "points.hpp"
#include "problems.hpp"
#include "scenario_draws.hpp"
#include "progress.hpp"

namespace innosim::app {

namespace {

struct SweepArgs {
  std::string scenario;
  std::string lever;
  std::string scale = "0.5,1,2,4";
  std::string shard;
  PointsArgs run;
  CheckpointArgs checkpoints;
};

// "0.5,1,2,4" -> factors; nullopt (and a message) if any entry is not a finite number >= 0.
std::optional<std::vector<double>> parse_scales(const std::string& text, std::string& why) {
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    const std::string item = text.substr(pos, comma - pos);
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v) || v < 0) {
      why = "--scale: '" + item + "' is not a finite number >= 0 (expected e.g. --scale 0.5,1,2,4)";
      return std::nullopt;
    }
    out.push_back(v);
    pos = comma + 1;
  }
  return out;
}

int sweep(const SweepArgs& a) {
  Scenario s = load_scenario(a.scenario);
  std::string why;
  const auto scales = parse_scales(a.scale, why);
  if (!scales) {
    std::cerr << "innosim: " << why << "\n";
    return kExitBadInput;
  }
  if (const std::string problem = lever_problem(s, a.scenario, a.lever); !problem.empty()) {
    std::cerr << problem << "\n";
    return kExitBadInput;
  }
  std::optional<std::pair<unsigned, unsigned>> shard;
  if (!a.shard.empty()) {
    shard = parse_shard_index(a.shard);
    if (shard->second > scales->size())
      throw BadInput(fmt::format("--shard {}: a sweep of {} factor{} makes at most {} shards", a.shard, scales->size(),
                                 scales->size() == 1 ? "" : "s", scales->size()));
  }
  const Lever& lever = *s.lever(a.lever);
  const std::size_t draws = a.run.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.run.seed.value_or(s.run.seed);
  // The sampler and every scaled scenario are checked before anything is computed.
  const ScenarioDraws sampler = visit_model(s, [&](const auto& model) { return checked_draws(model, s, seed, draws); });
  std::vector<Scenario> variants;
  SweepData data;
  data.lever = lever.id;
  for (const double k : *scales) {
    Scenario sk = s;
    scale_lever(sk, lever.id, k);
    data.scale.push_back(k);
    data.lever_value.push_back(lever_zone_total(*sk.lever(lever.id), sk.horizon.end, sk.regions));
    check_variant(sk);
    variants.push_back(std::move(sk));
  }

  // A shard runs its share of the factors; each point's result does not depend on the others.
  const PointRange points = shard ? sweep_shard_points(variants.size(), shard->first, shard->second)
                                  : PointRange{0, variants.size()};
  SweepShardFile whole;  // this sweep's identity, for its checkpoints
  whole.header = {kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model};
  whole.scenario_name = s.name;
  whole.lever = lever.id;
  whole.part = {1, 1, 0, data.scale, scenario_hash(s)};
  const SweepPart part{shard ? shard->first : 1, shard ? shard->second : 1, points.first, data.scale,
                       whole.part.scenario_hash};
  const auto first = static_cast<std::ptrdiff_t>(points.first), end = static_cast<std::ptrdiff_t>(points.end);
  variants = std::vector<Scenario>(variants.begin() + first, variants.begin() + end);
  data.scale = std::vector<double>(data.scale.begin() + first, data.scale.begin() + end);
  data.lever_value = std::vector<double>(data.lever_value.begin() + first, data.lever_value.begin() + end);

  const std::string out = output_path(
      a.run.output, a.scenario,
      shard ? fmt::format("-sweep-shard-{}-of-{}.h5", shard->first, shard->second) : std::string("-sweep.h5"));
  check_output(out, a.run.force, s);
  const ResultShape shape = visit_model(s, [&](const auto& model) { return make_shape(s, model.indicators()); });
  // Checkpoints: OUT.ckpt/factor-<i>.h5, the sweep shard file (i+1)/V of factor i.
  PointCheckpoints<SweepShardFile> checkpoints(out, a.checkpoints, whole.part.all_scale.size(), whole,
                                               {"factor", "sweep", read_sweep_shard_file, sweep_differences});

  std::vector<char> skip(variants.size(), 0);
  data.tables.resize(variants.size());
  for (std::size_t v = 0; v < variants.size(); ++v)
    if (const SweepShardFile* saved = checkpoints.saved(points.first + v)) {
      skip[v] = 1;
      data.tables[v] = saved->data.tables.at(0);
      for (std::size_t t = 0; t < data.tables[v].rows.size() && t < s.targets.size(); ++t)
        data.tables[v].rows[t].target = s.targets[t];
    }
  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  PointsConfig config{draws, seed, a.run.threads, false, &progress, &skip, {}};
  config.on_point = [&](std::size_t v, const PointResult& p) {
    const std::size_t i = points.first + v, V = whole.part.all_scale.size();
    checkpoints.save(i, [&](const std::string& path) {
      SweepData one;
      one.lever = lever.id;
      one.scale = {data.scale[v]};
      one.lever_value = {data.lever_value[v]};
      one.tables = {p.table};
      const SweepPart point{static_cast<unsigned>(i + 1), static_cast<unsigned>(V), i, whole.part.all_scale,
                            whole.part.scenario_hash};
      write_sweep_shard_file(path, s, shape, whole.header, one, point, OutputPolicy{true});  // internal
    });
  };
  const PointsOutcome r = run_points(variants, sampler.source(), config);
  if (r.cancelled) {
    std::cerr << "innosim: " << checkpoints.interrupted() << "\n";
    return kExitInterrupted;
  }
  if (!r.ok()) {
    checkpoints.discard();
    return report_points_failure(r, fmt::format("the sweep failed at factor {}", data.scale[r.failed_point]));
  }
  for (std::size_t v = 0; v < variants.size(); ++v)
    if (!skip[v]) data.tables[v] = r.points[v].table;
  if (shard) {
    write_sweep_shard_file(out, s, shape, whole.header, data, part, OutputPolicy{a.run.force});
    checkpoints.discard();
    if (!a.run.quiet)
      std::cerr << fmt::format("innosim: sweep shard {}/{}: factors {} x {} draws in {:.2f} s -> {}\n", shard->first,
                               shard->second, fmt::join(data.scale, ","), draws, r.seconds, out);
    return kExitOk;
  }
  write_sweep_file(out, s, shape, whole.header, data, OutputPolicy{a.run.force});
  checkpoints.discard();
  std::cout << format_sweep_table(s, lever, data, parse_format(a.run.format));
  if (!a.run.quiet)
    std::cerr << fmt::format("innosim: {} points x {} draws in {:.2f} s -> {}\n", variants.size(), draws, r.seconds,
                             out);
  return kExitOk;
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("sweep", "P(met) of every target against one lever scaled by several factors");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--lever", a->lever, "Lever id to scale (its whole path, zone or every region)")->required();
  cmd->add_option("--scale", a->scale, "Comma-separated factors, e.g. 0.5,1,2,4")->capture_default_str();
  cmd->add_option("--shard", a->shard,
                  "Run only shard k of K of the factors (k/K) into a sweep shard file; innosim merge joins the K "
                  "shards into the sweep file");
  add_points_options(cmd, a->run, "HDF5 sweep file", "-sweep.h5");
  add_checkpoint_options(cmd, a->checkpoints,
                         "Checkpoints in OUTPUT.ckpt/: each factor's result is saved as it finishes (0: none); a "
                         "sweep that ends or fails removes them");
  return {cmd, [a] { return sweep(*a); }};
}

}  // namespace innosim::app
