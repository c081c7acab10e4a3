// The 4+1 innovation model. Equations and sources: docs/model.md (keep the
// two in step: the reference implementation in tools/ is written from it).

#include "innosim/models/four_plus_one.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "innosim/model/binding.hpp"
#include "innosim/random/streams.hpp"

namespace innosim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One continuous variable over the regions, read in place from the
// region-major state (stride kNumVars): no copy, no heap.
using RegionVarMap = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, 1>, 0,
                                Eigen::InnerStride<FourPlusOne::kNumVars>>;
RegionVarMap region_var(const FourPlusOne::State& x, std::size_t var, std::size_t regions) {
  return RegionVarMap(x.data() + var, static_cast<Eigen::Index>(regions));
}
// Above these means the sequential inverse-CDF search is replaced by a
// normal approximation with continuity correction (numerics, not a model
// number: exp(-mean) must not underflow and the search must stay short).
constexpr double kSearchMaxMean = 500.0;

// Poisson(lambda) by inversion of u (sequential search from 0).
double poisson_inverse(double lambda, double u) {
  if (!(lambda > 0.0)) return 0.0;
  if (lambda > kSearchMaxMean) {
    return std::max(0.0, std::floor(lambda + std::sqrt(lambda) * normal_quantile(u) + 0.5));
  }
  double p = std::exp(-lambda);
  double cdf = p;
  double k = 0.0;
  while (u > cdf) {
    k += 1.0;
    p *= lambda / k;
    cdf += p;
    if (p == 0.0 && k > lambda) break;  // rounding: cdf stalled just below 1
  }
  return k;
}

// Binomial(n, p) by inversion of u; n is rounded to an integer.
double binomial_inverse(double n, double p, double u) {
  const double nn = std::floor(n + 0.5);
  if (!(nn > 0.0) || !(p > 0.0)) return 0.0;
  if (p >= 1.0) return nn;
  const double log_p0 = nn * std::log1p(-p);
  if (-log_p0 > kSearchMaxMean) {
    const double k = std::floor(nn * p + std::sqrt(nn * p * (1.0 - p)) * normal_quantile(u) + 0.5);
    return std::clamp(k, 0.0, nn);
  }
  const double ratio = p / (1.0 - p);
  double prob = std::exp(log_p0);
  double cdf = prob;
  double k = 0.0;
  while (u > cdf && k < nn) {
    prob *= (nn - k) / (k + 1.0) * ratio;
    k += 1.0;
    cdf += prob;
  }
  return k;
}

// Splits an integer total over regions by the largest-remainder rule so
// the parts are integers summing exactly to round(total).
void split_integer(double total, const FourPlusOne::RegionArray& share, std::size_t n,
                   FourPlusOne::RegionArray& out) {
  const double t = std::max(0.0, std::floor(total + 0.5));
  FourPlusOne::RegionArray frac{};
  double assigned = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    const double q = t * share[r];
    out[r] = std::floor(q);
    frac[r] = q - out[r];
    assigned += out[r];
  }
  for (double left = t - assigned; left > 0.5; left -= 1.0) {
    std::size_t best = 0;
    for (std::size_t r = 1; r < n; ++r)
      if (frac[r] > frac[best]) best = r;
    out[best] += 1.0;
    frac[best] = -1.0;
  }
}

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// (1 - e^-g) / g: a flow growing at rate g, integrated over the year that ends at
// its current value, as a multiple of that value.
double year_integral_factor(double g) {
  return std::abs(g) > 1e-12 ? -std::expm1(-g) / g : 1.0;
}

// Grants over the start year per unit of grant rate and of start-year
// applications, for an Erlang(n, k) chain in steady growth at rate g:
// (k / (g + k))^n (1 - e^-g) / g (docs/model.md section 2).
double steady_grants_per_application(double g, double k, std::size_t n) {
  return std::pow(k / (g + k), double(n)) * year_integral_factor(g);
}

}  // namespace

double FourPlusOne::tax_price(double corporate_rate, double high_tech_rate,
                              double high_tech_rd_share, double super_deduction_rate,
                              double claimed_share) {
  auto rho = [&](double tau) {
    return (1.0 - tau * (1.0 + super_deduction_rate * claimed_share)) / (1.0 - tau);
  };
  return high_tech_rd_share * rho(high_tech_rate) + (1.0 - high_tech_rd_share) * rho(corporate_rate);
}

double FourPlusOne::lever(const Path& p, int year, std::size_t r) const {
  const int y = std::clamp(year, start_, end_);
  return p.v[static_cast<std::size_t>(y - start_) * nr_ + r];
}

