#pragma once
// Writing a file whose contents are all known before it is opened (sweep,
// design and solve files): an OutputFile (output_file.hpp: a temporary name
// beside `path`, sealed with the checksums of every object and renamed into
// place when complete, as `policy` allows), filled by `fill(root, where)`,
// which closes every handle it opens. On any failure the temporary file is
// dropped and the error passes on, so no partial file is ever left.
// Internal to innosim::outputs.

#include <string>
#include <utility>

#include "h5.hpp"
#include "innosim/outputs/output_policy.hpp"
#include "output_file.hpp"

namespace innosim::detail {

template <class Fill>
void write_whole_file(const std::string& path, OutputPolicy policy, Fill&& fill) {
  OutputFile out(path, policy);
  std::forward<Fill>(fill)(out.root(), out.where());
  out.publish();
}

}  // namespace innosim::detail
