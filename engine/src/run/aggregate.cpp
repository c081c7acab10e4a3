#include "innosim/run/aggregate.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

namespace innosim {

namespace {
double inverse_approx_log2(double l) {
  const double e = std::floor(l);
  return std::ldexp(1.0 + (l - e), static_cast<int>(e));
}
}  // namespace

void Moments::reset(std::size_t series) {
  n_ = 0;
  mean_.assign(series, 0.0);
  m2_.assign(series, 0.0);
  min_.assign(series, std::numeric_limits<double>::infinity());
  max_.assign(series, -std::numeric_limits<double>::infinity());
}

void Moments::set_tile(std::span<const double> values, std::size_t n) {
  const std::size_t n_series = mean_.size();
  reset(n_series);
  n_ = n;
  if (n == 0) return;
  for (std::size_t d = 0; d < n; ++d) {
    const double* row = values.data() + d * n_series;
    for (std::size_t s = 0; s < n_series; ++s) {
      mean_[s] += row[s];
      min_[s] = std::min(min_[s], row[s]);
      max_[s] = std::max(max_[s], row[s]);
    }
  }
  const double inv = 1.0 / static_cast<double>(n);
  for (auto& m : mean_) m *= inv;
  for (std::size_t d = 0; d < n; ++d) {
    const double* row = values.data() + d * n_series;
    for (std::size_t s = 0; s < n_series; ++s) {
      const double dev = row[s] - mean_[s];
      m2_[s] += dev * dev;
    }
  }
}

void Moments::merge(const Moments& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  const double na = static_cast<double>(n_), nb = static_cast<double>(o.n_);
  const double n = na + nb;
  for (std::size_t s = 0; s < mean_.size(); ++s) {
    const double delta = o.mean_[s] - mean_[s];
    mean_[s] += delta * (nb / n);
    m2_[s] += o.m2_[s] + delta * delta * (na * nb / n);
    min_[s] = std::min(min_[s], o.min_[s]);
    max_[s] = std::max(max_[s], o.max_[s]);
  }
  n_ += o.n_;
}

void Moments::merge_extremes(const Moments& o) {
  for (std::size_t s = 0; s < min_.size(); ++s) {
    min_[s] = std::min(min_[s], o.min_[s]);
    max_[s] = std::max(max_[s], o.max_[s]);
  }
}

void Moments::assign(std::uint64_t n, std::vector<double> mean, std::vector<double> m2, std::vector<double> min,
                     std::vector<double> max) {
  const std::size_t series = mean.size();
  n_ = n;
  mean_ = std::move(mean);
  m2_ = std::move(m2);
  min_ = min.empty() ? std::vector<double>(series, std::numeric_limits<double>::infinity()) : std::move(min);
  max_ = max.empty() ? std::vector<double>(series, -std::numeric_limits<double>::infinity()) : std::move(max);
}

void Moments::save(StateOut& out) const {
  const std::uint64_t n[1] = {n_};
  out.put_u64("n", n);
  out.put_f64("mean", mean_);
  out.put_f64("m2", m2_);
  out.put_f64("min", min_);
  out.put_f64("max", max_);
}

void Moments::load(const StateIn& in) {
  const std::size_t series = mean_.size();
  const std::uint64_t n = in.u64("n", 1)[0];
  assign(n, in.f64("mean", series), in.f64("m2", series), in.f64("min", series), in.f64("max", series));
}

std::vector<double> Moments::sd() const {
  std::vector<double> out(m2_.size(), 0.0);
  if (n_ < 2) return out;
  for (std::size_t s = 0; s < m2_.size(); ++s)
    out[s] = std::sqrt(std::max(0.0, m2_[s]) / static_cast<double>(n_ - 1));
  return out;
}

QuantileSketch::QuantileSketch(std::size_t series) : s_(series) {}

double QuantileSketch::representative(std::int32_t b) {
  const double lo = inverse_approx_log2(b * kWidth);
  const double hi = inverse_approx_log2((b + 1) * kWidth);
  return 0.5 * (lo + hi);
}

void QuantileSketch::Side::grow_add(std::int32_t b, std::uint64_t c) {
  if (counts.empty()) {
    lo = b;
    counts.assign(1, 0);
  } else if (b < lo) {
    // Grow downwards with slack so a slowly widening range does not
    // reallocate for every new bucket.
    const std::size_t grow = static_cast<std::size_t>(lo - b) + counts.size() / 2 + 16;
    counts.insert(counts.begin(), grow, 0);
    lo -= static_cast<std::int32_t>(grow);
  } else if (static_cast<std::size_t>(b - lo) >= counts.size()) {
    counts.resize(static_cast<std::size_t>(b - lo) + counts.size() / 2 + 16, 0);
  }
  counts[static_cast<std::size_t>(b - lo)] += c;
}

std::uint64_t QuantileSketch::Side::total() const {
  std::uint64_t t = 0;
  for (auto c : counts) t += c;
  return t;
}

void QuantileSketch::merge(const QuantileSketch& o) {
  if (s_.empty()) s_.resize(o.s_.size());
  for (std::size_t i = 0; i < s_.size(); ++i) {
    const Series& b = o.s_[i];
    for (std::size_t k = 0; k < b.pos.counts.size(); ++k)
      if (b.pos.counts[k]) s_[i].pos.add(b.pos.lo + static_cast<std::int32_t>(k), b.pos.counts[k]);
    for (std::size_t k = 0; k < b.neg.counts.size(); ++k)
      if (b.neg.counts[k]) s_[i].neg.add(b.neg.lo + static_cast<std::int32_t>(k), b.neg.counts[k]);
    s_[i].zero += b.zero;
  }
}

// Saved as the non-zero buckets of every series, side by side: for the
// positive and the negative side, `<side>_start` [series + 1] offsets into
// `<side>_bucket` (bucket index) and `<side>_count`; `zero` [series].
void QuantileSketch::save(StateOut& out) const {
  auto side = [&](const std::string& name, Side Series::*which) {
    std::vector<std::uint64_t> start{0}, count;
    std::vector<std::int64_t> bucket;
    for (const Series& s : s_) {
      const Side& side = s.*which;
      for (std::size_t k = 0; k < side.counts.size(); ++k)
        if (side.counts[k] != 0) {
          bucket.push_back(std::int64_t{side.lo} + static_cast<std::int64_t>(k));
          count.push_back(side.counts[k]);
        }
      start.push_back(count.size());
    }
    out.put_u64(name + "_start", start);
    out.put_i64(name + "_bucket", bucket);
    out.put_u64(name + "_count", count);
  };
  side("pos", &Series::pos);
  side("neg", &Series::neg);
  std::vector<std::uint64_t> zero;
  for (const Series& s : s_) zero.push_back(s.zero);
  out.put_u64("zero", zero);
}

void QuantileSketch::load(const StateIn& in) {
  const std::size_t n_series = s_.size();
  auto side = [&](const std::string& name, Side Series::*which) {
    const auto start = in.u64(name + "_start", n_series + 1);
    const auto bucket = in.i64(name + "_bucket");
    const auto count = in.u64(name + "_count");
    if (bucket.size() != count.size() || start.front() != 0 || start.back() != count.size() ||
        !std::is_sorted(start.begin(), start.end()))
      throw StateError(in.where(name + "_start") + ": bucket offsets do not match the buckets");
    for (std::size_t s = 0; s < n_series; ++s)
      for (std::uint64_t k = start[s]; k < start[s + 1]; ++k) {
        if (bucket[k] < std::numeric_limits<std::int32_t>::min() || bucket[k] > std::numeric_limits<std::int32_t>::max())
          throw StateError(in.where(name + "_bucket") + ": bucket index out of range");
        (s_[s].*which).add(static_cast<std::int32_t>(bucket[k]), count[k]);
      }
  };
  side("pos", &Series::pos);
  side("neg", &Series::neg);
  const auto zero = in.u64("zero", n_series);
  for (std::size_t s = 0; s < n_series; ++s) s_[s].zero += zero[s];
}

std::uint64_t QuantileSketch::count(std::size_t series) const {
  const Series& s = s_[series];
  return s.pos.total() + s.neg.total() + s.zero;
}

double QuantileSketch::quantile(std::size_t series, double q) const {
  const Series& s = s_[series];
  const std::uint64_t n = count(series);
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const auto rank = static_cast<std::uint64_t>(std::floor(std::clamp(q, 0.0, 1.0) * static_cast<double>(n - 1)));
  std::uint64_t seen = 0;
  // Ascending order: most negative first (largest |x| in neg), zeros, positives.
  for (std::size_t k = s.neg.counts.size(); k-- > 0;) {
    seen += s.neg.counts[k];
    if (seen > rank) return -representative(s.neg.lo + static_cast<std::int32_t>(k));
  }
  seen += s.zero;
  if (seen > rank) return 0.0;
  for (std::size_t k = 0; k < s.pos.counts.size(); ++k) {
    seen += s.pos.counts[k];
    if (seen > rank) return representative(s.pos.lo + static_cast<std::int32_t>(k));
  }
  return std::numeric_limits<double>::quiet_NaN();  // unreachable: counts sum to n
}

Summary make_summary(const Moments& m, const QuantileSketch& q, const std::vector<double>& levels) {
  Summary out;
  out.quantile_levels = levels;
  out.mean = m.mean();
  out.sd = m.sd();
  out.min = m.min();
  out.max = m.max();
  out.quantile_relative_accuracy = kSketchAccuracy;
  const std::size_t n_series = m.series();
  out.quantiles.resize(n_series * levels.size());
  for (std::size_t s = 0; s < n_series; ++s)
    for (std::size_t l = 0; l < levels.size(); ++l)
      out.quantiles[s * levels.size() + l] = q.quantile(s, levels[l]);
  return out;
}

}  // namespace innosim
