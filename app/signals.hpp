#pragma once
// Ctrl-C (SIGINT) and SIGTERM: the first sets the flag the runner checks, so
// the run stops cleanly and leaves no file; the second exits at once.

#include <atomic>
#include <csignal>
#include <cstdlib>

#include "exit_codes.hpp"

namespace innosim::app {

inline std::atomic<bool> g_cancel{false};

extern "C" inline void on_interrupt(int) {
  if (g_cancel.exchange(true)) std::_Exit(kExitInterrupted);  // second Ctrl-C: leave now
}

inline void install_interrupt_handlers() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

}  // namespace innosim::app
