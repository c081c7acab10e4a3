// Tests of the 4+1 model (models/src/four_plus_one.cpp, docs/model.md):
// closed forms of its blocks with the noise off, integrator convergence,
// conservation, monotonicity, the 2015 baseline, and the shipped scenarios.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/numeric/odeint.hpp>
#include <catch2/catch.hpp>

#include "innosim/models/four_plus_one.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/scenario/scenario.hpp"

using namespace innosim;
using M = FourPlusOne;

namespace {

const std::string kScenarios = std::string(INNOSIM_SOURCE_DIR) + "/scenarios";

// The shipped scenarios' region axis: the five 4+1 bodies, Guyuan (outside the
// zone), then the zone and Ningxia as a whole.
constexpr std::size_t kBodies = 5, kRegions = 6, kZone = 6, kTerritory = 7;

// A scenario extending a shipped one, with `extra` TOML on top.
Scenario derived(const std::string& parent, const std::string& extra) {
  const std::string text = "[scenario]\nextends = \"" + parent + "\"\nname = \"test\"\n" + extra;
  return load_scenario_text(text, "test.toml", kScenarios);
}

// Noise off: no shocks, expected flows instead of integer events, no slippage.
const std::string kNoNoise = R"(
[model_options]
shocks = false
integer_events = false
[parameters.execution_rate_mean]
dist = "fixed"
value = 1.0
)";

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // a TOML float
  return s;
}

std::string fixed(const std::string& id, double v) {
  return "[parameters." + id + "]\ndist = \"fixed\"\nvalue = " + num(v) + "\n";
}

std::string fixed_by_region(const std::string& id, double v) {
  std::string t = "[parameters." + id + "]\n";
  for (const char* r : {"yinchuan", "shizuishan", "wuzhong", "zhongwei", "ningdong", "guyuan"})
    t += std::string("by_region.") + r + " = { dist = \"fixed\", value = " + num(v) + " }\n";
  return t;
}

std::vector<double> median_theta(const Scenario& s) {
  std::vector<double> th;
  for (const auto& p : s.parameters) th.push_back(p.dist.quantile(0.5));
  return th;
}

std::vector<double> uniforms(const M& m, int years, std::uint64_t draw) {
  std::vector<double> u(static_cast<std::size_t>(years) * m.randoms_per_year());
  for (std::size_t i = 0; i < u.size(); ++i)
    u[i] = uniform01(7, draw, Stream::yearly, std::uint32_t(i / m.randoms_per_year()),
                     std::uint32_t(i % m.randoms_per_year()));
  return u;
}

// One draw with the state exposed: states[k] and outputs[k] at year start+k.
struct Trajectory {
  std::vector<M::State> states;
  std::vector<std::vector<double>> out;
  M::Workspace ws;
};

Trajectory drive(const M& m, const Scenario& s, const std::vector<double>& theta,
                 const std::vector<double>& u, double rtol = 1e-10, double atol = 1e-12) {
  namespace ode = boost::numeric::odeint;
  Trajectory tr;
  M::State x{};
  const std::size_t per_year = m.indicators().size() * m.outputs_per_indicator();
  std::vector<double> out(per_year);
  m.init(tr.ws, theta, x);
  m.observe(tr.ws, s.horizon.start, x, out);
  tr.states.push_back(x);
  tr.out.push_back(out);
  const std::size_t k = m.randoms_per_year();
  for (int y = s.horizon.start; y < s.horizon.end; ++y) {
    const std::size_t iy = std::size_t(y - s.horizon.start);
    m.year_start(tr.ws, y, x, std::span<const double>(u).subspan(iy * k, k));
    auto stepper = ode::make_controlled<ode::runge_kutta_dopri5<M::State>>(atol, rtol);
    auto sys = [&](const M::State& xs, M::State& dx, double t) { m.rhs(tr.ws, xs, dx, t); };
    ode::integrate_adaptive(stepper, sys, x, double(y), double(y + 1), 0.05);
    m.observe(tr.ws, y + 1, x, out);
    tr.states.push_back(x);
    tr.out.push_back(out);
  }
  return tr;
}

double ind(const M& m, const std::vector<double>& out, M::Indicator i, std::size_t r) {
  return out[i * m.outputs_per_indicator() + r];
}

// Every shipped scenario that runs (targets.toml is a fragment they extend).
const char* const kShipped[] = {"baseline.toml",
                                "plan-2016-2020.toml",
                                "plan-2016-2020-calibrated.toml",
                                "whatif-double-fiscal-rd.toml",
                                "whatif-all-to-enterprise-subsidies.toml",
                                "whatif-incubators-and-maker-spaces.toml",
                                "whatif-different-split.toml"};

// Runs `n` sampled draws of a scenario (seed 31, the same parameter draws and uniforms for
// every scenario of the same parameter list) and returns each draw's value of indicator i for
// region index r in `year`.
std::vector<double> sampled(const Scenario& s, M::Indicator i, std::size_t r, int year, std::size_t n,
                            const Scenario* params_from = nullptr) {
  const M m(s);
  const Scenario& ps = params_from ? *params_from : s;
  Sampler sampler(ps, 31, n);
  std::vector<double> theta(n * m.num_parameters());
  sampler.draw(0, n, theta);
  DrawSimulator<M> sim(m, IntegratorSettings{}, s.horizon.start, s.horizon.end);
  std::vector<double> out(sim.output_size()), v;
  const std::size_t at = std::size_t(year - s.horizon.start) * sim.outputs_per_year() +
                         i * m.outputs_per_indicator() + r;
  for (std::size_t d = 0; d < n; ++d) {
    const auto u = uniforms(m, s.horizon.end - s.horizon.start, d);
    REQUIRE(sim.run(std::span<const double>(theta).subspan(d * m.num_parameters(), m.num_parameters()), u,
                    out) == DrawStatus::ok);
    v.push_back(out[at]);
  }
  return v;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

}  // namespace

