// innosim serve: a what-if page for planners — move a lever, see the chance
// of meeting each target (docs/serve.md).
//
//   innosim serve                                   the shipped plan on http://127.0.0.1:8080/
//   innosim serve scenarios/plan-2016-2020.toml --port 9000 --output-dir whatifs
//
// Serves the page from share/innosim/web and runs in memory; writes only
// into its output folder (what-ifs saved from the page, run files to
// download). Ctrl-C stops it (exit code 0).

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "data_dir.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "options.hpp"
#include "scenario_draws.hpp"
#include "serve/runs.hpp"
#include "serve/server.hpp"
#include "signals.hpp"

namespace innosim::app {

namespace {

namespace fs = std::filesystem;

struct ServeArgs {
  std::string scenario;
  int port = 8080;
  std::string bind = "127.0.0.1";
  std::string output_dir;
  unsigned threads = 0;
  std::size_t quick_draws = 4000;
  std::size_t max_draws = 100000;
};

// The shipped plan, beside the program (share/innosim/scenarios).
constexpr const char* kShippedPlan = "plan-2016-2020.toml";

// `given`, created if missing; else a fresh folder in the system temp folder.
fs::path make_output_dir(const std::string& given) {
  if (!given.empty()) {
    fs::create_directories(given);
    return fs::canonical(given);
  }
  std::string pattern = (fs::temp_directory_path() / "innosim-serve-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::system_error(errno, std::generic_category(), "cannot create a folder in " +
                                                                fs::temp_directory_path().string());
  return pattern;
}

std::string url_of(const std::string& bind, int port) {
  const bool v6 = bind.find(':') != std::string::npos;
  return fmt::format("http://{}:{}/", v6 ? "[" + bind + "]" : bind, port);
}

int run_server(const ServeArgs& a) {
  const fs::path scenario = a.scenario.empty() ? data_dir().dir / "scenarios" / kShippedPlan : fs::path(a.scenario);
  if (a.scenario.empty() && !fs::is_regular_file(scenario)) {
    std::cerr << fmt::format("innosim: no scenario given, and the shipped plan is not at {} {}\n", scenario.string(),
                             data_dir().origin);
    return kExitBadInput;
  }
  if (a.quick_draws > a.max_draws) {
    std::cerr << fmt::format("innosim: --quick-draws {} is more than --max-draws {}\n", a.quick_draws, a.max_draws);
    return kExitBadInput;
  }
  Scenario s = load_scenario(scenario.string());
  visit_model(s, [&](const auto& model) -> int {
    const ScenarioDraws check = checked_draws(model, s, s.run.seed, s.run.draws);
    return kExitOk;
  });
  serve::DrawLimits draws{a.quick_draws, std::min(s.run.draws, a.max_draws), a.max_draws};
  serve::Runs runs(std::move(s), scenario, serve::RunsConfig{a.threads, 64});

  serve::ServerConfig config;
  config.bind = a.bind;
  config.port = a.port;
  config.web_dir = data_dir().dir / "web";
  config.draws = draws;
  config.output_dir = make_output_dir(a.output_dir);
  serve::Server server(runs, config);
  const int port = server.bind();

  // From here the first Ctrl-C (or SIGTERM, SIGHUP) stops the server
  // cleanly (g_cancel); a second one exits at once (signals.hpp).
  CancellableScope cancellable;

  // The plan at the page's draw count, before the page asks for it.
  std::shared_ptr<const serve::RunResult> plan;
  try {
    plan = runs.result({}, draws.quick, &g_cancel);
  } catch (const serve::RunCancelled&) {
    std::cerr << "innosim serve: interrupted\n";
    return kExitInterrupted;
  }
  std::cerr << fmt::format("innosim serve: {} at {} draws in {:.2f} s (seed {})\n", runs.base().name, draws.quick,
                           plan->info.seconds, runs.base().run.seed);
  std::cout << fmt::format("innosim serve: {} on {}\n  output folder: {}\n  Ctrl-C stops the server\n",
                           runs.base().name, url_of(a.bind, port), config.output_dir.string())
            << std::flush;

  std::atomic<bool> stopped{false};
  std::thread watcher([&] {
    while (!g_cancel.load() && !stopped.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server.stop();
  });
  server.listen();
  stopped = true;
  watcher.join();
  std::cerr << "innosim serve: stopped\n";
  return kExitOk;
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "A what-if page: move a lever, see the chance of meeting each target");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML; default: the shipped plan)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--port", a->port, "TCP port (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--bind", a->bind, "Address to listen on (127.0.0.1: this machine only; 0.0.0.0: every machine that can reach this one)")
      ->capture_default_str();
  cmd->add_option("--output-dir", a->output_dir,
                  "Folder for saved what-ifs and run files (default: a fresh innosim-serve-* folder in the system "
                  "temp folder)");
  cmd->add_option("--threads", a->threads, "Worker threads per run (default: all cores)")
      ->check(integer_in(1, kMaxThreads));
  cmd->add_option("--quick-draws", a->quick_draws, "Draws per run while a lever moves")
      ->capture_default_str()
      ->check(integer_in(1, kMaxDraws));
  cmd->add_option("--max-draws", a->max_draws, "The most draws a request may ask for")
      ->capture_default_str()
      ->check(integer_in(1, kMaxDraws));
  return {cmd, [a] { return run_server(*a); }};
}

}  // namespace innosim::app
