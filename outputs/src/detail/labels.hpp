#pragma once
// How the compact tables (compare, sweep) name a target in one cell.

#include <string>
#include <vector>

#include <fmt/format.h>

#include "innosim/outputs/text.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim::detail {

// The indicator's English name (its id if it has none), then the region id
// unless the target is for the zone: "S&T innovation teams (yinchuan)".
inline std::string target_label(const std::vector<IndicatorNames>& indicators, const Target& tg) {
  std::string name = tg.indicator;
  for (const IndicatorNames& n : indicators)
    if (n.id == tg.indicator && !n.name_en.empty()) name = n.name_en;
  if (tg.region != "zone") name += " (" + tg.region + ")";
  return name;
}

// "* R&D expenditure / GDP >= 2.50": the binding mark, the label cut to
// `max_label` columns, the sense and the target value.
inline std::string target_cell(const std::vector<IndicatorNames>& indicators, const Target& tg,
                               std::size_t max_label) {
  return fmt::format("{}{} {} {}", tg.binding ? "* " : "", fit_width(target_label(indicators, tg), max_label),
                     tg.sense == Sense::at_least ? ">=" : "<=", compact_number(tg.value));
}

}  // namespace innosim::detail