TEST_CASE("shipped scenarios load and construct the model", "[models][four_plus_one]") {
  for (const char* f : kShipped) {
    INFO(f);
    const Scenario s = load_scenario(kScenarios + "/" + f);
    CHECK(s.model == "four_plus_one");
    const M m(s);
    CHECK(m.num_regions() == kRegions);
    CHECK(m.num_aggregates() == 2);
    CHECK(m.indicators().size() == M::kNumIndicators);
    CHECK(s.targets.size() == 19);
    // Every parameter carries a unit and a source.
    for (const auto& p : s.parameters) {
      INFO(p.id);
      CHECK_FALSE(p.unit.empty());
      CHECK_FALSE(p.source.empty());
    }
  }
  // The hindcast: the same model and regions from the end of 2010 to 2015,
  // without the plan's targets (they are for 2020).
  const Scenario h = load_scenario(kScenarios + "/hindcast-2010-2015.toml");
  CHECK(h.horizon.start == 2010);
  CHECK(h.horizon.end == 2015);
  CHECK(h.targets.empty());
  CHECK(M(h).num_regions() == kRegions);
  // Every shipped scenario is listed above or is the hindcast (targets.toml is
  // a fragment they extend; observed-*.toml files are observation data).
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(kScenarios))
    if (e.path().extension() == ".toml" && e.path().stem().string().rfind("observed-", 0) != 0) ++n;
  CHECK(n == 9);
}

TEST_CASE("the plan's targets: 11 headline, R&D intensity binding", "[models][four_plus_one]") {
  const Scenario s = load_scenario(kScenarios + "/plan-2016-2020.toml");
  std::size_t binding = 0;
  for (const auto& t : s.targets) {
    CHECK(t.region == "zone");
    CHECK(t.year == 2020);
    if (t.binding) {
      ++binding;
      CHECK(t.indicator == "rd_intensity");
      CHECK(t.value == 2.5);
    }
  }
  CHECK(binding == 1);
  CHECK(s.indicators.size() == M::kNumIndicators);
}

TEST_CASE("baseline reproduces the plan's 2015 values at t = 2015", "[models][four_plus_one]") {
  const Scenario s = load_scenario(kScenarios + "/baseline.toml");
  const M m(s);
  Sampler sampler(s, 11, 64);
  std::vector<double> theta(64 * m.num_parameters());
  sampler.draw(0, 64, theta);
  M::Workspace ws;
  M::State x{};
  const std::size_t W = m.outputs_per_indicator(), Z = kZone;
  std::vector<double> out(M::kNumIndicators * W);
  const std::size_t np = m.num_parameters();
  auto par = [&](std::size_t d, const char* id) { return theta[d * np + *s.parameter_index(id)]; };
  for (std::size_t d = 0; d < 64; ++d) {
    m.init(ws, std::span<const double>(theta).subspan(d * np, np), x);
    m.observe(ws, 2015, x, out);
    CHECK(ind(m, out, M::kRdIntensity, Z) == Approx(0.92).epsilon(1e-13));
    CHECK(ind(m, out, M::kPlatforms, Z) == 135);
    CHECK(ind(m, out, M::kIntermediariesInd, Z) == Approx(130).epsilon(1e-13));
    CHECK(ind(m, out, M::kIncubators, Z) == 9);
    CHECK(ind(m, out, M::kTeams, Z) == 34);
    CHECK(ind(m, out, M::kHighTechEnterprises, Z) == Approx(46).epsilon(1e-13));
    CHECK(ind(m, out, M::kTechSmes, Z) == Approx(169).epsilon(1e-13));
    CHECK(ind(m, out, M::kLittleGiants, Z) == 0);
    // The start-year statistics are reported as drawn (annual totals, not year-end rates).
    CHECK(ind(m, out, M::kGdpInd, Z) == Approx(par(d, "gdp_start")).epsilon(1e-13));
    CHECK(ind(m, out, M::kRdExpenditure, Z) == Approx(0.0092 * par(d, "gdp_start")).epsilon(1e-12));
    CHECK(ind(m, out, M::kPopulation, Z) == Approx(par(d, "population_start")).epsilon(1e-13));
    CHECK(ind(m, out, M::kFiscalStSpending, Z) == Approx(par(d, "fiscal_st_start")).epsilon(1e-13));
    CHECK(ind(m, out, M::kInventionApplications, Z) ==
          Approx(par(d, "invention_applications_start")).epsilon(1e-13));
    CHECK(ind(m, out, M::kPatentsPer10k, Z) == Approx(par(d, "patents_per_10k_start")).epsilon(1e-13));
    CHECK(ind(m, out, M::kHighTechVaShare, Z) == Approx(par(d, "high_tech_va_share_start")).epsilon(1e-13));
    // Business R&D by performer: enterprise funds plus the share of public funds firms perform.
    const double wb = par(d, "rd_business_weight"), wg = par(d, "rd_government_weight"),
                 wo = par(d, "rd_other_weight");
    CHECK(ind(m, out, M::kBusinessRd, Z) ==
          Approx(ind(m, out, M::kRdExpenditure, Z) * (wb + par(d, "public_funds_business_share") * (wg + wo)) /
                 (wb + wg + wo))
              .epsilon(1e-12));
    double types = 0;
    for (std::size_t k = 0; k < M::kPlatformTypes; ++k) types += ind(m, out, M::Indicator(M::kKeyLabs + k), Z);
    CHECK(types == 135);
    for (std::size_t i = 0; i < M::kNumIndicators; ++i)
      for (std::size_t r = 0; r < W; ++r) CHECK(std::isfinite(out[i * W + r]));
  }
}

