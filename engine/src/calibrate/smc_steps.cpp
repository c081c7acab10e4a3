// Steps of the tempered SMC sampler (smc_steps.hpp).

#include "innosim/calibrate/smc_steps.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace innosim::smc {

namespace {

// max over the finite entries; -inf when there is none.
double finite_max(std::span<const double> x) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : x)
    if (std::isfinite(v)) m = std::max(m, v);
  return m;
}

}  // namespace

double effective_sample_size(std::span<const double> log_w) {
  const double m = finite_max(log_w);
  if (!std::isfinite(m)) return 0.0;
  double s = 0, s2 = 0;
  for (double v : log_w) {
    if (!std::isfinite(v)) continue;
    const double w = std::exp(v - m);
    s += w;
    s2 += w * w;
  }
  return s * s / s2;
}

namespace {

double ess_at(std::span<const double> loglik, double delta, std::vector<double>& scratch) {
  scratch.resize(loglik.size());
  for (std::size_t i = 0; i < loglik.size(); ++i) scratch[i] = delta * loglik[i];
  return effective_sample_size(scratch);
}

}  // namespace

double next_temperature_step(std::span<const double> loglik, double phi, double target_ess) {
  const double room = 1.0 - phi;
  if (!(room > 0)) return 0.0;
  std::vector<double> scratch;
  if (ess_at(loglik, room, scratch) >= target_ess) return room;
  double lo = 0.0, hi = room;
  // ESS falls as delta grows (for equal starting weights); bisection keeps the
  // last delta known to keep ESS at the target or above.
  while (hi - lo > 1e-12 * room) {
    const double mid = 0.5 * (lo + hi);
    if (ess_at(loglik, mid, scratch) >= target_ess)
      lo = mid;
    else
      hi = mid;
  }
  // lo is 0 only when even the smallest step loses the target (invalid
  // particles already take more weight than allowed); step on regardless.
  return lo > 0 ? lo : hi;
}

double log_mean_weight(std::span<const double> loglik, double delta) {
  std::vector<double> lw(loglik.size());
  for (std::size_t i = 0; i < loglik.size(); ++i) lw[i] = delta * loglik[i];
  const double m = finite_max(lw);
  if (!std::isfinite(m)) return -std::numeric_limits<double>::infinity();
  double s = 0;
  for (double v : lw)
    if (std::isfinite(v)) s += std::exp(v - m);
  return m + std::log(s / static_cast<double>(loglik.size()));
}

std::vector<double> normalised_weights(std::span<const double> loglik, double delta) {
  std::vector<double> w(loglik.size(), 0.0);
  std::vector<double> lw(loglik.size());
  for (std::size_t i = 0; i < loglik.size(); ++i) lw[i] = delta * loglik[i];
  const double m = finite_max(lw);
  if (!std::isfinite(m)) return w;
  double s = 0;
  for (std::size_t i = 0; i < lw.size(); ++i) {
    w[i] = std::isfinite(lw[i]) ? std::exp(lw[i] - m) : 0.0;
    s += w[i];
  }
  for (double& x : w) x /= s;
  return w;
}

std::vector<std::size_t> systematic_resample(std::span<const double> weights, std::size_t n, double u) {
  std::size_t last = weights.size();
  while (last > 0 && !(weights[last - 1] > 0)) --last;
  if (last == 0) throw std::invalid_argument("systematic_resample: no positive weight");
  --last;  // the last particle of positive weight
  std::vector<std::size_t> out(n);
  double cum = weights[0];
  std::size_t j = 0;
  const double step = 1.0 / static_cast<double>(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double x = (static_cast<double>(k) + u) * step;
    // Stops at the first j whose cumulative weight exceeds x, which has a
    // positive weight; round-off near the end stops at the last such j.
    while (j < last && x >= cum) cum += weights[++j];
    out[k] = j;
  }
  return out;
}

GaussianFit fit_gaussian(std::span<const double> x, std::span<const double> weights, std::size_t d) {
  const std::size_t n = weights.size();
  const auto D = static_cast<Eigen::Index>(d);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(D);
  double wsum = 0, w2sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    wsum += weights[i];
    w2sum += weights[i] * weights[i];
    for (std::size_t k = 0; k < d; ++k) mean(static_cast<Eigen::Index>(k)) += weights[i] * x[i * d + k];
  }
  mean /= wsum;
  Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(D, D);
  Eigen::VectorXd dev(D);
  for (std::size_t i = 0; i < n; ++i) {
    if (weights[i] == 0.0) continue;
    for (std::size_t k = 0; k < d; ++k)
      dev(static_cast<Eigen::Index>(k)) = x[i * d + k] - mean(static_cast<Eigen::Index>(k));
    cov.noalias() += (weights[i] / wsum) * dev * dev.transpose();
  }
  // Shrink the correlations: lambda = sum Var(r_ij) / sum r_ij^2 over i != j,
  // Var(r_ij) ~ (1 - r_ij^2)^2 / (n_eff - 1).
  const double n_eff = wsum * wsum / w2sum;
  double var_r = 0, sum_r2 = 0;
  const Eigen::VectorXd sd = cov.diagonal().cwiseSqrt();
  for (Eigen::Index r = 0; r < D; ++r)
    for (Eigen::Index c = 0; c < r; ++c) {
      if (!(sd(r) > 0 && sd(c) > 0)) continue;
      const double rho = cov(r, c) / (sd(r) * sd(c));
      var_r += (1 - rho * rho) * (1 - rho * rho);
      sum_r2 += rho * rho;
    }
  double lambda = 1.0;
  if (n_eff > 1 && sum_r2 > 0) lambda = std::clamp(var_r / (n_eff - 1) / sum_r2, 0.0, 1.0);
  for (Eigen::Index r = 0; r < D; ++r)
    for (Eigen::Index c = 0; c < D; ++c)
      if (r != c) cov(r, c) *= 1 - lambda;
  const double jitter = std::max(1e-9 * cov.trace() / static_cast<double>(std::max<std::size_t>(d, 1)), 1e-12);
  cov.diagonal().array() += jitter;
  Eigen::LLT<Eigen::MatrixXd> llt(cov);
  Eigen::MatrixXd l;
  if (llt.info() == Eigen::Success) {
    l = llt.matrixL();
  } else {
    // Not positive definite in floating point: fall back to the diagonal.
    l = cov.diagonal().cwiseSqrt().asDiagonal();
  }
  GaussianFit fit;
  fit.shrinkage = lambda;
  fit.mean.assign(mean.data(), mean.data() + D);
  fit.factor.assign(d * d, 0.0);
  for (Eigen::Index r = 0; r < D; ++r)
    for (Eigen::Index c = 0; c <= r; ++c) fit.factor[static_cast<std::size_t>(r * D + c)] = l(r, c);
  return fit;
}