FourPlusOne::FourPlusOne(const Scenario& s) {
  ModelBinding b(s);
  nr_ = s.regions.size();
  num_params_ = s.parameters.size();
  start_ = s.horizon.start;
  end_ = s.horizon.end;
  const std::size_t R = nr_;
  if (R == 0) b.problem(s.where, "regions", "the 4+1 model needs at least one [[regions]] entry");
  if (R > kMaxRegions)
    b.problem(s.where, "regions",
              "the 4+1 model supports at most " + std::to_string(kMaxRegions) + " regions, got " +
                  std::to_string(R) + " (raise FourPlusOne::kMaxRegions and rebuild)");

  indicators_ = {
      {"rd_intensity", "%", false},
      {"st_progress_contribution", "%", false},
      {"platforms", "count", true},
      {"intermediaries", "count", true},
      {"incubators", "count", true},
      {"innovation_teams", "count", true},
      {"invention_patents_per_10k", "per 10k people", false},
      {"high_tech_enterprises", "count", true},
      {"tech_smes", "count", true},
      {"mass_entrepreneurship", "count", true},
      {"high_tech_va_share", "%", false},
      {"key_labs", "count", true},
      {"engineering_labs", "count", true},
      {"engineering_research_centres", "count", true},
      {"tech_innovation_centres", "count", true},
      {"enterprise_tech_centres", "count", true},
      {"little_giants", "count", true},
      {"maker_spaces", "count", true},
      {"invention_grant_growth", "% per year", false},
  };
  {
    std::vector<std::string> ids;
    for (const auto& i : indicators_) ids.push_back(i.id);
    b.indicators(ids);
  }

  // ---- options (all required: no model numbers in C++) ----
  auto option = [&](const char* id) {
    const double v = b.option(id, kNaN);
    if (std::isnan(v))
      b.problem(s.where, std::string("model_options.") + id,
                "required by the four_plus_one model (see docs/model.md)");
    return v;
  };
  auto option_loc = [&](const char* id) {
    auto it = s.option_locs.find(id);
    return it == s.option_locs.end() ? s.where : it->second;
  };
  const double ie = option("integer_events");
  const double sh = option("shocks");
  const double st = option("patent_exam_stages");
  const double mg = option("contribution_min_growth");
  integer_events_ = !(ie == 0.0);
  shocks_ = !(sh == 0.0);
  if (!std::isnan(st)) {
    if (st < 1 || st > double(kMaxStages) || st != std::floor(st))
      b.problem(option_loc("patent_exam_stages"), "model_options.patent_exam_stages",
                "expected an integer from 1 to " + std::to_string(kMaxStages) + ", got " +
                    std::to_string(st));
    else
      stages_ = static_cast<std::size_t>(st);
  }
  if (!std::isnan(mg)) {
    if (!(mg > 0))
      b.problem(option_loc("contribution_min_growth"), "model_options.contribution_min_growth",
                "expected a positive rate per year, got " + std::to_string(mg));
    min_growth_ = mg;
  }

  // ---- parameters ----
  // Support check: a draw outside [lo, hi] would break an equation.
  auto par = [&](const char* id, double lo, double hi) {
    const std::size_t i = b.parameter(id);
    if (i < s.parameters.size()) {
      const auto& d = s.parameters[i].dist;
      if (d.lower() < lo || d.upper() > hi)
        b.problem(s.parameters[i].where, std::string("parameters.") + id,
                  "the distribution " + d.describe() + " must lie within [" + std::to_string(lo) +
                      ", " + std::to_string(hi) + "]");
    }
    return i;
  };
  auto par_r = [&](const char* id, double lo, double hi) {
    auto v = b.parameter_by_region(id);
    for (std::size_t i : v) {
      if (i >= s.parameters.size()) continue;
      const auto& d = s.parameters[i].dist;
      if (d.lower() < lo || d.upper() > hi)
        b.problem(s.parameters[i].where, "parameters." + s.parameters[i].id,
                  "the distribution " + d.describe() + " must lie within [" + std::to_string(lo) +
                      ", " + std::to_string(hi) + "]");
    }
    return v;
  };
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr double tiny = std::numeric_limits<double>::min();  // "strictly positive"
  auto& p = p_;
  auto& q = pr_;
  // Economy.
  p.gdp = par("gdp_2015", tiny, inf);
  q.gdp_share = par_r("gdp_share", tiny, inf);
  p.pop = par("population_2015", tiny, inf);
  q.pop_share = par_r("population_share", tiny, inf);
  p.pop_growth = par("population_growth", -0.5, 0.5);
  q.g_real = par_r("gdp_growth_real", -0.5, 0.5);
  p.inflation = par("gdp_deflator_growth", -0.5, 0.5);
  p.shock_sd = par("gdp_shock_sd", 0, 0.5);
  p.shock_rho = par("gdp_shock_correlation", 0, 1);
  p.contribution0 = par("st_contribution_2015", 0, 100);
  q.iva_share = par_r("industrial_va_share", tiny, 1);
  // R&D.
  p.rd_intensity0 = par("rd_intensity_2015", 0, 100);
  q.rd_share = par_r("rd_share", tiny, inf);
  p.w_business = par("rd_business_weight", 0, inf);
  p.w_gov = par("rd_government_weight", 0, inf);
  p.w_other = par("rd_other_weight", 0, inf);
  p.rd_growth0 = par("rd_growth_pre_2015", -0.5, 1);
  p.delta = par("rd_depreciation", tiny, 1);
  p.eta = par("rd_output_elasticity", 0, 1);
  p.kappa = par("business_rd_adjustment", tiny, 10);
  p.eps = par("user_cost_elasticity", 0, 5);
  p.mu = par("subsidy_additionality", -1, 5);
  p.psi_b = par("firm_base_elasticity", 0, 1);
  p.chi = par("hte_weight_in_firm_base", 0, inf);
  p.hte_rd = par("hte_rd_share", 0, 1);
  p.fiscal_rd_share = par("fiscal_st_rd_share", 0, 1);
  q.absorb = par_r("spillover_absorption", 0, inf);
  if (const ModelMatrix* w = b.matrix("spillover"); w && R > 0 && R <= kMaxRegions) {
    // K_eff,r = K_r + absorption_r sum_{s != r} W_rs K_s: own capital enters once, and a negative
    // weight could make K_eff non-positive.
    w_.resize(static_cast<Eigen::Index>(R), static_cast<Eigen::Index>(R));
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t c = 0; c < R; ++c) {
        const double v = w->at(r, c);
        const std::string key = "model_matrices.spillover." + s.regions[r].id;
        if (r == c && v != 0.0)
          b.problem(w->row_locs[r], key,
                    "the diagonal must be 0 (a region's own R&D capital is K_r, not a spillover), got " +
                        fmt::format("{}", v) + " for '" + s.regions[r].id + "' itself");
        else if (v < 0.0)
          b.problem(w->row_locs[r], key,
                    "expected non-negative spillover weights, got " + fmt::format("{}", v) + " from '" +
                        s.regions[c].id + "'");
        w_(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = v;
      }
    }
  }
  p.exec_mean = par("execution_rate_mean", 0, 1);
  p.exec_sd = par("execution_rate_sd", 0, 1);
  // Enterprises.
  p.e0 = par("mass_entrepreneurship_2015", 0, inf);
  q.e_share = par_r("mass_entrepreneurship_share", tiny, inf);
  p.x_e = par("entrepreneur_exit_rate", 0, 10);
  p.gamma_e = par("entrepreneur_graduation_rate", 0, 10);
  p.g_e = par("entrepreneur_trend_growth", -1, 1);
  p.beta_maker = par("entities_per_maker_space", 0, inf);
  p.beta_inc = par("entities_per_incubator", 0, inf);
  p.m0 = par("tech_smes_2015", tiny, inf);
  q.m_share = par_r("tech_sme_share", tiny, inf);
  p.x_m = par("sme_exit_rate", 0, 10);
  p.g_m = par("sme_trend_growth", -1, 1);
  p.sme_prog = par("sme_programme_inflow", 0, inf);
  p.reg_uplift = par("sme_registration_uplift", 0, inf);
  p.h0 = par("high_tech_enterprises_2015", tiny, inf);
  q.h_share = par_r("hte_share", tiny, inf);
  p.c0 = par("hte_certification_rate", 0, 10);
  p.psi_c = par("hte_certification_rd_elasticity", 0, inf);
  p.hte_uplift = par("hte_programme_uplift", 0, inf);
  p.recert_fail = par("hte_recertification_failure", 0, 1);
  p.status_years = par("hte_status_years", 1, inf);
  p.x_h = par("hte_exit_rate", 0, 10);
  p.g_h = par("hte_trend_growth", -1, 1);
  p.lg0 = par("little_giants_2015", 0, inf);
  p.lg_cap = par("little_giant_max_share_of_smes", 0, 1);
  p.lg_exit = par("little_giant_exit_rate", 0, 1);
  // Platforms and services.
  p.p0 = par("platforms_2015", 0, inf);
  q.p_share = par_r("platform_share", tiny, inf);
  p.g_p = par("platform_trend_growth", -1, 1);
  p.p_close = par("platform_closure_rate", 0, 1);
  p.etc_per_hte = par("enterprise_centres_per_new_hte", 0, inf);
  static constexpr const char* kTypes[kPlatformTypes] = {
      "key_labs", "engineering_labs", "engineering_research_centres", "tech_innovation_centres",
      "enterprise_tech_centres"};
  for (std::size_t k = 0; k < kPlatformTypes; ++k) {
    p.p_type[k] = par(("platform_type_share_" + std::string(kTypes[k])).c_str(), 0, inf);
    p.p_cost[k] = par(("platform_unit_cost_" + std::string(kTypes[k])).c_str(), tiny, inf);
  }
  p.c_inc0 = par("incubators_2015", 0, inf);
  q.inc_share = par_r("incubator_share", tiny, inf);
  p.g_inc = par("incubator_trend_growth", -1, 1);
  p.inc_close = par("incubator_closure_rate", 0, 1);
  p.inc_cost = par("incubator_unit_cost", tiny, inf);
  p.upgrade = par("maker_space_upgrade_rate", 0, 1);
  p.maker0 = par("maker_spaces_2015", 0, inf);
  q.maker_share = par_r("maker_space_share", tiny, inf);
  p.g_maker = par("maker_space_trend_growth", -1, 1);
  p.maker_close = par("maker_space_closure_rate", 0, 1);
  p.maker_cost = par("maker_space_unit_cost", tiny, inf);
  p.t0 = par("innovation_teams_2015", 0, inf);
  q.team_share = par_r("team_share", tiny, inf);
  p.g_t = par("team_trend_growth", -1, 1);
  p.team_life = par("team_lifetime", 1, inf);
  p.team_cost = par("team_unit_cost", tiny, inf);
  p.i0 = par("intermediaries_2015", 0, inf);
  q.i_share = par_r("intermediary_share", tiny, inf);
  p.kappa_i = par("intermediary_adjustment", 0, 10);
  p.psi_i = par("intermediary_demand_elasticity", 0, 1);
  p.inter_cost = par("intermediary_unit_cost", tiny, inf);
  // Patents.
  p.ppk0 = par("patents_per_10k_2015", 0, inf);
  q.pat_share = par_r("patent_share", tiny, inf);
  p.app0 = par("invention_applications_2015", tiny, inf);
  p.grants0 = par("invention_grants_2015", tiny, inf);
  p.beta_pat = par("patent_rd_elasticity", 0, 1);
  p.lag = par("patent_examination_lag", 0.1, 20);
  p.lapse = par("patent_lapse_rate", 0, 1);
  p.g_app = par("application_trend_growth", -0.3, 1);
  {
    // The grant rate is calibrated per draw (init): grant_rate = G15 / (A0 f(g_A, L)). f falls
    // with g_A, and with L when g_A >= 0 (rises when g_A < 0), so the largest rate any draw can
    // get is at the corner below; above 1 a draw would grant more than is applied for.
    const std::size_t np = s.parameters.size();
    if (p.grants0 < np && p.app0 < np && p.g_app < np && p.lag < np) {
      const auto& grants = s.parameters[p.grants0].dist;
      const double a_lo = s.parameters[p.app0].dist.lower();
      const double g_hi = s.parameters[p.g_app].dist.upper();
      const auto& lag = s.parameters[p.lag].dist;
      const double lag_worst = g_hi >= 0 ? lag.upper() : lag.lower();
      const double f = steady_grants_per_application(g_hi, double(stages_) / lag_worst, stages_);
      const double rate_max = grants.upper() / (a_lo * f);
      if (!(f > 0 && rate_max <= 1.0))
        b.problem(s.parameters[p.grants0].where, "parameters.invention_grants_2015",
                  "with " + grants.describe() + " the calibrated patent grant rate reaches " +
                      std::to_string(rate_max) +
                      " (> 1: more grants than applications) at invention_applications_2015 = " +
                      std::to_string(a_lo) + ", application_trend_growth = " + std::to_string(g_hi) +
                      ", patent_examination_lag = " + std::to_string(lag_worst));
    }
  }
  p.nu = par("patent_subsidy_effect", 0, inf);
  // High-tech value added.
  p.va_share0 = par("high_tech_va_share_2015", 0, 100);
  p.va_growth = par("va_per_hte_growth", -0.5, 0.5);

  // ---- levers, resolved per calendar year ----
  const std::size_t years = static_cast<std::size_t>(std::max(0, end_ - start_) + 1);
  enum class Shape { zone, region, any };
  auto path = [&](const char* id, const char* unit, Shape shape) {
    Path out;
    const Lever* l = b.lever(id, unit);
    if (!l || R == 0 || R > kMaxRegions) return out;
    if (shape == Shape::zone && l->per_region())
      b.problem(l->where, std::string("levers.") + id,
                "expected one zone-wide path (years/values), not by_region");
    if (shape == Shape::region && !l->per_region())
      b.problem(l->where, std::string("levers.") + id,
                "expected one path per region (by_region.<region>)");
    out.per_region = l->per_region();
    out.v.resize(years * R);
    for (std::size_t yi = 0; yi < years; ++yi)
      for (std::size_t r = 0; r < R; ++r) out.v[yi * R + r] = l->at(start_ + int(yi), r);
    return out;
  };
  fund_ = path("fiscal_rd_zone", "yuan", Shape::zone);
  alloc_ = path("fiscal_rd_allocation", "share", Shape::region);
  own_st_ = path("own_fiscal_st", "yuan", Shape::region);
  corp_tax_ = path("corporate_tax_rate", "share", Shape::zone);
  ht_tax_ = path("high_tech_tax_rate", "share", Shape::zone);
  super_rate_ = path("super_deduction_rate", "1", Shape::zone);
  claimed_ = path("super_deduction_claimed_share", "share", Shape::zone);
  reg_switch_ = path("tech_sme_registration", "switch", Shape::zone);
  sme_switch_ = path("sme_doubling_programme", "switch", Shape::zone);
  hte_switch_ = path("hte_cultivation_programme", "switch", Shape::zone);
  lg_select_ = path("little_giants_selected_per_year", "count", Shape::zone);
  use_enterprise_ = path("fund_use_enterprise_rd", "share", Shape::zone);
  use_platforms_ = path("fund_use_platforms", "share", Shape::zone);
  use_incubators_ = path("fund_use_incubators", "share", Shape::zone);
  use_makers_ = path("fund_use_maker_spaces", "share", Shape::zone);
  use_teams_ = path("fund_use_teams", "share", Shape::zone);
  use_patents_ = path("fund_use_patents", "share", Shape::zone);
  use_intermediaries_ = path("fund_use_intermediaries", "share", Shape::zone);
  use_public_ = path("fund_use_public_rd", "share", Shape::zone);
  for (std::size_t k = 0; k < kPlatformTypes; ++k)
    plat_type_share_[k] =
        path(("platform_funding_share_" + std::string(kTypes[k])).c_str(), "share", Shape::zone);

  // Shares that must add up to one in every year.
  auto sums_to_one = [&](const char* what, auto&& value) {
    for (std::size_t yi = 0; yi < years; ++yi) {
      const double sum = value(yi);
      if (!(std::abs(sum - 1.0) <= 1e-6)) {
        b.problem(s.where, what,
                  "shares must sum to 1 in every year; in " + std::to_string(start_ + int(yi)) +
                      " they sum to " + std::to_string(sum));
        return;
      }
    }
  };
  const bool ok_paths = R > 0 && R <= kMaxRegions;
  if (ok_paths && alloc_.v.size() == years * R)
    sums_to_one("levers.fiscal_rd_allocation", [&](std::size_t yi) {
      double sum = 0;
      for (std::size_t r = 0; r < R; ++r) sum += alloc_.v[yi * R + r];
      return sum;
    });
  const Path* uses[] = {&use_enterprise_, &use_platforms_, &use_incubators_,    &use_makers_,
                        &use_teams_,      &use_patents_,   &use_intermediaries_, &use_public_};
  bool uses_ok = ok_paths;
  for (const Path* u : uses) uses_ok = uses_ok && u->v.size() == years * R;
  if (uses_ok)
    sums_to_one("levers.fund_use_*", [&](std::size_t yi) {
      double sum = 0;
      for (const Path* u : uses) sum += u->v[yi * R];
      return sum;
    });
  bool types_ok = ok_paths;
  for (const auto& t : plat_type_share_) types_ok = types_ok && t.v.size() == years * R;
  if (types_ok)
    sums_to_one("levers.platform_funding_share_*", [&](std::size_t yi) {
      double sum = 0;
      for (const auto& t : plat_type_share_) sum += t.v[yi * R];
      return sum;
    });
  if (ok_paths && super_rate_.v.size() == years * R)
    for (double v : super_rate_.v)
      if (v < 0) {
        b.problem(s.where, "levers.super_deduction_rate", "must not be negative");
        break;
      }
  if (ok_paths && corp_tax_.v.size() == years * R && ht_tax_.v.size() == years * R)
    for (std::size_t i = 0; i < corp_tax_.v.size(); ++i)
      if (corp_tax_.v[i] >= 1.0 || ht_tax_.v[i] >= 1.0) {
        b.problem(s.where, "levers.corporate_tax_rate",
                  "tax rates must be below 1 (the tax price divides by 1 - rate)");
        break;
      }

  b.finish();
}

