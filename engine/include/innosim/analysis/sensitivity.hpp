#pragma once
// Global sensitivity analysis of a scenario (`innosim sensitivity`): Sobol
// indices (sobol_indices.hpp) and Morris elementary effects (morris.hpp) of
// the parameter groups (groups.hpp), run through the Monte Carlo pipeline
// with the design as its parameter source.
//
// Outputs, for every target analysed: its indicator (in its region) in every
// report year and in the target year ("value"), and whether the target is
// met, 1 or 0 ("met": the indices of the event, whose mean is P(met)).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "innosim/analysis/groups.hpp"
#include "innosim/analysis/morris.hpp"
#include "innosim/analysis/sobol_indices.hpp"
#include "innosim/model/model.hpp"
#include "innosim/run/runner.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct SensitivityOutput {
  enum class Kind { value, met };
  std::size_t target = 0;  // index into scenario.targets
  int year = 0;            // the indicator's year; for `met`, the target year
  Kind kind = Kind::value;
};

// The outputs of `targets` (indices into scenario.targets), in that order:
// per target its values by year (report years and the target year,
// increasing), then its `met`.
std::vector<SensitivityOutput> sensitivity_outputs(const Scenario& scenario, const std::vector<std::size_t>& targets);

struct SensitivityOptions {
  bool sobol = true;
  bool morris = false;
  std::size_t base_samples = 1024;  // N of Saltelli's design
  std::size_t trajectories = 20;    // r of Morris
  int levels = 4;                   // p of Morris
  std::size_t resamples = 200;      // bootstrap
  double confidence = 0.95;
  std::vector<std::size_t> targets;  // indices into scenario.targets; empty = all
  // seed, threads, integrator, invalid draws, progress and cancel of the runs
  // (draws, trajectories and uniforms are set here).
  RunOptions run;
};

// One method's design as run and what came back.
struct DesignRun {
  std::size_t rows = 0;
  std::vector<std::uint8_t> used;      // per base sample (Sobol) or trajectory (Morris): 1 = every row valid
  std::vector<double> target_values;   // [target][row], target-year values of every scenario target
  RunInfo info;
};

struct SobolAnalysis {
  std::size_t base_samples = 0;
  std::vector<double> ab;  // [N][2D]: the uniforms of A (first D) and B
  DesignRun run;
  std::vector<SobolIndices> indices;  // [output]
};

struct MorrisAnalysis {
  std::size_t trajectories = 0;
  int levels = 0;
  std::vector<double> uniforms;     // [row][D]
  std::vector<std::uint64_t> moved; // [trajectory][k]: the group moved at step s + 1
  std::vector<std::int8_t> direction;  // [trajectory][group]: +1 up, -1 down
  DesignRun run;
  std::vector<MorrisEffects> effects;  // [output]
};

struct SensitivityResult {
  std::vector<FactorGroup> groups;
  std::vector<std::string> dimension_parameters;  // parameter id of each dimension
  std::vector<SensitivityOutput> outputs;
  std::optional<SobolAnalysis> sobol;
  std::optional<MorrisAnalysis> morris;
  bool cancelled = false;
  std::vector<InvalidDraw> failures;  // with InvalidDraws::fail: the design rows that failed
  bool failed() const { return !failures.empty(); }
};

// Collects, per design row, the values of the outputs (and every target's
// target-year value) from the pipeline. Internal to run_sensitivity.
class OutputCollector : public DrawSink {
 public:
  OutputCollector(const Scenario& scenario, const ResultShape& shape, const std::vector<SensitivityOutput>& outputs,
                  std::size_t rows);
  void write_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                   std::span<const double> target_values, std::span<const double> trajectories,
                   std::span<const double> uniforms, std::span<const std::uint8_t> valid) override;
  std::vector<double> target_values(std::size_t t) const override;

  // Output o over all rows (met outputs as 0/1; NaN for an invalid row).
  std::span<const double> output(std::size_t o) const { return {values_.data() + o * rows_, rows_}; }
  // 1 for each group of `per` consecutive rows that are all valid.
  std::vector<std::uint8_t> used(std::size_t per) const;
  // What came back (the target values moved out), with `used` for groups of `per` rows.
  DesignRun take(RunInfo info, std::size_t per);

 private:
  std::size_t rows_ = 0, n_targets_ = 0, n_series_ = 0;
  std::vector<SensitivityOutput> outputs_;
  std::vector<Target> targets_;
  std::vector<std::ptrdiff_t> series_;  // per output: its series, or -1 for the target-year value
  std::vector<double> values_;          // [output][row]
  std::vector<double> targets_v_;       // [target][row]
  std::vector<std::uint8_t> valid_;
};

