#pragma once
// Reading an input file safely: only a regular file (never a directory, a
// FIFO, a socket or a device such as /dev/zero, which would read forever or
// block), and never more than a stated number of bytes. Opening does not
// block on a FIFO.

#include <cstddef>
#include <optional>
#include <string>

namespace innosim {

// What kind of file a stat() mode is, for messages: "a directory", "a FIFO",
// "a character device", ...
std::string file_kind(unsigned mode);

// "" when `path` names a regular file (after following links); otherwise
// why not, e.g. "not a regular file (a directory)" or "no such file".
std::string regular_file_problem(const std::string& path);

// The whole content of `path`, or nullopt with `why` set when it is not a
// regular readable file or holds more than `max_bytes` bytes ("the file has
// 20000000 bytes, more than the 4194304 allowed"). A path with a NUL
// character is refused (the C library would cut it there).
std::optional<std::string> read_input_file(const std::string& path, std::size_t max_bytes, std::string& why);

}  // namespace innosim
