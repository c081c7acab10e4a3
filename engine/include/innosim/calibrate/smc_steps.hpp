#pragma once
// The steps of the tempered SMC sampler (calibrate/smc.hpp) that do not
// depend on the model: effective sample size, the next temperature, systematic
// resampling, the Gaussian fitted to the particles and the Crank-Nicolson
// proposal relative to it, the number of sweeps and the adaptation of the
// move steps, the random numbers of the moves. Each is a pure function computed in a fixed order, so the sampler
// stays bit-identical for any thread count.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/random/streams.hpp"

namespace innosim::smc {

// Effective sample size (sum w)^2 / sum w^2 of weights exp(log_w); -inf
// entries weigh nothing. 0 when every weight is zero.
double effective_sample_size(std::span<const double> log_w);

// The temperature step. With equal weights before the step, the particles'
// weights become exp(delta * loglik). Returns 1 - phi when that keeps the
// effective sample size at `target_ess` or above; otherwise the delta in
// (0, 1 - phi) at which it equals target_ess (bisection to 1e-12 of the
// interval). `loglik` may hold -inf (invalid particles: zero weight).
double next_temperature_step(std::span<const double> loglik, double phi, double target_ess);

// log( mean_i exp(delta * loglik_i) ): the step's factor of the evidence.
double log_mean_weight(std::span<const double> loglik, double delta);

// Normalised weights exp(delta * loglik_i) / sum.
std::vector<double> normalised_weights(std::span<const double> loglik, double delta);

// Systematic resampling: n indices into `weights` (normalised), the k-th
// taken where (k + u) / n falls in the cumulative weights; u in [0, 1).
std::vector<std::size_t> systematic_resample(std::span<const double> weights, std::size_t n, double u);

// A Gaussian fitted to weighted points x ([n][d]): the weighted mean and the
// lower Cholesky factor (row-major d x d) of the weighted covariance whose
// correlations are shrunk towards 0 by `shrinkage` (Schaefer & Strimmer
// 2005: the estimated variance of the sample correlations over their sum of
// squares, with the weights' effective sample size as the sample size, within
// [0, 1]); a diagonal of 1e-9 times the mean variance (at least 1e-12) is
// added so that a collapsed dimension still moves.
struct GaussianFit {
  std::vector<double> mean;    // [d]
  std::vector<double> factor;  // [d][d], lower triangular
  double shrinkage = 0;
};
GaussianFit fit_gaussian(std::span<const double> x, std::span<const double> weights, std::size_t d);

// The move of the parameters: a preconditioned Crank-Nicolson step reversible
// with respect to the fitted Gaussian N(m, L L^T). In whitened coordinates
// w = L^-1 (z - m) the proposal is w'_k = sqrt(1 - beta^2) w_k + beta eta_k
// for the coordinates k of one block (block_of[k] == block; all of them when
// block_of is empty), w'_k = w_k for the others; z' = m + L w'. Writes z' and
// returns the sum over the block of (w'_k^2 - w_k^2) / 2, the log of
// N(z; m, C) / N(z'; m, C) that the Metropolis-Hastings ratio adds to the
// target's log ratio.
double pcn_propose(const GaussianFit& fit, double beta, std::span<const double> z, std::span<const double> eta,
                   std::span<const std::uint32_t> block_of, std::uint32_t block, std::span<double> z_new);

// The parameter moves update blocks of at most kBlockSize whitened
// coordinates, one block after another: block_count(d) blocks.
inline constexpr std::size_t kBlockSize = 25;
std::size_t block_count(std::size_t d);

// A balanced random partition of d coordinates into `blocks` blocks from d
// uniform keys: the coordinate of rank r among the keys goes to block
// r * blocks / d.
void assign_blocks(std::span<const double> keys, std::size_t blocks, std::span<std::uint32_t> block_of);

// A latent standard normal as a uniform in (0, 1): Phi(x), kept away from
// 0 and 1 as uniform01 is (the model's quantiles must stay finite).
double latent_uniform(double x);

// Standard normals from Philox: out[k] = Phi^-1(uniform01(seed, index, stream, counter, k)).
void fill_normal(std::uint64_t seed, std::uint64_t index, Stream stream, std::uint32_t counter,
                 std::span<double> out);

// The Philox counter of a move: generation, sweep (< 1024) and kind (0
// parameters, 1 noise) in one 32-bit word. A parameter sweep's numbers are
// the slots of its counter: 0 .. d-1 the normals eta, d + j the uniform
// that accepts or rejects block j, then d keys of the blocks' partition.
std::uint32_t move_counter(std::size_t generation, std::size_t sweep, unsigned kind);

// The expected correlation of a particle's whitened coordinates with those
// before one sweep that proposes a Crank-Nicolson step `beta` and accepts it
// with probability `acceptance`: 1 - acceptance (1 - sqrt(1 - beta^2)).
double sweep_correlation(double acceptance, double beta);

// Sweeps after which that correlation has fallen to `correlation`:
// log correlation / log sweep_correlation, within [lo, hi].
std::size_t sweeps_for(double acceptance, double beta, double correlation, std::size_t lo, std::size_t hi);

// The steps a generation's first sweep tries (Fearnhead & Taylor 2013): the
// previous generation's step times 1/4, 1/2, 1, 2 and 4, within [0.01, 1];
// particle i tries step_grid(beta)[i % kStepGrid].
inline constexpr std::size_t kStepGrid = 5;
std::vector<double> step_grid(double beta);

// Of the steps tried and their acceptance, the one whose sweep decorrelates
// most (the smallest sweep_correlation; the first of equals).
std::size_t best_step(std::span<const double> steps, std::span<const double> acceptance);

// The Crank-Nicolson step of the noise moves for the next generation:
// multiplied by exp(acceptance - target), kept within [0.01, 1].
double adapt_beta(double beta, double acceptance, double target);

// Distinct rows of x ([n][d]), compared bit for bit.
std::size_t distinct_rows(std::span<const double> x, std::size_t d);

}  // namespace innosim::smc
