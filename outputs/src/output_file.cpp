// New output files (detail/output_file.hpp) and the checks on where they go
// (output_policy.hpp).

#include "detail/output_file.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "detail/integrity.hpp"
#include "innosim/outputs/output_policy.hpp"
#include "innosim/util/input_file.hpp"

namespace innosim {

namespace {

namespace fs = std::filesystem;

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the rename itself is what makes the file appear whole
  ::fsync(fd);
  ::close(fd);
}

std::string folder_of(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? std::string(".") : dir.string();
}

}  // namespace

std::string output_problem(const std::string& path, OutputPolicy policy, const std::vector<std::string>& inputs) {
  if (path.empty()) return "an empty output file name";
  struct stat out {};
  if (::stat(path.c_str(), &out) == 0) {
    for (const std::string& in : inputs) {
      struct stat st {};
      if (::stat(in.c_str(), &st) == 0 && st.st_dev == out.st_dev && st.st_ino == out.st_ino)
        return "it is one of this command's inputs (" + in + "); choose another output file";
    }
    if (!S_ISREG(out.st_mode)) return "it is " + file_kind(out.st_mode) + ", not a regular file";
    if (!policy.replace) return "the file exists; use --force to replace it";
  } else if (errno != ENOENT) {
    return std::strerror(errno);
  }
  const std::string dir = folder_of(path);
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return "cannot write in its folder " + dir + " (" + std::strerror(errno) + ")";
  return {};
}

namespace detail {

OutputFile::OutputFile(std::string final_path, OutputPolicy policy)
    : final_(std::move(final_path)),
      temp_(temp_path_for(final_)),
      policy_(policy),
      where_{final_},
      registration_(temp_) {
  h5::silence_errors();
  remove_stale_temp_files(final_);
  h5::Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  // The 1.10 format: superblock, object headers, heaps and chunk indexes
  // carry checksums that HDF5 verifies when it reads them.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  const hid_t fid = H5Fcreate(temp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (fid < 0) {
    ::unlink(temp_.c_str());
    h5::fail(final_, "/", "cannot create temporary file " + temp_);
  }
  file_ = h5::Hid(fid, H5Fclose);
}

OutputFile::~OutputFile() {
  if (!published_) drop();
}

// Closing a file flushes what HDF5 still holds; on a full or failing disk
// that fails, and HDF5 1.10 then keeps a half-closed file that crashes it
// later. So the file's descriptor is first pointed at an anonymous memory
// file: the flush goes there, the close succeeds, and the disk space of the
// (unlinked) temporary file is freed at once.
void OutputFile::drop() noexcept {
  ::unlink(temp_.c_str());
  if (file_) {
    void* handle = nullptr;
    if (H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle) >= 0 && handle != nullptr) {
      const int fd = *static_cast<int*>(handle);
      const int sink = ::memfd_create("innosim-dropped-output", MFD_CLOEXEC);
      if (sink >= 0) {
        ::dup2(sink, fd);
        ::close(sink);
      }
    }
    file_.reset();
    H5Eclear2(H5E_DEFAULT);
  }
}

void OutputFile::publish() {
  if (published_) throw std::logic_error("OutputFile::publish called twice");
  seal_file(file_.get(), where_);
  if (H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0) h5::fail(final_, "/", "cannot write " + temp_);
  if (!file_.reset()) {
    ::unlink(temp_.c_str());
    h5::fail(final_, "/", "cannot close " + temp_);
  }
  fsync_path(temp_, false);
  // Never over something that is not a regular file (a device node, a
  // folder), and without --force never over a file that appeared meanwhile.
  struct stat st {};
  if (::lstat(final_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    ::unlink(temp_.c_str());
    throw std::runtime_error(final_ + ": not replaced: it is " + file_kind(st.st_mode) + ", not a regular file");
  }
  int rc = policy_.replace ? ::rename(temp_.c_str(), final_.c_str())
                           : ::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && errno == EINVAL && !policy_.replace) {  // a file system without RENAME_NOREPLACE
    errno = EEXIST;
    rc = ::access(final_.c_str(), F_OK) == 0 ? -1 : ::rename(temp_.c_str(), final_.c_str());
  }
  if (rc != 0) {
    const int err = errno;
    ::unlink(temp_.c_str());
    if (err == EEXIST)
      throw std::runtime_error(final_ + ": not replaced: the file appeared while this command ran; use --force to "
                                        "replace it");
    throw std::runtime_error(final_ + ": cannot rename " + temp_ + " into place: " + std::strerror(err));
  }
  published_ = true;
  fsync_path(folder_of(final_), true);
}

}  // namespace detail

}  // namespace innosim
