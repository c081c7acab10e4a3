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
using RegionVarMap =
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, 1>, 0, Eigen::InnerStride<FourPlusOne::kNumVars>>;
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
double year_integral_factor(double g) { return std::abs(g) > 1e-12 ? -std::expm1(-g) / g : 1.0; }

// Grants over the start year per unit of grant rate and of start-year
// applications, for an Erlang(n, k) chain in steady growth at rate g:
// (k / (g + k))^n (1 - e^-g) / g (docs/model.md section 2).
double steady_grants_per_application(double g, double k, std::size_t n) {
  return std::pow(k / (g + k), double(n)) * year_integral_factor(g);
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPositive = std::numeric_limits<double>::min();  // as a lower bound: "strictly positive"

using Par = FourPlusOne::Parameters;

// One row of the parameter table: a scenario parameter, the support its prior
// must lie within (a draw outside would break an equation), and the field of
// FourPlusOne::Parameters its drawn value is copied to. Three kinds of field:
// one value for the zone, one per region (by_region in the scenario), or one
// element of a per-platform-type array.
struct ParameterRow {
  const char* name;
  double lower, upper;
  double Par::*zone = nullptr;
  FourPlusOne::RegionArray Par::*by_region = nullptr;
  FourPlusOne::TypeArray Par::*by_type = nullptr;
  std::size_t type = 0;

  constexpr ParameterRow(const char* n, double lo, double hi, double Par::*f)
      : name(n), lower(lo), upper(hi), zone(f) {}
  constexpr ParameterRow(const char* n, double lo, double hi, FourPlusOne::RegionArray Par::*f)
      : name(n), lower(lo), upper(hi), by_region(f) {}
  constexpr ParameterRow(const char* n, double lo, double hi, FourPlusOne::TypeArray Par::*f, std::size_t k)
      : name(n), lower(lo), upper(hi), by_type(f), type(k) {}
};
static_assert(FourPlusOne::kMaxRegions != FourPlusOne::kPlatformTypes,
              "RegionArray and TypeArray must be distinct types for the parameter table");

// Every parameter the model reads (docs/model.md section 7), in the order
// they are bound. Adding a parameter: a field in FourPlusOne::Parameters, a
// row here, and its use.
constexpr ParameterRow kParameterTable[] = {
    // Economy.
    {"gdp_2015", kPositive, kInf, &Par::gdp_2015},
    {"gdp_share", kPositive, kInf, &Par::gdp_share},
    {"population_2015", kPositive, kInf, &Par::population_2015},
    {"population_share", kPositive, kInf, &Par::population_share},
    {"population_growth", -0.5, 0.5, &Par::population_growth},
    {"gdp_growth_real", -0.5, 0.5, &Par::gdp_growth_real},
    {"gdp_deflator_growth", -0.5, 0.5, &Par::gdp_deflator_growth},
    {"gdp_shock_sd", 0, 0.5, &Par::gdp_shock_sd},
    {"gdp_shock_correlation", 0, 1, &Par::gdp_shock_correlation},
    {"st_contribution_2015", 0, 100, &Par::st_contribution_2015},
    {"industrial_va_share", kPositive, 1, &Par::industrial_va_share},
    // R&D.
    {"rd_intensity_2015", 0, 100, &Par::rd_intensity_2015},
    {"rd_share", kPositive, kInf, &Par::rd_share},
    {"rd_business_weight", 0, kInf, &Par::rd_business_weight},
    {"rd_government_weight", 0, kInf, &Par::rd_government_weight},
    {"rd_other_weight", 0, kInf, &Par::rd_other_weight},
    {"rd_growth_pre_2015", -0.5, 1, &Par::rd_growth_pre_2015},
    {"rd_depreciation", kPositive, 1, &Par::rd_depreciation},
    {"rd_output_elasticity", 0, 1, &Par::rd_output_elasticity},
    {"business_rd_adjustment", kPositive, 10, &Par::business_rd_adjustment},
    {"user_cost_elasticity", 0, 5, &Par::user_cost_elasticity},
    {"subsidy_additionality", -1, 5, &Par::subsidy_additionality},
    {"firm_base_elasticity", 0, 1, &Par::firm_base_elasticity},
    {"hte_weight_in_firm_base", 0, kInf, &Par::hte_weight_in_firm_base},
    {"hte_rd_share", 0, 1, &Par::hte_rd_share},
    {"fiscal_st_rd_share", 0, 1, &Par::fiscal_st_rd_share},
    {"spillover_absorption", 0, kInf, &Par::spillover_absorption},
    {"execution_rate_mean", 0, 1, &Par::execution_rate_mean},
    {"execution_rate_sd", 0, 1, &Par::execution_rate_sd},
    // Enterprises.
    {"mass_entrepreneurship_2015", 0, kInf, &Par::mass_entrepreneurship_2015},
    {"mass_entrepreneurship_share", kPositive, kInf, &Par::mass_entrepreneurship_share},
    {"entrepreneur_exit_rate", 0, 10, &Par::entrepreneur_exit_rate},
    {"entrepreneur_graduation_rate", 0, 10, &Par::entrepreneur_graduation_rate},
    {"entrepreneur_trend_growth", -1, 1, &Par::entrepreneur_trend_growth},
    {"entities_per_maker_space", 0, kInf, &Par::entities_per_maker_space},
    {"entities_per_incubator", 0, kInf, &Par::entities_per_incubator},
    {"tech_smes_2015", kPositive, kInf, &Par::tech_smes_2015},
    {"tech_sme_share", kPositive, kInf, &Par::tech_sme_share},
    {"sme_exit_rate", 0, 10, &Par::sme_exit_rate},
    {"sme_trend_growth", -1, 1, &Par::sme_trend_growth},
    {"sme_programme_inflow", 0, kInf, &Par::sme_programme_inflow},
    {"sme_registration_uplift", 0, kInf, &Par::sme_registration_uplift},
    {"high_tech_enterprises_2015", kPositive, kInf, &Par::high_tech_enterprises_2015},
    {"hte_share", kPositive, kInf, &Par::hte_share},
    {"hte_certification_rate", 0, 10, &Par::hte_certification_rate},
    {"hte_certification_rd_elasticity", 0, kInf, &Par::hte_certification_rd_elasticity},
    {"hte_programme_uplift", 0, kInf, &Par::hte_programme_uplift},
    {"hte_recertification_failure", 0, 1, &Par::hte_recertification_failure},
    {"hte_status_years", 1, kInf, &Par::hte_status_years},
    {"hte_exit_rate", 0, 10, &Par::hte_exit_rate},
    {"hte_trend_growth", -1, 1, &Par::hte_trend_growth},
    {"little_giants_2015", 0, kInf, &Par::little_giants_2015},
    {"little_giant_max_share_of_smes", 0, 1, &Par::little_giant_max_share_of_smes},
    {"little_giant_exit_rate", 0, 1, &Par::little_giant_exit_rate},
    // Platforms and services (platform types in the order of FourPlusOne::kKeyLabs ...).
    {"platforms_2015", 0, kInf, &Par::platforms_2015},
    {"platform_share", kPositive, kInf, &Par::platform_share},
    {"platform_trend_growth", -1, 1, &Par::platform_trend_growth},
    {"platform_closure_rate", 0, 1, &Par::platform_closure_rate},
    {"enterprise_centres_per_new_hte", 0, kInf, &Par::enterprise_centres_per_new_hte},
    {"platform_type_share_key_labs", 0, kInf, &Par::platform_type_share, 0},
    {"platform_unit_cost_key_labs", kPositive, kInf, &Par::platform_unit_cost, 0},
    {"platform_type_share_engineering_labs", 0, kInf, &Par::platform_type_share, 1},
    {"platform_unit_cost_engineering_labs", kPositive, kInf, &Par::platform_unit_cost, 1},
    {"platform_type_share_engineering_research_centres", 0, kInf, &Par::platform_type_share, 2},
    {"platform_unit_cost_engineering_research_centres", kPositive, kInf, &Par::platform_unit_cost, 2},
    {"platform_type_share_tech_innovation_centres", 0, kInf, &Par::platform_type_share, 3},
    {"platform_unit_cost_tech_innovation_centres", kPositive, kInf, &Par::platform_unit_cost, 3},
    {"platform_type_share_enterprise_tech_centres", 0, kInf, &Par::platform_type_share, 4},
    {"platform_unit_cost_enterprise_tech_centres", kPositive, kInf, &Par::platform_unit_cost, 4},
    {"incubators_2015", 0, kInf, &Par::incubators_2015},
    {"incubator_share", kPositive, kInf, &Par::incubator_share},
    {"incubator_trend_growth", -1, 1, &Par::incubator_trend_growth},
    {"incubator_closure_rate", 0, 1, &Par::incubator_closure_rate},
    {"incubator_unit_cost", kPositive, kInf, &Par::incubator_unit_cost},
    {"maker_space_upgrade_rate", 0, 1, &Par::maker_space_upgrade_rate},
    {"maker_spaces_2015", 0, kInf, &Par::maker_spaces_2015},
    {"maker_space_share", kPositive, kInf, &Par::maker_space_share},
    {"maker_space_trend_growth", -1, 1, &Par::maker_space_trend_growth},
    {"maker_space_closure_rate", 0, 1, &Par::maker_space_closure_rate},
    {"maker_space_unit_cost", kPositive, kInf, &Par::maker_space_unit_cost},
    {"innovation_teams_2015", 0, kInf, &Par::innovation_teams_2015},
    {"team_share", kPositive, kInf, &Par::team_share},
    {"team_trend_growth", -1, 1, &Par::team_trend_growth},
    {"team_lifetime", 1, kInf, &Par::team_lifetime},
    {"team_unit_cost", kPositive, kInf, &Par::team_unit_cost},
    {"intermediaries_2015", 0, kInf, &Par::intermediaries_2015},
    {"intermediary_share", kPositive, kInf, &Par::intermediary_share},
    {"intermediary_adjustment", 0, 10, &Par::intermediary_adjustment},
    {"intermediary_demand_elasticity", 0, 1, &Par::intermediary_demand_elasticity},
    {"intermediary_unit_cost", kPositive, kInf, &Par::intermediary_unit_cost},
    // Patents.
    {"patents_per_10k_2015", 0, kInf, &Par::patents_per_10k_2015},
    {"patent_share", kPositive, kInf, &Par::patent_share},
    {"invention_applications_2015", kPositive, kInf, &Par::invention_applications_2015},
    {"invention_grants_2015", kPositive, kInf, &Par::invention_grants_2015},
    {"patent_rd_elasticity", 0, 1, &Par::patent_rd_elasticity},
    {"patent_examination_lag", 0.1, 20, &Par::patent_examination_lag},
    {"patent_lapse_rate", 0, 1, &Par::patent_lapse_rate},
    {"application_trend_growth", -0.3, 1, &Par::application_trend_growth},
    {"patent_subsidy_effect", 0, kInf, &Par::patent_subsidy_effect},
    // High-tech value added.
    {"high_tech_va_share_2015", 0, 100, &Par::high_tech_va_share_2015},
    {"va_per_hte_growth", -0.5, 0.5, &Par::va_per_hte_growth},
};

// Platform types as they appear in parameter and lever names, in indicator order.
constexpr const char* kPlatformTypeNames[FourPlusOne::kPlatformTypes] = {
    "key_labs", "engineering_labs", "engineering_research_centres", "tech_innovation_centres",
    "enterprise_tech_centres"};

}  // namespace

