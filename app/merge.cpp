// innosim merge: the shard files of one run (innosim run --shard k/K) into the
// run file a single process writes, bit for bit, and its target table; or
// the shard files of one sweep or design (innosim sweep/design --shard k/K)
// into its sweep or design file and table.
//
//   innosim merge plan-shard-*-of-3.h5 -o plan.h5
//   innosim merge plan-sweep-shard-*-of-3.h5 -o plan-sweep.h5
//   innosim merge plan-design-shard-*-of-3.h5 -o plan-design.h5
//
// The shards are checked first: all of one run (scenario, seed, draws,
// sampler, program), each shard once, none missing; then merged in draw
// order: per-draw values copied in blocks, tile moments folded in tile order,
// sketches and counts (the innovation index's too) added (docs/architecture.md, "Shards"). Memory stays
// bounded: a block of draws at a time, and for the exact target quantiles
// one target's values at a time.

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "hdf5_sink.hpp"
#include "innosim/analysis/innovation_index.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/design_table.hpp"
#include "innosim/outputs/design_writer.hpp"
#include "innosim/outputs/shard_file.hpp"
#include "innosim/outputs/sweep_table.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/run/shape.hpp"
#include "innosim/run/summarize.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "problems.hpp"
#include "run_report.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

// Draws copied at a time.
constexpr std::uint64_t kMergeBlock = 4096;

struct MergeArgs {
  std::vector<std::string> shards;
  std::string output;
  std::string format = "text";
  bool quiet = false;
  bool force = false;
};

// The merged file's path (-o, or the scenario file's name with `suffix` in
// the current folder), checked like every output: never one of the shards,
// nor the scenario file the shards recorded; an existing file only with
// --force.
std::string merge_output(const MergeArgs& a, const std::string& scenario_path, const char* suffix) {
  const std::string out = output_path(a.output, scenario_path, suffix);
  std::vector<std::string> inputs = a.shards;
  inputs.push_back(scenario_path);
  check_output(out, a.force, inputs);
  return out;
}

// Shards 1..K given as `given` (index -> the files): each given more than
// once is a problem, and so are the missing ones ("shards 2/3 of `whose`").
void count_shards(const std::map<unsigned, std::vector<std::string>>& given, unsigned K, const std::string& whose,
                  std::vector<std::string>& problems) {
  std::vector<std::string> missing;
  for (unsigned k = 1; k <= K; ++k) {
    const auto it = given.find(k);
    if (it == given.end())
      missing.push_back(fmt::format("{}/{}", k, K));
    else if (it->second.size() > 1)
      problems.push_back(fmt::format("shard {}/{} given {} times: {}", k, K, it->second.size(),
                                     fmt::join(it->second, ", ")));
  }
  if (!missing.empty())
    problems.push_back(fmt::format("shard{} {} of {}", missing.size() > 1 ? "s" : "", fmt::join(missing, ", "), whose));
}

// Prints every problem and refuses the merge (BadInput) when there is one.
void refuse_if_any(const std::vector<std::string>& problems) {
  if (problems.empty()) return;
  for (const std::string& p : problems) std::cerr << "innosim: " << p << "\n";
  throw BadInput(fmt::format("{} problem{} with the shards given; nothing written", problems.size(),
                             problems.size() == 1 ? "" : "s"));
}

// Shards are merged by the program that wrote them.
void check_program(const std::string& version, const std::string& sha) {
  if (version != kVersion || sha != kGitSha)
    throw BadInput(fmt::format("the shards were written by innosim {} ({}), this is innosim {} ({}); merge them with "
                               "the program that ran them",
                               version, sha, kVersion, kGitSha));
}

