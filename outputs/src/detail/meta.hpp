#pragma once
// The /meta group (region and indicator names and units) and the target
// definitions that run files and sweep files share (docs/hdf5-schema.md). Internal to innosim::outputs.

#include <cstdint>
#include <string>
#include <vector>

#include "h5.hpp"
#include "run_file.hpp"
#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim::detail {

// A region's display name; the zone has fixed names, an unknown id keeps
// its id in English and no Chinese name.
inline std::string region_name(const Scenario& s, const std::string& id, bool english) {
  if (id == kZoneId) return english ? kZoneNameEn : kZoneNameZh;
  for (const auto& r : s.regions)
    if (r.id == id) return english ? r.name_en : r.name_zh;
  return english ? id : std::string();
}

// Writes meta/regions/{id,name_en,name_zh} and
// meta/indicators/{id,name_en,name_zh,unit} under `meta`.
inline void write_meta_names(hid_t meta, const Scenario& s, const ResultShape& shape, const h5::Where& w) {
  {
    h5::Hid gr = h5::create_group(meta, "regions", w);
    std::vector<std::string> en, zh;
    for (const auto& id : shape.regions) {
      en.push_back(region_name(s, id, true));
      zh.push_back(region_name(s, id, false));
    }
    h5::write_strings(gr.get(), "id", shape.regions, w);
    h5::write_strings(gr.get(), "name_en", en, w);
    h5::write_strings(gr.get(), "name_zh", zh, w);
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

}  // namespace innosim::detail
