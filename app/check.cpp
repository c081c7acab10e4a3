// innosim check: prints the target table of a run file again, from the file alone.
//
//   innosim check plan-2016-2020.h5
//   innosim check plan-2016-2020.h5 --format json

#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/table.hpp"
#include "options.hpp"

namespace innosim::app {

namespace {

struct CheckArgs {
  std::string file;
  std::string format = "text";
};

int check(const CheckArgs& a) {
  const RunFile f = read_run_file(a.file, true);
  TableContext ctx{f.scenario_name, f.regions, f.indicators, f.info, a.format == "text" && isatty(STDOUT_FILENO)};
  std::cout << format_target_table(f.table, ctx, parse_format(a.format));
  return kExitOk;
}

}  // namespace

Command add_check_command(CLI::App& app) {
  auto a = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check", "Print the target table of a run file again, from the file alone");
  cmd->add_option("file", a->file, "Run file (HDF5)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--format", a->format, "Table format")->check(CLI::IsMember({"text", "csv", "json"}));
  return {cmd, [a] { return check(*a); }};
}

}  // namespace innosim::app
