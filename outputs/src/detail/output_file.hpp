#pragma once
// One new HDF5 output file, as every innosim writer makes it: written under a
// temporary name beside its final path (OUT.h5.tmp-PID, registered so that a
// signal handler can remove it; stale ones of killed processes are removed
// first), in the HDF5 1.10 format (checksummed metadata), and published —
// sealed with the checksums of every object (integrity.hpp), flushed, closed,
// renamed into place, its folder flushed — only when complete. Destroyed
// unpublished (an error, Ctrl-C), it leaves nothing: the file is dropped so
// that closing it cannot fail, even on a full or failing disk.
// Internal to innosim::outputs.

#include <hdf5.h>

#include <string>

#include "h5.hpp"
#include "innosim/outputs/output_policy.hpp"
#include "innosim/outputs/temp_files.hpp"

namespace innosim::detail {

class OutputFile {
 public:
  // Throws std::runtime_error naming the file when it cannot be created.
  OutputFile(std::string final_path, OutputPolicy policy);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  hid_t root() const { return file_.get(); }
  const h5::Where& where() const { return where_; }
  const std::string& temp_path() const { return temp_; }

  // Seals, flushes, closes and renames the file into place. The writer closes
  // every handle it opened in the file first. Throws std::runtime_error naming
  // the file on failure (the temporary file is then removed).
  void publish();

 private:
  void drop() noexcept;

  std::string final_, temp_;
  OutputPolicy policy_;
  h5::Where where_;
  TempFileRegistration registration_;
  h5::Hid file_;
  bool published_ = false;
};

}  // namespace innosim::detail