void FourPlusOne::init(Workspace& ws, std::span<const double> th, State& x) const {
  const std::size_t R = nr_;
  const auto& p = p_;
  const auto& q = pr_;
  x.assign(kNumVars * R, 0.0);
  ws = Workspace{};
  ws.year = start_;

  // Normalised regional shares of a zone total.
  auto shares = [&](const std::vector<std::size_t>& idx) {
    RegionArray s{};
    double sum = 0;
    for (std::size_t r = 0; r < R; ++r) sum += th[idx[r]];
    for (std::size_t r = 0; r < R; ++r) s[r] = th[idx[r]] / sum;
    return s;
  };
  const RegionArray gdp_s = shares(q.gdp_share), pop_s = shares(q.pop_share);
  const RegionArray rd_s = shares(q.rd_share), e_s = shares(q.e_share), m_s = shares(q.m_share);
  const RegionArray h_s = shares(q.h_share), p_s = shares(q.p_share), inc_s = shares(q.inc_share);
  const RegionArray mk_s = shares(q.maker_share), t_s = shares(q.team_share);
  const RegionArray i_s = shares(q.i_share), pat_s = shares(q.pat_share);

  // Scalars.
  ws.inflation = th[p.inflation];
  ws.shock_sd = th[p.shock_sd];
  ws.shock_rho = th[p.shock_rho];
  ws.contribution0 = th[p.contribution0];
  ws.eta = th[p.eta];
  ws.delta = th[p.delta];
  ws.kappa = th[p.kappa];
  ws.eps = th[p.eps];
  ws.mu = th[p.mu];
  ws.psi_b = th[p.psi_b];
  ws.chi = th[p.chi];
  ws.hte_rd = th[p.hte_rd];
  ws.fiscal_rd_share = th[p.fiscal_rd_share];
  ws.rd_growth0 = th[p.rd_growth0];
  ws.exec_mean = th[p.exec_mean];
  ws.exec_sd = th[p.exec_sd];
  ws.x_e = th[p.x_e];
  ws.gamma_e = th[p.gamma_e];
  ws.beta_maker = th[p.beta_maker];
  ws.beta_inc = th[p.beta_inc];
  ws.x_m = th[p.x_m];
  ws.sme_prog = th[p.sme_prog];
  ws.reg_uplift = th[p.reg_uplift];
  ws.c0 = th[p.c0];
  ws.psi_c = th[p.psi_c];
  ws.hte_uplift = th[p.hte_uplift];
  ws.recert = th[p.recert_fail] / th[p.status_years];
  ws.x_h = th[p.x_h];
  ws.lg_cap = th[p.lg_cap];
  ws.lg_exit = th[p.lg_exit];
  ws.plat_close = th[p.p_close];
  ws.etc_per_hte = th[p.etc_per_hte];
  for (std::size_t k = 0; k < kPlatformTypes; ++k) ws.plat_cost[k] = th[p.p_cost[k]];
  ws.inc_close = th[p.inc_close];
  ws.inc_cost = th[p.inc_cost];
  ws.upgrade = th[p.upgrade];
  ws.maker_close = th[p.maker_close];
  ws.maker_cost = th[p.maker_cost];
  ws.team_dissolve = 1.0 / th[p.team_life];
  ws.team_cost = th[p.team_cost];
  ws.kappa_i = th[p.kappa_i];
  ws.psi_i = th[p.psi_i];
  ws.inter_cost = th[p.inter_cost];
  ws.beta_pat = th[p.beta_pat];
  ws.stage_rate = double(stages_) / th[p.lag];
  ws.lapse = th[p.lapse];
  ws.nu = th[p.nu];
  ws.va_growth = th[p.va_growth];
  ws.pop_growth = th[p.pop_growth];
  const double s0 = th[p.contribution0] / 100.0;

  // Levers in force in the start year (the 2015 levels the base rates embody).
  const double sw_reg0 = lever(reg_switch_, start_), sw_hte0 = lever(hte_switch_, start_);
  ws.rho0 = tax_price(lever(corp_tax_, start_), lever(ht_tax_, start_), ws.hte_rd,
                      lever(super_rate_, start_), lever(claimed_, start_));
  const double gamma_e0 = ws.gamma_e * (1.0 + ws.reg_uplift * sw_reg0);
  const double cert0 = ws.c0 * (1.0 + ws.hte_uplift * sw_hte0);

  // R&D split by performer/funder (normalised weights).
  const double wsum = th[p.w_business] + th[p.w_gov] + th[p.w_other];
  const double wb = th[p.w_business] / wsum, wg = th[p.w_gov] / wsum, wo = th[p.w_other] / wsum;

  // Integer small-count stocks.
  std::array<double, kPlatformTypes> type_share{};
  {
    double sum = 0;
    for (std::size_t k = 0; k < kPlatformTypes; ++k) sum += th[p.p_type[k]];
    for (std::size_t k = 0; k < kPlatformTypes; ++k) type_share[k] = th[p.p_type[k]] / sum;
  }
  {
    RegionArray by_type{};  // platforms_2015 split over types (integers)
    RegionArray ts{};
    for (std::size_t k = 0; k < kPlatformTypes; ++k) ts[k] = type_share[k];
    split_integer(th[p.p0], ts, kPlatformTypes, by_type);
    for (std::size_t k = 0; k < kPlatformTypes; ++k) split_integer(by_type[k], p_s, R, ws.plat0[k]);
  }
  split_integer(th[p.c_inc0], inc_s, R, ws.incubators);
  split_integer(th[p.maker0], mk_s, R, ws.makers);
  split_integer(th[p.t0], t_s, R, ws.teams);
  RegionArray lg_s = m_s;
  split_integer(th[p.lg0], lg_s, R, ws.little_giants);
  ws.platforms = ws.plat0;

  const double gdp0 = th[p.gdp];
  const double rd0 = th[p.rd_intensity0] / 100.0 * gdp0;
  const double pop0 = th[p.pop];
  const double ppk0 = th[p.ppk0];
  const double g_app = th[p.g_app];
  const double k_stage = ws.stage_rate;
  ws.gdp0_zone = gdp0;
  double sum_iva0 = 0, sum_h0 = 0, sum_last_flow = 0;
  for (std::size_t r = 0; r < R; ++r) {
    const double y0 = gdp0 * gdp_s[r];
    ws.y0[r] = y0;
    ws.inv_y0[r] = 1.0 / y0;
    ws.lny0[r] = std::log(y0);
    ws.n0[r] = pop0 * pop_s[r];
    ws.g_real[r] = th[q.g_real[r]];
    ws.g_factor[r] = (1.0 - s0) * ws.g_real[r];
    ws.iva_share[r] = th[q.iva_share[r]];
    // R&D.
    const double rd_r = rd0 * rd_s[r];
    const double b0 = wb * rd_r;
    ws.g0[r] = wg * rd_r;
    ws.o_coef[r] = wo * rd_r / y0;
    // Target scaled so that B grows with nominal GDP at t0 (partial adjustment lags a growing
    // target by g/kappa).
    ws.b0[r] = b0 * (1.0 + (ws.g_real[r] + ws.inflation) / ws.kappa);
    ws.b_over_y0_inv[r] = b0 > 0 ? y0 / b0 : 0.0;
    x[at(kGdp, r)] = y0;
    x[at(kBusinessRd, r)] = b0;
    x[at(kRdCapital, r)] = rd_r / (ws.delta + ws.rd_growth0);
    // Enterprises.
    const double e0 = th[p.e0] * e_s[r], m0 = th[p.m0] * m_s[r], h0 = th[p.h0] * h_s[r];
    x[at(kEntrepreneurs, r)] = e0;
    x[at(kSmes, r)] = m0;
    x[at(kHighTech, r)] = h0;
    ws.h0[r] = h0;
    ws.m0_share[r] = m_s[r];
    const double z0 = m0 + ws.chi * h0;
    ws.inv_z0[r] = 1.0 / z0;
    ws.e_base[r] = std::max(0.0, (ws.x_e + gamma_e0 + th[p.g_e]) * e0 -
                                     ws.beta_maker * ws.makers[r] - ws.beta_inc * ws.incubators[r]);
    ws.m_base[r] =
        std::max(0.0, (ws.x_m + cert0 + th[p.g_m]) * m0 - gamma_e0 * e0 - ws.recert * h0);
    ws.h_base[r] = std::max(0.0, (ws.x_h + ws.recert + th[p.g_h]) * h0 - cert0 * m0);
    // Services and small counts.
    ws.i0[r] = th[p.i0] * i_s[r];
    x[at(kIntermediaries, r)] = ws.i0[r];
    for (std::size_t k = 0; k < kPlatformTypes; ++k)
      ws.plat_base[k][r] = std::max(0.0, (th[p.g_p] + ws.plat_close) * ws.plat0[k][r]);
    ws.inc_base[r] = std::max(
        0.0, (th[p.g_inc] + ws.inc_close) * ws.incubators[r] - ws.upgrade * ws.makers[r]);
    ws.maker_base[r] =
        std::max(0.0, (th[p.g_maker] + ws.maker_close + ws.upgrade) * ws.makers[r]);
    ws.team_base[r] = std::max(0.0, (th[p.g_t] + ws.team_dissolve) * ws.teams[r]);
    // Patents: valid stock from the per-10k figure, pipeline in steady growth.
    x[at(kValidPatents, r)] = ppk0 * pop0 / 1e4 * pat_s[r];
    const double a0 = th[p.app0] * pat_s[r];
    double stage = a0 / (g_app + k_stage);
    for (std::size_t j = 0; j < stages_; ++j) {
      x[at(kExamStage0 + j, r)] = stage;
      stage *= k_stage / (g_app + k_stage);
    }
    sum_last_flow += k_stage * x[at(kExamStage0 + stages_ - 1, r)];
    sum_iva0 += ws.iva_share[r] * y0;
    sum_h0 += h0;
  }
  // Grant rate calibrated so that the zone's grants over 2015 (last stage outflow, growing at g_A
  // through the year) equal invention_grants_2015; regions then get G15 times their patent share.
  const double year_factor = year_integral_factor(g_app);
  ws.grant_rate = th[p.grants0] / (sum_last_flow * year_factor);
  for (std::size_t r = 0; r < R; ++r)
    ws.grants_base[r] =
        ws.grant_rate * k_stage * x[at(kExamStage0 + stages_ - 1, r)] * year_factor;
  ws.grant_growth0 = 100.0 * std::expm1(g_app);
  ws.va_per_hte = th[p.va_share0] / 100.0 * sum_iva0 / sum_h0;

  // Spillovers: spill = diag(absorption) W, so K_eff = K + spill K.
  ws.spill.resize(static_cast<Eigen::Index>(R), static_cast<Eigen::Index>(R));
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < R; ++c)
      ws.spill(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          th[q.absorb[r]] * w_(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));

  // Patent production scale a_r = A0_r / Keff0_r^beta.
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  for (std::size_t r = 0; r < R; ++r) {
    const double keff = x[at(kRdCapital, r)] + sk[static_cast<Eigen::Index>(r)];
    const double a0 = th[p.app0] * pat_s[r];
    ws.a_coef[r] = a0 / std::pow(keff, ws.beta_pat);
  }
}

