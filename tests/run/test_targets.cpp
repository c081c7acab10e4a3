// Target checks: summarize_target, JointAccumulator, verdict_for.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "innosim/run/targets.hpp"

using namespace innosim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Target make_target(double value, Sense sense, bool binding = false) {
  return Target{.indicator = "x", .region = "zone", .year = 2020, .value = value,
                .binding = binding, .sense = sense, .note = {}, .where = {}};
}

}  // namespace

TEST_CASE("verdict_for thresholds are inclusive", "[targets]") {
  CHECK(verdict_for(1.0, 0.8, 0.5) == "on track");
  CHECK(verdict_for(0.8, 0.8, 0.5) == "on track");
  CHECK(verdict_for(std::nextafter(0.8, 0.0), 0.8, 0.5) == "at risk");
  CHECK(verdict_for(0.5, 0.8, 0.5) == "at risk");
  CHECK(verdict_for(std::nextafter(0.5, 0.0), 0.8, 0.5) == "off track");
  CHECK(verdict_for(0.0, 0.8, 0.5) == "off track");
  CHECK(verdict_for(kNaN, 0.8, 0.5) == "off track");
}

TEST_CASE("summarize_target: numpy-linear quantiles, mean, p_met, se; NaN ignored", "[targets]") {
  // Valid values sorted: 1 1 2 3 4 5 6 9 (n = 8), two NaN (dropped draws).
  std::vector<double> v = {3, 1, kNaN, 4, 1, 5, 9, kNaN, 2, 6};

  SECTION("at_least") {
    const Target t = make_target(4.0, Sense::at_least, true);
    const TargetRow row = summarize_target(t, v, 0.8, 0.5);
    CHECK(row.draws == 8);
    // np.quantile(x, 0.5) : h = 7*0.5 = 3.5 -> 3 + 0.5*(4-3)
    CHECK(row.median == 3.5);
    // q05: h = 0.35 -> x[0] + 0.35*(x[1]-x[0]) = 1
    CHECK(row.q05 == 1.0);
    // q95: h = 6.65 -> g >= 0.5, numpy evaluates b - (b-a)*(1-g) = 9 - 3*0.35
    CHECK(row.q95 == 9.0 - 3.0 * (1.0 - (7.0 * 0.95 - 6.0)));
    CHECK(row.q95 == Approx(7.95).margin(1e-12));
    CHECK(row.mean == 31.0 / 8.0);
    CHECK(row.p_met == 0.5);  // 4 5 6 9
    CHECK(row.p_met_se == std::sqrt(0.5 * 0.5 / 8.0));
    CHECK(row.verdict == "at risk");
    CHECK(row.target.binding);
  }
  SECTION("at_most") {
    const TargetRow row = summarize_target(make_target(2.0, Sense::at_most), v, 0.8, 0.5);
    CHECK(row.p_met == 3.0 / 8.0);  // 1 1 2
    CHECK(row.p_met_se == std::sqrt((3.0 / 8.0) * (5.0 / 8.0) / 8.0));
    CHECK(row.verdict == "off track");
  }
}

TEST_CASE("summarize_target: odd count and interpolation below one half", "[targets]") {
  // sorted: 10 20 30 40 50 ; h(0.05) = 0.2 -> 10 + 0.2*10 = 12 ; h(0.95) = 3.8 -> 50 - 10*0.2 = 48
  std::vector<double> v = {50, 10, 40, 20, 30};
  const TargetRow row = summarize_target(make_target(25, Sense::at_least), v, 0.5, 0.2);
  CHECK(row.median == 30.0);
  CHECK(row.q05 == 12.0);
  CHECK(row.q95 == 48.0);
  CHECK(row.p_met == 0.6);
  CHECK(row.verdict == "on track");
}

TEST_CASE("summarize_target: single value and no valid values", "[targets]") {
  std::vector<double> one = {kNaN, 7.0};
  const TargetRow a = summarize_target(make_target(7, Sense::at_least), one, 0.8, 0.5);
  CHECK(a.draws == 1);
  CHECK(a.median == 7.0);
  CHECK(a.q05 == 7.0);
  CHECK(a.q95 == 7.0);
  CHECK(a.p_met == 1.0);
  CHECK(a.p_met_se == 0.0);
  CHECK(a.verdict == "on track");

  std::vector<double> none = {kNaN, kNaN};
  const TargetRow b = summarize_target(make_target(7, Sense::at_least), none, 0.8, 0.5);
  CHECK(b.draws == 0);
  CHECK(std::isnan(b.median));
  CHECK(std::isnan(b.p_met));
  CHECK(b.verdict == "off track");
}

TEST_CASE("JointAccumulator counts targets met per draw", "[targets]") {
  // t0 binding x >= 1, t1 expected x <= 5, t2 binding x >= 10
  const std::vector<Target> targets = {make_target(1, Sense::at_least, true),
                                       make_target(5, Sense::at_most, false),
                                       make_target(10, Sense::at_least, true)};
  JointAccumulator acc(targets);
  // draw-major [count][3]
  const std::vector<double> block1 = {
      2, 4, 11,   // all three met
      0, 4, 11,   // t1, t2 met (binding t0 fails)
      2, 6, 10,   // t0, t2 met (all binding)
  };
  const std::vector<double> block2 = {
      0, 6, 0,     // none met
      2, kNaN, 11, // skipped (dropped draw)
  };
  acc.add(block1, 3);
  acc.add(block2, 2);
  const JointView j = acc.result();
  CHECK(j.num_binding == 2);
  REQUIRE(j.met_count_hist.size() == 4);
  CHECK(j.met_count_hist[0] == 1);
  CHECK(j.met_count_hist[1] == 0);
  CHECK(j.met_count_hist[2] == 2);
  CHECK(j.met_count_hist[3] == 1);
  CHECK(j.p_all_binding == 2.0 / 4.0);
  CHECK(j.p_all == 1.0 / 4.0);

  SECTION("order of blocks does not matter") {
    JointAccumulator rev(targets);
    rev.add(block2, 2);
    rev.add(block1, 3);
    const JointView r = rev.result();
    CHECK(r.met_count_hist == j.met_count_hist);
    CHECK(r.p_all_binding == j.p_all_binding);
    CHECK(r.p_all == j.p_all);
  }
}

TEST_CASE("JointAccumulator without binding targets", "[targets]") {
  JointAccumulator acc({make_target(1, Sense::at_least)});
  const std::vector<double> v = {0, 2, 3};
  acc.add(v, 3);
  const JointView j = acc.result();
  CHECK(j.num_binding == 0);
  CHECK(j.p_all_binding == 1.0);
  CHECK(j.p_all == 2.0 / 3.0);
}
