#pragma once
// Several runs side by side (`innosim compare`): for each target of the
// first run, P(met) and the median in every run that has the same target.

#include <string>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"

namespace innosim {

std::string format_compare_table(const std::vector<RunFile>& runs);

}  // namespace innosim
