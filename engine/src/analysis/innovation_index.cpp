// The innovation index accumulator (innovation_index.hpp).

#include "innosim/analysis/innovation_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "innosim/run/state_accumulator.hpp"
#include "innosim/util/did_you_mean.hpp"

namespace innosim {

namespace {

const std::vector<double> kLevels = {0.05, 0.5, 0.95};

double score(const IndexComponent& c, double x) {
  double s;
  if (c.higher_is_better)
    s = 100.0 * x / c.standard;
  else
    s = x > 0 ? 100.0 * c.standard / x : 100.0;
  s = std::max(s, 0.0);
  return c.cap ? std::min(s, 100.0) : s;
}

}  // namespace

class InnovationIndex::Counts : public DrawAccumulator::Part {
 public:
  Counts(const InnovationIndex& index)
      : index_(index),
        counts_(index.num_regions() * index.num_years() * index.num_regions(), 0),
        sketch_(index.num_regions() * index.num_years()),
        value_(index.num_regions() * index.num_years()),
        x_(index.num_regions()) {}

  void add(std::uint64_t, std::span<const double> out) override {
    const std::size_t R = index_.num_regions(), Y = index_.num_years();
    index_.evaluate(out, value_, x_);
    for (std::size_t y = 0; y < Y; ++y)
      for (std::size_t r = 0; r < R; ++r) {
        const double v = value_[r * Y + y];
        std::size_t rank0 = 0;
        for (std::size_t s = 0; s < R; ++s) rank0 += value_[s * Y + y] > v;
        ++counts_[(r * Y + y) * R + rank0];
        sketch_.add(r * Y + y, v);
      }
    ++draws_;
  }

