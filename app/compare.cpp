// innosim compare: P(met) and medians of several runs side by side, then how
// each run differs from the first — paired when they share their draws.
//
//   innosim compare plan-2016-2020.h5 baseline.h5 double.h5

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/outputs/compare_table.hpp"
#include "innosim/outputs/difference_table.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/paired_runs.hpp"
#include "innosim/run/differences.hpp"

namespace innosim::app {

namespace {

bool same_target(const Target& a, const Target& b) {
  return a.indicator == b.indicator && a.region == b.region && a.year == b.year && a.sense == b.sense;
}

// From the stored target tables, when a file keeps no per-draw values: the
// P(met) difference with the runs' errors combined, the median's without one.
TargetDifference table_difference(const TargetRow& a, const TargetRow& b) {
  TargetDifference d;
  d.draws = std::min(a.draws, b.draws);
  d.p_met_diff = b.p_met - a.p_met;
  d.p_met_diff_se = std::sqrt(a.p_met_se * a.p_met_se + b.p_met_se * b.p_met_se);
  d.median_diff = b.median - a.median;
  d.median_diff_se = std::numeric_limits<double>::quiet_NaN();
  return d;
}

// How `run` differs from `base`, target by target of `base`.
RunDifferences differences(const RunFile& base, const RunFile& run) {
  RunDifferences d;
  const bool per_draw = base.store >= StoreLevel::targets && run.store >= StoreLevel::targets;
  d.paired = per_draw && same_draws(base, run, d.why);
  if (!per_draw) d.why = "a file keeps no per-draw values (--store summary): from the stored tables";
  for (std::size_t t = 0; t < base.targets.size(); ++t) {
    std::size_t u = run.targets.size();
    for (std::size_t k = 0; k < run.targets.size(); ++k)
      if (same_target(base.targets[t], run.targets[k])) u = k;
    if (u == run.targets.size()) {
      d.rows.emplace_back();
      continue;
    }
    if (!per_draw) {
      d.rows.push_back(table_difference(base.table.rows[t], run.table.rows[u]));
      continue;
    }
    const std::vector<double> a = read_target_draws(base.path, t), b = read_target_draws(run.path, u);
    d.rows.push_back(d.paired ? paired_difference(base.targets[t], a, b, base.header.seed)
                              : unpaired_difference(base.targets[t], a, b, base.header.seed));
  }
  return d;
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand(
      "compare", "P(met) and medians of several runs side by side, and each run's difference from the first");
  cmd->footer(
      "Runs with the same seed, draw count, sampler and parameter draws (common random numbers) are compared\n"
      "draw by draw: the standard error of a difference is then that of the per-draw differences, usually far\n"
      "smaller than either run's own. Other runs are said to be unpaired and use each run's error.");
  cmd->add_option("files", *files, "Run files (HDF5); the first is the base")->required()->check(CLI::ExistingFile);
  return {cmd, [files] {
            std::vector<RunFile> runs;
            for (const auto& p : *files) runs.push_back(read_run_file(p, true));
            std::cout << format_compare_table(runs);
            std::vector<RunDifferences> diffs;
            for (std::size_t k = 1; k < runs.size(); ++k) diffs.push_back(differences(runs.front(), runs[k]));
            std::cout << format_difference_table(runs, diffs);
            return kExitOk;
          }};
}

}  // namespace innosim::app
