#pragma once
// The target table for people (aligned text) and for programs (CSV, JSON).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

enum class TableFormat { text, csv, json };

struct TableContext {
  std::string scenario_name;
  std::vector<Region> regions;
  std::vector<IndicatorNames> indicators;  // display names and units
  RunInfo info;
  bool color = false;  // ANSI colours for verdicts (terminal only)
};

std::string format_target_table(const TargetTable& table, const TableContext& ctx,
                                TableFormat format);

// Terminal columns that UTF-8 text occupies: East Asian wide and fullwidth
// characters (CJK) count 2, combining marks 0, ANSI colour sequences 0,
// everything else 1. For aligning tables that mix Chinese and Latin text.
std::size_t display_width(std::string_view utf8);

}  // namespace innosim
