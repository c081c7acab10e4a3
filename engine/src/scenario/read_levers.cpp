// [levers]: each lever's yearly path for the zone or for every region, checked against its unit and the
// horizon.

#include <fmt/format.h>

#include <algorithm>

#include "scenario/detail/scenario_reader.hpp"

namespace innosim::detail {

std::optional<YearSeries> ScenarioReader::read_series(const Node& t, const std::string& path,
                                                      const std::string& unit, Interp rule) {
  const Node* years = t.get("years");
  const Node* values = t.get("values");
  if (!years) missing(t, path + ".years", "an array of years");
  if (!values) missing(t, path + ".values", "an array of numbers, one per year");
  if (!years || !values) return std::nullopt;
  bool ok = true;
  if (years->t != Node::T::array || years->items.empty()) {
    add(years->loc, path + ".years", fmt::format("expected a non-empty array of years, got {}", got(*years)));
    ok = false;
  }
  if (values->t != Node::T::array || values->items.empty()) {
    add(values->loc, path + ".values",
        fmt::format("expected a non-empty array of numbers, got {}", got(*values)));
    ok = false;
  }
  if (!ok) return std::nullopt;
  YearSeries series;
  series.rule = rule;
  const std::string expect =
      horizon_ok_ ? fmt::format("a year in [{}, {}] (the horizon)", s_.horizon.start, s_.horizon.end)
                  : std::string("an integer year");
  std::optional<int> prev;
  for (std::size_t k = 0; k < years->items.size(); ++k) {
    const std::string p = fmt::format("{}.years[{}]", path, k);
    auto y = year_value(years->items[k], p, expect);
    if (!y) {
      ok = false;
      continue;
    }
    if (horizon_ok_ && (*y < s_.horizon.start || *y > s_.horizon.end)) {
      add(years->items[k].loc, p, fmt::format("expected {}, got {}", expect, *y));
      ok = false;
    } else if (prev && *y <= *prev) {
      add(years->items[k].loc, p,
          fmt::format("expected years in strictly increasing order, got {} after {}", *y, *prev));
      ok = false;
    }
    prev = y;
    series.years.push_back(*y);
  }
  const UnitRule u = unit_rule(unit, true);
  for (std::size_t k = 0; k < values->items.size(); ++k) {
    auto v = number_value(values->items[k], fmt::format("{}.values[{}]", path, k), u.expect, u.ok);
    if (!v) {
      ok = false;
      continue;
    }
    series.values.push_back(*v);
  }
  if (years->items.size() != values->items.size()) {
    add(values->loc, path + ".values",
        fmt::format("expected {} values (one per year in {}.years), got {}", years->items.size(), path,
                    values->items.size()));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return series;
}

void ScenarioReader::read_levers(const Node& root) {
  const Node* t = table_at(root, "levers", "levers");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "levers." + e.key;
    if (!is_identifier(e.key))
      add(e.value.key_loc, path, fmt::format("expected a lever id (letters, digits, _), got \"{}\"", e.key));
    if (!e.value.is_table()) {
      add(e.value.loc, path,
          fmt::format("expected a table (unit, years, values, ...), got {}", got(e.value)));
      continue;
    }
    const Node& l = e.value;
    if (unknown_override(*t, e, "lever")) continue;
    check_keys(l, path, {"unit", "name_en", "name_zh", "source", "rule", "years", "values", "by_region"});
    Lever lever;
    lever.id = e.key;
    lever.where = l.loc;
    auto unit = string_at(l, "unit", path + ".unit",
                          "a unit (a string such as \"yuan\", \"share\", \"count\")", true);
    if (unit) lever.unit = *unit;
    if (auto v = string_at(l, "name_en", path + ".name_en", "a string", false)) lever.name_en = *v;
    if (auto v = string_at(l, "name_zh", path + ".name_zh", "a string", false)) lever.name_zh = *v;
    if (auto v = string_at(l, "source", path + ".source", "a string", false)) lever.source = *v;
    Interp rule = Interp::step;
    if (auto v = choice_at(l, "rule", path + ".rule", {"step", "linear"}, false))
      rule = *v == "linear" ? Interp::linear : Interp::step;
    const Node* br = l.get("by_region");
    if (br && (l.get("years") || l.get("values"))) {
      add(br->key_loc, path + ".by_region",
          "expected either years/values (one path for the zone) or by_region (one path per region), got "
          "both");
      continue;
    }
    if (!unit) continue;
    if (!br) {
      if (!l.get("years") && !l.get("values")) {
        missing(l, path + ".values", "years and values (or by_region with one path per region)");
        continue;
      }
      if (auto s = read_series(l, path, lever.unit, rule)) {
        lever.zone = std::move(*s);
        s_.levers.push_back(std::move(lever));
      }
      continue;
    }
    if (!br->is_table()) {
      add(br->loc, path + ".by_region", fmt::format("expected a table over the regions, got {}", got(*br)));
      continue;
    }
    if (!regions_ok_ || !check_by_region(*br, path + ".by_region")) continue;
    bool ok = true;
    for (const Region& r : s_.regions) {
      const Node& rt = *br->get(r.id);
      const std::string rp = path + ".by_region." + r.id;
      if (!rt.is_table()) {
        add(rt.loc, rp, fmt::format("expected a table {{ years = [...], values = [...] }}, got {}", got(rt)));
        ok = false;
        continue;
      }
      check_keys(rt, rp, {"years", "values"});
      auto s = read_series(rt, rp, lever.unit, rule);
      if (!s) {
        ok = false;
        continue;
      }
      lever.by_region.push_back(std::move(*s));
    }
    if (ok) s_.levers.push_back(std::move(lever));
  }
}

}  // namespace innosim::detail