TEST_CASE("the start year's invention grants follow from the steady pre-start pipeline", "[models][four_plus_one]") {
  // Independent of the closed form in init: before the start applications grew steadily at g_A,
  // so the examination chain one year earlier held e^{-g_A} times its end-of-start-year
  // contents. Integrate the chain over the start year with A(t) = A_r e^{g_A (t - start)} and
  // the drawn grant rate, and count the grants; the year's applications are the statistic.
  namespace ode = boost::numeric::odeint;
  for (const char* f : {"baseline.toml", "plan-2016-2020.toml"}) {
    INFO(f);
    const Scenario s = load_scenario(kScenarios + "/" + f);
    const M m(s);
    const std::size_t n = 128, np = m.num_parameters(), stages = m.exam_stages();
    Sampler sampler(s, 13, n);
    std::vector<double> theta(n * np);
    sampler.draw(0, n, theta);
    const std::size_t i_a0 = *s.parameter_index("invention_applications_start");
    const std::size_t i_ga = *s.parameter_index("application_trend_growth");
    const std::size_t i_gr = *s.parameter_index("patent_grant_rate");
    M::Workspace ws;
    M::State x{};
    for (std::size_t d = 0; d < n; ++d) {
      INFO("draw " << d);
      const std::span<const double> th(theta.data() + d * np, np);
      m.init(ws, th, x);
      const double ga = th[i_ga], k = ws.stage_rate;
      double zone_apps = 0;
      for (std::size_t r = 0; r < kRegions; ++r) {
        // Steady growth: dQ_0/dt = A - k Q_0 = g_A Q_0 at the end of the start year.
        const double a_end = (ga + k) * x[M::at(M::kExamStage0, r)];
        std::vector<double> q(stages + 2, 0.0);  // stages, then the grants and applications counters
        for (std::size_t j = 0; j < stages; ++j) q[j] = x[M::at(M::kExamStage0 + j, r)] * std::exp(-ga);
        auto chain = [&](const std::vector<double>& z, std::vector<double>& dz, double t) {
          const double a = a_end * std::exp(ga * (t - 1.0));
          dz[0] = a - k * z[0];
          for (std::size_t j = 1; j < stages; ++j) dz[j] = k * (z[j - 1] - z[j]);
          dz[stages] = th[i_gr] * k * z[stages - 1];
          dz[stages + 1] = a;
        };
        ode::integrate_adaptive(ode::make_controlled<ode::runge_kutta_dopri5<std::vector<double>>>(1e-13, 1e-11),
                                chain, q, 0.0, 1.0, 0.01);
        for (std::size_t j = 0; j < stages; ++j)
          CHECK(q[j] == Approx(x[M::at(M::kExamStage0 + j, r)]).epsilon(1e-8));
        CHECK(q[stages] == Approx(ws.grants_base[r]).epsilon(1e-8));
        CHECK(q[stages + 1] == Approx(ws.applications0[r]).epsilon(1e-8));
        if (r < kBodies) zone_apps += q[stages + 1];
        // No subsidy-induced applications before the start.
        CHECK(x[M::at(M::kSubsidisedStage0, r)] == 0.0);
      }
      CHECK(zone_apps == Approx(th[i_a0]).epsilon(1e-8));
    }
  }
}

TEST_CASE("a pre-start pipeline without a steady state is rejected", "[models][four_plus_one]") {
  // Applications shrinking faster than old patents lapse: no steady age structure.
  const Scenario s = derived("baseline.toml", "[parameters.application_trend_growth]\ndist = \"uniform\"\n"
                                              "min = -0.25\nmax = 0.1\n");
  try {
    const M m(s);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& p : e.problems())
      if (p.key == "parameters.application_trend_growth" && p.message.find("steady") != std::string::npos &&
          p.where.line > 0)
        found = true;
    CHECK(found);
  }
  CHECK_NOTHROW(M(load_scenario(kScenarios + "/baseline.toml")));
}

TEST_CASE("GDP grows exponentially when shocks and the R&D term are off", "[models][four_plus_one]") {
  const Scenario s = derived("baseline.toml", kNoNoise + fixed("rd_output_elasticity", 0.0));
  const M m(s);
  const auto theta = median_theta(s);
  const auto tr = drive(m, s, theta, uniforms(m, 5, 0));
  const double infl = theta[*s.parameter_index("gdp_deflator_growth")];
  for (std::size_t r = 0; r < kRegions; ++r) {
    const double g = theta[*s.parameter_index("gdp_growth_real", s.regions[r].id)] + infl;
    const double y0 = tr.states[0][M::at(M::kGdp, r)];
    for (std::size_t k = 1; k <= 5; ++k)
      CHECK(tr.states[k][M::at(M::kGdp, r)] == Approx(y0 * std::exp(g * double(k))).epsilon(1e-8));
  }
}

TEST_CASE("business R&D adjusts to a subsidy step at first order", "[models][four_plus_one]") {
  // No growth, mu = 1, the whole fund as enterprise subsidies from calendar 2016.
  const std::string extra = kNoNoise + fixed_by_region("gdp_growth_real", 0.0) +
                            fixed("gdp_deflator_growth", 0.0) + fixed("rd_output_elasticity", 0.0) +
                            fixed("business_rd_intensity_trend", 0.0) + fixed("user_cost_elasticity", 0.0) +
                            fixed("rd_per_new_sme", 0.0) + fixed("rd_per_new_hte", 0.0) +
                            fixed("absorptive_capacity", 1e12) + fixed("subsidy_additionality", 1.0) +
                            fixed("business_rd_adjustment", 0.3) + R"(
[levers.fiscal_rd_zone]
years = [2015, 2016]
values = [0.0, 1.0e8]
[levers.fund_use_enterprise_rd]
years = [2015]
values = [1.0]
[levers.fund_use_public_rd]
years = [2015]
values = [0.0]
[levers.fund_use_platforms]
years = [2015]
values = [0.0]
[levers.fund_use_incubators]
years = [2015]
values = [0.0]
[levers.fund_use_maker_spaces]
years = [2015]
values = [0.0]
[levers.fund_use_teams]
years = [2015]
values = [0.0]
[levers.fund_use_patents]
years = [2015]
values = [0.0]
[levers.fund_use_intermediaries]
years = [2015]
values = [0.0]
)";
  const Scenario s = derived("baseline.toml", extra);
  const M m(s);
  const auto tr = drive(m, s, median_theta(s), uniforms(m, 5, 0));
  const double alloc[] = {0.40, 0.18, 0.15, 0.12, 0.15, 0.0};
  for (std::size_t r = 0; r < kRegions; ++r) {
    const double b0 = tr.states[0][M::at(M::kIncumbentRd, r)];
    // The whole subsidy, less the absorptive-capacity discount (1e-12 relative here).
    const double bstar = b0 + 1.0 * 1.0e8 * alloc[r];
    for (std::size_t k = 1; k <= 5; ++k) {
      const double exact = bstar + (b0 - bstar) * std::exp(-0.3 * double(k));
      CHECK(tr.states[k][M::at(M::kIncumbentRd, r)] == Approx(exact).epsilon(1e-8));
      CHECK(tr.states[k][M::at(M::kNewFirmRd, r)] == 0.0);
    }
  }
}

