#pragma once
// Counter-based random numbers: every number is a pure function of
// (scenario seed, draw index, stream id, year, slot) through Random123's
// Philox4x64-10. No state, so any thread may compute any draw, and one draw
// can be replayed alone by its index.

#include <cstdint>
#include <span>

namespace innosim {

// Stream ids used by the engine. Models never see them: they receive the
// uniforms the runner generated for them.
enum class Stream : std::uint32_t {
  parameters = 1,     // Monte Carlo sampler, parameter dimension = slot
  yearly = 2,         // the model's per-year random inputs, slot = input index
  sampler_shift = 3,  // Sobol random shift / LHS permutation keys (draw index 0)
  design = 4,         // Latin hypercube designs over levers (draw index = lever)
  bootstrap = 5,      // bootstrap resamples: of run comparisons (draw = replicate), of sensitivity estimators
                      // (draw = resample, year 0, slot = position)
  sensitivity = 6,    // sensitivity designs: Sobol shift of A|B, Morris trajectories (draw = trajectory)
  // Calibration (calibrate/smc.hpp) and draws from its posterior:
  smc_moves = 10,       // MCMC proposals and acceptances: draw = particle, year = move counter
  smc_resample = 11,    // the systematic resampling uniform: draw = generation
  smc_predictive = 12,  // replicate measurement errors: draw = particle, slot = observation
  posterior = 13,       // which particle a run's draw takes (draw = the run's draw index)
};

// Uniform in the open interval (0,1): (k + 1/2) 2^-52, k the top 52 bits of
// random_u64 (midpoints of 2^52 cells, so never 0 or 1, symmetric about 1/2).
double uniform01(std::uint64_t seed, std::uint64_t draw, Stream stream, std::uint32_t year,
                 std::uint32_t slot);

// out[k] = uniform01(seed, draw, stream, year, k) for every k, with one
// Philox call per four numbers.
void fill_uniform01(std::uint64_t seed, std::uint64_t draw, Stream stream, std::uint32_t year,
                    std::span<double> out);

// Raw 64-bit output for the same coordinates (for permutation keys).
std::uint64_t random_u64(std::uint64_t seed, std::uint64_t draw, Stream stream,
                         std::uint32_t year, std::uint32_t slot);

// Standard normal quantile (inverse CDF), accurate to ~1e-15 relative.
double normal_quantile(double u);
double normal_cdf(double z);

}  // namespace innosim
