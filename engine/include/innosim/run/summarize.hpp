#pragma once
// The end of a run: its summary and target table from the state of all its
// draws and their per-draw target values. The pipeline calls it after the
// last block; merging shards calls it on the merged state, so both give the
// same numbers.

#include <vector>

#include "innosim/model/model.hpp"
#include "innosim/run/draw_sink.hpp"
#include "innosim/run/results.hpp"
#include "innosim/run/run_state.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// Quantile levels of the summary (the fan charts' bands).
inline const std::vector<double> kSummaryLevels = {0.05, 0.25, 0.5, 0.75, 0.95};

// Summary from the merged moments and sketch; the target table from exact
// order statistics of each target's values (read from `values` one target at
// a time) and the joint counts. Units: the scenario's [indicators], else the
// model's.
void summarize_run(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators, const RunState& state,
                   const DrawSink& values, Summary& summary, TargetTable& table);

// Counts of a run (or of the range of its draws `state` covers).
RunInfo run_info(const RunState& state, std::uint64_t seed, std::size_t draws_requested);

}  // namespace innosim
