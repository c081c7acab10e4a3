#include "innosim/models/exp_growth.hpp"

#include "innosim/model/binding.hpp"
#include "innosim/random/streams.hpp"

namespace innosim {

ExpGrowth::ExpGrowth(const Scenario& scenario)
    : indicators_{{"output", "count", true}},
      regions_(scenario.regions.size()),
      aggregates_(scenario.aggregate_ids().size()),
      num_parameters_(scenario.parameters.size()) {
  for (std::size_t r = 0; r < regions_ && r < kMaxRegions; ++r) in_zone_[r] = scenario.regions[r].in_zone;
  ModelBinding b(scenario);
  if (regions_ > kMaxRegions || regions_ == 0)
    b.problem(scenario.where, "regions",
              "model 'exp_growth' supports 1 to " + std::to_string(kMaxRegions) + " regions, got " +
                  std::to_string(regions_));
  p_growth_ = b.parameter("growth");
  p_shock_ = b.parameter("shock_sd");
  p_initial_ = b.parameter_by_region("initial");
  if (scenario.lever("extra_growth")) extra_ = b.lever("extra_growth", "rate");
  if (scenario.lever("initial_boost"))
    if (const Lever* l = b.lever("initial_boost", "rate")) boost_ = l->at(scenario.horizon.start);
  b.indicators({"output"});
  b.finish();
}

void ExpGrowth::init(Workspace& ws, std::span<const double> theta, State& x) const {
  ws.g = theta[p_growth_];
  ws.s = theta[p_shock_];
  x.fill(0.0);
  for (std::size_t r = 0; r < regions_; ++r) x[r] = theta[p_initial_[r]] * (1.0 + boost_);
}

void ExpGrowth::year_start(Workspace& ws, int year, State& /*x*/, std::span<const double> u) const {
  ws.growth = ws.g + ws.s * normal_quantile(u[0]) + (extra_ ? extra_->at(year) : 0.0);
}

void ExpGrowth::rhs(const Workspace& ws, const State& x, State& dxdt, double /*t*/) const {
  for (std::size_t r = 0; r < kMaxRegions; ++r) dxdt[r] = ws.growth * x[r];
}

// Each region's output, then the zone's (the regions in it) and, when the
// scenario declares a territory, the sum over every region.
void ExpGrowth::observe(const Workspace& /*ws*/, int /*year*/, const State& x,
                        std::span<double> out) const {
  double zone = 0, all = 0;
  for (std::size_t r = 0; r < regions_; ++r) {
    out[r] = x[r];
    if (in_zone_[r]) zone += x[r];
    all += x[r];
  }
  out[regions_] = zone;
  if (aggregates_ > 1) out[regions_ + 1] = all;
}

}  // namespace innosim
