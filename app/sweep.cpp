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
#include "innosim/outputs/hdf5_writer.hpp"  // scenario_hash, remove_stale_temporaries
#include "innosim/outputs/sweep_table.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/run/shape.hpp"
#include "innosim/version.hpp"
#include "levers.hpp"
#include "options.hpp"
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

// Checkpoints of a sweep: OUT.ckpt/factor-<i>.h5 for each factor i finished,
// each the sweep shard file (i+1)/V that `innosim sweep --shard i+1/V` would
// write (V factors), saved as the factor finishes. --resume reads them back
// (refusing those of another sweep, with the reason) and runs the others.
class SweepCheckpoints {
 public:
  // `whole` describes this sweep (its part: every factor).
  SweepCheckpoints(const std::string& output, const CheckpointArgs& a, const Scenario& s, const ResultShape& shape,
                   const SweepShardFile& whole)
      : dir_(checkpoint_dir(output)), on_(a.every > 0), s_(s), shape_(shape), whole_(whole) {
    const std::vector<std::string> files = saved_files();
    if (!files.empty() && !(a.resume && on_))
      throw BadInput(fmt::format("{} holds a checkpoint of an interrupted sweep ({} of {} factors done); continue it "
                                 "with --resume, or remove the folder to start over",
                                 dir_, files.size(), whole_.part.all_scale.size()));
    if (a.resume && !on_) throw BadInput("--resume needs checkpoints; drop --checkpoint-every 0");
    if (!a.resume) return;
    if (files.empty()) {
      std::cerr << fmt::format("innosim: no checkpoint in {}; starting from the first factor\n", dir_);
      return;
    }
    for (const std::string& f : files) {
      SweepShardFile saved;
      try {
        saved = read_sweep_shard_file(f);
      } catch (const std::exception& e) {
        throw BadInput(std::string(e.what()) + "; remove " + dir_ + " to start over");
      }
      const std::vector<std::string> why = sweep_differences(saved, whole_);
      if (!why.empty())
        throw BadInput(fmt::format("{}: a checkpoint of another sweep, not resumed: {}; run the command that made it "
                                   "with --resume, or remove the folder to start this one over",
                                   f, fmt::join(why, "; ")));
      TargetTable table = saved.data.tables.at(0);
      for (std::size_t t = 0; t < table.rows.size() && t < s.targets.size(); ++t) table.rows[t].target = s.targets[t];
      saved_[saved.part.first_point] = std::move(table);
      remove_stale_temporaries(f);
    }
    for (std::size_t i = 0; i < whole_.part.all_scale.size(); ++i) remove_stale_temporaries(point_file(i));
    std::cerr << fmt::format("innosim: resuming from {}: {} of {} factors done\n", dir_, saved_.size(),
                             whole_.part.all_scale.size());
  }

  // The table saved for factor i (of the whole sweep), or null.
  const TargetTable* saved(std::size_t i) const {
    const auto it = saved_.find(i);
    return it == saved_.end() ? nullptr : &it->second;
  }
  // Factor i finished with `table` (lever value `value`): saved when checkpoints are on.
  void save(std::size_t i, double value, const TargetTable& table) {
    if (!on_) return;
    std::filesystem::create_directories(dir_);
    const std::vector<double>& all = whole_.part.all_scale;
    const SweepPart part{static_cast<unsigned>(i + 1), static_cast<unsigned>(all.size()), i, all,
                         whole_.part.scenario_hash};
    SweepData one;
    one.lever = whole_.lever;
    one.scale = {all[i]};
    one.lever_value = {value};
    one.tables = {table};
    write_sweep_shard_file(point_file(i), s_, shape_, whole_.header, one, part);
    saved_[i] = table;
    fault_.recorded();
  }
  // Interrupted: the message; the folder stays when it holds a factor.
  std::string interrupted() {
    if (on_ && !saved_files().empty())
      return fmt::format("interrupted; the {} factors done are saved in {}: continue with the same command and "
                         "--resume",
                         saved_files().size(), dir_);
    discard();
    return "interrupted; no output written";
  }
  // Finished or failed for good: no checkpoint is left.
  void discard() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::string point_file(std::size_t i) const { return fmt::format("{}/factor-{}.h5", dir_, i); }
  std::vector<std::string> saved_files() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < whole_.part.all_scale.size(); ++i)
      if (std::filesystem::exists(point_file(i))) out.push_back(point_file(i));
    return out;
  }
  std::string dir_;
  bool on_;
  const Scenario& s_;
  const ResultShape& shape_;
  SweepShardFile whole_;
  std::map<std::size_t, TargetTable> saved_;
  FaultInjection fault_;
};

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
  const ResultShape shape = visit_model(s, [&](const auto& model) { return make_shape(s, model.indicators()); });
  SweepCheckpoints checkpoints(out, a.checkpoints, s, shape, whole);
  remove_stale_temporaries(out);

  std::vector<char> skip(variants.size(), 0);
  data.tables.resize(variants.size());
  for (std::size_t v = 0; v < variants.size(); ++v)
    if (const TargetTable* saved = checkpoints.saved(points.first + v)) {
      skip[v] = 1;
      data.tables[v] = *saved;
    }
  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  PointsConfig config{draws, seed, a.run.threads, false, &progress, &skip, {}};
  config.on_point = [&](std::size_t v, const PointResult& p) {
    checkpoints.save(points.first + v, data.lever_value[v], p.table);
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
    write_sweep_shard_file(out, s, shape, whole.header, data, part);
    checkpoints.discard();
    if (!a.run.quiet)
      std::cerr << fmt::format("innosim: sweep shard {}/{}: factors {} x {} draws in {:.2f} s -> {}\n", shard->first,
                               shard->second, fmt::join(data.scale, ","), draws, r.seconds, out);
    return kExitOk;
  }
  write_sweep_file(out, s, shape, whole.header, data);
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
