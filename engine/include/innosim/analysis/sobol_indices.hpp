#pragma once
// Variance-based sensitivity indices (Sobol indices) of groups of
// parameters, by Saltelli's design, with bootstrap confidence intervals.
//
// The factors are the sampler's independent uniforms u in (0,1)^D, before
// the Gaussian copula (sampler.hpp): group i's index is the share of the
// output variance due to the uniforms of its dimensions. Without
// correlations these are the parameters themselves; within a correlation
// block, u_k drives θ_k and, through the Cholesky factor, the block's later
// parameters, so a group holding a whole block gives that block's index.
//
// Design (Saltelli 2002, 2010). A and B are N x D matrices: point j of a
// 2D-dimensional Sobol' sequence (SobolSequence, Stream::sensitivity) gives
// row j of A (first D coordinates) and of B (last D). With k groups, base
// sample j has k + 3 rows, in this order:
//   0        A_j                          noise of draw j
//   1        B_j                          noise of draw j
//   2 + i    AB_i,j: A_j with group i's   noise of draw j
//            columns from B_j
//   k + 2    A_j                          noise of draw N + j
// "Noise" is the model's yearly random inputs (Stream::yearly: shocks,
// integer events) of that draw index (ParameterSource::noise_draw). Rows of
// one base sample share their noise, so each group's index is of its
// parameters with the noise ω as one more factor, and the last row gives the
// noise's own indices. Estimators, with V the variance of f over the rows A
// and B, c their mean:
//   first order  S_i  = mean_j (f(B_j) - c)(f(AB_i,j) - f(A_j)) / V   (Saltelli 2010)
//   total        ST_i = mean_j (f(A_j) - f(AB_i,j))^2 / (2V)         (Jansen 1999)
//   noise        S_ω  = mean_j (f(B_j) - c)(f(A_j) - f(A'_j)) / V,
//                ST_ω = mean_j (f(A_j) - f(A'_j))^2 / (2V), A'_j the last row.
// S_i so estimated is Var(E[Y | u_i, ω]) - Var(E[Y | ω]), over V: the
// group's first-order effect plus its interaction with the noise (with no
// noise, the usual first-order index); ST_i is the usual total index in the
// space of parameters and noise. Confidence intervals: percentile bootstrap
// over the base samples (the same resamples for every output).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/analysis/groups.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/random/sampler.hpp"

namespace innosim {

class SaltelliDesign : public ParameterSource {
 public:
  SaltelliDesign(const Sampler& sampler, std::vector<FactorGroup> groups, std::size_t base_samples,
                 std::uint64_t seed);

  std::size_t base_samples() const { return n_; }
  std::size_t num_groups() const { return groups_.size(); }
  std::size_t rows_per_sample() const { return groups_.size() + 3; }
  std::size_t rows() const { return n_ * rows_per_sample(); }
  const std::vector<FactorGroup>& groups() const { return groups_; }
  // Row j of [A | B]: 2D uniforms.
  std::span<const double> ab_row(std::size_t j) const { return {ab_.data() + j * 2 * dims_, 2 * dims_}; }
  std::size_t dims() const { return dims_; }

  std::size_t num_parameters() const override { return sampler_.num_parameters(); }
  void draw(std::uint64_t first, std::size_t count, std::span<double> theta) const override;
  std::uint64_t noise_draw(std::uint64_t draw) const override;

 private:
  const Sampler& sampler_;
  std::vector<FactorGroup> groups_;
  std::vector<std::size_t> group_of_;  // per dimension
  std::size_t n_ = 0, dims_ = 0;
  std::vector<double> ab_;  // [N][2D]
};

struct BootstrapSettings {
  std::size_t resamples = 200;
  double confidence = 0.95;  // two-sided percentile interval
  std::uint64_t seed = 0;
};

// An estimate and its bootstrap interval; NaN when the output does not vary.
struct Estimate {
  double value = 0, lo = 0, hi = 0;
};

struct SobolIndices {
  std::vector<Estimate> first, total;  // [group]
  Estimate noise_first, noise_total;
  double mean = 0, variance = 0;
  std::size_t samples = 0;  // base samples used
};

// Resamples of {0, ..., n-1} with replacement, resample b position i from
// uniform01(seed, b, Stream::bootstrap, 0, i): [resample][n].
std::vector<std::uint32_t> bootstrap_resamples(const BootstrapSettings& s, std::size_t n);

// The percentile interval of `values` (sorted in place) at `confidence`.
Estimate percentile_interval(double value, std::vector<double>& values, double confidence);

// Indices of one output. `f` holds its values per row of the design,
// [N][k + 3] (rows in the design's order); `use[j]` = 0 leaves base sample j
// out (a dropped draw among its rows); `resamples` from bootstrap_resamples
// over the base samples used (their count).
SobolIndices sobol_indices(std::span<const double> f, std::size_t k, std::span<const std::uint8_t> use,
                           std::span<const std::uint32_t> resamples, double confidence);

}  // namespace innosim
