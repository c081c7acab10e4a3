// The server's runs: validation, the in-memory runner, the result cache,
// each session's newest request (runs.hpp).

#include "serve/runs.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "hdf5_sink.hpp"
#include "innosim/models/registry.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/version.hpp"
#include "options.hpp"
#include "scenario_draws.hpp"

namespace innosim::app::serve {

namespace fs = std::filesystem;

namespace {

// The runner's options for a page run: the scenario's seed and settings.
RunOptions page_run_options(const Scenario& s, std::size_t draws, unsigned threads, const std::atomic<bool>* cancel) {
  RunOptions opt = scenario_run_options(s, draws, s.run.seed);
  opt.threads = threads;
  opt.cancel = cancel;
  return opt;
}

void throw_if_unusable(const RunOutcome& r) {
  if (r.cancelled) throw RunCancelled();
  if (r.failed())
    throw RunFailed(fmt::format(
        "the run failed: {} invalid draw{} (first: draw {}: {}); the scenario's run.invalid_draws is \"fail\"",
        r.failures.size(), r.failures.size() == 1 ? "" : "s", r.failures.front().draw,
        describe(r.failures.front().status)));
}

}  // namespace

Runs::Runs(Scenario base, fs::path base_path, RunsConfig config)
    : base_(std::make_shared<const Scenario>(std::move(base))),
      base_path_(fs::weakly_canonical(fs::absolute(base_path)).string()),
      config_(config) {}

CheckedWhatIf Runs::check(const Setting& setting) const {
  CheckedWhatIf out;
  out.whatif = make_whatif(*base_, base_path_, setting);
  if (out.whatif.toml.empty()) {
    out.scenario = base_;
    return out;
  }
  try {
    out.scenario = std::make_shared<const Scenario>(load_checked(out.whatif));
  } catch (const ScenarioError& e) {
    throw InvalidWhatIf(e, out.whatif);
  }
  return out;
}

Scenario Runs::load_checked(const WhatIf& w) const {
  Scenario s = load_scenario_text(w.toml, w.name + ".toml", ".");
  // The what-if read its parents from disk again: they must be the files the
  // server started with (the cached plan results and every earlier answer
  // come from those).
  const auto& files = s.files;
  const bool same = files.size() == base_->files.size() + 1 &&
                    std::equal(base_->files.begin(), base_->files.end(), files.begin() + 1,
                               [](const auto& a, const auto& b) { return a.second == b.second; });
  if (!same)
    throw std::runtime_error(fmt::format("the files of {} changed on disk since the server started; restart innosim serve",
                                         base_path_));
  visit_model(s, [&](const auto& model) -> int {
    const ScenarioDraws check = checked_draws(model, s, s.run.seed, s.run.draws);
    return 0;
  });
  return s;
}

std::shared_ptr<const RunResult> Runs::cached(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = cache_.find(key);
  if (it == cache_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.second);
  return it->second.first;
}

std::shared_ptr<const RunResult> Runs::result(const Setting& setting, std::size_t draws,
                                              const std::atomic<bool>* cancel, bool* cached) {
  const std::string key = fmt::format("{}/{}", make_whatif(*base_, base_path_, setting).name, draws);
  if (auto hit = this->cached(key)) {
    if (cached) *cached = true;
    return hit;
  }
  if (cached) *cached = false;
  auto result = run(check(setting), draws, cancel);
  std::lock_guard lock(mutex_);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second.first;  // a concurrent twin finished first
  lru_.push_front(key);
  cache_.emplace(key, std::pair{result, lru_.begin()});
  while (cache_.size() > std::max<std::size_t>(config_.cache_size, 1)) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  return result;
}

std::shared_ptr<const RunResult> Runs::run(const CheckedWhatIf& w, std::size_t draws,
                                           const std::atomic<bool>* cancel) const {
  if (cancel && cancel->load()) throw RunCancelled();
  const Scenario& s = *w.scenario;
  auto result = std::make_shared<RunResult>();
  result->name = w.whatif.name;
  result->draws = draws;
  visit_model(s, [&](const auto& model) -> int {
    const ScenarioDraws source = checked_draws(model, s, s.run.seed, draws);
    MemorySink sink(s.targets.size());
    RunOutcome r = run_monte_carlo(model, s, source.source(), page_run_options(s, draws, config_.threads, cancel), sink);
    throw_if_unusable(r);
    r.info.sampler = sampler_name(s.run.sampler);
    result->shape = std::move(r.shape);
    result->summary = std::move(r.summary);
    result->table = std::move(r.table);
    result->info = std::move(r.info);
    return 0;
  });
  return result;
}

void Runs::write_run_file(const CheckedWhatIf& w, std::size_t draws, const std::string& path,
                          const std::atomic<bool>* cancel) const {
  const Scenario& s = *w.scenario;
  visit_model(s, [&](const auto& model) -> int {
    const ScenarioDraws source = checked_draws(model, s, s.run.seed, draws);
    const RunHeader header = run_header(s, model.randoms_per_year(), s.run.seed, draws);
    WriterConfig config;
    config.output.replace = true;  // the server's own folder and file names: the same name is the same run
    RunWriter writer(path, s, make_shape(s, model.indicators()), header, config);
    Hdf5Sink sink(writer);
    RunOutcome r = run_monte_carlo(model, s, source.source(), page_run_options(s, draws, config_.threads, cancel), sink);
    throw_if_unusable(r);
    r.info.sampler = sampler_name(s.run.sampler);
    writer.finish(r.summary, r.table, r.info);
    return 0;
  });
}

std::shared_ptr<std::atomic<bool>> Sessions::begin(const std::string& session, std::optional<std::uint64_t> seq) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  auto it = sessions_.find(session);
  if (it == sessions_.end()) {
    if (sessions_.size() >= max_) {  // forget the least recently used session
      auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                     [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      sessions_.erase(oldest);
    }
    it = sessions_.emplace(session, State{}).first;
  }
  State& st = it->second;
  const std::uint64_t n = seq.value_or(st.seq + 1);
  if (st.cancel && n < st.seq) return nullptr;
  if (st.cancel) st.cancel->store(true);
  st.seq = n;
  st.cancel = std::make_shared<std::atomic<bool>>(false);
  st.used = now;
  return st.cancel;
}

}  // namespace innosim::app::serve
