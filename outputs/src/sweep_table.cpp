#include "innosim/outputs/sweep_table.hpp"

#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "detail/labels.hpp"
#include "innosim/outputs/text.hpp"

namespace innosim {

namespace {

const char* kind_name(const Target& tg) { return tg.binding ? "binding" : "expected"; }

std::string format_csv(const Scenario& s, const SweepData& d) {
  std::string out = "indicator,region,year,kind,sense,target";
  for (double k : d.scale) out += fmt::format(",p_met_x{}", exact_number(k));
  out += "\n";
  for (std::size_t t = 0; t < s.targets.size(); ++t) {
    const Target& tg = s.targets[t];
    out += fmt::format("{},{},{},{},{},{}", csv_field(tg.indicator), csv_field(tg.region), tg.year, kind_name(tg),
                       sense_name(tg.sense), exact_number(tg.value));
    for (const TargetTable& table : d.tables) out += fmt::format(",{}", exact_number(table.rows[t].p_met));
    out += "\n";
  }
  return out;
}

std::string format_json(const Scenario& s, const Lever& lever, const SweepData& d) {
  // [x0, x1, ...] of one number per factor
  auto list = [&](auto get) {
    std::string r = "[";
    for (std::size_t v = 0; v < d.scale.size(); ++v) r += fmt::format("{}{}", v ? ", " : "", json_number(get(v)));
    return r + "]";
  };
  std::string out = fmt::format("{{\n  \"scenario\": {},\n  \"lever\": {},\n  \"lever_unit\": {},\n",
                                json_string(s.name), json_string(lever.id), json_string(lever.unit));
  out += "  \"scale\": " + list([&](std::size_t v) { return d.scale[v]; }) + ",\n";
  out += "  \"lever_value\": " + list([&](std::size_t v) { return d.lever_value[v]; }) + ",\n";
  out += "  \"targets\": [";
  for (std::size_t t = 0; t < s.targets.size(); ++t) {
    const Target& tg = s.targets[t];
    out += fmt::format(
        "{}\n    {{\"indicator\": {}, \"region\": {}, \"year\": {}, \"kind\": \"{}\", \"sense\": \"{}\", "
        "\"value\": {}, \"p_met\": {}, \"p_met_se\": {}, \"median\": {}}}",
        t ? "," : "", json_string(tg.indicator), json_string(tg.region), tg.year, kind_name(tg),
        sense_name(tg.sense), json_number(tg.value), list([&](std::size_t v) { return d.tables[v].rows[t].p_met; }),
        list([&](std::size_t v) { return d.tables[v].rows[t].p_met_se; }),
        list([&](std::size_t v) { return d.tables[v].rows[t].median; }));
  }
  out += "\n  ]\n}\n";
  return out;
}

std::string format_text(const Scenario& s, const Lever& lever, const SweepData& d) {
  constexpr std::size_t kName = 50, kCol = 12, kLabel = 34;
  const std::string lname = lever.name_en.empty() ? lever.id : lever.name_en;
  std::string out =
      fmt::format("P(met) against lever {} ({}, {}), scenario '{}'\n", lever.id, lname, lever.unit, s.name);
  auto column = [&](std::string_view text) {
    out += ' ';
    out += pad(text, kCol, Align::right);
  };
  out += pad("target", kName);
  for (double k : d.scale) column(fmt::format("x{}", exact_number(k)));
  const bool yuan = lever.unit == "yuan";
  out += '\n';
  out += pad(fmt::format("lever in {}{}", s.horizon.end, yuan ? ", million yuan" : ""), kName);
  for (double x : d.lever_value) column(fmt::format("{:.4g}", yuan ? x / 1e6 : x));
  out += "\n";
  for (std::size_t t = 0; t < s.targets.size(); ++t) {
    const Target& tg = s.targets[t];
    out += pad(detail::target_cell(s.indicators, tg, kLabel) + " " + std::to_string(tg.year), kName);
    for (const TargetTable& table : d.tables) column(percent(table.rows[t].p_met));
    out += "\n";
  }
  out += "* binding (约束性); columns: the lever's whole path multiplied by the factor; same seed for every column\n";
  return out;
}

}  // namespace

std::string format_sweep_table(const Scenario& s, const Lever& lever, const SweepData& d, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(s, d);
    case TableFormat::json: return format_json(s, lever, d);
    case TableFormat::text: break;
  }
  return format_text(s, lever, d);
}

}  // namespace innosim
