#pragma once
// Observations located in one draw's output, and their Gaussian
// measurement-error likelihood: what the calibration compares a simulation
// with. Besides the observed values, every year of the horizon of each
// observed indicator and region is located (the fan points), so that the
// calibration can draw prior and posterior fans.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "innosim/model/model.hpp"
#include "innosim/scenario/observations.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct LocatedObservations {
  std::vector<double> value, sd;      // [J] observed value and its standard deviation
  std::vector<std::size_t> point;     // [J] its fan point
  std::vector<std::string> fan_indicator, fan_region;  // [F] each observed indicator and region
  std::vector<int> years;             // [Y] horizon.start .. horizon.end
  std::vector<std::size_t> offsets;   // [F][Y] fan points, as offsets into one draw's output
  double log_normaliser = 0;          // -sum_j log(sd_j sqrt(2 pi))

  std::size_t count() const { return value.size(); }
  // log N(y | f, diag sd^2) of the values at the fan points (`points`, [F][Y]);
  // -inf when any observed point is not finite (a failed draw).
  double loglik(const double* points) const;
};

// Locates every observation of `set` in the output of `indicators` over
// `scenario`'s regions (and the aggregates: zone, territory) and horizon; throws ScenarioError with
// every observation that does not fit (unknown indicator or region with "did
// you mean", unit mismatch, negative stock, year outside the horizon), each
// at its file:line:col.
LocatedObservations locate_observations(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators,
                                        const ObservationSet& set);

}  // namespace innosim
