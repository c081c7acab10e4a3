#pragma once
// The temporary files of outputs being written (OUT.h5.tmp-PID, renamed to
// OUT.h5 when complete). Each is registered while it exists, so that a
// signal handler that must exit at once can remove them first
// (remove_temp_files_now is async-signal-safe); and a file left by a
// process that was killed outright (SIGKILL, power loss) is removed by the
// next writer of the same output (remove_stale_temp_files).

#include <string>
#include <vector>

namespace innosim {

// "OUT.h5" -> "OUT.h5.tmp-<this process id>".
std::string temp_path_for(const std::string& final_path);

// Registers `path` for remove_temp_files_now while it lives (move-only).
class TempFileRegistration {
 public:
  explicit TempFileRegistration(const std::string& path);
  ~TempFileRegistration();
  TempFileRegistration(const TempFileRegistration&) = delete;
  TempFileRegistration& operator=(const TempFileRegistration&) = delete;

 private:
  int slot_ = -1;
};

// Removes every registered temporary file. Async-signal-safe: for a signal
// handler that then calls _Exit.
void remove_temp_files_now() noexcept;

// Removes `<name>.tmp-<pid>` files (and their scratch files
// `<name>.tmp-<pid>.<suffix>`) beside `final_path` (name = its file name)
// whose process no longer runs on this machine; returns their paths.
std::vector<std::string> remove_stale_temp_files(const std::string& final_path);

}  // namespace innosim
