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
  for (const char* r : {"yinchuan", "shizuishan", "wuzhong", "zhongwei", "ningdong"})
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
  const std::size_t per_year = m.indicators().size() * (m.num_regions() + 1);
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
  return out[i * (m.num_regions() + 1) + r];
}

}  // namespace

TEST_CASE("shipped scenarios load and construct the model", "[models][four_plus_one]") {
  for (const char* f : {"baseline.toml", "plan-2016-2020.toml", "whatif-double-fiscal-rd.toml",
                        "whatif-all-to-enterprise-subsidies.toml",
                        "whatif-incubators-and-maker-spaces.toml", "whatif-different-split.toml"}) {
    INFO(f);
    const Scenario s = load_scenario(kScenarios + "/" + f);
    CHECK(s.model == "four_plus_one");
    const M m(s);
    CHECK(m.num_regions() == 5);
    CHECK(m.indicators().size() == M::kNumIndicators);
    CHECK(s.targets.size() == 19);
    // Every parameter carries a unit and a source.
    for (const auto& p : s.parameters) {
      INFO(p.id);
      CHECK_FALSE(p.unit.empty());
      CHECK_FALSE(p.source.empty());
    }
  }
  // Every shipped scenario is listed above (targets.toml is a fragment they
  // extend; observed-*.toml files are observation data, not scenarios).
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(kScenarios))
    if (e.path().extension() == ".toml" && e.path().stem().string().rfind("observed-", 0) != 0) ++n;
  CHECK(n == 7);
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
  std::vector<double> out(M::kNumIndicators * 6);
  const std::size_t Z = 5;
  for (std::size_t d = 0; d < 64; ++d) {
    m.init(ws, std::span<const double>(theta).subspan(d * m.num_parameters(), m.num_parameters()), x);
    m.observe(ws, 2015, x, out);
    CHECK(ind(m, out, M::kRdIntensity, Z) == Approx(0.92).epsilon(1e-13));
    CHECK(ind(m, out, M::kPlatforms, Z) == 135);
    CHECK(ind(m, out, M::kIntermediariesInd, Z) == Approx(130).epsilon(1e-13));
    CHECK(ind(m, out, M::kIncubators, Z) == 9);
    CHECK(ind(m, out, M::kTeams, Z) == 34);
    CHECK(ind(m, out, M::kHighTechEnterprises, Z) == Approx(46).epsilon(1e-13));
    CHECK(ind(m, out, M::kTechSmes, Z) == Approx(169).epsilon(1e-13));
    CHECK(ind(m, out, M::kLittleGiants, Z) == 0);
    double types = 0;
    for (std::size_t k = 0; k < M::kPlatformTypes; ++k) types += ind(m, out, M::Indicator(M::kKeyLabs + k), Z);
    CHECK(types == 135);
    for (std::size_t i = 0; i < M::kNumIndicators; ++i)
      for (std::size_t r = 0; r <= Z; ++r) CHECK(std::isfinite(out[i * 6 + r]));
  }
}

