#include "innosim/run/summarize.hpp"

#include <utility>

#include "innosim/run/targets.hpp"

namespace innosim {

void summarize_run(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators, const RunState& state,
                   const DrawSink& values, Summary& summary, TargetTable& table) {
  summary = make_summary(state.moments, state.sketch, kSummaryLevels);
  table = TargetTable{};
  table.on_track = scenario.run.on_track;
  table.at_risk = scenario.run.at_risk;
  for (std::size_t t = 0; t < scenario.targets.size(); ++t) {
    const Target& target = scenario.targets[t];
    std::vector<double> v = values.target_values(t);
    TargetRow row = summarize_target(target, v, scenario.run.on_track, scenario.run.at_risk);
    for (const auto& ind : indicators)
      if (ind.id == target.indicator) row.indicator_unit = ind.unit;
    if (const IndicatorNames* n = scenario.indicator(target.indicator); n && !n->unit.empty())
      row.indicator_unit = n->unit;
    table.rows.push_back(std::move(row));
  }
  table.joint = state.joint().result();
}

RunInfo run_info(const RunState& state, std::uint64_t seed, std::size_t draws_requested) {
  RunInfo info;
  info.seed = seed;
  info.draws_requested = draws_requested;
  info.draws_dropped = state.dropped.size();
  info.draws_valid = state.valid();
  info.dropped_draws = state.dropped;
  return info;
}

}  // namespace innosim