// Regional shares of the zone totals, normalised (ŝ_r = s_r / Σ s).
struct FourPlusOne::Shares {
  RegionArray gdp, population, rd, entrepreneurs, smes, hte, platforms, incubators, maker_spaces, teams,
      intermediaries, patents;
};

double FourPlusOne::tax_price(double corporate_rate, double high_tech_rate, double high_tech_rd_share,
                              double super_deduction_rate, double claimed_share) {
  auto rho = [&](double tau) {
    return (1.0 - tau * (1.0 + super_deduction_rate * claimed_share)) / (1.0 - tau);
  };
  return high_tech_rd_share * rho(high_tech_rate) + (1.0 - high_tech_rd_share) * rho(corporate_rate);
}

double FourPlusOne::lever(const Path& p, int year, std::size_t r) const {
  const int y = std::clamp(year, start_, end_);
  return p.v[static_cast<std::size_t>(y - start_) * n_regions_ + r];
}

std::size_t FourPlusOne::n_years() const { return static_cast<std::size_t>(std::max(0, end_ - start_) + 1); }

bool FourPlusOne::regions_supported() const { return n_regions_ > 0 && n_regions_ <= kMaxRegions; }

// ---- construction ----

FourPlusOne::FourPlusOne(const Scenario& s)
    : n_regions_(s.regions.size()),
      n_params_(s.parameters.size()),
      start_(s.horizon.start),
      end_(s.horizon.end) {
  ModelBinding b(s);
  check_regions(b);
  bind_indicators(b);
  bind_options(b);
  bind_parameters(b);
  check_grant_rate(b);
  bind_matrices(b);
  bind_levers(b);
  check_lever_paths(b);
  b.finish();
}

