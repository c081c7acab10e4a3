#pragma once
// `extends`: a scenario file names parent files (relative to itself); each
// parent is loaded (following its own parents), the parents are merged in
// order, and the file's own values go on top. Internal to the scenario loader.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/detail/toml_tree.hpp"

namespace innosim::detail {

// The merged tree of `text` (shown as `name`, its parents resolved relative
// to `dir`), or nullopt when a file cannot be read or parsed or the chain has
// a cycle: `problems` then say where. Every file read is added to `files` as
// (name as shown, verbatim text), outermost first, each once.
std::optional<Node> resolve_extends(const std::string& text, const std::string& name,
                                    const std::filesystem::path& dir,
                                    std::vector<std::pair<std::string, std::string>>& files,
                                    std::vector<Problem>& problems);

}  // namespace innosim::detail
