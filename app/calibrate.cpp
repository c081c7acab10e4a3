// innosim calibrate: conditions a scenario's uncertain parameters on observed
// values and writes the posterior file; prints the diagnostics
// (docs/calibration.md).
//
//   innosim calibrate scenarios/hindcast-2010-2015.toml --observations scenarios/observed-2010-2015.toml
//       -o hindcast-2010-2015.posterior.h5
//   innosim calibrate my.toml --observations obs.toml -n 4000 --threads 8 --format json

#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/calibrate/smc.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/calibration_table.hpp"
#include "innosim/outputs/posterior_file.hpp"
#include "innosim/scenario/observations.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

struct CalibrateArgs {
  std::string scenario;
  std::string observations;
  std::string output;
  std::size_t particles = 1000;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  double ess_fraction = 0.5;
  std::size_t min_sweeps = 2, max_sweeps = 30, max_generations = 100;
  std::string format = "text";
  bool quiet = false;
  bool force = false;
};

void print_generation(const GenerationStats& g) {
  if (g.generation == 0) {
    std::cerr << fmt::format("innosim: generation 0: {} prior draws simulated ({} failed), {:.1f} s\n",
                             static_cast<std::size_t>(g.ess), g.invalid, g.seconds);
    return;
  }
  std::cerr << fmt::format(
      "innosim: generation {}: phi {:.4g}, ESS {:.0f}, {} sweeps, moves accepted {:.0f} % / {:.0f} % (parameters / "
      "noise), {} distinct, {:.1f} s\n",
      g.generation, g.phi, g.ess, g.sweeps, 100 * g.acceptance_theta, 100 * g.acceptance_noise, g.distinct, g.seconds);
}

int calibrate_scenario(const CalibrateArgs& a) {
  const Scenario s = load_scenario(a.scenario);
  if (s.posterior)
    throw ScenarioError({Problem{s.posterior->where, "posterior.file",
                                 "a calibration starts from the priors: calibrate a scenario without a [posterior] "
                                 "section"}});
  const ObservationSet obs = load_observations(a.observations);
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  const std::string out = output_path(a.output, a.scenario, ".posterior.h5");
  std::vector<std::string> inputs = scenario_inputs(s);
  inputs.push_back(a.observations);
  check_output(out, a.force, inputs);
  return visit_model(s, [&](const auto& model) -> int {
    const Sampler prior = checked_sampler(model, s, seed, a.particles);
    CalibrationOptions opt;
    opt.particles = a.particles;
    opt.seed = seed;
    opt.threads = a.threads;
    opt.ess_fraction = a.ess_fraction;
    opt.min_sweeps = a.min_sweeps;
    opt.max_sweeps = a.max_sweeps;
    opt.max_generations = a.max_generations;
    opt.integrator = scenario_run_options(s, a.particles, seed).integrator;
    opt.cancel = &g_cancel;
    if (!a.quiet) opt.on_generation = print_generation;
    // Every problem of the observations against the model is found before
    // anything is simulated (the sampler's constructor locates them).
    TemperedSmc<std::decay_t<decltype(model)>> smc(model, s, prior, obs, opt);
    const CalibrationResult r = smc.run();
    if (r.cancelled) {
      std::cerr << "innosim: interrupted; no output written\n";
      return kExitInterrupted;
    }
    PosteriorRecord rec = make_posterior_record(s, obs, opt, r, kVersion, kGitSha);
    if (!r.reached) {
      std::cout << format_calibration(rec, parse_format(a.format));
      std::cerr << fmt::format(
          "innosim: the tempering reached only phi = {:.3g} in {} generations; the particles are not the posterior "
          "and no file was written (raise --max-generations, or see the warnings)\n",
          r.generations.back().phi, a.max_generations);
      return kExitFailed;
    }
    write_posterior_file(out, s, obs, rec, OutputPolicy{a.force});
    rec.path = out;
    std::cout << format_calibration(rec, parse_format(a.format));
    return kExitOk;
  });
}

}  // namespace

Command add_calibrate_command(CLI::App& app) {
  auto a = std::make_shared<CalibrateArgs>();
  auto* cmd = app.add_subcommand(
      "calibrate", "Calibrate a scenario's uncertain parameters to observed values; write the posterior file");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--observations", a->observations, "Observation file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output,
                  "Posterior file (default: the scenario file's name with .posterior.h5, in the current folder)");
  cmd->add_option("-n,--particles", a->particles, "Particles (default 1000)")->check(CLI::Range(16, 10000000));
  cmd->add_flag("--force", a->force, "Replace the posterior file if it exists");
  cmd->add_option("--seed", a->seed, "Master seed, 0 to 2^64-1 (default: the scenario's [run] seed)")
      ->check(integer_in(0, UINT64_MAX));
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores; results do not depend on it)")
      ->check(integer_in(1, kMaxThreads));
  cmd->add_option("--ess-fraction", a->ess_fraction,
                  "Effective sample size kept at each reweighting, as a share of the particles (default 0.5)")
      ->check(CLI::Range(0.05, 0.95));
  cmd->add_option("--min-sweeps", a->min_sweeps, "Fewest MCMC sweeps per generation (default 2)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--max-sweeps", a->max_sweeps, "Most MCMC sweeps per generation (default 30)")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--max-generations", a->max_generations, "Most generations before giving up (default 100)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--format", a->format, "Diagnostics format (csv: the parameter table)")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No line per generation on stderr");
  return {cmd, [a] {
            if (a->min_sweeps > a->max_sweeps) {
              std::cerr << fmt::format("innosim: --min-sweeps ({}) must not exceed --max-sweeps ({})\n", a->min_sweeps,
                                       a->max_sweeps);
              return kExitBadInput;
            }
            return calibrate_scenario(*a);
          }};
}

}  // namespace innosim::app
