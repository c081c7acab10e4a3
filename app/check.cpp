// innosim check: prints the target table of a run file again, from the file
// alone (recomputed from each draw's target values when the file keeps them,
// store level targets and above); with --observations, compares the run with observed values instead;
// for a posterior file (innosim calibrate), prints its diagnostics again.
//
//   innosim check plan-2016-2020.h5
//   innosim check plan-2016-2020.h5 --format json
//   innosim check plan-2016-2020.h5 --index
//   innosim check hindcast-2010-2015.h5 --observations scenarios/observed-2010-2015.toml
//   innosim check hindcast-2010-2015.posterior.h5

#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

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
};

int check(const CheckArgs& a) {
  if (read_file_type(a.file) == "innosim-posterior" && a.observations.empty()) {
    std::cout << format_calibration(read_posterior_file(a.file), parse_format(a.format));
    return kExitOk;
  }
  if (!a.observations.empty()) {
    const ObservationSet obs = load_observations(a.observations);
    const RunFile f = read_run_file(a.file, false);
    std::cout << format_observation_check(check_observations(f, obs), parse_format(a.format));
    return kExitOk;
  }
  const RunFile f = read_run_file(a.file, true);
  if (!f.table_recomputed)
    std::cerr << "innosim check: " << a.file << " keeps no per-draw values (--store " << store_level_name(f.store)
              << "): the target table is the one stored by the run, not recomputed\n";
  if (a.index && !f.index) {
    std::cerr << "innosim: " << a.file << ": the run file has no innovation index (its scenario has no [index])\n";
    return kExitBadInput;
  }
  TableContext ctx{f.scenario_name, f.regions, f.indicators, f.info, a.format == "text" && isatty(STDOUT_FILENO)};
  if (a.format == "text" || !a.index) std::cout << format_target_table(f.table, ctx, parse_format(a.format));
  if (a.index)
    std::cout << (a.format == "text" ? "\n" : "") << format_index_table(*f.index, f.regions, f.scenario_name, parse_format(a.format));
  return kExitOk;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check", "Print the target table of a run file again, compare the run with observations, or print a posterior file's diagnostics");
  cmd->add_option("file", a->file, "Run file or posterior file (HDF5)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--observations", a->observations,
                  "Observation file (TOML): compare each observed value with the run's median and 90 % band")
      ->check(CLI::ExistingFile);
  cmd->add_option("--format", a->format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("--index", a->index,
                "Also print the innovation index by region and year with each region's rank probabilities "
                "(with --format csv or json: the index table alone)");
  return {cmd, [a] { return check(*a); }};
}

}  // namespace innosim::app
