// Parameter sampler: draw index -> uniforms -> Gaussian copula -> quantiles.
//
// Every value is a pure function of (scenario, seed, draws, draw index);
// nothing depends on the block a draw is computed in. Coordinates used:
//   Monte Carlo     u_k = uniform01(seed, draw, parameters, 0, k)
//   Latin hypercube u_k = (pi_k(draw) + uniform01(seed, draw, parameters, 0, k)) / draws,
//                   pi_k a keyed permutation of [0, draws): a Feistel network
//                   on [0, 2^m) (2^m >= draws) with cycle walking, its round
//                   keys derived from random_u64(seed, 0, sampler_shift, 1, k)
//   Sobol           draw i is point i of SobolSequence(dims, seed,
//                   sampler_shift) (sobol.hpp): point i+1 of
//                   boost::random::sobol (Joe-Kuo directions), shifted by
//                   s_k = random_u64(seed, 0, sampler_shift, 0, k) modulo 2^64
//                   (a Cranley-Patterson shift at 64-bit resolution), and
//                   mapped like uniform01: (top 52 bits + 1/2) 2^-52
// where k counts the uncertain (non-fixed) parameters in scenario order.
//
// Beta and PERT quantiles (Boost's ibeta_inv, 1-15 us each) and truncated
// normal ones (three erfc-class calls) are replaced in the hot path by a
// table built here: piecewise cubic Hermite interpolation
// of u -> x with exact values and slopes (1/pdf) at knots refined until the
// midpoint error of every interval is below 1e-12 of the support width; for
// u within 2^-20 of 0 or 1 the exact quantile is used. So theta equals
// dist.quantile(u') to 1e-12 of the range for these kinds, exactly otherwise.
//
// Correlation blocks: a fixed parameter named in a block has no dimension,
// so its row and column are dropped (the principal submatrix of a positive
// definite matrix is positive definite). The whole matrix as written must
// still be positive definite.

#include "innosim/random/sampler.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <boost/math/distributions/beta.hpp>

#include <boost/random/sobol.hpp>  // the table's dimension limit
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <functional>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>

#include "innosim/random/sobol.hpp"
#include "innosim/random/streams.hpp"

namespace innosim {

namespace {

using Fast = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

// The extreme values uniform01 can return: uniforms handed to quantiles
// stay in the open interval, symmetric about 1/2.
constexpr double u_min = 0x1p-53;
constexpr double u_max = 1.0 - 0x1p-53;

double open01(double u) { return std::clamp(u, u_min, u_max); }

// SplitMix64 finaliser (Stafford variant 13): a bijective 64-bit mixer.
std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr int feistel_rounds = 4;  // Luby-Rackoff: 4 rounds give a pseudo-random permutation

// A keyed bijection of [0, 2^bits). Alternating (possibly unbalanced)
// Feistel rounds: split x into hi | lo, output lo | (hi ^ F(lo)); each round
// is invertible given its key, so the network is a permutation.
struct Feistel {
  unsigned bits = 1;
  std::array<std::uint64_t, feistel_rounds> keys{};

  static std::uint64_t mask(unsigned n) { return n >= 64 ? ~0ULL : (1ULL << n) - 1; }

  std::uint64_t operator()(std::uint64_t x) const {
    unsigned lo_bits = bits / 2;
    for (const std::uint64_t key : keys) {
      const unsigned hi_bits = bits - lo_bits;
      const std::uint64_t lo = x & mask(lo_bits);
      const std::uint64_t hi = x >> lo_bits;
      const std::uint64_t hi2 = (hi ^ mix64(lo ^ key)) & mask(hi_bits);
      x = (lo << hi_bits) | hi2;
      lo_bits = hi_bits;
    }
    return x;
  }

