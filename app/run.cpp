// innosim run: runs a scenario, writes the HDF5 run file, prints the target table.
//
//   innosim run scenarios/plan-2016-2020.toml                 target table + plan-2016-2020.h5
//   innosim run scenarios/plan-2016-2020.toml -n 100000 --threads 2 -o out/plan.h5
//   innosim run scenarios/whatif-double-fiscal-rd.toml --format csv --quiet
//   innosim run scenarios/plan-2016-2020.toml --replay 4711   one draw, by its index
//   innosim run scenarios/plan-2016-2020.toml --precision 0.005   draws until every P(met) is that precise
//   innosim run scenarios/plan-2016-2020.toml --index         also the innovation index and rank probabilities
//   innosim run scenarios/plan-2016-2020.toml --shard 2/3     shard 2 of 3 (then innosim merge)
//   innosim run scenarios/plan-2016-2020.toml --resume        continue after a crash or Ctrl-C

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checkpointing.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "hdf5_sink.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/index_table.hpp"
#include "innosim/outputs/region_table.hpp"
#include "innosim/outputs/table.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "problems.hpp"
#include "scenario_draws.hpp"
#include "progress.hpp"
#include "run_report.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

// Adaptive precision looks at the draws after every this many (16 tiles).
constexpr std::size_t kPrecisionCheckDraws = 4096;
constexpr std::size_t kDefaultMaxDraws = 1000000;

struct RunArgs {
  std::string scenario;
  std::optional<std::size_t> draws;
  std::optional<std::uint64_t> seed;
  std::string output;
  unsigned threads = 0;
  std::size_t block_tiles = 0;
  std::string sampler;
  std::string format = "text";
  bool quiet = false;
  std::string store;  // empty: the default level (targets), or parameters with --save-uniforms
  bool trajectories = false;
  bool save_uniforms = false;
  bool regions = false;
  bool index = false;
  bool force = false;
  std::optional<std::uint64_t> replay;
  std::optional<double> precision;
  std::size_t max_draws = kDefaultMaxDraws;
  std::string shard;  // "k/K"
  CheckpointArgs checkpoints;
};

// Recomputes one draw (the same numbers as in the run) and prints its
// parameters and zone trajectory. Nothing is read from a run file: a draw's
// parameter values and yearly random inputs follow from the scenario, the
// seed, the sampler, the draw count (Latin hypercube strata) and its index.
template <Model M>
int replay_draw(const M& model, const Scenario& s, const ParameterSource& sampler, std::uint64_t seed,
                std::uint64_t draw, const IntegratorSettings& integ) {
  std::vector<double> theta(sampler.num_parameters());
  sampler.draw(draw, 1, theta);
  DrawSimulator<M> sim(model, integ, s.horizon.start, s.horizon.end);
  std::vector<double> u(sim.uniforms_size()), out(sim.output_size());
  const std::size_t K = model.randoms_per_year();
  for (std::size_t y = 0; y < sim.years(); ++y)
    fill_uniform01(seed, draw, Stream::yearly, static_cast<std::uint32_t>(y), std::span<double>(u.data() + y * K, K));
  const DrawStatus st = sim.run(theta, u, out);
  std::cout << fmt::format("draw {} (seed {}): {} ({} integrator steps)\n\n"
                           "parameters (regenerated from the scenario, seed, sampler and draw count; equal to what a run\n"
                           "with these settings used, and to its /parameters/draws when the run kept them):\n",
                           draw, seed, describe(st), sim.steps_last_draw());
  for (std::size_t p = 0; p < theta.size(); ++p)
    std::cout << fmt::format("  {:<48} {:.6g}\n", s.parameters[p].id, theta[p]);
  const auto& ind = model.indicators();
  const std::size_t per_indicator = model.num_regions() + model.num_aggregates(), zone = model.num_regions();
  std::cout << "\nzone indicators by year:\n" << fmt::format("  {:<30}", "indicator");
  for (int y = s.horizon.start; y <= s.horizon.end; ++y) std::cout << fmt::format("{:>12}", y);
  std::cout << "\n";
  for (std::size_t i = 0; i < ind.size(); ++i) {
    std::cout << fmt::format("  {:<30}", ind[i].id);
    for (std::size_t y = 0; y <= sim.years(); ++y)
      std::cout << fmt::format("{:>12.5g}", out[(y * ind.size() + i) * per_indicator + zone]);
    std::cout << "\n";
  }
  return st == DrawStatus::ok ? kExitOk : kExitFailed;
}

