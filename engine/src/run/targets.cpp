// Target checks (see targets.hpp).
//
// Quantiles are exact order statistics with linear interpolation, the
// definition numpy uses by default (np.quantile(x, p, method="linear")):
// with the n valid values sorted ascending x[0..n-1], h = (n-1)*p,
// lo = floor(h), g = h - lo, the quantile is x[lo] + g*(x[lo+1]-x[lo])
// (x[n-1] when lo = n-1). numpy evaluates the interpolation as
// b - (b-a)*(1-g) when g >= 0.5; we do the same, so h5py users get
// bit-identical numbers. The median is the p = 0.5 quantile.

#include "innosim/run/targets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

namespace innosim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double quantile_linear(std::vector<double>& v, std::size_t n, double p) {
  const double h = static_cast<double>(n - 1) * p;
  if (h >= static_cast<double>(n - 1)) {
    return *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (h <= 0.0) {
    return *std::min_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  }
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const double g = h - static_cast<double>(lo);
  auto first = v.begin();
  auto nth = first + static_cast<std::ptrdiff_t>(lo);
  auto last = first + static_cast<std::ptrdiff_t>(n);
  std::nth_element(first, nth, last);
  const double a = *nth;
  const double b = *std::min_element(nth + 1, last);  // x[lo+1]: smallest of the upper part
  const double d = b - a;
  return g >= 0.5 ? b - d * (1.0 - g) : a + d * g;
}

std::string verdict_for(double p_met, double on_track, double at_risk) {
  if (p_met >= on_track) return "on track";
  if (p_met >= at_risk) return "at risk";
  return "off track";  // also for NaN (no valid draws)
}

std::vector<std::string> target_ids(const std::vector<Target>& targets) {
  std::vector<std::string> ids;
  for (const Target& t : targets) {
    std::string id = t.indicator;
    if (t.region != "zone") id.append("@").append(t.region);
    ids.push_back(std::move(id));
  }
  std::vector<std::string> out = ids;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (std::count(ids.begin(), ids.end(), ids[i]) > 1) out[i].append(":").append(std::to_string(targets[i].year));
  return out;
}

TargetRow summarize_target(const Target& target, std::vector<double>& values, double on_track,
                           double at_risk) {
  // Move the valid values to the front; NaN marks a dropped draw.
  auto valid_end = std::partition(values.begin(), values.end(),
                                  [](double x) { return !std::isnan(x); });
  const auto n = static_cast<std::size_t>(valid_end - values.begin());

  TargetRow row;
  row.target = target;
  row.draws = n;
  if (n == 0) {
    row.median = row.q05 = row.q95 = row.mean = kNaN;
    row.p_met = row.p_met_se = kNaN;
    row.verdict = verdict_for(kNaN, on_track, at_risk);
    return row;
  }

  double sum = 0.0;
  std::size_t met = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += values[i];
    if (target.met(values[i])) ++met;
  }
  const double dn = static_cast<double>(n);
  row.mean = sum / dn;
  row.p_met = static_cast<double>(met) / dn;
  row.p_met_se = std::sqrt(row.p_met * (1.0 - row.p_met) / dn);
  // Each call reorders the valid prefix, which does not change the result.
  row.q05 = quantile_linear(values, n, 0.05);
  row.median = quantile_linear(values, n, 0.5);
  row.q95 = quantile_linear(values, n, 0.95);
  row.verdict = verdict_for(row.p_met, on_track, at_risk);
  return row;
}

JointAccumulator::JointAccumulator(std::vector<Target> targets)
    : targets_(std::move(targets)), hist_(targets_.size() + 1, 0) {}

void JointAccumulator::add(std::span<const double> values, std::size_t count) {
  const std::size_t t_count = targets_.size();
  for (std::size_t d = 0; d < count; ++d) {
    const double* row = values.data() + d * t_count;
    bool any_nan = false;
    for (std::size_t t = 0; t < t_count; ++t) any_nan = any_nan || std::isnan(row[t]);
    if (any_nan) continue;
    std::size_t met = 0;
    bool binding_met = true;
    for (std::size_t t = 0; t < t_count; ++t) {
      const bool m = targets_[t].met(row[t]);
      met += m ? 1 : 0;
      if (targets_[t].binding && !m) binding_met = false;
    }
    ++hist_[met];
    if (binding_met) ++all_binding_;
    if (met == t_count) ++all_;
    ++n_;
  }
}

std::unique_ptr<StateAccumulator> JointAccumulator::empty() const {
  return std::make_unique<JointAccumulator>(targets_);
}

void JointAccumulator::append(const StateAccumulator& later) {
  const auto& o = dynamic_cast<const JointAccumulator&>(later);
  if (o.hist_.size() != hist_.size()) throw std::invalid_argument("JointAccumulator::append: different targets");
  for (std::size_t k = 0; k < hist_.size(); ++k) hist_[k] += o.hist_[k];
  all_binding_ += o.all_binding_;
  all_ += o.all_;
  n_ += o.n_;
}

void JointAccumulator::save(StateOut& out) const {
  out.put_u64("met_count_hist", hist_);
  const std::uint64_t totals[3] = {all_binding_, all_, n_};
  out.put_u64("all_binding_all_draws", totals);
}

void JointAccumulator::load(const StateIn& in) {
  hist_ = in.u64("met_count_hist", hist_.size());
  const auto totals = in.u64("all_binding_all_draws", 3);
  all_binding_ = totals[0];
  all_ = totals[1];
  n_ = totals[2];
}

JointView JointAccumulator::result() const {
  JointView v;
  v.num_binding = static_cast<std::size_t>(
      std::count_if(targets_.begin(), targets_.end(), [](const Target& t) { return t.binding; }));
  v.met_count_hist = hist_;
  if (n_ == 0) {
    // No complete draw: the probabilities are undefined, except that "all of
    // no targets" is trivially met.
    v.p_all_binding = v.num_binding == 0 ? 1.0 : kNaN;
    v.p_all = targets_.empty() ? 1.0 : kNaN;
    return v;
  }
  const double dn = static_cast<double>(n_);
  v.p_all_binding = static_cast<double>(all_binding_) / dn;
  v.p_all = static_cast<double>(all_) / dn;
  return v;
}

}  // namespace innosim
