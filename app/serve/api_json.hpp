#pragma once
// The JSON of the page's API (docs/serve.md, "API"): the served scenario's
// levers and indicators, a run's target table and fan, and the lever setting
// of a request.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "serve/runs.hpp"
#include "serve/whatif.hpp"

namespace innosim::app::serve {

// Draw counts the page may ask for.
struct DrawLimits {
  std::size_t quick = 4000;  // while a lever moves
  std::size_t full = 10000;  // "precise": the scenario's [run] draws
  std::size_t max = 100000;  // the most any request may ask for
};

// GET /api/scenario: names, units and plan values of everything the page shows.
nlohmann::json scenario_json(const Scenario& s, const std::string& path, const RunResult& plan,
                             const DrawLimits& draws);

// A run's target table (as `innosim run --format json`) and the zone's fan
// of every indicator (quantiles and mean by report year).
nlohmann::json result_json(const Scenario& s, const RunResult& r);

// A request's lever setting: {"lever id": {"zone" or region id: value}}.
// Throws BadRequest naming the entry for an unknown lever (with "did you
// mean"), a path the lever does not have, or a value that is not a number.
struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};
Setting parse_setting(const Scenario& s, const nlohmann::json& levers);

}  // namespace innosim::app::serve
