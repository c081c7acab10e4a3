// PRIM finds a box planted in synthetic data, with small quasi-p-values for
// the restrictions that define it; the binomial tail is exact.

#include <catch2/catch.hpp>

#include <cmath>

#include "innosim/analysis/prim.hpp"
#include "innosim/random/streams.hpp"

using namespace innosim;

namespace {

// n points, d inputs uniform on [0, 1] (input 3 on [10, 20]); cases: inside
// x0 >= 0.6 and x2 <= 0.3 with probability 0.9, outside with probability 0.03.
PrimData planted(std::size_t n, std::size_t d) {
  PrimData data;
  for (std::size_t i = 0; i < d; ++i) {
    std::string name = "x";
    name += std::to_string(i);  // (not "x" + ...: GCC 12 warns falsely, -Wrestrict)
    data.names.push_back(name);
  }
  data.x.resize(d * n);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t p = 0; p < n; ++p) {
      const double u = uniform01(42, p, Stream::parameters, 0, static_cast<std::uint32_t>(i));
      data.x[i * n + p] = i == 3 ? 10 + 10 * u : u;
    }
  for (std::size_t p = 0; p < n; ++p) {
    const bool in = data.x[0 * n + p] >= 0.6 && data.x[2 * n + p] <= 0.3;  // (y is being filled: no at())
    const double u = uniform01(42, p, Stream::yearly, 0, 0);
    data.y.push_back(u < (in ? 0.9 : 0.03) ? 1 : 0);
  }
  return data;
}

}  // namespace

TEST_CASE("PRIM finds a planted box", "[analysis][prim]") {
  const PrimData data = planted(5000, 6);
  const PrimResult r = prim_peel(data, {});
  REQUIRE(r.trajectory.size() > 10);
  // The trajectory starts with everything, and mass falls, never below the minimum.
  CHECK(r.trajectory.front().mass == 1.0);
  CHECK(r.trajectory.front().coverage == 1.0);
  for (std::size_t b = 1; b < r.trajectory.size(); ++b) {
    CHECK(r.trajectory[b].mass < r.trajectory[b - 1].mass);
    CHECK(r.trajectory[b].mass >= 0.05);
  }
  const std::size_t chosen = prim_choose(r, 0.7);
  const PrimBox& box = r.trajectory[chosen];
  CAPTURE(chosen, box.mass, box.coverage, box.density);
  CHECK(box.coverage >= 0.7);
  CHECK(box.density > 0.8);  // 0.9 inside the planted box
  const std::vector<PrimRestriction> rs = prim_restrictions(data, r, box);
  bool x0 = false, x2 = false;
  for (const PrimRestriction& x : rs) {
    CAPTURE(x.input, x.lo, x.hi, x.quasi_p);
    if (x.input == 0) {
      x0 = true;
      CHECK(x.lower);
      CHECK(x.lo == Approx(0.6).margin(0.03));
      CHECK(x.hi > 0.95);  // at most an edge trimmed (peeling removes 5 % at a time)
      CHECK(x.quasi_p < 1e-10);
    } else if (x.input == 2) {
      x2 = true;
      CHECK(x.upper);
      CHECK(x.hi == Approx(0.3).margin(0.03));
      CHECK(x.lo < 0.05);
      CHECK(x.quasi_p < 1e-10);
    } else {
      CHECK(x.quasi_p > 1e-3);  // chance trims of the other inputs, if any, are not significant
    }
  }
  CHECK(x0);
  CHECK(x2);
}

TEST_CASE("PRIM peels a discrete input by whole values", "[analysis][prim]") {
  // Input 0 takes 4 values; cases where it is 3.
  PrimData data;
  data.names = {"level", "noise"};
  const std::size_t n = 2000;
  for (std::size_t p = 0; p < n; ++p) data.x.push_back(static_cast<double>(p % 4));
  for (std::size_t p = 0; p < n; ++p) data.x.push_back(uniform01(7, p, Stream::parameters, 0, 0));
  for (std::size_t p = 0; p < n; ++p) data.y.push_back(p % 4 == 3 ? 1 : 0);
  const PrimResult r = prim_peel(data, {0.05, 0.2, 1});
  const PrimBox& box = r.trajectory[prim_choose(r, 0.99)];
  CHECK(box.lo[0] == 3.0);
  CHECK(box.density == 1.0);
  CHECK(box.coverage == 1.0);
}

TEST_CASE("PRIM results do not depend on the thread count", "[analysis][prim][determinism]") {
  const PrimData data = planted(3000, 8);
  const PrimResult a = prim_peel(data, {0.05, 0.05, 1}), b = prim_peel(data, {0.05, 0.05, 3});
  REQUIRE(a.trajectory.size() == b.trajectory.size());
  for (std::size_t i = 0; i < a.trajectory.size(); ++i) {
    CHECK(a.trajectory[i].lo == b.trajectory[i].lo);
    CHECK(a.trajectory[i].hi == b.trajectory[i].hi);
  }
}

TEST_CASE("the binomial upper tail is exact", "[analysis][prim]") {
  CHECK(binomial_upper_tail(0, 10, 0.3) == 1.0);
  CHECK(binomial_upper_tail(11, 10, 0.3) == 0.0);
  // P(X >= 9) for Binomial(10, 0.5) = 11/1024.
  CHECK(binomial_upper_tail(9, 10, 0.5) == Approx(11.0 / 1024.0).epsilon(1e-12));
  // P(X >= 1) = 1 - (1 - p)^n.
  CHECK(binomial_upper_tail(1, 20, 0.1) == Approx(1 - std::pow(0.9, 20)).epsilon(1e-12));
}

TEST_CASE("PRIM refuses options out of range", "[analysis][prim]") {
  const PrimData data = planted(100, 3);  // planted reads inputs 0 and 2
  CHECK_THROWS_AS(prim_peel(data, {0.0, 0.05, 1}), std::invalid_argument);
  CHECK_THROWS_AS(prim_peel(data, {0.05, 1.0, 1}), std::invalid_argument);
}