TEST_CASE("patent grants follow applications through an Erlang delay", "[models][four_plus_one]") {
  // Applications independent of R&D (beta = 0) and of the propensity, no pre-start growth, a
  // step of patent subsidies from calendar 2016: the regular chain stays at A0/k, the last stage
  // of the subsidy-induced chain holds dA * ErlangCDF(n, k; tau) / k, dA the saturating response.
  const double lag = 2.0, nu = 1e-4, s_max = 0.4, fund = 1.0e7;
  const std::string extra = fixed("execution_rate_mean", 1.0) + fixed("patent_rd_elasticity", 0.0) +
                            fixed("application_trend_growth", 0.0) + fixed("patent_propensity_growth", 0.0) +
                            fixed("patent_examination_lag", lag) + fixed("patent_subsidy_effect", nu) +
                            fixed("patent_subsidy_max_share", s_max) + R"(
[levers.fiscal_rd_zone]
years = [2015, 2016]
values = [0.0, 1.0e7]
[[correlations]]
parameters = ["user_cost_elasticity", "business_rd_adjustment"]
matrix = [[1.0, 0.0], [0.0, 1.0]]
)";
  for (int n : {1, 2, 3, 4}) {
    INFO("stages " << n);
    const Scenario s = derived("baseline.toml", extra +
                                                    "[model_options]\nshocks = false\ninteger_events = false\n"
                                                    "patent_exam_stages = " + std::to_string(n) + "\n");
    const M m(s);
    REQUIRE(m.exam_stages() == std::size_t(n));
    const auto theta = median_theta(s);
    const auto tr = drive(m, s, theta, uniforms(m, 5, 0));
    const double k = n / lag;
    const double alloc[] = {0.40, 0.18, 0.15, 0.12, 0.15, 0.0};  // baseline allocation; 5 % to patents
    for (std::size_t r = 0; r < kRegions; ++r) {
      const double a0 = tr.states[0][M::at(M::kExamStage0, r)] * k;  // steady state: Q = A0/k
      const double ceiling = s_max * a0;
      const double da = ceiling * (1.0 - std::exp(-nu * fund * alloc[r] * 0.05 / ceiling));
      for (std::size_t yr = 1; yr <= 5; ++yr) {
        const double kt = k * double(yr);
        double tail = 0, term = std::exp(-kt);
        for (int j = 0; j < n; ++j) {
          tail += term;
          term *= kt / (j + 1);
        }
        CHECK(tr.states[yr][M::at(M::kExamStage0 + std::size_t(n - 1), r)] == Approx(a0 / k).epsilon(1e-8));
        CHECK(tr.states[yr][M::at(M::kSubsidisedStage0 + std::size_t(n - 1), r)] ==
              Approx(da * (1.0 - tail) / k).epsilon(1e-8));
      }
    }
  }
}

TEST_CASE("integrator converges on the full model as the tolerance falls", "[models][four_plus_one]") {
  const Scenario s = derived("plan-2016-2020.toml", "[model_options]\ninteger_events = false\n");
  const M m(s);
  Sampler sampler(s, 3, 8);
  std::vector<double> theta(8 * m.num_parameters());
  sampler.draw(0, 8, theta);
  for (std::size_t d = 0; d < 8; ++d) {
    const std::vector<double> th(theta.begin() + long(d * m.num_parameters()),
                                 theta.begin() + long((d + 1) * m.num_parameters()));
    const auto u = uniforms(m, 5, d);
    const auto ref = drive(m, s, th, u, 1e-12, 1e-14).states.back();
    auto err = [&](double rtol) {
      const auto x = drive(m, s, th, u, rtol, rtol * 1e-3).states.back();
      double e = 0;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (ref[i] != 0) e = std::max(e, std::abs(x[i] / ref[i] - 1.0));
      return e;
    };
    const double e4 = err(1e-4), e6 = err(1e-6), e8 = err(1e-8);
    INFO("draw " << d << ": " << e4 << " " << e6 << " " << e8);
    CHECK(e6 < e4);
    CHECK(e8 < e6);
    CHECK(e8 < 1e-6);
  }
}

TEST_CASE("no negative stocks or non-finite indicators over many random draws", "[models][four_plus_one]") {
  for (const char* f : {"baseline.toml", "plan-2016-2020.toml", "whatif-incubators-and-maker-spaces.toml"}) {
    INFO(f);
    const Scenario s = load_scenario(kScenarios + "/" + f);
    const M m(s);
    const std::size_t n = 300, W = m.outputs_per_indicator();
    Sampler sampler(s, 5, n);
    std::vector<double> theta(n * m.num_parameters());
    sampler.draw(0, n, theta);
    DrawSimulator<M> sim(m, IntegratorSettings{}, s.horizon.start, s.horizon.end);
    std::vector<double> out(sim.output_size());
    std::size_t bad = 0, non_integer = 0;
    for (std::size_t d = 0; d < n; ++d) {
      const auto u = uniforms(m, 5, d);
      const auto st = sim.run(std::span<const double>(theta).subspan(d * m.num_parameters(), m.num_parameters()), u, out);
      if (st != DrawStatus::ok) ++bad;
      // Small counts stay integers under integer events.
      for (M::Indicator i : {M::kPlatforms, M::kIncubators, M::kTeams, M::kLittleGiants, M::kMakerSpaces})
        for (std::size_t y = 0; y <= 5; ++y)
          for (std::size_t r = 0; r < W; ++r) {
            const double v = out[y * sim.outputs_per_year() + i * W + r];
            if (v != std::floor(v)) ++non_integer;
          }
    }
    CHECK(bad == 0);
    CHECK(non_integer == 0);
  }
}