  const InnovationIndex& index_;
  std::vector<std::uint64_t> counts_;
  QuantileSketch sketch_;
  std::uint64_t draws_ = 0;
  std::vector<double> value_, x_;  // scratch: one draw's index, one component's values
};

InnovationIndex::InnovationIndex(const Scenario& s, const std::vector<IndicatorInfo>& indicators)
    : name_en_(s.index->name_en), name_zh_(s.index->name_zh) {
  const InnovationIndexSpec& spec = *s.index;
  std::vector<std::string> ids;
  for (const IndicatorInfo& i : indicators) ids.push_back(i.id);
  std::vector<Problem> problems;
  auto find = [&](const std::string& id, const SourceLoc& where, const std::string& key) -> std::ptrdiff_t {
    const auto it = std::find(ids.begin(), ids.end(), id);
    if (it != ids.end()) return it - ids.begin();
    problems.push_back({where, key,
                        fmt::format("indicator '{}' is not computed by model '{}'{}", id, s.model,
                                    did_you_mean_hint(id, ids))});
    return -1;
  };
  double total = 0;
  for (std::size_t k = 0; k < spec.components.size(); ++k) {
    const IndexComponent& c = spec.components[k];
    const std::string key = fmt::format("index.components[{}]", k);
    Component comp;
    const std::ptrdiff_t i = find(c.indicator, c.where, key + ".indicator");
    comp.indicator = i >= 0 ? static_cast<std::size_t>(i) : 0;
    if (!c.per.empty()) comp.per = find(c.per, c.where, key + ".per");
    comp.per_scale = c.per_scale;
    comp.weight = c.weight;
    comp.spec = c;
    total += c.weight;
    components_.push_back(comp);
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  for (Component& c : components_) c.weight /= total;
  for (std::size_t r = 0; r < s.regions.size(); ++r)
    if (spec.regions.empty() || std::find(spec.regions.begin(), spec.regions.end(), s.regions[r].id) != spec.regions.end()) {
      ranked_.push_back(r);
      region_ids_.push_back(s.regions[r].id);
    }
  years_ = s.horizon.report_years;
  for (int y : years_) rows_.push_back(static_cast<std::size_t>(y - s.horizon.start));
  regions_and_zone_ = s.regions.size() + s.aggregate_ids().size();  // the regions, then the zone (and the territory)
  per_year_ = indicators.size() * regions_and_zone_;
  counts_.assign(ranked_.size() * years_.size() * ranked_.size(), 0);
  sketch_ = QuantileSketch(ranked_.size() * years_.size());
}

void InnovationIndex::evaluate(std::span<const double> out, std::span<double> index) const {
  std::vector<double> x(ranked_.size());
  evaluate(out, index, x);
}

void InnovationIndex::evaluate(std::span<const double> out, std::span<double> index, std::span<double> x) const {
  const std::size_t R = ranked_.size(), Y = rows_.size();
  std::fill(index.begin(), index.begin() + static_cast<std::ptrdiff_t>(R * Y), 0.0);
  for (std::size_t y = 0; y < Y; ++y) {
    const double* row = out.data() + rows_[y] * per_year_;
    for (const Component& c : components_) {
      for (std::size_t k = 0; k < R; ++k) {
        double v = row[c.indicator * regions_and_zone_ + ranked_[k]];
        if (c.per >= 0) {
          const double d = row[static_cast<std::size_t>(c.per) * regions_and_zone_ + ranked_[k]];
          v = d > 0 ? v / d * c.per_scale : std::numeric_limits<double>::quiet_NaN();
        }
        x[k] = v;
      }
      if (c.spec.normalisation == IndexNormalisation::standard) {
        for (std::size_t k = 0; k < R; ++k) index[k * Y + y] += c.weight * (std::isfinite(x[k]) ? score(c.spec, x[k]) : 0.0);
        continue;
      }
      double lo = INFINITY, hi = -INFINITY;
      for (std::size_t k = 0; k < R; ++k)
        if (std::isfinite(x[k])) {
          lo = std::min(lo, x[k]);
          hi = std::max(hi, x[k]);
        }
      for (std::size_t k = 0; k < R; ++k) {
        double s = 0.0;
        if (std::isfinite(x[k])) {
          s = hi > lo ? 100.0 * (x[k] - lo) / (hi - lo) : 50.0;
          if (!c.spec.higher_is_better && hi > lo) s = 100.0 - s;
        }
        index[k * Y + y] += c.weight * s;
      }
    }
  }
}

std::unique_ptr<DrawAccumulator::Part> InnovationIndex::make_part() const { return std::make_unique<Counts>(*this); }

void InnovationIndex::merge(const Part& part) {
  const auto& c = dynamic_cast<const Counts&>(part);
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += c.counts_[i];
  sketch_.merge(c.sketch_);
  draws_ += c.draws_;
}

void InnovationIndex::save(StateOut& out) const {
  out.put_u64("rank_counts", counts_);
  const std::uint64_t draws[1] = {draws_};
  out.put_u64("draws", draws);
  sketch_.save(*out.group("sketch"));
}

void InnovationIndex::add_saved(const StateIn& in) {
  // Read whole before adding: a bad state leaves the counts as they were.
  const std::vector<std::uint64_t> counts = in.u64("rank_counts", counts_.size());
  const std::uint64_t draws = in.u64("draws", 1)[0];
  QuantileSketch sketch(sketch_.series());
  sketch.load(*in.group("sketch"));
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += counts[i];
  draws_ += draws;
  sketch_.merge(sketch);
}

IndexResult InnovationIndex::result() const {
  IndexResult r;
  r.name_en = name_en_;
  r.name_zh = name_zh_;
  r.regions = region_ids_;
  r.years = years_;
  r.levels = kLevels;
  r.rank_counts = counts_;
  r.draws = draws_;
  r.relative_accuracy = kSketchAccuracy;
  for (std::size_t s = 0; s < ranked_.size() * years_.size(); ++s)
    for (double q : kLevels) r.quantiles.push_back(draws_ ? sketch_.quantile(s, q) : std::numeric_limits<double>::quiet_NaN());
  return r;
}

}  // namespace innosim
