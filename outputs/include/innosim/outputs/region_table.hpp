#pragma once
// Every indicator by region at the last report year, median and 5–95 % band
// (`innosim run --regions`).

#include <string>

#include "innosim/run/results.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

std::string format_region_table(const Scenario& scenario, const ResultShape& shape, const Summary& summary);

}  // namespace innosim
