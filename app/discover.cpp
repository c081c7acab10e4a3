// innosim discover: under which conditions is a target met (or missed)? PRIM
// scenario discovery on the per-draw values of a run or design file.
//
//   innosim discover plan-2016-2020.h5 --target rd_intensity
//   innosim discover plan-2016-2020-design.h5 --target intermediaries --case missed --format json

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/analysis/prim.hpp"
#include "innosim/outputs/discovery.hpp"
#include "innosim/run/targets.hpp"
#include "innosim/util/did_you_mean.hpp"
#include "innosim/version.hpp"
#include "options.hpp"

namespace innosim::app {

namespace {

struct DiscoverArgs {
  std::string file;
  std::string target;
  std::string case_of_interest = "met";
  double alpha = 0.05;
  double min_mass = 0.05;
  double min_coverage = 0.5;
  unsigned threads = 0;
  std::string output;
  std::string format = "text";
  bool quiet = false;
  bool force = false;
};

std::string option_problems(const DiscoverArgs& a) {
  std::string why;
  if (!(a.alpha > 0 && a.alpha < 0.5))
    why += fmt::format("innosim: --alpha {}: expected a share of the box strictly between 0 and 0.5\n", a.alpha);
  if (!(a.min_mass > 0 && a.min_mass < 1))
    why += fmt::format("innosim: --min-mass {}: expected a share strictly between 0 and 1\n", a.min_mass);
  if (!(a.min_coverage >= 0 && a.min_coverage <= 1))
    why += fmt::format("innosim: --min-coverage {}: expected a share between 0 and 1\n", a.min_coverage);
  return why;
}

// The default output: the input file's name with -discover-<target>.h5.
std::string default_output(const DiscoverArgs& a) {
  std::string stem = std::filesystem::path(a.file).stem().string();
  std::string id = a.target;
  std::replace_if(id.begin(), id.end(), [](char c) { return c == '@' || c == ':' || c == '/'; }, '-');
  return (std::filesystem::path(a.file).parent_path() / (stem + "-discover-" + id + ".h5")).string();
}

int discover(const DiscoverArgs& a) {
  if (const std::string why = option_problems(a); !why.empty()) {
    std::cerr << why;
    return kExitBadInput;
  }
  const std::string out = a.output.empty() ? default_output(a) : a.output;
  check_output(out, a.force, std::vector<std::string>{a.file});
  const auto t0 = std::chrono::steady_clock::now();
  DiscoverySource src;
  try {
    src = read_discovery_source(a.file);
  } catch (const std::runtime_error& e) {  // not a run or design file, or a malformed one
    std::cerr << "innosim: " << e.what() << "\n";
    return kExitBadInput;
  }
  const std::vector<std::string> ids = target_ids(src.targets);
  const auto it = std::find(ids.begin(), ids.end(), a.target);
  if (it == ids.end()) {
    std::cerr << fmt::format("innosim: {}: no target '{}'{} (targets: {})\n", a.file, a.target,
                             did_you_mean_hint(a.target, ids), fmt::join(ids, ", "));
    return kExitBadInput;
  }
  if (src.inputs.num_inputs() == 0) {
    std::cerr << fmt::format("innosim: {}: no input varies (every parameter is fixed and there are no levers)\n",
                             a.file);
    return kExitBadInput;
  }
  const auto t = static_cast<std::size_t>(it - ids.begin());
  const std::vector<double> values = read_discovery_target(src, t);
  const Target& tg = src.targets[t];
  const bool case_met = a.case_of_interest == "met";

  // The points with a value (a dropped draw has none).
  PrimData data;
  data.names = src.inputs.names;
  std::vector<std::size_t> keep;
  for (std::size_t p = 0; p < values.size(); ++p)
    if (!std::isnan(values[p])) keep.push_back(p);
  const std::size_t P = values.size(), D = data.names.size();
  data.x.reserve(D * keep.size());
  for (std::size_t d = 0; d < D; ++d)
    for (std::size_t p : keep) data.x.push_back(src.inputs.x[d * P + p]);
  for (std::size_t p : keep) data.y.push_back(tg.met(values[p]) == case_met ? 1 : 0);
  if (keep.empty()) {
    std::cerr << fmt::format("innosim: {}: every draw of target '{}' was dropped: nothing to discover\n", a.file,
                             a.target);
    return kExitBadInput;
  }

  PrimOptions opt;
  opt.alpha = a.alpha;
  opt.min_mass = a.min_mass;
  opt.threads = a.threads;
  const PrimResult r = prim_peel(data, opt);
  const std::size_t chosen = prim_choose(r, a.min_coverage);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const DiscoveryHeader header{kVersion, kGitSha, a.target, t, case_met, P - keep.size(), opt, a.min_coverage,
                               seconds};
  write_discovery_file(out, src, header, data, r, chosen, OutputPolicy{a.force});
  std::cout << format_discovery_table(src, header, data, r, chosen, parse_format(a.format));
  if (!a.quiet)
    std::cerr << fmt::format("innosim: {} points, {} inputs, {} boxes in {:.2f} s -> {}\n", r.points, D,
                             r.trajectory.size(), seconds, out);
  return kExitOk;
}

}  // namespace

Command add_discover_command(CLI::App& app) {
  auto a = std::make_shared<DiscoverArgs>();
  auto* cmd = app.add_subcommand(
      "discover", "Under which conditions a target is met (or missed): PRIM scenario discovery on a run or design file");
  cmd->footer(
      "Inputs: every parameter that varies over the draws, and in a design file every lever's factor. Each\n"
      "draw (at each design point) is a point; the case of interest is the target met (--case met) or missed.\n"
      "PRIM peels the box of all points, alpha of it at a time on one side of one input, keeping the peel that\n"
      "leaves the densest box, down to --min-mass of the points; the box printed is the densest on that\n"
      "trajectory whose coverage (share of all cases inside) is at least --min-coverage. Each restriction of\n"
      "that box has a quasi-p-value: how likely its gain in density is by chance.");
  cmd->add_option("file", a->file, "Run file (innosim run) or design file (innosim design)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--target", a->target,
                  "Target id: its indicator for a zone target, indicator@region for a region's (:year if needed)")
      ->required();
  cmd->add_option("--case", a->case_of_interest, "The case of interest: the target met or missed")
      ->check(CLI::IsMember({"met", "missed"}))
      ->capture_default_str();
  cmd->add_option("--alpha", a->alpha, "Share of the box peeled at each step")->capture_default_str();
  cmd->add_option("--min-mass", a->min_mass, "Smallest share of the points a box may hold")->capture_default_str();
  cmd->add_option("--min-coverage", a->min_coverage, "Smallest coverage of the box chosen")->capture_default_str();
  cmd->add_option("--threads", a->threads, "Worker threads (default: all cores; results do not depend on it)")
      ->check(integer_in(1, kMaxThreads));
  cmd->add_option("-o,--output", a->output,
                  "HDF5 discovery file (default: the input file's name with -discover-<target>.h5)");
  cmd->add_flag("--force", a->force, "Replace the discovery file if it exists");
  cmd->add_option("--format", a->format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("-q,--quiet", a->quiet, "No timing line");
  return {cmd, [a] { return discover(*a); }};
}

}  // namespace innosim::app
