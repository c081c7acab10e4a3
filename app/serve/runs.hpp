#pragma once
// The server's runs: a lever setting is validated as its what-if scenario,
// run in memory with the served scenario's seed and sampler (common random
// numbers: the same draws at every setting), and its result cached. Each
// session's newest request cancels the run of its older one; sessions share
// nothing else, and a result depends only on the setting and the draw count.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"
#include "serve/whatif.hpp"

namespace innosim::app::serve {

struct RunsConfig {
  unsigned threads = 0;         // worker threads per run; 0 = all cores
  std::size_t cache_size = 64;  // results kept (least recently used go first)
};

// A what-if that validated: its text and resolved scenario.
struct CheckedWhatIf {
  WhatIf whatif;
  std::shared_ptr<const Scenario> scenario;
};

struct RunResult {
  std::string name;  // the what-if's (or the served scenario's) name
  std::size_t draws = 0;
  ResultShape shape;
  Summary summary;
  TargetTable table;
  RunInfo info;
};

// A setting refused by validation: every problem, and the what-if that has them.
struct InvalidWhatIf : ScenarioError {
  InvalidWhatIf(const ScenarioError& e, WhatIf w) : ScenarioError(e.problems()), whatif(std::move(w)) {}
  WhatIf whatif;
};

// Thrown by Runs::run when the request's cancel flag was set (a newer request
// of the same session arrived).
struct RunCancelled : std::runtime_error {
  RunCancelled() : std::runtime_error("cancelled: a newer request of the same session arrived") {}
};
// Thrown when a draw failed with run.invalid_draws = "fail".
struct RunFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Runs {
 public:
  // `base` was loaded from `base_path` and has been validated.
  Runs(Scenario base, std::filesystem::path base_path, RunsConfig config);

  const Scenario& base() const { return *base_; }
  const std::string& base_path() const { return base_path_; }

  // The what-if of `setting`, loaded and validated (scenario and model) as
  // `innosim validate` would: throws InvalidWhatIf with every problem, named
  // after `<name>.toml`. Throws std::runtime_error if the served scenario's
  // files changed on disk since the server started.
  CheckedWhatIf check(const Setting& setting) const;

  // The result of `setting` at `draws` draws: from the cache (no validation
  // needed: only settings that validated are cached), or checked and run now
  // (then cached). `cancel` is polled while running. Throws ScenarioError,
  // RunCancelled, RunFailed.
  std::shared_ptr<const RunResult> result(const Setting& setting, std::size_t draws, const std::atomic<bool>* cancel,
                                          bool* cached = nullptr);

  // Writes the run file of `w` at `draws` draws to `path` with the program's
  // HDF5 writer (the same file `innosim run -n draws` writes). Throws
  // RunFailed, or RunCancelled if `cancel` is set.
  void write_run_file(const CheckedWhatIf& w, std::size_t draws, const std::string& path,
                      const std::atomic<bool>* cancel) const;

 private:
  std::shared_ptr<const Scenario> base_;
  std::string base_path_;
  RunsConfig config_;

  Scenario load_checked(const WhatIf& w) const;
  std::shared_ptr<const RunResult> cached(const std::string& key);
  std::shared_ptr<const RunResult> run(const CheckedWhatIf& w, std::size_t draws, const std::atomic<bool>* cancel) const;

  std::mutex mutex_;
  std::list<std::string> lru_;  // most recent first
  std::unordered_map<std::string, std::pair<std::shared_ptr<const RunResult>, std::list<std::string>::iterator>>
      cache_;
};

// Each session's newest request. begin() registers a request and cancels the
// session's older one still running; it returns nullptr for a request older
// (by its sequence number) than one already seen, which is then refused. A
// request without a sequence number is the newest by arrival.
class Sessions {
 public:
  explicit Sessions(std::size_t max_sessions = 4096) : max_(max_sessions) {}
  std::shared_ptr<std::atomic<bool>> begin(const std::string& session, std::optional<std::uint64_t> seq);

 private:
  struct State {
    std::uint64_t seq = 0;
    std::shared_ptr<std::atomic<bool>> cancel;
    std::chrono::steady_clock::time_point used;
  };
  Scenario load_checked(const WhatIf& w) const;
  std::shared_ptr<const RunResult> cached(const std::string& key);
  std::shared_ptr<const RunResult> run(const CheckedWhatIf& w, std::size_t draws, const std::atomic<bool>* cancel) const;

  std::mutex mutex_;
  std::map<std::string, State> sessions_;
  std::size_t max_;
};

}  // namespace innosim::app::serve
