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


#include <cmath>
#include <limits>
#include <numbers>

namespace innosim {

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

namespace {
// Wichura's algorithm AS 241 (PPND16, Applied Statistics 37, 1988): rational
// approximations with relative accuracy about 1e-16, several times faster
// than boost::math::erfc_inv. `q` = u - 1/2, `r` = min(u, 1-u).
double ppnd16(double q, double r) {
  if (std::abs(q) <= 0.425) {
    const double t = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * t + 33430.575583588128105) * t + 67265.770927008700853) * t +
                45921.953931549871457) * t + 13731.693765509461125) * t + 1971.5909503065514427) * t +
             133.14166789178437745) * t + 3.387132872796366608) /
           (((((((5226.495278852545925 * t + 28729.085735721942674) * t + 39307.89580009271061) * t +
                21213.794301586595867) * t + 5394.1960214247511077) * t + 687.1870074920579083) * t +
             42.313330701600911252) * t + 1.0);
  }
  double t = std::sqrt(-std::log(r));
  double z;
  if (t <= 5.0) {
    t -= 1.6;
    z = (((((((7.7454501427834140764e-4 * t + 0.0227238449892691845833) * t + 0.24178072517745061177) * t +
             1.27045825245236838258) * t + 3.64784832476320460504) * t + 5.7694972214606914055) * t +
          4.6303378461565452959) * t + 1.42343711074968357734) /
        (((((((1.05075007164441684324e-9 * t + 5.475938084995344946e-4) * t + 0.0151986665636164571966) * t +
             0.14810397642748007459) * t + 0.68976733498510000455) * t + 1.6763848301838038494) * t +
          2.05319162663775882187) * t + 1.0);
  } else {
    t -= 5.0;
    z = (((((((2.01033439929228813265e-7 * t + 2.71155556874348757815e-5) * t + 0.0012426609473880784386) * t +
             0.026532189526576123093) * t + 0.29656057182850489123) * t + 1.7848265399172913358) * t +
          5.4637849111641143699) * t + 6.6579046435011037772) /
        (((((((2.04426310338993978564e-15 * t + 1.4215117583164458887e-7) * t + 1.8463183175100546818e-5) * t +
             7.868691311456132591e-4) * t + 0.0148753612908506148525) * t + 0.13692988092273580531) * t +
          0.59983220655588793769) * t + 1.0);
  }
  return q < 0 ? -z : z;
}
}  // namespace

double normal_quantile(double u) {
  // The closed ends give the infinities; outside [0,1] (or NaN) has no quantile.
  if (!(u > 0.0 && u < 1.0)) {
    if (u == 0.0) return -std::numeric_limits<double>::infinity();
    if (u == 1.0) return std::numeric_limits<double>::infinity();
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (u == 0.5) return 0.0;
  // Evaluate on the smaller of u and 1-u so the tail keeps full relative
  // precision; for u > 1/2, 1-u is exact (Sterbenz), which also makes the
  // result exactly antisymmetric.
  if (u < 0.5) return ppnd16(u - 0.5, u);
  return -ppnd16((1.0 - u) - 0.5, 1.0 - u);
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

}  // namespace innosim
