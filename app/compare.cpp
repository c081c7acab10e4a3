// innosim compare: P(met) and medians of several runs side by side.
//
//   innosim compare plan-2016-2020.h5 baseline.h5 double.h5

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/outputs/compare_table.hpp"
#include "innosim/outputs/hdf5_writer.hpp"

namespace innosim::app {

Command add_compare_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("compare", "P(met) and medians of several runs side by side");
  cmd->add_option("files", *files, "Run files (HDF5)")->required()->check(CLI::ExistingFile);
  return {cmd, [files] {
            std::vector<RunFile> runs;
            for (const auto& p : *files) runs.push_back(read_run_file(p, true));
            std::cout << format_compare_table(runs);
            return kExitOk;
          }};
}

}  // namespace innosim::app