void FourPlusOne::year_start(Workspace& ws, int year, State& x, std::span<const double> u) const {
  const std::size_t R = nr_;
  const int cy = year + 1;  // the interval [year, year+1] is calendar year year+1
  ws.year = year;

  // Yearly shocks: GDP growth (one common factor), execution of money levers.
  double e_fund = clamp01(ws.exec_mean), e_own = e_fund;
  RegionArray xi{};
  if (shocks_) {
    const double zc = normal_quantile(u[0]);
    const double a = std::sqrt(ws.shock_rho), c = std::sqrt(1.0 - ws.shock_rho);
    for (std::size_t r = 0; r < R; ++r)
      xi[r] = ws.shock_sd * (a * zc + c * normal_quantile(u[1 + r]));
    e_fund = clamp01(ws.exec_mean + ws.exec_sd * normal_quantile(u[R + 1]));
    e_own = clamp01(ws.exec_mean + ws.exec_sd * normal_quantile(u[R + 2]));
  }

  // Money above the start-year level, after slippage.
  const double fund = (lever(fund_, cy) - lever(fund_, start_)) * e_fund;
  const double use_ent = lever(use_enterprise_, cy), use_plat = lever(use_platforms_, cy);
  const double use_inc = lever(use_incubators_, cy), use_mk = lever(use_makers_, cy);
  const double use_team = lever(use_teams_, cy), use_pat = lever(use_patents_, cy);
  const double use_int = lever(use_intermediaries_, cy), use_pub = lever(use_public_, cy);

  // Tax price and the business R&D target.
  ws.tax_price = tax_price(lever(corp_tax_, cy), lever(ht_tax_, cy), ws.hte_rd,
                           lever(super_rate_, cy), lever(claimed_, cy));
  const double price_factor = std::pow(ws.tax_price / ws.rho0, -ws.eps);

  const double sw_reg = lever(reg_switch_, cy), sw_sme = lever(sme_switch_, cy);
  const double sw_hte = lever(hte_switch_, cy);
  ws.gamma_e_year = ws.gamma_e * (1.0 + ws.reg_uplift * sw_reg);
  ws.cert_rate = ws.c0 * (1.0 + ws.hte_uplift * sw_hte);

  double sum_m = 0;
  for (std::size_t r = 0; r < R; ++r) sum_m += x[at(kSmes, r)];
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  const double lg_select = lever(lg_select_, cy);

  for (std::size_t r = 0; r < R; ++r) {
    const double pot = fund * lever(alloc_, cy, r);
    const double subsidy = pot * use_ent, plat_money = pot * use_plat;
    const double own = (lever(own_st_, cy, r) - lever(own_st_, start_, r)) * e_own;
    ws.growth[r] = ws.g_real[r] + ws.inflation + xi[r];
    ws.gov_rd[r] = std::max(0.0, ws.g0[r] + ws.fiscal_rd_share * own + subsidy + plat_money +
                                     pot * use_team + pot * use_pub);
    ws.bstar_coef[r] = ws.b0[r] * ws.inv_y0[r] * price_factor;
    ws.mu_subsidy[r] = ws.mu * subsidy;
    ws.m_inflow[r] = ws.m_base[r] * (1.0 + ws.reg_uplift * sw_reg) + ws.sme_prog * ws.m0_share[r] * sw_sme;
    ws.inter_funded[r] = std::max(0.0, pot * use_int) / ws.inter_cost;
    ws.app_subsidy[r] = ws.nu * std::max(0.0, pot * use_pat);
    const double keff = x[at(kRdCapital, r)] + sk[static_cast<Eigen::Index>(r)];
    ws.keff_year[r] = keff;
    ws.inv_keff_year[r] = 1.0 / keff;
    ws.app_scale[r] = ws.a_coef[r] * std::pow(keff, ws.beta_pat);

    // Integer events for the small-count stocks (expected flows when off).
    const double* ur = u.data() + 3 + R + kRandomsPerRegion * r;
    auto births = [&](double mean, double uu) {
      return integer_events_ ? poisson_inverse(mean, uu) : std::max(0.0, mean);
    };
    auto losses = [&](double n, double prob, double uu) {
      return integer_events_ ? binomial_inverse(n, prob, uu) : n * prob;
    };
    const double h_gain = std::max(0.0, x[at(kHighTech, r)] - ws.h0[r]);
    for (std::size_t kt = 0; kt < kPlatformTypes; ++kt) {
      double mean = ws.plat_base[kt][r] +
                    std::max(0.0, plat_money * lever(plat_type_share_[kt], cy)) / ws.plat_cost[kt];
      if (kt == kEnterpriseTechCentres - kKeyLabs) mean += ws.etc_per_hte * h_gain;
      double& n = ws.platforms[kt][r];
      const double closed = losses(n, ws.plat_close, ur[2 * kt + 1]);
      n += births(mean, ur[2 * kt]) - closed;
    }
    const double up = losses(ws.makers[r], ws.upgrade, ur[14]);
    const double inc_closed = losses(ws.incubators[r], ws.inc_close, ur[11]);
    const double mk_closed = losses(ws.makers[r] - up, ws.maker_close, ur[13]);
    ws.incubators[r] += births(ws.inc_base[r] + std::max(0.0, pot * use_inc) / ws.inc_cost, ur[10]) -
                        inc_closed + up;
    ws.makers[r] += births(ws.maker_base[r] + std::max(0.0, pot * use_mk) / ws.maker_cost, ur[12]) -
                    mk_closed - up;
    const double dissolved = losses(ws.teams[r], ws.team_dissolve, ur[16]);
    ws.teams[r] += births(ws.team_base[r] + std::max(0.0, pot * use_team) / ws.team_cost, ur[15]) -
                   dissolved;
    double& lg = ws.little_giants[r];
    lg -= losses(lg, ws.lg_exit, ur[18]);
    const double m = x[at(kSmes, r)];
    const double room = ws.lg_cap * m - lg;
    const double want = sum_m > 0 ? lg_select * m / sum_m : 0.0;
    double picked = births(std::max(0.0, std::min(want, room)), ur[17]);
    if (integer_events_) picked = std::min(picked, std::max(0.0, std::floor(room)));
    lg += picked;

    ws.e_births[r] = ws.e_base[r] + ws.beta_maker * ws.makers[r] + ws.beta_inc * ws.incubators[r];

    // Yearly accumulators restart.
    x[at(kGrantsYear, r)] = 0.0;
    x[at(kGdpYear, r)] = 0.0;
    x[at(kRdYear, r)] = 0.0;
  }
}

