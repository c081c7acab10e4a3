// innosim — forecasts S&T indicators under uncertainty from scenario files.
//
//   innosim run scenarios/plan-2016-2020.toml                 target table + plan-2016-2020.h5
//   innosim validate scenarios/plan-2016-2020.toml --resolved
//   innosim check plan-2016-2020.h5 --format json
//   innosim check hindcast.h5 --observations scenarios/observed-2010-2015.toml
//   innosim compare plan-2016-2020.h5 baseline.h5
//   innosim report plan-2016-2020.h5 -o report/ --lang zh
//   innosim calibrate scenarios/hindcast-2010-2015.toml --observations scenarios/observed-2010-2015.toml
//   innosim sweep scenarios/plan-2016-2020.toml --lever fiscal_rd_zone --scale 0.5,1,2,4 -n 2000
//   innosim serve                                           the what-if page on http://127.0.0.1:8080/
//   innosim design scenarios/plan-2016-2020.toml --lever fiscal_rd_zone=0.5:4 --lever own_fiscal_st=1:2
//   innosim solve scenarios/plan-2016-2020.toml --target intermediaries --probability 0.8 --lever fiscal_rd_zone
//   innosim sensitivity scenarios/plan-2016-2020.toml                    what drives each target (Sobol, Morris)
//   innosim discover plan-2016-2020.h5 --target intermediaries             where the target is met (PRIM)
//   innosim run scenarios/plan-2016-2020.toml --shard 2/3 ... ; innosim merge plan-2016-2020-shard-*-of-3.h5
//   innosim slurm scenarios/plan-2016-2020.toml --shards 20 -n 10000000    a Slurm job array and its merge job
//
// Exit codes (exit_codes.hpp): 0 success; 1 the run failed (invalid draw,
// I/O, standard output not writable); 2 bad input (a scenario, an option, an
// input file that is damaged or not innosim's, an output path that may not
// be written); 130 interrupted (Ctrl-C, SIGTERM, SIGHUP; no output file is
// left behind).
// Each command lives in its own file (commands.hpp); this file wires them.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/outputs/input_file_error.hpp"
#include "innosim/scenario/scenario.hpp"
#include "innosim/util/did_you_mean.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "problems.hpp"
#include "signals.hpp"

namespace {

// "" when argv names a known command (or starts with an option: --help,
// --version); otherwise the message for the unknown command.
std::string unknown_command(CLI::App& cli, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return {};
  std::vector<std::string> names;
  for (const CLI::App* sub : cli.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  const std::string word = argv[1];
  if (std::find(names.begin(), names.end(), word) != names.end()) return {};
  return fmt::format("innosim: unknown command '{}'{} (commands: {}; innosim --help lists them)", word,
                     innosim::did_you_mean_hint(word, names), fmt::join(names, ", "));
}

// Everything printed must reach standard output (a full disk, a closed
// pipe): otherwise the command fails, whatever it computed.
int finish_stdout(int rc) {
  std::cout.flush();
  if (std::fflush(stdout) == 0 && !std::ferror(stdout) && !std::cout.bad()) return rc;
  const int err = errno;
  std::cerr << "innosim: cannot write to standard output: " << std::strerror(err != 0 ? err : EIO) << "\n";
  return rc == innosim::app::kExitOk ? innosim::app::kExitFailed : rc;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace innosim;
  using namespace innosim::app;
  CLI::App cli{fmt::format("innosim {} — forecasts S&T indicators under uncertainty from scenario files", kVersion)};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", fmt::format("innosim {} ({})", kVersion, kGitSha));
  const std::vector<Command> commands = {add_run_command(cli),    add_validate_command(cli),
                                         add_check_command(cli),  add_compare_command(cli),
                                         add_report_command(cli), add_sweep_command(cli),
                                         add_serve_command(cli),  add_design_command(cli),
                                         add_solve_command(cli),  add_calibrate_command(cli),
                                         add_sensitivity_command(cli), add_discover_command(cli), add_merge_command(cli),
                                         add_slurm_command(cli)};
  if (const std::string unknown = unknown_command(cli, argc, argv); !unknown.empty()) {
    std::cerr << unknown << "\n";
    return kExitBadInput;
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? kExitOk : kExitBadInput;
  }

  install_interrupt_handlers();
  int rc = kExitOk;
  try {
    for (const Command& c : commands)
      if (*c.cli) rc = c.run();
  } catch (const ScenarioError& e) {
    print_problems(e);
    return kExitBadInput;
  } catch (const BadInput& e) {
    std::cerr << "innosim: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const InputFileError& e) {
    std::cerr << "innosim: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "innosim: " << e.what() << "\n";
    return kExitFailed;
  }
  return finish_stdout(rc);
}
