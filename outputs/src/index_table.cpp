#include "innosim/outputs/index_table.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "innosim/outputs/text.hpp"

namespace innosim {

namespace {

// Quantile levels of the band: 5 %, median, 95 % (IndexResult::levels).
constexpr std::size_t kQ05 = 0, kMedian = 1, kQ95 = 2;

std::string region_name(const std::vector<Region>& regions, const std::string& id) {
  for (const Region& r : regions)
    if (r.id == id) return r.name_zh.empty() ? r.id : fmt::format("{} {}", r.id, r.name_zh);
  return id;
}

std::string format_text(const IndexResult& x, const std::vector<Region>& regions, const std::string& scenario) {
  const std::size_t R = x.num_regions();
  std::string out = fmt::format("{} ({}), scenario '{}': median and 5–95 % band per region and year, and the "
                                "probability of each rank ({} draws)\n",
                                x.name_en, x.name_zh, scenario, x.draws);
  std::size_t name_width = 12;
  for (const std::string& id : x.regions) name_width = std::max(name_width, display_width(region_name(regions, id)) + 2);
  for (std::size_t y = 0; y < x.num_years(); ++y) {
    out += '\n';
    out += pad(std::to_string(x.years[y]), name_width + 2);
    out += pad("index (5–95 %)", 22);
    out += "rank:";
    for (std::size_t k = 0; k < R; ++k) out += pad(std::to_string(k + 1), 8, Align::right);
    out += "\n";
    std::vector<std::size_t> order(R);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return x.quantile(a, y, kMedian) > x.quantile(b, y, kMedian); });
    for (std::size_t r : order) {
      out += "  ";
      out += pad(region_name(regions, x.regions[r]), name_width);
      out += pad(fmt::format("{:.1f} ({:.1f}–{:.1f})", x.quantile(r, y, kMedian), x.quantile(r, y, kQ05),
                             x.quantile(r, y, kQ95)),
                 27);
      for (std::size_t k = 0; k < R; ++k) out += pad(percent(x.rank_probability(r, y, k)), 8, Align::right);
      out += "\n";
    }
  }
  out += "\nrank 1 = the highest index; tied regions share the better rank. Index 0–100: components scored "
         "against their standards and weighted (docs/analysis.md)\n";
  return out;
}

std::string format_csv(const IndexResult& x) {
  std::string out = "region,year,median,q05,q95";
  for (std::size_t k = 0; k < x.num_regions(); ++k) out += fmt::format(",p_rank_{}", k + 1);
  out += "\n";
  for (std::size_t r = 0; r < x.num_regions(); ++r)
    for (std::size_t y = 0; y < x.num_years(); ++y) {
      out += fmt::format("{},{},{},{},{}", csv_field(x.regions[r]), x.years[y], exact_number(x.quantile(r, y, kMedian)),
                         exact_number(x.quantile(r, y, kQ05)), exact_number(x.quantile(r, y, kQ95)));
      for (std::size_t k = 0; k < x.num_regions(); ++k) {
        out += ',';
        out += exact_number(x.rank_probability(r, y, k));
      }
      out += "\n";
    }
  return out;
}

std::string format_json(const IndexResult& x, const std::string& scenario) {
  std::string out = fmt::format("{{\n  \"scenario\": {},\n  \"index\": {},\n  \"index_zh\": {},\n  \"draws\": {},\n",
                                json_string(scenario), json_string(x.name_en), json_string(x.name_zh), x.draws);
  out += "  \"regions\": [";
  for (std::size_t r = 0; r < x.num_regions(); ++r) {
    out += fmt::format("{}\n    {{\"region\": {}, \"years\": [", r ? "," : "", json_string(x.regions[r]));
    for (std::size_t y = 0; y < x.num_years(); ++y) {
      out += fmt::format("{}\n      {{\"year\": {}, \"median\": {}, \"q05\": {}, \"q95\": {}, \"rank_probability\": [",
                         y ? "," : "", x.years[y], json_number(x.quantile(r, y, kMedian)),
                         json_number(x.quantile(r, y, kQ05)), json_number(x.quantile(r, y, kQ95)));
      for (std::size_t k = 0; k < x.num_regions(); ++k)
        out += (k ? ", " : "") + json_number(x.rank_probability(r, y, k));
      out += "]}";
    }
    out += "\n    ]}";
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace

std::string format_index_table(const IndexResult& index, const std::vector<Region>& regions,
                               const std::string& scenario_name, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(index);
    case TableFormat::json: return format_json(index, scenario_name);
    case TableFormat::text: break;
  }
  return format_text(index, regions, scenario_name);
}

}  // namespace innosim
