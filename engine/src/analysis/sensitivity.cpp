// The non-template parts of run_sensitivity (sensitivity.hpp): outputs,
// collecting them from the pipeline, and the estimators over all outputs.

#include "innosim/analysis/sensitivity.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

namespace innosim {

std::vector<SensitivityOutput> sensitivity_outputs(const Scenario& s, const std::vector<std::size_t>& targets) {
  std::vector<SensitivityOutput> out;
  for (std::size_t t : targets) {
    const Target& tg = s.targets.at(t);
    std::vector<int> years = s.horizon.report_years;
    if (std::find(years.begin(), years.end(), tg.year) == years.end()) years.push_back(tg.year);
    std::sort(years.begin(), years.end());
    for (int y : years) out.push_back({t, y, SensitivityOutput::Kind::value});
    out.push_back({t, tg.year, SensitivityOutput::Kind::met});
  }
  return out;
}

OutputCollector::OutputCollector(const Scenario& scenario, const ResultShape& shape,
                                 const std::vector<SensitivityOutput>& outputs, std::size_t rows)
    : rows_(rows),
      n_targets_(scenario.targets.size()),
      n_series_(shape.size()),
      outputs_(outputs),
      targets_(scenario.targets) {
  for (const SensitivityOutput& o : outputs_) {
    const Target& tg = targets_.at(o.target);
    std::ptrdiff_t series = -1;
    const auto y = std::find(shape.years.begin(), shape.years.end(), o.year);
    if (o.kind == SensitivityOutput::Kind::value && y != shape.years.end()) {
      const auto i = std::find(shape.indicators.begin(), shape.indicators.end(), tg.indicator);
      const auto r = std::find(shape.regions.begin(), shape.regions.end(), tg.region);
      if (i == shape.indicators.end() || r == shape.regions.end())
        throw std::invalid_argument("sensitivity: target " + tg.indicator + "@" + tg.region + " is not in the results");
      series = static_cast<std::ptrdiff_t>(shape.index(static_cast<std::size_t>(i - shape.indicators.begin()),
                                                       static_cast<std::size_t>(r - shape.regions.begin()),
                                                       static_cast<std::size_t>(y - shape.years.begin())));
    } else if (o.year != tg.year) {
      throw std::invalid_argument("sensitivity: an output's year is neither a report year nor its target's year");
    }
    series_.push_back(series);
  }
  values_.assign(outputs_.size() * rows_, std::numeric_limits<double>::quiet_NaN());
  targets_v_.assign(n_targets_ * rows_, std::numeric_limits<double>::quiet_NaN());
  valid_.assign(rows_, 0);
}

void OutputCollector::write_draws(std::uint64_t first, std::size_t count, std::span<const double>,
                                  std::span<const double> target_values, std::span<const double> trajectories,
                                  std::span<const double>, std::span<const std::uint8_t> valid) {
  for (std::size_t d = 0; d < count; ++d) {
    const std::size_t row = first + d;
    valid_[row] = valid[d];
    const double* tv = target_values.data() + d * n_targets_;
    for (std::size_t t = 0; t < n_targets_; ++t) targets_v_[t * rows_ + row] = tv[t];
    if (!valid[d]) continue;
    const double* series = trajectories.data() + d * n_series_;
    for (std::size_t o = 0; o < outputs_.size(); ++o) {
      const double x = series_[o] >= 0 ? series[series_[o]] : tv[outputs_[o].target];
      values_[o * rows_ + row] =
          outputs_[o].kind == SensitivityOutput::Kind::met ? (targets_[outputs_[o].target].met(x) ? 1.0 : 0.0) : x;
    }
  }
}

std::vector<double> OutputCollector::target_values(std::size_t t) const {
  return {targets_v_.begin() + static_cast<std::ptrdiff_t>(t * rows_),
          targets_v_.begin() + static_cast<std::ptrdiff_t>((t + 1) * rows_)};
}

std::vector<std::uint8_t> OutputCollector::used(std::size_t per) const {
  std::vector<std::uint8_t> out(rows_ / per, 1);
  for (std::size_t row = 0; row < rows_; ++row)
    if (!valid_[row]) out[row / per] = 0;
  return out;
}

DesignRun OutputCollector::take(RunInfo info, std::size_t per) {
  DesignRun r;
  r.rows = rows_;
  r.used = used(per);
  r.target_values = std::move(targets_v_);
  r.info = std::move(info);
  return r;
}

namespace {

// Runs f(o) for every output o on `threads` threads (0 = all).
template <class F>
void for_each_output(std::size_t outputs, unsigned threads, F&& f) {
  namespace tbb = oneapi::tbb;
  const int n = threads ? static_cast<int>(threads) : tbb::info::default_concurrency();
  tbb::global_control allow(tbb::global_control::max_allowed_parallelism,
                            std::max(n, tbb::info::default_concurrency()));
  tbb::task_arena arena(n);
  arena.execute([&] { tbb::parallel_for(std::size_t{0}, outputs, [&](std::size_t o) { f(o); }); });
}

std::size_t count_used(const std::vector<std::uint8_t>& used) {
  return static_cast<std::size_t>(std::count(used.begin(), used.end(), std::uint8_t{1}));
}

}  // namespace

void analyse_sobol(SobolAnalysis& a, const OutputCollector& c, std::size_t outputs, std::size_t groups,
                   const BootstrapSettings& bootstrap, unsigned threads) {
  const std::vector<std::uint8_t> used = c.used(groups + 3);
  const std::vector<std::uint32_t> resamples = bootstrap_resamples(bootstrap, count_used(used));
  a.indices.assign(outputs, {});
  for_each_output(outputs, threads, [&](std::size_t o) {
    a.indices[o] = sobol_indices(c.output(o), groups, used, resamples, bootstrap.confidence);
  });
}

void analyse_morris(MorrisAnalysis& a, const MorrisDesign& design, const OutputCollector& c, std::size_t outputs,
                    const BootstrapSettings& bootstrap, unsigned threads) {
  const std::vector<std::uint8_t> used = c.used(design.rows_per_trajectory());
  const std::vector<std::uint32_t> resamples = bootstrap_resamples(bootstrap, count_used(used));
  a.effects.assign(outputs, {});
  for_each_output(outputs, threads, [&](std::size_t o) {
    a.effects[o] = morris_effects(design, c.output(o), used, resamples, bootstrap.confidence);
  });
}

}  // namespace innosim
