// Fuzz target: bytes as an innosim HDF5 file, read as `innosim check` reads
// it: its file type, then a posterior file's diagnostics or a run file with
// its target table recomputed from the per-draw values. A damaged or foreign
// file may be refused (InputFileError or std::runtime_error naming the path
// and the object, exit 2 or 1 in the program). The readers verify a file in
// a forked child before this process parses it (open_innosim_file), so what
// HDF5 does on a damaged file (crash, loop) happens there and becomes a
// refusal; what reaches this process has matched every checksum. Anything
// else — a crash, a hang, a memory blow-up,
// another exception, a sanitizer report — is a bug, and so is an HDF5
// object (a file, group, dataset, attribute, type or space) that the reader
// leaves open when it returns or throws.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <hdf5.h>

#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/posterior_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("innosim-fuzz-" + std::to_string(::getpid()) + ".h5")).string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  const bool written = std::fwrite(data, 1, size, f) == size;
  if (std::fclose(f) != 0 || !written) {
    std::remove(path.c_str());
    return 0;
  }
  try {
    if (innosim::innosim_file_type(path) == "innosim-posterior")
      (void)innosim::read_posterior_file(path);
    else
      (void)innosim::read_run_file(path, true);
  } catch (const std::runtime_error&) {
  }
  if (const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); open != 0) {
    std::fprintf(stderr, "fuzz_run_file: %zd HDF5 objects left open by the reader\n", open);
    std::abort();
  }
  std::remove(path.c_str());
  return 0;
}
