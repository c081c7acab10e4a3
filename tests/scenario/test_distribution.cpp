// Distributions: quantiles against Boost.Math CDFs, closed-form moments
// against sample moments, the truncated normal far in a tail.

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/triangular.hpp>
#include <boost/math/distributions/uniform.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "innosim/random/streams.hpp"
#include "innosim/scenario/distribution.hpp"

using innosim::Distribution;
using Kind = innosim::Distribution::Kind;

namespace {

Distribution make(Kind kind, std::array<double, 4> p) {
  Distribution d;
  d.kind = kind;
  d.p = p;
  return d;
}

// CDF of `d` at x from Boost.Math (an independent implementation), and
// the upper tail 1 - F(x) where that is the accurate side.
double reference_cdf(const Distribution& d, double x) {
  namespace bm = boost::math;
  const auto& p = d.p;
  switch (d.kind) {
    case Kind::uniform:
      return bm::cdf(bm::uniform_distribution<double>(p[0], p[1]), x);
    case Kind::normal:
      return bm::cdf(bm::normal_distribution<double>(p[0], p[1]), x);
    case Kind::truncnormal: {
      const bm::normal_distribution<double> n(p[0], p[1]);
      return (bm::cdf(n, x) - bm::cdf(n, p[2])) / (bm::cdf(n, p[3]) - bm::cdf(n, p[2]));
    }
    case Kind::lognormal:
      return bm::cdf(bm::lognormal_distribution<double>(std::log(p[0]), p[1]), x);
    case Kind::triangular:
      return bm::cdf(bm::triangular_distribution<double>(p[0], p[1], p[2]), x);
    case Kind::beta:
      return bm::cdf(bm::beta_distribution<double>(p[0], p[1]), (x - p[2]) / (p[3] - p[2]));
    case Kind::pert: {
      const double w = p[2] - p[0];
      const bm::beta_distribution<double> b(1 + 4 * (p[1] - p[0]) / w, 1 + 4 * (p[2] - p[1]) / w);
      return bm::cdf(b, (x - p[0]) / w);
    }
    case Kind::fixed:
      break;
  }
  return x >= p[0] ? 1.0 : 0.0;
}

std::vector<Distribution> continuous_cases() {
  return {
      make(Kind::uniform, {2, 5}),
      make(Kind::normal, {1, 0.3}),
      make(Kind::truncnormal, {1, 0.35, 0.3, 2}),
      make(Kind::truncnormal, {0, 1, 1.5, 6}),  // one bound in the upper tail
      make(Kind::lognormal, {2, 0.5}),
      make(Kind::triangular, {1, 2, 5}),
      make(Kind::triangular, {0, 0, 1}),  // mode at the lower bound
      make(Kind::beta, {2, 5, 10, 20}),
      make(Kind::beta, {0.5, 0.5, 0, 1}),  // U-shaped, unbounded density
      make(Kind::pert, {1, 2, 5}),
  };
}

}  // namespace

TEST_CASE("kind_name and describe name every distribution", "[distribution]") {
  CHECK(std::string(innosim::kind_name(Kind::truncnormal)) == "truncnormal");
  CHECK(std::string(innosim::kind_name(Kind::pert)) == "pert");
  CHECK(std::string(innosim::kind_name(Kind::fixed)) == "fixed");
  CHECK(make(Kind::truncnormal, {1, 0.35, 0.3, 2}).describe() ==
        "truncnormal(mean=1, sd=0.35, min=0.3, max=2)");
  CHECK(make(Kind::fixed, {3.5}).describe() == "fixed(value=3.5)");
  CHECK(make(Kind::lognormal, {2e8, 0.25}).describe() == "lognormal(median=200000000, sigma=0.25)");
  CHECK(make(Kind::beta, {2, 5, 10, 20}).describe() == "beta(alpha=2, beta=5, min=10, max=20)");
  CHECK(make(Kind::pert, {1, 2, 5}).describe() == "pert(min=1, mode=2, max=5)");
  CHECK(make(Kind::triangular, {1, 2, 5}).describe() == "triangular(min=1, mode=2, max=5)");
  CHECK(make(Kind::uniform, {0, 1}).describe() == "uniform(min=0, max=1)");
  CHECK(make(Kind::normal, {-1, 0.5}).describe() == "normal(mean=-1, sd=0.5)");
}

TEST_CASE("support bounds", "[distribution]") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(make(Kind::normal, {0, 1}).lower() == -inf);
  CHECK(make(Kind::normal, {0, 1}).upper() == inf);
  CHECK(make(Kind::lognormal, {2, 1}).lower() == 0.0);
  CHECK(make(Kind::lognormal, {2, 1}).upper() == inf);
  CHECK(make(Kind::truncnormal, {1, 2, -1, 4}).lower() == -1.0);
  CHECK(make(Kind::truncnormal, {1, 2, -1, 4}).upper() == 4.0);
  CHECK(make(Kind::beta, {2, 3, 5, 7}).lower() == 5.0);
  CHECK(make(Kind::beta, {2, 3, 5, 7}).upper() == 7.0);
  CHECK(make(Kind::pert, {1, 2, 5}).lower() == 1.0);
  CHECK(make(Kind::pert, {1, 2, 5}).upper() == 5.0);
  CHECK(make(Kind::triangular, {1, 2, 5}).upper() == 5.0);
  CHECK(make(Kind::uniform, {1, 2}).upper() == 2.0);
  const Distribution f = make(Kind::fixed, {3});
  CHECK(f.is_fixed());
  CHECK(f.lower() == 3.0);
  CHECK(f.upper() == 3.0);
  CHECK(f.quantile(0.1) == 3.0);
  CHECK(f.mean() == 3.0);
  CHECK(f.variance() == 0.0);
}