TEST_CASE("zone and region-wide values are sums of their regions, or ratios of sums", "[models][four_plus_one]") {
  // The zone sums the five bodies; Ningxia as a whole sums all six regions (Guyuan outside the zone).
  const Scenario s = load_scenario(kScenarios + "/plan-2016-2020.toml");
  const M m(s);
  REQUIRE(m.outputs_per_indicator() == kRegions + 2);
  for (std::size_t r = 0; r < kRegions; ++r) CHECK(m.in_zone(r) == (r < kBodies));
  Sampler sampler(s, 9, 16);
  std::vector<double> theta(16 * m.num_parameters());
  sampler.draw(0, 16, theta);
  const std::size_t W = m.outputs_per_indicator();
  for (std::size_t d = 0; d < 16; ++d) {
    const std::vector<double> th(theta.begin() + long(d * m.num_parameters()),
                                 theta.begin() + long((d + 1) * m.num_parameters()));
    const auto tr = drive(m, s, th, uniforms(m, 5, d), 1e-8, 1e-10);
    for (std::size_t yr = 0; yr <= 5; ++yr) {
      const auto& out = tr.out[yr];
      for (const auto& [agg, members] : {std::pair{kZone, kBodies}, std::pair{kTerritory, kRegions}}) {
        INFO("year " << 2015 + yr << ", aggregate " << agg);
        for (std::size_t i = 0; i < M::kNumIndicators; ++i) {
          if (!m.indicators()[i].stock) continue;
          double sum = 0;
          for (std::size_t r = 0; r < members; ++r) sum += out[i * W + r];
          CHECK(out[i * W + agg] == Approx(sum).epsilon(1e-12));
        }
        // Ratios of sums, from the regions' own flows and stocks.
        double rd = 0, y = 0, v = 0, pop_prev = 0, va = 0, iva = 0;
        for (std::size_t r = 0; r < members; ++r) {
          rd += ind(m, out, M::kRdExpenditure, r);
          y += ind(m, out, M::kGdpInd, r);
          v += ind(m, out, M::kValidInventionPatents, r);
          pop_prev += 1e4 * ind(m, out, M::kValidInventionPatents, r) / ind(m, out, M::kPatentsPer10k, r);
          const double iva_r = th[*s.parameter_index("industrial_va_share", s.regions[r].id)] * ind(m, out, M::kGdpInd, r);
          iva += iva_r;
          va += ind(m, out, M::kHighTechVaShare, r) / 100.0 * iva_r;
        }
        CHECK(ind(m, out, M::kRdIntensity, agg) == Approx(100 * rd / y).epsilon(1e-12));
        CHECK(ind(m, out, M::kPatentsPer10k, agg) == Approx(1e4 * v / pop_prev).epsilon(1e-12));
        CHECK(ind(m, out, M::kHighTechVaShare, agg) == Approx(100 * va / iva).epsilon(1e-12));
      }
      // Guyuan counts in Ningxia, not in the zone.
      CHECK(ind(m, out, M::kGdpInd, kTerritory) ==
            Approx(ind(m, out, M::kGdpInd, kZone) + ind(m, out, M::kGdpInd, kBodies)).epsilon(1e-12));
      if (yr == 0) continue;
      // Annual GDP is the integral of the rate over the calendar year.
      const auto& x = tr.states[yr];
      double gdp = 0;
      for (std::size_t r = 0; r < kBodies; ++r) gdp += x[M::at(M::kGdpYear, r)];
      CHECK(ind(m, out, M::kGdpInd, kZone) == Approx(gdp).epsilon(1e-12));
    }
  }
}

TEST_CASE("pipeline flows conserve firms when nothing enters or leaves", "[models][four_plus_one]") {
  // Exits zero, no births; the trend parameters are chosen so that the
  // calibrated outside inflows are exactly zero (docs/model.md, E/M/H).
  const Scenario s0 = load_scenario(kScenarios + "/baseline.toml");
  const double ge = 0.03, c0 = 0.05, fail = 0.2, e0 = 1000, m0 = 169, h0 = 46;
  std::string extra = kNoNoise;
  for (const char* id : {"entrepreneur_exit_rate", "sme_exit_rate", "hte_exit_rate",
                         "entities_per_maker_space", "entities_per_incubator", "business_rd_intensity_trend",
                         "user_cost_elasticity", "sme_subsidy_share", "hte_reform_uplift"})
    extra += fixed(id, 0.0);
  extra += fixed("entrepreneur_graduation_rate", ge) + fixed("entrepreneur_trend_growth", -ge) +
           fixed("hte_certification_rate", c0) + fixed("hte_recertification_failure", fail) +
           fixed("mass_entrepreneurship_start", e0);
  // With equal shares every region has the zone's proportions, so one trend fits all.
  for (const char* id : {"mass_entrepreneurship_share", "tech_sme_share", "hte_share"})
    extra += fixed_by_region(id, 0.2);
  const double rc = fail / 3.0;
  extra += fixed("sme_trend_growth", (ge * e0 + rc * h0) / m0 - c0);
  extra += fixed("hte_trend_growth", c0 * m0 / h0 - rc);
  const Scenario s = derived("plan-2016-2020.toml", extra + R"(
[levers.sme_doubling_programme]
years = [2015]
values = [0]
[levers.hte_cultivation_programme]
years = [2015]
values = [0]
[levers.hte_rd_threshold]
years = [2015]
values = [0.06]
)");
  (void)s0;
  const M m(s);
  const auto tr = drive(m, s, median_theta(s), uniforms(m, 5, 0));
  for (std::size_t r = 0; r < kRegions; ++r) {
    auto total = [&](const M::State& x) {
      return x[M::at(M::kEntrepreneurs, r)] + x[M::at(M::kSmes, r)] + x[M::at(M::kHighTech, r)];
    };
    const double t0 = total(tr.states[0]);
    CHECK(t0 == Approx((e0 + m0 + h0) / 5));
    for (std::size_t k = 1; k <= 5; ++k) {
      CHECK(total(tr.states[k]) == Approx(t0).epsilon(1e-9));
      // ... while firms do move between the stages.
      CHECK(tr.states[k][M::at(M::kEntrepreneurs, r)] < tr.states[k - 1][M::at(M::kEntrepreneurs, r)]);
    }
  }
}

