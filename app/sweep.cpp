// innosim sweep: P(met) of every target against one lever scaled by several
// factors, on the same seed at every point (common random numbers).
//
//   innosim sweep scenarios/plan-2016-2020.toml --lever fiscal_rd_zone --scale 0.5,1,2,4 -n 2000

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/sweep_table.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/version.hpp"
#include "levers.hpp"
#include "options.hpp"
#include "points.hpp"
#include "scenario_draws.hpp"
#include "progress.hpp"

namespace innosim::app {

namespace {

struct SweepArgs {
  std::string scenario;
  std::string lever;
  std::string scale = "0.5,1,2,4";
  PointsArgs run;
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

  const std::string out = output_path(a.run.output, a.scenario, "-sweep.h5");
  Progress progress(!a.run.quiet && isatty(STDERR_FILENO));
  const PointsOutcome r = run_points(variants, sampler.source(), {draws, seed, a.run.threads, false, &progress});
  if (!r.ok())
    return report_points_failure(r, fmt::format("the sweep failed at factor {}", data.scale[r.failed_point]));
  for (const PointResult& p : r.points) data.tables.push_back(p.table);
  SweepHeader header{kVersion, kGitSha, seed, sampler_name(s.run.sampler), draws, s.model};
  write_sweep_file(out, s, r.shape, header, data);
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
  add_points_options(cmd, a->run, "HDF5 sweep file", "-sweep.h5");
  return {cmd, [a] { return sweep(*a); }};
}

}  // namespace innosim::app