void FourPlusOne::rhs(const Workspace& ws, const State& x, State& dx, double /*t*/) const {
  const std::size_t R = nr_;
  std::fill(dx.begin(), dx.end(), 0.0);
  for (std::size_t r = 0; r < R; ++r) {
    const double y = x[at(kGdp, r)], b = x[at(kBusinessRd, r)], k = x[at(kRdCapital, r)];
    const double e = x[at(kEntrepreneurs, r)], m = x[at(kSmes, r)], h = x[at(kHighTech, r)];
    const double zr = (m + ws.chi * h) * ws.inv_z0[r];
    const double bstar = ws.bstar_coef[r] * y * (1.0 + ws.psi_b * (zr - 1.0)) + ws.mu_subsidy[r];
    const double rd = ws.gov_rd[r] + b + ws.o_coef[r] * y;
    const double dk = rd - ws.delta * k;
    dx[at(kBusinessRd, r)] = ws.kappa * (bstar - b);
    dx[at(kRdCapital, r)] = dk;
    dx[at(kRdYear, r)] = rd;
    dx[at(kGdpYear, r)] = y;
    // Enterprise pipeline E -> M <-> H.
    const double rd_rel = b / y * ws.b_over_y0_inv[r];
    const double cert = ws.cert_rate * std::max(0.0, 1.0 + ws.psi_c * (rd_rel - 1.0));
    dx[at(kEntrepreneurs, r)] = ws.e_births[r] - (ws.x_e + ws.gamma_e_year) * e;
    dx[at(kSmes, r)] = ws.gamma_e_year * e + ws.m_inflow[r] - (ws.x_m + cert) * m + ws.recert * h;
    dx[at(kHighTech, r)] = ws.h_base[r] + cert * m - (ws.x_h + ws.recert) * h;
    // Intermediaries follow demand from firms, plus funded entries.
    const double istar = ws.i0[r] * (1.0 + ws.psi_i * (zr - 1.0));
    dx[at(kIntermediaries, r)] = ws.kappa_i * (istar - x[at(kIntermediaries, r)]) + ws.inter_funded[r];
  }
  const double beta = ws.beta_pat, c2 = 0.5 * beta * (beta - 1.0);
  const double ks = ws.stage_rate;
  const std::size_t last = stages_ - 1;
  // Spillover terms (absorption_r sum_s W_rs K_s and its derivative): two small mat-vecs, no heap.
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  const RegionVector sdk = ws.spill.lazyProduct(region_var(dx, kRdCapital, R));
  for (std::size_t r = 0; r < R; ++r) {
    const auto ri = static_cast<Eigen::Index>(r);
    const double keff = x[at(kRdCapital, r)] + sk[ri];
    const double dkeff = dx[at(kRdCapital, r)] + sdk[ri];
    const double y = x[at(kGdp, r)];
    dx[at(kGdp, r)] = (ws.growth[r] + ws.eta * (dkeff / keff - ws.rd_growth0)) * y;
    // Applications: second-order expansion of (Keff/Keff_year)^beta within the year.
    const double v = keff * ws.inv_keff_year[r] - 1.0;
    const double apps = ws.app_scale[r] * (1.0 + beta * v + c2 * v * v) + ws.app_subsidy[r];
    dx[at(kExamStage0, r)] = apps - ks * x[at(kExamStage0, r)];
    for (std::size_t j = 1; j < stages_; ++j)
      dx[at(kExamStage0 + j, r)] = ks * (x[at(kExamStage0 + j - 1, r)] - x[at(kExamStage0 + j, r)]);
    const double grants = ws.grant_rate * ks * x[at(kExamStage0 + last, r)];
    dx[at(kGrantsYear, r)] = grants;
    dx[at(kValidPatents, r)] = grants - ws.lapse * x[at(kValidPatents, r)];
  }
}