TEST_CASE("every draw's 2015 invention grants equal invention_grants_2015", "[models][four_plus_one]") {
  // Independent of the calibration formula: before 2015 applications grew
  // steadily at g_A, so the examination chain one year earlier held e^{-g_A}
  // times its end-2015 contents. Integrate the chain over calendar 2015 with
  // A(t) = A0_r e^{g_A (t - 2015)} and the model's (calibrated) grant rate, and
  // count the grants.
  namespace ode = boost::numeric::odeint;
  for (const char* f : {"baseline.toml", "plan-2016-2020.toml"}) {
    INFO(f);
    const Scenario s = load_scenario(kScenarios + "/" + f);
    const M m(s);
    const std::size_t n = 256, np = m.num_parameters(), stages = m.exam_stages();
    Sampler sampler(s, 13, n);
    std::vector<double> theta(n * np);
    sampler.draw(0, n, theta);
    const std::size_t i_g15 = *s.parameter_index("invention_grants_2015");
    const std::size_t i_a0 = *s.parameter_index("invention_applications_2015");
    const std::size_t i_ga = *s.parameter_index("application_trend_growth");
    M::Workspace ws;
    M::State x{};
    double rate_min = 1, rate_max = 0;
    for (std::size_t d = 0; d < n; ++d) {
      INFO("draw " << d);
      const std::span<const double> th(theta.data() + d * np, np);
      m.init(ws, th, x);
      const double ga = th[i_ga], k = ws.stage_rate;
      rate_min = std::min(rate_min, ws.grant_rate);
      rate_max = std::max(rate_max, ws.grant_rate);
      double zone_grants = 0, zone_apps = 0, zone_base = 0;
      for (std::size_t r = 0; r < 5; ++r) {
        // Steady growth: dQ_0/dt = A - k Q_0 = g_A Q_0 at the end of 2015.
        const double a0 = (ga + k) * x[M::at(M::kExamStage0, r)];
        zone_apps += a0;
        std::vector<double> q(stages + 1, 0.0);  // stages, then the grants counter
        for (std::size_t j = 0; j < stages; ++j) q[j] = x[M::at(M::kExamStage0 + j, r)] * std::exp(-ga);
        auto chain = [&](const std::vector<double>& z, std::vector<double>& dz, double t) {
          dz[0] = a0 * std::exp(ga * (t - 1.0)) - k * z[0];
          for (std::size_t j = 1; j < stages; ++j) dz[j] = k * (z[j - 1] - z[j]);
          dz[stages] = ws.grant_rate * k * z[stages - 1];
        };
        ode::integrate_adaptive(ode::make_controlled<ode::runge_kutta_dopri5<std::vector<double>>>(1e-13, 1e-11),
                                chain, q, 0.0, 1.0, 0.01);
        // The chain arrives at the model's end-2015 contents (the pipeline is consistent) ...
        for (std::size_t j = 0; j < stages; ++j)
          CHECK(q[j] == Approx(x[M::at(M::kExamStage0 + j, r)]).epsilon(1e-8));
        // ... and its 2015 grants are the growth indicator's base.
        CHECK(q[stages] == Approx(ws.grants_base[r]).epsilon(1e-8));
        zone_grants += q[stages];
        zone_base += ws.grants_base[r];
      }
      CHECK(zone_apps == Approx(th[i_a0]).epsilon(1e-12));
      CHECK(zone_grants == Approx(th[i_g15]).epsilon(1e-8));
      CHECK(zone_base == Approx(th[i_g15]).epsilon(1e-12));
      // A grant rate: a share of the applications.
      CHECK(ws.grant_rate > 0.0);
      CHECK(ws.grant_rate < 1.0);
    }
    // The calibrated rate varies with the drawn lag and pre-2015 growth.
    CHECK(rate_max > 1.5 * rate_min);
  }
}

TEST_CASE("2015 grants that would need a grant rate above 1 are rejected", "[models][four_plus_one]") {
  // 2,000 grants from at most 2,600 applications a year growing at up to 35 %:
  // a draw at that corner would grant more than is applied for.
  const Scenario s = derived("baseline.toml", fixed("invention_grants_2015", 2000.0));
  try {
    const M m(s);
    FAIL("expected a ScenarioError");
  } catch (const ScenarioError& e) {
    bool found = false;
    for (const auto& p : e.problems())
      if (p.key == "parameters.invention_grants_2015" && p.message.find("grant rate") != std::string::npos)
        found = true;
    CHECK(found);
  }
  // The shipped prior is accepted (constructing the model does not throw).
  CHECK_NOTHROW(M(load_scenario(kScenarios + "/baseline.toml")));
}

