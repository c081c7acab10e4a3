// innosim sensitivity: what drives each target — Sobol indices (first order
// and total, with bootstrap intervals) and Morris elementary effects of the
// scenario's uncertain parameters, grouped into factors.
//
//   innosim sensitivity scenarios/plan-2016-2020.toml
//   innosim sensitivity scenarios/plan-2016-2020.toml --target rd_intensity --method morris
//   innosim sensitivity scenarios/plan-2016-2020.toml --base-samples 4096 --format csv -o plan-sens.h5

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/analysis/sensitivity.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/sensitivity_table.hpp"
#include "innosim/outputs/sensitivity_writer.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/util/did_you_mean.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

// The most base samples, trajectories and bootstrap resamples (each base
// sample costs factors + 3 runs, each trajectory factors + 1).
constexpr std::uint64_t kMaxBaseSamples = std::uint64_t{1} << 24;
constexpr std::uint64_t kMaxTrajectories = std::uint64_t{1} << 20;
constexpr std::uint64_t kMaxResamples = 100'000;

struct SensitivityArgs {
  std::string scenario;
  std::string method = "both";
  std::size_t base_samples = 1024;
  std::size_t trajectories = 20;
  int levels = 4;
  std::size_t resamples = 200;
  double confidence = 0.95;
  std::size_t top = 10;
  std::vector<std::string> targets;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string output;
  std::string format = "text";
  bool quiet = false;
  bool force = false;
};

// The options' problems, one line each ("" when none).
std::string option_problems(const SensitivityArgs& a) {
  std::string why;
  if (!(a.confidence > 0 && a.confidence < 1))
    why += fmt::format("innosim: --confidence {}: expected a level strictly between 0 and 1\n", a.confidence);
  if (a.levels < 2 || a.levels % 2 != 0)
    why += fmt::format("innosim: --levels {}: expected an even number of levels, at least 2\n", a.levels);
  if (a.base_samples < 2) why += fmt::format("innosim: --base-samples {}: expected at least 2\n", a.base_samples);
  if (a.trajectories < 2) why += fmt::format("innosim: --trajectories {}: expected at least 2\n", a.trajectories);
  if (a.resamples < 10) why += fmt::format("innosim: --resamples {}: expected at least 10\n", a.resamples);
  if (a.top < 1) why += "innosim: --top 0: expected at least 1\n";
  return why;
}

