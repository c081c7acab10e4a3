// Calibration on the analytic model (tests/data/calibrate/growth.toml):
// bit-identical for any thread count; uninformative observations leave the
// prior; synthetic data drawn from the model give 90 % posterior intervals
// that cover the true parameters about 90 % of the time; observations the
// model does not have are refused at file:line:col. On a linear-Gaussian
// probe with many parameters no observation informs: their posterior is
// their prior, the informed ones get their exact conjugate posterior.

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "innosim/calibrate/smc.hpp"
#include "innosim/models/exp_growth.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/scenario/observations.hpp"

using namespace innosim;

namespace {

Scenario growth_scenario() { return load_scenario(std::string(INNOSIM_TEST_DATA) + "/calibrate/growth.toml"); }

Observation obs(std::string indicator, std::string region, int year, double value, double sd) {
  Observation o;
  o.indicator = std::move(indicator);
  o.region = std::move(region);
  o.unit = "count";
  o.year = year;
  o.value = value;
  o.sd = sd;
  o.source = "synthetic";
  o.key = fmt::format("series[0].values[{}]", year);
  return o;
}

// North's output every year and the zone's in 2012 and 2015, from one draw of
// the model at parameters `theta` with its own noise (data seed), plus
// measurement error of `rel_sd` of each value.
ObservationSet synthetic(const Scenario& s, const ExpGrowth& m, const std::vector<double>& theta,
                         std::uint64_t data_seed, double rel_sd) {
  DrawSimulator<ExpGrowth> sim(m, IntegratorSettings{}, s.horizon.start, s.horizon.end);
  std::vector<double> u(sim.uniforms_size()), out(sim.output_size());
  for (std::size_t y = 0; y < sim.years(); ++y)
    fill_uniform01(data_seed, 0, Stream::yearly, static_cast<std::uint32_t>(y), std::span<double>(&u[y], 1));
  REQUIRE(sim.run(theta, u, out) == DrawStatus::ok);
  ObservationSet set;
  set.name = "synthetic";
  set.file = "synthetic.toml";
  const std::size_t per_year = 3;  // north, south, zone
  std::size_t j = 0;
  auto add = [&](const std::string& region, std::size_t r, int year) {
    const double f = out[static_cast<std::size_t>(year - s.horizon.start) * per_year + r];
    const double e = normal_quantile(uniform01(data_seed, 1, Stream::yearly, 0, static_cast<std::uint32_t>(j++)));
    set.observations.push_back(obs("output", region, year, f * (1 + rel_sd * e), rel_sd * f));
  };
  for (int y = 2010; y <= 2015; ++y) add("north", 0, y);
  add("zone", 2, 2012);
  add("zone", 2, 2015);
  return set;
}

std::vector<double> prior_draw(const Scenario& s, std::uint64_t seed) {
  const Sampler sampler(s, seed, 1);
  std::vector<double> theta(sampler.num_parameters());
  sampler.draw(0, 1, theta);
  return theta;
}

// A linear-Gaussian probe: indicator y<k> (k = 1..kInformed) is parameter
// x<k>, constant over the years; parameters x<kInformed+1>... move nothing.
// With x ~ N(0, 1) and y<k> observed once with sd s_k, the exact posterior of
// x<k> is normal with variance 1 / (1 + 1 / s_k^2), so its shrinkage is
// 1 / (1 + s_k^2); every other parameter's shrinkage is 0.
class Probe {
 public:
  static constexpr std::size_t kInformed = 4;
  using State = std::array<double, 1>;
  struct Workspace {
    std::array<double, kInformed> y{};
  };

