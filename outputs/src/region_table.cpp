#include "innosim/outputs/region_table.hpp"

#include <cmath>
#include <cstddef>

#include <fmt/format.h>

#include "innosim/outputs/text.hpp"

namespace innosim {

namespace {

// The index of the quantile level nearest to `p`.
std::size_t level_index(const std::vector<double>& levels, double p) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < levels.size(); ++k)
    if (std::fabs(levels[k] - p) < std::fabs(levels[best] - p)) best = k;
  return best;
}

// A region's name; the aggregates after the regions: "zone", and the
// territory's name (or id).
std::string region_name(const Scenario& s, const ResultShape& shape, std::size_t reg) {
  if (reg >= s.regions.size()) {
    const std::string& id = shape.regions[reg];
    if (s.territory && s.territory->id == id && !s.territory->name_en.empty()) return s.territory->name_en;
    return id;
  }
  const Region& r = s.regions[reg];
  return !r.name_en.empty() ? r.name_en : !r.name_zh.empty() ? r.name_zh : r.id;
}

}  // namespace

std::string format_region_table(const Scenario& s, const ResultShape& shape, const Summary& summary) {
  if (shape.num_years() == 0 || summary.quantile_levels.empty()) return {};
  const std::size_t y = shape.num_years() - 1, Q = summary.quantile_levels.size();
  const std::size_t q05 = level_index(summary.quantile_levels, 0.05),
                    q50 = level_index(summary.quantile_levels, 0.5),
                    q95 = level_index(summary.quantile_levels, 0.95);
  std::string out = fmt::format("\nBy region, {} (median [5–95 %]):\n", shape.years[y]);
  for (std::size_t i = 0; i < shape.num_indicators(); ++i) {
    const IndicatorNames* n = s.indicator(shape.indicators[i]);
    out += fmt::format("  {} ({})\n", n && !n->name_en.empty() ? n->name_en : shape.indicators[i], shape.units[i]);
    for (std::size_t reg = 0; reg < shape.num_regions(); ++reg) {
      const double* q = summary.quantiles.data() + shape.index(i, reg, y) * Q;
      out += fmt::format("    {} {} [{} – {}]\n", pad(region_name(s, shape, reg), 34),
                         pad(compact_number(q[q50]), 10, Align::right), compact_number(q[q05]),
                         compact_number(q[q95]));
    }
  }
  return out;
}

}  // namespace innosim
