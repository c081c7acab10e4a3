#pragma once
// A tiny analytic model for engine tests: regional output growing
// exponentially at a common uncertain rate plus yearly normal shocks,
//   dY_r/dt = (g + s * z_year + extra(year)) * Y_r,
//   Y_r(start) = initial_r * (1 + boost(start)),
// so that ln Y_r(T) is known in closed form and P(zone output >= target)
// can be checked against the engine to within Monte Carlo error.
//
// Scenario inputs: parameters `growth` (rate/yr), `shock_sd` (rate/yr),
// per-region `initial` (count); levers `extra_growth` (rate/yr, optional
// path, zone-wide) and `initial_boost` (rate, optional, its value in the
// start year raises every initial level: a lever with diminishing returns
// on ln Y, for the cheapest-mix test of `solve`). Indicator: `output` (a
// stock), for each region, the zone (the regions with in_zone) and the
// territory when one is declared.

#include <array>
#include <span>
#include <string>
#include <vector>

#include "innosim/model/model.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

class ExpGrowth {
 public:
  static constexpr std::size_t kMaxRegions = 8;
  using State = std::array<double, kMaxRegions>;
  struct Workspace {
    double growth = 0;  // g + s*z + extra for the current year
    double g = 0, s = 0;
  };

  explicit ExpGrowth(const Scenario& scenario);

  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  std::size_t num_regions() const { return regions_; }
  std::size_t num_aggregates() const { return aggregates_; }
  std::size_t num_parameters() const { return num_parameters_; }
  std::size_t randoms_per_year() const { return 1; }

  void init(Workspace& ws, std::span<const double> theta, State& x) const;
  void year_start(Workspace& ws, int year, State& x, std::span<const double> u) const;
  void rhs(const Workspace& ws, const State& x, State& dxdt, double t) const;
  void observe(const Workspace& ws, int year, const State& x, std::span<double> out) const;

 private:
  std::vector<IndicatorInfo> indicators_;
  std::size_t regions_ = 0, aggregates_ = 1, num_parameters_ = 0;
  std::array<bool, kMaxRegions> in_zone_{};
  std::size_t p_growth_ = 0, p_shock_ = 0;
  std::vector<std::size_t> p_initial_;
  const Lever* extra_ = nullptr;
  double boost_ = 0;  // initial_boost in the start year
};

static_assert(Model<ExpGrowth>);

}  // namespace innosim