  explicit Probe(const Scenario& s) : regions_(s.regions.size()), aggregates_(s.aggregate_ids().size()) {
    num_parameters_ = s.parameters.size();
    for (std::size_t k = 0; k < kInformed; ++k) {
      indicators_.push_back({fmt::format("y{}", k + 1), "1", false});
      p_[k] = *s.parameter_index(fmt::format("x{}", k + 1));
    }
  }
  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  std::size_t num_regions() const { return regions_; }
  std::size_t num_aggregates() const { return aggregates_; }
  std::size_t num_parameters() const { return num_parameters_; }
  std::size_t randoms_per_year() const { return 1; }
  void init(Workspace& ws, std::span<const double> theta, State& x) const {
    for (std::size_t k = 0; k < kInformed; ++k) ws.y[k] = theta[p_[k]];
    x[0] = 0;
  }
  void year_start(Workspace&, int, State&, std::span<const double>) const {}
  void rhs(const Workspace&, const State&, State& dxdt, double) const { dxdt[0] = 0; }
  void observe(const Workspace& ws, int, const State&, std::span<double> out) const {
    const std::size_t per = regions_ + aggregates_;
    for (std::size_t k = 0; k < kInformed; ++k)
      for (std::size_t r = 0; r < per; ++r) out[k * per + r] = ws.y[k];
  }

 private:
  std::vector<IndicatorInfo> indicators_;
  std::size_t regions_ = 0, aggregates_ = 0, num_parameters_ = 0;
  std::array<std::size_t, kInformed> p_{};
};
static_assert(Model<Probe>);

Scenario probe_scenario(std::size_t parameters) {
  std::string text = R"([scenario]
name = "probe"
model = "probe"

[horizon]
start = 2010
end = 2012

[run]
draws = 100
seed = 1
sampler = "monte_carlo"

[[regions]]
id = "north"
name_en = "North"
)";
  for (std::size_t k = 1; k <= Probe::kInformed; ++k)
    text += fmt::format("\n[indicators.y{}]\nname_en = \"y{}\"\nunit = \"1\"\n", k, k);
  for (std::size_t i = 1; i <= parameters; ++i)
    text += fmt::format("\n[parameters.x{}]\nunit = \"1\"\nsource = \"test\"\ndist = \"normal\"\nmean = 0\nsd = 1\n", i);
  return load_scenario_text(text, "probe.toml");
}

CalibrationOptions options(std::size_t particles, std::uint64_t seed, unsigned threads) {
  CalibrationOptions o;
  o.particles = particles;
  o.seed = seed;
  o.threads = threads;
  return o;
}

}  // namespace

TEST_CASE("calibration: the posterior is bit-identical for 1 and 3 threads", "[calibrate][determinism]") {
  const Scenario s = growth_scenario();
  const ExpGrowth m(s);
  const Sampler prior(s, 1, 1);
  const ObservationSet data = synthetic(s, m, prior_draw(s, 99), 99, 0.02);
  const CalibrationResult a = calibrate(m, s, prior, data, options(256, 5, 1));
  const CalibrationResult b = calibrate(m, s, prior, data, options(256, 5, 3));
  REQUIRE(a.reached);
  REQUIRE(a.generations.size() > 2);
  CHECK(a.theta == b.theta);
  CHECK(a.prior_theta == b.prior_theta);
  CHECK(a.weighted_theta == b.weighted_theta);
  CHECK(a.weights == b.weights);
  CHECK(a.loglik == b.loglik);
  CHECK(a.ancestor == b.ancestor);
  CHECK(a.post_replicate_q == b.post_replicate_q);
  CHECK(a.fan_post_q == b.fan_post_q);
  CHECK(a.log_evidence == b.log_evidence);
  REQUIRE(a.generations.size() == b.generations.size());
  for (std::size_t t = 0; t < a.generations.size(); ++t) {
    CHECK(a.generations[t].phi == b.generations[t].phi);
    CHECK(a.generations[t].acceptance_theta == b.generations[t].acceptance_theta);
  }
  // A different seed gives a different posterior sample.
  const CalibrationResult c = calibrate(m, s, prior, data, options(256, 6, 3));
  CHECK(c.theta != a.theta);
}