TEST_CASE("GDP grows exponentially when shocks and the R&D term are off", "[models][four_plus_one]") {
  const Scenario s = derived("baseline.toml", kNoNoise + fixed("rd_output_elasticity", 0.0));
  const M m(s);
  const auto theta = median_theta(s);
  const auto tr = drive(m, s, theta, uniforms(m, 5, 0));
  const double infl = theta[*s.parameter_index("gdp_deflator_growth")];
  for (std::size_t r = 0; r < 5; ++r) {
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
                            fixed("firm_base_elasticity", 0.0) + fixed("subsidy_additionality", 1.0) +
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
  const double alloc[] = {0.40, 0.18, 0.15, 0.12, 0.15};
  for (std::size_t r = 0; r < 5; ++r) {
    const double b0 = tr.states[0][M::at(M::kBusinessRd, r)];
    const double bstar = b0 + 1.0 * 1.0e8 * alloc[r];
    for (std::size_t k = 1; k <= 5; ++k) {
      const double exact = bstar + (b0 - bstar) * std::exp(-0.3 * double(k));
      CHECK(tr.states[k][M::at(M::kBusinessRd, r)] == Approx(exact).epsilon(1e-8));
    }
  }
}

TEST_CASE("patent grants follow applications through an Erlang delay", "[models][four_plus_one]") {
  // Applications independent of R&D (beta = 0), no pre-2015 growth, a step
  // of subsidised applications from calendar 2016: the last examination stage
  // holds (A0 + dA * ErlangCDF(n, k; tau)) / k.
  const double lag = 2.0, nu = 1e-4, fund = 1.0e7;
  const std::string extra = fixed("execution_rate_mean", 1.0) + fixed("patent_rd_elasticity", 0.0) +
                            fixed("application_trend_growth", 0.0) +
                            fixed("patent_examination_lag", lag) + fixed("patent_subsidy_effect", nu) +
                            R"(
[levers.fiscal_rd_zone]
years = [2015, 2016]
values = [0.0, 1.0e7]
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
    const double alloc[] = {0.40, 0.18, 0.15, 0.12, 0.15};  // baseline allocation; 5 % to patents
    for (std::size_t r = 0; r < 5; ++r) {
      const double a0 = tr.states[0][M::at(M::kExamStage0, r)] * k;  // steady state: Q = A0/k
      const double da = nu * fund * alloc[r] * 0.05;
      for (std::size_t yr = 1; yr <= 5; ++yr) {
        const double kt = k * double(yr);
        double tail = 0, term = std::exp(-kt);
        for (int j = 0; j < n; ++j) {
          tail += term;
          term *= kt / (j + 1);
        }
        const double exact = (a0 + da * (1.0 - tail)) / k;
        CHECK(tr.states[yr][M::at(M::kExamStage0 + std::size_t(n - 1), r)] ==
              Approx(exact).epsilon(1e-8));
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
    const std::size_t n = 300;
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
          for (std::size_t r = 0; r <= 5; ++r) {
            const double v = out[y * sim.outputs_per_year() + i * 6 + r];
            if (v != std::floor(v)) ++non_integer;
          }
    }
    CHECK(bad == 0);
    CHECK(non_integer == 0);
  }
}

TEST_CASE("zone values are sums of regions, or ratios of sums", "[models][four_plus_one]") {
  const Scenario s = load_scenario(kScenarios + "/plan-2016-2020.toml");
  const M m(s);
  Sampler sampler(s, 9, 16);
  std::vector<double> theta(16 * m.num_parameters());
  sampler.draw(0, 16, theta);
  for (std::size_t d = 0; d < 16; ++d) {
    const std::vector<double> th(theta.begin() + long(d * m.num_parameters()),
                                 theta.begin() + long((d + 1) * m.num_parameters()));
    const auto tr = drive(m, s, th, uniforms(m, 5, d), 1e-8, 1e-10);
    for (std::size_t yr = 0; yr <= 5; ++yr) {
      const auto& out = tr.out[yr];
      for (std::size_t i = 0; i < M::kNumIndicators; ++i) {
        if (!m.indicators()[i].stock) continue;
        double sum = 0;
        for (std::size_t r = 0; r < 5; ++r) sum += out[i * 6 + r];
        CHECK(out[i * 6 + 5] == Approx(sum).epsilon(1e-12));
      }
      if (yr == 0) continue;
      // R&D intensity: annual R&D over annual GDP, summed over regions.
      const auto& x = tr.states[yr];
      double rd = 0, y = 0, v = 0, pop = 0;
      for (std::size_t r = 0; r < 5; ++r) {
        rd += x[M::at(M::kRdYear, r)];
        y += x[M::at(M::kGdpYear, r)];
        v += x[M::at(M::kValidPatents, r)];
        pop += 1e4 * x[M::at(M::kValidPatents, r)] / ind(m, out, M::kPatentsPer10k, r);
      }
      CHECK(ind(m, out, M::kRdIntensity, 5) == Approx(100 * rd / y).epsilon(1e-12));
      CHECK(ind(m, out, M::kPatentsPer10k, 5) == Approx(1e4 * v / pop).epsilon(1e-12));
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
                         "entities_per_maker_space", "entities_per_incubator",
                         "hte_certification_rd_elasticity"})
    extra += fixed(id, 0.0);
  extra += fixed("entrepreneur_graduation_rate", ge) + fixed("entrepreneur_trend_growth", -ge) +
           fixed("hte_certification_rate", c0) + fixed("hte_recertification_failure", fail) +
           fixed("mass_entrepreneurship_2015", e0);
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
)");
  (void)s0;
  const M m(s);
  const auto tr = drive(m, s, median_theta(s), uniforms(m, 5, 0));
  for (std::size_t r = 0; r < 5; ++r) {
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
  const std::size_t at2020 = 5 * sp.outputs_per_year() + M::kRdIntensity * 6 + 5;
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
                             "[model_matrices.spillover]\nyinchuan = [0.1, 0.5, 0.37, 0.32, 0.32]\n"
                             "wuzhong = [1.24, 0.5, 0.0, -0.3, 0.32]\n");
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
