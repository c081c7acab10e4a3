#include "innosim/outputs/design_table.hpp"

#include <algorithm>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include "detail/labels.hpp"
#include "innosim/outputs/text.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace {

constexpr std::size_t kTargetsPerBlock = 8;

// "x0.5", and for a yuan lever its amount: "x0.5 (1.00亿)".
std::string lever_cell(const Lever& l, const DesignLever& dl, double k) {
  if (l.unit == "yuan") return fmt::format("x{:.4g} ({:.2f}亿)", k, k * dl.base / 1e8);
  return fmt::format("x{:.4g}", k);
}

std::string format_text(const Scenario& s, const DesignHeader& h, const DesignData& d) {
  const std::size_t L = d.levers.size(), V = d.tables.size(), T = s.targets.size();
  std::string out = fmt::format("Design over {} lever{} ({}, {} points), scenario '{}', {} draws per point, seed {} "
                                "at every point\n",
                                L, L == 1 ? "" : "s", h.method, V, s.name, h.draws, h.seed);
  for (const DesignLever& dl : d.levers) {
    const Lever& l = *s.lever(dl.id);
    out += fmt::format("  {}: factor {:.4g} .. {:.4g} of its path", dl.id, dl.lo, dl.hi);
    if (l.unit == "yuan")
      out += fmt::format(" (zone total in {}: {:.3f} .. {:.3f} 亿元/yr; x1 = {:.3f} 亿元)", s.horizon.end,
                         dl.lo * dl.base / 1e8, dl.hi * dl.base / 1e8, dl.base / 1e8);
    else
      out += fmt::format(" (zone total in {}: x1 = {:.4g} {})", s.horizon.end, dl.base, l.unit);
    out += "\n";
  }
  std::vector<std::size_t> widths;
  for (std::size_t l = 0; l < L; ++l) {
    std::size_t w = display_width(d.levers[l].id);
    for (std::size_t v = 0; v < V; ++v)
      w = std::max(w, display_width(lever_cell(*s.lever(d.levers[l].id), d.levers[l], d.scale[v * L + l])));
    widths.push_back(w);
  }
  const bool any_binding = std::any_of(s.targets.begin(), s.targets.end(), [](const Target& t) { return t.binding; });
  for (std::size_t t0 = 0; t0 < T || t0 == 0; t0 += kTargetsPerBlock) {
    const std::size_t t1 = std::min(T, t0 + kTargetsPerBlock);
    out += "\n";
    for (std::size_t t = t0; t < t1; ++t)
      out += fmt::format("  T{:<3} {} {}\n", t + 1, detail::target_cell(s.indicators, s.targets[t], 60),
                         s.targets[t].year);
    out += pad("point", 6, Align::right);
    for (std::size_t l = 0; l < L; ++l) out += "  " + pad(d.levers[l].id, widths[l]);
    for (std::size_t t = t0; t < t1; ++t) out += pad(fmt::format("T{}", t + 1), 8, Align::right);
    const bool last_block = t1 == T;
    if (last_block && any_binding) out += pad("all*", 8, Align::right);
    out += "\n";
    for (std::size_t v = 0; v < V; ++v) {
      out += pad(std::to_string(v + 1), 6, Align::right);
      for (std::size_t l = 0; l < L; ++l)
        out += "  " + pad(lever_cell(*s.lever(d.levers[l].id), d.levers[l], d.scale[v * L + l]), widths[l]);
      for (std::size_t t = t0; t < t1; ++t) out += pad(percent(d.tables[v].rows[t].p_met), 8, Align::right);
      if (last_block && any_binding) out += pad(percent(d.tables[v].joint.p_all_binding), 8, Align::right);
      out += "\n";
    }
    if (T == 0) break;
  }
  out += "P(met) of each target at each point; * binding (约束性); all* = P(all binding targets met). "
         "Factors multiply the lever's whole path; every point uses the same draws (common random numbers).\n";
  return out;
}

std::string format_csv(const Scenario& s, const DesignData& d) {
  const std::size_t L = d.levers.size();
  const auto ids = target_ids(s.targets);
  std::string out = "point";
  for (const DesignLever& dl : d.levers) out += fmt::format(",{}_factor,{}_value", csv_field(dl.id), csv_field(dl.id));
  out += ",target,indicator,region,year,p_met,p_met_se,median,q05,q95\n";
  for (std::size_t v = 0; v < d.tables.size(); ++v)
    for (std::size_t t = 0; t < s.targets.size(); ++t) {
      out += std::to_string(v + 1);
      for (std::size_t l = 0; l < L; ++l) {
        const double k = d.scale[v * L + l];
        out += fmt::format(",{},{}", exact_number(k), exact_number(k * d.levers[l].base));
      }
      const TargetRow& r = d.tables[v].rows[t];
      const Target& tg = s.targets[t];
      out += fmt::format(",{},{},{},{},{},{},{},{},{}\n", csv_field(ids[t]), csv_field(tg.indicator),
                         csv_field(tg.region), tg.year, exact_number(r.p_met), exact_number(r.p_met_se),
                         exact_number(r.median), exact_number(r.q05), exact_number(r.q95));
    }
  return out;
}

std::string format_json(const Scenario& s, const DesignHeader& h, const DesignData& d) {
  const std::size_t L = d.levers.size();
  const auto ids = target_ids(s.targets);
  std::string out = fmt::format(
      "{{\n  \"scenario\": {},\n  \"method\": {},\n  \"spacing\": {},\n  \"draws\": {},\n  \"seed\": {},\n"
      "  \"levers\": [",
      json_string(s.name), json_string(h.method), json_string(h.spacing), h.draws, h.seed);
  for (std::size_t l = 0; l < L; ++l) {
    const DesignLever& dl = d.levers[l];
    out += fmt::format("{}\n    {{\"id\": {}, \"unit\": {}, \"base_value\": {}, \"lo\": {}, \"hi\": {}}}",
                       l ? "," : "", json_string(dl.id), json_string(s.lever(dl.id)->unit), json_number(dl.base),
                       json_number(dl.lo), json_number(dl.hi));
  }
  out += "\n  ],\n  \"points\": [";
  for (std::size_t v = 0; v < d.tables.size(); ++v) {
    std::string scale, value;
    for (std::size_t l = 0; l < L; ++l) {
      scale += fmt::format("{}{}", l ? ", " : "", json_number(d.scale[v * L + l]));
      value += fmt::format("{}{}", l ? ", " : "", json_number(d.scale[v * L + l] * d.levers[l].base));
    }
    out += fmt::format("{}\n    {{\"point\": {}, \"scale\": [{}], \"lever_value\": [{}], \"p_all_binding\": {}, "
                       "\"targets\": [",
                       v ? "," : "", v + 1, scale, value, json_number(d.tables[v].joint.p_all_binding));
    for (std::size_t t = 0; t < s.targets.size(); ++t) {
      const TargetRow& r = d.tables[v].rows[t];
      out += fmt::format("{}\n      {{\"target\": {}, \"p_met\": {}, \"p_met_se\": {}, \"median\": {}, \"q05\": {}, "
                         "\"q95\": {}}}",
                         t ? "," : "", json_string(ids[t]), json_number(r.p_met), json_number(r.p_met_se),
                         json_number(r.median), json_number(r.q05), json_number(r.q95));
    }
    out += "\n    ]}";
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace

std::string format_design_table(const Scenario& s, const DesignHeader& h, const DesignData& d, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(s, d);
    case TableFormat::json: return format_json(s, h, d);
    case TableFormat::text: break;
  }
  return format_text(s, h, d);
}

}  // namespace innosim
