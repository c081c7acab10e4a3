// innosim sweep: P(met) of every target against one lever scaled by several
// factors, on the same seed at every point (common random numbers).
//
//   innosim sweep scenarios/plan-2016-2020.toml --lever fiscal_rd_zone --scale 0.5,1,2,4 -n 2000

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/util/did_you_mean.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/sweep_table.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

struct SweepArgs {
  std::string scenario;
  std::string lever;
  std::string scale = "0.5,1,2,4";
  std::optional<std::size_t> draws;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string output;
  std::string format = "text";
  bool quiet = false;
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

// The lever's zone total in `year`: its zone path, or the sum over regions.
double lever_zone_total(const Lever& l, int year, std::size_t regions) {
  if (!l.per_region()) return l.at(year);
  double sum = 0;
  for (std::size_t r = 0; r < regions; ++r) sum += l.at(year, r);
  return sum;
}

// The message for a lever the scenario lacks or that cannot be scaled; empty if it can be swept.
std::string lever_problem(const Scenario& s, const SweepArgs& a, const Lever* lever) {
  if (lever == nullptr) {
    std::vector<std::string> ids;
    for (const auto& l : s.levers) ids.push_back(l.id);
    std::string msg = fmt::format("innosim: {}: no lever '{}'", a.scenario, a.lever);
    if (auto m = did_you_mean(a.lever, ids); !m.empty()) msg += " — did you mean '" + m + "'?";
    msg += ids.empty() ? " (the scenario has no levers)" : fmt::format(" (levers: {})", fmt::join(ids, ", "));
    return msg;
  }
  if (lever->unit == "share" || lever->unit == "probability" || lever->unit == "switch")
    return fmt::format(
        "innosim: lever '{}' has unit '{}'; scaling a {} is meaningless, so it cannot be swept "
        "(sweep a lever in yuan, count or rate, or write what-if scenarios and use `innosim compare`)",
        lever->id, lever->unit, lever->unit);
  return {};
}

int sweep(const SweepArgs& a) {
  Scenario s = load_scenario(a.scenario);
  std::string why;
  const auto scales = parse_scales(a.scale, why);
  if (!scales) {
    std::cerr << "innosim: " << why << "\n";
    return kExitBadInput;
  }
  const Lever* lever = s.lever(a.lever);
  if (const std::string problem = lever_problem(s, a, lever); !problem.empty()) {
    std::cerr << problem << "\n";
    return kExitBadInput;
  }
  const std::size_t draws = a.draws.value_or(s.run.draws);
  const std::uint64_t seed = a.seed.value_or(s.run.seed);
  // Every scaled scenario is built and validated before anything is computed.
  std::vector<Scenario> variants;
  SweepData data;
  data.lever = lever->id;
  for (const double k : *scales) {
    Scenario sk = s;
    for (Lever& l : sk.levers) {
      if (l.id != lever->id) continue;
      if (l.zone)
        for (double& x : l.zone->values) x *= k;
      for (YearSeries& ys : l.by_region)
        for (double& x : ys.values) x *= k;
      data.lever_value.push_back(lever_zone_total(l, sk.horizon.end, sk.regions.size()));
    }
    data.scale.push_back(k);
    visit_model(sk, [&](const auto& model) -> int {
      (void)checked_sampler(model, sk, seed, draws);
      return kExitOk;
    });
    variants.push_back(std::move(sk));
  }

  const std::string out = output_path(a.output, a.scenario, "-sweep.h5");
  Progress progress(!a.quiet && isatty(STDERR_FILENO));
  const auto t0 = std::chrono::steady_clock::now();
  ResultShape shape;
  const std::size_t V = variants.size();
  for (std::size_t v = 0; v < V; ++v) {
    const Scenario& sk = variants[v];
    const int rc = visit_model(sk, [&](const auto& model) -> int {
      Sampler sampler(sk, seed, draws);
      // The same seed at every point: common random numbers.
      RunOptions opt = scenario_run_options(sk, draws, seed);
      opt.threads = a.threads;
      opt.cancel = &g_cancel;
      if (progress.enabled())
        opt.progress = [&](std::size_t d, std::size_t n) { progress.update(v * n + d, V * n); };
      MemorySink sink(sk.targets.size());
      RunOutcome r = run_monte_carlo(model, sk, sampler, opt, sink);
      if (r.cancelled) {
        progress.finish();
        std::cerr << "innosim: interrupted; no output written\n";
        return kExitInterrupted;
      }
      if (r.failed()) {
        progress.finish();
        std::cerr << fmt::format(
            "innosim: the sweep failed at factor {}: {} invalid draw{} (run.invalid_draws = \"fail\")\n"
            "set [run] invalid_draws = \"drop\" to drop and count such draws; no output written\n",
            data.scale[v], r.failures.size(), r.failures.size() == 1 ? "" : "s");
        return kExitFailed;
      }
      shape = r.shape;
      data.tables.push_back(std::move(r.table));
      return kExitOk;
    });
    if (rc != kExitOk) return rc;
  }
  progress.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SweepHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model};
  write_sweep_file(out, s, shape, header, data);
  std::cout << format_sweep_table(s, *lever, data, parse_format(a.format));
  if (!a.quiet) std::cerr << fmt::format("innosim: {} points x {} draws in {:.2f} s -> {}\n", V, draws, seconds, out);
  return kExitOk;
}

}  // namespace

Command add_sweep_command(CLI::App& app) {
  auto a = std::make_shared<SweepArgs>();
  auto* cmd = app.add_subcommand("sweep", "P(met) of every target against one lever scaled by several factors");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--lever", a->lever, "Lever id to scale (its whole path, zone or every region)")->required();
  cmd->add_option("--scale", a->scale, "Comma-separated factors, e.g. 0.5,1,2,4")->capture_default_str();
  cmd->add_option("-n,--draws", a->draws, "Monte Carlo draws per point (default: the scenario's [run] draws)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", a->seed, "Master seed, the same for every point (default: the scenario's)");
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores)");
  cmd->add_option("-o,--output", a->output, "HDF5 sweep file (default: the scenario file's name with -sweep.h5)");
  cmd->add_option("--format", a->format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or timing line");
  return {cmd, [a] { return sweep(*a); }};
}

}  // namespace innosim::app
