#pragma once
// What it takes (`innosim solve`): the smallest factor on one lever (or on
// several levers scaled together) that brings P(met) of a target to p, its
// Monte Carlo uncertainty and the P(met) curve walked to find it — as a table
// (text, CSV, JSON) and a small HDF5 file (docs/hdf5-schema.md, "Solve files").

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "innosim/outputs/output_policy.hpp"
#include "innosim/outputs/table.hpp"  // TableFormat
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct SolveHeader {
  std::string engine_version;
  std::string git_sha;
  std::uint64_t seed = 0;
  std::string sampler;
  std::size_t draws = 0;  // per point
  std::string model;
};

struct SolveLever {
  std::string id;
  double base = 0;  // unscaled zone total in the horizon's end year, in the lever's unit
};

// One point of the curve: the factor and the target's statistics there.
struct SolvePoint {
  double scale = 0;
  double p_met = 0, p_met_se = 0, median = 0, q05 = 0, q95 = 0;
};

struct SolveResult {
  std::string target_id;
  std::size_t target = 0;   // index into the scenario's targets
  double probability = 0;   // p asked for
  std::vector<SolveLever> levers;
  double lo = 0, hi = 0;    // the factor's range searched
  bool reachable = false;   // P(met) >= p somewhere in [lo, hi]
  double scale = 0;         // the answer; when not reachable, the factor with the highest P(met) seen
  double p_at_scale = 0;    // P(met) there
  double scale_lo = 0, scale_hi = 0;  // the answer for p - se and p + se (NaN: not within [lo, hi])
  double p_met_se = 0;      // se = sqrt(p(1-p)/draws), the Monte Carlo error of P(met) at p
  double tolerance = 0;     // bisection stops when brackets are this narrow (in factor)
  std::vector<SolvePoint> curve;  // every point evaluated, by factor
  double seconds = 0;
};

// The cheapest mix (`innosim solve` with several --lever and a --cost for
// each): every lever has a factor of its own in [lo, hi]; a mix costs
// sum_i cost_i x amount_i, amount_i = factor_i x base_i in the lever's unit
// (亿元/yr for yuan levers). The mix of least cost reaching p.
struct MixLever {
  std::string id;
  double base = 0;        // unscaled zone total in the horizon's end year, in the lever's unit (yuan)
  double cost = 0;        // per unit of the amount (per 亿元/yr for yuan levers)
  double per_factor = 0;  // cost of raising the factor by 1: cost x base in those units
  double factor = 0;      // in the answer
};

// One split of the extra cost (over every factor at lo) that was tried.
struct MixTried {
  std::vector<double> shares;  // per lever, summing to 1
  double extra_cost = 0;       // smallest extra cost reaching p along it; NaN: not within the range
  double p_met = 0;            // P(met) there (or the highest seen along it)
};

struct MixResult {
  std::string target_id;
  std::size_t target = 0;
  double probability = 0;
  double lo = 0, hi = 0;
  std::vector<MixLever> levers;
  bool reachable = false;        // some mix tried reaches p
  double cost = 0;               // of the answer (every factor at lo, and the extra cost)
  double cost_lo = 0, cost_hi = 0;  // along the answer's split: the cost for p - se and p + se (NaN: beyond)
  double scenario_cost = 0;      // of the scenario's own mix (every factor 1)
  SolvePoint at_answer;          // the target's statistics at the answer
  double p_met_se = 0;           // sqrt(p(1-p)/draws)
  double tolerance = 0;          // of the extra cost along a split, relative to that split's largest
  std::vector<MixTried> mixes;   // every split tried, in order
  std::size_t runs = 0;          // points run
  double seconds = 0;
};

std::string format_mix_table(const Scenario& scenario, const SolveHeader& header, const MixResult& r,
                             TableFormat format);

// A solve file (file_type innosim-solve) with /mix instead of /answer and /curve.
void write_mix_file(const std::string& path, const Scenario& scenario, const SolveHeader& header,
                    const MixResult& r, OutputPolicy policy = {});

std::string format_solve_table(const Scenario& scenario, const SolveHeader& header, const SolveResult& r,
                               TableFormat format);

// Writes `path` (temporary name, renamed on success, sealed with the checksums
// of every object; an existing file only as `policy` allows; nothing left on
// failure).
void write_solve_file(const std::string& path, const Scenario& scenario, const SolveHeader& header,
                      const SolveResult& r, OutputPolicy policy = {});

}  // namespace innosim
