#pragma once
// The factors of a sensitivity analysis: groups of the sampler's dimensions
// (its uncertain parameters). A group declared in [sensitivity.groups] holds
// every uncertain parameter its patterns match; every other uncertain
// parameter goes with the other regions of the same base name ("gdp_share"
// holds gdp_share[yinchuan], gdp_share[shizuishan], ...) or alone.

#include <cstddef>
#include <string>
#include <vector>

#include "innosim/random/sampler.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct FactorGroup {
  std::string name;
  bool declared = false;          // from [sensitivity.groups], not by base name
  std::vector<std::size_t> dims;  // sampler dimensions, increasing
};

// Declared groups first (in the scenario's order; one whose parameters are
// all fixed has no dimension and is left out), then the base-name groups in
// the order of their first dimension. Every dimension is in exactly one group.
std::vector<FactorGroup> factor_groups(const Scenario& scenario, const Sampler& sampler);

// group_of[k] = the group of dimension k.
std::vector<std::size_t> group_of_dimension(const std::vector<FactorGroup>& groups, std::size_t dims);

}  // namespace innosim
