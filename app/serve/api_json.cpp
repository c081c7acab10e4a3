// The JSON of the page's API (api_json.hpp).

#include "serve/api_json.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "innosim/util/did_you_mean.hpp"
#include "innosim/outputs/table.hpp"
#include "options.hpp"  // sampler_name

namespace innosim::app::serve {

using nlohmann::json;

namespace {

json names(const std::string& en, const std::string& zh) { return {{"name_en", en}, {"name_zh", zh}}; }

json lever_json(const Scenario& s, const Lever& l) {
  json controls = json::array();
  const int end = s.horizon.end;
  if (!l.per_region()) {
    controls.push_back({{"path", kZone}, {"plan", l.at(end)}});
  } else {
    for (std::size_t r = 0; r < s.regions.size(); ++r)
      controls.push_back({{"path", s.regions[r].id}, {"plan", l.at(end, r)}});
  }
  json j = names(l.name_en, l.name_zh);
  j["id"] = l.id;
  j["unit"] = l.unit;
  j["source"] = l.source;
  j["group"] = lever_group(l);
  j["per_region"] = l.per_region();
  j["year"] = end;
  j["controls"] = std::move(controls);
  return j;
}

}  // namespace

json scenario_json(const Scenario& s, const std::string& path, const RunResult& plan, const DrawLimits& draws) {
  json regions = json::array();
  for (const Region& r : s.regions) {
    json j = names(r.name_en, r.name_zh);
    j["id"] = r.id;
    regions.push_back(std::move(j));
  }
  json indicators = json::array();
  for (std::size_t i = 0; i < plan.shape.indicators.size(); ++i) {
    const std::string& id = plan.shape.indicators[i];
    const IndicatorNames* n = s.indicator(id);
    json j = names(n ? n->name_en : id, n ? n->name_zh : "");
    j["id"] = id;
    j["unit"] = n && !n->unit.empty() ? n->unit : plan.shape.units[i];
    indicators.push_back(std::move(j));
  }
  json groups = json::array();
  for (const LeverGroup& g : lever_groups()) {
    json j = names(g.name_en, g.name_zh);
    j["id"] = g.id;
    groups.push_back(std::move(j));
  }
  json levers = json::array();
  for (const Lever& l : s.levers) levers.push_back(lever_json(s, l));
  json targets = json::array();
  for (const Target& t : s.targets)
    targets.push_back({{"indicator", t.indicator},
                       {"region", t.region},
                       {"year", t.year},
                       {"kind", t.binding ? "binding" : "expected"},
                       {"sense", sense_name(t.sense)},
                       {"target", t.value}});
  return {
      {"name", s.name},
      {"description", s.description},
      {"file", path},
      {"model", s.model},
      {"seed", s.run.seed},
      {"sampler", sampler_name(s.run.sampler)},
      {"draws", {{"quick", draws.quick}, {"full", draws.full}, {"max", draws.max}}},
      {"horizon", {{"start", s.horizon.start}, {"end", s.horizon.end}}},
      {"report_years", plan.shape.years},
      {"regions", std::move(regions)},
      {"indicators", std::move(indicators)},
      {"groups", std::move(groups)},
      {"levers", std::move(levers)},
      {"targets", std::move(targets)},
  };
}

json result_json(const Scenario& s, const RunResult& r) {
  const TableContext ctx{s.name, s.regions, s.indicators, r.info, false};
  json table = json::parse(format_target_table(r.table, ctx, TableFormat::json));
  const ResultShape& shape = r.shape;
  // The zone comes right after the regions (then the territory, if any).
  const std::size_t zone = s.regions.size();
  const auto& levels = r.summary.quantile_levels;
  const std::size_t L = levels.size();
  json fan = json::object();
  for (std::size_t i = 0; i < shape.num_indicators(); ++i) {
    json q = json::array(), mean = json::array();
    for (std::size_t k = 0; k < L; ++k) q.push_back(json::array());
    for (std::size_t y = 0; y < shape.num_years(); ++y) {
      const std::size_t series = shape.index(i, zone, y);
      for (std::size_t k = 0; k < L; ++k) q[k].push_back(r.summary.quantiles[series * L + k]);
      mean.push_back(r.summary.mean[series]);
    }
    fan[shape.indicators[i]] = {{"quantiles", std::move(q)}, {"mean", std::move(mean)}};
  }
  return {{"name", r.name},
          {"draws", r.draws},
          {"seconds", r.info.seconds},
          {"table", std::move(table)},
          {"fan", {{"years", shape.years}, {"levels", levels}, {"zone", std::move(fan)}}}};
}

Setting parse_setting(const Scenario& s, const json& levers) {
  if (!levers.is_object())
    throw BadRequest(fmt::format("levers: expected an object {{\"lever id\": {{\"{}\" or a region id: value}}}}, got {}",
                                 kZone, levers.type_name()));
  std::vector<std::string> ids;
  for (const Lever& l : s.levers) ids.push_back(l.id);
  std::vector<std::string> region_ids;
  for (const Region& r : s.regions) region_ids.push_back(r.id);
  Setting out;
  for (const auto& [id, paths] : levers.items()) {
    const Lever* l = s.lever(id);
    if (!l) throw BadRequest(fmt::format("levers.{}: no lever '{}' in {}{}", id, id, s.name, did_you_mean_hint(id, ids)));
    if (!paths.is_object())
      throw BadRequest(fmt::format("levers.{}: expected an object {{\"{}\": value}}, got {}", id,
                                   l->per_region() ? region_ids.front() : kZone, paths.type_name()));
    for (const auto& [path, value] : paths.items()) {
      const std::string where = fmt::format("levers.{}.{}", id, path);
      if (!l->per_region() && path != kZone)
        throw BadRequest(fmt::format("{}: lever '{}' has one zone-wide path; expected \"{}\"", where, id, kZone));
      if (l->per_region() && !s.region_index(path))
        throw BadRequest(fmt::format("{}: lever '{}' has one path per region; expected one of {}", where, id,
                                     fmt::join(region_ids, ", ")));
      if (!value.is_number())
        throw BadRequest(fmt::format("{}: expected a number in the lever's unit ({}), got {}", where, l->unit,
                                     value.type_name()));
      out[{id, path}] = value.get<double>();
    }
  }
  return out;
}

}  // namespace innosim::app::serve