  // Permutation of [0, n) by cycle walking (n <= 2^bits, x < n): apply the
  // network until the value falls inside the range. Fewer than 2 steps on
  // average since n > 2^(bits-1).
  std::uint64_t permute(std::uint64_t x, std::uint64_t n) const {
    do {
      x = (*this)(x);
    } while (x >= n);
    return x;
  }
};

// Inverse CDF of a beta, PERT or truncated normal distribution by cubic Hermite
// interpolation on adaptively refined knots (see the file comment).
class QuantileTable {
 public:
  // nullopt when the distribution defeats the table (a slope that is not
  // finite at a knot, or too many knots): the caller uses the exact quantile.
  static std::optional<QuantileTable> build(const Distribution& dist) {
    QuantileTable t;
    t.dist_ = dist;
    t.width_ = dist.upper() - dist.lower();
    if (!(t.width_ > 0.0) || !std::isfinite(t.width_)) return std::nullopt;
    // Density of the distribution at x.
    std::function<double(double)> pdf;
    if (dist.kind == Distribution::Kind::truncnormal) {
      const double mu = dist.p[0], sd = dist.p[1];
      const double mass = normal_cdf((dist.p[3] - mu) / sd) - normal_cdf((dist.p[2] - mu) / sd);
      if (!(mass > 1e-3)) return std::nullopt;  // far-tail truncation: exact path
      pdf = [=](double x) {
        const double z = (x - mu) / sd;
        return std::exp(-0.5 * z * z) / (std::sqrt(2.0 * std::numbers::pi) * sd * mass);
      };
    } else {
      double alpha, beta;
      if (dist.kind == Distribution::Kind::beta) {
        alpha = dist.p[0];
        beta = dist.p[1];
      } else if (dist.kind == Distribution::Kind::pert) {
        alpha = 1.0 + 4.0 * (dist.p[1] - dist.p[0]) / t.width_;
        beta = 1.0 + 4.0 * (dist.p[2] - dist.p[1]) / t.width_;
      } else {
        return std::nullopt;
      }
      const boost::math::beta_distribution<double, Fast> unit(alpha, beta);
      const double lo = dist.lower(), w = t.width_;
      pdf = [=](double x) { return boost::math::pdf(unit, (x - lo) / w) / w; };
    }
    bool ok = true;
    auto knot = [&](double u) {
      const double x = dist.quantile(u);
      const double slope = 1.0 / pdf(x);
      ok = ok && std::isfinite(x) && std::isfinite(slope);
      return Knot{u, x, slope};
    };
    // Start: geometric knots toward both ends, uniform in between.
    std::vector<double> start;
    for (int e = edge_exponent; e < -6; ++e) start.push_back(std::ldexp(1.0, e));
    for (int i = 0; i <= 64; ++i) start.push_back(1.0 / 64 + i * (1.0 - 2.0 / 64) / 64);
    for (int e = -7; e >= edge_exponent; --e) start.push_back(1.0 - std::ldexp(1.0, e));
    const double tol = 1e-12 * t.width_;
    Knot left = knot(start.front());
    t.knots_.push_back(left);
    for (std::size_t i = 1; i < start.size() && ok; ++i) {
      const Knot right = knot(start[i]);
      t.refine(left, right, tol, knot, ok, 0);
      t.knots_.push_back(right);
      left = right;
      if (t.knots_.size() > max_knots) ok = false;
    }
    if (!ok) return std::nullopt;
    // Bucket index: first knot of each of `buckets` equal cells of [0,1].
    t.bucket_.resize(buckets + 1);
    std::size_t k = 0;
    for (std::size_t b = 0; b <= buckets; ++b) {
      const double u = static_cast<double>(b) / buckets;
      while (k + 1 < t.knots_.size() && t.knots_[k + 1].u <= u) ++k;
      t.bucket_[b] = static_cast<std::uint32_t>(k);
    }
    return t;
  }

  double operator()(double u) const {
    if (!(u >= knots_.front().u && u < knots_.back().u)) return dist_.quantile(u);
    const auto b = static_cast<std::size_t>(u * buckets);
    // Knots k with bucket_[b] <= k <= bucket_[b+1] bracket u.
    const auto first = knots_.begin() + bucket_[b];
    const auto last = knots_.begin() + std::min<std::size_t>(bucket_[b + 1] + 1, knots_.size() - 1);
    const auto it = std::upper_bound(first, last, u, [](double v, const Knot& k) { return v < k.u; });
    const Knot& k0 = *(it - 1);
    const Knot& k1 = *it;
    return hermite(k0, k1, u);
  }

