// Saltelli's design and the Sobol-index estimators (sobol_indices.hpp).

#include "innosim/analysis/sobol_indices.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "innosim/random/sobol.hpp"
#include "innosim/random/streams.hpp"

namespace innosim {

SaltelliDesign::SaltelliDesign(const Sampler& sampler, std::vector<FactorGroup> groups, std::size_t base_samples,
                               std::uint64_t seed)
    : sampler_(sampler), groups_(std::move(groups)), n_(base_samples), dims_(sampler.dimensions()) {
  if (n_ == 0) throw std::invalid_argument("Saltelli design: base samples must be at least 1");
  if (groups_.empty()) throw std::invalid_argument("Saltelli design: no uncertain parameter to vary");
  group_of_ = group_of_dimension(groups_, dims_);
  const SobolSequence seq(2 * dims_, seed, Stream::sensitivity);
  ab_.resize(n_ * 2 * dims_);
  std::vector<std::uint64_t> state(2 * dims_);
  seq.seek(0, state);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j > 0) seq.step(j, state);
    for (std::size_t k = 0; k < 2 * dims_; ++k) ab_[j * 2 * dims_ + k] = seq.unit(state, k);
  }
}

void SaltelliDesign::draw(std::uint64_t first, std::size_t count, std::span<double> theta) const {
  const std::size_t P = num_parameters(), per = rows_per_sample();
  std::vector<double> u(dims_);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t d = first + i;
    const std::size_t j = d / per, m = d % per;
    if (j >= n_) throw std::out_of_range(fmt::format("Saltelli design has {} rows; row {} asked for", rows(), d));
    const double* a = ab_.data() + j * 2 * dims_;
    const double* b = a + dims_;
    if (m == 1) {
      std::copy(b, b + dims_, u.begin());
    } else {
      std::copy(a, a + dims_, u.begin());
      if (m >= 2 && m < 2 + groups_.size())
        for (std::size_t k : groups_[m - 2].dims) u[k] = b[k];
    }
    sampler_.transform(u, theta.subspan(i * P, P));
  }
}

std::uint64_t SaltelliDesign::noise_draw(std::uint64_t draw) const {
  const std::size_t per = rows_per_sample();
  const std::uint64_t j = draw / per;
  return draw % per == per - 1 ? n_ + j : j;
}

std::vector<std::uint32_t> bootstrap_resamples(const BootstrapSettings& s, std::size_t n) {
  if (n > std::numeric_limits<std::uint32_t>::max()) throw std::invalid_argument("bootstrap: too many samples");
  std::vector<std::uint32_t> out(s.resamples * n);
  std::vector<double> u(n);
  for (std::size_t b = 0; b < s.resamples; ++b) {
    fill_uniform01(s.seed, b, Stream::bootstrap, 0, u);
    for (std::size_t i = 0; i < n; ++i)
      out[b * n + i] = static_cast<std::uint32_t>(std::min(n - 1, static_cast<std::size_t>(u[i] * static_cast<double>(n))));
  }
  return out;
}

Estimate percentile_interval(double value, std::vector<double>& values, double confidence) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (!std::isfinite(value)) return {nan, nan, nan};
  std::erase_if(values, [](double x) { return !std::isfinite(x); });
  if (values.empty()) return {value, nan, nan};
  std::sort(values.begin(), values.end());
  // numpy's default ("linear") quantile of the sorted values.
  auto q = [&](double p) {
    const double h = p * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
  };
  return {value, q((1.0 - confidence) / 2.0), q((1.0 + confidence) / 2.0)};
}

