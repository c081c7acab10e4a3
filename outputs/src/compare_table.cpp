#include "innosim/outputs/compare_table.hpp"

#include <fmt/format.h>

#include "detail/labels.hpp"
#include "innosim/outputs/text.hpp"

namespace innosim {

namespace {

const TargetRow* find_row(const RunFile& run, const Target& tg) {
  const TargetRow* row = nullptr;
  for (const TargetRow& r : run.table.rows)
    if (r.target.indicator == tg.indicator && r.target.region == tg.region && r.target.year == tg.year &&
        r.target.sense == tg.sense)
      row = &r;
  return row;
}

}  // namespace

std::string format_compare_table(const std::vector<RunFile>& runs) {
  if (runs.empty()) return {};
  constexpr std::size_t kName = 52, kCol = 26, kLabel = 38;
  const RunFile& base = runs.front();
  std::string out = pad("target", kName);
  auto column = [&](std::string_view text) {
    out += ' ';
    out += pad(text, kCol, Align::right);
  };
  for (const RunFile& r : runs) column(r.scenario_name);
  out += "\n";
  for (const TargetRow& base_row : base.table.rows) {
    const Target& tg = base_row.target;
    out += pad(detail::target_cell(base.indicators, tg, kLabel), kName);
    for (const RunFile& r : runs) {
      const TargetRow* row = find_row(r, tg);
      const std::string cell =
          row ? fmt::format("P={:5.1f}%  median {}", 100.0 * row->p_met, compact_number(row->median)) : "—";
      column(cell);
    }
    out += "\n";
  }
  out += "* binding (约束性); P = P(met), the chance of meeting the target\n";
  return out;
}

}  // namespace innosim