 private:
  struct Knot {
    double u, x, slope;
  };
  static constexpr int edge_exponent = -20;  // exact quantile within 2^-20 of 0 and 1
  static constexpr std::size_t buckets = 4096;
  static constexpr std::size_t max_knots = 1 << 16;

  static double hermite(const Knot& k0, const Knot& k1, double u) {
    const double h = k1.u - k0.u;
    const double t = (u - k0.u) / h;
    const double t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * k0.x + (t3 - 2 * t2 + t) * h * k0.slope +
           (-2 * t3 + 3 * t2) * k1.x + (t3 - t2) * h * k1.slope;
  }

  // Appends the knots strictly between `a` and `b` that bring the midpoint
  // error of every sub-interval under `tol` (the error of cubic Hermite is
  // largest near the midpoint: its kernel is t^2 (1-t)^2).
  template <typename MakeKnot>
  void refine(const Knot& a, const Knot& b, double tol, MakeKnot& knot, bool& ok, int depth) {
    if (!ok) return;
    const Knot m = knot(0.5 * (a.u + b.u));
    if (std::abs(hermite(a, b, m.u) - m.x) <= tol || depth > 40) return;
    refine(a, m, tol, knot, ok, depth + 1);
    knots_.push_back(m);
    refine(m, b, tol, knot, ok, depth + 1);
    if (knots_.size() > max_knots) ok = false;
  }

  Distribution dist_;
  double width_ = 0.0;
  std::vector<Knot> knots_;
  std::vector<std::uint32_t> bucket_;
};

struct Block {
  std::vector<std::size_t> dims;  // uncertain-parameter dimensions, block order
  std::vector<double> chol;       // lower Cholesky factor, row-major n x n
};

// Scratch for one draw() call: on the stack for the usual sizes, so that a
// block of one draw allocates nothing.
template <typename T, std::size_t N>
class Scratch {
 public:
  explicit Scratch(std::size_t n) {
    if (n > N) heap_.resize(n);
    data_ = n > N ? heap_.data() : local_.data();
  }
  T* data() { return data_; }
  T& operator[](std::size_t i) { return data_[i]; }

 private:
  std::array<T, N> local_{};
  std::vector<T> heap_;
  T* data_;
};

}  // namespace

struct Sampler::Impl {
  SamplerKind kind = SamplerKind::monte_carlo;
  std::uint64_t seed = 0;
  std::size_t draws = 0;
  std::size_t num_parameters = 0;

  std::vector<double> fixed_theta;       // fixed values; others overwritten per draw
  std::vector<std::size_t> dim_param;    // dimension -> parameter index
  std::vector<Distribution> dim_dist;    // dimension -> distribution
  std::vector<unsigned char> dim_gauss;  // 1: normal/lognormal driven by z' directly
  std::vector<std::optional<QuantileTable>> dim_table;  // beta / PERT / truncnormal
  std::vector<Block> blocks;

  std::vector<Feistel> lhs;              // per dimension
  std::optional<SobolSequence> sobol;    // Sobol sampler with dimensions