TEST_CASE("calibration: with huge observation uncertainty the posterior is the prior", "[calibrate]") {
  const Scenario s = growth_scenario();
  const ExpGrowth m(s);
  const Sampler prior(s, 1, 1);
  ObservationSet data = synthetic(s, m, prior_draw(s, 42), 42, 0.02);
  for (Observation& o : data.observations) o.sd *= 1e6;
  const CalibrationResult r = calibrate(m, s, prior, data, options(2000, 8, 0));
  REQUIRE(r.reached);
  CHECK(r.generations.size() == 2);  // one step from phi = 0 to 1
  CHECK(r.generations[1].ess > 1999);
  for (const ParameterShift& p : r.shifts) {
    INFO("parameter " << s.parameters[p.parameter].id);
    // The posterior sample is a resampled-and-moved prior sample: its mean
    // within 4 standard errors, its spread within 10 % of the prior's.
    const double se = p.prior_sd / std::sqrt(2000.0);
    double post_mean = 0, prior_mean = 0;
    const std::size_t k = static_cast<std::size_t>(&p - r.shifts.data()), P = r.parameters.size();
    for (std::size_t i = 0; i < r.particles; ++i) {
      post_mean += r.theta[i * P + k] / 2000.0;
      prior_mean += r.prior_theta[i * P + k] / 2000.0;
    }
    CHECK(std::abs(post_mean - prior_mean) < 4 * se * std::sqrt(2.0));
    CHECK(p.post_sd / p.prior_sd == Approx(1).margin(0.1));
    CHECK(std::abs(p.shrinkage) < 0.2);
  }
}

TEST_CASE("calibration: 90 % posterior intervals cover the true parameters in about 90 % of synthetic experiments",
          "[calibrate][coverage]") {
  const Scenario s = growth_scenario();
  const ExpGrowth m(s);
  const Sampler prior(s, 1, 1);
  constexpr std::size_t kExperiments = 50;
  std::size_t covered = 0, intervals = 0;
  std::vector<std::size_t> covered_by(3, 0);
  for (std::size_t e = 0; e < kExperiments; ++e) {
    // True parameters from the prior (so that Bayesian intervals have their
    // nominal coverage on average over experiments), data from the model.
    const std::vector<double> truth = prior_draw(s, 1000 + e);
    const ObservationSet data = synthetic(s, m, truth, 5000 + e, 0.02);
    const CalibrationResult r = calibrate(m, s, prior, data, options(300, 77 + e, 0));
    REQUIRE(r.reached);
    for (std::size_t k = 0; k < r.shifts.size(); ++k) {
      const ParameterShift& p = r.shifts[k];
      const double x = truth[p.parameter];
      const bool in = p.post_q05 <= x && x <= p.post_q95;
      covered += in ? 1 : 0;
      covered_by[k] += in ? 1 : 0;
      ++intervals;
    }
  }
  const double coverage = static_cast<double>(covered) / static_cast<double>(intervals);
  // 150 intervals: the binomial standard error at 90 % is 2.45 points; allow 3 of them.
  INFO("coverage " << coverage << " (growth " << covered_by[0] << ", shock_sd " << covered_by[1] << ", initial "
                   << covered_by[2] << " of " << kExperiments << ")");
  CHECK(coverage > 0.9 - 3 * 0.0245);
  CHECK(coverage < 0.9 + 3 * 0.0245);
}

TEST_CASE("calibration: data that pin a parameter down shrink it", "[calibrate]") {
  const Scenario s = growth_scenario();
  const ExpGrowth m(s);
  const Sampler prior(s, 1, 1);
  const std::vector<double> truth = prior_draw(s, 31);
  const CalibrationResult r = calibrate(m, s, prior, synthetic(s, m, truth, 31, 0.005), options(500, 3, 0));
  REQUIRE(r.reached);
  // north's start value is observed directly (2010) to 0.5 %: its posterior is narrow.
  const auto initial = std::find_if(r.shifts.begin(), r.shifts.end(), [&](const ParameterShift& p) {
    return s.parameters[p.parameter].id == "initial[north]";
  });
  REQUIRE(initial != r.shifts.end());
  CHECK(initial->shrinkage > 0.95);
  CHECK(initial->post_median == Approx(truth[initial->parameter]).epsilon(0.02));
  CHECK(r.log_evidence < 0);
  for (const ObservationPredictive& f : r.fits) CHECK(f.post_q05 < f.post_q95);
}

