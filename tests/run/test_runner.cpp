#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "exp_scenario.hpp"
#include "innosim/models/exp_growth.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/runner.hpp"

using namespace innosim;
using innosim::test::exp_scenario;

namespace {

struct Result {
  RunOutcome outcome;
  std::vector<std::vector<double>> targets;
};

Result run(const Scenario& s, std::size_t draws, unsigned threads, std::size_t block_tiles,
           std::uint64_t seed = 7) {
  ExpGrowth model(s);
  Sampler sampler(s, seed, draws);
  MemorySink sink(s.targets.size());
  RunOptions opt;
  opt.draws = draws;
  opt.seed = seed;
  opt.threads = threads;
  opt.block_tiles = block_tiles;
  Result r{run_monte_carlo(model, s, sampler, opt, sink), {}};
  for (std::size_t t = 0; t < s.targets.size(); ++t) r.targets.push_back(sink.target_values(t));
  return r;
}

bool bit_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("results are bit-identical for any thread count and block size", "[run][determinism]") {
  const Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  const std::size_t draws = 2000;  // not a multiple of the tile size
  const Result ref = run(s, draws, 1, 1);
  REQUIRE_FALSE(ref.outcome.failed());
  REQUIRE(ref.outcome.info.draws_valid == draws);
  const auto threads = GENERATE(1u, 2u, 7u);
  const auto tiles = GENERATE(std::size_t{1}, std::size_t{3});
  CAPTURE(threads, tiles);
  const Result r = run(s, draws, threads, tiles);
  CHECK(bit_equal(r.outcome.summary.mean, ref.outcome.summary.mean));
  CHECK(bit_equal(r.outcome.summary.sd, ref.outcome.summary.sd));
  CHECK(bit_equal(r.outcome.summary.quantiles, ref.outcome.summary.quantiles));
  for (std::size_t t = 0; t < ref.targets.size(); ++t) CHECK(bit_equal(r.targets[t], ref.targets[t]));
  CHECK(r.outcome.table.rows[0].p_met == ref.outcome.table.rows[0].p_met);
  CHECK(r.outcome.table.joint.met_count_hist == ref.outcome.table.joint.met_count_hist);
}

TEST_CASE("a different seed gives different draws", "[run][determinism]") {
  const Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  const Result a = run(s, 600, 2, 1, 1), b = run(s, 600, 2, 1, 2);
  CHECK_FALSE(bit_equal(a.targets[0], b.targets[0]));
}

TEST_CASE("P(met) of exponential growth with a lognormal rate matches the closed form",
          "[run][analytic]") {
  // zone(2020) = 150 exp(5 g), g ~ lognormal(median 0.05, sigma 0.3):
  // P(zone >= v) = 1 - Phi((ln(ln(v/150)/5) - ln 0.05) / 0.3).
  const double target = GENERATE(170.0, 190.0, 215.0);
  const Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.0, target);
  const std::size_t n = 8192;
  const Result r = run(s, n, 2, 0);
  const double g_star = std::log(target / 150.0) / 5.0;
  const double p = 1.0 - normal_cdf((std::log(g_star) - std::log(0.05)) / 0.3);
  const TargetRow& row = r.outcome.table.rows[0];
  CAPTURE(target, p, row.p_met, row.p_met_se);
  CHECK(std::abs(row.p_met - p) < 4.0 * std::sqrt(p * (1 - p) / n) + 1e-3);
  // The regional target is the same event scaled: same P(met).
  CHECK(r.outcome.table.rows[1].p_met == Approx(row.p_met).margin(1.0 / n));
  // Median of zone output = 150 exp(5 * 0.05).
  CHECK(row.median == Approx(150.0 * std::exp(0.25)).epsilon(2e-3));
}

TEST_CASE("P(met) with yearly normal shocks matches the closed form", "[run][analytic]") {
  // g fixed 0.04, yearly shock sd 0.03: ln zone(2020) ~ N(ln 150 + 0.2, 5 * 0.03^2).
  const double target = 185.0;
  const Scenario s = exp_scenario(test::fixed(0.04), 0.03, target);
  const std::size_t n = 20000;
  const Result r = run(s, n, 2, 0);
  const double z = (std::log(target) - (std::log(150.0) + 0.2)) / (0.03 * std::sqrt(5.0));
  const double p = 1.0 - normal_cdf(z);
  const TargetRow& row = r.outcome.table.rows[0];
  CAPTURE(p, row.p_met);
  CHECK(std::abs(row.p_met - p) < 4.0 * std::sqrt(p * (1 - p) / n));
  CHECK(row.p_met_se == Approx(std::sqrt(row.p_met * (1 - row.p_met) / n)));
}