  void build_copula(const Scenario& scenario);
  void fill_uniforms(std::uint64_t draw, double* u, std::span<const std::uint64_t> sobol_state) const;
  // theta (all parameters) from the uniforms u of every dimension; u and z
  // are scratch of dim_param.size() entries, overwritten.
  void map_to_theta(double* u, double* z, double* theta) const;
};

void Sampler::Impl::build_copula(const Scenario& scenario) {
  std::vector<std::size_t> param_dim(num_parameters, static_cast<std::size_t>(-1));
  for (std::size_t k = 0; k < dim_param.size(); ++k) param_dim[dim_param[k]] = k;
  std::vector<std::size_t> param_block(num_parameters, static_cast<std::size_t>(-1));

  std::vector<Problem> problems;
  for (std::size_t b = 0; b < scenario.correlations.size(); ++b) {
    const Correlation& c = scenario.correlations[b];
    const std::string key = fmt::format("correlations[{}]", b);
    auto fail = [&](std::string message) { problems.push_back({c.where, key, std::move(message)}); };
    const std::size_t n = c.parameters.size();

    std::vector<std::size_t> params;
    bool ok = true;
    for (const std::string& id : c.parameters) {
      const auto it = std::find_if(scenario.parameters.begin(), scenario.parameters.end(),
                                   [&](const Parameter& p) { return p.id == id; });
      if (it == scenario.parameters.end()) {
        fail(fmt::format("unknown parameter '{}'", id));
        ok = false;
        continue;
      }
      const auto j = static_cast<std::size_t>(it - scenario.parameters.begin());
      if (param_block[j] == b) {
        fail(fmt::format("parameter '{}' is listed twice", id));
        ok = false;
      } else if (param_block[j] != static_cast<std::size_t>(-1)) {
        fail(fmt::format("parameter '{}' is already in correlations[{}]", id, param_block[j]));
        ok = false;
      } else {
        param_block[j] = b;
      }
      params.push_back(j);
    }
    bool shape_ok = c.matrix.size() == n;
    for (const auto& row : c.matrix) shape_ok = shape_ok && row.size() == n;
    if (!shape_ok) {
      fail(fmt::format("matrix must be {} x {}, one row and column per parameter", n, n));
      continue;
    }
    Eigen::MatrixXd m(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    bool entries_ok = true;
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t s = 0; s < n; ++s) {
        const double v = c.matrix[r][s];
        m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(s)) = v;
        if (!std::isfinite(v) || std::abs(v - c.matrix[s][r]) > 1e-12 ||
            (r == s ? std::abs(v - 1.0) > 1e-12 : std::abs(v) > 1.0))
          entries_ok = false;
      }
    if (!entries_ok) {
      fail("matrix must be symmetric with unit diagonal and entries in [-1, 1]");
      continue;
    }
    // Positive definite: Cholesky succeeds and no pivot is numerically zero
    // (a singular matrix such as a correlation of exactly 1 is rejected).
    const Eigen::LLT<Eigen::MatrixXd> llt(m);
    bool pd = llt.info() == Eigen::Success;
    if (pd) {
      const Eigen::MatrixXd l = llt.matrixL();
      for (Eigen::Index i = 0; i < l.rows(); ++i) pd = pd && l(i, i) * l(i, i) > 1e-12;
    }
    if (!pd) {
      std::string names;
      for (std::size_t k = 0; k < n; ++k) names += (k ? ", " : "") + c.parameters[k];
      fail(fmt::format("matrix over [{}] is not positive definite", names));
      continue;
    }
    if (!ok) continue;

    // Drop fixed parameters (no dimension), then factor what is left.
    std::vector<std::size_t> keep;  // positions within the block
    for (std::size_t k = 0; k < n; ++k)
      if (param_dim[params[k]] != static_cast<std::size_t>(-1)) keep.push_back(k);
    if (keep.size() < 2) continue;  // nothing to correlate
    const auto nk = static_cast<Eigen::Index>(keep.size());
    Eigen::MatrixXd sub(nk, nk);
    for (Eigen::Index r = 0; r < nk; ++r)
      for (Eigen::Index s = 0; s < nk; ++s)
        sub(r, s) = m(static_cast<Eigen::Index>(keep[static_cast<std::size_t>(r)]),
                      static_cast<Eigen::Index>(keep[static_cast<std::size_t>(s)]));
    const Eigen::MatrixXd l = Eigen::LLT<Eigen::MatrixXd>(sub).matrixL();
    Block block;
    for (const std::size_t k : keep) block.dims.push_back(param_dim[params[k]]);
    block.chol.resize(keep.size() * keep.size());
    for (Eigen::Index r = 0; r < nk; ++r)
      for (Eigen::Index s = 0; s < nk; ++s)
        block.chol[static_cast<std::size_t>(r * nk + s)] = l(r, s);
    for (const std::size_t k : block.dims) {
      const auto kind_k = dim_dist[k].kind;
      dim_gauss[k] = kind_k == Distribution::Kind::normal || kind_k == Distribution::Kind::lognormal;
    }
    blocks.push_back(std::move(block));
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
}

// Uniforms of one draw before the copula. For Sobol, `sobol_state` holds the
// unshifted point of `draw` on entry (the caller steps it).
void Sampler::Impl::fill_uniforms(std::uint64_t draw, double* u,
                                  std::span<const std::uint64_t> sobol_state) const {
  const std::size_t n_dims = dim_param.size();
  switch (kind) {
    case SamplerKind::monte_carlo:
      for (std::size_t k = 0; k < n_dims; ++k)
        u[k] = uniform01(seed, draw, Stream::parameters, 0, static_cast<std::uint32_t>(k));
      break;
    case SamplerKind::latin_hypercube: {
      const double inv_n = 1.0 / static_cast<double>(draws);
      for (std::size_t k = 0; k < n_dims; ++k) {
        const double jitter =
            uniform01(seed, draw, Stream::parameters, 0, static_cast<std::uint32_t>(k));
        const auto stratum = static_cast<double>(lhs[k].permute(draw, draws));
        u[k] = open01((stratum + jitter) * inv_n);
      }
      break;
    }
    case SamplerKind::sobol:
      for (std::size_t k = 0; k < n_dims; ++k) u[k] = sobol->unit(sobol_state, k);
      break;
  }
}

Sampler::Sampler(const Scenario& scenario, std::uint64_t seed, std::size_t draws)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.kind = scenario.run.sampler;
  m.seed = seed;
  m.draws = draws;
  m.num_parameters = scenario.parameters.size();
  m.fixed_theta.assign(m.num_parameters, 0.0);
  for (std::size_t j = 0; j < m.num_parameters; ++j) {
    const Distribution& dist = scenario.parameters[j].dist;
    if (dist.is_fixed()) {
      m.fixed_theta[j] = dist.p[0];
    } else {
      m.dim_param.push_back(j);
      m.dim_dist.push_back(dist);
    }
  }
  const std::size_t n_dims = m.dim_param.size();
  if (n_dims > std::size_t{0xffffffff}) throw std::invalid_argument("too many uncertain parameters");
  m.dim_gauss.assign(n_dims, 0);
  m.dim_table.resize(n_dims);
  for (std::size_t k = 0; k < n_dims; ++k) {
    const auto kind_k = m.dim_dist[k].kind;
    if (kind_k == Distribution::Kind::beta || kind_k == Distribution::Kind::pert ||
        kind_k == Distribution::Kind::truncnormal)
      m.dim_table[k] = QuantileTable::build(m.dim_dist[k]);
  }
  m.build_copula(scenario);

