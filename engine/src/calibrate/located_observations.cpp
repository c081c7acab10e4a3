// Observations located in a draw's output (located_observations.hpp).

#include "innosim/calibrate/located_observations.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "innosim/run/shape.hpp"

namespace innosim {

double LocatedObservations::loglik(const double* points) const {
  double s = 0;
  for (std::size_t j = 0; j < value.size(); ++j) {
    const double f = points[point[j]];
    if (!std::isfinite(f)) return -std::numeric_limits<double>::infinity();
    const double r = (value[j] - f) / sd[j];
    s += r * r;
  }
  return log_normaliser - 0.5 * s;
}

LocatedObservations locate_observations(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators,
                                        const ObservationSet& set) {
  ObservationScope scope;
  for (const IndicatorInfo& i : indicators) scope.indicators.push_back({i.id, i.unit, i.stock});
  // The output's order: the regions, then the aggregates (zone, territory).
  for (const Region& r : scenario.regions) scope.regions.push_back(r.id);
  for (const std::string& a : scenario.aggregate_ids()) scope.regions.push_back(a);
  for (int y = scenario.horizon.start; y <= scenario.horizon.end; ++y) scope.years.push_back(y);
  scope.years_what = fmt::format("the horizon {}-{}", scenario.horizon.start, scenario.horizon.end);
  const std::vector<ObservationMatch> matches = match_observations(set, scope);
  require_observations_fit(matches);
  if (set.observations.empty())
    throw ScenarioError({Problem{SourceLoc{set.file, 0, 0}, "series", "no observations to calibrate to"}});

  LocatedObservations out;
  out.years = scope.years;
  const std::size_t n_years = out.years.size();
  std::vector<std::pair<std::size_t, std::size_t>> pairs;  // (indicator, region) of each fan
  for (std::size_t j = 0; j < matches.size(); ++j) {
    const ObservationMatch& m = matches[j];
    const Observation& o = set.observations[j];
    std::size_t f = 0;
    while (f < pairs.size() && pairs[f] != std::pair(m.indicator, m.region)) ++f;
    if (f == pairs.size()) {
      pairs.emplace_back(m.indicator, m.region);
      out.fan_indicator.push_back(o.indicator);
      out.fan_region.push_back(o.region);
      for (int y : out.years) out.offsets.push_back(output_offset(scenario, indicators.size(), m.indicator, m.region, y));
    }
    out.value.push_back(o.value);
    out.sd.push_back(o.sd);
    out.point.push_back(f * n_years + m.year);
    out.log_normaliser -= std::log(o.sd * std::sqrt(2.0 * std::numbers::pi));
  }
  return out;
}

}  // namespace innosim