TEST_CASE("summary mean and quantiles agree with the per-draw values", "[run][aggregate]") {
  const Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  const std::size_t n = 3000;
  const Result r = run(s, n, 2, 2);
  std::vector<double> v = r.targets[0];  // zone output in 2020
  double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(n);
  const ResultShape& sh = r.outcome.shape;
  const std::size_t k = sh.index(0, 2, 5);  // output, zone, 2020
  CHECK(r.outcome.summary.mean[k] == Approx(mean).epsilon(1e-12));
  std::sort(v.begin(), v.end());
  const auto& lv = r.outcome.summary.quantile_levels;
  for (std::size_t l = 0; l < lv.size(); ++l) {
    const auto rank = static_cast<std::size_t>(std::floor(lv[l] * static_cast<double>(n - 1)));
    CAPTURE(lv[l]);
    CHECK(r.outcome.summary.quantiles[k * lv.size() + l] == Approx(v[rank]).epsilon(kSketchAccuracy * 1.0001));
  }
  CHECK(r.outcome.summary.min[k] == v.front());
  CHECK(r.outcome.summary.max[k] == v.back());
}

TEST_CASE("the initial year reproduces the initial state exactly", "[run]") {
  const Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  const Result r = run(s, 500, 1, 1);
  const ResultShape& sh = r.outcome.shape;
  CHECK(r.outcome.summary.mean[sh.index(0, 0, 0)] == 100.0);
  CHECK(r.outcome.summary.sd[sh.index(0, 2, 0)] == 0.0);
  CHECK(r.outcome.summary.mean[sh.index(0, 2, 0)] == 150.0);
}

TEST_CASE("an invalid draw is reported by its index, or dropped and counted", "[run][invalid]") {
  // A normal growth rate with a huge spread: some draws overflow to inf.
  Scenario s = exp_scenario(Distribution{Distribution::Kind::normal, {0.0, 60.0, 0, 0}}, 0.0, 190.0);
  s.run.invalid_draws = InvalidDraws::fail;
  ExpGrowth model(s);
  Sampler sampler(s, 3, 1000);
  MemorySink sink(s.targets.size());
  RunOptions opt;
  opt.draws = 1000;
  opt.seed = 3;
  opt.threads = 2;
  const RunOutcome failed = run_monte_carlo(model, s, sampler, opt, sink);
  REQUIRE(failed.failed());
  // The reported draw really is bad when replayed alone.
  std::vector<double> theta(sampler.num_parameters());
  sampler.draw(failed.failures.front().draw, 1, theta);
  CHECK(std::abs(theta[0]) * 5 > 700);

  opt.invalid = InvalidDraws::drop;
  MemorySink sink2(s.targets.size());
  const RunOutcome dropped = run_monte_carlo(model, s, sampler, opt, sink2);
  REQUIRE_FALSE(dropped.failed());
  CHECK(dropped.info.draws_dropped > 0);
  CHECK(dropped.info.draws_dropped + dropped.info.draws_valid == 1000);
  CHECK(dropped.table.rows[0].draws == dropped.info.draws_valid);
  CHECK(std::isnan(sink2.target_values(0)[dropped.info.dropped_draws.front()]));
}

namespace {

// A design over the exp_growth parameters: every draw has the growth rate
// 0.05, and draws come in pairs sharing one draw's yearly random inputs.
class PairedSource : public ParameterSource {
 public:
  explicit PairedSource(const Scenario& s) : n_(s.parameters.size()), base_(n_) {
    for (std::size_t j = 0; j < n_; ++j) base_[j] = s.parameters[j].dist.p[0];
    base_[*s.parameter_index("growth")] = 0.05;
  }
  std::size_t num_parameters() const override { return n_; }
  void draw(std::uint64_t, std::size_t count, std::span<double> theta) const override {
    for (std::size_t i = 0; i < count; ++i) std::copy(base_.begin(), base_.end(), theta.begin() + i * n_);
  }
  std::uint64_t noise_draw(std::uint64_t draw) const override { return draw / 2; }

 private:
  std::size_t n_;
  std::vector<double> base_;
};

// Counts, per draw parity, the valid draws whose zone output at the end is
// above 150 (integer counts: an order-free merge).
class CountAbove : public DrawAccumulator {
 public:
  struct Counts : Part {
    std::uint64_t above[2] = {0, 0}, seen[2] = {0, 0};
    void add(std::uint64_t draw, std::span<const double> out) override {
      const std::size_t parity = draw % 2;
      ++seen[parity];
      if (out[out.size() - 1] > 150.0) ++above[parity];  // the last row's last entry: zone, 2020
    }
  };
  std::unique_ptr<Part> make_part() const override { return std::make_unique<Counts>(); }
  void merge(const Part& part) override {
    const auto& c = dynamic_cast<const Counts&>(part);
    for (int k = 0; k < 2; ++k) {
      total.above[k] += c.above[k];
      total.seen[k] += c.seen[k];
    }
  }
  Counts total;
};

}  // namespace