// The estimators over every output, in parallel (each output on its own:
// bit-identical for any thread count).
void analyse_sobol(SobolAnalysis& a, const OutputCollector& c, std::size_t outputs, std::size_t groups,
                   const BootstrapSettings& bootstrap, unsigned threads);
void analyse_morris(MorrisAnalysis& a, const MorrisDesign& design, const OutputCollector& c, std::size_t outputs,
                    const BootstrapSettings& bootstrap, unsigned threads);

template <Model M>
SensitivityResult run_sensitivity(const M& model, const Scenario& scenario, const Sampler& sampler,
                                  const SensitivityOptions& opt) {
  SensitivityResult result;
  result.groups = factor_groups(scenario, sampler);
  for (std::size_t k = 0; k < sampler.dimensions(); ++k)
    result.dimension_parameters.push_back(scenario.parameters[sampler.dimension_parameter(k)].id);
  std::vector<std::size_t> targets = opt.targets;
  if (targets.empty())
    for (std::size_t t = 0; t < scenario.targets.size(); ++t) targets.push_back(t);
  result.outputs = sensitivity_outputs(scenario, targets);
  const ResultShape shape = make_shape(scenario, model.indicators());
  const BootstrapSettings boot{opt.resamples, opt.confidence, opt.run.seed};
  const unsigned threads = opt.run.threads;

  // Runs one design; false if cancelled or failed (result says which).
  auto run_design = [&](const ParameterSource& design, std::size_t rows, OutputCollector& c, RunInfo& info) {
    RunOptions ro = opt.run;
    ro.draws = rows;
    ro.trajectories = true;
    ro.uniforms = false;
    RunOutcome r = run_monte_carlo(model, scenario, design, ro, c);
    result.cancelled = r.cancelled;
    result.failures = std::move(r.failures);
    info = r.info;
    return !r.cancelled && result.failures.empty();
  };
  if (opt.morris) {
    const MorrisDesign design(sampler, result.groups, opt.trajectories, opt.levels, opt.run.seed);
    OutputCollector c(scenario, shape, result.outputs, design.rows());
    RunInfo info;
    if (!run_design(design, design.rows(), c, info)) return result;
    MorrisAnalysis a;
    a.trajectories = design.trajectories();
    a.levels = design.levels();
    a.uniforms.assign(design.row_uniforms(0).data(), design.row_uniforms(0).data() + design.rows() * design.dims());
    const std::size_t k = design.num_groups();
    for (std::size_t t = 0; t < a.trajectories; ++t) {
      for (std::size_t s = 1; s <= k; ++s) a.moved.push_back(design.moved_group(t, s));
      for (std::size_t g = 0; g < k; ++g) a.direction.push_back(static_cast<std::int8_t>(design.direction(t, g)));
    }
    analyse_morris(a, design, c, result.outputs.size(), boot, threads);
    a.run = c.take(info, design.rows_per_trajectory());
    result.morris = std::move(a);
  }
  if (opt.sobol) {
    const SaltelliDesign design(sampler, result.groups, opt.base_samples, opt.run.seed);
    OutputCollector c(scenario, shape, result.outputs, design.rows());
    RunInfo info;
    if (!run_design(design, design.rows(), c, info)) return result;
    SobolAnalysis a;
    a.base_samples = design.base_samples();
    a.ab.assign(design.ab_row(0).data(), design.ab_row(0).data() + design.base_samples() * 2 * design.dims());
    analyse_sobol(a, c, result.outputs.size(), design.num_groups(), boot, threads);
    a.run = c.take(info, design.rows_per_sample());
    result.sobol = std::move(a);
  }
  return result;
}

}  // namespace innosim
