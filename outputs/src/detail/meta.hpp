#pragma once
// The /meta group (region and indicator names and units), the scenario's
// display names and the target definitions that run files and sweep files share (docs/hdf5-schema.md). Internal to innosim::outputs.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "h5.hpp"
#include "run_file.hpp"
#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim::detail {

// The time now, ISO 8601 in UTC ("2026-12-01T09:30:00Z").
inline std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The root attributes that say what a file is and what made it.
struct FileIdentity {
  const char* file_type;  // "innosim-run", "innosim-sweep", ...
  int format_version;
  const std::string& engine_version;
  const std::string& git_sha;
  const std::string& model;  // empty: the scenario's
  std::uint64_t seed;
  const std::string& sampler;
  bool created_utc;  // also the time of writing
};

// file_type, format_version, engine_version, git_sha, [created_utc],
// scenario_name, model, seed, sampler.
inline void write_identity(hid_t root, const Scenario& s, const FileIdentity& id, const h5::Where& w) {
  h5::write_attr_string(root, "file_type", id.file_type, w);
  h5::write_attr<std::int32_t>(root, "format_version", id.format_version, w);
  h5::write_attr_string(root, "engine_version", id.engine_version, w);
  h5::write_attr_string(root, "git_sha", id.git_sha, w);
  if (id.created_utc) h5::write_attr_string(root, "created_utc", utc_now_iso8601(), w);
  h5::write_attr_string(root, "scenario_name", s.name, w);
  // display names (name_en falls back to the id; name_zh may be empty) and descriptions
  h5::write_attr_string(root, "scenario_name_en", s.name_en.empty() ? s.name : s.name_en, w);
  h5::write_attr_string(root, "scenario_name_zh", s.name_zh, w);
  h5::write_attr_string(root, "scenario_description", s.description, w);
  h5::write_attr_string(root, "scenario_description_zh", s.description_zh, w);
  h5::write_attr_string(root, "model", id.model.empty() ? s.model : id.model, w);
  h5::write_attr<std::uint64_t>(root, "seed", id.seed, w);
  h5::write_attr_string(root, "sampler", id.sampler, w);
}

// The /scenario group: the verbatim text of the scenario file and of each
// file it extends, their paths, the resolved scenario, and the verdict
// thresholds as attributes.
inline void write_scenario_group(hid_t root, const Scenario& s, const h5::Where& w) {
  h5::Hid g = h5::create_group(root, "scenario", w);
  std::vector<std::string> texts, paths;
  for (const auto& [path, text] : s.files) {
    paths.push_back(path);
    texts.push_back(text);
  }
  h5::write_strings(g.get(), "files", texts, w);
  h5::write_strings(g.get(), "file_paths", paths, w);
  h5::write_string_scalar(g.get(), "resolved", s.resolved_text(), w);
  h5::write_attr<double>(g.get(), "on_track", s.run.on_track, w);
  h5::write_attr<double>(g.get(), "at_risk", s.run.at_risk, w);
}

// A region's display name; the zone has fixed names, the territory those the
// scenario gives it, an unknown id keeps its id in English and no Chinese name.
inline std::string region_name(const Scenario& s, const std::string& id, bool english) {
  if (id == kZoneId) return english ? kZoneNameEn : kZoneNameZh;
  if (s.territory && s.territory->id == id) {
    const std::string& n = english ? s.territory->name_en : s.territory->name_zh;
    return !n.empty() || !english ? n : id;
  }
  for (const auto& r : s.regions)
    if (r.id == id) return english ? r.name_en : r.name_zh;
  return english ? id : std::string();
}

// What an entry of the region axis is: "region", "zone" or "territory".
inline std::string region_kind(const Scenario& s, const std::string& id) {
  if (s.region_index(id)) return kRegionKind;
  return id == kZoneId ? kZoneKind : kTerritoryKind;
}

