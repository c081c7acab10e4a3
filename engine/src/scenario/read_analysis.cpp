// [sensitivity] (groups of parameters for `innosim sensitivity`) and [index]
// (the composite innovation index of every run).

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

std::optional<IndexComponent> ScenarioReader::read_index_component(const Node& c, const std::string& path) {
  check_keys(c, path, {"indicator", "per", "per_scale", "weight", "normalisation", "standard", "better", "cap", "source"});
  IndexComponent comp;
  comp.where = c.loc;
  bool ok = true;
  if (auto v = indicator_at(c, "indicator", path + ".indicator", true, ok)) comp.indicator = *v;
  if (auto v = indicator_at(c, "per", path + ".per", false, ok)) comp.per = *v;
  if (auto v = number_at(c, "per_scale", path + ".per_scale", "a positive factor", false, [](double x) { return x > 0; }))
    comp.per_scale = *v;
  else if (c.get("per_scale"))
    ok = false;
  if (auto v = number_at(c, "weight", path + ".weight", "a positive weight", true, [](double x) { return x > 0; }))
    comp.weight = *v;
  else
    ok = false;
  if (auto v = choice_at(c, "normalisation", path + ".normalisation", {"standard", "min_max"}, false))
    comp.normalisation = *v == "standard" ? IndexNormalisation::standard : IndexNormalisation::min_max;
  else if (c.get("normalisation"))
    ok = false;
  if (auto v = choice_at(c, "better", path + ".better", {"higher", "lower"}, false))
    comp.higher_is_better = *v == "higher";
  else if (c.get("better"))
    ok = false;
  const bool standard = comp.normalisation == IndexNormalisation::standard;
  if (auto v = number_at(c, "standard", path + ".standard",
                         "a positive value that scores 100 (required by normalisation \"standard\")", standard,
                         [](double x) { return x > 0; })) {
    comp.standard = *v;
    if (!standard) {
      add(c.get("standard")->loc, path + ".standard", "only normalisation \"standard\" takes a standard value");
      ok = false;
    }
  } else if (standard) {
    ok = false;
  }
  if (const Node* cap = c.get("cap")) {
    if (cap->t != Node::T::boolean) {
      add(cap->loc, path + ".cap", fmt::format("expected true or false, got {}", got(*cap)));
      ok = false;
    } else if (!standard) {
      add(cap->loc, path + ".cap", "only normalisation \"standard\" is capped");
      ok = false;
    } else {
      comp.cap = cap->b;
    }
  }
  if (auto v = string_at(c, "source", path + ".source", "a string", false)) comp.source = *v;
  if (!ok) return std::nullopt;
  return comp;
}

// [index]: names, source and [[index.components]].
void ScenarioReader::read_index(const Node& root) {
  const Node* t = table_at(root, "index", "index");
  if (!t) return;
  check_keys(*t, "index", {"name_en", "name_zh", "source", "regions", "components"});
  InnovationIndexSpec spec;
  spec.where = t->loc;
  bool ok = true;
  if (auto v = string_at(*t, "name_en", "index.name_en", "a string", false)) spec.name_en = *v;
  if (auto v = string_at(*t, "name_zh", "index.name_zh", "a string", false)) spec.name_zh = *v;
  if (auto v = string_at(*t, "source", "index.source", "a string", false)) spec.source = *v;
  if (const Node* r = t->get("regions")) {
    const auto ids = region_ids();
    if (r->t != Node::T::array || r->items.empty()) {
      add(r->loc, "index.regions", fmt::format("expected a non-empty array of region ids, got {}", got(*r)));
      ok = false;
    } else {
      for (std::size_t k = 0; k < r->items.size(); ++k) {
        const Node& item = r->items[k];
        const std::string path = fmt::format("index.regions[{}]", k);
        if (item.t != Node::T::string || std::find(ids.begin(), ids.end(), item.s) == ids.end()) {
          add(item.loc, path,
              fmt::format("expected a region id, got {}{} (regions: {})", got(item),
                          item.t == Node::T::string ? did_you_mean_hint(item.s, ids) : "", join(ids)));
          ok = false;
        } else if (std::find(spec.regions.begin(), spec.regions.end(), item.s) != spec.regions.end()) {
          add(item.loc, path, fmt::format("region '{}' is listed twice", item.s));
          ok = false;
        } else {
          spec.regions.push_back(item.s);
        }
      }
    }
  }
  const Node* a = t->get("components");
  if (!a) {
    missing(*t, "index.components", "an array of tables ([[index.components]]), one per indicator");
    return;
  }
  if (a->t != Node::T::array || a->items.empty()) {
    add(a->loc, "index.components",
        fmt::format("expected a non-empty array of tables ([[index.components]]), got {}", got(*a)));
    return;
  }
  for (std::size_t k = 0; k < a->items.size(); ++k) {
    const Node& c = a->items[k];
    const std::string path = fmt::format("index.components[{}]", k);
    if (!c.is_table()) {
      add(c.loc, path, fmt::format("expected a table (indicator, weight, ...), got {}", got(c)));
      ok = false;
      continue;
    }
    auto comp = read_index_component(c, path);
    if (!comp) {
      ok = false;
      continue;
    }
    for (const IndexComponent& other : spec.components)
      if (other.indicator == comp->indicator) {
        add(c.get("indicator")->loc, path + ".indicator",
            fmt::format("indicator '{}' is already a component of the index", comp->indicator));
        ok = false;
      }
    spec.components.push_back(std::move(*comp));
  }
  if (ok) s_.index = std::move(spec);
}

}  // namespace detail

}  // namespace innosim
