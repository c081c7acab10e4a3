#pragma once
// Streaming, mergeable statistics per series (indicator x region x year).
//
// - Moments: each tile of draws is summed in draw order (two passes: mean,
//   then squared deviations), and tiles are merged with Chan's formula in
//   tile order. Tiles have a fixed size (kTileDraws), so the result is
//   bit-identical for any thread count and any block size.
// - Quantiles: a log-bucket sketch (in the manner of DDSketch) with integer
//   counts. Integer addition is exact, so per-thread sketches merged in any
//   order give identical results. Every reported quantile is within a
//   relative error `kSketchAccuracy` of an order statistic adjacent to the
//   exact sample quantile. Memory depends on the spread of values, not on
//   the number of draws.

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "innosim/run/state_accumulator.hpp"
#include "innosim/run/results.hpp"

namespace innosim {

inline constexpr std::size_t kTileDraws = 256;
// 0.5 %: below the Monte Carlo error of a 5 % quantile at 10^4 draws
// (about 1-2 % for these indicators), invisible on a fan chart, and small
// enough that a thread's sketch stays in cache. Target-year numbers in the
// target table are exact, not from the sketch.
inline constexpr double kSketchAccuracy = 5e-3;

// Moments of one tile or of a merged run, per series.
class Moments {
 public:
  explicit Moments(std::size_t series = 0) { reset(series); }
  void reset(std::size_t series);
  // values: [n][series] draw-major for the n valid draws of one tile, in draw order.
  void set_tile(std::span<const double> values, std::size_t n);
  // this := this (+) other, `other` covering later draws.
  void merge(const Moments& other);
  // min and max := the smaller and larger of this one's and other's (exact
  // in any order; see append_state).
  void merge_extremes(const Moments& other);
  // Sets every field (a tile or a fold read back from a file); min/max empty = +/-inf.
  void assign(std::uint64_t n, std::vector<double> mean, std::vector<double> m2, std::vector<double> min = {},
              std::vector<double> max = {});
  void save(StateOut& out) const;
  void load(const StateIn& in);  // sizes must match series()
  std::uint64_t count() const { return n_; }
  std::size_t series() const { return mean_.size(); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& m2() const { return m2_; }  // sum of squared deviations from the mean
  std::vector<double> sd() const;  // sample sd (n-1); 0 for n < 2
  const std::vector<double>& min() const { return min_; }
  const std::vector<double>& max() const { return max_; }

 private:
  std::uint64_t n_ = 0;
  std::vector<double> mean_, m2_, min_, max_;
};

// Log-bucket quantile sketch for many series.
class QuantileSketch {
 public:
  explicit QuantileSketch(std::size_t series = 0);
  void add(std::size_t series, double x) {
    Series& s = s_[series];
    if (x > kTiny)
      s.pos.add(bucket_of(x));
    else if (x < -kTiny)
      s.neg.add(bucket_of(-x));
    else
      ++s.zero;
  }
  // values: [n][series()] draw-major; added series by series, which keeps
  // each series' buckets in cache.
  void add_tile(std::span<const double> values, std::size_t n) {
    const std::size_t n_series = s_.size();
    for (std::size_t s = 0; s < n_series; ++s)
      for (std::size_t d = 0; d < n; ++d) add(s, values[d * n_series + s]);
  }
  void merge(const QuantileSketch& other);
  // Counts only (the bucket layout is not part of the state: any layout
  // holding the same counts gives the same quantiles).
  void save(StateOut& out) const;
  void load(const StateIn& in);  // into a sketch of the same series()
  std::uint64_t count(std::size_t series) const;
  // q in [0,1]: approximates the order statistic of rank floor(q*(n-1)).
  double quantile(std::size_t series, double q) const;
  std::size_t series() const { return s_.size(); }

  // Bucket of x > 0 in the piecewise-linear log2 approximation
  // L(x) = e + (s - 1), x = s 2^e with s in [1, 2), read off the bits. A
  // bucket's relative width is at most kWidth, so its midpoint is within
  // kWidth/2 = kSketchAccuracy of any value inside it.
  static std::int32_t bucket_of(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const auto e = static_cast<std::int64_t>(bits >> 52) - 1023;
    const double l =
        static_cast<double>(e) + static_cast<double>(bits & ((std::uint64_t{1} << 52) - 1)) * 0x1p-52;
    return static_cast<std::int32_t>(std::floor(l * (1.0 / kWidth)));
  }
  static double representative(std::int32_t bucket);

 private:
  static constexpr double kWidth = 2 * kSketchAccuracy;
  static constexpr double kTiny = 1e-300;  // |x| below this counts as zero (and keeps x normal)

  struct Side {
    std::int32_t lo = 0;
    std::vector<std::uint64_t> counts;
    void add(std::int32_t b, std::uint64_t c = 1) {
      // Unsigned: b < lo wraps to a huge index and takes the slow path.
      const auto i = static_cast<std::uint64_t>(static_cast<std::int64_t>(b) - lo);
      if (i < counts.size()) [[likely]] {
        counts[i] += c;
        return;
      }
      grow_add(b, c);
    }
    void grow_add(std::int32_t b, std::uint64_t c);
    std::uint64_t total() const;
  };
  struct Series {
    Side pos, neg;  // neg holds -x
    std::uint64_t zero = 0;
  };
  std::vector<Series> s_;
};

// Fills summary.mean/sd/min/max/quantiles for `levels` from merged moments and sketch.
Summary make_summary(const Moments& m, const QuantileSketch& q, const std::vector<double>& levels);

}  // namespace innosim
