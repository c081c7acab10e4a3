// Counter-based random numbers (Random123 Philox4x64-10) and the standard
// normal quantile / CDF.
//
// Mapping of coordinates onto Philox (fixed: changing it changes every result):
//   key     = (seed, stream id)
//   counter = (draw, year, slot / 4, 0), output word slot % 4
// Each Philox block gives four 64-bit words, so slots 4j..4j+3 share one
// block: fill_uniform01 makes one Philox call per four numbers, and every
// coordinate still maps to exactly one word.

#include "innosim/random/streams.hpp"

#include <Random123/philox.h>

#include <boost/math/special_functions/erf.hpp>

#include <cmath>
#include <limits>
#include <numbers>

namespace innosim {

namespace {
// Boost's default evaluates double functions in long double (x87): four
// times slower here and not needed for the ~1e-15 target.
using Fast = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
}  // namespace

std::uint64_t random_u64(std::uint64_t seed, std::uint64_t draw, Stream stream,
                         std::uint32_t year, std::uint32_t slot) {
  using Philox = r123::Philox4x64;
  const Philox::key_type key = {{seed, static_cast<std::uint64_t>(stream)}};
  const Philox::ctr_type ctr = {{draw, year, slot / 4, 0}};
  return Philox{}(ctr, key)[slot % 4];
}

namespace {
double to_unit(std::uint64_t bits) {
  // (k + 1/2) 2^-52 with k the top 52 bits: the midpoints of 2^52 equal
  // cells, each exactly representable, so never 0 or 1 and symmetric about
  // 1/2 (u is a value iff 1-u is). Not 53 bits: above 1/2 doubles are
  // 2^-53 apart, so (k + 1/2) 2^-53 would round, and to 1.0 for the top k.
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1p-52;
}
}  // namespace

void fill_uniform01(std::uint64_t seed, std::uint64_t draw, Stream stream, std::uint32_t year,
                    std::span<double> out) {
  using Philox = r123::Philox4x64;
  const Philox::key_type key = {{seed, static_cast<std::uint64_t>(stream)}};
  const Philox philox{};
  for (std::size_t j = 0; 4 * j < out.size(); ++j) {
    const Philox::ctr_type ctr = {{draw, year, j, 0}};
    const Philox::ctr_type r = philox(ctr, key);
    for (std::size_t w = 0; w < 4 && 4 * j + w < out.size(); ++w) out[4 * j + w] = to_unit(r[w]);
  }
}

double uniform01(std::uint64_t seed, std::uint64_t draw, Stream stream, std::uint32_t year,
                 std::uint32_t slot) {
  return to_unit(random_u64(seed, draw, stream, year, slot));
}

double normal_quantile(double u) {
  // Phi^-1(u) = -sqrt(2) erfc^-1(2u). Evaluate on the smaller of u and 1-u
  // so the tail keeps full relative precision; for u >= 1/2, 1-u is exact
  // (Sterbenz), which also makes the result exactly antisymmetric.
  // The closed ends give the infinities; outside [0,1] (or NaN) has no quantile.
  if (!(u > 0.0 && u < 1.0)) {
    if (u == 0.0) return -std::numeric_limits<double>::infinity();
    if (u == 1.0) return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (u < 0.5) return -std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * u, Fast());
  if (u > 0.5) return std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * (1.0 - u), Fast());
  return 0.0;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

}  // namespace innosim
