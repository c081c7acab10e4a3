#pragma once
// How two runs differ on one target: the difference of P(met) and of the
// median, with its Monte Carlo standard error.
//
// Paired (common random numbers: both runs have the same seed, draws and
// parameter values, so draw i of one and draw i of the other differ only by
// what the scenarios change): the P(met) difference is the mean of
// d_i = met_b(i) - met_a(i) over draws valid in both, its standard error
// sd(d)/sqrt(n); the median difference's standard error is a paired
// bootstrap (the same resampled draws in both runs). Unpaired: each run's
// error separately, combined as sqrt(se_a^2 + se_b^2), the median's from a
// bootstrap of each run. A run compared with itself gives exactly 0 ± 0.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct TargetDifference {
  bool paired = false;
  std::size_t draws = 0;          // paired: draws valid in both; unpaired: the smaller count
  double p_met_diff = 0;          // P_b - P_a
  double p_met_diff_se = 0;       // 1 standard error
  double median_diff = 0;         // median_b - median_a
  double median_diff_se = 0;      // 1 standard error (bootstrap)
};

inline constexpr std::size_t kBootstrapReplicates = 200;
inline constexpr std::size_t kBootstrapMax = 20000;  // items per resample at most (see differences.cpp)

// `a`, `b`: every draw's value of the target (NaN for dropped draws), draw i
// of one the same draw as draw i of the other. `seed` keys the bootstrap.
TargetDifference paired_difference(const Target& target, const std::vector<double>& a,
                                   const std::vector<double>& b, std::uint64_t seed);

// `a`, `b`: independent runs' values (any lengths).
TargetDifference unpaired_difference(const Target& target, const std::vector<double>& a,
                                     const std::vector<double>& b, std::uint64_t seed);

}  // namespace innosim
