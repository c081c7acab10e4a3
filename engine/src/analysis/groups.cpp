#include "innosim/analysis/groups.hpp"

#include <algorithm>
#include <limits>

namespace innosim {

std::vector<FactorGroup> factor_groups(const Scenario& scenario, const Sampler& sampler) {
  const std::size_t D = sampler.dimensions();
  constexpr auto none = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> group(D, none);
  std::vector<FactorGroup> out;
  for (const ParameterGroup& g : scenario.sensitivity.groups) {
    FactorGroup fg{g.name, true, {}};
    for (std::size_t k = 0; k < D; ++k) {
      if (group[k] != none) continue;
      const std::string& id = scenario.parameters[sampler.dimension_parameter(k)].id;
      for (const std::string& p : g.patterns)
        if (parameter_matches(p, id)) {
          fg.dims.push_back(k);
          group[k] = out.size();
          break;
        }
    }
    if (!fg.dims.empty()) out.push_back(std::move(fg));
  }
  for (std::size_t k = 0; k < D; ++k) {
    if (group[k] != none) continue;
    const std::string& id = scenario.parameters[sampler.dimension_parameter(k)].id;
    const std::string base = id.substr(0, id.find('['));
    const auto it = std::find_if(out.begin(), out.end(),
                                 [&](const FactorGroup& g) { return !g.declared && g.name == base; });
    if (it != out.end()) {
      it->dims.push_back(k);
      group[k] = static_cast<std::size_t>(it - out.begin());
    } else {
      group[k] = out.size();
      out.push_back({base, false, {k}});
    }
  }
  return out;
}

std::vector<std::size_t> group_of_dimension(const std::vector<FactorGroup>& groups, std::size_t dims) {
  std::vector<std::size_t> of(dims, 0);
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::size_t k : groups[g].dims) of.at(k) = g;
  return of;
}

}  // namespace innosim
