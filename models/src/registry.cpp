#include "innosim/models/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "innosim/util/did_you_mean.hpp"

namespace innosim {

ScenarioError unknown_model_error(const Scenario& scenario) {
  const std::vector<std::string> ids = model_ids();
  std::string msg = "unknown model '" + scenario.model + "'";
  if (auto m = did_you_mean(scenario.model, ids); !m.empty()) msg += " — did you mean '" + m + "'?";
  msg += fmt::format(" (known: {})", fmt::join(ids, ", "));
  return ScenarioError({Problem{scenario.where, "scenario.model", msg}});
}

}  // namespace innosim