TEST_CASE("calibration: observations the model or the horizon lacks are refused at file:line:col", "[calibrate]") {
  const Scenario s = growth_scenario();
  const ExpGrowth m(s);
  const Sampler prior(s, 1, 1);
  const ObservationSet set = load_observations_text(R"([observations]
name = "bad"

[[series]]
indicator = "outptu"
region = "north"
unit = "count"
years = [2012]
values = [100]
uncertainty = 1
source = "s"

[[series]]
indicator = "output"
region = "north"
unit = "count"
years = [2009, 2016]
values = [100, 120]
uncertainty = 1
source = "s"
)",
                                                    "bad.toml");
  try {
    (void)calibrate(m, s, prior, set, options(64, 1, 1));
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    REQUIRE(e.problems().size() == 3);
    CHECK(e.problems()[0].to_string() ==
          "bad.toml:5:13: series[0].indicator: unknown indicator 'outptu' — did you mean 'output'? (the model "
          "reports: output)");
    CHECK(e.problems()[1].to_string() == "bad.toml:17:10: series[1].years[0]: year 2009 is outside the horizon 2010-2015");
    CHECK(e.problems()[2].where.column == 16);
  }
}

TEST_CASE("calibration: parameters no observation informs keep their prior among many, the informed ones narrow "
          "exactly",
          "[calibrate]") {
  // 4 informed parameters and 56 that move nothing, in one calibration: the
  // high-dimensional case of the shipped hindcast (47 of its 196 parameters
  // move no observed value), where a random walk leaves every parameter
  // narrowed.
  const Scenario s = probe_scenario(60);
  const Probe m(s);
  const Sampler prior(s, 1, 1);
  const std::array<double, Probe::kInformed> sd = {0.2, 0.5, 1.0, 0.35}, value = {1.0, -0.5, 0.3, 2.0};
  ObservationSet data;
  data.name = "probe";
  data.file = "probe-observed.toml";
  for (std::size_t k = 0; k < Probe::kInformed; ++k) {
    Observation o = obs(fmt::format("y{}", k + 1), "north", 2011, value[k], sd[k]);
    o.unit = "1";
    data.observations.push_back(o);
  }
  constexpr std::size_t kParticles = 2000;
  const CalibrationResult r = calibrate(m, s, prior, data, options(kParticles, 11, 0));
  REQUIRE(r.reached);
  REQUIRE(r.generations.size() > 3);  // several tempering steps, each resampling
  double mean_free = 0, max_free = 0;
  for (const ParameterShift& p : r.shifts) {
    const std::string& id = s.parameters[p.parameter].id;
    const std::size_t k = std::stoul(id.substr(1)) - 1;
    INFO(id << ": shrinkage " << p.shrinkage << ", posterior median " << p.post_median);
    if (k < Probe::kInformed) {
      // Exact: shrinkage 1 / (1 + s^2), mean y / (1 + s^2). The sample
      // variance of 2000 correlated particles: allow 0.06.
      const double exact = 1.0 / (1.0 + sd[k] * sd[k]);
      CHECK(p.shrinkage == Approx(exact).margin(0.06));
      CHECK(p.post_median == Approx(value[k] * exact).margin(4 * std::sqrt((1 - exact) / 2000.0) + 0.03));
    } else {
      mean_free += p.shrinkage / static_cast<double>(r.shifts.size() - Probe::kInformed);
      max_free = std::max(max_free, std::abs(p.shrinkage));
    }
  }
  // The free parameters' posterior is their prior. The sample variance of
  // 2000 independent draws has a relative standard error of 3 %; the moves
  // start from resampled particles and propose from a Gaussian fitted to
  // them, which adds a little: allow 0.25 for the largest of 56, 0.03 for
  // their mean. (A random-walk move of the whole vector left them narrowed
  // by 0.075 on average, 0.18 at most.)
  INFO("free parameters: mean shrinkage " << mean_free << ", largest |shrinkage| " << max_free);
  CHECK(std::abs(mean_free) < 0.03);
  CHECK(max_free < 0.25);
}
