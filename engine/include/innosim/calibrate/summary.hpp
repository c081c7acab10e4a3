#pragma once
// What a calibration reports beyond its particles: predictive quantiles of
// every observation (prior and posterior, of the model's value and of a
// replicate observation), fans over the horizon, prior against posterior
// for every parameter, and warnings (collapse, stalling, misfit).

#include <cstdint>
#include <span>

#include "innosim/calibrate/calibration.hpp"
#include "innosim/calibrate/located_observations.hpp"

namespace innosim {

// Fills r.levels, the predictive quantiles, the fans, r.shifts, r.fits and
// r.warnings from r's prior and final particles and their values at the fan
// points (prior_points, post_points: [N][fan points]). Replicate noise is
// Philox of (seed, particle, smc_predictive, 0 prior / 1 posterior, observation).
void summarise_calibration(CalibrationResult& r, const LocatedObservations& obs, std::span<const double> prior_points,
                           std::span<const double> post_points, std::uint64_t seed);

}  // namespace innosim
