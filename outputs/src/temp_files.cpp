// Registered and stale temporary output files (temp_files.hpp).

#include "innosim/outputs/temp_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace innosim {

namespace {

// A fixed table, so that the signal handler touches no allocator: a slot is
// free (0), being filled (1) or holds a path (2).
constexpr int kSlots = 32;
constexpr std::size_t kPathBytes = 4096;
struct Slot {
  std::atomic<int> state{0};
  char path[kPathBytes];
};
Slot g_slots[kSlots];
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

}  // namespace

std::string temp_path_for(const std::string& final_path) {
  return final_path + ".tmp-" + std::to_string(::getpid());
}

TempFileRegistration::TempFileRegistration(const std::string& path) {
  if (path.size() >= kPathBytes) return;  // cannot be registered: the writer still removes it on error
  for (int i = 0; i < kSlots; ++i) {
    int free = 0;
    if (!g_slots[i].state.compare_exchange_strong(free, 1)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].state.store(2);
    slot_ = i;
    return;
  }
}

TempFileRegistration::~TempFileRegistration() {
  if (slot_ >= 0) g_slots[slot_].state.store(0);
}

void remove_temp_files_now() noexcept {
  for (Slot& s : g_slots)
    if (s.state.load() == 2) ::unlink(s.path);
}

std::vector<std::string> remove_stale_temp_files(const std::string& final_path) {
  namespace fs = std::filesystem;
  std::vector<std::string> removed;
  const fs::path target(final_path);
  const std::string prefix = target.filename().string() + ".tmp-";
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    long pid = 0;
    const auto [end_digits, err] = std::from_chars(first, last, pid);
    // OUT.tmp-PID, or a scratch file of it (OUT.tmp-PID.targets).
    if (err != std::errc() || (end_digits != last && *end_digits != '.') || pid <= 0 || pid == ::getpid())
      continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code rm;
    if (it->is_regular_file(rm) && fs::remove(it->path(), rm)) removed.push_back(it->path().string());
  }
  return removed;
}

}  // namespace innosim