TEST_CASE("a higher super-deduction never raises the tax price", "[models][four_plus_one]") {
  const double tau = GENERATE(0.15, 0.25, 0.33);
  const double h = GENERATE(0.0, 0.4, 1.0);
  const double q = GENERATE(0.3, 1.0);
  double prev = M::tax_price(0.25, tau, h, 0.0, q);
  CHECK(prev == Approx(1.0));
  for (double sd = 0.25; sd <= 2.0; sd += 0.25) {
    const double p = M::tax_price(0.25, tau, h, sd, q);
    CHECK(p <= prev);
    prev = p;
  }
  // 50 % deduction at 25 %, all claimed: (1 - 0.25 * 1.5) / 0.75.
  CHECK(M::tax_price(0.25, 0.15, 0.0, 0.5, 1.0) == Approx(0.625 / 0.75));
}

TEST_CASE("more fiscal R&D money never lowers expected R&D intensity when mu >= 0", "[models][four_plus_one]") {
  const std::string mu = "[parameters.subsidy_additionality]\ndist = \"uniform\"\nmin = 0.0\nmax = 1.2\n";
  const Scenario plan = derived("plan-2016-2020.toml", mu);
  const Scenario dbl = derived("whatif-double-fiscal-rd.toml", mu);
  const M mp(plan), md(dbl);
  REQUIRE(mp.num_parameters() == md.num_parameters());
  const std::size_t n = 200;
  Sampler sampler(plan, 21, n);
  std::vector<double> theta(n * mp.num_parameters());
  sampler.draw(0, n, theta);
  DrawSimulator<M> sp(mp, IntegratorSettings{}, 2015, 2020), sd(md, IntegratorSettings{}, 2015, 2020);
  std::vector<double> op(sp.output_size()), od(sd.output_size());
  double mean_p = 0, mean_d = 0;
  std::size_t lower = 0;
  const std::size_t at2020 = 5 * sp.outputs_per_year() + M::kRdIntensity * mp.outputs_per_indicator() + kZone;
  for (std::size_t d = 0; d < n; ++d) {
    const auto th = std::span<const double>(theta).subspan(d * mp.num_parameters(), mp.num_parameters());
    const auto u = uniforms(mp, 5, d);  // the same draws for both scenarios
    REQUIRE(sp.run(th, u, op) == DrawStatus::ok);
    REQUIRE(sd.run(th, u, od) == DrawStatus::ok);
    mean_p += op[at2020] / n;
    mean_d += od[at2020] / n;
    if (od[at2020] < op[at2020]) ++lower;
  }
  CHECK(mean_d > mean_p);
  CHECK(lower == 0);
}

TEST_CASE("more regions than the compile-time maximum are rejected", "[models][four_plus_one]") {
  std::string text = "[scenario]\nname = \"big\"\nmodel = \"four_plus_one\"\n[horizon]\nstart = 2015\nend = 2020\n";
  for (std::size_t r = 0; r <= M::kMaxRegions; ++r)
    text += "[[regions]]\nid = \"r" + std::to_string(r) + "\"\nname_en = \"R\"\nname_zh = \"R\"\n";
  const Scenario s = load_scenario_text(text, "big.toml", kScenarios);
  try {
    const M m(s);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& p : e.problems())
      if (p.key == "regions" && p.message.find("at most 8 regions") != std::string::npos) found = true;
    CHECK(found);
  }
}

TEST_CASE("shares that do not sum to one are reported", "[models][four_plus_one]") {
  const Scenario s = derived("plan-2016-2020.toml", "[levers.fund_use_teams]\nyears = [2015]\nvalues = [0.5]\n");
  try {
    const M m(s);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& p : e.problems())
      if (p.key == "levers.fund_use_*" && p.message.find("sum to 1") != std::string::npos) found = true;
    CHECK(found);
  }
}

TEST_CASE("the spillover matrix must have a zero diagonal and non-negative weights",
          "[models][four_plus_one]") {
  // A child replaces the rows it gives (the others are inherited from baseline.toml).
  const Scenario s = derived("plan-2016-2020.toml",
                             "[model_matrices.spillover]\nyinchuan = [0.1, 0.5, 0.37, 0.32, 0.32, 0.22]\n"
                             "wuzhong = [1.24, 0.5, 0.0, -0.3, 0.32, 0.22]\n");
  try {
    const M m(s);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    std::vector<Problem> hits;
    for (const auto& p : e.problems())
      if (p.key.rfind("model_matrices.spillover.", 0) == 0) hits.push_back(p);
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].key == "model_matrices.spillover.yinchuan");
    CHECK(hits[0].message ==
          "the diagonal must be 0 (a region's own R&D capital is K_r, not a spillover), got 0.1 for 'yinchuan' "
          "itself");
    CHECK(hits[0].where.line > 0);
    CHECK(hits[1].key == "model_matrices.spillover.wuzhong");
    CHECK(hits[1].message == "expected non-negative spillover weights, got -0.3 from 'zhongwei'");
  }
}

TEST_CASE("a scenario without the spillover matrix is reported", "[models][four_plus_one]") {
  Scenario s = load_scenario(kScenarios + "/plan-2016-2020.toml");
  s.matrices.clear();
  try {
    const M m(s);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& p : e.problems())
      if (p.key == "model_matrices.spillover" && p.message.find("required by model") != std::string::npos)
        found = true;
    CHECK(found);
  }
}

