// [sensitivity]: the groups of parameters for `innosim sensitivity`.

#include <fmt/format.h>

#include <algorithm>

#include "scenario/detail/scenario_reader.hpp"

namespace innosim {

namespace {

// Glob match with * (any run) and ? (one character); everything else literal.
bool glob(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool parameter_matches(std::string_view pattern, std::string_view id) {
  if (glob(pattern, id)) return true;
  const auto open = id.find('[');
  return open != std::string_view::npos && glob(pattern, id.substr(0, open));
}

namespace detail {

// [sensitivity.groups]: name = [patterns]; each pattern must match a
// parameter, and no parameter may be in two groups.
void ScenarioReader::read_sensitivity(const Node& root) {
  const Node* t = table_at(root, "sensitivity", "sensitivity");
  if (!t) return;
  check_keys(*t, "sensitivity", {"groups"});
  const Node* g = table_at(*t, "groups", "sensitivity.groups");
  if (!g) return;
  std::vector<std::string> ids, names;
  for (const Parameter& p : s_.parameters) {
    ids.push_back(p.id);
    const std::string base = p.id.substr(0, p.id.find('['));
    if (std::find(names.begin(), names.end(), base) == names.end()) names.push_back(base);
  }
  names.insert(names.end(), ids.begin(), ids.end());
  std::vector<std::string> owner(s_.parameters.size());  // group already naming each parameter
  for (const Entry& e : g->kids) {
    const std::string path = "sensitivity.groups." + e.key;
    if (e.value.t != Node::T::array || e.value.items.empty()) {
      add(e.value.loc, path,
          fmt::format("expected a non-empty array of parameter names or patterns, got {}", got(e.value)));
      continue;
    }
    ParameterGroup group;
    group.name = e.key;
    group.where = e.value.loc;
    bool ok = true;
    for (std::size_t k = 0; k < e.value.items.size(); ++k) {
      const Node& item = e.value.items[k];
      const std::string ipath = fmt::format("{}[{}]", path, k);
      if (item.t != Node::T::string) {
        add(item.loc, ipath, fmt::format("expected a parameter name or pattern (a string), got {}", got(item)));
        ok = false;
        continue;
      }
      bool any = false;
      for (std::size_t j = 0; j < s_.parameters.size(); ++j) {
        if (!parameter_matches(item.s, s_.parameters[j].id)) continue;
        any = true;
        if (!owner[j].empty() && owner[j] != e.key) {
          add(item.loc, ipath,
              fmt::format("parameter '{}' is already in group '{}': a parameter belongs to one group at most",
                          s_.parameters[j].id, owner[j]));
          ok = false;
        }
        owner[j] = e.key;
      }
      if (!any) {
        add(item.loc, ipath,
            fmt::format("'{}' matches no parameter{} (a parameter id, the base name of a per-region "
                        "parameter, or a pattern with * and ?)",
                        item.s, did_you_mean_hint(item.s, names)));
        ok = false;
      }
      group.patterns.push_back(item.s);
    }
    if (ok) s_.sensitivity.groups.push_back(std::move(group));
  }
}

}  // namespace detail

}  // namespace innosim
