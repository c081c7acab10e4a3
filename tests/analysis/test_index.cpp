// The innovation index: its value in a draw by hand, rank probabilities that
// sum to 1 for every region and year, counts that do not depend on the
// thread count, and components the model does not compute refused.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "../run/exp_scenario.hpp"
#include "innosim/analysis/innovation_index.hpp"
#include "innosim/models/exp_growth.hpp"
#include "innosim/models/four_plus_one.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/run/runner.hpp"

using namespace innosim;

namespace {

// `draws` draws of `s` (or the range of them) on `threads` threads, fed to `index`.
RunOptions index_options(const Scenario& s, std::size_t draws, unsigned threads, InnovationIndex& index,
                         DrawRange range = {}) {
  RunOptions opt;
  opt.draws = draws;
  opt.seed = s.run.seed;
  opt.threads = threads;
  opt.block_tiles = 1;
  opt.integrator.rtol = s.run.rtol;
  opt.integrator.atol = s.run.atol;
  opt.range = range;
  opt.accumulators = {&index};
  return opt;
}

template <class M>
IndexResult run_index(const Scenario& s, std::size_t draws, unsigned threads) {
  const M model(s);
  const Sampler sampler(s, s.run.seed, draws);
  InnovationIndex index(s, model.indicators());
  MemorySink sink(s.targets.size());
  const RunOptions opt = index_options(s, draws, threads, index);
  const RunOutcome r = run_monte_carlo(model, s, sampler, opt, sink);
  REQUIRE_FALSE(r.failed());
  return index.result();
}

// exp_growth (north starts at 100, south at 50, a common growth rate) with an
// index of one component: output against a standard of 150.
Scenario exp_with_index() {
  Scenario s = test::exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  InnovationIndexSpec spec;
  IndexComponent c;
  c.indicator = "output";
  c.weight = 2.0;
  c.standard = 150.0;
  spec.components = {c};
  s.index = spec;
  return s;
}

}  // namespace

TEST_CASE("the index of a draw is its components' weighted scores", "[analysis][index]") {
  Scenario s = exp_with_index();
  IndexComponent relative;
  relative.indicator = "output";
  relative.weight = 1.0;
  relative.normalisation = IndexNormalisation::min_max;
  // (the same indicator twice is refused by the loader; the accumulator itself takes it)
  s.index->components.push_back(relative);
  const ExpGrowth model(s);
  const InnovationIndex index(s, model.indicators());
  // One draw's output: [year][indicator][north, south, zone], 6 years; report years 2015..2020.
  std::vector<double> out(6 * 3);
  for (std::size_t y = 0; y < 6; ++y) {
    out[y * 3 + 0] = 100.0 + 20.0 * static_cast<double>(y);  // north: 100 .. 200
    out[y * 3 + 1] = 60.0;                                    // south
    out[y * 3 + 2] = out[y * 3] + 60.0;
  }
  std::vector<double> v(2 * 6);
  index.evaluate(out, v);
  // weights 2/3 (standard 150, capped) and 1/3 (min-max: north 100, south 0).
  CHECK(v[0 * 6 + 0] == Approx(2.0 / 3.0 * 100.0 * 100.0 / 150.0 + 1.0 / 3.0 * 100.0));
  CHECK(v[0 * 6 + 5] == Approx(2.0 / 3.0 * 100.0 + 1.0 / 3.0 * 100.0));  // 200 >= 150: capped at 100
  CHECK(v[1 * 6 + 0] == Approx(2.0 / 3.0 * 100.0 * 60.0 / 150.0));
}

TEST_CASE("the index reads each region on the model's region axis: the regions, the zone, then the territory",
          "[analysis][index]") {
  Scenario s = exp_with_index();
  s.territory = Territory{"land", "Land", "", {}};
  const ExpGrowth model(s);
  REQUIRE(model.num_aggregates() == 2);
  const InnovationIndex index(s, model.indicators());
  // One draw's output: [year][indicator][north, south, zone, land], 6 years.
  std::vector<double> out(6 * 4);
  for (std::size_t y = 0; y < 6; ++y) {
    out[y * 4 + 0] = 30.0 * static_cast<double>(y);  // north: 0 .. 150
    out[y * 4 + 1] = 15.0 * static_cast<double>(y);  // south: 0 .. 75
    out[y * 4 + 2] = out[y * 4] + out[y * 4 + 1];
    out[y * 4 + 3] = out[y * 4 + 2];
  }
  std::vector<double> v(2 * 6);
  index.evaluate(out, v);
  for (std::size_t y = 0; y < 6; ++y) {
    CAPTURE(y);
    CHECK(v[0 * 6 + y] == Approx(100.0 * 30.0 * static_cast<double>(y) / 150.0));
    CHECK(v[1 * 6 + y] == Approx(100.0 * 15.0 * static_cast<double>(y) / 150.0));
  }
}

