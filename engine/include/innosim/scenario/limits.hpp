#pragma once
// Limits on scenario input, so that no file makes loading crash, hang or cost
// more than its size (docs/reliability.md lists them with their tests). Each
// is far above what a real scenario needs; an input beyond one is refused
// with a message that names the place and the limit, before any computation.

#include <cstddef>

namespace innosim::limits {

// Bytes of one scenario file, and of a file with all the files it extends
// (the shipped plan with its parents: about 47 KB).
inline constexpr std::size_t kScenarioFileBytes = std::size_t{4} << 20;
inline constexpr std::size_t kScenarioTotalBytes = std::size_t{16} << 20;
// Files in one `extends` chain (the named file counts as 1), and distinct
// files a scenario may extend in all.
inline constexpr std::size_t kExtendsDepth = 16;
inline constexpr std::size_t kExtendsFiles = 256;
// How deep a value may sit in a TOML file: each part of a dotted key or
// table header (`[a.b]`, `a.b.c = 1`), each array and inline table around it
// is one level. Checked before the TOML parser runs.
inline constexpr std::size_t kNestingDepth = 64;
// Values in one file (every number, string, array, table; the shipped
// baseline has about 2,000), elements of one array and entries of one table
// (e.g. levers in [levers]; [[arrays of tables]] count as arrays). The first
// two are checked before the TOML parser runs, so that it never holds more.
inline constexpr std::size_t kFileValues = 200000;
inline constexpr std::size_t kArrayLength = 10000;
inline constexpr std::size_t kTableEntries = 10000;
// Simulated years, horizon.end - horizon.start.
inline constexpr int kHorizonYears = 200;
// Problems kept of one scenario: the rest are counted ("... and N more").
inline constexpr std::size_t kProblemsKept = 1000;

}  // namespace innosim::limits
