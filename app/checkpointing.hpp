#pragma once
// Checkpoints and resume for the commands that run draws (docs/architecture.md,
// "Checkpoints"): --checkpoint-every and --resume, the sink that logs every
// block it passes on, and the policy that makes a checkpoint every few seconds.

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "innosim/outputs/checkpoint.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/run/draw_sink.hpp"
#include "innosim/run/run_options.hpp"

namespace innosim::app {

struct CheckpointArgs {
  double every = 5.0;  // seconds between checkpoints; 0 = none
  bool resume = false;
};

// --checkpoint-every (with `every_help`, or the run's) and --resume.
void add_checkpoint_options(CLI::App* cmd, CheckpointArgs& a, const std::string& every_help = "");

// A fault at a known point of a run, for testing checkpoints and resume
// without depending on timing: INNOSIM_FAULT_AFTER="M:SIGNAL" (SIGNAL one of
// KILL, INT, TERM) makes the process send itself SIGNAL right after the M-th
// piece of work it records for its checkpoint (M >= 1): a block of draws
// logged (run), a factor's result saved (sweep). Unset: no fault. A
// malformed value is refused (BadInput) before anything runs.
class FaultInjection {
 public:
  FaultInjection();  // reads the environment
  // Called once per piece of work recorded.
  void recorded();

 private:
  std::uint64_t at_ = 0, seen_ = 0;  // at_ == 0: no fault
  int signal_ = 0;
};

// Passes every block on to `out` and logs it in the checkpoint (when there is one).
class LoggedSink : public DrawSink {
 public:
  LoggedSink(DrawSink& out, CheckpointWriter* log) : out_(out), log_(log) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> targets, std::span<const double> traj, std::span<const double> unif,
                   std::span<const std::uint8_t> valid) override {
    out_.write_draws(first, count, theta, targets, traj, unif, valid);
    if (log_) {
      log_->log_draws(first, count, theta, targets, traj, unif, valid);
      fault_.recorded();
    }
  }
  void write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) override {
    out_.write_tiles(first_tile, tiles);
    if (log_) log_->log_tiles(first_tile, tiles);
  }
  void end_early(std::uint64_t draws) override { out_.end_early(draws); }
  std::vector<double> target_values(std::size_t t) const override { return out_.target_values(t); }

 private:
  DrawSink& out_;
  CheckpointWriter* log_;
  FaultInjection fault_;
};

// Passes the blocks a checkpoint replays on to `out`, each draw's parameter
// values drawn again from `source` when the log does not keep them (a file
// that does not keep them still needs them, in draw order, for their digest).
class RedrawnParameters : public DrawSink {
 public:
  RedrawnParameters(DrawSink& out, const ParameterSource& source) : out_(out), source_(source) {}
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> targets, std::span<const double> traj, std::span<const double> unif,
                   std::span<const std::uint8_t> valid) override {
    if (theta.empty() && count > 0) {
      theta_.resize(count * source_.num_parameters());
      source_.draw(first, count, theta_);
      theta = theta_;
    }
    out_.write_draws(first, count, theta, targets, traj, unif, valid);
  }
  void write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) override {
    out_.write_tiles(first_tile, tiles);
  }
  void end_early(std::uint64_t draws) override { out_.end_early(draws); }
  std::vector<double> target_values(std::size_t t) const override { return out_.target_values(t); }

 private:
  DrawSink& out_;
  const ParameterSource& source_;
  std::vector<double> theta_;
};

// A checkpoint every `seconds` of running.
class TimedCheckpoints : public Checkpoints {
 public:
  TimedCheckpoints(CheckpointWriter& writer, double seconds) : writer_(writer), every_(seconds) {}
  bool due() override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - last_).count() >= every_;
  }
  void save(const RunState& state) override {
    writer_.save(state);
    last_ = std::chrono::steady_clock::now();
  }

 private:
  CheckpointWriter& writer_;
  double every_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

// The checkpoints of a run writing `output`, of run `id`:
//   - none when a.every is 0;
//   - a checkpoint already there is refused without --resume (BadInput: say
//     how to continue it or start over), and with --resume when it is of
//     another run (BadInput naming every difference);
//   - with --resume, a checkpoint of this run is replayed into `sink` and its
//     state loaded into `state` (resumed() then says so); no checkpoint: a
//     note, and the run starts from its first draw.
class RunCheckpoints {
 public:
  RunCheckpoints(const std::string& output, const RunIdentity& id, const LogLayout& layout, const CheckpointArgs& a,
                 RunState& state, DrawSink& sink);
  CheckpointWriter* writer() { return writer_.get(); }
  // For RunOptions::checkpoints (nullptr when off).
  Checkpoints* policy() { return policy_.get(); }
  bool resumed() const { return resumed_; }
  // After the run: keep what was done when interrupted (a checkpoint of it,
  // if one was made already; the message says how to resume), else remove.
  // Returns the message for the user.
  std::string interrupted(const RunState& state);
  // The run finished or failed for good: no checkpoint is left.
  void discard();

 private:
  std::unique_ptr<CheckpointWriter> writer_;
  std::unique_ptr<TimedCheckpoints> policy_;
  bool resumed_ = false;
};

}  // namespace innosim::app