TEST_CASE("fiscal S&T spending grows by the statutory rule, not flat in yuan", "[models][four_plus_one]") {
  // No shocks: F_r(c) = F0_r exp((g_r + pi + delta_F) tau) in the baseline (no push), and the
  // plan's push adds its uplift; government R&D funds follow.
  const std::string quiet = kNoNoise + fixed("fiscal_st_growth_margin", 0.02) + fixed("fiscal_st_push_uplift", 0.03);
  const Scenario base = derived("baseline.toml", quiet);
  const Scenario plan = derived("plan-2016-2020.toml", quiet + "[levers.fiscal_rd_zone]\nyears = [2015]\nvalues = [0.0]\n");
  const M mb(base), mp(plan);
  const auto theta = median_theta(base);
  const auto tb = drive(mb, base, theta, uniforms(mb, 5, 0));
  const auto tp = drive(mp, plan, theta, uniforms(mp, 5, 0));
  const double infl = theta[*base.parameter_index("gdp_deflator_growth")];
  for (std::size_t r = 0; r < kRegions; ++r) {
    const double g = theta[*base.parameter_index("gdp_growth_real", base.regions[r].id)] + infl;
    const double f0 = ind(mb, tb.out[0], M::kFiscalStSpending, r);
    const double push = r < kBodies ? 0.03 : 0.0;  // the bodies' push; Guyuan is outside the zone
    for (std::size_t k = 1; k <= 5; ++k) {
      CHECK(ind(mb, tb.out[k], M::kFiscalStSpending, r) == Approx(f0 * std::exp((g + 0.02) * double(k))));
      CHECK(ind(mp, tp.out[k], M::kFiscalStSpending, r) == Approx(f0 * std::exp((g + 0.02 + push) * double(k))));
    }
  }
  // With growth at least that of GDP, the baseline's R&D intensity no longer falls.
  for (std::size_t k = 1; k <= 5; ++k)
    CHECK(ind(mb, tb.out[k], M::kRdIntensity, kZone) > ind(mb, tb.out[k - 1], M::kRdIntensity, kZone));
}

TEST_CASE("little giants: exactly the number selected each year, in whole firms", "[models][four_plus_one]") {
  // Plenty of room (cap 1), no exits: the zone gains exactly the 20 selected each year.
  const Scenario s = derived("plan-2016-2020.toml", fixed("little_giant_max_share_of_smes", 1.0) +
                                                        fixed("little_giant_exit_rate", 0.0));
  const M m(s);
  Sampler sampler(s, 17, 8);
  std::vector<double> theta(8 * m.num_parameters());
  sampler.draw(0, 8, theta);
  for (std::size_t d = 0; d < 8; ++d) {
    const std::vector<double> th(theta.begin() + long(d * m.num_parameters()),
                                 theta.begin() + long((d + 1) * m.num_parameters()));
    const auto tr = drive(m, s, th, uniforms(m, 5, d), 1e-8, 1e-10);
    for (std::size_t k = 1; k <= 5; ++k) {
      CHECK(ind(m, tr.out[k], M::kLittleGiants, kZone) - ind(m, tr.out[k - 1], M::kLittleGiants, kZone) == 20.0);
      CHECK(ind(m, tr.out[k], M::kLittleGiants, kBodies) == 0.0);  // selected in the zone only
      for (std::size_t r = 0; r < kRegions; ++r) {
        const double lg = ind(m, tr.out[k], M::kLittleGiants, r);
        CHECK(lg == std::floor(lg));
      }
    }
  }
  // Little room: never more than cap x M per region, and the selection stops short.
  const Scenario tight = derived("plan-2016-2020.toml", fixed("little_giant_max_share_of_smes", 0.05));
  const M mt(tight);
  const auto tr = drive(mt, tight, median_theta(tight), uniforms(mt, 5, 3), 1e-8, 1e-10);
  for (std::size_t r = 0; r < 5; ++r)
    CHECK(ind(mt, tr.out[5], M::kLittleGiants, r) <= 0.05 * tr.states[4][M::at(M::kSmes, r)] + 1e-9);
  CHECK(ind(mt, tr.out[5], M::kLittleGiants, kZone) < 100.0);
}

TEST_CASE("certification needs R&D at the threshold: a lower threshold and subsidised R&D raise it",
          "[models][four_plus_one]") {
  // No price or trend movement of R&D intensity: only the threshold moves the share above it.
  const std::string quiet = kNoNoise + fixed("hte_reform_uplift", 0.0) + fixed("user_cost_elasticity", 0.0) +
                            fixed("business_rd_intensity_trend", 0.0);
  const std::string old_rule = "[levers.hte_rd_threshold]\nyears = [2015]\nvalues = [0.06]\n";
  const Scenario reform = derived("baseline.toml", quiet);
  const Scenario no_reform = derived("baseline.toml", quiet + old_rule);
  const M mr(reform), mn(no_reform);
  const auto theta = median_theta(reform);
  const auto tr = drive(mr, reform, theta, uniforms(mr, 5, 0));
  const auto tn = drive(mn, no_reform, theta, uniforms(mn, 5, 0));
  // The January 2016 reform (6 % -> 5 % for small firms) certifies more firms ...
  for (std::size_t r = 0; r < kRegions; ++r) CHECK(tr.ws.cert_rate[r] > tn.ws.cert_rate[r]);
  CHECK(ind(mr, tr.out[5], M::kHighTechEnterprises, kZone) > ind(mn, tn.out[5], M::kHighTechEnterprises, kZone));
  // ... by the share of SMEs it lifts over the bar: P(z0 + ln(6/5)/sigma) / P(z0).
  const double p0 = theta[*reform.parameter_index("sme_share_above_threshold")];
  const double sigma = theta[*reform.parameter_index("sme_rd_intensity_dispersion")];
  CHECK(tr.ws.cert_rate[0] / tn.ws.cert_rate[0] ==
        Approx(normal_cdf(normal_quantile(p0) + std::log(6.0 / 5.0) / sigma) / p0).epsilon(1e-12));
  // Enterprise subsidies count toward the threshold: the all-to-enterprise what-if certifies more.
  const Scenario plan = derived("plan-2016-2020.toml", quiet);
  const Scenario ent = derived("whatif-all-to-enterprise-subsidies.toml", quiet);
  const M mp(plan), me(ent);
  const auto tp = drive(mp, plan, theta, uniforms(mp, 5, 0));
  const auto te = drive(me, ent, theta, uniforms(me, 5, 0));
  for (std::size_t r = 0; r < kBodies; ++r) CHECK(te.ws.cert_rate[r] > tp.ws.cert_rate[r]);
}