// Writes meta/regions/{id,name_en,name_zh,kind,in_zone} and
// meta/indicators/{id,name_en,name_zh,unit} under `meta`.
inline void write_meta_names(hid_t meta, const Scenario& s, const ResultShape& shape, const h5::Where& w) {
  {
    h5::Hid gr = h5::create_group(meta, "regions", w);
    std::vector<std::string> en, zh, kind;
    std::vector<std::uint8_t> in_zone;
    for (const auto& id : shape.regions) {
      en.push_back(region_name(s, id, true));
      zh.push_back(region_name(s, id, false));
      kind.push_back(region_kind(s, id));
      const auto r = s.region_index(id);
      in_zone.push_back(r ? std::uint8_t{s.regions[*r].in_zone} : std::uint8_t{id == kZoneId});
    }
    h5::write_strings(gr.get(), "id", shape.regions, w);
    h5::write_strings(gr.get(), "name_en", en, w);
    h5::write_strings(gr.get(), "name_zh", zh, w);
    h5::write_strings(gr.get(), "kind", kind, w);
    h5::write_vector(gr.get(), "in_zone", in_zone, w);
  }
  h5::Hid gi = h5::create_group(meta, "indicators", w);
  std::vector<std::string> en, zh;
  for (const auto& id : shape.indicators) {
    const IndicatorNames* n = s.indicator(id);
    en.push_back(n != nullptr && !n->name_en.empty() ? n->name_en : id);
    zh.push_back(n != nullptr ? n->name_zh : std::string());
  }
  h5::write_strings(gi.get(), "id", shape.indicators, w);
  h5::write_strings(gi.get(), "name_en", en, w);
  h5::write_strings(gi.get(), "name_zh", zh, w);
  h5::write_strings(gi.get(), "unit", shape.units, w);
}

// Writes parameters/{id,name_en,name_zh,unit,source,distribution} (strings, scenario
// parameter order) under `parameters`.
inline void write_parameter_names(hid_t parameters, const Scenario& s, const h5::Where& w) {
  std::vector<std::string> id, name_en, name_zh, unit, source, dist;
  for (const auto& p : s.parameters) {
    id.push_back(p.id);
    name_en.push_back(p.name_en.empty() ? p.id : p.name_en);
    name_zh.push_back(p.name_zh);
    unit.push_back(p.unit);
    source.push_back(p.source);
    dist.push_back(p.dist.describe());
  }
  h5::write_strings(parameters, "id", id, w);
  h5::write_strings(parameters, "name_en", name_en, w);
  h5::write_strings(parameters, "name_zh", name_zh, w);
  h5::write_strings(parameters, "unit", unit, w);
  h5::write_strings(parameters, "source", source, w);
  h5::write_strings(parameters, "distribution", dist, w);
}

// Writes the target definitions targets/{indicator,region,kind,sense,note}
// (strings), year (int32) and value under `targets`, in scenario order.
inline void write_target_definitions(hid_t targets, const Scenario& s, const h5::Where& w) {
  std::vector<std::string> ind, reg, kind, sense, note;
  std::vector<std::int32_t> year;
  std::vector<double> value;
  for (const auto& t : s.targets) {
    ind.push_back(t.indicator);
    reg.push_back(t.region);
    kind.push_back(t.binding ? "binding" : "expected");
    sense.push_back(sense_name(t.sense));
    note.push_back(t.note);
    year.push_back(t.year);
    value.push_back(t.value);
  }
  h5::write_strings(targets, "indicator", ind, w);
  h5::write_strings(targets, "region", reg, w);
  h5::write_strings(targets, "kind", kind, w);
  h5::write_strings(targets, "sense", sense, w);
  h5::write_strings(targets, "note", note, w);
  h5::write_vector(targets, "year", year, w);
  h5::write_vector(targets, "value", value, w);
}

// Reads the target definitions written by write_target_definitions; throws
// std::runtime_error naming the object when one is missing or malformed.
std::vector<Target> read_target_definitions(hid_t targets, const h5::Where& w);

}  // namespace innosim::detail