// The shards of one run, by index, after every check; throws BadInput listing
// every problem: a file that is not a shard, shards of another run, a shard
// given twice, a shard missing.
std::vector<ShardInfo> check_shards(const std::vector<std::string>& paths) {
  std::vector<std::string> problems;
  std::vector<ShardInfo> infos;
  for (const std::string& p : paths) {
    try {
      infos.push_back(read_shard_info(p));
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  // The run: the one most shards belong to (the first given on a tie).
  std::size_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const auto n = static_cast<std::size_t>(std::count_if(infos.begin(), infos.end(), [&](const ShardInfo& o) {
      return run_differences(o.id, infos[i].id).empty();
    }));
    if (n > best_count) {
      best = i;
      best_count = n;
    }
  }
  std::vector<ShardInfo> mine;
  for (const ShardInfo& s : infos) {
    const auto why = run_differences(s.id, infos[best].id);
    if (why.empty())
      mine.push_back(s);
    else
      problems.push_back(fmt::format("{}: a shard of another run ({}), not of the run of {}", s.path, fmt::join(why, "; "),
                                     infos[best].path));
  }
  if (!mine.empty()) {
    const RunHeader& run = mine.front().id.header;
    std::map<unsigned, std::vector<std::string>> given;
    for (const ShardInfo& s : mine) {
      given[s.id.header.shard].push_back(s.path);
      if (s.id.header.shard < 1 || s.id.header.shard > run.shards) {
        problems.push_back(fmt::format("{}: shard {} of {} does not exist", s.path, s.id.header.shard, run.shards));
        continue;
      }
      const DrawRange want = shard_range(run.draws, s.id.header.shard, run.shards);
      if (s.id.header.range != want)
        problems.push_back(fmt::format("{}: shard {}/{} holds draws {}..{}, expected {}..{}", s.path,
                                       s.id.header.shard, run.shards, s.id.header.range.first, s.id.header.range.end,
                                       want.first, want.end));
    }
    count_shards(given, run.shards,
                 fmt::format("the run of {} missing (seed {}, {} draws)", mine.front().path, run.seed, run.draws),
                 problems);
  }
  refuse_if_any(problems);
  std::sort(mine.begin(), mine.end(),
            [](const ShardInfo& x, const ShardInfo& y) { return x.id.header.shard < y.id.header.shard; });
  const RunHeader& run = mine.front().id.header;
  check_program(run.engine_version, run.git_sha);
  return mine;
}

// The shard files of a sweep or a design (one point range each, F a
// SweepShardFile or DesignShardFile), read and checked as a run's shards
// are: the sweep or design most of them belong to, each shard once, none
// missing, each holding the points it should; sorted by shard. `what` is
// "sweep" or "design"; `differences` says why two files belong to different
// ones; `points_of` how many points a file holds and `all_points` the whole's.
template <class F>
std::vector<F> check_point_shards(const std::vector<std::string>& paths, const char* what,
                                  F (*read)(const std::string&),
                                  std::vector<std::string> (*differences)(const F&, const F&),
                                  std::size_t (*points_of)(const F&), std::size_t (*all_points)(const F&)) {
  std::vector<std::string> problems;
  std::vector<F> files;
  for (const std::string& p : paths) {
    try {
      files.push_back(read(p));
    } catch (const std::exception& e) {
      problems.push_back(e.what());
    }
  }
  // The whole: the one most shards belong to (the first given on a tie).
  std::size_t best = 0, best_count = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto n = static_cast<std::size_t>(
        std::count_if(files.begin(), files.end(), [&](const F& o) { return differences(o, files[i]).empty(); }));
    if (n > best_count) {
      best = i;
      best_count = n;
    }
  }
  std::vector<char> ours(files.size(), 0);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto why = differences(files[i], files[best]);
    if (why.empty())
      ours[i] = 1;
    else
      problems.push_back(fmt::format("{}: a shard of another {} ({}), not of the {} of {}", files[i].path, what,
                                     fmt::join(why, "; "), what, files[best].path));
  }
  std::vector<F> mine;  // moved out only now: files[best] is compared with until here
  for (std::size_t i = 0; i < files.size(); ++i)
    if (ours[i]) mine.push_back(std::move(files[i]));
  if (!mine.empty()) {
    const unsigned K = mine.front().part.shards;
    std::map<unsigned, std::vector<std::string>> given;
    for (const F& f : mine) {
      given[f.part.shard].push_back(f.path);
      const PointRange want = sweep_shard_points(all_points(f), f.part.shard, K);
      if (f.part.shard < 1 || f.part.shard > K || f.part.first_point != want.first ||
          points_of(f) != want.end - want.first)
        problems.push_back(fmt::format("{}: shard {} of {} does not hold the points it should", f.path, f.part.shard, K));
    }
    count_shards(given, K,
                 fmt::format("the {} of {} missing (seed {}, {} draws)", what, mine.front().path,
                             mine.front().header.seed, mine.front().header.draws),
                 problems);
  }
  refuse_if_any(problems);
  std::sort(mine.begin(), mine.end(), [](const F& x, const F& y) { return x.part.shard < y.part.shard; });
  check_program(mine.front().header.engine_version, mine.front().header.git_sha);
  return mine;
}

// The scenario stored in a sweep or design shard, checked against its hash.
template <class F>
Scenario stored_scenario(const F& f) {
  Scenario s = load_scenario_files(f.scenario_files);
  if (scenario_hash(s) != f.part.scenario_hash)
    throw std::runtime_error(f.path + ": the scenario stored in the shard does not hash to its scenario_hash");
  return s;
}

