#pragma once
// The parallel Monte Carlo runner: run_monte_carlo over any Model. The parts:
//   draw_sink.hpp    DrawSink (where per-draw values go), MemorySink
//   run_options.hpp  RunOptions, RunOutcome, InvalidDraw, Checkpoints
//   run_state.hpp    RunState (what a range of draws adds up to), shard_range, append_state
//   state_accumulator.hpp  StateAccumulator (mergeable per-draw state), StateOut/StateIn
//   summarize.hpp    summarize_run: the summary and target table from a state
//   shape.hpp        make_shape, target_offsets
//   pipeline.hpp     MonteCarloPipeline, the stages (bodies in pipeline.ipp)

#include "innosim/model/model.hpp"
#include "innosim/random/parameter_source.hpp"
#include "innosim/run/draw_sink.hpp"
#include "innosim/run/pipeline.hpp"
#include "innosim/run/run_options.hpp"
#include "innosim/run/shape.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

// Runs opt.draws draws of `model` with parameters from `source` (the
// scenario's Sampler, or a design), hands every draw's values to `sink` in
// draw order and returns the summary and the target table. Bit-identical for
// any thread count and block size.
template <Model M>
RunOutcome run_monte_carlo(const M& model, const Scenario& scenario, const ParameterSource& source,
                           const RunOptions& opt, DrawSink& sink) {
  return MonteCarloPipeline<M>(model, scenario, source, opt, sink).run();
}

}  // namespace innosim
