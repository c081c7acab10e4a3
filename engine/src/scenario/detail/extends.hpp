#pragma once
// `extends`: a scenario file names parent files (relative to itself); each
// parent is loaded (following its own parents), the parents are merged in
// order, and the file's own values go on top. Internal to the scenario loader.
//
// The files form a graph that is walked without recursion, each file read
// and parsed once however many files extend it (a diamond costs what its
// files cost), within the limits of innosim/scenario/limits.hpp: chain
// depth, number of files, bytes.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "scenario/detail/toml_tree.hpp"

namespace innosim::detail {

// A location as a set key: (file, line, column).
using LocKey = std::tuple<std::string, int, int>;
inline LocKey loc_key(const SourceLoc& l) { return {l.file, l.line, l.column}; }

struct ExtendsResult {
  std::optional<Node> root;  // the merged tree; nullopt when a file failed (problems say where)
  // Values that a file overrides (a child's value replaces the parent's) and
  // which are not in the merged tree: their locations, and for each file
  // that wrote one, that file merged with its own parents — the context in
  // which those values are checked (loader.cpp).
  std::set<LocKey> overridden;
  std::vector<std::pair<std::string, Node>> overridden_in;
};

// Resolves the `extends` graph of `text` (shown as `name`, its parents
// relative to `dir`; `name` names a file there when it is one). Every file
// read is added to `files` as (name as shown, verbatim text), outermost
// first, depth first, each once.
// With `stored` (the files of an earlier load, as `files` lists them),
// parents are read from it, not from disk.
ExtendsResult resolve_extends(const std::string& text, const std::string& name, const std::filesystem::path& dir,
                              std::vector<std::pair<std::string, std::string>>& files,
                              std::vector<Problem>& problems,
                              const std::vector<std::pair<std::string, std::string>>* stored = nullptr);

}  // namespace innosim::detail
