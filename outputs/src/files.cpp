// Opening innosim files for reading (detail/files.hpp).

#include "detail/files.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include "detail/integrity.hpp"
#include "innosim/util/input_file.hpp"

namespace innosim::detail {

namespace {

using h5::Hid;

// What a read in a child process gave: its text (exit 0), or why it failed:
// the message of what it threw, or the signal that ended it.
struct ChildResult {
  bool ok = false;
  std::string text;
};

// Runs `read` in a child process and hands back the text it returns. HDF5
// 1.10 reads some damaged structures by crashing — a variable-length
// string whose entry in the (unchecksummed) global heap was changed, a
// malformed file in the old format without checksums — and such a crash
// must become a refusal of the file, not the end of this program. So every
// file is first opened and verified in a child; only once the child has read
// every object of it does this process read it (innosim never changes a
// file in place). Some damaged structures make HDF5 loop instead (a cycle in
// its global heap): the child may use kChildCpuSeconds of CPU time, plus one
// second for every kChildBytesPerSecond of the file (reading, decompressing
// and checksumming every chunk), and is ended by SIGXCPU beyond that. Called
// where the program runs no other thread that uses HDF5 (check, compare,
// report's readers).
constexpr rlim_t kChildCpuSeconds = 2;
constexpr std::uintmax_t kChildBytesPerSecond = 16u << 20;

ChildResult in_child(const std::string& path, const std::function<std::string()>& read) {
  struct stat st {};
  const std::uintmax_t bytes = ::stat(path.c_str(), &st) == 0 ? static_cast<std::uintmax_t>(st.st_size) : 0;
  const rlim_t cpu = kChildCpuSeconds + static_cast<rlim_t>(bytes / kChildBytesPerSecond);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(path + ": cannot verify: " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(path + ": cannot verify: " + std::strerror(err));
  }
  if (pid == 0) {
    ::close(fds[0]);
    // The limit counts this child's own time (a fork starts at zero).
    const rlimit limit{cpu, cpu + 1};
    ::setrlimit(RLIMIT_CPU, &limit);
    std::string text;
    int code = 0;
    try {
      text = read();
    } catch (const std::exception& e) {
      text = e.what();
      code = 2;
    } catch (...) {
      text = path + ": cannot be read";
      code = 2;
    }
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  ChildResult r;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!r.ok && !(WIFEXITED(status) && WEXITSTATUS(status) == 2))
    r.text = WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)
                 ? path + ": damaged: its structure is corrupt (the HDF5 library did not finish reading it in " +
                       std::to_string(cpu) + " s of CPU time)"
                 : path + ": damaged: its structure is corrupt (the HDF5 library failed reading it" +
                       (WIFSIGNALED(status) ? ", signal " + std::to_string(WTERMSIG(status)) : std::string()) + ")";
  return r;
}

// open_innosim_file's checks; every object's checksum with `verify`.
Hid open_checked(const std::string& path, const std::string& file_type, int version, std::string* type_out,
                 bool verify) {
  h5::silence_errors();
  const h5::Where w{path};
  if (const std::string why = regular_file_problem(path); !why.empty()) throw InputFileError(path + ": " + why);
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputFileError(path + ": not an HDF5 file");
  }
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  // An HDF5 signature that HDF5 cannot open: cut short, or a checksum of its
  // metadata (superblock, object headers) does not match.
  Hid file = h5::checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, w, H5I_INVALID_HID, "",
                         "damaged: the file cannot be opened");
  const hid_t root = file.get();
  std::string kind = file_type.empty() ? std::string() : file_type.substr(8);  // "design-shard" -> "design shard"
  std::replace(kind.begin(), kind.end(), '-', ' ');
  const std::string what = kind.empty() ? "an innosim file" : "an innosim " + kind + " file";
  if (!h5::has_attr(root, "file_type")) throw InputFileError(path + ": not " + what + " (missing attribute file_type)");
  const std::string type = h5::read_attr_string(root, "file_type", w);
  if (type.rfind("innosim-", 0) != 0 || (!file_type.empty() && type != file_type))
    throw InputFileError(path + ": not " + what + " (file_type is '" + type + "'" +
                         (file_type.empty() ? "" : ", expected '" + file_type + "'") + ")");
  if (!h5::has_attr(root, "format_version"))
    throw InputFileError(path + ": malformed file (missing attribute format_version)");
  const auto found = h5::read_attr<std::int64_t>(root, "format_version", w);
  if (version != 0 ? found != version : found < kChecksumFormatVersion)
    throw InputFileError(path + ": " + type + " format_version " + std::to_string(found) +
                         " is not supported (this innosim reads version " +
                         (version != 0 ? std::to_string(version) : std::to_string(kChecksumFormatVersion) + " or later") +
                         (found < kChecksumFormatVersion ? ", which carries checksums; run the command again" : "") +
                         ")");
  if (verify) verify_file(root, w);
  if (type_out != nullptr) *type_out = type;
  return file;
}

// What identifies one version of a file: innosim never changes a file in
// place (a new file is renamed over the old), so the same device, inode,
// size and change time mean the same bytes.
struct Stamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const Stamp&) const = default;
};

std::optional<Stamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return Stamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
               st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
}

// The files this process has verified whole, by path: a scenario's
// [posterior] file is read again for every run (innosim serve reads it once
// at start, then for each request, from threads, where a forked child could
// wait forever on a lock another thread holds), and is verified in a child
// only the first time and whenever it has changed. A file changed less than
// kSettled before it was verified is not remembered: file times are only as
// fine as the kernel's clock tick, so a change made within it could keep the
// same stamp.
constexpr std::int64_t kSettledNs = 2'000'000'000;
std::mutex verified_mutex;
std::map<std::string, Stamp> verified_files;

}  // namespace

Hid open_innosim_file(const std::string& path, const std::string& file_type, int version, std::string* type_out) {
  const std::optional<Stamp> before = stamp_of(path);
  bool known = false;
  if (before) {
    std::lock_guard lock(verified_mutex);
    const auto it = verified_files.find(path);
    known = it != verified_files.end() && it->second == *before;
  }
  if (!known) {
    const ChildResult r = in_child(path, [&] {
      std::string type;
      Hid file = open_checked(path, file_type, version, &type, true);
      return type;
    });
    if (!r.ok) throw InputFileError(r.text);
  }
  Hid file = as_input_error([&] { return open_checked(path, file_type, version, type_out, false); });
  timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::int64_t now_ns = now.tv_sec * 1'000'000'000LL + now.tv_nsec;
  if (!known && before && now_ns - std::max(before->mtime_ns, before->ctime_ns) > kSettledNs &&
      stamp_of(path) == before) {  // settled, and unchanged while the child read it
    std::lock_guard lock(verified_mutex);
    verified_files[path] = *before;
  }
  return file;
}

std::string peek_file_type(const std::string& path) {
  h5::silence_errors();
  if (!regular_file_problem(path).empty() || H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  // Unverified: read in a child (in_child), so that a damaged file cannot crash this process.
  const ChildResult r = in_child(path, [&] {
    Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    std::string type;
    if (file && h5::has_attr(file.get(), "file_type"))
      type = h5::read_attr_string(file.get(), "file_type", h5::Where{path});
    return type;
  });
  H5Eclear2(H5E_DEFAULT);
  return r.ok && r.text.rfind("innosim-", 0) == 0 ? r.text : std::string();
}

}  // namespace innosim::detail