// The shards of a sweep (innosim sweep --shard k/K) into its sweep file: the
// same checks as for a run's shards, then the points joined in factor order.
int merge_sweep(const MergeArgs& a) {
  const std::vector<SweepShardFile> files = check_point_shards<SweepShardFile>(
      a.shards, "sweep", read_sweep_shard_file,
      [](const SweepShardFile& x, const SweepShardFile& y) {
        std::vector<std::string> out = sweep_differences(x, y);
        if (x.part.shards != y.part.shards)
          out.push_back(fmt::format("shards {} where the sweep has {}", x.part.shards, y.part.shards));
        return out;
      },
      [](const SweepShardFile& f) { return f.data.scale.size(); },
      [](const SweepShardFile& f) { return f.part.all_scale.size(); });
  std::vector<const SweepShardFile*> mine;
  for (const SweepShardFile& f : files) mine.push_back(&f);
  const SweepShardFile& first = *mine.front();
  const Scenario s = stored_scenario(first);
  const Lever* lever = s.lever(first.lever);
  if (lever == nullptr) throw std::runtime_error(first.path + ": the scenario has no lever '" + first.lever + "'");

  SweepData data;
  data.lever = first.lever;
  for (const SweepShardFile* f : mine) {
    data.scale.insert(data.scale.end(), f->data.scale.begin(), f->data.scale.end());
    data.lever_value.insert(data.lever_value.end(), f->data.lever_value.begin(), f->data.lever_value.end());
    for (TargetTable t : f->data.tables) {
      if (t.rows.size() != s.targets.size())
        throw std::runtime_error(f->path + ": /sweep holds " + std::to_string(t.rows.size()) + " targets, the scenario " +
                                 std::to_string(s.targets.size()));
      for (std::size_t i = 0; i < t.rows.size(); ++i) t.rows[i].target = s.targets[i];
      data.tables.push_back(std::move(t));
    }
  }
  return visit_model(s, [&](const auto& model) -> int {
    const std::string out = merge_output(a, first.scenario_files.front().first, "-sweep.h5");
    write_sweep_file(out, s, make_shape(s, model.indicators()), first.header, data, OutputPolicy{a.force});
    std::cout << format_sweep_table(s, *lever, data, parse_format(a.format));
    if (!a.quiet)
      std::cerr << fmt::format("innosim: {} sweep shards, {} factors x {} draws merged -> {}\n", mine.size(),
                               data.scale.size(), first.header.draws, out);
    return kExitOk;
  });
}

// The shards of a design (innosim design --shard k/K) into its design file:
// the same checks, then the points joined in order; the draws' parameter
// values come from the shard holding point 0.
int merge_design(const MergeArgs& a) {
  const std::vector<DesignShardFile> mine = check_point_shards<DesignShardFile>(
      a.shards, "design", read_design_shard_file,
      [](const DesignShardFile& x, const DesignShardFile& y) {
        std::vector<std::string> out = design_differences(x, y);
        if (x.part.shards != y.part.shards)
          out.push_back(fmt::format("shards {} where the design has {}", x.part.shards, y.part.shards));
        return out;
      },
      [](const DesignShardFile& f) { return f.data.scale.size() / f.data.levers.size(); },
      [](const DesignShardFile& f) { return f.part.all_scale.size() / f.data.levers.size(); });
  const DesignShardFile& first = mine.front();
  const Scenario s = stored_scenario(first);
  DesignData data;
  data.levers = first.data.levers;
  data.theta = first.data.theta;
  for (const DesignShardFile& f : mine) {
    data.scale.insert(data.scale.end(), f.data.scale.begin(), f.data.scale.end());
    for (std::size_t v = 0; v < f.data.tables.size(); ++v) {
      TargetTable t = f.data.tables[v];
      if (t.rows.size() != s.targets.size())
        throw std::runtime_error(f.path + ": /points holds " + std::to_string(t.rows.size()) + " targets, the scenario " +
                                 std::to_string(s.targets.size()));
      for (std::size_t i = 0; i < t.rows.size(); ++i) t.rows[i].target = s.targets[i];
      data.tables.push_back(std::move(t));
      data.target_draws.push_back(f.data.target_draws[v]);
    }
    data.seconds += f.data.seconds;
    data.threads = std::max(data.threads, f.data.threads);
  }
  return visit_model(s, [&](const auto& model) -> int {
    const std::string out = merge_output(a, first.scenario_files.front().first, "-design.h5");
    write_design_file(out, s, make_shape(s, model.indicators()), first.header, data, OutputPolicy{a.force});
    std::cout << format_design_table(s, first.header, data, parse_format(a.format));
    if (!a.quiet)
      std::cerr << fmt::format("innosim: {} design shards, {} points x {} draws merged -> {}\n", mine.size(),
                               data.tables.size(), first.header.draws, out);
    return kExitOk;
  });
}

