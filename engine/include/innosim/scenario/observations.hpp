#pragma once
// Observed series (docs/scenario-reference.md, "Observation files"): values
// of a model's indicators in past years, each with a measurement
// uncertainty and a source, read from a TOML file with every problem
// collected at file:line:col, as scenario files are. `innosim check
// --observations` compares a run with them; `innosim calibrate` conditions
// the parameters on them.
//
// Loading checks what the file can say on its own (keys, types, lengths,
// increasing years, finite non-negative values, positive uncertainties,
// sources). Whether the indicators, regions, units and years exist is a
// question for a model and a horizon: match_observations() answers it.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "innosim/scenario/scenario.hpp"  // SourceLoc, Problem, ScenarioError

namespace innosim {

// One observed value.
struct Observation {
  std::string indicator;  // an indicator id of the model
  std::string region;     // a region id, "zone", or another aggregate the model reports
  std::string unit;       // as written; must equal the indicator's unit
  int year = 0;
  double value = 0;
  double sd = 0;          // 1 standard deviation of the measurement, in `unit` (> 0)
  std::string source;     // document and table
  std::size_t series = 0; // index of its [[series]] in the file
  std::size_t index = 0;  // position within the series
  std::string key;        // "series[3].values[1]", for messages
  SourceLoc where;        // where the value is written
  SourceLoc indicator_at, region_at, unit_at, year_at;
};

struct ObservationSet {
  std::string name;
  std::string description;
  std::vector<std::string> not_published;  // series looked for and not found
  std::vector<std::string> notes;          // per series ("" when none), in file order
  std::size_t num_series = 0;
  std::vector<Observation> observations;   // series by series, years ascending
  std::string file;                        // path as given
  std::string text;                        // verbatim text of the file
};

// Reads and checks an observation file; throws ScenarioError with every
// problem found (file:line:col, key, what was expected and what was found).
ObservationSet load_observations(const std::string& path);
// Same, from text; `name` stands for the file name in messages.
ObservationSet load_observations_text(const std::string& text, const std::string& name);

// What observations are checked against: the indicators a model (or a run
// file) reports with their units, the region ids it reports (its regions,
// "zone", any further aggregate), and the years it covers.
struct ObservationScope {
  struct Indicator {
    std::string id;
    std::string unit;
    bool stock = false;  // a count that cannot be negative
  };
  std::vector<Indicator> indicators;
  std::vector<std::string> regions;
  std::vector<int> years;   // increasing
  std::string years_what;   // how messages name them: "the horizon 2010-2015", "the report years"
};

// How an observation relates to a scope. `unit_mismatch` and
// `negative_stock` are errors in any use; the others mean "not in the run"
// to `check` and are errors to `calibrate`.
enum class ObservationFit { ok, unknown_indicator, unknown_region, year_outside, unit_mismatch, negative_stock };

struct ObservationMatch {
  ObservationFit fit = ObservationFit::ok;
  std::size_t indicator = 0, region = 0, year = 0;  // indices into the scope when fit == ok
  std::optional<Problem> problem;                    // set when fit != ok, at file:line:col
};

// One match per observation, in order.
std::vector<ObservationMatch> match_observations(const ObservationSet& set, const ObservationScope& scope);

// Throws ScenarioError listing every observation that does not fit `scope`.
void require_observations_fit(const std::vector<ObservationMatch>& matches);

}  // namespace innosim
