// ScenarioReader: the order of the sections, and what their readers share.

#include "scenario/detail/scenario_reader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace innosim::detail {

UnitRule unit_rule(std::string_view unit, bool lever) {
  const auto any = [](double) { return true; };
  const auto nonneg = [](double x) { return x >= 0; };
  const auto unit01 = [](double x) { return x >= 0 && x <= 1; };
  if (unit == "yuan") return {"a non-negative amount in yuan", nonneg, 0.0};
  if (unit == "share") return {"a share in [0, 1]", unit01, 0.0, 1.0};
  if (unit == "probability") return {"a probability in [0, 1]", unit01, 0.0, 1.0};
  if (unit == "rate") {
    if (lever) return {"a non-negative rate per year", nonneg, 0.0};
    return {"a finite rate per year", any};
  }
  if (unit == "%") return {"a finite percentage", any};
  if (unit == "count") return {"a non-negative count", nonneg, 0.0};
  if (unit == "1") return {"a finite number", any};
  if (unit == "switch")
    return {"a switch value, 0 or 1", [](double x) { return x == 0 || x == 1; }, 0.0, 1.0};
  if (unit == "years") return {"a positive duration in years", [](double x) { return x > 0; }, 0.0};
  return {fmt::format("a finite number (unit '{}')", unit), any};
}

const std::vector<std::string>& all_distribution_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out = {"dist"};
    for (const DistributionKind& k : distribution_kinds())
      for (std::string_view key : k.keys)
        if (std::find(out.begin(), out.end(), key) == out.end()) out.emplace_back(key);
    return out;
  }();
  return keys;
}

void ScenarioReader::run(const Node& root) {
  record_locations(root, "", s_.locs);
  check_keys(root, "",
             {"scenario", "horizon", "run", "verdict", "regions", "territory", "indicators", "levers",
              "parameters", "correlations", "targets", "model_options", "model_matrices", "posterior",
              "sensitivity", "index"});
  read_scenario(root);
  read_horizon(root);
  read_run(root);
  read_verdict(root);
  read_posterior(root);
  read_regions(root);
  read_territory(root);
  read_indicators(root);
  read_levers(root);
  read_parameters(root);
  read_correlations(root);
  read_targets(root);
  read_options(root);
  read_matrices(root);
  read_sensitivity(root);
  read_index(root);
}

// A lever or parameter without a unit whose id is a near miss of one that
// has a unit: almost always a what-if overriding an inherited entry under a
// misspelt id. Says so, with "did you mean", instead of "unit missing".
bool ScenarioReader::unknown_override(const Node& section, const Entry& e, std::string_view what) {
  if (e.value.get("unit")) return false;
  if (full()) {  // the problem would only be counted: either message counts once
    add(e.value.loc, std::string(what == "lever" ? "levers." : "parameters.") + e.key, "");
    return true;
  }
  if (defined_in_ != &section) {
    defined_in_ = &section;
    defined_.clear();
    for (const Entry& k : section.kids)
      if (k.value.is_table() && k.value.get("unit")) defined_.push_back(k.key);
  }
  const std::string best = did_you_mean(e.key, defined_);
  if (best.empty()) return false;
  add(e.value.loc, std::string(what == "lever" ? "levers." : "parameters.") + e.key,
      fmt::format("no {} '{}' is defined here or in the files this one extends (a new {} needs a unit) "
                  "— did you mean '{}'?",
                  what, e.key, what, best));
  return true;
}

std::optional<std::string> ScenarioReader::indicator_at(const Node& table, std::string_view key,
                                                        const std::string& path, bool required, bool& ok) {
  auto v = string_at(table, key, path, "an indicator id (a string)", required);
  if (!v) {
    if (required || table.get(key)) ok = false;
    return v;
  }
  if (!s_.indicator(*v)) {
    std::vector<std::string> ids;
    for (const IndicatorNames& n : s_.indicators) ids.push_back(n.id);
    add(table.get(key)->loc, path,
        fmt::format("unknown indicator '{}': expected one listed in [indicators]{}", *v, did_you_mean_hint(*v, ids)));
    ok = false;
  }
  return v;
}

std::vector<std::string> ScenarioReader::region_ids() const {
  std::vector<std::string> ids;
  for (const Region& r : s_.regions) ids.push_back(r.id);
  return ids;
}

// A by_region table: every key a region, every region present.
bool ScenarioReader::check_by_region(const Node& br, const std::string& path) {
  bool ok = true;
  const auto ids = region_ids();
  if (s_.regions.empty()) {
    add(br.loc, path, "expected a table over the regions, but the scenario has no [[regions]]");
    return false;
  }
  for (const Entry& e : br.kids) {
    if (std::find(ids.begin(), ids.end(), e.key) == ids.end()) {
      add(e.value.key_loc, child_path(path, e.key),
          fmt::format("unknown region '{}'{} (regions: {})", e.key, did_you_mean_hint(e.key, ids),
                      join(ids)));
      ok = false;
    }
  }
  for (const std::string& id : ids) {
    if (!br.get(id)) {
      add(br.loc, child_path(path, id),
          fmt::format("required but missing: by_region must give every region, and '{}' is not given", id));
      ok = false;
    }
  }
  return ok;
}

}  // namespace innosim::detail
