// [[targets]]: indicator, region, year, value, kind and sense of each plan target.

#include <fmt/format.h>

#include <algorithm>

#include "scenario/detail/scenario_reader.hpp"

namespace innosim::detail {

void ScenarioReader::read_targets(const Node& root) {
  const Node* a = root.get("targets");
  if (!a) return;
  if (a->t != Node::T::array) {
    add(a->loc, "targets", fmt::format("expected an array of tables ([[targets]]), got {}", got(*a)));
    return;
  }
  std::vector<std::string> region_choices = s_.aggregate_ids();
  for (const std::string& id : region_ids()) region_choices.push_back(id);
  for (std::size_t k = 0; k < a->items.size(); ++k) {
    const Node& t = a->items[k];
    const std::string path = fmt::format("targets[{}]", k);
    if (!t.is_table()) {
      add(t.loc, path, fmt::format("expected a table (indicator, year, value, ...), got {}", got(t)));
      continue;
    }
    check_keys(t, path, {"indicator", "region", "year", "value", "kind", "sense", "note"});
    Target target;
    target.where = t.loc;
    bool ok = true;
    const IndicatorNames* ind = nullptr;
    if (auto v = indicator_at(t, "indicator", path + ".indicator", true, ok)) {
      ind = s_.indicator(*v);
      target.indicator = *v;
    }
    if (auto v = string_at(t, "region", path + ".region", "\"zone\", the territory or a region id", false)) {
      if (regions_ok_ &&
          std::find(region_choices.begin(), region_choices.end(), *v) == region_choices.end()) {
        add(t.get("region")->loc, path + ".region",
            fmt::format("unknown region '{}'{} (expected one of: {})", *v,
                        did_you_mean_hint(*v, region_choices), join(region_choices)));
        ok = false;
      }
      target.region = *v;
    } else if (t.get("region")) {
      ok = false;
    } else {
      target.region = "zone";
    }
    const std::string year_expect =
        horizon_ok_ ? fmt::format("a year in ({}, {}] (after the start year, within the horizon)",
                                  s_.horizon.start, s_.horizon.end)
                    : std::string("an integer year");
    if (const Node* y = t.get("year")) {
      if (auto v = year_value(*y, path + ".year", year_expect)) {
        if (horizon_ok_ && (*v <= s_.horizon.start || *v > s_.horizon.end)) {
          add(y->loc, path + ".year", fmt::format("expected {}, got {}", year_expect, *v));
          ok = false;
        }
        target.year = *v;
      } else {
        ok = false;
      }
    } else {
      missing(t, path + ".year", year_expect);
      ok = false;
    }
    const UnitRule u = unit_rule(ind && !ind->unit.empty() ? ind->unit : "1", false);
    if (auto v = number_at(t, "value", path + ".value", u.expect, true, u.ok))
      target.value = *v;
    else
      ok = false;
    if (auto v = choice_at(t, "kind", path + ".kind", {"binding", "expected"}, false))
      target.binding = *v == "binding";
    else if (t.get("kind"))
      ok = false;
    if (auto v = choice_at(t, "sense", path + ".sense", {"at_least", "at_most"}, false))
      target.sense = *v == "at_least" ? Sense::at_least : Sense::at_most;
    else if (t.get("sense"))
      ok = false;
    if (auto v = string_at(t, "note", path + ".note", "a string", false)) target.note = *v;
    if (ok) s_.targets.push_back(std::move(target));
  }
}

}  // namespace innosim::detail
