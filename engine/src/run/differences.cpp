#include "innosim/run/differences.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "innosim/random/streams.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A copy's median: the caller's values keep their order.
double median_of(std::vector<double> v) { return v.empty() ? kNaN : quantile_linear(v, v.size(), 0.5); }

double sd_of(const std::vector<double>& x) {
  if (x.size() < 2) return 0.0;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

// The standard deviation of f over kBootstrapReplicates resamples of n
// items, each index a pure function of (seed, replicate, slot, position).
// Above kBootstrapMax items, resamples of kBootstrapMax items (an m-out-of-n
// bootstrap) scaled by sqrt(m/n), so the cost stays bounded.
template <class F>
double bootstrap_sd(std::size_t n, std::uint64_t seed, std::uint32_t slot, F&& f) {
  if (n < 2) return 0.0;
  const std::size_t m = std::min(n, kBootstrapMax);
  std::vector<double> reps;
  std::vector<std::size_t> idx(m);
  for (std::size_t r = 0; r < kBootstrapReplicates; ++r) {
    for (std::size_t i = 0; i < m; ++i)
      idx[i] = static_cast<std::size_t>(random_u64(seed, r, Stream::bootstrap, slot, static_cast<std::uint32_t>(i)) % n);
    reps.push_back(f(idx));
  }
  return sd_of(reps) * std::sqrt(static_cast<double>(m) / static_cast<double>(n));
}

std::vector<double> valid(const std::vector<double>& x) {
  std::vector<double> out;
  for (double v : x)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

double share_met(const Target& t, const std::vector<double>& x) {
  std::size_t met = 0;
  for (double v : x) met += t.met(v) ? 1 : 0;
  return x.empty() ? kNaN : static_cast<double>(met) / static_cast<double>(x.size());
}

}  // namespace

TargetDifference paired_difference(const Target& target, const std::vector<double>& a, const std::vector<double>& b,
                                   std::uint64_t seed) {
  std::vector<double> va, vb, d;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (std::isnan(a[i]) || std::isnan(b[i])) continue;
    va.push_back(a[i]);
    vb.push_back(b[i]);
    d.push_back((target.met(b[i]) ? 1.0 : 0.0) - (target.met(a[i]) ? 1.0 : 0.0));
  }
  TargetDifference out;
  out.paired = true;
  out.draws = d.size();
  if (d.empty()) {
    out.p_met_diff = out.p_met_diff_se = out.median_diff = out.median_diff_se = kNaN;
    return out;
  }
  const double n = static_cast<double>(d.size());
  double sum = 0;
  for (double x : d) sum += x;
  out.p_met_diff = sum / n;
  out.p_met_diff_se = sd_of(d) / std::sqrt(n);
  out.median_diff = median_of(vb) - median_of(va);
  std::vector<double> ra, rb;
  out.median_diff_se = bootstrap_sd(d.size(), seed, 0, [&](const std::vector<std::size_t>& idx) {
    ra.resize(idx.size());
    rb.resize(idx.size());
    for (std::size_t i = 0; i < idx.size(); ++i) {
      ra[i] = va[idx[i]];
      rb[i] = vb[idx[i]];
    }
    return median_of(rb) - median_of(ra);
  });
  return out;
}

TargetDifference unpaired_difference(const Target& target, const std::vector<double>& a,
                                     const std::vector<double>& b, std::uint64_t seed) {
  const std::vector<double> va = valid(a), vb = valid(b);
  TargetDifference out;
  out.draws = std::min(va.size(), vb.size());
  if (va.empty() || vb.empty()) {
    out.p_met_diff = out.p_met_diff_se = out.median_diff = out.median_diff_se = kNaN;
    return out;
  }
  const double pa = share_met(target, va), pb = share_met(target, vb);
  out.p_met_diff = pb - pa;
  out.p_met_diff_se = std::sqrt(pa * (1 - pa) / static_cast<double>(va.size()) +
                                pb * (1 - pb) / static_cast<double>(vb.size()));
  out.median_diff = median_of(vb) - median_of(va);
  auto median_sd = [&](const std::vector<double>& v, std::uint32_t slot) {
    std::vector<double> r;
    return bootstrap_sd(v.size(), seed, slot, [&](const std::vector<std::size_t>& idx) {
      r.resize(idx.size());
      for (std::size_t i = 0; i < idx.size(); ++i) r[i] = v[idx[i]];
      return median_of(r);
    });
  };
  const double sa = median_sd(va, 1), sb = median_sd(vb, 2);
  out.median_diff_se = std::sqrt(sa * sa + sb * sb);
  return out;
}

}  // namespace innosim
