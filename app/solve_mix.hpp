#pragma once
// The cheapest mix of several levers reaching P(met) = p (`innosim solve`
// with a --cost for each lever).
//
// Each lever i has a factor k_i in [lo, hi] and a cost per unit c_i; raising
// k_i by 1 costs a_i = c_i x (its unscaled amount in the end year). A split
// w of an extra cost B over every factor at lo (w_i >= 0, sum 1) gives
// k_i = lo + w_i B / a_i. For each split, the smallest B reaching p is found
// by a walk then bisection along it (common random numbers: each draw meets
// the target beyond a cost of its own, so B(w) is an order statistic of
// per-draw thresholds, continuous in w). The split is chosen by NLopt's
// COBYLA (derivative-free, with the constraint sum w <= 1 on the first n-1
// shares), started from the best of the single-lever splits and the
// equal split.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "innosim/outputs/solve_result.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/scenario/scenario.hpp"
#include "levers.hpp"
#include "points.hpp"

namespace innosim::app {

// "L=c" for each axis, in the axes' order, into `costs`; the message for bad
// or missing ones (exit 2), empty if all are good.
std::string parse_costs(const std::vector<std::string>& specs, const std::vector<LeverAxis>& axes,
                        std::vector<double>& costs);

// Fills `r` (all but target_id); the exit code if a run failed.
std::optional<int> cheapest_mix(const Scenario& s, const std::vector<LeverAxis>& axes,
                                const std::vector<double>& costs, std::size_t target, double p,
                                const ParameterSource& sampler, const PointsConfig& cfg, MixResult& r);

}  // namespace innosim::app
