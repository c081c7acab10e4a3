// innosim check: verifies a file innosim wrote against the checksums of its
// objects and, for a run file, prints its target table again from the file
// alone (recomputed from each draw's target values when the file keeps them,
// store level targets and above); with --observations, compares the run with
// observed values instead; for a posterior file (innosim calibrate), prints its
// diagnostics again.
//
//   innosim check plan-2016-2020.h5
//   innosim check plan-2016-2020.h5 --format json
//   innosim check plan-2016-2020.h5 --index
//   innosim check plan-2016-2020.h5 --verify     also compare the stored table with a recomputed one
//   innosim check plan-2016-2020-sweep.h5        any innosim file: verified, and its kind named
//   innosim check hindcast-2010-2015.h5 --observations scenarios/observed-2010-2015.toml
//   innosim check hindcast-2010-2015.posterior.h5

#include <unistd.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/outputs/calibration_table.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/index_table.hpp"
#include "innosim/outputs/observation_check.hpp"
#include "innosim/outputs/table.hpp"
#include "options.hpp"

namespace innosim::app {

namespace {

struct CheckArgs {
  std::string file;
  std::string format = "text";
  std::string observations;
  bool index = false;
  bool verify = false;
};

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// How the stored target table differs from the recomputed one, one line per
// difference (at most `limit`).
std::vector<std::string> table_differences(const TargetTable& stored, const TargetTable& recomputed,
                                           std::size_t limit = 10) {
  std::vector<std::string> out;
  const auto note = [&](const std::string& what, const std::string& a, const std::string& b) {
    if (out.size() < limit) out.push_back(fmt::format("{}: stored {}, recomputed {}", what, a, b));
  };
  if (stored.rows.size() != recomputed.rows.size())
    note("number of targets", std::to_string(stored.rows.size()), std::to_string(recomputed.rows.size()));
  for (std::size_t t = 0; t < std::min(stored.rows.size(), recomputed.rows.size()); ++t) {
    const TargetRow& s = stored.rows[t];
    const TargetRow& r = recomputed.rows[t];
    const std::string row = fmt::format("target {} ({} {} {})", t, s.target.indicator, s.target.region, s.target.year);
    const std::pair<const char*, double TargetRow::*> fields[] = {
        {"median", &TargetRow::median}, {"q05", &TargetRow::q05},     {"q95", &TargetRow::q95},
        {"mean", &TargetRow::mean},     {"p_met", &TargetRow::p_met}, {"p_met_se", &TargetRow::p_met_se}};
    for (const auto& [name, field] : fields)
      if (!same(s.*field, r.*field)) note(row + " " + name, fmt::format("{}", s.*field), fmt::format("{}", r.*field));
    if (s.draws != r.draws) note(row + " valid draws", std::to_string(s.draws), std::to_string(r.draws));
    if (s.verdict != r.verdict) note(row + " verdict", s.verdict, r.verdict);
  }
  const JointView& a = stored.joint;
  const JointView& b = recomputed.joint;
  if (!same(a.p_all, b.p_all)) note("P(all met)", fmt::format("{}", a.p_all), fmt::format("{}", b.p_all));
  if (!same(a.p_all_binding, b.p_all_binding))
    note("P(all binding met)", fmt::format("{}", a.p_all_binding), fmt::format("{}", b.p_all_binding));
  if (a.num_binding != b.num_binding)
    note("binding targets", std::to_string(a.num_binding), std::to_string(b.num_binding));
  if (a.met_count_hist != b.met_count_hist) note("targets met per draw (histogram)", "one", "another");
  return out;
}

int check(const CheckArgs& a) {
  const std::string type = innosim_file_type(a.file);  // unverified, to choose the reader; each reader verifies
  if (type == "innosim-posterior" && a.observations.empty()) {
    std::cout << format_calibration(read_posterior_file(a.file), parse_format(a.format));
    return kExitOk;
  }
  if (!a.observations.empty()) {
    const ObservationSet obs = load_observations(a.observations);
    const RunFile f = read_run_file(a.file, false);
    std::cout << format_observation_check(check_observations(f, obs), parse_format(a.format));
    return kExitOk;
  }
  if (!type.empty() && type != "innosim-run") {
    const VerifiedFile v = verify_innosim_file(a.file);
    std::cout << fmt::format("{}: {} file, format {}: all {} objects match their checksums\n", a.file, v.file_type,
                             v.format_version, v.objects);
    return kExitOk;
  }
  const RunFile f = read_run_file(a.file, true);
  if (a.verify && !f.table_recomputed)
    throw BadInput(a.file + ": its checksums match, but it keeps no per-draw values (--store " +
                   store_level_name(f.store) + "): --verify has nothing to recompute the target table from");
  if (!f.table_recomputed)
    std::cerr << "innosim check: " << a.file << " keeps no per-draw values (--store " << store_level_name(f.store)
              << "): the target table is the one stored by the run, not recomputed\n";
  if (a.verify) {
    const auto diff = table_differences(f.stored_table, f.table);
    if (!diff.empty()) {
      std::string msg = a.file + ": /targets: the stored target table differs from the one recomputed from "
                                 "/targets/draws:";
      for (const std::string& d : diff) msg += "\n  " + d;
      throw InputFileError(msg);
    }
  }
  if (a.index && !f.index) {
    std::cerr << "innosim: " << a.file << ": the run file has no innovation index (its scenario has no [index])\n";
    return kExitBadInput;
  }
  TableContext ctx{f.scenario_name, f.regions, f.indicators, f.info, a.format == "text" && isatty(STDOUT_FILENO)};
  if (a.format == "text" || !a.index) std::cout << format_target_table(f.table, ctx, parse_format(a.format));
  if (a.index)
    std::cout << (a.format == "text" ? "\n" : "") << format_index_table(*f.index, f.regions, f.scenario_name, parse_format(a.format));
  if (a.verify)
    std::cerr << fmt::format("innosim: {}: the stored target table equals the one recomputed from the per-draw "
                             "values ({} targets)\n",
                             a.file, f.table.rows.size());
  return kExitOk;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check",
                                 "Verify a file innosim wrote (checksums of every object); print a run file's target "
                                 "table again, compare the run with observations, or print a posterior file's "
                                 "diagnostics");
  cmd->add_option("file", a->file, "Run file, posterior file or other innosim file (HDF5)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--observations", a->observations,
                  "Observation file (TOML): compare each observed value with the run's median and 90 % band")
      ->check(CLI::ExistingFile);
  cmd->add_option("--format", a->format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("--index", a->index,
                "Also print the innovation index by region and year with each region's rank probabilities "
                "(with --format csv or json: the index table alone)");
  cmd->add_flag("--verify", a->verify,
                "Also recompute the target table from the per-draw values and compare it with the stored one");
  return {cmd, [a] { return check(*a); }};
}

}  // namespace innosim::app
