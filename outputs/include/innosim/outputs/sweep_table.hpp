#pragma once
// P(met) of every target against one lever scaled by several factors
// (`innosim sweep`): aligned text for people, CSV and JSON for programs.

#include <string>

#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/outputs/table.hpp"  // TableFormat
#include "innosim/scenario/scenario.hpp"

namespace innosim {

std::string format_sweep_table(const Scenario& scenario, const Lever& lever, const SweepData& data,
                               TableFormat format);

}  // namespace innosim