TEST_CASE("a larger region always ranks first; probabilities of ranks sum to 1", "[analysis][index]") {
  const Scenario s = exp_with_index();
  const IndexResult r = run_index<ExpGrowth>(s, 1000, 2);
  REQUIRE(r.regions == std::vector<std::string>{"north", "south"});
  CHECK(r.draws == 1000);
  for (std::size_t y = 0; y < r.num_years(); ++y) {
    CAPTURE(r.years[y]);
    if (r.years[y] == 2015) {
      // At the start both are below the standard... north 100/150, south 50/150.
      CHECK(r.quantile(0, y, 1) == Approx(100.0 * 100.0 / 150.0).epsilon(0.006));
    }
    CHECK(r.rank_probability(0, y, 0) == 1.0);
    CHECK(r.rank_probability(1, y, 1) == 1.0);
  }
}

TEST_CASE("index rank probabilities sum to 1 for every region and year of the plan", "[analysis][index]") {
  const Scenario s = load_scenario(std::string(INNOSIM_SOURCE_DIR) + "/scenarios/plan-2016-2020.toml");
  REQUIRE(s.index);
  const IndexResult one = run_index<FourPlusOne>(s, 600, 1);
  // The plan ranks the five 4+1 bodies ([index] regions), not Guyuan outside the zone.
  REQUIRE(one.regions == std::vector<std::string>{"yinchuan", "shizuishan", "wuzhong", "zhongwei", "ningdong"});
  REQUIRE(one.years == s.horizon.report_years);
  for (std::size_t r = 0; r < one.num_regions(); ++r)
    for (std::size_t y = 0; y < one.num_years(); ++y) {
      std::uint64_t total = 0;
      for (std::size_t k = 0; k < one.num_regions(); ++k) total += one.rank_count(r, y, k);
      CHECK(total == one.draws);
      CHECK(one.quantile(r, y, 0) <= one.quantile(r, y, 1));
      CHECK(one.quantile(r, y, 1) <= one.quantile(r, y, 2));
      CHECK(one.quantile(r, y, 2) <= 100.0 * (1 + one.relative_accuracy));
    }
  // Integer counts merged from threads' parts: the same for any thread count.
  const IndexResult three = run_index<FourPlusOne>(s, 600, 3);
  CHECK(three.rank_counts == one.rank_counts);
  CHECK(three.quantiles == one.quantiles);
}

TEST_CASE("the index's counts travel with the run state: shards added up equal the single run", "[analysis][index][shard]") {
  const Scenario s = load_scenario(std::string(INNOSIM_SOURCE_DIR) + "/scenarios/plan-2016-2020.toml");
  const std::size_t draws = 768;  // three tiles
  const IndexResult single = run_index<FourPlusOne>(s, draws, 2);
  const FourPlusOne model(s);
  const Sampler sampler(s, s.run.seed, draws);
  // As innosim merge does: each shard's saved state loaded into one index.
  InnovationIndex merged(s, model.indicators());
  for (unsigned k = 1; k <= 3; ++k) {
    InnovationIndex index(s, model.indicators());
    MemorySink sink(s.targets.size());
    const RunOptions opt = index_options(s, draws, k, index, shard_range(draws, k, 3));
    const RunOutcome r = run_monte_carlo(model, s, sampler, opt, sink);
    REQUIRE_FALSE(r.failed());
    REQUIRE(r.state.draw_accumulators == std::vector<DrawAccumulator*>{&index});
    CHECK(index.result().draws == r.state.valid());
    MemoryState saved;
    r.state.save(saved);
    RunState part(opt.range.first, r.state.moments.series(), s.targets);
    part.draw_accumulators = {&merged};
    part.load(saved);
  }
  const IndexResult m = merged.result();
  CHECK(m.draws == single.draws);
  CHECK(m.rank_counts == single.rank_counts);
  CHECK(m.quantiles == single.quantiles);

  // A state saved without the index's counts is refused, naming them.
  MemoryState bare;
  RunState(0, 1, s.targets).save(bare);
  RunState lacking(0, 1, s.targets);
  lacking.draw_accumulators = {&merged};
  CHECK_THROWS_WITH(lacking.load(bare), Catch::Contains("innovation_index: missing"));
}

TEST_CASE("an index component the model does not compute is refused at the component", "[analysis][index]") {
  Scenario s = exp_with_index();
  s.index->components[0].indicator = "outptu";
  const ExpGrowth model(exp_with_index());
  try {
    InnovationIndex index(s, model.indicators());
    FAIL("no error");
  } catch (const ScenarioError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].key == "index.components[0].indicator");
    CHECK_THAT(e.problems()[0].message, Catch::Contains("did you mean 'output'"));
  }
}