int report_failures(const RunArgs& a, std::uint64_t seed, const RunOutcome& r) {
  std::cerr << fmt::format("innosim: the run failed: {} invalid draw{} (run.invalid_draws = \"fail\")\n",
                           r.failures.size(), r.failures.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < r.failures.size() && i < 10; ++i)
    std::cerr << fmt::format("  draw {}: {}\n", r.failures[i].draw, describe(r.failures[i].status));
  std::cerr << fmt::format(
      "replay one with: innosim run {} --seed {} --replay {}\n"
      "or set [run] invalid_draws = \"drop\" to drop and count such draws; no output written\n",
      a.scenario, seed, r.failures.front().draw);
  return kExitFailed;
}

// The store level asked for: --store, --trajectories, or the default (targets;
// parameters with --save-uniforms, whose reader needs both). nullopt after
// printing the problem when --save-uniforms asks for more than --store keeps.
std::optional<StoreLevel> store_level(const RunArgs& a) {
  if (a.trajectories) return StoreLevel::trajectories;
  if (a.store.empty()) return a.save_uniforms ? StoreLevel::parameters : StoreLevel::targets;
  const StoreLevel level = *parse_store_level(a.store);  // CLI11 checked the name
  if (a.save_uniforms && level < StoreLevel::parameters) {
    std::cerr << fmt::format("innosim run: --save-uniforms needs --store parameters or trajectories "
                             "(the uniforms are used with each draw's parameter values), not --store {}\n",
                             a.store);
    return std::nullopt;
  }
  return level;
}

// With --precision: what stopped the run, for people (stderr).
void say_precision(const RunArgs& a, const Scenario& s, const RunOutcome& r) {
  if (r.precise) {
    std::cerr << fmt::format("innosim: every P(met) standard error is below {} after {} draws (checked every {})\n",
                             *a.precision, r.draws_run, kPrecisionCheckDraws);
    return;
  }
  const std::vector<std::string> ids = target_ids(s.targets);
  for (std::size_t t = 0; t < r.table.rows.size(); ++t)
    if (!(r.table.rows[t].p_met_se < *a.precision))
      std::cerr << fmt::format("innosim: the cap of {} draws came first: P(met) of {} has standard error {:.4f}, not below {}\n",
                               a.max_draws, ids[t], r.table.rows[t].p_met_se, *a.precision);
}

// Bad --precision combinations; empty if none.
std::string precision_problem(const RunArgs& a, const Scenario& s) {
  if (!a.precision) return "";
  if (!(*a.precision > 0 && *a.precision < 0.5))
    return fmt::format("--precision {}: expected a standard error of P(met) between 0 and 0.5 (e.g. 0.005)",
                       *a.precision);
  if (s.targets.empty()) return "--precision: the scenario has no targets whose P(met) could be made precise";
  if (s.run.sampler == SamplerKind::latin_hypercube)
    return "--precision: the latin_hypercube sampler stratifies a number of draws fixed in advance; "
           "use --sampler sobol or monte_carlo";
  // Where a precise run stops depends on every draw before each check: a
  // shard sees only its own range, and a run state does not keep the counts.
  if (!a.shard.empty())
    return "--precision with --shard: a shard sees only its own draws and cannot tell when the whole run is "
           "precise; run the shards with a fixed -n (e.g. the draws a --precision run on one machine needed)";
  if (a.checkpoints.resume)
    return "--precision with --resume: a run with --precision makes no checkpoints (where it stops depends on "
           "every draw before each check); run it again from the start";
  return "";
}

// What a run file at `level` keeps of each draw, for the footprint check.
FileKeeps file_keeps(StoreLevel level, bool uniforms) {
  return {true, level >= StoreLevel::parameters, level >= StoreLevel::targets, level >= StoreLevel::trajectories,
          uniforms};
}

