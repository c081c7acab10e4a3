#pragma once
// The program's commands, one source file each (run.cpp, validate.cpp, ...).
// Each add_*_command adds its subcommand and options to the CLI11 app and
// returns the action that runs it once the command line is parsed; main.cpp
// only wires them together.

#include <functional>

#include <CLI/CLI.hpp>

namespace innosim::app {

struct Command {
  CLI::App* cli = nullptr;   // the subcommand; true once given on the command line
  std::function<int()> run;  // runs it; returns the exit code (exit_codes.hpp)
};

Command add_run_command(CLI::App& app);
Command add_validate_command(CLI::App& app);
Command add_check_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_report_command(CLI::App& app);
Command add_sweep_command(CLI::App& app);
Command add_calibrate_command(CLI::App& app);
Command add_serve_command(CLI::App& app);
Command add_design_command(CLI::App& app);
Command add_solve_command(CLI::App& app);
Command add_sensitivity_command(CLI::App& app);
Command add_discover_command(CLI::App& app);
Command add_merge_command(CLI::App& app);
Command add_slurm_command(CLI::App& app);

}  // namespace innosim::app
