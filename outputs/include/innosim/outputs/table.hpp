#pragma once
// The target table for people (aligned text) and for programs (CSV, JSON).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "innosim/outputs/text.hpp"  // display_width and the other text helpers
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

}  // namespace innosim
