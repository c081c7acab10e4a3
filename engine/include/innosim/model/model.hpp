#pragma once
// The model interface. The runner is a template over any type satisfying
// `Model`; the engine integrates the model's right-hand side with
// Boost.Odeint between year boundaries and calls the model's discrete
// events at each boundary. A model knows nothing about threads, files or
// seeds: it gets parameter values and uniforms from the runner.
//
// Per draw the runner does:
//   m.init(ws, theta, x)                         state at the end of horizon.start
//   m.observe(ws, start, x, out[start])
//   for year = start .. end-1:
//     m.year_start(ws, year, x, u_year)          shocks, integer events, yearly constants
//     integrate m.rhs(ws, x, dxdt, t) over [year, year+1]
//     m.observe(ws, year+1, x, out[year+1])
//
// `out` for one year is laid out [indicator][region], with regions in
// scenario order followed by the aggregates (num_aggregates() of them,
// Scenario::aggregate_ids(): the zone at index num_regions(), then the whole
// territory when the scenario declares one). The model computes them: a sum,
// or a ratio of sums, over the regions in the zone (Region::in_zone) and over
// all regions.

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace innosim {

struct IndicatorInfo {
  std::string id;    // referenced by scenario targets and [indicators.<id>]
  std::string unit;  // default unit; the scenario's names/units are for display
  bool stock = false;  // a count that must never go negative
};

template <class M>
concept Model = requires(const M& m, typename M::Workspace& ws, typename M::State& x,
                         const typename M::State& cx, typename M::State& dx, double t, int year,
                         std::span<const double> in, std::span<double> out) {
  typename M::State;      // std::array<double, N>: fixed size, no allocation
  typename M::Workspace;  // per-draw mutable data (yearly constants); default-constructible
  { m.indicators() } -> std::convertible_to<const std::vector<IndicatorInfo>&>;
  { m.num_regions() } -> std::convertible_to<std::size_t>;
  { m.num_aggregates() } -> std::convertible_to<std::size_t>;  // outputs after the regions
  { m.num_parameters() } -> std::convertible_to<std::size_t>;     // length of theta
  { m.randoms_per_year() } -> std::convertible_to<std::size_t>;   // length of u_year
  { m.init(ws, in, x) };
  { m.year_start(ws, year, x, in) };
  { m.rhs(ws, cx, dx, t) };
  { m.observe(ws, year, cx, out) };
};

}  // namespace innosim
