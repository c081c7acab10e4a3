#pragma once
// What a run produces, independent of where it is written.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "innosim/scenario/scenario.hpp"

namespace innosim {

// Shape of the per-year indicator block: [indicator][region or aggregate][report year].
struct ResultShape {
  std::vector<std::string> indicators;  // model indicator ids
  std::vector<std::string> units;
  std::vector<std::string> regions;     // region ids, then the aggregates ("zone", the territory)
  std::vector<int> years;               // report years
  std::size_t num_indicators() const { return indicators.size(); }
  std::size_t num_regions() const { return regions.size(); }  // incl. the aggregates
  std::size_t num_years() const { return years.size(); }
  std::size_t size() const { return num_indicators() * num_regions() * num_years(); }
  std::size_t index(std::size_t i, std::size_t r, std::size_t y) const {
    return (i * num_regions() + r) * num_years() + y;
  }
};

// Summary statistics per series (indicator x region x report year).
struct Summary {
  std::vector<double> quantile_levels;  // e.g. 0.05 0.25 0.5 0.75 0.95
  std::vector<double> mean;             // [series]
  std::vector<double> sd;               // [series], sample sd (n-1)
  std::vector<double> min, max;         // [series]
  std::vector<double> quantiles;        // [series][quantile level]
  double quantile_relative_accuracy = 0.0;  // bound of the sketch, e.g. 0.001
};

// One row of the target table.
struct TargetRow {
  Target target;
  std::string indicator_unit;
  double median = 0, q05 = 0, q95 = 0, mean = 0;
  double p_met = 0;     // share of valid draws meeting the target
  double p_met_se = 0;  // Monte Carlo standard error sqrt(p(1-p)/n)
  std::size_t draws = 0;
  std::string verdict;  // "on track" | "at risk" | "off track"
};

struct JointView {
  std::size_t num_binding = 0;
  double p_all_binding = 0;  // P(all binding targets met); 1 if there are none
  double p_all = 0;          // P(all targets met)
  std::vector<std::uint64_t> met_count_hist;  // [k] = draws meeting exactly k targets
};

struct TargetTable {
  std::vector<TargetRow> rows;
  JointView joint;
  double on_track = 0.8, at_risk = 0.5;
};

// Bookkeeping of a run.
struct RunInfo {
  std::uint64_t seed = 0;
  std::string sampler;          // "monte_carlo" | "latin_hypercube" | "sobol"
  std::size_t draws_requested = 0;
  std::size_t draws_valid = 0;
  std::size_t draws_dropped = 0;
  std::vector<std::uint64_t> dropped_draws;  // indices (all of them)
  unsigned threads = 0;
  double seconds = 0;
};

}  // namespace innosim