void FourPlusOne::observe(Workspace& ws, int year, const State& x, std::span<double> out) const {
  const std::size_t R = nr_, W = R + 1;
  const bool first = year == start_;
  const double tau = double(year - start_);
  auto put = [&](std::size_t ind, std::size_t r, double v) { out[ind * W + r] = v; };

  double s_rd = 0, s_y = 0, s_y0 = 0, s_yf = 0, s_yend = 0, s_v = 0, s_n = 0;
  double s_va = 0, s_iva = 0, s_g = 0, s_gp = 0;
  double s_cnt[kNumIndicators] = {};
  const double pop_factor = std::exp(ws.pop_growth * tau);
  const double va_factor = std::exp(ws.va_growth * tau);
  for (std::size_t r = 0; r < R; ++r) {
    const double y = x[at(kGdp, r)];
    // R&D intensity: annual R&D over annual GDP (at the start: the calibrated flows).
    double rd, ya;
    if (first) {
      rd = ws.g0[r] + x[at(kBusinessRd, r)] + ws.o_coef[r] * y;
      ya = y;
    } else {
      rd = x[at(kRdYear, r)];
      ya = x[at(kGdpYear, r)];
    }
    put(kRdIntensity, r, 100.0 * rd / ya);
    s_rd += rd;
    s_y += ya;
    // Contribution of S&T progress: (real growth - factor growth) / real growth, from start.
    double contrib = ws.contribution0;
    if (!first) {
      const double real = std::log(y) - ws.lny0[r] - ws.inflation * tau;
      contrib = 100.0 * (real - ws.g_factor[r] * tau) / std::max(real, min_growth_ * tau);
    }
    put(kStContribution, r, contrib);
    s_y0 += ws.y0[r];
    s_yf += ws.y0[r] * std::exp(ws.g_factor[r] * tau);
    s_yend += y;
    // Counts.
    double plat = 0;
    for (std::size_t k = 0; k < kPlatformTypes; ++k) {
      put(kKeyLabs + k, r, ws.platforms[k][r]);
      s_cnt[kKeyLabs + k] += ws.platforms[k][r];
      plat += ws.platforms[k][r];
    }
    const std::pair<std::size_t, double> counts[] = {
        {kPlatforms, plat},
        {kIntermediariesInd, x[at(kIntermediaries, r)]},
        {kIncubators, ws.incubators[r]},
        {kTeams, ws.teams[r]},
        {kHighTechEnterprises, x[at(kHighTech, r)]},
        {kTechSmes, x[at(kSmes, r)]},
        {kMassEntrepreneurship, x[at(kEntrepreneurs, r)]},
        {kLittleGiants, ws.little_giants[r]},
        {kMakerSpaces, ws.makers[r]},
    };
    for (const auto& [ind, v] : counts) {
      put(ind, r, v);
      s_cnt[ind] += v;
    }
    // Patents per 10k people.
    const double n = ws.n0[r] * pop_factor;
    put(kPatentsPer10k, r, 1e4 * x[at(kValidPatents, r)] / n);
    s_v += x[at(kValidPatents, r)];
    s_n += n;
    // High-tech VA share of above-scale industrial VA.
    const double va = ws.va_per_hte * x[at(kHighTech, r)] * va_factor;
    const double iva = ws.iva_share[r] * y;
    put(kHighTechVaShare, r, 100.0 * va / iva);
    s_va += va;
    s_iva += iva;
    // Invention grants: average annual growth from the start year (the plan's 年均增长).
    put(kGrantGrowth, r,
        first ? ws.grant_growth0
              : 100.0 * (std::pow(x[at(kGrantsYear, r)] / ws.grants_base[r], 1.0 / tau) - 1.0));
    s_g += x[at(kGrantsYear, r)];
    s_gp += ws.grants_base[r];
  }
  // Zone: sums, and ratios of sums.
  put(kRdIntensity, R, 100.0 * s_rd / s_y);
  if (first) {
    put(kStContribution, R, ws.contribution0);
  } else {
    const double real = std::log(s_yend / s_y0) - ws.inflation * tau;
    const double factor = std::log(s_yf / s_y0);
    put(kStContribution, R, 100.0 * (real - factor) / std::max(real, min_growth_ * tau));
  }
  for (std::size_t ind : {kPlatforms, kIntermediariesInd, kIncubators, kTeams, kHighTechEnterprises,
                          kTechSmes, kMassEntrepreneurship, kLittleGiants, kMakerSpaces, kKeyLabs,
                          kEngineeringLabs, kEngineeringResearchCentres, kTechInnovationCentres,
                          kEnterpriseTechCentres})
    put(ind, R, s_cnt[ind]);
  put(kPatentsPer10k, R, 1e4 * s_v / s_n);
  put(kHighTechVaShare, R, 100.0 * s_va / s_iva);
  put(kGrantGrowth, R, first ? ws.grant_growth0 : 100.0 * (std::pow(s_g / s_gp, 1.0 / tau) - 1.0));
}

}  // namespace innosim