void FourPlusOne::check_regions(ModelBinding& b) const {
  const Scenario& s = b.scenario();
  if (n_regions_ == 0) b.problem(s.where, "regions", "the 4+1 model needs at least one [[regions]] entry");
  if (n_regions_ > kMaxRegions)
    b.problem(s.where, "regions",
              "the 4+1 model supports at most " + std::to_string(kMaxRegions) + " regions, got " +
                  std::to_string(n_regions_) + " (raise FourPlusOne::kMaxRegions and rebuild)");
}

void FourPlusOne::bind_indicators(ModelBinding& b) {
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
  std::vector<std::string> ids;
  for (const auto& i : indicators_) ids.push_back(i.id);
  b.indicators(ids);
}

// Options are all required: no model numbers in C++.
void FourPlusOne::bind_options(ModelBinding& b) {
  const Scenario& s = b.scenario();
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
  const double integer_events = option("integer_events");
  const double shocks = option("shocks");
  const double stages = option("patent_exam_stages");
  const double min_growth = option("contribution_min_growth");
  integer_events_ = !(integer_events == 0.0);
  shocks_ = !(shocks == 0.0);
  if (!std::isnan(stages)) {
    if (stages < 1 || stages > double(kMaxStages) || stages != std::floor(stages))
      b.problem(
          option_loc("patent_exam_stages"), "model_options.patent_exam_stages",
          "expected an integer from 1 to " + std::to_string(kMaxStages) + ", got " + std::to_string(stages));
    else
      n_stages_ = static_cast<std::size_t>(stages);
  }
  if (!std::isnan(min_growth)) {
    if (!(min_growth > 0))
      b.problem(option_loc("contribution_min_growth"), "model_options.contribution_min_growth",
                "expected a positive rate per year, got " + std::to_string(min_growth));
    min_growth_ = min_growth;
  }
}

// Every row of the parameter table: its theta indices, and a support check
// (the prior must lie within the row's bounds).
void FourPlusOne::bind_parameters(ModelBinding& b) {
  const Scenario& s = b.scenario();
  theta_index_.clear();
  for (const ParameterRow& row : kParameterTable) {
    std::vector<std::size_t> idx =
        row.by_region ? b.parameter_by_region(row.name) : std::vector<std::size_t>{b.parameter(row.name)};
    for (std::size_t i : idx) {
      if (i >= s.parameters.size()) continue;  // missing: reported by the binding
      const auto& d = s.parameters[i].dist;
      if (d.lower() < row.lower || d.upper() > row.upper)
        b.problem(s.parameters[i].where, "parameters." + s.parameters[i].id,
                  "the distribution " + d.describe() + " must lie within [" + std::to_string(row.lower) +
                      ", " + std::to_string(row.upper) + "]");
    }
    theta_index_.push_back(std::move(idx));
  }
}

// The grant rate is calibrated per draw (init): grant_rate = G15 / (A0 f(g_A, L)). f falls with
// g_A, and with L when g_A >= 0 (rises when g_A < 0), so the largest rate any draw can get is at
// the corner below; above 1 a draw would grant more than is applied for.
void FourPlusOne::check_grant_rate(ModelBinding& b) const {
  const Scenario& s = b.scenario();
  const auto grants_i = s.parameter_index("invention_grants_2015");
  const auto apps_i = s.parameter_index("invention_applications_2015");
  const auto growth_i = s.parameter_index("application_trend_growth");
  const auto lag_i = s.parameter_index("patent_examination_lag");
  if (!grants_i || !apps_i || !growth_i || !lag_i) return;  // missing: reported by the binding
  const auto& grants = s.parameters[*grants_i].dist;
  const double a_lo = s.parameters[*apps_i].dist.lower();
  const double g_hi = s.parameters[*growth_i].dist.upper();
  const auto& lag = s.parameters[*lag_i].dist;
  const double lag_worst = g_hi >= 0 ? lag.upper() : lag.lower();
  const double f = steady_grants_per_application(g_hi, double(n_stages_) / lag_worst, n_stages_);
  const double rate_max = grants.upper() / (a_lo * f);
  if (!(f > 0 && rate_max <= 1.0))
    b.problem(s.parameters[*grants_i].where, "parameters.invention_grants_2015",
              "with " + grants.describe() + " the calibrated patent grant rate reaches " +
                  std::to_string(rate_max) +
                  " (> 1: more grants than applications) at invention_applications_2015 = " +
                  std::to_string(a_lo) + ", application_trend_growth = " + std::to_string(g_hi) +
                  ", patent_examination_lag = " + std::to_string(lag_worst));
}

