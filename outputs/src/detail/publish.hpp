#pragma once
// Publishing a finished file: it was written under a temporary name beside
// its final path; flush it, rename it into place (atomic on one file
// system), and flush the directory so the new name survives a crash.
// Internal to innosim::outputs.

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace innosim::detail {

inline void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;  // best effort: the rename itself is what makes the file appear whole
  ::fsync(fd);
  ::close(fd);
}

// Throws std::runtime_error naming both paths if the rename fails; the
// temporary file is then left for the caller to remove.
inline void publish_file(const std::string& temp, const std::string& final_path) {
  fsync_path(temp, false);
  std::error_code ec;
  std::filesystem::rename(temp, final_path, ec);
  if (ec) throw std::runtime_error(final_path + ": cannot rename " + temp + " into place: " + ec.message());
  const auto dir = std::filesystem::path(final_path).parent_path();
  fsync_path(dir.empty() ? std::string(".") : dir.string(), true);
}

}  // namespace innosim::detail