TEST_CASE("a parameter source gives the draws' parameters and can let draws share their noise", "[run][source]") {
  Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.05, 190.0);
  ExpGrowth model(s);
  const PairedSource source(s);
  const auto threads = GENERATE(1u, 3u);
  MemorySink sink(s.targets.size());
  RunOptions opt;
  opt.draws = 1000;
  opt.seed = 5;
  opt.threads = threads;
  opt.block_tiles = 1;
  const RunOutcome r = run_monte_carlo(model, s, source, opt, sink);
  REQUIRE_FALSE(r.failed());
  const std::vector<double> v = sink.target_values(0);
  // The same parameters and the same noise: draws 2j and 2j+1 agree bit for
  // bit, and pairs differ from each other (the shocks differ).
  for (std::size_t j = 0; j < 500; ++j) REQUIRE(v[2 * j] == v[2 * j + 1]);
  CHECK(v[0] != v[2]);
  // Draw 2j has draw j's shocks: zone = 150 exp(5 * 0.05 + 0.05 * sum of z).
  double sum_z = 0;
  for (std::uint32_t y = 0; y < 5; ++y) sum_z += normal_quantile(uniform01(5, 3, Stream::yearly, y, 0));
  CHECK(v[6] == Approx(150.0 * std::exp(0.25 + 0.05 * sum_z)).epsilon(1e-5));
}

TEST_CASE("a draw accumulator sees every valid draw once, the same for any thread count", "[run][accumulator]") {
  const Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  auto count = [&](unsigned threads) {
    ExpGrowth model(s);
    Sampler sampler(s, 9, 3000);
    MemorySink sink(s.targets.size());
    CountAbove acc;
    RunOptions opt;
    opt.draws = 3000;
    opt.seed = 9;
    opt.threads = threads;
    opt.block_tiles = 1;
    opt.accumulators = {&acc};
    const RunOutcome r = run_monte_carlo(model, s, sampler, opt, sink);
    REQUIRE_FALSE(r.failed());
    std::uint64_t above = 0;
    for (double x : sink.target_values(0)) above += x > 150.0;
    CHECK(acc.total.above[0] + acc.total.above[1] == above);
    return acc.total;
  };
  const CountAbove::Counts one = count(1), many = count(4);
  CHECK(one.seen[0] == 1500);
  CHECK(one.seen[1] == 1500);
  CHECK(many.seen[0] == one.seen[0]);
  CHECK(many.above[0] == one.above[0]);
  CHECK(many.above[1] == one.above[1]);
}

TEST_CASE("aggregates: the zone sums its regions, the territory every region", "[run][aggregates]") {
  // A third region outside the zone, and the territory; targets on each aggregate.
  Scenario s = exp_scenario(test::lognormal(0.05, 0.3), 0.02, 190.0);
  s.regions.push_back({"west", "West", "西", false});
  s.territory = Territory{"all", "All", "全", {}};
  s.parameters.insert(s.parameters.begin() + 3, test::param("initial[west]", test::fixed(25.0)));
  Target t = s.targets[0];
  t.region = "all";
  t.value = 190.0 * 175.0 / 150.0;
  s.targets.push_back(t);
  ExpGrowth model(s);
  REQUIRE(model.num_aggregates() == 2);
  const Result r = run(s, 600, 2, 1);
  REQUIRE_FALSE(r.outcome.failed());
  const ResultShape& shape = r.outcome.shape;
  CHECK(shape.regions == std::vector<std::string>{"north", "south", "west", "zone", "all"});
  for (std::size_t y = 0; y < shape.num_years(); ++y) {
    const auto mean = [&](std::size_t reg) { return r.outcome.summary.mean[shape.index(0, reg, y)]; };
    CHECK(mean(3) == Approx(mean(0) + mean(1)).epsilon(1e-12));
    CHECK(mean(4) == Approx(mean(0) + mean(1) + mean(2)).epsilon(1e-12));
  }
  // Per draw: the territory target is the zone target times 175/150 (one common growth path).
  for (std::size_t d = 0; d < r.targets[0].size(); ++d)
    CHECK(r.targets[2][d] == Approx(r.targets[0][d] * 175.0 / 150.0).epsilon(1e-12));
  CHECK(r.outcome.table.rows[2].p_met == r.outcome.table.rows[0].p_met);
}
