// Morris trajectories and elementary effects (morris.hpp).

#include "innosim/analysis/morris.hpp"

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "innosim/random/streams.hpp"

namespace innosim {

MorrisDesign::MorrisDesign(const Sampler& sampler, std::vector<FactorGroup> groups, std::size_t trajectories,
                           int levels, std::uint64_t seed)
    : sampler_(sampler), groups_(std::move(groups)), r_(trajectories), dims_(sampler.dimensions()), levels_(levels) {
  if (levels < 2 || levels % 2 != 0) throw std::invalid_argument("Morris design: levels must be even and at least 2");
  if (r_ == 0) throw std::invalid_argument("Morris design: trajectories must be at least 1");
  if (groups_.empty()) throw std::invalid_argument("Morris design: no uncertain parameter to vary");
  const std::size_t k = groups_.size(), per = k + 1;
  const std::vector<std::size_t> group_of = group_of_dimension(groups_, dims_);
  const int half = levels / 2;
  auto at = [&](int level) { return (level + 0.5) / levels; };
  u_.resize(r_ * per * dims_);
  order_.resize(r_ * k);
  up_.resize(r_ * k);
  std::vector<int> level(dims_);
  for (std::size_t t = 0; t < r_; ++t) {
    for (std::size_t g = 0; g < k; ++g)
      up_[t * k + g] = uniform01(seed, t, Stream::sensitivity, 1, static_cast<std::uint32_t>(g)) < 0.5;
    // A start level from which the group's step stays on the grid: [0, half) going up, [half, levels) down.
    for (std::size_t d = 0; d < dims_; ++d) {
      const double x = uniform01(seed, t, Stream::sensitivity, 2, static_cast<std::uint32_t>(d));
      const int l = std::min(half - 1, static_cast<int>(x * half));
      level[d] = up_[t * k + group_of[d]] ? l : l + half;
    }
    std::size_t* order = order_.data() + t * k;
    std::iota(order, order + k, std::size_t{0});
    for (std::size_t s = k; s-- > 1;) {  // Fisher-Yates
      const double x = uniform01(seed, t, Stream::sensitivity, 3, static_cast<std::uint32_t>(s));
      std::swap(order[s], order[std::min(s, static_cast<std::size_t>(x * static_cast<double>(s + 1)))]);
    }
    double* row = u_.data() + t * per * dims_;
    for (std::size_t d = 0; d < dims_; ++d) row[d] = at(level[d]);
    for (std::size_t s = 1; s <= k; ++s) {
      const std::size_t g = order[s - 1];
      for (std::size_t d : groups_[g].dims) level[d] += up_[t * k + g] ? half : -half;
      double* next = row + s * dims_;
      for (std::size_t d = 0; d < dims_; ++d) next[d] = at(level[d]);
    }
  }
}

void MorrisDesign::draw(std::uint64_t first, std::size_t count, std::span<double> theta) const {
  const std::size_t P = num_parameters();
  if (first + count > rows())
    throw std::out_of_range(fmt::format("Morris design has {} rows; rows up to {} asked for", rows(), first + count));
  for (std::size_t i = 0; i < count; ++i) sampler_.transform(row_uniforms(first + i), theta.subspan(i * P, P));
}

MorrisEffects morris_effects(const MorrisDesign& design, std::span<const double> f,
                             std::span<const std::uint8_t> use, std::span<const std::uint32_t> resamples,
                             double confidence) {
  const std::size_t k = design.num_groups(), per = k + 1, r_all = design.trajectories();
  if (f.size() != r_all * per || use.size() != r_all)
    throw std::invalid_argument("morris_effects: values do not match the design");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double delta = 0.5;  // p/2 levels of a p-level grid
  std::vector<std::size_t> used;
  for (std::size_t t = 0; t < r_all; ++t)
    if (use[t]) used.push_back(t);
  const std::size_t n = used.size();
  // ee[s][g]: the elementary effect of group g on used trajectory s.
  std::vector<double> ee(n * k);
  for (std::size_t s = 0; s < n; ++s) {
    const std::size_t t = used[s];
    const double* row = f.data() + t * per;
    for (std::size_t step = 1; step <= k; ++step) {
      const std::size_t g = design.moved_group(t, step);
      ee[s * k + g] = (row[step] - row[step - 1]) / (delta * design.direction(t, g));
    }
  }
  MorrisEffects out;
  out.trajectories = n;
  out.mu.assign(k, nan);
  out.sigma.assign(k, nan);
  out.mu_star.assign(k, {nan, nan, nan});
  if (n == 0) return out;
  const std::size_t n_boot = resamples.size() / n;
  for (std::size_t g = 0; g < k; ++g) {
    double sum = 0, abs_sum = 0;
    for (std::size_t s = 0; s < n; ++s) {
      sum += ee[s * k + g];
      abs_sum += std::abs(ee[s * k + g]);
    }
    const double mu = sum / static_cast<double>(n);
    double ss = 0;
    for (std::size_t s = 0; s < n; ++s) ss += (ee[s * k + g] - mu) * (ee[s * k + g] - mu);
    out.mu[g] = mu;
    out.sigma[g] = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : nan;
    std::vector<double> boot(n_boot);
    for (std::size_t b = 0; b < n_boot; ++b) {
      double bs = 0;
      for (std::size_t p = 0; p < n; ++p) bs += std::abs(ee[resamples[b * n + p] * k + g]);
      boot[b] = bs / static_cast<double>(n);
    }
    out.mu_star[g] = percentile_interval(abs_sum / static_cast<double>(n), boot, confidence);
  }
  return out;
}

}  // namespace innosim
