#include "checkpointing.hpp"

#include <csignal>
#include <stdexcept>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "problems.hpp"

namespace innosim::app {

void add_checkpoint_options(CLI::App* cmd, CheckpointArgs& a, const std::string& every_help) {
  cmd->add_option("--checkpoint-every", a.every,
                  every_help.empty()
                      ? "Seconds between checkpoints in OUTPUT.ckpt/ (0: none); a run that ends or fails removes them"
                      : every_help)
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_flag("--resume", a.resume,
                "Continue an interrupted run from its checkpoint (same command line); the result equals an "
                "uninterrupted run's bit for bit");
}

FaultInjection::FaultInjection() {
  const char* env = std::getenv("INNOSIM_FAULT_AFTER");
  if (env == nullptr || *env == '\0') return;
  const std::string text = env;
  const std::size_t colon = text.find(':');
  const std::string count = text.substr(0, colon), name = colon == std::string::npos ? "" : text.substr(colon + 1);
  const std::pair<const char*, int> signals[] = {{"KILL", SIGKILL}, {"INT", SIGINT}, {"TERM", SIGTERM}};
  for (const auto& [n, sig] : signals)
    if (name == n) signal_ = sig;
  char* end = nullptr;
  const unsigned long long m = std::strtoull(count.c_str(), &end, 10);
  if (count.empty() || count[0] == '-' || end != count.c_str() + count.size() || m == 0 || signal_ == 0)
    throw BadInput("INNOSIM_FAULT_AFTER='" + text + "': expected COUNT:SIGNAL, e.g. 3:KILL (SIGNAL one of "
                   "KILL, INT, TERM; COUNT >= 1)");
  at_ = m;
}

void FaultInjection::recorded() {
  if (at_ != 0 && ++seen_ == at_) std::raise(signal_);
}

RunCheckpoints::RunCheckpoints(const std::string& output, const RunIdentity& id, const LogLayout& layout,
                               const CheckpointArgs& a, RunState& state, DrawSink& sink) {
  const std::string dir = checkpoint_dir(output);
  if (a.every <= 0) {
    if (a.resume) throw BadInput("--resume needs checkpoints; drop --checkpoint-every 0");
    if (has_checkpoint(dir))
      throw BadInput(dir + " holds a checkpoint of an interrupted run; continue it with --resume, or remove the folder "
                           "to start over");
    return;
  }
  const DrawRange range = id.header.range;
  if (has_checkpoint(dir)) {
    SavedCheckpoint saved;
    try {
      saved = read_checkpoint(dir);
    } catch (const std::exception& e) {
      throw BadInput(std::string(e.what()) + "; remove " + dir + " to start over");
    }
    if (!a.resume)
      throw BadInput(fmt::format("{} holds a checkpoint of an interrupted run ({} of {} draws done); continue it with "
                                 "--resume, or remove the folder to start over",
                                 dir, saved.done.size(), saved.id.header.range.size()));
    std::vector<std::string> why = run_differences(saved.id, id, true);
    if (saved.layout != layout && why.empty()) why.push_back("it keeps other per-draw values");
    if (!why.empty())
      throw BadInput(fmt::format("{}: a checkpoint of another run, not resumed: {}; run the command that made it with "
                                 "--resume, or remove the folder to start this one over",
                                 dir, fmt::join(why, "; ")));
    try {
      writer_ = std::make_unique<CheckpointWriter>(saved, state, sink);
    } catch (const std::runtime_error& e) {  // a damaged state or log: refused, the folder kept
      throw BadInput(std::string(e.what()) + "; remove " + dir + " to start over");
    }
    resumed_ = true;
    std::cerr << fmt::format("innosim: resuming from {}: {} of {} draws done\n", dir, saved.done.size(),
                             range.size());
  } else {
    if (a.resume) std::cerr << fmt::format("innosim: no checkpoint in {}; starting from the first draw\n", dir);
    writer_ = std::make_unique<CheckpointWriter>(dir, id, layout);
  }
  policy_ = std::make_unique<TimedCheckpoints>(*writer_, a.every);
}

std::string RunCheckpoints::interrupted(const RunState& state) {
  if (writer_ && writer_->saved()) {
    writer_->save(state);
    return fmt::format("interrupted; the {} draws done are saved in {}: continue with the same command and --resume",
                       state.range.size(), writer_->dir());
  }
  discard();
  return "interrupted; no output written";
}

void RunCheckpoints::discard() {
  if (writer_) writer_->discard();
}

}  // namespace innosim::app
