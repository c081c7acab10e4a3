// TreeReader: typed reads of the located tree, every problem collected.

#include "scenario/detail/tree_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace innosim::detail {

void record_locations(const Node& n, const std::string& path, std::map<std::string, SourceLoc>& locs) {
  if (!path.empty()) locs[path] = n.loc;
  if (n.t == Node::T::table)
    for (const Entry& e : n.kids) record_locations(e.value, child_path(path, e.key), locs);
  if (n.t == Node::T::array)
    for (std::size_t k = 0; k < n.items.size(); ++k)
      if (n.items[k].is_table()) record_locations(n.items[k], fmt::format("{}[{}]", path, k), locs);
}

void TreeReader::missing(const Node& table, const std::string& key, std::string_view expect) {
  add(table.loc, key, fmt::format("required but missing: expected {}", expect));
}

void TreeReader::check_keys(const Node& table, const std::string& path,
                            const std::vector<std::string>& allowed) {
  for (const Entry& e : table.kids) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    const bool section = path.empty() && (e.value.is_table() || e.value.t == Node::T::array);
    const std::string what = section ? "section" : "key";
    add(e.value.key_loc, child_path(path, e.key),
        fmt::format("unknown {} '{}'{}{}", what, e.key, did_you_mean_hint(e.key, allowed),
                    path.empty() ? "" : fmt::format(" (expected one of: {})", join(allowed))));
  }
}

const Node* TreeReader::present(const Node& table, std::string_view key, const std::string& path,
                                std::string_view expect, bool required) {
  const Node* n = table.get(key);
  if (!n && required) missing(table, path, expect);
  return n;
}

const Node* TreeReader::table_at(const Node& parent, std::string_view key, const std::string& path) {
  const Node* n = parent.get(key);
  if (!n) return nullptr;
  if (!n->is_table()) {
    add(n->loc, path, fmt::format("expected a table, got {}", got(*n)));
    return nullptr;
  }
  return n;
}

std::optional<std::string> TreeReader::string_at(const Node& table, std::string_view key,
                                                 const std::string& path, std::string_view expect,
                                                 bool required) {
  const Node* n = present(table, key, path, expect, required);
  if (!n) return std::nullopt;
  if (n->t != Node::T::string) {
    add(n->loc, path, fmt::format("expected {}, got {}", expect, got(*n)));
    return std::nullopt;
  }
  return n->s;
}

std::optional<bool> TreeReader::bool_at(const Node& table, std::string_view key, const std::string& path,
                                        std::string_view expect, bool required) {
  const Node* n = present(table, key, path, expect, required);
  if (!n) return std::nullopt;
  if (n->t != Node::T::boolean) {
    add(n->loc, path, fmt::format("expected {}, got {}", expect, got(*n)));
    return std::nullopt;
  }
  return n->b;
}

std::optional<std::string> TreeReader::choice_at(const Node& table, std::string_view key,
                                                 const std::string& path,
                                                 const std::vector<std::string>& choices, bool required) {
  std::vector<std::string> quoted;
  for (const std::string& c : choices) quoted.push_back('"' + c + '"');
  const std::string expect = "one of " + join(quoted);
  auto v = string_at(table, key, path, expect, required);
  if (!v) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *v) == choices.end()) {
    add(table.get(key)->loc, path,
        fmt::format("expected {}, got \"{}\"{}", expect, *v, did_you_mean_hint(*v, choices)));
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> TreeReader::int_value(const Node& n, const std::string& path,
                                                  std::string_view expect) {
  if (n.t != Node::T::integer) {
    add(n.loc, path, fmt::format("expected {}, got {}", expect, got(n)));
    return std::nullopt;
  }
  return n.i;
}

std::optional<int> TreeReader::year_value(const Node& n, const std::string& path, std::string_view expect) {
  auto v = int_value(n, path, expect);
  if (!v) return std::nullopt;
  if (*v < 0 || *v > 100000) {
    add(n.loc, path, fmt::format("expected {}, got {}", expect, *v));
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

std::optional<double> TreeReader::number_value(const Node& n, const std::string& path,
                                               std::string_view expect,
                                               const std::function<bool(double)>& ok) {
  if (!n.is_number()) {
    add(n.loc, path, fmt::format("expected {}, got {}", expect, got(n)));
    return std::nullopt;
  }
  const double x = n.number();
  if (!std::isfinite(x) || (ok && !ok(x))) {
    add(n.loc, path, fmt::format("expected {}, got {}", expect, fmt_num(x)));
    return std::nullopt;
  }
  return x;
}

std::optional<double> TreeReader::number_at(const Node& table, std::string_view key, const std::string& path,
                                            std::string_view expect, bool required,
                                            const std::function<bool(double)>& ok) {
  const Node* n = present(table, key, path, expect, required);
  if (!n) return std::nullopt;
  return number_value(*n, path, expect, ok);
}

}  // namespace innosim::detail