TEST_CASE("quantile inverts the Boost.Math CDF and is monotonic", "[distribution]") {
  const auto cases = continuous_cases();
  const Distribution d = GENERATE_COPY(from_range(cases));
  INFO(d.describe());
  for (const double u : {1e-6, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-6}) {
    const double x = d.quantile(u);
    CAPTURE(u, x);
    CHECK(x >= d.lower());
    CHECK(x <= d.upper());
    CHECK(reference_cdf(d, x) == Approx(u).epsilon(1e-9).margin(1e-14));
  }
  double prev = d.quantile(0.5 / 4096);
  for (int i = 1; i < 4096; ++i) {
    const double x = d.quantile((i + 0.5) / 4096);
    REQUIRE(x > prev);
    prev = x;
  }
}

TEST_CASE("closed-form mean and variance match sample moments", "[distribution]") {
  // 200,000 Monte Carlo uniforms. Tolerance 5 standard errors: the mean's
  // SE is sd / sqrt(n); the variance's is sqrt((m4 - var^2) / n), with the
  // fourth central moment m4 estimated from the same sample.
  const auto cases = continuous_cases();
  const Distribution d = GENERATE_COPY(from_range(cases));
  INFO(d.describe());
  constexpr int n = 200000;
  std::vector<double> x(n);
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    x[i] = d.quantile(innosim::uniform01(7, static_cast<std::uint64_t>(i),
                                         innosim::Stream::parameters, 0, 0));
    sum += x[i];
  }
  const double mean = sum / n;
  double m2 = 0, m4 = 0;
  for (const double v : x) {
    const double c = (v - mean) * (v - mean);
    m2 += c;
    m4 += c * c;
  }
  m2 /= n - 1;
  m4 /= n;
  const double se_mean = std::sqrt(d.variance() / n);
  const double se_var = std::sqrt((m4 - m2 * m2) / n);
  CAPTURE(mean, d.mean(), m2, d.variance());
  CHECK(std::abs(mean - d.mean()) < 5 * se_mean);
  CHECK(std::abs(m2 - d.variance()) < 5 * se_var);
}

TEST_CASE("truncated normal far in one tail", "[distribution]") {
  // References computed with mpmath at 80 digits.
  SECTION("[8, 9] sd") {
    const Distribution d = make(Kind::truncnormal, {0, 1, 8, 9});
    CHECK(d.mean() == Approx(8.12118899297979712).epsilon(1e-13));
    CHECK(d.variance() == Approx(0.014148542782748111).epsilon(1e-9));
    CHECK(d.quantile(0.5) == Approx(8.08488889901816643).epsilon(1e-14));
    // Against the Boost CDF through complements (the accurate side here).
    const boost::math::normal_distribution<double> n;
    for (const double u : {1e-9, 0.1, 0.5, 0.9, 1 - 1e-9}) {
      const double x = d.quantile(u);
      const double qa = cdf(complement(n, 8.0)), qb = cdf(complement(n, 9.0));
      const double upper = (cdf(complement(n, x)) - qb) / (qa - qb);  // = 1 - u
      CAPTURE(u, x);
      CHECK(upper == Approx(1 - u).epsilon(1e-12).margin(1e-15));
    }
  }
  SECTION("[40, 41] sd: upper-tail mass underflows a double") {
    const Distribution d = make(Kind::truncnormal, {0, 1, 40, 41});
    CHECK(d.mean() == Approx(40.0249688472072637).epsilon(1e-13));
    CHECK(d.variance() == Approx(0.000622668378591386263).epsilon(1e-8));
    CHECK(d.quantile(0.5) == Approx(40.0173141267646511).epsilon(1e-14));
    CHECK(d.quantile(0.999) == Approx(40.1722158824790763).epsilon(1e-14));
    CHECK(d.quantile(1e-12) > 40.0);
  }
  SECTION("mirror image in the lower tail, with location and scale") {
    const Distribution d = make(Kind::truncnormal, {10, 2, 10 - 2 * 41, 10 - 2 * 40});
    CHECK(d.mean() == Approx(10 - 2 * 40.0249688472072637).epsilon(1e-13));
    CHECK(d.variance() == Approx(4 * 0.000622668378591386263).epsilon(1e-8));
    CHECK(d.quantile(0.5) == Approx(10 - 2 * 40.0173141267646511).epsilon(1e-14));
    CHECK(d.quantile(0.001) == Approx(10 - 2 * 40.1722158824790763).epsilon(1e-14));
  }
  SECTION("one-sided: [3, inf)") {
    const Distribution d =
        make(Kind::truncnormal, {0, 1, 3, std::numeric_limits<double>::infinity()});
    CHECK(d.mean() == Approx(3.28309865493043651).epsilon(1e-13));
    CHECK(d.variance() == Approx(0.0705591867852681169).epsilon(1e-11));
    CHECK(d.quantile(0.5) == Approx(3.20515492059893318).epsilon(1e-14));
    CHECK(d.quantile(1e-6) == Approx(3.00000030459043787).epsilon(1e-14));
  }
}
