// innosim report: the committee briefing (HTML + PDF) from run, sweep and
// observation files, made by the report tool (report.py and its Python
// package innosim_report).
//
//   innosim report plan-2016-2020.h5 baseline.h5 double.h5 sweep.h5 -o report
//
// Where the tool is looked for: in $INNOSIM_TOOLS_DIR when it is set (and
// only there); otherwise in the tools folder of the program's shared files
// (data_dir.hpp): ../share/innosim/tools from the folder of the executable —
// the installed layout (PREFIX/bin/innosim, PREFIX/share/innosim/tools),
// which the build tree mirrors. The interpreter is the one chosen at
// configure time (CMake cache variable INNOSIM_PYTHON).

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "data_dir.hpp"
#include "exit_codes.hpp"

#ifndef INNOSIM_PYTHON
#error "INNOSIM_PYTHON (the report tool's interpreter) must be defined by the build (app/CMakeLists.txt)"
#endif

namespace innosim::app {

namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::vector<std::string> files;
  std::string output = "report";
  std::string lang = "zh";
  std::string plan;
  bool force = false;
};

// The folder the report tool should be in, and how it was chosen (for the
// message when it is not there).
struct ToolsDir {
  fs::path dir;
  std::string origin;
};

ToolsDir tools_dir() {
  if (const char* env = std::getenv("INNOSIM_TOOLS_DIR"); env != nullptr && *env != '\0')
    return {env, "(from $INNOSIM_TOOLS_DIR)"};
  const DataDir data = data_dir();
  return {data.dir / "tools", data.origin + " (or set INNOSIM_TOOLS_DIR)"};
}

int report(const ReportArgs& a) {
  const ToolsDir tools = tools_dir();
  const fs::path script = tools.dir / "report.py";
  if (!fs::is_regular_file(script)) {
    std::cerr << fmt::format("innosim: report tool not found: no report.py in {} {}\n", tools.dir.string(),
                             tools.origin);
    return kExitFailed;
  }
  std::vector<std::string> argv = {INNOSIM_PYTHON, script.string()};
  argv.insert(argv.end(), a.files.begin(), a.files.end());
  argv.insert(argv.end(), {"-o", a.output, "--lang", a.lang});
  if (!a.plan.empty()) argv.insert(argv.end(), {"--plan", a.plan});
  if (a.force) argv.push_back("--force");
  std::vector<char*> cargv;
  for (auto& s : argv) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  execv(cargv[0], cargv.data());
  std::cerr << fmt::format("innosim: cannot start the report tool's interpreter {}: {}\n", INNOSIM_PYTHON,
                           std::strerror(errno));
  return kExitFailed;
}

}  // namespace

Command add_report_command(CLI::App& app) {
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand(
      "report", "The committee briefing as HTML and PDF: summary, what-ifs, drivers, what it takes (report.py)");
  cmd->add_option("files", a->files, "Run, sweep, solve and design files (HDF5) and observation files (TOML); the first run is the plan")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", a->output, "Output folder")->capture_default_str();
  cmd->add_option("--lang", a->lang, "Language of the report: zh (default) or en")
      ->check(CLI::IsMember({"en", "zh"}));
  cmd->add_option("--plan", a->plan, "Scenario id of the reference run (default: the first run file)");
  cmd->add_flag("--force", a->force, "Replace the files of an earlier report in the output folder");
  return {cmd, [a] { return report(*a); }};
}

}  // namespace innosim::app
