// Lever controls and the what-if scenario of a setting (whatif.hpp).

#include "serve/whatif.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "innosim/outputs/text.hpp"  // exact_number, json_string

namespace innosim::app::serve {

const std::vector<LeverGroup>& lever_groups() {
  static const std::vector<LeverGroup> groups = {
      {"money", "Money", "资金"},
      {"tax", "Tax", "税收"},
      {"programmes", "Programmes", "计划与工程"},
      {"platforms", "Platforms", "平台"},
      {"other", "Other levers", "其他"},
  };
  return groups;
}

std::string lever_group(const Lever& l) {
  const std::string_view id = l.id;
  const auto has = [&](std::string_view part) { return id.find(part) != std::string_view::npos; };
  if (has("tax") || has("deduction")) return "tax";
  if (id.starts_with("platform")) return "platforms";
  if (l.unit == "yuan" || id.starts_with("fund_use_") || id.ends_with("_allocation")) return "money";
  if (l.unit == "switch" || l.unit == "count") return "programmes";
  return "other";
}

YearSeries apply_control(const YearSeries& plan, int start, int end, double value) {
  YearSeries out = plan;
  // A path that changes nothing after the start year gets a point in the
  // first simulated year, with the value it has there (the path is unchanged).
  if (std::none_of(out.years.begin(), out.years.end(), [&](int y) { return y > start; }) && start < end) {
    out.years.push_back(start + 1);
    out.values.push_back(plan.at(start + 1));
  }
  const double last = plan.at(end);
  for (std::size_t k = 0; k < out.years.size(); ++k) {
    if (out.years[k] <= start) continue;
    out.values[k] = last != 0 ? out.values[k] * (value / last) : value;
  }
  return out;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

namespace {

std::string toml_numbers(const std::vector<double>& v) {
  std::vector<std::string> s;
  for (const double x : v) s.push_back(exact_number(x));
  return fmt::format("[{}]", fmt::join(s, ", "));
}

std::string toml_path(const YearSeries& s) {
  return fmt::format("years = [{}]\nvalues = {}\n", fmt::join(s.years, ", "), toml_numbers(s.values));
}

// Why the lever's values differ from the plan, for its `source`.
std::string change_note(const Scenario& base, const Lever& l, const std::vector<std::pair<std::string, double>>& set) {
  std::vector<std::string> parts;
  for (const auto& [region, v] : set) {
    const std::size_t r = l.per_region() ? *base.region_index(region) : 0;
    const double plan = l.at(base.horizon.end, r);
    parts.push_back(fmt::format("{}{} in {} instead of {}", l.per_region() ? region + ": " : "", exact_number(v),
                                base.horizon.end, exact_number(plan)));
  }
  return fmt::format("what-if made with innosim serve on {}: {} {} ({})", base.name, l.id, fmt::join(parts, "; "),
                     l.unit);
}

}  // namespace

WhatIf make_whatif(const Scenario& base, const std::string& base_path, const Setting& setting) {
  const int start = base.horizon.start, end = base.horizon.end;
  // The changed entries of each lever, in the scenario's lever order.
  std::string levers;
  std::size_t changed = 0;
  for (const Lever& l : base.levers) {
    std::vector<std::pair<std::string, double>> set;
    for (const auto& [key, v] : setting) {
      if (key.first != l.id) continue;
      const bool zone = key.second == kZone;
      if (zone == l.per_region() || (!zone && !base.region_index(key.second)))
        throw std::invalid_argument(fmt::format("lever '{}' has no path '{}'", l.id, key.second));
      const std::size_t r = zone ? 0 : *base.region_index(key.second);
      if (v != l.at(end, r)) set.emplace_back(key.second, v);
    }
    if (set.empty()) continue;
    ++changed;
    levers += fmt::format("\n[levers.{}]\nsource = {}\n", l.id, json_string(change_note(base, l, set)));
    if (!l.per_region()) {
      levers += toml_path(apply_control(*l.zone, start, end, set.front().second));
      continue;
    }
    for (const auto& [region, v] : set)
      levers += fmt::format("\n[levers.{}.by_region.{}]\n{}", l.id, region,
                            toml_path(apply_control(l.by_region[*base.region_index(region)], start, end, v)));
  }
  for (const auto& [key, v] : setting)
    if (!base.lever(key.first)) throw std::invalid_argument(fmt::format("no lever '{}'", key.first));
  if (changed == 0) return {base.name, ""};

  WhatIf w;
  w.name = fmt::format("{}-whatif-{:016x}", base.name, fnv1a(base.name + levers));
  w.toml = fmt::format(
      "# A what-if made with `innosim serve`: the levers changed on the page, on top of\n"
      "# {}. Run it with `innosim run` (same seed and draws as the page: -n DRAWS).\n\n"
      "[scenario]\nname = {}\nextends = {}\ndescription = {}\n{}",
      base.name, json_string(w.name), json_string(base_path),
      json_string(fmt::format("{} with {} lever{} changed on the innosim serve page", base.name, changed,
                              changed == 1 ? "" : "s")),
      levers);
  return w;
}

}  // namespace innosim::app::serve
