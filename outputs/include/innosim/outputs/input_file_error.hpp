#pragma once
// An input file innosim cannot use: not an HDF5 file, not the kind expected,
// an unsupported format version, a missing or malformed object, or damage (a
// checksum that does not match). The message names the file and the object;
// programs exit with 2 (bad input).

#include <stdexcept>

namespace innosim {

class InputFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace innosim
