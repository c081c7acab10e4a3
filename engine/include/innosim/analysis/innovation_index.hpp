#pragma once
// The composite S&T innovation index of the scenario's [index] section, per
// region and report year, in every draw (a DrawAccumulator: computed where
// each draw is simulated). Per component c and region r:
//   x = indicator (divided by `per` and times `per_scale` when given),
//   score = standard: 100 x / standard (higher is better) or 100 standard / x
//                     (lower is better; x <= 0 scores 100), floored at 0 and
//                     capped at 100 unless cap = false;
//           min_max:  100 (x - min) / (max - min) over the index's regions in
//                     the same draw and year (reversed when lower is better;
//                     50 when all are equal);
//   index = sum_c w_c score_c / sum_c w_c, in [0, 100] when capped.
// A `per` denominator that is not positive scores 0. Kept per (region, year):
// a quantile sketch of the index (integer bucket counts, the band) and the
// number of draws in which the region ranks 1st, 2nd, ... (competition
// ranking: rank = 1 + the number of regions with a strictly higher index, so
// tied regions share the better rank). Both are integer counts: the merge is
// exact and order-free, and counts of shards of a run add up. They travel
// with the run state as "innovation_index" (shard files, checkpoints):
// rank_counts [region][year][rank], draws, and the sketch's bucket counts.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "innosim/model/model.hpp"
#include "innosim/run/aggregate.hpp"
#include "innosim/run/draw_accumulator.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

struct IndexResult {
  std::string name_en, name_zh;
  std::vector<std::string> regions;     // the ranked regions' ids, in scenario order
  std::vector<int> years;               // report years
  std::vector<double> levels;           // quantile levels of the band
  std::vector<double> quantiles;        // [region][year][level]
  std::vector<std::uint64_t> rank_counts;  // [region][year][rank - 1]
  std::uint64_t draws = 0;              // draws counted (the valid ones)
  double relative_accuracy = 0;         // of the quantiles (the sketch's)

  std::size_t num_regions() const { return regions.size(); }
  std::size_t num_years() const { return years.size(); }
  std::uint64_t rank_count(std::size_t r, std::size_t y, std::size_t rank0) const {
    return rank_counts[(r * num_years() + y) * num_regions() + rank0];
  }
  double rank_probability(std::size_t r, std::size_t y, std::size_t rank0) const {
    return draws ? static_cast<double>(rank_count(r, y, rank0)) / static_cast<double>(draws) : 0.0;
  }
  double quantile(std::size_t r, std::size_t y, std::size_t level) const {
    return quantiles[(r * num_years() + y) * levels.size() + level];
  }
};

class InnovationIndex : public DrawAccumulator {
 public:
  // Throws ScenarioError (at the component) for an indicator the model does
  // not compute. `scenario.index` must be set.
  InnovationIndex(const Scenario& scenario, const std::vector<IndicatorInfo>& indicators);

  std::unique_ptr<Part> make_part() const override;
  void merge(const Part& part) override;
  std::string name() const override { return "innovation_index"; }
  void save(StateOut& out) const override;
  void add_saved(const StateIn& in) override;
  IndexResult result() const;

  // The index of one draw's output (DrawSimulator's layout) in every ranked
  // region and report year: index[region * years + year].
  void evaluate(std::span<const double> out, std::span<double> index) const;
  std::size_t num_regions() const { return ranked_.size(); }
  std::size_t num_years() const { return rows_.size(); }

 private:
  struct Component {
    std::size_t indicator = 0;
    std::ptrdiff_t per = -1;  // indicator index of the denominator
    double per_scale = 1, weight = 0;  // weight divided by the sum
    IndexComponent spec;
  };
  class Counts;
  // evaluate() with `x` (num_regions() values) as scratch: no allocation per draw.
  void evaluate(std::span<const double> out, std::span<double> index, std::span<double> x) const;

  std::string name_en_, name_zh_;
  std::vector<Component> components_;
  std::vector<std::size_t> ranked_;  // region indices
  std::vector<std::string> region_ids_;
  std::vector<int> years_;
  std::vector<std::size_t> rows_;    // output row (year - start) of each report year
  std::size_t regions_and_zone_ = 0, per_year_ = 0;
  std::vector<std::uint64_t> counts_;  // merged [region][year][rank]
  QuantileSketch sketch_;              // merged, series region * years + year
  std::uint64_t draws_ = 0;
};

}  // namespace innosim
