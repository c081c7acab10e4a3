#pragma once
// What a program may write where: checked before anything is computed
// (output_problem), and again when the finished file is renamed into place.

#include <string>
#include <vector>

namespace innosim {

struct OutputPolicy {
  bool replace = false;  // replace an existing file at the output path (--force)
};

// "" when `path` may be written; otherwise why not: it is one of `inputs`
// (the same file, by device and inode, however named), a directory or
// anything but a regular file (a device such as /dev/null is never
// replaced), an existing file and `policy` does not allow replacing it, or
// its folder cannot be written.
std::string output_problem(const std::string& path, OutputPolicy policy, const std::vector<std::string>& inputs);

}  // namespace innosim
