// Reading input files: regular files only, bounded in size.

#include "innosim/util/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace innosim {

namespace {

std::string errno_text(int err) {
  if (err == ENOENT) return "no such file";
  if (err == EACCES) return "permission denied";
  return std::strerror(err);
}

// Closes the descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string file_kind(unsigned mode) {
  const auto m = static_cast<mode_t>(mode);
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a plain file";
}

std::string regular_file_problem(const std::string& path) {
  if (path.find('\0') != std::string::npos) return "the file name contains a NUL character";
  if (path.empty()) return "an empty file name";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_text(errno);
  if (!S_ISREG(st.st_mode)) return fmt::format("not a regular file ({})", file_kind(st.st_mode));
  return {};
}

std::optional<std::string> read_input_file(const std::string& path, std::size_t max_bytes, std::string& why) {
  if (path.find('\0') != std::string::npos) {
    why = "the file name contains a NUL character";
    return std::nullopt;
  }
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    why = errno_text(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    why = errno_text(errno);
    return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) {
    why = fmt::format("not a regular file ({})", file_kind(st.st_mode));
    return std::nullopt;
  }
  const auto too_big = [&](std::size_t n) {
    why = fmt::format("the file has {} bytes, more than the {} allowed", n, max_bytes);
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    too_big(static_cast<std::size_t>(st.st_size));
    return std::nullopt;
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t have = 0;
  for (;;) {
    if (have > max_bytes) {  // it grew while we read it
      too_big(have);
      return std::nullopt;
    }
    if (have == text.size()) text.resize(text.size() + 4096);
    const ssize_t n = ::read(f.fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      why = errno_text(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  text.resize(have);
  return text;
}

}  // namespace innosim
