#include "innosim/outputs/difference_table.hpp"

#include <cmath>

#include <fmt/format.h>

#include "detail/labels.hpp"
#include "innosim/outputs/text.hpp"

namespace innosim {

namespace {

// "+12.3 ± 0.4 pts" (percentage points).
std::string p_cell(const TargetDifference& d) {
  if (std::isnan(d.p_met_diff)) return "n/a";
  return fmt::format("{:+.1f} ± {:.1f} pts", 100.0 * d.p_met_diff, 100.0 * d.p_met_diff_se);
}

std::string median_cell(const TargetDifference& d) {
  if (std::isnan(d.median_diff)) return "n/a";
  if (std::isnan(d.median_diff_se))  // from stored tables: no error known
    return fmt::format("{}{}", d.median_diff >= 0 ? "+" : "", compact_number(d.median_diff));
  return fmt::format("{}{} ± {}", d.median_diff >= 0 ? "+" : "", compact_number(d.median_diff),
                     compact_number(d.median_diff_se));
}

}  // namespace

std::string format_difference_table(const std::vector<RunFile>& runs, const std::vector<RunDifferences>& diffs) {
  if (runs.size() < 2) return {};
  constexpr std::size_t kName = 52, kLabel = 38, kP = 20, kMedian = 22;
  const RunFile& base = runs.front();
  std::string out;
  for (std::size_t k = 0; k + 1 < runs.size() && k < diffs.size(); ++k) {
    const RunFile& run = runs[k + 1];
    const RunDifferences& d = diffs[k];
    out += fmt::format("\n{} minus {}: {}\n", run.scenario_name, base.scenario_name,
                       d.paired ? fmt::format("paired (same seed {}, {} draws, {} sampler, identical parameter "
                                              "draws: common random numbers)",
                                              base.header.seed, base.header.draws, base.header.sampler)
                                : fmt::format("unpaired ({})", d.why));
    out += fmt::format("{} {} {}\n", pad("target", kName), pad("ΔP(met)", kP, Align::right),
                       pad("Δmedian", kMedian, Align::right));
    for (std::size_t t = 0; t < base.table.rows.size() && t < d.rows.size(); ++t) {
      out += fmt::format("{} {} {}\n", pad(detail::target_cell(base.indicators, base.table.rows[t].target, kLabel), kName),
                         pad(d.rows[t] ? p_cell(*d.rows[t]) : "—", kP, Align::right),
                         pad(d.rows[t] ? median_cell(*d.rows[t]) : "—", kMedian, Align::right));
    }
  }
  out += fmt::format(
      "± is 1 standard error of the difference (Monte Carlo): paired runs use the per-draw differences, unpaired "
      "runs each run's own error; the median's from a bootstrap ({} resamples; none without per-draw values). "
      "pts = percentage points.\n",
      kBootstrapReplicates);
  return out;
}

}  // namespace innosim
