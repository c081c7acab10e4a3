#pragma once
// How each run differs from the first (`innosim compare`): per target the
// difference of P(met) and of the median with 1 standard error, paired when
// the runs share their draws (common random numbers), unpaired otherwise.

#include <optional>
#include <string>
#include <vector>

#include "innosim/outputs/hdf5_writer.hpp"  // RunFile
#include "innosim/run/differences.hpp"

namespace innosim {

struct RunDifferences {
  bool paired = false;
  std::string why;                                    // what makes them unpaired
  std::vector<std::optional<TargetDifference>> rows;  // per target of the first run; nullopt: not in this run
};

// diffs[k-1]: runs[k] against runs[0].
std::string format_difference_table(const std::vector<RunFile>& runs, const std::vector<RunDifferences>& diffs);

}  // namespace innosim
