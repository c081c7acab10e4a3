#pragma once
// Morris elementary effects of groups of parameters: a cheap screen (r
// trajectories of k + 1 runs each, against N (k + 3) for Sobol indices).
//
// Like the Sobol indices, the factors are the sampler's independent
// uniforms (sobol_indices.hpp). A p-level grid (p even) puts level l at
// u = (l + 1/2) / p; a step moves a group's uniforms by p/2 levels, Δ = 1/2.
// Trajectory t: for each group a direction (up or down, probability 1/2)
// and for each dimension a start level, uniform among the levels from which
// that direction's step stays on the grid; then the groups move one at a
// time, in a random order, all dimensions of a group together in the
// group's direction. Elementary effect of group g on trajectory t:
//   EE = (f(after) - f(before)) / (±Δ),
// the sign that of the direction, so EE is the change of the output per
// unit of the uniforms' scale (a move across a parameter's whole prior, in
// probability). μ = mean EE, μ* = mean |EE| (Campolongo et al. 2007), σ =
// sd EE (sample, n - 1). Every run of a trajectory uses the yearly random
// inputs of draw t, so effects are of the parameters given the noise.
// Random numbers: uniform01(seed, t, Stream::sensitivity, year, slot) with
// year 1 (directions, slot = group), 2 (start levels, slot = dimension),
// 3 (order: a Fisher-Yates shuffle, slot = step).
//
// Row layout: trajectory t has rows t (k + 1) + s, s = 0..k; row s > 0 is
// row s - 1 with group order[s - 1] moved.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/analysis/groups.hpp"
#include "innosim/analysis/sobol_indices.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/random/sampler.hpp"

namespace innosim {

class MorrisDesign : public ParameterSource {
 public:
  // levels: even, at least 2.
  MorrisDesign(const Sampler& sampler, std::vector<FactorGroup> groups, std::size_t trajectories, int levels,
               std::uint64_t seed);

  std::size_t trajectories() const { return r_; }
  std::size_t num_groups() const { return groups_.size(); }
  std::size_t rows_per_trajectory() const { return groups_.size() + 1; }
  std::size_t rows() const { return r_ * rows_per_trajectory(); }
  int levels() const { return levels_; }
  const std::vector<FactorGroup>& groups() const { return groups_; }
  std::size_t dims() const { return dims_; }
  // The uniforms of a row (D values).
  std::span<const double> row_uniforms(std::size_t row) const { return {u_.data() + row * dims_, dims_}; }
  // The group moved to reach row s > 0 of trajectory t, and its direction (+1 up, -1 down).
  std::size_t moved_group(std::size_t t, std::size_t s) const { return order_[t * groups_.size() + s - 1]; }
  int direction(std::size_t t, std::size_t g) const { return up_[t * groups_.size() + g] ? 1 : -1; }

  std::size_t num_parameters() const override { return sampler_.num_parameters(); }
  void draw(std::uint64_t first, std::size_t count, std::span<double> theta) const override;
  std::uint64_t noise_draw(std::uint64_t draw) const override { return draw / rows_per_trajectory(); }

 private:
  const Sampler& sampler_;
  std::vector<FactorGroup> groups_;
  std::size_t r_ = 0, dims_ = 0;
  int levels_ = 4;
  std::vector<double> u_;               // [row][D]
  std::vector<std::size_t> order_;      // [t][k]
  std::vector<std::uint8_t> up_;        // [t][k]
};

struct MorrisEffects {
  std::vector<double> mu, sigma;  // [group]
  std::vector<Estimate> mu_star;  // [group], with a bootstrap interval over trajectories
  std::size_t trajectories = 0;   // used
};

// Effects of one output: `f` its values per row of the design [r][k + 1];
// `use[t]` = 0 leaves trajectory t out; resamples over the trajectories used
// (bootstrap_resamples).
MorrisEffects morris_effects(const MorrisDesign& design, std::span<const double> f,
                             std::span<const std::uint8_t> use, std::span<const std::uint32_t> resamples,
                             double confidence);

}  // namespace innosim