double pcn_propose(const GaussianFit& fit, double beta, std::span<const double> z, std::span<const double> eta,
                   std::span<const std::uint32_t> block_of, std::uint32_t block, std::span<double> z_new) {
  const std::size_t d = fit.mean.size();
  const double* l = fit.factor.data();
  const double keep = std::sqrt(1.0 - beta * beta);
  // w = L^-1 (z - m) by forward substitution, then w' and z' = m + L w'.
  std::vector<double> w(d), wn(d);
  double log_ratio = 0;
  for (std::size_t r = 0; r < d; ++r) {
    double s = z[r] - fit.mean[r];
    for (std::size_t c = 0; c < r; ++c) s -= l[r * d + c] * w[c];
    w[r] = s / l[r * d + r];
    if (block_of.empty() || block_of[r] == block) {
      wn[r] = keep * w[r] + beta * eta[r];
      log_ratio += 0.5 * (wn[r] * wn[r] - w[r] * w[r]);
    } else {
      wn[r] = w[r];
    }
  }
  for (std::size_t r = 0; r < d; ++r) {
    double s = fit.mean[r];
    for (std::size_t c = 0; c <= r; ++c) s += l[r * d + c] * wn[c];
    z_new[r] = s;
  }
  return log_ratio;
}

std::size_t block_count(std::size_t d) { return std::max<std::size_t>(1, (d + kBlockSize - 1) / kBlockSize); }

void assign_blocks(std::span<const double> keys, std::size_t blocks, std::span<std::uint32_t> block_of) {
  const std::size_t d = keys.size();
  std::vector<std::size_t> order(d);
  for (std::size_t k = 0; k < d; ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return keys[a] < keys[b] || (keys[a] == keys[b] && a < b);
  });
  for (std::size_t r = 0; r < d; ++r) block_of[order[r]] = static_cast<std::uint32_t>(r * blocks / d);
}

double latent_uniform(double x) { return std::clamp(normal_cdf(x), 0x1p-53, 1.0 - 0x1p-53); }

void fill_normal(std::uint64_t seed, std::uint64_t index, Stream stream, std::uint32_t counter,
                 std::span<double> out) {
  fill_uniform01(seed, index, stream, counter, out);
  for (double& x : out) x = normal_quantile(x);
}

std::uint32_t move_counter(std::size_t generation, std::size_t sweep, unsigned kind) {
  return static_cast<std::uint32_t>((generation * 1024 + sweep) * 2 + kind);
}

double sweep_correlation(double acceptance, double beta) {
  return 1.0 - acceptance * (1.0 - std::sqrt(1.0 - beta * beta));
}

std::size_t sweeps_for(double acceptance, double beta, double correlation, std::size_t lo, std::size_t hi) {
  const double rho = sweep_correlation(acceptance, beta);
  if (!(rho < 1)) return hi;
  if (!(rho > 0)) return lo;
  const double n = std::ceil(std::log(correlation) / std::log(rho));
  return std::clamp(static_cast<std::size_t>(std::min(n, 1e9)), lo, hi);
}

std::vector<double> step_grid(double beta) {
  std::vector<double> grid(kStepGrid);
  for (std::size_t k = 0; k < kStepGrid; ++k)
    grid[k] = std::clamp(beta * std::ldexp(1.0, static_cast<int>(k) - 2), 0.01, 1.0);
  return grid;
}

std::size_t best_step(std::span<const double> steps, std::span<const double> acceptance) {
  std::size_t best = 0;
  for (std::size_t k = 1; k < steps.size(); ++k)
    if (sweep_correlation(acceptance[k], steps[k]) < sweep_correlation(acceptance[best], steps[best])) best = k;
  return best;
}

double adapt_beta(double beta, double acceptance, double target) {
  return std::clamp(beta * std::exp(acceptance - target), 0.01, 1.0);
}

std::size_t distinct_rows(std::span<const double> x, std::size_t d) {
  const std::size_t n = d ? x.size() / d : 0;
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  const auto row = [&](std::size_t i) { return x.data() + i * d; };
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    return std::memcmp(row(a), row(b), d * sizeof(double)) < 0;
  });
  std::size_t distinct = n ? 1 : 0;
  for (std::size_t k = 1; k < n; ++k)
    if (std::memcmp(row(idx[k - 1]), row(idx[k]), d * sizeof(double)) != 0) ++distinct;
  return distinct;
}

}  // namespace innosim::smc
