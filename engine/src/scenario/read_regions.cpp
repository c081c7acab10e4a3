// [[regions]], [territory] and [indicators]: the regions in order (in the zone or not), the
// territory they make up, and the names and units of indicators.

#include <fmt/format.h>

#include <map>
#include <algorithm>

#include "scenario/detail/scenario_reader.hpp"

namespace innosim::detail {

void ScenarioReader::read_regions(const Node& root) {
  const Node* a = root.get("regions");
  if (!a) return;
  if (a->t != Node::T::array) {
    add(a->loc, "regions", fmt::format("expected an array of tables ([[regions]]), got {}", got(*a)));
    regions_ok_ = false;
    return;
  }
  std::map<std::string, SourceLoc> seen;
  for (std::size_t k = 0; k < a->items.size(); ++k) {
    const Node& r = a->items[k];
    const std::string path = fmt::format("regions[{}]", k);
    if (!r.is_table()) {
      add(r.loc, path, fmt::format("expected a table with id, name_en, name_zh, got {}", got(r)));
      regions_ok_ = false;
      continue;
    }
    check_keys(r, path, {"id", "name_en", "name_zh", "in_zone"});
    Region region;
    auto id = string_at(r, "id", path + ".id", "a region id (letters, digits, _)", true);
    if (!id) {
      regions_ok_ = false;
      continue;
    }
    const SourceLoc& at = r.get("id")->loc;
    if (!is_identifier(*id)) {
      add(at, path + ".id", fmt::format("expected a region id (letters, digits, _), got \"{}\"", *id));
      regions_ok_ = false;
      continue;
    }
    if (*id == "zone") {
      add(at, path + ".id",
          "expected a region id other than \"zone\" (reserved for the sum over regions), got \"zone\"");
      regions_ok_ = false;
      continue;
    }
    if (auto it = seen.find(*id); it != seen.end()) {
      add(at, path + ".id",
          fmt::format("duplicate region id \"{}\" (first given at {})", *id, it->second.to_string()));
      regions_ok_ = false;
      continue;
    }
    seen.emplace(*id, at);
    region.id = *id;
    if (auto v = string_at(r, "name_en", path + ".name_en", "a string", false)) region.name_en = *v;
    if (auto v = string_at(r, "name_zh", path + ".name_zh", "a string", false)) region.name_zh = *v;
    if (auto v = bool_at(r, "in_zone", path + ".in_zone", "true or false (whether the region is in the zone)",
                         false))
      region.in_zone = *v;
    s_.regions.push_back(std::move(region));
  }
  if (!s_.regions.empty() &&
      std::none_of(s_.regions.begin(), s_.regions.end(), [](const Region& r) { return r.in_zone; }))
    add(a->loc, "regions", "expected at least one region in the zone (every region has in_zone = false)");
}

void ScenarioReader::read_territory(const Node& root) {
  const Node* t = table_at(root, "territory", "territory");
  if (!t) return;
  check_keys(*t, "territory", {"id", "name_en", "name_zh"});
  auto id = string_at(*t, "id", "territory.id", "an id for the whole territory (letters, digits, _)", true);
  if (!id) return;
  const SourceLoc& at = t->get("id")->loc;
  if (!is_identifier(*id)) {
    add(at, "territory.id", fmt::format("expected an id (letters, digits, _), got \"{}\"", *id));
    return;
  }
  if (*id == "zone") {
    add(at, "territory.id", "expected an id other than \"zone\" (the sum over the zone's regions), got \"zone\"");
    return;
  }
  if (s_.region_index(*id)) {
    add(at, "territory.id",
        fmt::format("expected an id other than the regions' (the territory sums them all), got \"{}\"", *id));
    return;
  }
  Territory out;
  out.id = *id;
  out.where = t->loc;
  if (auto v = string_at(*t, "name_en", "territory.name_en", "a string", false)) out.name_en = *v;
  if (auto v = string_at(*t, "name_zh", "territory.name_zh", "a string", false)) out.name_zh = *v;
  s_.territory = std::move(out);
}

void ScenarioReader::read_indicators(const Node& root) {
  const Node* t = table_at(root, "indicators", "indicators");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "indicators." + e.key;
    if (!is_identifier(e.key))
      add(e.value.key_loc, path,
          fmt::format("expected an indicator id (letters, digits, _), got \"{}\"", e.key));
    if (!e.value.is_table()) {
      add(e.value.loc, path,
          fmt::format("expected a table with name_en, name_zh, unit, got {}", got(e.value)));
      continue;
    }
    check_keys(e.value, path, {"name_en", "name_zh", "unit"});
    IndicatorNames n;
    n.id = e.key;
    if (auto v = string_at(e.value, "name_en", path + ".name_en", "a string", false)) n.name_en = *v;
    if (auto v = string_at(e.value, "name_zh", path + ".name_zh", "a string", false)) n.name_zh = *v;
    if (auto v = string_at(e.value, "unit", path + ".unit", "a unit (a string)", false)) n.unit = *v;
    s_.indicators.push_back(std::move(n));
  }
}

}  // namespace innosim::detail
