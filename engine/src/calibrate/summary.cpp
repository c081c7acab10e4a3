// What a calibration reports beyond its particles (summary.hpp): predictive
// quantiles, fans, prior against posterior per parameter, and warnings.

#include "innosim/calibrate/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "innosim/calibrate/smc_steps.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Quantiles at `levels` of the finite values (NaN when there is none).
std::vector<double> quantiles(std::vector<double> v, const std::vector<double>& levels) {
  const auto end = std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); });
  const auto n = static_cast<std::size_t>(end - v.begin());
  std::vector<double> out;
  for (double p : levels) out.push_back(n ? quantile_linear(v, n, p) : kNaN);
  return out;
}

double sd_of(const std::vector<double>& v) {
  double m = 0, s = 0;
  std::size_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) m += x, ++n;
  if (n < 2) return kNaN;
  m /= static_cast<double>(n);
  for (double x : v)
    if (std::isfinite(x)) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(n - 1));
}

// Predictive quantiles [J][Q] of the model's values (replicate = false) or of
// replicate observations (the model's values plus measurement error drawn
// from Philox with `counter`), over the particles' fan points ([N][points]).
std::vector<double> predictive(const LocatedObservations& obs, std::span<const double> points, std::size_t n,
                               const std::vector<double>& levels, bool replicate, std::uint64_t seed,
                               std::uint32_t counter) {
  const std::size_t J = obs.count(), n_points = points.size() / std::max<std::size_t>(n, 1);
  std::vector<double> out;
  std::vector<std::vector<double>> values(J, std::vector<double>(n));
  std::vector<double> eps(J);
  for (std::size_t i = 0; i < n; ++i) {
    if (replicate) smc::fill_normal(seed, i, Stream::smc_predictive, counter, eps);
    for (std::size_t j = 0; j < J; ++j)
      values[j][i] = points[i * n_points + obs.point[j]] + (replicate ? obs.sd[j] * eps[j] : 0.0);
  }
  for (std::size_t j = 0; j < J; ++j) {
    const auto q = quantiles(std::move(values[j]), levels);
    out.insert(out.end(), q.begin(), q.end());
  }
  return out;
}

std::vector<double> fan(const LocatedObservations& obs, std::span<const double> points, std::size_t n,
                        const std::vector<double>& levels) {
  const std::size_t n_points = obs.offsets.size();
  std::vector<double> out;
  std::vector<double> v(n);
  for (std::size_t p = 0; p < n_points; ++p) {
    for (std::size_t i = 0; i < n; ++i) v[i] = points[i * n_points + p];
    const auto q = quantiles(v, levels);
    out.insert(out.end(), q.begin(), q.end());
  }
  return out;
}

std::size_t level_index(const std::vector<double>& levels, double p) {
  return static_cast<std::size_t>(std::find(levels.begin(), levels.end(), p) - levels.begin());
}

void add_warnings(CalibrationResult& r, const LocatedObservations& obs) {
  const auto n = static_cast<double>(r.particles);
  const GenerationStats& g0 = r.generations.front();
  if (g0.invalid > 0)
    r.warnings.push_back(fmt::format(
        "{} of {} prior draws failed (NaN or a negative stock) and carry no weight: the posterior is conditional "
        "on the model running",
        g0.invalid, r.particles));
  std::size_t stalled = 0;
  for (std::size_t t = 1; t < r.generations.size(); ++t) {
    const GenerationStats& g = r.generations[t];
    const double step = g.phi - r.generations[t - 1].phi;
    stalled = step < 1e-3 && g.phi < 1.0 ? stalled + 1 : 0;
    if (stalled == 3)
      r.warnings.push_back(fmt::format(
          "the temperature stalls: generations {} to {} each raised phi by less than 0.001 (now {:.3g}); the data "
          "may contradict the model or its priors",
          t - 2, t, g.phi));
    if (g.ess < 0.25 * n)
      r.warnings.push_back(fmt::format(
          "generation {}: the effective sample size collapsed to {:.0f} of {} particles (most particles failed or "
          "one dominates)",
          t, g.ess, r.particles));
    if (static_cast<double>(g.distinct) < 0.5 * n)
      r.warnings.push_back(fmt::format(
          "generation {}: only {} of {} particles distinct after the moves (parameter moves accepted {:.1f} %): "
          "the particles collapse; raise --max-sweeps or --particles",
          t, g.distinct, r.particles, 100.0 * g.acceptance_theta));
    else if (g.acceptance_theta < 0.05)
      r.warnings.push_back(fmt::format("generation {}: only {:.1f} % of parameter moves accepted", t,
                                       100.0 * g.acceptance_theta));
  }
  if (!r.reached)
    r.warnings.push_back(fmt::format(
        "the temperature reached only {:.3g} in {} generations: the particles are not the posterior; raise "
        "--max-generations",
        r.generations.back().phi, r.generations.size() - 1));
  std::size_t outside = 0;
  for (const ObservationPredictive& f : r.fits) outside += f.inside ? 0 : 1;
  if (outside > 0)
    r.warnings.push_back(fmt::format(
        "{} of {} observations lie outside their posterior predictive 90 % band: the model with these priors "
        "does not reproduce them",
        outside, obs.count()));
}

}  // namespace

