#pragma once
// A design over several levers (`innosim design`): per point the lever
// factors and P(met) of every target. Aligned text for people (targets in
// blocks of a few columns, named in a legend), CSV (one row per point and
// target) and JSON for programs.

#include <string>

#include "innosim/outputs/design_writer.hpp"
#include "innosim/outputs/table.hpp"  // TableFormat
#include "innosim/scenario/scenario.hpp"

namespace innosim {

std::string format_design_table(const Scenario& scenario, const DesignHeader& header, const DesignData& data,
                                TableFormat format);

}  // namespace innosim
