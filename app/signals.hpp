#pragma once
// Ctrl-C (SIGINT), SIGTERM and SIGHUP. While a run is under way (a
// CancellableScope is alive), the first sets the flag the runner checks, so
// the run stops cleanly and its writer removes its temporary file. Outside
// one — loading, writing the final file, reading — and at the second signal,
// the program removes every temporary output file (temp_files.hpp) and exits
// at once. Either way the exit code is 130 and no output file is left.

#include <signal.h>

#include <atomic>
#include <cstdlib>

#include "exit_codes.hpp"
#include "innosim/outputs/temp_files.hpp"

namespace innosim::app {

inline std::atomic<bool> g_cancel{false};
inline std::atomic<bool> g_cancellable{false};

extern "C" inline void on_interrupt(int) {
  if (!g_cancellable.load() || g_cancel.exchange(true)) {
    remove_temp_files_now();
    std::_Exit(kExitInterrupted);
  }
}

// While alive, the first signal only asks the run to stop (g_cancel).
class CancellableScope {
 public:
  CancellableScope() { g_cancellable.store(true); }
  ~CancellableScope() { g_cancellable.store(false); }
  CancellableScope(const CancellableScope&) = delete;
  CancellableScope& operator=(const CancellableScope&) = delete;
};

inline void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

}  // namespace innosim::app