void summarise_calibration(CalibrationResult& r, const LocatedObservations& obs, std::span<const double> prior_points,
                           std::span<const double> post_points, std::uint64_t seed) {
  const std::size_t n = r.particles, J = obs.count(), P = r.parameters.size();
  r.levels = {0.05, 0.25, 0.5, 0.75, 0.95};
  const std::size_t Q = r.levels.size(), q05 = level_index(r.levels, 0.05), q50 = level_index(r.levels, 0.5),
                    q95 = level_index(r.levels, 0.95);
  r.prior_model_q = predictive(obs, prior_points, n, r.levels, false, seed, 0);
  r.prior_replicate_q = predictive(obs, prior_points, n, r.levels, true, seed, 0);
  r.post_model_q = predictive(obs, post_points, n, r.levels, false, seed, 1);
  r.post_replicate_q = predictive(obs, post_points, n, r.levels, true, seed, 1);
  r.fan_indicator = obs.fan_indicator;
  r.fan_region = obs.fan_region;
  r.fan_years = obs.years;
  r.fan_prior_q = fan(obs, prior_points, n, r.levels);
  r.fan_post_q = fan(obs, post_points, n, r.levels);

  r.fits.clear();
  for (std::size_t j = 0; j < J; ++j) {
    ObservationPredictive f;
    f.prior_q05 = r.prior_replicate_q[j * Q + q05];
    f.prior_median = r.prior_replicate_q[j * Q + q50];
    f.prior_q95 = r.prior_replicate_q[j * Q + q95];
    f.post_q05 = r.post_replicate_q[j * Q + q05];
    f.post_median = r.post_replicate_q[j * Q + q50];
    f.post_q95 = r.post_replicate_q[j * Q + q95];
    f.model_median = r.post_model_q[j * Q + q50];
    f.inside = f.post_q05 <= obs.value[j] && obs.value[j] <= f.post_q95;
    r.fits.push_back(f);
  }

  r.shifts.clear();
  std::vector<double> prior(n), post(n);
  for (std::size_t k = 0; k < P; ++k) {
    for (std::size_t i = 0; i < n; ++i) {
      prior[i] = r.prior_theta[i * P + k];
      post[i] = r.theta[i * P + k];
    }
    ParameterShift s;
    s.parameter = r.parameters[k];
    s.prior_sd = sd_of(prior);
    s.post_sd = sd_of(post);
    const auto a = quantiles(prior, {0.05, 0.5, 0.95});
    const auto b = quantiles(post, {0.05, 0.5, 0.95});
    s.prior_q05 = a[0], s.prior_median = a[1], s.prior_q95 = a[2];
    s.post_q05 = b[0], s.post_median = b[1], s.post_q95 = b[2];
    s.shrinkage = s.prior_sd > 0 ? 1.0 - (s.post_sd * s.post_sd) / (s.prior_sd * s.prior_sd) : 0.0;
    r.shifts.push_back(s);
  }
  r.warnings.clear();
  add_warnings(r, obs);
}

}  // namespace innosim
