#pragma once
// The program's exit codes (README, "Exit codes").

namespace innosim::app {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;       // the run failed: an invalid draw, an I/O error
constexpr int kExitBadInput = 2;     // bad input: every problem printed, nothing computed
constexpr int kExitInterrupted = 130;  // Ctrl-C or SIGTERM: no output file left behind

}  // namespace innosim::app