int run(const RunArgs& a) {
  const std::optional<StoreLevel> store = store_level(a);
  if (!store) return kExitBadInput;
  Scenario s = load_scenario(a.scenario);
  if (!a.sampler.empty()) s.run.sampler = parse_sampler(a.sampler);
  if (const std::string why = precision_problem(a, s); !why.empty()) {
    std::cerr << "innosim: " << why << "\n";
    return kExitBadInput;
  }
  const std::size_t draws = a.precision ? a.max_draws : a.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  const std::optional<Shard> shard = parse_shard(a.shard, draws);
  if (a.replay && *a.replay >= draws)
    throw BadInput(fmt::format("--replay {}: the run has {} draws, numbered 0 to {} (with -n, replay a draw of a "
                               "larger run)",
                               *a.replay, draws, draws - 1));
  return visit_model(s, [&](const auto& model) -> int {
    const ScenarioDraws source = checked_draws(model, s, seed, draws);
    RunOptions opt = scenario_run_options(s, draws, seed);
    if (a.replay) return replay_draw(model, s, source.source(), seed, *a.replay, opt.integrator);

    const DrawRange range = shard ? shard->range : DrawRange{0, draws};
    const std::string out =
        output_path(a.output, a.scenario, shard ? fmt::format("-shard-{}-of-{}.h5", shard->k, shard->K) : ".h5");
    check_output(out, a.force, s);
    const ResultShape shape = make_shape(s, model.indicators());
    const unsigned threads = run_threads(a.threads);
    const DrawSizes sizes{source.sampler().num_parameters(), s.targets.size(), shape.size(),
                          shape.num_indicators() * shape.num_regions(),
                          static_cast<std::size_t>(s.horizon.end - s.horizon.start), model.randoms_per_year()};
    // A shard file keeps every draw's parameters and targets whatever the store level.
    const StoreLevel kept = shard ? std::max(*store, StoreLevel::parameters) : *store;
    check_footprint(estimate_footprint(sizes, range.size(), threads, run_block_tiles(range.size(), threads, a.block_tiles),
                                       file_keeps(kept, a.save_uniforms), false),
                    out, fmt::format("{} {} with {} threads{}", a.precision ? "--max-draws" : "-n", draws, threads,
                                     a.block_tiles != 0 ? fmt::format(" and --block-tiles {}", a.block_tiles) : ""));
    RunHeader header = run_header(s, model.randoms_per_year(), seed, draws);
    header.precision = a.precision.value_or(0.0);
    if (shard) {
      header.shard = shard->k;
      header.shards = shard->K;
    }
    header.range = range;
    RunWriter writer(out, s, shape, header, WriterConfig{*store, a.save_uniforms, 4, OutputPolicy{a.force}});
    Hdf5Sink file_sink(writer);

    RunState resumed(range.first, shape.size(), s.targets);
    const RunIdentity id{header, *store, a.save_uniforms, s.name};
    // The log keeps what the file keeps: the parameter values only when the
    // file does (a resumed run draws them again for the file's digest).
    const LogLayout layout{kept >= StoreLevel::parameters ? s.parameters.size() : 0, s.targets.size(),
                           *store == StoreLevel::trajectories ? shape.size() : 0,
                           a.save_uniforms ? static_cast<std::size_t>(s.horizon.end - s.horizon.start) *
                                                 model.randoms_per_year()
                                           : 0,
                           range.first > 0 ? shape.size() : 0};
    // The innovation index's counts travel with the run state: a resumed
    // run's are loaded into it with the state.
    std::optional<InnovationIndex> index;
    if (s.index) {
      index.emplace(s, model.indicators());
      opt.accumulators.push_back(&*index);
      resumed.draw_accumulators = {&*index};
    }
    // A run with --precision makes no checkpoints (precision_problem).
    CheckpointArgs ckpt = a.checkpoints;
    if (a.precision) ckpt.every = 0;
    RedrawnParameters replayed(file_sink, source.source());
    RunCheckpoints checkpoints(out, id, layout, ckpt, resumed, replayed);
    LoggedSink sink(file_sink, checkpoints.writer());
    const std::uint64_t done_before = checkpoints.resumed() ? resumed.range.size() : 0;

    opt.threads = a.threads;
    opt.block_tiles = a.block_tiles;
    opt.trajectories = *store == StoreLevel::trajectories;
    opt.uniforms = a.save_uniforms;
    opt.cancel = &g_cancel;
    if (a.precision) opt.precision = {*a.precision, kPrecisionCheckDraws};
    opt.range = range;
    opt.checkpoints = checkpoints.policy();
    if (checkpoints.resumed()) opt.resume = &resumed;
    Progress progress(!a.quiet && isatty(STDERR_FILENO));
    if (progress.enabled()) opt.progress = [&](std::size_t d, std::size_t n) { progress.update(d, n); };

    RunOutcome r;
    {
      CancellableScope scope;  // the first Ctrl-C stops the run; the writer then removes its file
      r = run_monte_carlo(model, s, source.source(), opt, sink);
    }
    progress.finish();
    if (r.cancelled || g_cancel.load()) {
      std::cerr << "innosim: " << checkpoints.interrupted(r.state) << "\n";
      return kExitInterrupted;
    }
    if (r.failed()) {
      checkpoints.discard();
      return report_failures(a, seed, r);
    }
    r.info.sampler = sampler_name(s.run.sampler);
    const std::uint64_t ran = r.state.range.size() - done_before;
    if (shard) {
      writer.finish_shard(r.state, r.info);
      checkpoints.discard();
      if (!a.quiet)
        std::cerr << fmt::format("innosim: shard {}/{}: draws {}..{} ({} valid) in {:.2f} s ({}) -> {}\n", shard->k,
                                 shard->K, range.first, range.end - 1, r.info.draws_valid, r.info.seconds,
                                 speed(ran, r.info.seconds, r.info.threads), out);
      return kExitOk;
    }
    std::optional<IndexResult> index_result;
    if (index) {
      index_result = index->result();
      writer.write_index(*s.index, *index_result);
    }
    writer.finish(r.summary, r.table, r.info);
    checkpoints.discard();
    const bool show_index = a.index && index_result;
    if (a.format == "text" || !show_index) print_target_table(s, r.table, r.info, a.format);
    if (a.regions && a.format == "text") std::cout << format_region_table(s, r.shape, r.summary);
    if (a.precision && !a.quiet) say_precision(a, s, r);
    if (show_index)
      std::cout << (a.format == "text" ? "\n" : "")
                << format_index_table(*index_result, s.regions, s.name, parse_format(a.format));
    if (a.index && !index_result)
      std::cerr << fmt::format("innosim: {} has no [index]: no innovation index to print\n", a.scenario);
    if (!a.quiet)
      std::cerr << fmt::format("innosim: {} draws in {:.2f} s ({}) -> {}\n", r.draws_run, r.info.seconds,
                               speed(ran, r.info.seconds, r.info.threads), out);
    return kExitOk;
  });
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "Run a scenario: print the target table and write an HDF5 file");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  auto* draws = cmd->add_option("-n,--draws", a->draws, "Monte Carlo draws (default: the scenario's [run] draws)")
                    ->check(integer_in(1, kMaxDraws));
  auto* precision =
      cmd->add_option("--precision", a->precision,
                      "Draw until every target's P(met) standard error is below this (e.g. 0.005), looking after "
                      "every 4096 draws")
          ->excludes(draws);
  cmd->add_option("--max-draws", a->max_draws, "The cap on draws with --precision")
      ->check(integer_in(1, kMaxDraws))
      ->capture_default_str()
      ->needs(precision);
  cmd->add_option("-o,--output", a->output,
                  "HDF5 output file (default: the scenario file's name with .h5, in the current folder)");
  cmd->add_flag("--force", a->force, "Replace the output file if it exists");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)")->check(integer_in(1, kMaxThreads));
  cmd->add_option("--seed", a->seed, "Master seed, 0 to 2^64-1 (default: the scenario's [run] seed)")
      ->check(integer_in(0, UINT64_MAX));
  cmd->add_option("--sampler", a->sampler, "Parameter sampler (default: the scenario's)")
      ->check(CLI::IsMember({"monte_carlo", "latin_hypercube", "sobol"}));
  cmd->add_option("--format", a->format, "Target table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or timing line");
  auto* store = cmd->add_option("--store", a->store,
                                 "What the file keeps of each draw: summary (none), targets (target-year values; "
                                 "the default), parameters (+ sampled parameter values), trajectories (+ every "
                                 "indicator in every report year; large). Parameter values can always be "
                                 "regenerated with --replay")
                    ->check(CLI::IsMember({"summary", "targets", "parameters", "trajectories"}));
  cmd->add_flag("--trajectories", a->trajectories, "Same as --store trajectories")->excludes(store);
  cmd->add_flag("--save-uniforms", a->save_uniforms,
                "Also store the model's yearly random inputs (for the reference model, reference_model.py); "
                "needs --store parameters or trajectories, and raises the default to parameters");
  cmd->add_flag("--regions", a->regions, "Also print every indicator by region at the last report year");
  cmd->add_flag("--index", a->index,
                "Also print the innovation index by region and year with each region's rank probabilities "
                "(with --format csv or json: the index table alone)");
  cmd->add_option("--block-tiles", a->block_tiles,
                  "Tiles of 256 draws per parallel task (results do not depend on it)")
      ->check(integer_in(1, kMaxBlockTiles));
  auto* replay = cmd->add_option(
      "--replay", a->replay,
      "Replay one draw by its index and print its parameters (regenerated from scenario, seed, sampler "
      "and -n, whatever the store level) and zone trajectory")
      ->check(integer_in(0, UINT64_MAX));
  cmd->add_option("--shard", a->shard,
                  "Run shard k of K (e.g. 2/3): a tile-aligned range of the draws, written to a shard file "
                  "(default name: the scenario's with -shard-k-of-K.h5) for `innosim merge`")
      ->excludes(replay);
  add_checkpoint_options(cmd, a->checkpoints);
  return {cmd, [a] { return run(*a); }};
}

}  // namespace innosim::app
