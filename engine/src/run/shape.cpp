#include <string>

#include "innosim/run/shape.hpp"

namespace innosim {

ResultShape make_shape(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators) {
  ResultShape s;
  for (const auto& ind : indicators) {
    s.indicators.push_back(ind.id);
    const IndicatorNames* n = scenario.indicator(ind.id);
    s.units.push_back(n && !n->unit.empty() ? n->unit : ind.unit);
  }
  for (const auto& r : scenario.regions) s.regions.push_back(r.id);
  for (const auto& a : scenario.aggregate_ids()) s.regions.push_back(a);
  s.years = scenario.horizon.report_years;
  if (s.years.empty())
    for (int y = scenario.horizon.start; y <= scenario.horizon.end; ++y) s.years.push_back(y);
  return s;
}

std::size_t output_offset(const Scenario& scenario, std::size_t n_indicators, std::size_t indicator,
                          std::size_t region, int year) {
  const std::size_t outputs_per_indicator = scenario.regions.size() + scenario.aggregate_ids().size();
  return static_cast<std::size_t>(year - scenario.horizon.start) * n_indicators * outputs_per_indicator +
         indicator * outputs_per_indicator + region;
}

std::vector<std::size_t> target_offsets(const Scenario& scenario,
                                        const std::vector<IndicatorInfo>& indicators) {
  std::vector<std::size_t> out;
  std::vector<Problem> problems;
  for (std::size_t t = 0; t < scenario.targets.size(); ++t) {
    const Target& tg = scenario.targets[t];
    const std::string key = "targets[" + std::to_string(t) + "]";
    std::size_t i = indicators.size();
    for (std::size_t k = 0; k < indicators.size(); ++k)
      if (indicators[k].id == tg.indicator) i = k;
    const auto r = scenario.output_index(tg.region);
    if (i == indicators.size())
      problems.push_back({tg.where, key + ".indicator", "the model computes no indicator '" + tg.indicator + "'"});
    else if (!r)
      problems.push_back({tg.where, key + ".region", "unknown region '" + tg.region + "'"});
    else if (tg.year <= scenario.horizon.start || tg.year > scenario.horizon.end)
      problems.push_back({tg.where, key + ".year",
                          "expected a year in (" + std::to_string(scenario.horizon.start) + ", " +
                              std::to_string(scenario.horizon.end) + "], got " + std::to_string(tg.year)});
    else
      out.push_back(output_offset(scenario, indicators.size(), i, *r, tg.year));
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return out;
}

}  // namespace innosim
