#pragma once
// PRIM scenario discovery (Friedman & Fisher 1999, as used for scenario
// discovery by Bryant & Lempert 2010 and in the EMA Workbench): find a box
// in the space of the inputs (uncertain parameters, levers) inside which
// the case of interest (a target met, or missed) is much more frequent than
// overall.
//
// Peeling: starting from the box holding every point, each step tries, for
// every input and each of its two sides, to cut off the points below the
// alpha-quantile (above the 1 - alpha quantile) of the points in the box,
// and keeps the cut whose box has the highest density (share of cases;
// ties: the smaller input index, lower side first). When an input's values
// are tied at the quantile (a discrete input, a lever on a grid), the cut
// takes the whole tied value. It stops when no cut leaves at least
// min_mass of all points. No pasting phase. Every box on the way is
// recorded: the peeling trajectory.
//
// Each restriction of a box gets a quasi-p-value (the EMA Workbench's): with
// that restriction dropped, the box holds T' points of which H' are cases;
// the p-value is P(X >= H) for X ~ Binomial(T, H'/T'), T and H the box's
// points and cases — how unlikely the restriction's gain in density is if
// it were chance.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace innosim {

struct PrimData {
  std::vector<std::string> names;  // [inputs]
  std::vector<double> x;           // [input][point]
  std::vector<std::uint8_t> y;     // [point]: 1 = a case of interest
  std::size_t num_inputs() const { return names.size(); }
  std::size_t num_points() const { return y.size(); }
  double at(std::size_t input, std::size_t point) const { return x[input * num_points() + point]; }
};

struct PrimOptions {
  double alpha = 0.05;     // share of the box peeled per step
  double min_mass = 0.05;  // smallest share of all points a box may hold
  unsigned threads = 0;    // 0 = all cores (results do not depend on it)
};

struct PrimBox {
  std::vector<double> lo, hi;  // [input]: x in [lo, hi]
  std::size_t points = 0, cases = 0;
  double mass = 0, coverage = 0, density = 0;
  std::size_t restricted = 0;  // inputs whose range is narrower than the data's
};

struct PrimRestriction {
  std::size_t input = 0;
  bool lower = false, upper = false;  // which side is restricted
  double lo = 0, hi = 0;              // the box's bounds on this input
  double kept = 0;                    // share of all points within [lo, hi] on this input alone
  double quasi_p = 0;
};

struct PrimResult {
  std::vector<PrimBox> trajectory;  // box 0 holds every point
  std::size_t points = 0, cases = 0;
};

// Throws std::invalid_argument for options out of range or data of the wrong shape.
PrimResult prim_peel(const PrimData& data, const PrimOptions& options);

// The restrictions of `box` (against the data's full ranges, trajectory box 0), in input order.
std::vector<PrimRestriction> prim_restrictions(const PrimData& data, const PrimResult& result, const PrimBox& box);

// The densest box on the trajectory with coverage >= min_coverage (the
// first such on ties); box 0 if none.
std::size_t prim_choose(const PrimResult& result, double min_coverage);

// P(X >= k) for X ~ Binomial(n, p).
double binomial_upper_tail(std::size_t k, std::size_t n, double p);

}  // namespace innosim
