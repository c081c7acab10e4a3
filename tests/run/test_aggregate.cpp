#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "innosim/run/aggregate.hpp"

using namespace innosim;

TEST_CASE("sketch quantiles are within the stated relative accuracy of an order statistic", "[aggregate]") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> ln(3.0, 1.5);
  std::normal_distribution<double> nd(0.0, 5.0);
  const int kind = GENERATE(0, 1);
  std::vector<double> v(20001);
  for (auto& x : v) x = kind == 0 ? ln(rng) : nd(rng);  // kind 1 has negatives
  QuantileSketch q(1);
  for (double x : v) q.add(0, x);
  std::sort(v.begin(), v.end());
  for (double level : {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0}) {
    const auto rank = static_cast<std::size_t>(std::floor(level * (v.size() - 1)));
    CAPTURE(kind, level);
    CHECK(std::abs(q.quantile(0, level) - v[rank]) <= kSketchAccuracy * std::abs(v[rank]) * 1.0001);
  }
  CHECK(q.count(0) == v.size());
}

TEST_CASE("merging sketches in any order gives identical quantiles", "[aggregate]") {
  std::mt19937_64 rng(1);
  std::gamma_distribution<double> g(2.0, 10.0);
  QuantileSketch a(1), b(1), c(1), all(1);
  for (int i = 0; i < 3000; ++i) {
    const double x = g(rng);
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).add(0, x);
    all.add(0, x);
  }
  QuantileSketch abc(1), cba(1);
  abc.merge(a); abc.merge(b); abc.merge(c);
  cba.merge(c); cba.merge(b); cba.merge(a);
  for (double level : {0.05, 0.5, 0.95}) {
    CHECK(abc.quantile(0, level) == cba.quantile(0, level));
    CHECK(abc.quantile(0, level) == all.quantile(0, level));
  }
}

TEST_CASE("tile moments merged with Chan's formula match a direct computation", "[aggregate]") {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(std::sin(i) * 100 + 1e6);  // large offset: tests stability
  Moments total(1);
  for (std::size_t t = 0; t < v.size(); t += 256) {
    Moments m(1);
    const std::size_t n = std::min<std::size_t>(256, v.size() - t);
    m.set_tile(std::span<const double>(v.data() + t, n), n);
    total.merge(m);
  }
  double mean = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  CHECK(total.count() == v.size());
  CHECK(total.mean()[0] == Approx(mean).epsilon(1e-14));
  CHECK(total.sd()[0] == Approx(std::sqrt(ss / (v.size() - 1))).epsilon(1e-10));
  CHECK(total.min()[0] == *std::min_element(v.begin(), v.end()));
}