// The spillover matrix W. K_eff,r = K_r + absorption_r sum_{s != r} W_rs K_s: own capital enters
// once, and a negative weight could make K_eff non-positive.
void FourPlusOne::bind_matrices(ModelBinding& b) {
  const Scenario& s = b.scenario();
  const ModelMatrix* w = b.matrix("spillover");
  if (!w || !regions_supported()) return;
  const std::size_t R = n_regions_;
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

// Every lever (docs/model.md section 8), resolved per calendar year.
void FourPlusOne::bind_levers(ModelBinding& b) {
  enum class Shape { zone, region };
  struct LeverRow {
    const char* name;
    const char* unit;
    Shape shape;
    Path Levers::*field;
  };
  static constexpr LeverRow kLeverTable[] = {
      {"fiscal_rd_zone", "yuan", Shape::zone, &Levers::fiscal_rd_zone},
      {"fiscal_rd_allocation", "share", Shape::region, &Levers::fiscal_rd_allocation},
      {"own_fiscal_st", "yuan", Shape::region, &Levers::own_fiscal_st},
      {"corporate_tax_rate", "share", Shape::zone, &Levers::corporate_tax_rate},
      {"high_tech_tax_rate", "share", Shape::zone, &Levers::high_tech_tax_rate},
      {"super_deduction_rate", "1", Shape::zone, &Levers::super_deduction_rate},
      {"super_deduction_claimed_share", "share", Shape::zone, &Levers::super_deduction_claimed_share},
      {"tech_sme_registration", "switch", Shape::zone, &Levers::tech_sme_registration},
      {"sme_doubling_programme", "switch", Shape::zone, &Levers::sme_doubling_programme},
      {"hte_cultivation_programme", "switch", Shape::zone, &Levers::hte_cultivation_programme},
      {"little_giants_selected_per_year", "count", Shape::zone, &Levers::little_giants_selected_per_year},
      {"fund_use_enterprise_rd", "share", Shape::zone, &Levers::fund_use_enterprise_rd},
      {"fund_use_platforms", "share", Shape::zone, &Levers::fund_use_platforms},
      {"fund_use_incubators", "share", Shape::zone, &Levers::fund_use_incubators},
      {"fund_use_maker_spaces", "share", Shape::zone, &Levers::fund_use_maker_spaces},
      {"fund_use_teams", "share", Shape::zone, &Levers::fund_use_teams},
      {"fund_use_patents", "share", Shape::zone, &Levers::fund_use_patents},
      {"fund_use_intermediaries", "share", Shape::zone, &Levers::fund_use_intermediaries},
      {"fund_use_public_rd", "share", Shape::zone, &Levers::fund_use_public_rd},
  };
  const std::size_t years = n_years(), R = n_regions_;
  auto path = [&](const std::string& id, const char* unit, Shape shape) {
    Path out;
    const Lever* l = b.lever(id, unit);
    if (!l || !regions_supported()) return out;
    if (shape == Shape::zone && l->per_region())
      b.problem(l->where, "levers." + id, "expected one zone-wide path (years/values), not by_region");
    if (shape == Shape::region && !l->per_region())
      b.problem(l->where, "levers." + id, "expected one path per region (by_region.<region>)");
    out.per_region = l->per_region();
    out.v.resize(years * R);
    for (std::size_t yi = 0; yi < years; ++yi)
      for (std::size_t r = 0; r < R; ++r) out.v[yi * R + r] = l->at(start_ + int(yi), r);
    return out;
  };
  for (const LeverRow& row : kLeverTable) levers_.*row.field = path(row.name, row.unit, row.shape);
  for (std::size_t k = 0; k < kPlatformTypes; ++k)
    levers_.platform_funding_share[k] =
        path("platform_funding_share_" + std::string(kPlatformTypeNames[k]), "share", Shape::zone);
}

// Shares that must add up to one in every year, and rates the equations need in range.
void FourPlusOne::check_lever_paths(ModelBinding& b) const {
  if (!regions_supported()) return;
  const Scenario& s = b.scenario();
  const Levers& l = levers_;
  const std::size_t years = n_years(), R = n_regions_;
  auto complete = [&](const Path& p) { return p.v.size() == years * R; };
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
  if (complete(l.fiscal_rd_allocation))
    sums_to_one("levers.fiscal_rd_allocation", [&](std::size_t yi) {
      double sum = 0;
      for (std::size_t r = 0; r < R; ++r) sum += l.fiscal_rd_allocation.v[yi * R + r];
      return sum;
    });
  const Path* uses[] = {&l.fund_use_enterprise_rd,  &l.fund_use_platforms, &l.fund_use_incubators,
                        &l.fund_use_maker_spaces,   &l.fund_use_teams,     &l.fund_use_patents,
                        &l.fund_use_intermediaries, &l.fund_use_public_rd};
  if (std::all_of(std::begin(uses), std::end(uses), [&](const Path* u) { return complete(*u); }))
    sums_to_one("levers.fund_use_*", [&](std::size_t yi) {
      double sum = 0;
      for (const Path* u : uses) sum += u->v[yi * R];
      return sum;
    });
  if (std::all_of(l.platform_funding_share.begin(), l.platform_funding_share.end(), complete))
    sums_to_one("levers.platform_funding_share_*", [&](std::size_t yi) {
      double sum = 0;
      for (const auto& t : l.platform_funding_share) sum += t.v[yi * R];
      return sum;
    });
  if (complete(l.super_deduction_rate))
    for (double v : l.super_deduction_rate.v)
      if (v < 0) {
        b.problem(s.where, "levers.super_deduction_rate", "must not be negative");
        break;
      }
  if (complete(l.corporate_tax_rate) && complete(l.high_tech_tax_rate))
    for (std::size_t i = 0; i < l.corporate_tax_rate.v.size(); ++i)
      if (l.corporate_tax_rate.v[i] >= 1.0 || l.high_tech_tax_rate.v[i] >= 1.0) {
        b.problem(s.where, "levers.corporate_tax_rate",
                  "tax rates must be below 1 (the tax price divides by 1 - rate)");
        break;
      }
}

// ---- init: the state at the end of the start year, per draw ----

void FourPlusOne::init(Workspace& ws, std::span<const double> theta, State& x) const {
  x.assign(kNumVars * n_regions_, 0.0);
  ws = Workspace{};
  ws.year = start_;
  copy_parameters(ws.par, theta);
  const Shares shares = normalised_shares(ws.par);
  init_small_counts(ws, shares);
  init_regions(ws, shares, x);
  calibrate_grants(ws, x);
  init_spillovers(ws, shares, x);
}

void FourPlusOne::copy_parameters(Parameters& par, std::span<const double> theta) const {
  for (std::size_t i = 0; i < std::size(kParameterTable); ++i) {
    const ParameterRow& row = kParameterTable[i];
    const std::vector<std::size_t>& idx = theta_index_[i];
    if (row.zone)
      par.*row.zone = theta[idx[0]];
    else if (row.by_type)
      (par.*row.by_type)[row.type] = theta[idx[0]];
    else
      for (std::size_t r = 0; r < n_regions_; ++r) (par.*row.by_region)[r] = theta[idx[r]];
  }
}

FourPlusOne::Shares FourPlusOne::normalised_shares(const Parameters& p) const {
  auto normalise = [&](const RegionArray& drawn) {
    RegionArray s{};
    double sum = 0;
    for (std::size_t r = 0; r < n_regions_; ++r) sum += drawn[r];
    for (std::size_t r = 0; r < n_regions_; ++r) s[r] = drawn[r] / sum;
    return s;
  };
  Shares s;
  s.gdp = normalise(p.gdp_share);
  s.population = normalise(p.population_share);
  s.rd = normalise(p.rd_share);
  s.entrepreneurs = normalise(p.mass_entrepreneurship_share);
  s.smes = normalise(p.tech_sme_share);
  s.hte = normalise(p.hte_share);
  s.platforms = normalise(p.platform_share);
  s.incubators = normalise(p.incubator_share);
  s.maker_spaces = normalise(p.maker_space_share);
  s.teams = normalise(p.team_share);
  s.intermediaries = normalise(p.intermediary_share);
  s.patents = normalise(p.patent_share);
  return s;
}

// The small-count stocks at the start: zone counts split into integers
// (platforms over types, then over regions; little giants by the SME share).
void FourPlusOne::init_small_counts(Workspace& ws, const Shares& shares) const {
  const Parameters& p = ws.par;
  const std::size_t R = n_regions_;
  RegionArray type_share{};
  double type_sum = 0;
  for (std::size_t k = 0; k < kPlatformTypes; ++k) type_sum += p.platform_type_share[k];
  for (std::size_t k = 0; k < kPlatformTypes; ++k) type_share[k] = p.platform_type_share[k] / type_sum;
  RegionArray by_type{};  // platforms_2015 split over types (integers)
  split_integer(p.platforms_2015, type_share, kPlatformTypes, by_type);
  for (std::size_t k = 0; k < kPlatformTypes; ++k)
    split_integer(by_type[k], shares.platforms, R, ws.platform0[k]);
  split_integer(p.incubators_2015, shares.incubators, R, ws.incubators);
  split_integer(p.maker_spaces_2015, shares.maker_spaces, R, ws.maker_spaces);
  split_integer(p.innovation_teams_2015, shares.teams, R, ws.teams);
  split_integer(p.little_giants_2015, shares.smes, R, ws.little_giants);
  ws.platforms = ws.platform0;
}

// Each region's continuous state, its constants and the base rates that
// continue its pre-2015 trends (docs/model.md sections 2 and 4).
void FourPlusOne::init_regions(Workspace& ws, const Shares& shares, State& x) const {
  const Parameters& p = ws.par;
  const Levers& l = levers_;
  ws.recert_rate = p.hte_recertification_failure / p.hte_status_years;
  ws.team_dissolve_rate = 1.0 / p.team_lifetime;
  ws.stage_rate = double(n_stages_) / p.patent_examination_lag;
  const double s0 = p.st_contribution_2015 / 100.0;

  // Levers in force in the start year (the 2015 levels the base rates embody).
  const double sw_reg0 = lever(l.tech_sme_registration, start_);
  const double sw_hte0 = lever(l.hte_cultivation_programme, start_);
  ws.tax_price0 =
      tax_price(lever(l.corporate_tax_rate, start_), lever(l.high_tech_tax_rate, start_), p.hte_rd_share,
                lever(l.super_deduction_rate, start_), lever(l.super_deduction_claimed_share, start_));
  const double gamma_e0 = p.entrepreneur_graduation_rate * (1.0 + p.sme_registration_uplift * sw_reg0);
  const double cert0 = p.hte_certification_rate * (1.0 + p.hte_programme_uplift * sw_hte0);

  // R&D split by performer/funder (normalised weights).
  const double wsum = p.rd_business_weight + p.rd_government_weight + p.rd_other_weight;
  const double wb = p.rd_business_weight / wsum, wg = p.rd_government_weight / wsum,
               wo = p.rd_other_weight / wsum;

  const double gdp0 = p.gdp_2015;
  const double rd0 = p.rd_intensity_2015 / 100.0 * gdp0;
  const double pop0 = p.population_2015;
  const double g_app = p.application_trend_growth;
  const double k_stage = ws.stage_rate;
  for (std::size_t r = 0; r < n_regions_; ++r) {
    const double y0 = gdp0 * shares.gdp[r];
    ws.y0[r] = y0;
    ws.inv_y0[r] = 1.0 / y0;
    ws.ln_y0[r] = std::log(y0);
    ws.n0[r] = pop0 * shares.population[r];
    ws.factor_growth[r] = (1.0 - s0) * p.gdp_growth_real[r];
    // R&D.
    const double rd_r = rd0 * shares.rd[r];
    const double b0 = wb * rd_r;
    ws.gov_rd0[r] = wg * rd_r;
    ws.other_rd_per_gdp[r] = wo * rd_r / y0;
    // Target scaled so that B grows with nominal GDP at t0 (partial adjustment lags a growing
    // target by g/kappa).
    ws.b0[r] = b0 * (1.0 + (p.gdp_growth_real[r] + p.gdp_deflator_growth) / p.business_rd_adjustment);
    ws.y0_over_b0[r] = b0 > 0 ? y0 / b0 : 0.0;
    x[at(kGdp, r)] = y0;
    x[at(kBusinessRd, r)] = b0;
    x[at(kRdCapital, r)] = rd_r / (p.rd_depreciation + p.rd_growth_pre_2015);
    // Enterprises.
    const double e0 = p.mass_entrepreneurship_2015 * shares.entrepreneurs[r];
    const double m0 = p.tech_smes_2015 * shares.smes[r];
    const double h0 = p.high_tech_enterprises_2015 * shares.hte[r];
    x[at(kEntrepreneurs, r)] = e0;
    x[at(kSmes, r)] = m0;
    x[at(kHighTech, r)] = h0;
    ws.h0[r] = h0;
    ws.sme_share[r] = shares.smes[r];
    const double z0 = m0 + p.hte_weight_in_firm_base * h0;
    ws.inv_z0[r] = 1.0 / z0;
    ws.e_base[r] = std::max(0.0, (p.entrepreneur_exit_rate + gamma_e0 + p.entrepreneur_trend_growth) * e0 -
                                     p.entities_per_maker_space * ws.maker_spaces[r] -
                                     p.entities_per_incubator * ws.incubators[r]);
    ws.m_base[r] = std::max(
        0.0, (p.sme_exit_rate + cert0 + p.sme_trend_growth) * m0 - gamma_e0 * e0 - ws.recert_rate * h0);
    ws.h_base[r] = std::max(0.0, (p.hte_exit_rate + ws.recert_rate + p.hte_trend_growth) * h0 - cert0 * m0);
    // Services and small counts.
    ws.i0[r] = p.intermediaries_2015 * shares.intermediaries[r];
    x[at(kIntermediaries, r)] = ws.i0[r];
    for (std::size_t k = 0; k < kPlatformTypes; ++k)
      ws.platform_base[k][r] =
          std::max(0.0, (p.platform_trend_growth + p.platform_closure_rate) * ws.platform0[k][r]);
    ws.incubator_base[r] =
        std::max(0.0, (p.incubator_trend_growth + p.incubator_closure_rate) * ws.incubators[r] -
                          p.maker_space_upgrade_rate * ws.maker_spaces[r]);
    ws.maker_space_base[r] =
        std::max(0.0, (p.maker_space_trend_growth + p.maker_space_closure_rate + p.maker_space_upgrade_rate) *
                          ws.maker_spaces[r]);
    ws.team_base[r] = std::max(0.0, (p.team_trend_growth + ws.team_dissolve_rate) * ws.teams[r]);
    // Patents: valid stock from the per-10k figure, pipeline in steady growth.
    x[at(kValidPatents, r)] = p.patents_per_10k_2015 * pop0 / 1e4 * shares.patents[r];
    const double a0 = p.invention_applications_2015 * shares.patents[r];
    double stage = a0 / (g_app + k_stage);
    for (std::size_t j = 0; j < n_stages_; ++j) {
      x[at(kExamStage0 + j, r)] = stage;
      stage *= k_stage / (g_app + k_stage);
    }
  }
}

// Grant rate calibrated so that the zone's grants over the start year (last stage outflow,
// growing at g_A through the year) equal invention_grants_2015; regions then get G15 times their
// patent share. Also the start-year values that need zone sums.
void FourPlusOne::calibrate_grants(Workspace& ws, const State& x) const {
  const Parameters& p = ws.par;
  const double g_app = p.application_trend_growth;
  const double k_stage = ws.stage_rate;
  const std::size_t last = kExamStage0 + n_stages_ - 1;
  double sum_last_flow = 0, sum_iva0 = 0, sum_h0 = 0;
  for (std::size_t r = 0; r < n_regions_; ++r) {
    sum_last_flow += k_stage * x[at(last, r)];
    sum_iva0 += p.industrial_va_share[r] * ws.y0[r];
    sum_h0 += ws.h0[r];
  }
  const double year_factor = year_integral_factor(g_app);
  ws.grant_rate = p.invention_grants_2015 / (sum_last_flow * year_factor);
  for (std::size_t r = 0; r < n_regions_; ++r)
    ws.grants_base[r] = ws.grant_rate * k_stage * x[at(last, r)] * year_factor;
  ws.grant_growth0 = 100.0 * std::expm1(g_app);
  ws.va_per_hte = p.high_tech_va_share_2015 / 100.0 * sum_iva0 / sum_h0;
}

// Spillovers: spill = diag(absorption) W, so K_eff = K + spill K; and the
// patent production scale a_r = A0_r / Keff0_r^beta.
void FourPlusOne::init_spillovers(Workspace& ws, const Shares& shares, const State& x) const {
  const Parameters& p = ws.par;
  const std::size_t R = n_regions_;
  ws.spill.resize(static_cast<Eigen::Index>(R), static_cast<Eigen::Index>(R));
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < R; ++c)
      ws.spill(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          p.spillover_absorption[r] * w_(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  for (std::size_t r = 0; r < R; ++r) {
    const double keff = x[at(kRdCapital, r)] + sk[static_cast<Eigen::Index>(r)];
    const double a0 = p.invention_applications_2015 * shares.patents[r];
    ws.patent_scale[r] = a0 / std::pow(keff, p.patent_rd_elasticity);
  }
}

// ---- the simulation ----

void FourPlusOne::year_start(Workspace& ws, int year, State& x, std::span<const double> u) const {
  const std::size_t R = n_regions_;
  const Parameters& p = ws.par;
  const Levers& l = levers_;
  const int cy = year + 1;  // the interval [year, year+1] is calendar year year+1
  ws.year = year;

  // Yearly shocks: GDP growth (one common factor), execution of money levers.
  double e_fund = clamp01(p.execution_rate_mean), e_own = e_fund;
  RegionArray xi{};
  if (shocks_) {
    const double zc = normal_quantile(u[kCommonShock]);
    const double a = std::sqrt(p.gdp_shock_correlation), c = std::sqrt(1.0 - p.gdp_shock_correlation);
    for (std::size_t r = 0; r < R; ++r)
      xi[r] = p.gdp_shock_sd * (a * zc + c * normal_quantile(u[regional_shock(r)]));
    e_fund = clamp01(p.execution_rate_mean + p.execution_rate_sd * normal_quantile(u[fund_execution(R)]));
    e_own =
        clamp01(p.execution_rate_mean + p.execution_rate_sd * normal_quantile(u[own_budget_execution(R)]));
  }

  // Money above the start-year level, after slippage.
  const double fund = (lever(l.fiscal_rd_zone, cy) - lever(l.fiscal_rd_zone, start_)) * e_fund;
  const double use_ent = lever(l.fund_use_enterprise_rd, cy), use_plat = lever(l.fund_use_platforms, cy);
  const double use_inc = lever(l.fund_use_incubators, cy), use_mk = lever(l.fund_use_maker_spaces, cy);
  const double use_team = lever(l.fund_use_teams, cy), use_pat = lever(l.fund_use_patents, cy);
  const double use_int = lever(l.fund_use_intermediaries, cy), use_pub = lever(l.fund_use_public_rd, cy);

  // Tax price and the business R&D target.
  ws.tax_price = tax_price(lever(l.corporate_tax_rate, cy), lever(l.high_tech_tax_rate, cy), p.hte_rd_share,
                           lever(l.super_deduction_rate, cy), lever(l.super_deduction_claimed_share, cy));
  const double price_factor = std::pow(ws.tax_price / ws.tax_price0, -p.user_cost_elasticity);

  const double sw_reg = lever(l.tech_sme_registration, cy), sw_sme = lever(l.sme_doubling_programme, cy);
  const double sw_hte = lever(l.hte_cultivation_programme, cy);
  ws.gamma_e_year = p.entrepreneur_graduation_rate * (1.0 + p.sme_registration_uplift * sw_reg);
  ws.cert_rate = p.hte_certification_rate * (1.0 + p.hte_programme_uplift * sw_hte);

  double sum_m = 0;
  for (std::size_t r = 0; r < R; ++r) sum_m += x[at(kSmes, r)];
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  const double lg_select = lever(l.little_giants_selected_per_year, cy);

  for (std::size_t r = 0; r < R; ++r) {
    const double pot = fund * lever(l.fiscal_rd_allocation, cy, r);
    const double subsidy = pot * use_ent, plat_money = pot * use_plat;
    const double own = (lever(l.own_fiscal_st, cy, r) - lever(l.own_fiscal_st, start_, r)) * e_own;
    ws.growth[r] = p.gdp_growth_real[r] + p.gdp_deflator_growth + xi[r];
    ws.gov_rd[r] = std::max(0.0, ws.gov_rd0[r] + p.fiscal_st_rd_share * own + subsidy + plat_money +
                                     pot * use_team + pot * use_pub);
    ws.bstar_coef[r] = ws.b0[r] * ws.inv_y0[r] * price_factor;
    ws.mu_subsidy[r] = p.subsidy_additionality * subsidy;
    ws.m_inflow[r] = ws.m_base[r] * (1.0 + p.sme_registration_uplift * sw_reg) +
                     p.sme_programme_inflow * ws.sme_share[r] * sw_sme;
    ws.inter_funded[r] = std::max(0.0, pot * use_int) / p.intermediary_unit_cost;
    ws.app_subsidy[r] = p.patent_subsidy_effect * std::max(0.0, pot * use_pat);
    const double keff = x[at(kRdCapital, r)] + sk[static_cast<Eigen::Index>(r)];
    ws.keff_year[r] = keff;
    ws.inv_keff_year[r] = 1.0 / keff;
    ws.app_scale[r] = ws.patent_scale[r] * std::pow(keff, p.patent_rd_elasticity);

    // Integer events for the small-count stocks (expected flows when off), in
    // the order of docs/model.md section 6.
    const double* ur = u.data() + region_randoms(R, r);
    auto births = [&](double mean, double uu) {
      return integer_events_ ? poisson_inverse(mean, uu) : std::max(0.0, mean);
    };
    auto losses = [&](double n, double prob, double uu) {
      return integer_events_ ? binomial_inverse(n, prob, uu) : n * prob;
    };
    const double h_gain = std::max(0.0, x[at(kHighTech, r)] - ws.h0[r]);
    for (std::size_t kt = 0; kt < kPlatformTypes; ++kt) {
      double mean =
          ws.platform_base[kt][r] +
          std::max(0.0, plat_money * lever(l.platform_funding_share[kt], cy)) / p.platform_unit_cost[kt];
      if (kt == kEnterpriseTechCentres - kKeyLabs) mean += p.enterprise_centres_per_new_hte * h_gain;
      double& n = ws.platforms[kt][r];
      const double closed = losses(n, p.platform_closure_rate, ur[kPlatformClosures + 2 * kt]);
      n += births(mean, ur[kPlatformEntries + 2 * kt]) - closed;
    }
    const double up = losses(ws.maker_spaces[r], p.maker_space_upgrade_rate, ur[kMakerSpaceUpgrades]);
    const double inc_closed = losses(ws.incubators[r], p.incubator_closure_rate, ur[kIncubatorClosures]);
    const double mk_closed =
        losses(ws.maker_spaces[r] - up, p.maker_space_closure_rate, ur[kMakerSpaceClosures]);
    ws.incubators[r] += births(ws.incubator_base[r] + std::max(0.0, pot * use_inc) / p.incubator_unit_cost,
                               ur[kIncubatorEntries]) -
                        inc_closed + up;
    ws.maker_spaces[r] +=
        births(ws.maker_space_base[r] + std::max(0.0, pot * use_mk) / p.maker_space_unit_cost,
               ur[kMakerSpaceEntries]) -
        mk_closed - up;
    const double dissolved = losses(ws.teams[r], ws.team_dissolve_rate, ur[kTeamDissolutions]);
    ws.teams[r] +=
        births(ws.team_base[r] + std::max(0.0, pot * use_team) / p.team_unit_cost, ur[kTeamEntries]) -
        dissolved;
    double& lg = ws.little_giants[r];
    lg -= losses(lg, p.little_giant_exit_rate, ur[kLittleGiantExits]);
    const double m = x[at(kSmes, r)];
    const double room = p.little_giant_max_share_of_smes * m - lg;
    const double want = sum_m > 0 ? lg_select * m / sum_m : 0.0;
    double picked = births(std::max(0.0, std::min(want, room)), ur[kLittleGiantEntries]);
    if (integer_events_) picked = std::min(picked, std::max(0.0, std::floor(room)));
    lg += picked;

    ws.e_births[r] = ws.e_base[r] + p.entities_per_maker_space * ws.maker_spaces[r] +
                     p.entities_per_incubator * ws.incubators[r];

    // Yearly accumulators restart.
    x[at(kGrantsYear, r)] = 0.0;
    x[at(kGdpYear, r)] = 0.0;
    x[at(kRdYear, r)] = 0.0;
  }
}

void FourPlusOne::rhs(const Workspace& ws, const State& x, State& dx, double /*t*/) const {
  const std::size_t R = n_regions_;
  const Parameters& p = ws.par;
  std::fill(dx.begin(), dx.end(), 0.0);
  for (std::size_t r = 0; r < R; ++r) {
    const double y = x[at(kGdp, r)], b = x[at(kBusinessRd, r)], k = x[at(kRdCapital, r)];
    const double e = x[at(kEntrepreneurs, r)], m = x[at(kSmes, r)], h = x[at(kHighTech, r)];
    const double zr = (m + p.hte_weight_in_firm_base * h) * ws.inv_z0[r];
    const double bstar =
        ws.bstar_coef[r] * y * (1.0 + p.firm_base_elasticity * (zr - 1.0)) + ws.mu_subsidy[r];
    const double rd = ws.gov_rd[r] + b + ws.other_rd_per_gdp[r] * y;
    const double dk = rd - p.rd_depreciation * k;
    dx[at(kBusinessRd, r)] = p.business_rd_adjustment * (bstar - b);
    dx[at(kRdCapital, r)] = dk;
    dx[at(kRdYear, r)] = rd;
    dx[at(kGdpYear, r)] = y;
    // Enterprise pipeline E -> M <-> H.
    const double rd_rel = b / y * ws.y0_over_b0[r];
    const double cert =
        ws.cert_rate * std::max(0.0, 1.0 + p.hte_certification_rd_elasticity * (rd_rel - 1.0));
    dx[at(kEntrepreneurs, r)] = ws.e_births[r] - (p.entrepreneur_exit_rate + ws.gamma_e_year) * e;
    dx[at(kSmes, r)] =
        ws.gamma_e_year * e + ws.m_inflow[r] - (p.sme_exit_rate + cert) * m + ws.recert_rate * h;
    dx[at(kHighTech, r)] = ws.h_base[r] + cert * m - (p.hte_exit_rate + ws.recert_rate) * h;
    // Intermediaries follow demand from firms, plus funded entries.
    const double istar = ws.i0[r] * (1.0 + p.intermediary_demand_elasticity * (zr - 1.0));
    dx[at(kIntermediaries, r)] =
        p.intermediary_adjustment * (istar - x[at(kIntermediaries, r)]) + ws.inter_funded[r];
  }
  const double beta = p.patent_rd_elasticity, c2 = 0.5 * beta * (beta - 1.0);
  const double ks = ws.stage_rate;
  const std::size_t last = n_stages_ - 1;
  // Spillover terms (absorption_r sum_s W_rs K_s and its derivative): two small mat-vecs, no heap.
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  const RegionVector sdk = ws.spill.lazyProduct(region_var(dx, kRdCapital, R));
  for (std::size_t r = 0; r < R; ++r) {
    const auto ri = static_cast<Eigen::Index>(r);
    const double keff = x[at(kRdCapital, r)] + sk[ri];
    const double dkeff = dx[at(kRdCapital, r)] + sdk[ri];
    const double y = x[at(kGdp, r)];
    dx[at(kGdp, r)] = (ws.growth[r] + p.rd_output_elasticity * (dkeff / keff - p.rd_growth_pre_2015)) * y;
    // Applications: second-order expansion of (Keff/Keff_year)^beta within the year.
    const double v = keff * ws.inv_keff_year[r] - 1.0;
    const double apps = ws.app_scale[r] * (1.0 + beta * v + c2 * v * v) + ws.app_subsidy[r];
    dx[at(kExamStage0, r)] = apps - ks * x[at(kExamStage0, r)];
    for (std::size_t j = 1; j < n_stages_; ++j)
      dx[at(kExamStage0 + j, r)] = ks * (x[at(kExamStage0 + j - 1, r)] - x[at(kExamStage0 + j, r)]);
    const double grants = ws.grant_rate * ks * x[at(kExamStage0 + last, r)];
    dx[at(kGrantsYear, r)] = grants;
    dx[at(kValidPatents, r)] = grants - p.patent_lapse_rate * x[at(kValidPatents, r)];
  }
}

void FourPlusOne::observe(Workspace& ws, int year, const State& x, std::span<double> out) const {
  const std::size_t R = n_regions_, regions_and_zone = R + 1;
  const Parameters& p = ws.par;
  const bool first = year == start_;
  const double tau = double(year - start_);
  auto put = [&](std::size_t ind, std::size_t r, double v) { out[ind * regions_and_zone + r] = v; };

  double s_rd = 0, s_y = 0, s_y0 = 0, s_yf = 0, s_yend = 0, s_v = 0, s_n = 0;
  double s_va = 0, s_iva = 0, s_g = 0, s_gp = 0;
  double s_cnt[kNumIndicators] = {};
  const double pop_factor = std::exp(p.population_growth * tau);
  const double va_factor = std::exp(p.va_per_hte_growth * tau);
  for (std::size_t r = 0; r < R; ++r) {
    const double y = x[at(kGdp, r)];
    // R&D intensity: annual R&D over annual GDP (at the start: the calibrated flows).
    double rd, ya;
    if (first) {
      rd = ws.gov_rd0[r] + x[at(kBusinessRd, r)] + ws.other_rd_per_gdp[r] * y;
      ya = y;
    } else {
      rd = x[at(kRdYear, r)];
      ya = x[at(kGdpYear, r)];
    }
    put(kRdIntensity, r, 100.0 * rd / ya);
    s_rd += rd;
    s_y += ya;
    // Contribution of S&T progress: (real growth - factor growth) / real growth, from start.
    double contrib = p.st_contribution_2015;
    if (!first) {
      const double real = std::log(y) - ws.ln_y0[r] - p.gdp_deflator_growth * tau;
      contrib = 100.0 * (real - ws.factor_growth[r] * tau) / std::max(real, min_growth_ * tau);
    }
    put(kStContribution, r, contrib);
    s_y0 += ws.y0[r];
    s_yf += ws.y0[r] * std::exp(ws.factor_growth[r] * tau);
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
        {kMakerSpaces, ws.maker_spaces[r]},
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
    const double iva = p.industrial_va_share[r] * y;
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
    put(kStContribution, R, p.st_contribution_2015);
  } else {
    const double real = std::log(s_yend / s_y0) - p.gdp_deflator_growth * tau;
    const double factor = std::log(s_yf / s_y0);
    put(kStContribution, R, 100.0 * (real - factor) / std::max(real, min_growth_ * tau));
  }
  for (std::size_t ind :
       {kPlatforms, kIntermediariesInd, kIncubators, kTeams, kHighTechEnterprises, kTechSmes,
        kMassEntrepreneurship, kLittleGiants, kMakerSpaces, kKeyLabs, kEngineeringLabs,
        kEngineeringResearchCentres, kTechInnovationCentres, kEnterpriseTechCentres})
    put(ind, R, s_cnt[ind]);
  put(kPatentsPer10k, R, 1e4 * s_v / s_n);
  put(kHighTechVaShare, R, 100.0 * s_va / s_iva);
  put(kGrantGrowth, R, first ? ws.grant_growth0 : 100.0 * (std::pow(s_g / s_gp, 1.0 / tau) - 1.0));
}

}  // namespace innosim
