#pragma once
// Opening an innosim HDF5 file for reading (run, sweep, design, solve,
// posterior, sensitivity and discovery files): only a regular HDF5 file of
// the expected kind and format version, and only once every object of it has
// matched its checksum (integrity.hpp). Every reader of innosim files opens
// them here. Internal to innosim::outputs.

#include <functional>
#include <stdexcept>
#include <string>

#include "h5.hpp"
#include "innosim/outputs/input_file_error.hpp"

namespace innosim::detail {

// The first format version of every kind of innosim file that carries
// checksums (/integrity); every kind is at this version or later.
inline constexpr int kChecksumFormatVersion = 2;

// Opens `path` read-only after checking that it is a regular HDF5 file whose
// root attribute file_type is `file_type` (any "innosim-..." when empty) and
// format_version is `version` (any from kChecksumFormatVersion on when 0),
// and that every object matches its checksum — verified in a child process
// first (in_child), as HDF5 reads some damaged structures by crashing; once
// per version of the file in this process (a file opened again unchanged,
// such as a scenario's [posterior] file for each request of innosim serve,
// is not verified again). The file type found goes to `type_out` when given. Throws InputFileError
// "FILE: ..." naming the damaged, missing or malformed object.
h5::Hid open_innosim_file(const std::string& path, const std::string& file_type, int version,
                          std::string* type_out = nullptr);

// The root attribute file_type of an innosim file ("innosim-run", ...), read
// without verifying anything (in a child process), to choose a reader; "" for
// any other file, a damaged one included.
std::string peek_file_type(const std::string& path);

// Runs `read` and rethrows any std::runtime_error it throws as
// InputFileError (bad input: exit 2).
template <class F>
auto as_input_error(F&& read) {
  try {
    return read();
  } catch (const InputFileError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw InputFileError(e.what());
  }
}

}  // namespace innosim::detail