  if (m.kind == SamplerKind::latin_hypercube) {
    if (draws == 0) throw std::invalid_argument("Latin hypercube sampler needs draws >= 1");
    const unsigned bits = std::max(1u, static_cast<unsigned>(std::bit_width(draws - 1)));
    m.lhs.resize(n_dims);
    for (std::size_t k = 0; k < n_dims; ++k) {
      m.lhs[k].bits = bits;
      std::uint64_t key =
          random_u64(seed, 0, Stream::sampler_shift, 1, static_cast<std::uint32_t>(k));
      for (auto& round_key : m.lhs[k].keys) {
        key += 0x9e3779b97f4a7c15ULL;  // SplitMix64 sequence from the Philox key
        round_key = mix64(key);
      }
    }
  } else if (m.kind == SamplerKind::sobol && n_dims > 0) {
    if (n_dims > boost::random::default_sobol_table::max_dimension) {  // Boost's table limit (3667)
      const auto at = scenario.locs.find("run.sampler");
      throw ScenarioError({Problem{
          at != scenario.locs.end() ? at->second : scenario.where, "run.sampler",
          fmt::format("the Sobol sampler supports at most {} uncertain parameters, the scenario has {} (use "
                      "\"latin_hypercube\" or \"monte_carlo\")",
                      static_cast<unsigned>(boost::random::default_sobol_table::max_dimension), n_dims)}});
    }
    m.sobol.emplace(n_dims, seed, Stream::sampler_shift);
  }
}