// Indices of the targets named by --target (all when none); nullopt after
// printing the problem.
std::optional<std::vector<std::size_t>> chosen_targets(const Scenario& s, const SensitivityArgs& a) {
  const std::vector<std::string> ids = target_ids(s.targets);
  std::vector<std::size_t> out;
  for (const std::string& id : a.targets) {
    const auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end()) {
      std::cerr << fmt::format("innosim: {}: no target '{}'{} (targets: {})\n", a.scenario, id,
                               did_you_mean_hint(id, ids), fmt::join(ids, ", "));
      return std::nullopt;
    }
    const auto t = static_cast<std::size_t>(it - ids.begin());
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int sensitivity(const SensitivityArgs& a) {
  const Scenario s = load_scenario(a.scenario);
  if (const std::string why = option_problems(a); !why.empty()) {
    std::cerr << why;
    return kExitBadInput;
  }
  const auto targets = chosen_targets(s, a);
  if (!targets) return kExitBadInput;
  if (s.targets.empty()) {
    std::cerr << fmt::format("innosim: {}: the scenario has no [[targets]] to analyse\n", a.scenario);
    return kExitBadInput;
  }
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  const std::string out = output_path(a.output, a.scenario, "-sensitivity.h5");
  check_output(out, a.force, s);

  return visit_model(s, [&](const auto& model) -> int {
    const Sampler sampler = checked_sampler(model, s, seed, 1);
    if (sampler.dimensions() == 0) {
      std::cerr << fmt::format("innosim: {}: every parameter is fixed: nothing to vary\n", a.scenario);
      return kExitBadInput;
    }
    SensitivityOptions opt;
    opt.sobol = a.method != "morris";
    opt.morris = a.method != "sobol";
    opt.base_samples = a.base_samples;
    opt.trajectories = a.trajectories;
    opt.levels = a.levels;
    opt.resamples = a.resamples;
    opt.confidence = a.confidence;
    opt.targets = *targets;
    opt.run = scenario_run_options(s, 1, seed);
    opt.run.threads = a.threads;
    opt.run.cancel = &g_cancel;
    Progress progress(!a.quiet && isatty(STDERR_FILENO));
    if (progress.enabled()) opt.run.progress = [&](std::size_t d, std::size_t n) { progress.update(d, n); };

    const auto t0 = std::chrono::steady_clock::now();
    const SensitivityResult r = run_sensitivity(model, s, sampler, opt);
    progress.finish();
    if (r.cancelled) {
      std::cerr << "innosim: interrupted; no output written\n";
      return kExitInterrupted;
    }
    if (r.failed()) {
      std::cerr << fmt::format(
          "innosim: the sensitivity runs failed: {} invalid draw{} (run.invalid_draws = \"fail\")\n"
          "set [run] invalid_draws = \"drop\" to leave out the base samples and trajectories they belong to; "
          "no output written\n",
          r.failures.size(), r.failures.size() == 1 ? "" : "s");
      return kExitFailed;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const SensitivityHeader header{kVersion, kGitSha, seed, s.model, a.resamples, a.confidence, a.threads, seconds};
    write_sensitivity_file(out, s, header, r, OutputPolicy{a.force});
    std::cout << format_sensitivity_table(s, header, r, parse_format(a.format), a.top);
    if (!a.quiet) {
      const std::size_t runs = (r.sobol ? r.sobol->run.rows : 0) + (r.morris ? r.morris->run.rows : 0);
      std::cerr << fmt::format("innosim: {} runs ({} factors) in {:.2f} s -> {}\n", runs, r.groups.size(), seconds,
                               out);
    }
    return kExitOk;
  });
}

}  // namespace

Command add_sensitivity_command(CLI::App& app) {
  auto a = std::make_shared<SensitivityArgs>();
  auto* cmd = app.add_subcommand(
      "sensitivity", "What drives each target: Sobol indices and Morris effects of the uncertain parameters");
  cmd->footer(
      "Factors are groups of uncertain parameters: those declared in [sensitivity.groups], and every other\n"
      "per-region parameter over all its regions (one factor per base name), every scalar alone. Indices are\n"
      "of the sampler's independent uniforms, before the correlations are applied (docs/analysis.md); the\n"
      "model's yearly random inputs are one more factor, 'yearly noise'. Outputs: each target's indicator in\n"
      "every report year and its target year, and the event 'target met'. Sobol: Saltelli's design,\n"
      "base samples x (factors + 3) runs; Morris: trajectories x (factors + 1) runs.");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--method", a->method, "sobol, morris or both")
      ->check(CLI::IsMember({"sobol", "morris", "both"}))
      ->capture_default_str();
  cmd->add_option("-N,--base-samples", a->base_samples, "Base samples of Saltelli's design (Sobol)")
      ->capture_default_str()
      ->check(integer_in(0, kMaxBaseSamples));
  cmd->add_option("--trajectories", a->trajectories, "Morris trajectories")
      ->capture_default_str()
      ->check(integer_in(0, kMaxTrajectories));
  cmd->add_option("--levels", a->levels, "Morris grid levels (even)")->capture_default_str()->check(integer_in(0, 1000));
  cmd->add_option("--resamples", a->resamples, "Bootstrap resamples of the intervals")
      ->capture_default_str()
      ->check(integer_in(0, kMaxResamples));
  cmd->add_option("--confidence", a->confidence, "Confidence level of the intervals")->capture_default_str();
  cmd->add_option("--target", a->targets,
                  "Target id to analyse (repeat for several; default: every target): its indicator for a zone "
                  "target, indicator@region for a region's");
  cmd->add_option("--top", a->top, "Factors shown per target in the text table")
      ->capture_default_str()
      ->check(integer_in(0, 1'000'000));
  cmd->add_option("--seed", a->seed, "Master seed, 0 to 2^64-1 (default: the scenario's)")
      ->check(integer_in(0, UINT64_MAX));
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)")->check(integer_in(1, kMaxThreads));
  cmd->add_option("-o,--output", a->output, "HDF5 sensitivity file (default: the scenario file's name with "
                                            "-sensitivity.h5)");
  cmd->add_flag("--force", a->force, "Replace the sensitivity file if it exists");
  cmd->add_option("--format", a->format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or timing line");
  return {cmd, [a] { return sensitivity(*a); }};
}

}  // namespace innosim::app
