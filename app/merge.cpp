// innosim merge: the shard files of one run (innosim run --shard k/K) into the
// run file a single process writes, bit for bit, and its target table.
//
//   innosim merge plan-shard-*-of-3.h5 -o plan.h5
//
// The shards are checked first: all of one run (scenario, seed, draws,
// sampler, program), each shard once, none missing; then merged in draw
// order: per-draw values copied in blocks, tile moments folded in tile order,
// sketches and counts added (docs/architecture.md, "Shards"). Memory stays
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
#include "innosim/models/registry.hpp"
#include "innosim/outputs/shard_file.hpp"
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
};

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
    std::vector<std::string> missing;
    for (unsigned k = 1; k <= run.shards; ++k) {
      const auto it = given.find(k);
      if (it == given.end())
        missing.push_back(fmt::format("{}/{}", k, run.shards));
      else if (it->second.size() > 1)
        problems.push_back(fmt::format("shard {}/{} given {} times: {}", k, run.shards, it->second.size(),
                                       fmt::join(it->second, ", ")));
    }
    if (!missing.empty())
      problems.push_back(fmt::format("shard{} {} of the run of {} missing (seed {}, {} draws)", missing.size() > 1 ? "s" : "",
                                     fmt::join(missing, ", "), mine.front().path, run.seed, run.draws));
  }
  if (!problems.empty()) {
    for (const std::string& p : problems) std::cerr << "innosim: " << p << "\n";
    throw BadInput(fmt::format("{} problem{} with the shards given; nothing written", problems.size(),
                               problems.size() == 1 ? "" : "s"));
  }
  std::sort(mine.begin(), mine.end(),
            [](const ShardInfo& x, const ShardInfo& y) { return x.id.header.shard < y.id.header.shard; });
  const RunHeader& run = mine.front().id.header;
  if (run.engine_version != kVersion || run.git_sha != kGitSha)
    throw BadInput(fmt::format("the shards were written by innosim {} ({}), this is innosim {} ({}); merge them with "
                               "the program that ran them",
                               run.engine_version, run.git_sha, kVersion, kGitSha));
  return mine;
}

int merge(const MergeArgs& a) {
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
    const std::string out = output_path(a.output, first.scenario_files.front().first, ".h5");
    RunWriter writer(out, s, shape, header, WriterConfig{first.id.store, first.id.yearly_uniforms, 4});
    Hdf5Sink sink(writer);

    RunState state;
    unsigned threads = 0;
    double seconds = 0;
    std::vector<double> theta, targets, traj, unif;
    std::vector<std::uint8_t> valid;
    for (const ShardInfo& info : shards) {
      const ShardReader reader(info.path);
      const DrawRange r = reader.info().id.header.range;
      RunState part(r.first, shape.size(), s.targets);
      reader.load_state(part);
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
      "merge", "Merge the shard files of a run (innosim run --shard k/K) into its run file and print its table");
  cmd->add_option("shards", a->shards, "Shard files, every shard of the run once, in any order")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output,
                  "HDF5 output file (default: the scenario file's name with .h5, in the current folder)");
  cmd->add_option("--format", a->format, "Target table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No timing line");
  return {cmd, [a] { return merge(*a); }};
}

}  // namespace innosim::app
