#pragma once
// Target checks: P(met), bands and verdicts from per-draw values at the
// target year. Used by `run` (values streamed, then read back per target)
// and by `check` (values read from the HDF5 file), so both print the same.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "innosim/run/state_accumulator.hpp"
#include "innosim/run/results.hpp"

namespace innosim {

// Quantile p of v[0..n) as numpy's default (method "linear"): sorted x,
// h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
// Reorders v; n > 0 and v[0..n) free of NaN.
double quantile_linear(std::vector<double>& v, std::size_t n, double p);

std::string verdict_for(double p_met, double on_track, double at_risk);

// Short names for the targets, as commands take them (`--target ID`): the
// indicator id for a zone target, "indicator@region" for a region's; when
// two targets share those, ":year" follows ("rd_intensity@yinchuan:2018").
// Unique, in the order of `targets`.
std::vector<std::string> target_ids(const std::vector<Target>& targets);

// Summarises one target from the per-draw values at its year. NaN entries
// (dropped draws) are ignored. `values` is reordered in place.
TargetRow summarize_target(const Target& target, std::vector<double>& values, double on_track,
                           double at_risk);

// Streaming joint view (how many targets each draw meets). Exact integer
// counts, so the result does not depend on the order blocks arrive in, and
// the counts of consecutive ranges of draws add up (an StateAccumulator, "joint").
class JointAccumulator : public StateAccumulator {
 public:
  explicit JointAccumulator(std::vector<Target> targets);
  // values: [count][targets.size()], draw-major. Rows with any NaN are skipped.
  void add(std::span<const double> values, std::size_t count);
  JointView result() const;

  std::string name() const override { return "joint"; }
  std::unique_ptr<StateAccumulator> empty() const override;
  void add(const DrawBlock& block) override { add(block.targets, block.count); }
  void append(const StateAccumulator& later) override;
  void save(StateOut& out) const override;
  void load(const StateIn& in) override;

 private:
  std::vector<Target> targets_;
  std::vector<std::uint64_t> hist_;
  std::uint64_t all_binding_ = 0, all_ = 0, n_ = 0;
};

}  // namespace innosim
