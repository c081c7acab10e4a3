#pragma once
// How a run's results are laid out, from the scenario and the model's
// indicators.

#include <cstddef>
#include <vector>

#include "innosim/model/model.hpp"
#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// [indicator][region, then the aggregates: zone and the territory if
// declared][report year], units from the scenario's [indicators] where given,
// else the model's.
ResultShape make_shape(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators);

// Offset of (indicator, region, year) in one draw's output: [year -
// horizon.start][indicator][region, then the aggregates from regions.size()], as
// DrawSimulator writes it; n_indicators is the model's indicator count.
std::size_t output_offset(const Scenario& scenario, std::size_t n_indicators, std::size_t indicator,
                          std::size_t region, int year);

// Offsets of each target into one draw's output ([years + 1][indicator][region
// or aggregate], as DrawSimulator writes it); throws ScenarioError for a target
// naming an indicator, region or year the model/horizon lacks.
std::vector<std::size_t> target_offsets(const Scenario& scenario,
                                        const std::vector<IndicatorInfo>& indicators);

}  // namespace innosim
