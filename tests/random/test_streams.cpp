// Counter-based streams and the standard normal quantile / CDF.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "innosim/random/streams.hpp"

using innosim::Stream;

TEST_CASE("uniform01 stays in the open interval and is uniform", "[streams]") {
  constexpr int n = 1000000;
  double sum = 0, sum2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    const double u = innosim::uniform01(20160101, static_cast<std::uint64_t>(i), Stream::parameters,
                                        0, static_cast<std::uint32_t>(i % 7));
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
    sum2 += (u - 0.5) * (u - 0.5);
  }
  CHECK(lo > 0.0);
  CHECK(hi < 1.0);
  // Mean 1/2 with SE sqrt(1/12 / n); variance 1/12 with SE sqrt(1/180 / n).
  CHECK(std::abs(sum / n - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(sum2 / n - 1.0 / 12) < 5 * std::sqrt(1.0 / 180 / n));
}

TEST_CASE("uniform01 is the documented map of random_u64", "[streams]") {
  for (std::uint64_t draw = 0; draw < 100; ++draw) {
    const std::uint64_t x = innosim::random_u64(1, draw, Stream::yearly, 2017, 3);
    const double u = innosim::uniform01(1, draw, Stream::yearly, 2017, 3);
    REQUIRE(u == (static_cast<double>(x >> 12) + 0.5) * 0x1p-52);
  }
  // The extreme outputs map strictly inside (0,1).
  const double top = (static_cast<double>(~std::uint64_t{0} >> 12) + 0.5) * 0x1p-52;
  CHECK(top < 1.0);
  CHECK(1.0 - top == 0.5 * 0x1p-52);  // as far from 1 as the bottom value is from 0
}

TEST_CASE("random numbers are a pure function of their coordinates", "[streams]") {
  const double u = innosim::uniform01(42, 1000, Stream::yearly, 2018, 5);
  CHECK(innosim::uniform01(42, 1000, Stream::yearly, 2018, 5) == u);
  // Changing any one coordinate changes the number.
  std::set<std::uint64_t> seen{innosim::random_u64(42, 1000, Stream::yearly, 2018, 5)};
  seen.insert(innosim::random_u64(43, 1000, Stream::yearly, 2018, 5));
  seen.insert(innosim::random_u64(42, 1001, Stream::yearly, 2018, 5));
  seen.insert(innosim::random_u64(42, 1000, Stream::parameters, 2018, 5));
  seen.insert(innosim::random_u64(42, 1000, Stream::sampler_shift, 2018, 5));
  seen.insert(innosim::random_u64(42, 1000, Stream::yearly, 2019, 5));
  seen.insert(innosim::random_u64(42, 1000, Stream::yearly, 2018, 6));
  CHECK(seen.size() == 7);
}

TEST_CASE("normal_quantile is accurate and antisymmetric", "[streams]") {
  // References from mpmath at 60 digits.
  CHECK(innosim::normal_quantile(0.975) == Approx(1.9599639845400542355).epsilon(2e-15));
  CHECK(innosim::normal_quantile(0.3) == Approx(-0.52440051270804078404).epsilon(2e-15));
  CHECK(innosim::normal_quantile(1e-10) == Approx(-6.3613409024040562047).epsilon(2e-15));
  CHECK(innosim::normal_quantile(1e-300) == Approx(-37.047096299361199237).epsilon(2e-15));
  CHECK(innosim::normal_quantile(0.5) == 0.0);
  CHECK(innosim::normal_quantile(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(innosim::normal_quantile(1.0) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(innosim::normal_quantile(1.5)));
  for (int i = 0; i < 1000; ++i) {
    const double v = 0.5 + i / 2001.0;  // 1 - v is exact for v in [1/2, 1)
    REQUIRE(innosim::normal_quantile(v) == -innosim::normal_quantile(1.0 - v));
  }
}

TEST_CASE("normal_cdf inverts normal_quantile", "[streams]") {
  for (const double u : {1e-300, 1e-100, 1e-10, 1e-3, 0.1, 0.3, 0.5}) {
    const double z = innosim::normal_quantile(u);
    CAPTURE(u, z);
    // A one-ulp error in z (relative 2.2e-16) moves the CDF by z^2 times that.
    CHECK(innosim::normal_cdf(z) == Approx(u).epsilon(4e-16 * (4 + z * z)));
  }
  for (const double u : {0.7, 0.9, 0.999}) {
    CHECK(innosim::normal_cdf(innosim::normal_quantile(u)) == Approx(u).epsilon(1e-15));
  }
  CHECK(innosim::normal_cdf(1.959963984540054) == Approx(0.975).epsilon(1e-15));
}

TEST_CASE("fill_uniform01 equals uniform01 slot by slot", "[random][streams]") {
  const std::size_t n = GENERATE(std::size_t{1}, std::size_t{4}, std::size_t{7}, std::size_t{103});
  std::vector<double> u(n);
  innosim::fill_uniform01(99, 12345, innosim::Stream::yearly, 3, u);
  for (std::size_t k = 0; k < n; ++k)
    CHECK(u[k] == innosim::uniform01(99, 12345, innosim::Stream::yearly, 3, static_cast<std::uint32_t>(k)));
  // Neighbouring slots within one Philox block are different numbers.
  if (n >= 4) CHECK(u[0] != u[1]);
}
