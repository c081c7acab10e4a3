#pragma once
// What drives each target (`innosim sensitivity`): per target, the factors
// ranked by their total Sobol index of the target-year value (by Morris μ*
// when only Morris ran), with the indices of the event "target met". Aligned
// text for people (the `top` factors of each target), CSV (one row per
// output and factor: every report year) and JSON for programs.

#include <cstddef>
#include <string>

#include "innosim/analysis/sensitivity.hpp"
#include "innosim/outputs/sensitivity_writer.hpp"
#include "innosim/outputs/table.hpp"  // TableFormat
#include "innosim/scenario/scenario.hpp"

namespace innosim {

std::string format_sensitivity_table(const Scenario& scenario, const SensitivityHeader& header,
                                     const SensitivityResult& result, TableFormat format, std::size_t top);

}  // namespace innosim