Sampler::~Sampler() = default;
Sampler::Sampler(Sampler&&) noexcept = default;
Sampler& Sampler::operator=(Sampler&&) noexcept = default;

std::size_t Sampler::num_parameters() const { return impl_->num_parameters; }
std::size_t Sampler::dimensions() const { return impl_->dim_param.size(); }
std::size_t Sampler::dimension_parameter(std::size_t k) const { return impl_->dim_param.at(k); }

// Gaussian copula, block by block (z = Phi^-1(u), z' = L z, u' = Phi(z')),
// then each dimension's quantile.
void Sampler::Impl::map_to_theta(double* u, double* z, double* out) const {
  const std::size_t n_dims = dim_param.size();
  for (const Block& b : blocks) {
    const std::size_t n_block = b.dims.size();
    for (std::size_t r = 0; r < n_block; ++r) z[b.dims[r]] = normal_quantile(u[b.dims[r]]);
    // In place from the last row up: row r of L z needs z[0..r] only.
    for (std::size_t r = n_block; r-- > 0;) {
      double s = 0.0;
      const double* row = &b.chol[r * n_block];
      for (std::size_t c = 0; c <= r; ++c) s += row[c] * z[b.dims[c]];
      z[b.dims[r]] = s;
      u[b.dims[r]] = open01(normal_cdf(s));
    }
  }

  std::copy(fixed_theta.begin(), fixed_theta.end(), out);
  for (std::size_t k = 0; k < n_dims; ++k) {
    const Distribution& dist = dim_dist[k];
    double v;
    if (dim_gauss[k]) {
      // Normal and lognormal are affine / exp of z' itself: skip Phi^-1(Phi(z')).
      v = dist.kind == Distribution::Kind::normal ? dist.p[0] + dist.p[1] * z[k]
                                                  : dist.p[0] * std::exp(dist.p[1] * z[k]);
    } else if (dim_table[k]) {
      v = (*dim_table[k])(u[k]);
    } else {
      v = dist.quantile(u[k]);
    }
    out[dim_param[k]] = v;
  }
}

void Sampler::draw(std::uint64_t first, std::size_t count, std::span<double> theta) const {
  const Impl& m = *impl_;
  const std::size_t n_params = m.num_parameters;
  const std::size_t n_dims = m.dim_param.size();
  if (theta.size() < count * n_params)
    throw std::invalid_argument(fmt::format("Sampler::draw: theta holds {} values, {} draws need {}",
                                            theta.size(), count, count * n_params));
  if (m.kind == SamplerKind::latin_hypercube && (first > m.draws || count > m.draws - first))
    throw std::out_of_range(fmt::format(
        "Latin hypercube sampler has {} strata; draws {}..{} are outside", m.draws, first,
        first + count - 1));
  if (count == 0) return;

  Scratch<double, 128> u(n_dims);
  Scratch<double, 128> z(n_dims);
  Scratch<std::uint64_t, 128> sobol(m.sobol ? n_dims : 0);
  const std::span<std::uint64_t> sobol_state(sobol.data(), m.sobol ? n_dims : 0);
  if (m.sobol) m.sobol->seek(first, sobol_state);

  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t draw = first + i;
    if (m.sobol && i > 0) m.sobol->step(draw, sobol_state);
    m.fill_uniforms(draw, u.data(), sobol_state);
    m.map_to_theta(u.data(), z.data(), theta.data() + i * n_params);
  }
}

void Sampler::transform(std::span<const double> u, std::span<double> theta) const {
  const Impl& m = *impl_;
  const std::size_t n_dims = m.dim_param.size();
  if (u.size() != n_dims || theta.size() != m.num_parameters)
    throw std::invalid_argument(fmt::format(
        "Sampler::transform: {} uniforms and {} parameter values given, {} and {} expected", u.size(),
        theta.size(), n_dims, m.num_parameters));
  Scratch<double, 128> uu(n_dims);
  Scratch<double, 128> z(n_dims);
  for (std::size_t k = 0; k < n_dims; ++k) uu[k] = open01(u[k]);
  m.map_to_theta(uu.data(), z.data(), theta.data());
}

}  // namespace innosim