SobolIndices sobol_indices(std::span<const double> f, std::size_t k, std::span<const std::uint8_t> use,
                           std::span<const std::uint32_t> resamples, double confidence) {
  const std::size_t per = k + 3;
  const std::size_t n_all = use.size();
  if (f.size() != n_all * per) throw std::invalid_argument("sobol_indices: values do not match the design");
  // The base samples used, and per sample: f(A), f(B), and the terms of each
  // estimator (centred on the mean c of A and B: subtracting a constant from
  // f(B) changes no expectation, since E[f(AB) - f(A)] = 0, but removes the
  // mean's variance from the first-order estimator).
  std::vector<std::size_t> used;
  for (std::size_t j = 0; j < n_all; ++j)
    if (use[j]) used.push_back(j);
  const std::size_t n = used.size();
  SobolIndices out;
  out.samples = n;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.first.assign(k, {nan, nan, nan});
  out.total.assign(k, {nan, nan, nan});
  out.noise_first = out.noise_total = {nan, nan, nan};
  if (n < 2) {
    out.mean = out.variance = nan;
    return out;
  }
  double c = 0;
  for (std::size_t j : used) c += f[j * per] + f[j * per + 1];
  c /= static_cast<double>(2 * n);
  // Per used sample s: a, b (centred), and per group (k) plus noise (1):
  // the first-order term and the total term. [s][k + 1].
  std::vector<double> a(n), b(n), t1(n * (k + 1)), t2(n * (k + 1));
  for (std::size_t s = 0; s < n; ++s) {
    const double* row = f.data() + used[s] * per;
    a[s] = row[0] - c;
    b[s] = row[1] - c;
    for (std::size_t i = 0; i <= k; ++i) {
      // Groups: AB_i against A; the noise: A against A'.
      const double d = i < k ? row[2 + i] - row[0] : row[0] - row[per - 1];
      t1[s * (k + 1) + i] = b[s] * d;
      t2[s * (k + 1) + i] = d * d;
    }
  }
  // The estimates for samples `pick` (n of them, indices into the used ones).
  std::vector<double> s1(k + 1), s2(k + 1);
  auto estimate = [&](auto pick, double& variance) {
    std::fill(s1.begin(), s1.end(), 0.0);
    std::fill(s2.begin(), s2.end(), 0.0);
    double sum = 0, sum2 = 0;
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t s = pick(p);
      sum += a[s] + b[s];
      sum2 += a[s] * a[s] + b[s] * b[s];
      const double* r1 = t1.data() + s * (k + 1);
      const double* r2 = t2.data() + s * (k + 1);
      for (std::size_t i = 0; i <= k; ++i) {
        s1[i] += r1[i];
        s2[i] += r2[i];
      }
    }
    const double m = 2.0 * static_cast<double>(n);
    variance = (sum2 - sum * sum / m) / (m - 1.0);
  };
  double v = 0;
  estimate([](std::size_t p) { return p; }, v);
  out.mean = c;
  out.variance = v;
  // Relative to the mean's size, a variance at rounding level is none.
  if (!(v > 1e-24 * std::max(1.0, c * c))) return out;
  const double nd = static_cast<double>(n);
  std::vector<double> first(k + 1), total(k + 1);
  for (std::size_t i = 0; i <= k; ++i) {
    first[i] = s1[i] / nd / v;
    total[i] = s2[i] / nd / (2.0 * v);
  }
  const std::size_t n_boot = n == 0 ? 0 : resamples.size() / n;
  std::vector<std::vector<double>> boot1(k + 1, std::vector<double>(n_boot)), boot2 = boot1;
  for (std::size_t r = 0; r < n_boot; ++r) {
    const std::uint32_t* idx = resamples.data() + r * n;
    double vb = 0;
    estimate([idx](std::size_t p) { return idx[p]; }, vb);
    for (std::size_t i = 0; i <= k; ++i) {
      boot1[i][r] = vb > 0 ? s1[i] / nd / vb : nan;
      boot2[i][r] = vb > 0 ? s2[i] / nd / (2.0 * vb) : nan;
    }
  }
  for (std::size_t i = 0; i <= k; ++i) {
    const Estimate e1 = percentile_interval(first[i], boot1[i], confidence);
    const Estimate e2 = percentile_interval(total[i], boot2[i], confidence);
    if (i < k) {
      out.first[i] = e1;
      out.total[i] = e2;
    } else {
      out.noise_first = e1;
      out.noise_total = e2;
    }
  }
  return out;
}

}  // namespace innosim
