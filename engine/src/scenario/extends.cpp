// Following and merging `extends` chains of scenario files.

#include "scenario/detail/extends.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "scenario/detail/scenario_reader.hpp"  // all_distribution_keys

namespace innosim::detail {

namespace {

namespace fs = std::filesystem;

// The parameter rule: a table that sets `dist` replaces the parent's
// distribution wholesale; for levers, a zone path replaces a per-region one
// and vice versa (both at once would be an error).
void drop_replaced(Node& base, const Node& over, const std::string& path) {
  const auto count_dots = std::count(path.begin(), path.end(), '.');
  const bool parameter = path.rfind("parameters.", 0) == 0 && count_dots == 1;
  const bool parameter_region =
      path.rfind("parameters.", 0) == 0 && count_dots == 3 && path.find(".by_region.") != std::string::npos;
  const bool lever = path.rfind("levers.", 0) == 0 && count_dots == 1;
  if (parameter || parameter_region) {
    const bool sets_dist = over.get("dist") != nullptr;
    const bool sets_regions = parameter && over.get("by_region") != nullptr;
    if (sets_dist || sets_regions)
      for (const std::string& k : all_distribution_keys()) base.erase(k);
    if (parameter && sets_dist) base.erase("by_region");
  }
  if (lever) {
    if (over.get("years") || over.get("values")) base.erase("by_region");
    if (over.get("by_region")) {
      base.erase("years");
      base.erase("values");
    }
  }
}

void merge(Node& base, Node&& over, const std::string& path) {
  drop_replaced(base, over, path);
  base.loc = over.loc;
  if (over.key_loc.line > 0) base.key_loc = over.key_loc;
  for (Entry& e : over.kids) {
    Node* existing = base.get_mut(e.key);
    if (existing && existing->is_table() && e.value.is_table())
      merge(*existing, std::move(e.value), child_path(path, e.key));
    else
      base.put(e.key) = std::move(e.value);
  }
}

struct Loader {
  std::vector<Problem>& problems;
  std::vector<std::pair<std::string, std::string>>& files;

  void add(const SourceLoc& at, std::string key, std::string msg) {
    problems.push_back({at, std::move(key), std::move(msg)});
  }

  static std::string identity(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return (ec ? p.lexically_normal() : c).string();
  }

  // `chain` holds (display name, identity) of the files being loaded, outermost first.
  std::optional<Node> load(const std::string& text, const std::string& display, const fs::path& dir,
                           std::vector<std::pair<std::string, std::string>>& chain) {
    if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.first == display; }))
      files.emplace_back(display, text);
    std::optional<Node> parsed = parse_toml(text, display, problems);
    if (!parsed) return std::nullopt;
    Node& root = *parsed;

    // This file's parents, before its own values go on top.
    std::vector<std::pair<const Node*, std::string>> parents;
    if (const Node* sc = root.get("scenario"); sc && sc->is_table()) {
      if (const Node* ex = sc->get("extends")) {
        if (ex->t == Node::T::string) {
          parents.emplace_back(ex, ex->s);
        } else if (ex->t == Node::T::array) {
          for (std::size_t k = 0; k < ex->items.size(); ++k) {
            const Node& item = ex->items[k];
            if (item.t == Node::T::string)
              parents.emplace_back(&item, item.s);
            else
              add(item.loc, fmt::format("scenario.extends[{}]", k),
                  fmt::format("expected a file name (a string), got {}", got(item)));
          }
        } else {
          add(ex->loc, "scenario.extends",
              fmt::format("expected a file name or an array of file names, got {}", got(*ex)));
        }
      }
    }

    Node merged;
    merged.loc = root.loc;
    bool ok = true;
    for (const auto& [node, rel] : parents) {
      const fs::path file = (dir / rel).lexically_normal();
      const std::string shown = file.string();
      const std::string id = identity(file);
      std::vector<std::string> names;
      for (const auto& c : chain) names.push_back(c.first);
      const auto cycle =
          std::find_if(chain.begin(), chain.end(), [&](const auto& c) { return c.second == id; });
      if (cycle != chain.end()) {
        names.push_back(shown);
        add(node->loc, "scenario.extends", fmt::format("extends cycle: {}", join(names, " -> ")));
        ok = false;
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        names.push_back(shown);
        add(node->loc, "scenario.extends",
            fmt::format("cannot read parent file '{}' (no such file or not readable); chain: {}", shown,
                        join(names, " -> ")));
        ok = false;
        continue;
      }
      std::ostringstream buf;
      buf << in.rdbuf();
      chain.emplace_back(shown, id);
      std::optional<Node> parent =
          load(buf.str(), shown, file.parent_path().empty() ? fs::path(".") : file.parent_path(), chain);
      chain.pop_back();
      if (!parent) {
        ok = false;
        continue;
      }
      merge(merged, std::move(*parent), "");
    }
    if (!ok) return std::nullopt;
    if (Node* sc = root.get_mut("scenario"); sc && sc->is_table()) sc->erase("extends");
    merge(merged, std::move(root), "");
    merged.loc = {display, 0, 0};
    return merged;
  }
};

}  // namespace

std::optional<Node> resolve_extends(const std::string& text, const std::string& name, const fs::path& dir,
                                    std::vector<std::pair<std::string, std::string>>& files,
                                    std::vector<Problem>& problems) {
  Loader loader{problems, files};
  std::vector<std::pair<std::string, std::string>> chain = {
      {name, Loader::identity(dir / fs::path(name).filename())}};
  return loader.load(text, name, dir, chain);
}

}  // namespace innosim::detail
