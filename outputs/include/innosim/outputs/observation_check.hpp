#pragma once
// A run against observed values (`innosim check RUN.h5 --observations FILE`):
// for each observation the model's median and 90 % band in that year, and
// whether the observed value lies inside; the coverage overall and per
// indicator. Observations of indicators, regions or years the run does not
// have are listed as "not in the run".

#include <cstddef>
#include <string>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/table.hpp"
#include "innosim/scenario/observations.hpp"

namespace innosim {

struct ObservationRow {
  Observation obs;
  bool in_run = false;
  std::string not_in_run;  // why, when !in_run
  double median = 0, q05 = 0, q95 = 0;
  bool exact = false;      // quantiles of every draw's value; otherwise the run's sketch quantiles
  bool inside = false;     // q05 <= value <= q95
};

struct ObservationCheck {
  std::string run_path, scenario_name;
  std::string observations_path, observations_name;
  std::size_t draws_valid = 0;
  double sketch_accuracy = 0;  // relative accuracy of the sketch quantiles
  std::vector<ObservationRow> rows;  // in the file's order
  std::size_t compared() const;      // rows in the run
  std::size_t inside() const;
};

// Compares `run` with `obs`. Throws ScenarioError (exit 2) for an
// observation whose unit differs from the indicator's, or a negative value
// of a stock, and when no observation is in the run at all.
ObservationCheck check_observations(const RunFile& run, const ObservationSet& obs);

// The comparison as aligned text (with coverage lines), CSV (one row per
// observation) or JSON (rows and coverage).
std::string format_observation_check(const ObservationCheck& check, TableFormat format);

}  // namespace innosim