int merge(const MergeArgs& a) {
  if (std::any_of(a.shards.begin(), a.shards.end(), [](const std::string& p) { return is_sweep_shard_file(p); }))
    return merge_sweep(a);
  if (std::any_of(a.shards.begin(), a.shards.end(), [](const std::string& p) { return is_design_shard_file(p); }))
    return merge_design(a);
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<ShardInfo> shards = check_shards(a.shards);
  const ShardInfo& first = shards.front();
  const RunHeader& run = first.id.header;
  Scenario s = load_scenario_files(first.scenario_files);
  if (scenario_hash(s) != run.scenario_hash)
    throw std::runtime_error(first.path + ": the scenario stored in the shard does not hash to its scenario_hash");
  s.run.sampler = parse_sampler(run.sampler);  // as the shards ran it (run --sampler)

  return visit_model(s, [&](const auto& model) -> int {
    RunHeader header = run;
    header.shard = header.shards = 0;
    header.range = {0, run.draws};
    const ResultShape shape = make_shape(s, model.indicators());
    const std::string out = merge_output(a, first.scenario_files.front().first, ".h5");
    RunWriter writer(out, s, shape, header,
                     WriterConfig{first.id.store, first.id.yearly_uniforms, 4, OutputPolicy{a.force}});
    Hdf5Sink sink(writer);

    // The innovation index: every shard's counts added into one (integers:
    // the single process's counts exactly).
    std::optional<InnovationIndex> index;
    if (s.index) index.emplace(s, model.indicators());
    RunState state;
    unsigned threads = 0;
    double seconds = 0;
    std::vector<double> theta, targets, traj, unif;
    std::vector<std::uint8_t> valid;
    for (const ShardInfo& info : shards) {
      const ShardReader reader(info.path);
      const DrawRange r = reader.info().id.header.range;
      RunState part(r.first, shape.size(), s.targets);
      if (index) part.draw_accumulators = {&*index};
      try {
        reader.load_state(part);
      } catch (const StateError& e) {
        // A shard whose state lacks what its run has (say the innovation
        // index's counts) is not a shard of this run as the program runs it.
        throw BadInput(fmt::format("{}; not merged, nothing written", e.what()));
      }
      for (std::uint64_t d = r.first; d < r.end; d += kMergeBlock) {
        if (g_cancel.load()) {
          std::cerr << "innosim: interrupted; no output written\n";
          return kExitInterrupted;
        }
        const auto n = static_cast<std::size_t>(std::min(kMergeBlock, r.end - d));
        reader.read_draws(d, n, theta, targets, traj, unif, valid);
        sink.write_draws(d, n, theta, targets, traj, unif, valid);
      }
      if (r.first == 0)
        state = std::move(part);
      else
        append_state(state, part, reader.tiles());
      threads = std::max(threads, info.threads);
      seconds += info.seconds;
    }

    Summary summary;
    TargetTable table;
    summarize_run(s, model.indicators(), state, sink, summary, table);
    RunInfo info = run_info(state, run.seed, run.draws);
    info.sampler = run.sampler;
    info.threads = threads;
    info.seconds = seconds;
    if (index) writer.write_index(*s.index, index->result());
    writer.finish(summary, table, info);
    print_target_table(s, table, info, a.format);
    if (!a.quiet)
      std::cerr << fmt::format("innosim: {} shards, {} draws ({:.2f} s of shard time) merged in {:.2f} s -> {}\n",
                               shards.size(), run.draws, seconds,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), out);
    return kExitOk;
  });
}

}  // namespace

Command add_merge_command(CLI::App& app) {
  auto a = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand(
      "merge", "Merge the shard files of a run, a sweep or a design (innosim run/sweep/design --shard k/K) into "
               "its file and print its table");
  cmd->add_option("shards", a->shards, "Shard files, every shard of the run (or sweep, or design) once, in any order")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output,
                  "HDF5 output file (default: the scenario file's name with .h5, in the current folder)");
  cmd->add_option("--format", a->format, "Target table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No timing line");
  cmd->add_flag("--force", a->force, "Replace the output file if it exists");
  return {cmd, [a] { return merge(*a); }};
}

}  // namespace innosim::app
