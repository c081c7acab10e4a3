#pragma once
// The innovation index of a run (`innosim run --index`, `innosim check
// --index`): per report year, the regions in order of their median index,
// with its 5-95 % band and the probability of each rank.

#include <string>
#include <vector>

#include "innosim/analysis/innovation_index.hpp"
#include "innosim/outputs/table.hpp"  // TableFormat
#include "innosim/scenario/scenario.hpp"

namespace innosim {

std::string format_index_table(const IndexResult& index, const std::vector<Region>& regions,
                               const std::string& scenario_name, TableFormat format);

}  // namespace innosim
