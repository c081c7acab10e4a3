#pragma once
// The steps of the tempered SMC sampler (calibrate/smc.hpp) that do not
// depend on the model: effective sample size, the next temperature, systematic
// resampling, the random-walk proposal's covariance factor, the number of
// sweeps and the adaptation of the move scales, the random numbers of the
// moves. Each is a pure function computed in a fixed order, so the sampler
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

// Lower Cholesky factor (row-major d x d) of the weighted covariance of the
// points x ([n][d]); a diagonal of 1e-9 times the mean variance (and at
// least 1e-12) is added so that a collapsed dimension still moves.
std::vector<double> covariance_factor(std::span<const double> x, std::span<const double> weights, std::size_t d);

// A latent standard normal as a uniform in (0, 1): Phi(x), kept away from
// 0 and 1 as uniform01 is (the model's quantiles must stay finite).
double latent_uniform(double x);

// Standard normals from Philox: out[k] = Phi^-1(uniform01(seed, index, stream, counter, k)).
void fill_normal(std::uint64_t seed, std::uint64_t index, Stream stream, std::uint32_t counter,
                 std::span<double> out);

// The Philox counter of a move: generation, sweep (< 1024) and kind (0
// parameters, 1 noise) in one 32-bit word.
std::uint32_t move_counter(std::size_t generation, std::size_t sweep, unsigned kind);

// Sweeps after which a particle has stayed put with probability at most
// `stay` when each sweep moves it with probability `acceptance`
// (log stay / log(1 - acceptance), Drovandi & Pettitt 2011), within [lo, hi].
std::size_t sweeps_for(double acceptance, double stay, std::size_t lo, std::size_t hi);

// The random-walk scale for the next generation: multiplied by
// exp(acceptance - target), kept within [0.01, 3] x 2.38 / sqrt(d).
double adapt_scale(double scale, double acceptance, double target, std::size_t d);
// The Crank-Nicolson step for the next generation, likewise, within [0.01, 1].
double adapt_beta(double beta, double acceptance, double target);

// Distinct rows of x ([n][d]), compared bit for bit.
std::size_t distinct_rows(std::span<const double> x, std::size_t d);

}  // namespace innosim::smc