// The shipped what-ifs against the plan on the same parameter draws and random numbers
// (200 draws, a few seconds): the direction and rough size the economics says.
TEST_CASE("what-if: money moved into incubators does not raise R&D intensity", "[models][four_plus_one][whatif]") {
  const Scenario plan = load_scenario(kScenarios + "/plan-2016-2020.toml");
  const Scenario inc = load_scenario(kScenarios + "/whatif-incubators-and-maker-spaces.toml");
  const Scenario dbl = load_scenario(kScenarios + "/whatif-double-fiscal-rd.toml");
  const auto p = sampled(plan, M::kRdIntensity, kZone, 2020, 200);
  const auto w = sampled(inc, M::kRdIntensity, kZone, 2020, 200);
  const auto d = sampled(dbl, M::kRdIntensity, kZone, 2020, 200);
  const double gain = mean(w) - mean(p), new_money = mean(d) - mean(p);
  INFO("incubators " << gain << " pp, 200 million more " << new_money << " pp");
  CHECK(gain < 0.0);
  CHECK(new_money > 0.02);
  // More incubators, more start-ups.
  CHECK(mean(sampled(inc, M::kIncubators, kZone, 2020, 200)) > mean(sampled(plan, M::kIncubators, kZone, 2020, 200)) + 10);
}

TEST_CASE("what-if: all money to enterprise subsidies does not lower the high-tech enterprise count",
          "[models][four_plus_one][whatif]") {
  const Scenario plan = load_scenario(kScenarios + "/plan-2016-2020.toml");
  const Scenario ent = load_scenario(kScenarios + "/whatif-all-to-enterprise-subsidies.toml");
  const auto p = sampled(plan, M::kHighTechEnterprises, kZone, 2020, 200);
  const auto e = sampled(ent, M::kHighTechEnterprises, kZone, 2020, 200);
  INFO("plan " << mean(p) << ", all to enterprises " << mean(e));
  CHECK(mean(e) >= mean(p));
  // Its R&D intensity is higher too (all of it is R&D, with the firms' own response).
  CHECK(mean(sampled(ent, M::kRdIntensity, kZone, 2020, 200)) > mean(sampled(plan, M::kRdIntensity, kZone, 2020, 200)));
}

TEST_CASE("what-if: two regional splits give different zone results", "[models][four_plus_one][whatif]") {
  // Absorptive capacity: an equal split gives the small regions more money than they absorb well,
  // so the zone gets less from the same 200 million yuan.
  const Scenario plan = load_scenario(kScenarios + "/plan-2016-2020.toml");
  const Scenario split = load_scenario(kScenarios + "/whatif-different-split.toml");
  for (M::Indicator i : {M::kPlatforms, M::kIntermediariesInd, M::kRdIntensity}) {
    INFO("indicator " << i);
    const auto p = sampled(plan, i, kZone, 2020, 200);
    const auto q = sampled(split, i, kZone, 2020, 200);
    CHECK(mean(q) < mean(p));
  }
}

TEST_CASE("what-if: the patent-subsidy effect saturates", "[models][four_plus_one][whatif]") {
  // The zone money for patents times 1, 4 and 32 (all of the fund): subsidy-induced
  // applications rise less than in proportion and never beyond the ceiling share.
  auto with_patent_share = [](double use) {
    return derived("plan-2016-2020.toml",
                   "[levers.fund_use_enterprise_rd]\nyears = [2015]\nvalues = [0.0]\n"
                   "[levers.fund_use_platforms]\nyears = [2015]\nvalues = [0.0]\n"
                   "[levers.fund_use_incubators]\nyears = [2015]\nvalues = [0.0]\n"
                   "[levers.fund_use_maker_spaces]\nyears = [2015]\nvalues = [0.0]\n"
                   "[levers.fund_use_teams]\nyears = [2015]\nvalues = [0.0]\n"
                   "[levers.fund_use_intermediaries]\nyears = [2015]\nvalues = [0.0]\n"
                   "[levers.fund_use_patents]\nyears = [2015]\nvalues = [" + num(use) + "]\n"
                   "[levers.fund_use_public_rd]\nyears = [2015]\nvalues = [" + num(1.0 - use) + "]\n");
  };
  const Scenario none = with_patent_share(0.0), one = with_patent_share(1.0 / 32), four = with_patent_share(4.0 / 32),
                 all = with_patent_share(1.0);
  const auto a0 = sampled(none, M::kInventionApplications, kZone, 2020, 100);
  const double g1 = mean(sampled(one, M::kInventionApplications, kZone, 2020, 100)) - mean(a0);
  const double g4 = mean(sampled(four, M::kInventionApplications, kZone, 2020, 100)) - mean(a0);
  const double g32 = mean(sampled(all, M::kInventionApplications, kZone, 2020, 100)) - mean(a0);
  INFO("extra applications in 2020 at x1, x4, x32: " << g1 << " " << g4 << " " << g32);
  CHECK(g1 > 0);
  CHECK(g4 > g1);
  CHECK(g4 < 4 * g1);
  CHECK(g32 > g4);
  CHECK(g32 < 8 * g1);
  // At most the largest ceiling share (0.6) of the base applications.
  CHECK(g32 < 0.6 * mean(a0));
}
