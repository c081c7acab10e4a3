// Univariate distributions by inverse CDF. Boost.Math supplies the beta
// quantile; the triangular one is its two-line closed form; the truncated
// normal is written here because Boost has none, with care for truncation
// far in one tail.

#include "innosim/scenario/distribution.hpp"

#include <boost/math/distributions/beta.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "innosim/random/streams.hpp"

namespace innosim {

namespace {

// Boost's default evaluates double functions in long double (x87): several
// times slower and not needed for double results.
using Fast = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

constexpr double inf = std::numeric_limits<double>::infinity();

// Standard normal density.
double phi(double x) { return std::exp(-0.5 * x * x) * (0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2); }

// Upper tail Q(x) = 1 - Phi(x), accurate far into the tail.
double upper_tail(double x) { return 0.5 * std::erfc(x / std::numbers::sqrt2); }

// Mills ratio M(x) = Q(x) / phi(x) for x >= 0. Directly while phi(x) is a
// normal double; beyond x = 30 (phi ~ 1e-196) by the asymptotic series,
// whose first omitted term is 10395 / x^12 < 2e-14 relative there.
double mills(double x) {
  if (x == inf) return 0.0;
  if (x <= 30.0) return upper_tail(x) / phi(x);
  const double r = 1.0 / (x * x);
  return (1.0 - r * (1.0 - r * (3.0 - r * (15.0 - r * (105.0 - r * 945.0))))) / x;
}

// Standard normal truncated to [a, b] with 0 <= a < b: the y with
// P(Y >= y) = v, i.e. Q(y) = Q(b) + v (Q(a) - Q(b)). Upper-tail
// probabilities keep full relative precision however far out [a, b] lies.
double upper_trunc_quantile(double a, double b, double v) {
  double y;
  if (a <= 30.0) {
    const double qa = upper_tail(a);
    const double qb = upper_tail(b);
    y = -normal_quantile(qb + v * (qa - qb));
  } else {
    // Q itself underflows out here; work relative to phi(a). With
    // x = a + s, Q(x) / phi(a) = M(x) exp(-s (2a + s) / 2), and we want it
    // to equal t. Newton on h(s) = ln M(a+s) - s (2a+s)/2 - ln t, whose
    // derivative is -1 / M(a+s); start from the exponential-tail solution.
    const double e = std::exp(-0.5 * (b - a) * (b + a));
    const double mb = e * mills(b);
    const double ma = mills(a);
    const double t = mb + v * (ma - mb);
    const double log_t = std::log(t);
    double s = std::min(-std::log(t / ma) / a, b - a);
    for (int it = 0; it < 50; ++it) {
      const double m = mills(a + s);
      const double h = std::log(m) - 0.5 * s * (2.0 * a + s) - log_t;
      const double next = std::clamp(s + h * m, 0.0, b - a);
      const bool done = std::abs(next - s) <= 4e-16 * (a + s);
      s = next;
      if (done) break;
    }
    y = a + s;
  }
  return std::clamp(y, a, b);
}

// Quantile of the standard normal truncated to [a, b] at probability u.
double std_trunc_quantile(double a, double b, double u) {
  if (a >= 0.0) return upper_trunc_quantile(a, b, 1.0 - u);
  if (b <= 0.0) return -upper_trunc_quantile(-b, -a, u);  // mirror of the lower tail
  // The interval holds the mode: the mass is not small. Go through the
  // nearer tail so that both ends keep their precision.
  const double pa = upper_tail(-a);  // Phi(a) = Q(-a)
  const double qb = upper_tail(b);
  double y;
  if (u <= 0.5) {
    y = normal_quantile(pa + u * (1.0 - qb - pa));
  } else {
    y = -normal_quantile(qb + (1.0 - u) * (1.0 - qb - pa));
  }
  return std::clamp(y, a, b);
}

struct Moments {
  double mean;
  double variance;
};

// Mean and variance of the standard normal truncated to [a, b], from
// lambda_a = phi(a)/Z, lambda_b = phi(b)/Z with Z = Phi(b) - Phi(a):
//   mean = lambda_a - lambda_b,
//   var  = 1 + a lambda_a - b lambda_b - mean^2.
Moments std_trunc_moments(double a, double b) {
  if (b <= 0.0) {
    const Moments m = std_trunc_moments(-b, -a);
    return {-m.mean, m.variance};
  }
  double la, lb;
  if (a >= 0.0) {
    // Z / phi(a) = M(a) - exp(-(b^2 - a^2)/2) M(b): no underflow for large a.
    const double e = std::exp(-0.5 * (b - a) * (b + a));
    const double d = mills(a) - e * mills(b);
    la = 1.0 / d;
    lb = e / d;
  } else {
    const double z = 1.0 - upper_tail(b) - upper_tail(-a);
    la = std::isfinite(a) ? phi(a) / z : 0.0;
    lb = std::isfinite(b) ? phi(b) / z : 0.0;
  }
  const double mean = la - lb;
  const double a_la = std::isfinite(a) ? a * la : 0.0;
  const double b_lb = std::isfinite(b) ? b * lb : 0.0;
  return {mean, std::max(0.0, 1.0 + a_la - b_lb - mean * mean)};
}

struct PertShape {
  double alpha;
  double beta;
};

// Beta-PERT with shape 4: alpha = 1 + 4 (mode - min) / (max - min), etc.
PertShape pert_shape(double lo, double mode, double hi) {
  constexpr double lambda = 4.0;
  const double w = hi - lo;
  return {1.0 + lambda * (mode - lo) / w, 1.0 + lambda * (hi - mode) / w};
}

double beta_quantile(double alpha, double beta, double lo, double hi, double u) {
  const boost::math::beta_distribution<double, Fast> d(alpha, beta);
  return lo + (hi - lo) * boost::math::quantile(d, u);
}

}  // namespace

double Distribution::quantile(double u) const {
  switch (kind) {
    case Kind::fixed:
      return p[0];
    case Kind::uniform:
      return p[0] + u * (p[1] - p[0]);
    case Kind::normal:
      return p[0] + p[1] * normal_quantile(u);
    case Kind::truncnormal: {
      const double a = (p[2] - p[0]) / p[1];
      const double b = (p[3] - p[0]) / p[1];
      return std::clamp(p[0] + p[1] * std_trunc_quantile(a, b, u), p[2], p[3]);
    }
    case Kind::lognormal:
      return p[0] * std::exp(p[1] * normal_quantile(u));
    case Kind::triangular: {
      // Closed form (the same as Boost's, without its argument checks, which
      // the loader has done): most shipped priors are triangular, so this is
      // on the sampler's hot path.
      const double a = p[0], c = p[1], b = p[2];
      const double fc = (c - a) / (b - a);
      return u < fc ? a + std::sqrt(u * (b - a) * (c - a)) : b - std::sqrt((1.0 - u) * (b - a) * (b - c));
    }
    case Kind::beta:
      return beta_quantile(p[0], p[1], p[2], p[3], u);
    case Kind::pert: {
      const PertShape s = pert_shape(p[0], p[1], p[2]);
      return beta_quantile(s.alpha, s.beta, p[0], p[2], u);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::fixed:
      return p[0];
    case Kind::uniform:
      return 0.5 * (p[0] + p[1]);
    case Kind::normal:
      return p[0];
    case Kind::truncnormal:
      return p[0] + p[1] * std_trunc_moments((p[2] - p[0]) / p[1], (p[3] - p[0]) / p[1]).mean;
    case Kind::lognormal:
      return p[0] * std::exp(0.5 * p[1] * p[1]);
    case Kind::triangular:
      return (p[0] + p[1] + p[2]) / 3.0;
    case Kind::beta:
      return p[2] + (p[3] - p[2]) * p[0] / (p[0] + p[1]);
    case Kind::pert:
      return (p[0] + 4.0 * p[1] + p[2]) / 6.0;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::variance() const {
  switch (kind) {
    case Kind::fixed:
      return 0.0;
    case Kind::uniform:
      return (p[1] - p[0]) * (p[1] - p[0]) / 12.0;
    case Kind::normal:
      return p[1] * p[1];
    case Kind::truncnormal:
      return p[1] * p[1] *
             std_trunc_moments((p[2] - p[0]) / p[1], (p[3] - p[0]) / p[1]).variance;
    case Kind::lognormal: {
      const double s2 = p[1] * p[1];
      return p[0] * p[0] * std::exp(s2) * std::expm1(s2);
    }
    case Kind::triangular: {
      const double a = p[0], c = p[1], b = p[2];
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case Kind::beta: {
      const double al = p[0], be = p[1], w = p[3] - p[2];
      return w * w * al * be / ((al + be) * (al + be) * (al + be + 1.0));
    }
    case Kind::pert: {
      const PertShape s = pert_shape(p[0], p[1], p[2]);
      const double w = p[2] - p[0], ab = s.alpha + s.beta;
      return w * w * s.alpha * s.beta / (ab * ab * (ab + 1.0));
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::lower() const {
  switch (kind) {
    case Kind::fixed:
    case Kind::uniform:
    case Kind::triangular:
    case Kind::pert:
      return p[0];
    case Kind::normal:
      return -inf;
    case Kind::truncnormal:
    case Kind::beta:
      return p[2];
    case Kind::lognormal:
      return 0.0;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double Distribution::upper() const {
  switch (kind) {
    case Kind::fixed:
      return p[0];
    case Kind::uniform:
      return p[1];
    case Kind::triangular:
    case Kind::pert:
      return p[2];
    case Kind::normal:
    case Kind::lognormal:
      return inf;
    case Kind::truncnormal:
    case Kind::beta:
      return p[3];
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string Distribution::describe() const {
  // "{}" prints the shortest text that reads back to the same double.
  const DistributionKind& k = distribution_kind(kind);
  std::string out = fmt::format("{}(", k.name);
  for (std::size_t i = 0; i < k.keys.size(); ++i) out += fmt::format("{}{}={}", i ? ", " : "", k.keys[i], p[i]);
  return out + ")";
}

namespace {

constexpr std::string_view kFixedKeys[] = {"value"};
constexpr std::string_view kUniformKeys[] = {"min", "max"};
constexpr std::string_view kNormalKeys[] = {"mean", "sd"};
constexpr std::string_view kTruncnormalKeys[] = {"mean", "sd", "min", "max"};
constexpr std::string_view kLognormalKeys[] = {"median", "sigma"};
constexpr std::string_view kTriangularKeys[] = {"min", "mode", "max"};
constexpr std::string_view kBetaKeys[] = {"alpha", "beta", "min", "max"};
constexpr std::string_view kPertKeys[] = {"min", "mode", "max"};

constexpr DistributionKind kKinds[] = {
    {Distribution::Kind::fixed, "fixed", kFixedKeys},
    {Distribution::Kind::uniform, "uniform", kUniformKeys},
    {Distribution::Kind::normal, "normal", kNormalKeys},
    {Distribution::Kind::truncnormal, "truncnormal", kTruncnormalKeys},
    {Distribution::Kind::lognormal, "lognormal", kLognormalKeys},
    {Distribution::Kind::triangular, "triangular", kTriangularKeys},
    {Distribution::Kind::beta, "beta", kBetaKeys},
    {Distribution::Kind::pert, "pert", kPertKeys},
};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(kKinds); ++i)
    if (static_cast<std::size_t>(kKinds[i].kind) != i) return false;
  return true;
}
static_assert(in_enum_order(), "kKinds must list every Distribution::Kind in enum order");

}  // namespace

std::span<const DistributionKind> distribution_kinds() { return kKinds; }

const DistributionKind& distribution_kind(Distribution::Kind k) {
  return kKinds[static_cast<std::size_t>(k)];
}

const DistributionKind* find_distribution_kind(std::string_view name) {
  for (const DistributionKind& k : kKinds)
    if (k.name == name) return &k;
  return nullptr;
}

const char* kind_name(Distribution::Kind k) { return distribution_kind(k).name.data(); }

}  // namespace innosim
