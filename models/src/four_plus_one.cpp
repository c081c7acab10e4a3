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

// (1 - e^-g) / g: a flow growing at rate g, integrated over the year that ends at
// its current value, as a multiple of that value.
double year_integral_factor(double g) { return std::abs(g) > 1e-12 ? -std::expm1(-g) / g : 1.0; }

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kPositive = std::numeric_limits<double>::min();  // as a lower bound: "strictly positive"
constexpr double kBelowOne = 1.0 - 1e-12;                          // as an upper bound: "strictly below 1"

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
    {"gdp_start", kPositive, kInf, &Par::gdp_start},
    {"gdp_share", kPositive, kInf, &Par::gdp_share},
    {"population_start", kPositive, kInf, &Par::population_start},
    {"population_share", kPositive, kInf, &Par::population_share},
    {"population_growth", -0.5, 0.5, &Par::population_growth},
    {"gdp_growth_real", -0.5, 0.5, &Par::gdp_growth_real},
    {"gdp_deflator_growth", -0.5, 0.5, &Par::gdp_deflator_growth},
    {"gdp_shock_sd", 0, 0.5, &Par::gdp_shock_sd},
    {"gdp_shock_correlation", 0, 1, &Par::gdp_shock_correlation},
    {"st_contribution_start", 0, 100, &Par::st_contribution_start},
    {"industrial_va_share", kPositive, 1, &Par::industrial_va_share},
    // R&D.
    {"rd_intensity_start", kPositive, 100, &Par::rd_intensity_start},
    {"rd_share", kPositive, kInf, &Par::rd_share},
    {"rd_business_weight", 0, kInf, &Par::rd_business_weight},
    {"rd_government_weight", 0, kInf, &Par::rd_government_weight},
    {"rd_other_weight", 0, kInf, &Par::rd_other_weight},
    {"public_funds_business_share", 0, 1, &Par::public_funds_business_share},
    {"rd_growth_pre_start", -0.5, 1, &Par::rd_growth_pre_start},
    {"rd_depreciation", kPositive, 1, &Par::rd_depreciation},
    {"rd_output_elasticity", 0, 1, &Par::rd_output_elasticity},
    {"business_rd_adjustment", kPositive, 10, &Par::business_rd_adjustment},
    {"business_rd_intensity_trend", -0.2, 0.3, &Par::business_rd_intensity_trend},
    {"user_cost_elasticity", 0, 5, &Par::user_cost_elasticity},
    {"subsidy_additionality", -1, 5, &Par::subsidy_additionality},
    {"low_tax_rd_share", 0, 1, &Par::low_tax_rd_share},
    {"absorptive_capacity", kPositive, kInf, &Par::absorptive_capacity},
    {"spillover_absorption", 0, kInf, &Par::spillover_absorption},
    {"execution_rate_mean", 0, 2, &Par::execution_rate_mean},
    {"execution_rate_sd", 0, 1, &Par::execution_rate_sd},
    {"set_yearly_amount_factor", 0, 10, &Par::set_yearly_amount_factor},
    {"fiscal_st_start", kPositive, kInf, &Par::fiscal_st_start},
    {"fiscal_st_share", kPositive, kInf, &Par::fiscal_st_share},
    {"fiscal_st_growth_margin", -0.5, 0.5, &Par::fiscal_st_growth_margin},
    {"fiscal_st_growth_sd", 0, 0.5, &Par::fiscal_st_growth_sd},
    {"fiscal_st_push_uplift", 0, 0.5, &Par::fiscal_st_push_uplift},
    {"rd_per_new_sme", 0, kInf, &Par::rd_per_new_sme},
    {"rd_per_new_hte", 0, kInf, &Par::rd_per_new_hte},
    {"new_firm_rd_rampup", kPositive, 10, &Par::new_firm_rd_rampup},
    // Enterprises.
    {"mass_entrepreneurship_start", 0, kInf, &Par::mass_entrepreneurship_start},
    {"mass_entrepreneurship_share", kPositive, kInf, &Par::mass_entrepreneurship_share},
    {"entrepreneur_exit_rate", 0, 10, &Par::entrepreneur_exit_rate},
    {"entrepreneur_graduation_rate", 0, 10, &Par::entrepreneur_graduation_rate},
    {"entrepreneur_trend_growth", -1, 1, &Par::entrepreneur_trend_growth},
    {"entities_per_maker_space", 0, kInf, &Par::entities_per_maker_space},
    {"entities_per_incubator", 0, kInf, &Par::entities_per_incubator},
    {"tech_smes_start", kPositive, kInf, &Par::tech_smes_start},
    {"tech_sme_share", kPositive, kInf, &Par::tech_sme_share},
    {"sme_exit_rate", 0, 10, &Par::sme_exit_rate},
    {"sme_trend_growth", -1, 1, &Par::sme_trend_growth},
    {"sme_programme_inflow", 0, kInf, &Par::sme_programme_inflow},
    {"sme_registration_uplift", 0, kInf, &Par::sme_registration_uplift},
    {"sme_subsidy_share", 0, 1, &Par::sme_subsidy_share},
    {"high_tech_enterprises_start", kPositive, kInf, &Par::high_tech_enterprises_start},
    {"hte_share", kPositive, kInf, &Par::hte_share},
    {"hte_certification_rate", 0, 10, &Par::hte_certification_rate},
    {"sme_share_above_threshold", kPositive, kBelowOne, &Par::sme_share_above_threshold},
    {"sme_rd_intensity_dispersion", kPositive, 5, &Par::sme_rd_intensity_dispersion},
    {"hte_programme_uplift", 0, kInf, &Par::hte_programme_uplift},
    {"hte_reform_uplift", 0, kInf, &Par::hte_reform_uplift},
    {"hte_recertification_failure", 0, 1, &Par::hte_recertification_failure},
    {"hte_status_years", 1, kInf, &Par::hte_status_years},
    {"hte_exit_rate", 0, 10, &Par::hte_exit_rate},
    {"hte_trend_growth", -1, 1, &Par::hte_trend_growth},
    {"little_giants_start", 0, kInf, &Par::little_giants_start},
    {"little_giant_max_share_of_smes", 0, 1, &Par::little_giant_max_share_of_smes},
    {"little_giant_exit_rate", 0, 1, &Par::little_giant_exit_rate},
    // Platforms and services (platform types in the order of FourPlusOne::kKeyLabs ...).
    {"platforms_start", 0, kInf, &Par::platforms_start},
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
    {"incubators_start", 0, kInf, &Par::incubators_start},
    {"incubator_share", kPositive, kInf, &Par::incubator_share},
    {"incubator_trend_growth", -1, 1, &Par::incubator_trend_growth},
    {"incubator_closure_rate", 0, 1, &Par::incubator_closure_rate},
    {"incubator_unit_cost", kPositive, kInf, &Par::incubator_unit_cost},
    {"maker_space_upgrade_rate", 0, 1, &Par::maker_space_upgrade_rate},
    {"maker_spaces_start", 0, kInf, &Par::maker_spaces_start},
    {"maker_space_share", kPositive, kInf, &Par::maker_space_share},
    {"maker_space_trend_growth", -1, 1, &Par::maker_space_trend_growth},
    {"maker_space_closure_rate", 0, 1, &Par::maker_space_closure_rate},
    {"maker_space_unit_cost", kPositive, kInf, &Par::maker_space_unit_cost},
    {"innovation_teams_start", 0, kInf, &Par::innovation_teams_start},
    {"team_share", kPositive, kInf, &Par::team_share},
    {"team_trend_growth", -1, 1, &Par::team_trend_growth},
    {"team_lifetime", 1, kInf, &Par::team_lifetime},
    {"team_unit_cost", kPositive, kInf, &Par::team_unit_cost},
    {"intermediaries_start", 0, kInf, &Par::intermediaries_start},
    {"intermediary_share", kPositive, kInf, &Par::intermediary_share},
    {"intermediary_adjustment", 0, 10, &Par::intermediary_adjustment},
    {"intermediary_demand_elasticity", 0, 1, &Par::intermediary_demand_elasticity},
    {"intermediary_unit_cost", kPositive, kInf, &Par::intermediary_unit_cost},
    // Patents.
    {"patents_per_10k_start", 0, kInf, &Par::patents_per_10k_start},
    {"patent_share", kPositive, kInf, &Par::patent_share},
    {"invention_applications_start", kPositive, kInf, &Par::invention_applications_start},
    {"application_trend_growth", -0.3, 1, &Par::application_trend_growth},
    {"patent_rd_elasticity", 0, 1, &Par::patent_rd_elasticity},
    {"patent_propensity_growth", 0, 1, &Par::patent_propensity_growth},
    {"patent_examination_lag", 0.1, 20, &Par::patent_examination_lag},
    {"patent_grant_rate", 0, 1, &Par::patent_grant_rate},
    {"patent_young_years", kPositive, 50, &Par::patent_young_years},
    {"patent_lapse_rate_young", 0, 1, &Par::patent_lapse_rate_young},
    {"patent_lapse_rate_old", 0, 1, &Par::patent_lapse_rate_old},
    {"patent_subsidy_effect", 0, kInf, &Par::patent_subsidy_effect},
    {"patent_subsidy_max_share", 0, kInf, &Par::patent_subsidy_max_share},
    {"subsidised_grant_rate_ratio", 0, 1, &Par::subsidised_grant_rate_ratio},
    {"subsidised_lapse_multiplier", 0, 20, &Par::subsidised_lapse_multiplier},
    // High-tech industry value added.
    {"high_tech_va_share_start", 0, 100, &Par::high_tech_va_share_start},
    {"high_tech_va_growth", -0.5, 0.5, &Par::high_tech_va_growth},
    {"high_tech_va_hte_elasticity", 0, 2, &Par::high_tech_va_hte_elasticity},
};

// Platform types as they appear in parameter and lever names, in indicator order.
constexpr const char* kPlatformTypeNames[FourPlusOne::kPlatformTypes] = {
    "key_labs", "engineering_labs", "engineering_research_centres", "tech_innovation_centres",
    "enterprise_tech_centres"};

}  // namespace

// Regional shares of the totals, normalised over the zone's regions (ŝ_r = s_r / Σ_{zone} s);
// a region outside the zone keeps its share relative to that sum.
struct FourPlusOne::Shares {
  RegionArray gdp, population, rd, fiscal_st, entrepreneurs, smes, hte, platforms, incubators, maker_spaces,
      teams, intermediaries, patents;
};

double FourPlusOne::tax_price(double corporate_rate, double low_rate, double low_rate_rd_share,
                              double super_deduction_rate, double claimed_share) {
  auto rho = [&](double tau) {
    return (1.0 - tau * (1.0 + super_deduction_rate * claimed_share)) / (1.0 - tau);
  };
  return low_rate_rd_share * rho(low_rate) + (1.0 - low_rate_rd_share) * rho(corporate_rate);
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
  check_patent_ageing(b);
  bind_matrices(b);
  bind_levers(b);
  check_lever_paths(b);
  b.finish();
}

void FourPlusOne::check_regions(ModelBinding& b) {
  const Scenario& s = b.scenario();
  if (n_regions_ == 0) b.problem(s.where, "regions", "the 4+1 model needs at least one [[regions]] entry");
  if (n_regions_ > kMaxRegions)
    b.problem(s.where, "regions",
              "the 4+1 model supports at most " + std::to_string(kMaxRegions) + " regions, got " +
                  std::to_string(n_regions_) + " (raise FourPlusOne::kMaxRegions and rebuild)");
  // The aggregates: the zone (its regions), then the territory (every region) when declared.
  in_zone_.fill(false);
  for (auto& m : member_) m.fill(false);
  n_aggregates_ = s.aggregate_ids().size();
  for (std::size_t r = 0; r < std::min(n_regions_, kMaxRegions); ++r) {
    in_zone_[r] = s.regions[r].in_zone;
    member_[0][r] = in_zone_[r];
    member_[1][r] = true;
  }
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
      {"gdp", "yuan", true},
      {"gdp_real_growth", "%", false},
      {"population", "persons", true},
      {"rd_expenditure", "yuan", true},
      {"business_rd", "yuan", true},
      {"fiscal_st_spending", "yuan", true},
      {"invention_applications", "count", true},
      {"invention_grants", "count", true},
      {"valid_invention_patents", "count", true},
  };
  std::vector<std::string> ids;
  for (const auto& i : indicators_) ids.push_back(i.id);
  b.indicators(ids);
}

// Options are all required: no model numbers in C++.
void FourPlusOne::bind_options(ModelBinding& b) {
  const Scenario& s = b.scenario();
  auto option = [&](const char* id, OptionKind kind) {
    const double v = b.option(id, kNaN, kind);
    if (std::isnan(v) && s.options.count(id) == 0)  // present with the wrong type: reported by the binding
      b.problem(s.where, std::string("model_options.") + id,
                "required by the four_plus_one model (see docs/model.md)");
    return v;
  };
  auto option_loc = [&](const char* id) {
    auto it = s.option_locs.find(id);
    return it == s.option_locs.end() ? s.where : it->second;
  };
  const double integer_events = option("integer_events", OptionKind::boolean);
  const double shocks = option("shocks", OptionKind::boolean);
  const double stages = option("patent_exam_stages", OptionKind::integer);
  const double min_growth = option("contribution_min_growth", OptionKind::number);
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

// The start-year pipeline and patent stock are in steady growth at g_A: the examination stages
// need g_A + n/L > 0 and the stock of old patents g_A + lambda_o > 0 in every draw (else the
// steady state they are initialised from does not exist).
void FourPlusOne::check_patent_ageing(ModelBinding& b) const {
  const Scenario& s = b.scenario();
  const auto growth_i = s.parameter_index("application_trend_growth");
  const auto lag_i = s.parameter_index("patent_examination_lag");
  const auto lapse_i = s.parameter_index("patent_lapse_rate_old");
  if (!growth_i || !lag_i || !lapse_i) return;  // missing: reported by the binding
  const auto& growth = s.parameters[*growth_i];
  const double g_lo = growth.dist.lower();
  const double k_lo = double(n_stages_) / s.parameters[*lag_i].dist.upper();
  const double lapse_lo = s.parameters[*lapse_i].dist.lower();
  if (!(g_lo + k_lo > 0) || !(g_lo + lapse_lo > 0))
    b.problem(growth.where, "parameters.application_trend_growth",
              "with " + growth.dist.describe() + " some draw has no steady pre-start pipeline: need " +
                  "application_trend_growth + patent_exam_stages / patent_examination_lag > 0 (at least " +
                  std::to_string(g_lo + k_lo) + ") and application_trend_growth + patent_lapse_rate_old > 0 " +
                  "(at least " + std::to_string(g_lo + lapse_lo) + ")");
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
      {"fiscal_rd_zone_set_yearly", "switch", Shape::zone, &Levers::fiscal_rd_zone_set_yearly},
      {"fiscal_rd_allocation", "share", Shape::region, &Levers::fiscal_rd_allocation},
      {"fiscal_st_push", "switch", Shape::region, &Levers::fiscal_st_push},
      {"corporate_tax_rate", "share", Shape::zone, &Levers::corporate_tax_rate},
      {"high_tech_tax_rate", "share", Shape::zone, &Levers::high_tech_tax_rate},
      {"super_deduction_rate", "1", Shape::zone, &Levers::super_deduction_rate},
      {"super_deduction_claimed_share", "share", Shape::zone, &Levers::super_deduction_claimed_share},
      {"tech_sme_registration", "switch", Shape::zone, &Levers::tech_sme_registration},
      {"sme_doubling_programme", "switch", Shape::zone, &Levers::sme_doubling_programme},
      {"hte_cultivation_programme", "switch", Shape::zone, &Levers::hte_cultivation_programme},
      {"hte_rd_threshold", "share", Shape::zone, &Levers::hte_rd_threshold},
      {"hte_certification_reform", "switch", Shape::zone, &Levers::hte_certification_reform},
      {"patent_promotion", "switch", Shape::zone, &Levers::patent_promotion},
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
  if (complete(l.hte_rd_threshold))
    for (double v : l.hte_rd_threshold.v)
      if (!(v > 0)) {
        const Lever* lv = s.lever("hte_rd_threshold");
        b.problem(lv ? lv->where : s.where, "levers.hte_rd_threshold",
                  "the certification threshold must be a positive share of sales (its logarithm is taken), got " +
                      fmt::format("{}", v));
        break;
      }
}

// ---- init: the state at the end of the start year, per draw ----

void FourPlusOne::init(Workspace& ws, std::span<const double> theta, State& x) const {
  x.assign(kNumVars * n_regions_ + kNumGlobals, 0.0);
  ws = Workspace{};
  ws.year = start_;
  copy_parameters(ws.par, theta);
  const Shares shares = normalised_shares(ws.par);
  init_small_counts(ws, shares);
  init_regions(ws, shares, x);
  init_spillovers(ws);
  init_patents(ws, shares, x);
  for (std::size_t g = 0; g < kNumGlobals; ++g) x[global(g)] = 1.0;
  fill_rhs_inputs(ws);
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
    for (std::size_t r = 0; r < n_regions_; ++r)
      if (in_zone_[r]) sum += drawn[r];
    for (std::size_t r = 0; r < n_regions_; ++r) s[r] = drawn[r] / sum;
    return s;
  };
  Shares s;
  s.gdp = normalise(p.gdp_share);
  s.population = normalise(p.population_share);
  s.rd = normalise(p.rd_share);
  s.fiscal_st = normalise(p.fiscal_st_share);
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
// The zone's regions share the zone total exactly (largest remainder); a
// region outside the zone gets its own total rounded.
void FourPlusOne::init_small_counts(Workspace& ws, const Shares& shares) const {
  const Parameters& p = ws.par;
  const std::size_t R = n_regions_;
  auto split = [&](double total, const RegionArray& share, RegionArray& out) {
    RegionArray zone_share{};
    for (std::size_t r = 0; r < R; ++r) zone_share[r] = in_zone_[r] ? share[r] : 0.0;
    split_integer(total, zone_share, R, out);
    for (std::size_t r = 0; r < R; ++r)
      if (!in_zone_[r]) out[r] = std::max(0.0, std::floor(total * share[r] + 0.5));
  };
  RegionArray type_share{};
  double type_sum = 0;
  for (std::size_t k = 0; k < kPlatformTypes; ++k) type_sum += p.platform_type_share[k];
  for (std::size_t k = 0; k < kPlatformTypes; ++k) type_share[k] = p.platform_type_share[k] / type_sum;
  RegionArray by_type{};  // platforms_start split over types (integers)
  split_integer(p.platforms_start, type_share, kPlatformTypes, by_type);
  for (std::size_t k = 0; k < kPlatformTypes; ++k) split(by_type[k], shares.platforms, ws.platform0[k]);
  split(p.incubators_start, shares.incubators, ws.incubators);
  split(p.maker_spaces_start, shares.maker_spaces, ws.maker_spaces);
  split(p.innovation_teams_start, shares.teams, ws.teams);
  split(p.little_giants_start, shares.smes, ws.little_giants);
  ws.platforms = ws.platform0;
}

// Each region's continuous state, its constants and the base rates that
// continue its pre-start trends (docs/model.md sections 2 and 4). Flows of the
// start year are annual totals; the state holds year-end rates, so a flow
// that grew at rate g through the start year starts at total / φ(g).
void FourPlusOne::init_regions(Workspace& ws, const Shares& shares, State& x) const {
  const Parameters& p = ws.par;
  const Levers& l = levers_;
  ws.recert_rate = p.hte_recertification_failure / p.hte_status_years;
  ws.team_dissolve_rate = 1.0 / p.team_lifetime;
  const double s0 = p.st_contribution_start / 100.0;

  // Levers in force in the start year (the levels the base rates embody).
  const double sw_reg0 = lever(l.tech_sme_registration, start_);
  ws.tax_price0 =
      tax_price(lever(l.corporate_tax_rate, start_), lever(l.high_tech_tax_rate, start_), p.low_tax_rd_share,
                lever(l.super_deduction_rate, start_), lever(l.super_deduction_claimed_share, start_));
  const double gamma_e0 = p.entrepreneur_graduation_rate * (1.0 + p.sme_registration_uplift * sw_reg0);
  // The zone's programmes act on its regions only; national measures on every region.
  const double cert_national0 = p.hte_certification_rate *
                                (1.0 + p.hte_reform_uplift * lever(l.hte_certification_reform, start_));
  const double sw_hte0 = lever(l.hte_cultivation_programme, start_);
  ws.z0 = normal_quantile(p.sme_share_above_threshold);
  ws.inv_eligible0 = 1.0 / p.sme_share_above_threshold;

  // R&D split by source of funds (normalised weights).
  const double wsum = p.rd_business_weight + p.rd_government_weight + p.rd_other_weight;
  const double wb = p.rd_business_weight / wsum, wg = p.rd_government_weight / wsum,
               wo = p.rd_other_weight / wsum;

  double sum_gdp = 0;
  for (std::size_t r = 0; r < n_regions_; ++r)
    if (in_zone_[r]) sum_gdp += p.gdp_start * shares.gdp[r];
  const double rd0 = p.rd_intensity_start / 100.0 * sum_gdp;
  for (std::size_t r = 0; r < n_regions_; ++r) {
    const double g_nom = p.gdp_growth_real[r] + p.gdp_deflator_growth;
    const double gdp0 = p.gdp_start * shares.gdp[r];
    const double y0 = gdp0 / year_integral_factor(g_nom);
    ws.gdp0[r] = gdp0;
    ws.gdp_prev[r] = gdp0;
    ws.y0[r] = y0;
    ws.inv_y0[r] = 1.0 / y0;
    ws.ln_y0[r] = std::log(y0);
    ws.n0[r] = p.population_start * shares.population[r];
    ws.factor_growth[r] = (1.0 - s0) * p.gdp_growth_real[r];
    // R&D: funds by source; government funds follow fiscal S&T spending.
    const double rd_r = rd0 * shares.rd[r];
    ws.rd0[r] = rd_r;
    ws.gov_rd0[r] = wg * rd_r;
    ws.gov_rd[r] = ws.gov_rd0[r];
    ws.fiscal_st0[r] = p.fiscal_st_start * shares.fiscal_st[r];
    ws.fiscal_st[r] = ws.fiscal_st0[r];
    ws.other_rd_per_gdp[r] = wo * rd_r / gdp0;
    // Incumbents' R&D grows with nominal GDP and the intensity trend at t0; its target is
    // scaled so that partial adjustment (which lags a target growing at g by g/kappa) does so.
    const double g_b = g_nom + p.business_rd_intensity_trend;
    const double b0 = wb * rd_r / year_integral_factor(g_b);
    ws.b_inc0[r] = b0 * (1.0 + g_b / p.business_rd_adjustment);
    x[at(kGdp, r)] = y0;
    x[at(kIncumbentRd, r)] = b0;
    x[at(kRdCapital, r)] = rd_r / (p.rd_depreciation + p.rd_growth_pre_start);
    // Enterprises.
    const double e0 = p.mass_entrepreneurship_start * shares.entrepreneurs[r];
    const double m0 = p.tech_smes_start * shares.smes[r];
    const double h0 = p.high_tech_enterprises_start * shares.hte[r];
    x[at(kEntrepreneurs, r)] = e0;
    x[at(kSmes, r)] = m0;
    x[at(kHighTech, r)] = h0;
    ws.m0[r] = m0;
    ws.h0[r] = h0;
    ws.inv_firms0[r] = 1.0 / (m0 + h0);
    ws.sme_share[r] = shares.smes[r];
    ws.e_base[r] = std::max(0.0, (p.entrepreneur_exit_rate + gamma_e0 + p.entrepreneur_trend_growth) * e0 -
                                     p.entities_per_maker_space * ws.maker_spaces[r] -
                                     p.entities_per_incubator * ws.incubators[r]);
    const double cert0 = cert_national0 * (1.0 + p.hte_programme_uplift * sw_hte0 * in_zone_[r]);
    ws.m_base[r] = std::max(
        0.0, (p.sme_exit_rate + cert0 + p.sme_trend_growth) * m0 - gamma_e0 * e0 - ws.recert_rate * h0);
    ws.h_base[r] = std::max(0.0, (p.hte_exit_rate + ws.recert_rate + p.hte_trend_growth) * h0 - cert0 * m0);
    // Services and small counts.
    ws.i0[r] = p.intermediaries_start * shares.intermediaries[r];
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
    // High-tech industry value added (the NBS high-tech manufacturing classification).
    ws.ht_va0[r] = p.high_tech_va_share_start / 100.0 * p.industrial_va_share[r] * gdp0;
  }
}

// Spillovers: spill = diag(absorption) W, so K_eff = K + spill K.
void FourPlusOne::init_spillovers(Workspace& ws) const {
  const Parameters& p = ws.par;
  const std::size_t R = n_regions_;
  ws.spill.resize(static_cast<Eigen::Index>(R), static_cast<Eigen::Index>(R));
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < R; ++c)
      ws.spill(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) =
          p.spillover_absorption[r] * w_(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
}

// The patent pipeline at the start, in steady growth at g_A: applications of the start year,
// the examination stages they fill, the grants they imply and the valid stock by age
// (docs/model.md section 2). The production scale a_r = A_r(start) / K_eff,r(start)^beta.
void FourPlusOne::init_patents(Workspace& ws, const Shares& shares, State& x) const {
  const Parameters& p = ws.par;
  const std::size_t R = n_regions_;
  const double g = p.application_trend_growth;
  const double k = double(n_stages_) / p.patent_examination_lag;
  ws.stage_rate = k;
  ws.ageing_rate = 1.0 / p.patent_young_years;
  ws.grant_growth0 = 100.0 * std::expm1(g);
  const double phi = year_integral_factor(g);
  // The per-10k statistic divides by the previous year-end population.
  double zone_pop = 0;
  for (std::size_t r = 0; r < R; ++r)
    if (in_zone_[r]) zone_pop += ws.n0[r];
  const double pop_prev = zone_pop * std::exp(-p.population_growth);
  const double young_share = 1.0 / (1.0 + ws.ageing_rate / (g + p.patent_lapse_rate_old));
  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));
  for (std::size_t r = 0; r < R; ++r) {
    const double a_year = p.invention_applications_start * shares.patents[r];
    const double a_rate = a_year / phi;
    ws.applications0[r] = a_year;
    double stage = a_rate / (g + k);
    for (std::size_t j = 0; j < n_stages_; ++j) {
      x[at(kExamStage0 + j, r)] = stage;
      stage *= k / (g + k);
    }
    ws.grants_base[r] = p.patent_grant_rate * k * x[at(kExamStage0 + n_stages_ - 1, r)] * phi;
    const double v = p.patents_per_10k_start * pop_prev / 1e4 * shares.patents[r];
    x[at(kYoungPatents, r)] = v * young_share;
    x[at(kOldPatents, r)] = v - x[at(kYoungPatents, r)];
    const double keff = x[at(kRdCapital, r)] + sk[static_cast<Eigen::Index>(r)];
    ws.patent_scale[r] = a_rate / std::pow(keff, p.patent_rd_elasticity);
  }
}

// ---- the simulation ----

void FourPlusOne::year_start(Workspace& ws, int year, State& x, std::span<const double> u) const {
  const std::size_t R = n_regions_;
  const Parameters& p = ws.par;
  const Levers& l = levers_;
  const int cy = year + 1;  // the interval [year, year+1] is calendar year year+1
  ws.year = year;

  // Yearly shocks: GDP growth (one common factor), execution of the zone fund, fiscal S&T growth.
  double e_fund = std::max(0.0, p.execution_rate_mean), z_fiscal = 0.0;
  RegionArray xi{};
  if (shocks_) {
    const double zc = normal_quantile(u[kCommonShock]);
    const double a = std::sqrt(p.gdp_shock_correlation), c = std::sqrt(1.0 - p.gdp_shock_correlation);
    for (std::size_t r = 0; r < R; ++r)
      xi[r] = p.gdp_shock_sd * (a * zc + c * normal_quantile(u[regional_shock(r)]));
    e_fund = std::max(0.0, p.execution_rate_mean + p.execution_rate_sd * normal_quantile(u[fund_execution(R)]));
    z_fiscal = normal_quantile(u[fiscal_st_shock(R)]);
  }

  // The zone fund above its start-year level: amounts the plan leaves to be set yearly are
  // the path times the draw's factor; then execution.
  const double set_yearly = lever(l.fiscal_rd_zone_set_yearly, cy);
  const double fund_path = lever(l.fiscal_rd_zone, cy) * (1.0 + (p.set_yearly_amount_factor - 1.0) * set_yearly);
  const double fund = (fund_path - lever(l.fiscal_rd_zone, start_)) * e_fund;
  const double use_ent = lever(l.fund_use_enterprise_rd, cy), use_plat = lever(l.fund_use_platforms, cy);
  const double use_inc = lever(l.fund_use_incubators, cy), use_mk = lever(l.fund_use_maker_spaces, cy);
  const double use_team = lever(l.fund_use_teams, cy), use_pat = lever(l.fund_use_patents, cy);
  const double use_int = lever(l.fund_use_intermediaries, cy), use_pub = lever(l.fund_use_public_rd, cy);
  const double rd_uses = use_ent + use_plat + use_team + use_pub;

  // Tax price and the business R&D target.
  ws.tax_price = tax_price(lever(l.corporate_tax_rate, cy), lever(l.high_tech_tax_rate, cy), p.low_tax_rd_share,
                           lever(l.super_deduction_rate, cy), lever(l.super_deduction_claimed_share, cy));
  const double price_factor = std::pow(ws.tax_price / ws.tax_price0, -p.user_cost_elasticity);

  const double sw_reg = lever(l.tech_sme_registration, cy), sw_sme = lever(l.sme_doubling_programme, cy);
  ws.gamma_e_year = p.entrepreneur_graduation_rate * (1.0 + p.sme_registration_uplift * sw_reg);
  // Certification: the start-year rate, scaled by the programmes and by the share of tech SMEs
  // whose R&D reaches the threshold (docs/model.md section 3).
  const double cert_c = p.hte_certification_rate *
                        (1.0 + p.hte_reform_uplift * lever(l.hte_certification_reform, cy)) * ws.inv_eligible0;
  const double sw_hte = lever(l.hte_cultivation_programme, cy);
  const double intensity_trend = x[global(kIntensityTrend)];
  const double z_common = ws.z0 + (std::log(price_factor * intensity_trend) -
                                   std::log(lever(l.hte_rd_threshold, cy) / lever(l.hte_rd_threshold, start_))) /
                                      p.sme_rd_intensity_dispersion;
  ws.propensity_growth = p.patent_propensity_growth * lever(l.patent_promotion, cy);
  const double propensity = x[global(kPropensity)];

  const RegionVector sk = ws.spill.lazyProduct(region_var(x, kRdCapital, R));

  for (std::size_t r = 0; r < R; ++r) {
    const double pot = fund * lever(l.fiscal_rd_allocation, cy, r);
    // Absorptive capacity: the behavioural response to the region's money has diminishing
    // returns in the money relative to the region's start-year R&D.
    const double d = 1.0 / (1.0 + std::max(0.0, pot) / (p.absorptive_capacity * ws.rd0[r]));
    const double subsidy = pot * use_ent, plat_money = pot * use_plat * d;
    ws.pot[r] = pot;
    ws.subsidy[r] = subsidy;
    ws.growth[r] = p.gdp_growth_real[r] + p.gdp_deflator_growth + xi[r];
    // Fiscal S&T spending on the statutory rule: nominal growth plus a margin, a yearly shock,
    // and the region's own push when on.
    ws.fiscal_st[r] *= std::exp(ws.growth[r] + p.fiscal_st_growth_margin + p.fiscal_st_growth_sd * z_fiscal +
                                p.fiscal_st_push_uplift * lever(l.fiscal_st_push, cy, r));
    ws.gov_rd[r] = std::max(0.0, ws.gov_rd0[r] * ws.fiscal_st[r] / ws.fiscal_st0[r] + pot * rd_uses);
    ws.bstar_coef[r] = ws.b_inc0[r] * ws.inv_y0[r] * price_factor;
    ws.mu_subsidy[r] = p.subsidy_additionality * subsidy * d;
    ws.m_inflow[r] = ws.m_base[r] * (1.0 + p.sme_registration_uplift * sw_reg) +
                     p.sme_programme_inflow * ws.sme_share[r] * sw_sme * in_zone_[r];
    ws.inter_funded[r] = std::max(0.0, pot * use_int * d) / p.intermediary_unit_cost;
    // Subsidised R&D counts toward the certification threshold.
    const double m = x[at(kSmes, r)];
    const double sme_rd = p.rd_per_new_sme * m;
    const double lift = sme_rd > 0 ? std::max(0.0, p.sme_subsidy_share * subsidy) / sme_rd : 0.0;
    ws.cert_rate[r] = cert_c * (1.0 + p.hte_programme_uplift * sw_hte * in_zone_[r]) *
                      normal_cdf(z_common + std::log1p(lift) / p.sme_rd_intensity_dispersion);
    // Patents: the base rate at the year start, and the saturating subsidy response.
    const double keff = x[at(kRdCapital, r)] + sk[static_cast<Eigen::Index>(r)];
    ws.keff_year[r] = keff;
    ws.inv_keff_year[r] = 1.0 / keff;
    ws.app_scale[r] = ws.patent_scale[r] * std::pow(keff, p.patent_rd_elasticity);
    const double ceiling = p.patent_subsidy_max_share * ws.app_scale[r] * propensity;
    const double pat_money = std::max(0.0, pot * use_pat);
    ws.app_subsidy[r] = ceiling > 0 ? -ceiling * std::expm1(-p.patent_subsidy_effect * pat_money / ceiling) : 0.0;

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
      double mean = ws.platform_base[kt][r] +
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
    ws.incubators[r] +=
        births(ws.incubator_base[r] + std::max(0.0, pot * use_inc * d) / p.incubator_unit_cost,
               ur[kIncubatorEntries]) -
        inc_closed + up;
    ws.maker_spaces[r] +=
        births(ws.maker_space_base[r] + std::max(0.0, pot * use_mk * d) / p.maker_space_unit_cost,
               ur[kMakerSpaceEntries]) -
        mk_closed - up;
    const double dissolved = losses(ws.teams[r], ws.team_dissolve_rate, ur[kTeamDissolutions]);
    ws.teams[r] += births(ws.team_base[r] + std::max(0.0, pot * use_team * d) / p.team_unit_cost,
                          ur[kTeamEntries]) -
                   dissolved;
    ws.little_giants[r] -= losses(ws.little_giants[r], p.little_giant_exit_rate, ur[kLittleGiantExits]);

    ws.e_births[r] = ws.e_base[r] + p.entities_per_maker_space * ws.maker_spaces[r] +
                     p.entities_per_incubator * ws.incubators[r];

    // Yearly accumulators restart; the previous calendar year's GDP is kept for real growth.
    ws.gdp_prev[r] = year == start_ ? ws.gdp0[r] : x[at(kGdpYear, r)];
    x[at(kGrantsYear, r)] = 0.0;
    x[at(kApplicationsYear, r)] = 0.0;
    x[at(kGdpYear, r)] = 0.0;
    x[at(kBusinessRdYear, r)] = 0.0;
  }
  select_little_giants(ws, x, cy);
  fill_rhs_inputs(ws);
}

// Little giants: exactly the year's selection (the lever), split across the zone's regions in
// proportion to the room each has (cap M_r - L_r, whole firms) by the largest-remainder rule; fewer only
// when the whole zone has less room. Expected (fractional) shares with integer events off.
void FourPlusOne::select_little_giants(Workspace& ws, const State& x, int cy) const {
  const std::size_t R = n_regions_;
  const Parameters& p = ws.par;
  RegionArray room{};
  double total_room = 0;
  for (std::size_t r = 0; r < R; ++r) {
    if (!in_zone_[r]) continue;  // selected from the zone's tech SMEs
    const double free = std::max(0.0, p.little_giant_max_share_of_smes * x[at(kSmes, r)] - ws.little_giants[r]);
    room[r] = integer_events_ ? std::floor(free) : free;
    total_room += room[r];
  }
  const double selected = std::max(0.0, lever(levers_.little_giants_selected_per_year, cy));
  if (!(total_room > 0) || !(selected > 0)) return;
  RegionArray share{};
  for (std::size_t r = 0; r < R; ++r) share[r] = room[r] / total_room;
  if (integer_events_) {
    RegionArray picked{};
    split_integer(std::min(std::floor(selected + 0.5), total_room), share, R, picked);
    for (std::size_t r = 0; r < R; ++r) ws.little_giants[r] += picked[r];
  } else {
    const double n = std::min(selected, total_room);
    for (std::size_t r = 0; r < R; ++r) ws.little_giants[r] += n * share[r];
  }
}

void FourPlusOne::fill_rhs_inputs(Workspace& ws) const {
  const Parameters& p = ws.par;
  RhsInputs<double>& in = ws.rhs_in;
  for (std::size_t r = 0; r < n_regions_; ++r) {
    in.region(kInBstarCoef, r) = ws.bstar_coef[r];
    in.region(kInMuSubsidy, r) = ws.mu_subsidy[r];
    in.region(kInM0, r) = ws.m0[r];
    in.region(kInH0, r) = ws.h0[r];
    in.region(kInGovRd, r) = ws.gov_rd[r];
    in.region(kInOtherRdPerGdp, r) = ws.other_rd_per_gdp[r];
    in.region(kInCertRate, r) = ws.cert_rate[r];
    in.region(kInEBirths, r) = ws.e_births[r];
    in.region(kInMInflow, r) = ws.m_inflow[r];
    in.region(kInHBase, r) = ws.h_base[r];
    in.region(kInI0, r) = ws.i0[r];
    in.region(kInInvFirms0, r) = ws.inv_firms0[r];
    in.region(kInInterFunded, r) = ws.inter_funded[r];
    in.region(kInGrowth, r) = ws.growth[r];
    in.region(kInInvKeffYear, r) = ws.inv_keff_year[r];
    in.region(kInAppScale, r) = ws.app_scale[r];
    in.region(kInAppSubsidy, r) = ws.app_subsidy[r];
    for (std::size_t s = 0; s < n_regions_; ++s)
      in.spill(r, s) = ws.spill(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(s));
  }
  in.draw(kInRdPerNewSme) = p.rd_per_new_sme;
  in.draw(kInRdPerNewHte) = p.rd_per_new_hte;
  in.draw(kInBusinessRdAdjustment) = p.business_rd_adjustment;
  in.draw(kInNewFirmRdRampup) = p.new_firm_rd_rampup;
  in.draw(kInRdDepreciation) = p.rd_depreciation;
  in.draw(kInEntrepreneurExitRate) = p.entrepreneur_exit_rate;
  in.draw(kInGammaEYear) = ws.gamma_e_year;
  in.draw(kInSmeExitRate) = p.sme_exit_rate;
  in.draw(kInRecertRate) = ws.recert_rate;
  in.draw(kInHteExitRate) = p.hte_exit_rate;
  in.draw(kInIntermediaryDemandElasticity) = p.intermediary_demand_elasticity;
  in.draw(kInIntermediaryAdjustment) = p.intermediary_adjustment;
  in.draw(kInPatentRdElasticity) = p.patent_rd_elasticity;
  in.draw(kInStageRate) = ws.stage_rate;
  in.draw(kInAgeingRate) = ws.ageing_rate;
  in.draw(kInPatentGrantRate) = p.patent_grant_rate;
  in.draw(kInSubsidisedGrantRateRatio) = p.subsidised_grant_rate_ratio;
  in.draw(kInPatentLapseRateYoung) = p.patent_lapse_rate_young;
  in.draw(kInSubsidisedLapseMultiplier) = p.subsidised_lapse_multiplier;
  in.draw(kInPatentLapseRateOld) = p.patent_lapse_rate_old;
  in.draw(kInRdOutputElasticity) = p.rd_output_elasticity;
  in.draw(kInRdGrowthPreStart) = p.rd_growth_pre_start;
  in.draw(kInBusinessRdIntensityTrend) = p.business_rd_intensity_trend;
  in.draw(kInSmeTrendGrowth) = p.sme_trend_growth;
  in.draw(kInHteTrendGrowth) = p.hte_trend_growth;
  in.draw(kInPropensityGrowth) = ws.propensity_growth;
}

void FourPlusOne::set_lane(LaneInputs& in, std::size_t lane, const Workspace& ws) const {
  for (std::size_t i = 0; i < kNumRhsInputs; ++i) in.v[i].v[lane] = ws.rhs_in.v[i];
}

void FourPlusOne::rhs(const Workspace& ws, const State& x, State& dx, double /*t*/) const {
  rhs_kernel<double>(ws.rhs_in, x.data(), dx.data());
}

void FourPlusOne::rhs_lanes(const LaneInputs& in, const LaneState& x, LaneState& dx) const {
  rhs_kernel<Lanes>(in, x.data(), dx.data());
}

// The right-hand side (docs/model.md section 4), written once for one draw (V = double) and
// for kLanes draws side by side (V = Lanes): the same operations in the same order.
template <class V>
void FourPlusOne::rhs_kernel(const RhsInputs<V>& in, const V* x, V* dx) const {
  const std::size_t R = n_regions_;
  // Every entry is written below except the examination stages beyond n_stages_.
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t j = n_stages_; j < kMaxStages; ++j) dx[at(kExamStage0 + j, r)] = dx[at(kSubsidisedStage0 + j, r)] = 0.0;
  const V t_int = x[global(kIntensityTrend)], t_sme = x[global(kSmeTrend)];
  const V t_hte = x[global(kHteTrend)], t_pat = x[global(kPropensity)];
  const V& rd_per_new_sme = in.draw(kInRdPerNewSme);
  const V& rd_per_new_hte = in.draw(kInRdPerNewHte);
  const V& kappa = in.draw(kInBusinessRdAdjustment);
  const V& rampup = in.draw(kInNewFirmRdRampup);
  const V& delta = in.draw(kInRdDepreciation);
  const V& gamma_e = in.draw(kInGammaEYear);
  const V& recert = in.draw(kInRecertRate);
  for (std::size_t r = 0; r < R; ++r) {
    const V y = x[at(kGdp, r)], b_inc = x[at(kIncumbentRd, r)], b_new = x[at(kNewFirmRd, r)];
    const V k = x[at(kRdCapital, r)];
    const V e = x[at(kEntrepreneurs, r)], m = x[at(kSmes, r)], h = x[at(kHighTech, r)];
    // Business R&D: incumbents follow their value added (GDP), the intensity trend and the tax
    // price; firms above the pre-start trend path add their own R&D as they ramp up.
    const V bstar = in.region(kInBstarCoef, r) * y * t_int + in.region(kInMuSubsidy, r);
    const V bnew_star = rd_per_new_sme * (m - in.region(kInM0, r) * t_sme) +
                        rd_per_new_hte * (h - in.region(kInH0, r) * t_hte);
    const V b = b_inc + b_new;
    const V rd = in.region(kInGovRd, r) + b + in.region(kInOtherRdPerGdp, r) * y;
    dx[at(kIncumbentRd, r)] = kappa * (bstar - b_inc);
    dx[at(kNewFirmRd, r)] = rampup * (bnew_star - b_new);
    dx[at(kRdCapital, r)] = rd - delta * k;
    dx[at(kBusinessRdYear, r)] = b;
    dx[at(kGdpYear, r)] = y;
    // Enterprise pipeline E -> M <-> H.
    const V& cert = in.region(kInCertRate, r);
    dx[at(kEntrepreneurs, r)] = in.region(kInEBirths, r) - (in.draw(kInEntrepreneurExitRate) + gamma_e) * e;
    dx[at(kSmes, r)] =
        gamma_e * e + in.region(kInMInflow, r) - (in.draw(kInSmeExitRate) + cert) * m + recert * h;
    dx[at(kHighTech, r)] = in.region(kInHBase, r) + cert * m - (in.draw(kInHteExitRate) + recert) * h;
    // Intermediaries follow demand from firms, plus funded entries.
    const V istar = in.region(kInI0, r) * (1.0 + in.draw(kInIntermediaryDemandElasticity) *
                                                     ((m + h) * in.region(kInInvFirms0, r) - 1.0));
    dx[at(kIntermediaries, r)] = in.draw(kInIntermediaryAdjustment) * (istar - x[at(kIntermediaries, r)]) +
                                 in.region(kInInterFunded, r);
  }
  const V& beta = in.draw(kInPatentRdElasticity);
  const V c2 = 0.5 * beta * (beta - 1.0);
  const V& ks = in.draw(kInStageRate);
  const V& age = in.draw(kInAgeingRate);
  const V& grant_rate = in.draw(kInPatentGrantRate);
  const V& lapse_young = in.draw(kInPatentLapseRateYoung);
  const V grant_sub = grant_rate * in.draw(kInSubsidisedGrantRateRatio);
  const V lapse_young_sub = lapse_young * in.draw(kInSubsidisedLapseMultiplier);
  const std::size_t last = n_stages_ - 1;
  for (std::size_t r = 0; r < R; ++r) {
    // Spillovers: K_eff = K + sum_s W_rs K_s, and its derivative.
    V sk = in.spill(r, 0) * x[at(kRdCapital, 0)], sdk = in.spill(r, 0) * dx[at(kRdCapital, 0)];
    for (std::size_t s = 1; s < R; ++s) {
      sk += in.spill(r, s) * x[at(kRdCapital, s)];
      sdk += in.spill(r, s) * dx[at(kRdCapital, s)];
    }
    const V keff = x[at(kRdCapital, r)] + sk;
    const V dkeff = dx[at(kRdCapital, r)] + sdk;
    const V y = x[at(kGdp, r)];
    dx[at(kGdp, r)] = (in.region(kInGrowth, r) +
                       in.draw(kInRdOutputElasticity) * (dkeff / keff - in.draw(kInRdGrowthPreStart))) *
                      y;
    // Applications: second-order expansion of (Keff/Keff_year)^beta within the year. Those
    // induced by the patent promotion (the propensity above its start level) and by patent
    // subsidies go through their own stream (lower grant rate, higher lapse).
    const V v = keff * in.region(kInInvKeffYear, r) - 1.0;
    const V apps = in.region(kInAppScale, r) * (1.0 + beta * v + c2 * v * v);
    const V apps_sub = apps * (t_pat - 1.0) + in.region(kInAppSubsidy, r);
    dx[at(kExamStage0, r)] = apps - ks * x[at(kExamStage0, r)];
    dx[at(kSubsidisedStage0, r)] = apps_sub - ks * x[at(kSubsidisedStage0, r)];
    for (std::size_t j = 1; j < n_stages_; ++j) {
      dx[at(kExamStage0 + j, r)] = ks * (x[at(kExamStage0 + j - 1, r)] - x[at(kExamStage0 + j, r)]);
      dx[at(kSubsidisedStage0 + j, r)] =
          ks * (x[at(kSubsidisedStage0 + j - 1, r)] - x[at(kSubsidisedStage0 + j, r)]);
    }
    const V grants = grant_rate * ks * x[at(kExamStage0 + last, r)];
    const V grants_sub = grant_sub * ks * x[at(kSubsidisedStage0 + last, r)];
    const V young = x[at(kYoungPatents, r)], young_sub = x[at(kYoungSubsidised, r)];
    dx[at(kYoungPatents, r)] = grants - (lapse_young + age) * young;
    dx[at(kYoungSubsidised, r)] = grants_sub - (lapse_young_sub + age) * young_sub;
    dx[at(kOldPatents, r)] = age * (young + young_sub) - in.draw(kInPatentLapseRateOld) * x[at(kOldPatents, r)];
    dx[at(kGrantsYear, r)] = grants + grants_sub;
    dx[at(kApplicationsYear, r)] = apps + apps_sub;
  }
  dx[global(kIntensityTrend)] = in.draw(kInBusinessRdIntensityTrend) * t_int;
  dx[global(kSmeTrend)] = in.draw(kInSmeTrendGrowth) * t_sme;
  dx[global(kHteTrend)] = in.draw(kInHteTrendGrowth) * t_hte;
  dx[global(kPropensity)] = in.draw(kInPropensityGrowth) * t_pat;
}

void FourPlusOne::observe(Workspace& ws, int year, const State& x, std::span<double> out) const {
  const std::size_t R = n_regions_, per_indicator = outputs_per_indicator();  // regions, then aggregates
  const Parameters& p = ws.par;
  const bool first = year == start_;
  const double tau = double(year - start_);
  auto put = [&](std::size_t ind, std::size_t k, double v) { out[ind * per_indicator + k] = v; };

  // Per-region quantities that the aggregates sum (index kNumIndicators + q for the extras).
  enum Extra : std::size_t { kRd, kGdpAnnual, kGdpEnd, kGdp0, kGdpFactor, kGdpPrev, kGdpTrend, kPatents, kPopPrev,
                             kVa, kIva, kGrants, kGrantsBase, kNumExtra };
  std::array<RegionArray, kNumIndicators> v{};
  std::array<RegionArray, kNumExtra> e{};
  const double pop_factor = std::exp(p.population_growth * tau);
  const double pop_prev_factor = std::exp(p.population_growth * (tau - 1.0));
  const double va_factor = std::exp(p.high_tech_va_growth * tau);
  const double deflator = std::exp(-p.gdp_deflator_growth);
  for (std::size_t r = 0; r < R; ++r) {
    const double y = x[at(kGdp, r)];
    // Annual flows of the calendar year (at the start: the start-year totals).
    const double gdp = first ? ws.gdp0[r] : x[at(kGdpYear, r)];
    const double gov_base = ws.gov_rd0[r] * ws.fiscal_st[r] / ws.fiscal_st0[r];
    const double other = ws.other_rd_per_gdp[r] * gdp;
    const double business_funds = first ? ws.rd0[r] - ws.gov_rd0[r] - other : x[at(kBusinessRdYear, r)];
    const double rd = first ? ws.rd0[r] : ws.gov_rd[r] + business_funds + other;
    e[kRd][r] = rd;
    e[kGdpAnnual][r] = gdp;
    v[kGdpInd][r] = gdp;
    v[kRdExpenditure][r] = rd;
    v[kRdIntensity][r] = 100.0 * rd / gdp;
    v[kBusinessRd][r] = business_funds + (first ? 0.0 : ws.subsidy[r]) +
                        p.public_funds_business_share * (gov_base + other);
    v[kFiscalStSpending][r] = first ? ws.fiscal_st0[r] : std::max(0.0, ws.fiscal_st[r] + ws.pot[r]);
    // Real growth of annual GDP over the previous calendar year (at the start: the expected g_r).
    e[kGdpPrev][r] = ws.gdp_prev[r];
    e[kGdpTrend][r] = ws.gdp0[r] * std::exp(p.gdp_growth_real[r]);
    v[kGdpRealGrowth][r] =
        first ? 100.0 * std::expm1(p.gdp_growth_real[r]) : 100.0 * (gdp / ws.gdp_prev[r] * deflator - 1.0);
    // Contribution of S&T progress: (real growth - factor growth) / real growth, from the start.
    double contrib = p.st_contribution_start;
    if (!first) {
      const double real = std::log(y) - ws.ln_y0[r] - p.gdp_deflator_growth * tau;
      contrib = 100.0 * (real - ws.factor_growth[r] * tau) / std::max(real, min_growth_ * tau);
    }
    v[kStContribution][r] = contrib;
    e[kGdpEnd][r] = y;
    e[kGdp0][r] = ws.y0[r];
    e[kGdpFactor][r] = ws.y0[r] * std::exp(ws.factor_growth[r] * tau);
    // Counts.
    double plat = 0;
    for (std::size_t k = 0; k < kPlatformTypes; ++k) {
      v[kKeyLabs + k][r] = ws.platforms[k][r];
      plat += ws.platforms[k][r];
    }
    v[kPlatforms][r] = plat;
    v[kIntermediariesInd][r] = x[at(kIntermediaries, r)];
    v[kIncubators][r] = ws.incubators[r];
    v[kTeams][r] = ws.teams[r];
    v[kHighTechEnterprises][r] = x[at(kHighTech, r)];
    v[kTechSmes][r] = x[at(kSmes, r)];
    v[kMassEntrepreneurship][r] = x[at(kEntrepreneurs, r)];
    v[kLittleGiants][r] = ws.little_giants[r];
    v[kMakerSpaces][r] = ws.maker_spaces[r];
    // Population and patents (per 10k of the previous year-end population, as published).
    const double n = ws.n0[r] * pop_factor, n_prev = ws.n0[r] * pop_prev_factor;
    const double patents = x[at(kYoungPatents, r)] + x[at(kYoungSubsidised, r)] + x[at(kOldPatents, r)];
    v[kPopulation][r] = n;
    v[kValidInventionPatents][r] = patents;
    v[kPatentsPer10k][r] = 1e4 * patents / n_prev;
    e[kPatents][r] = patents;
    e[kPopPrev][r] = n_prev;
    const double apps = first ? ws.applications0[r] : x[at(kApplicationsYear, r)];
    const double grants = first ? ws.grants_base[r] : x[at(kGrantsYear, r)];
    v[kInventionApplications][r] = apps;
    v[kInventionGrants][r] = grants;
    e[kGrants][r] = grants;
    e[kGrantsBase][r] = ws.grants_base[r];
    v[kGrantGrowth][r] = first ? ws.grant_growth0 : 100.0 * (std::pow(grants / ws.grants_base[r], 1.0 / tau) - 1.0);
    // High-tech industry VA over above-scale industrial VA.
    const double va = ws.ht_va0[r] * va_factor * std::pow(x[at(kHighTech, r)] / ws.h0[r], p.high_tech_va_hte_elasticity);
    const double iva = p.industrial_va_share[r] * gdp;
    v[kHighTechVaShare][r] = 100.0 * va / iva;
    e[kVa][r] = va;
    e[kIva][r] = iva;
  }
  for (std::size_t i = 0; i < kNumIndicators; ++i)
    for (std::size_t r = 0; r < R; ++r) put(i, r, v[i][r]);

  // Aggregates: sums, and ratios of sums.
  for (std::size_t a = 0; a < n_aggregates_; ++a) {
    const auto& in = member_[a];
    auto sum = [&](const RegionArray& q) {
      double s = 0;
      for (std::size_t r = 0; r < R; ++r)
        if (in[r]) s += q[r];
      return s;
    };
    const std::size_t k = R + a;
    for (std::size_t i : {kPlatforms, kIntermediariesInd, kIncubators, kTeams, kHighTechEnterprises, kTechSmes,
                          kMassEntrepreneurship, kLittleGiants, kMakerSpaces, kKeyLabs, kEngineeringLabs,
                          kEngineeringResearchCentres, kTechInnovationCentres, kEnterpriseTechCentres, kGdpInd,
                          kPopulation, kRdExpenditure, kBusinessRd, kFiscalStSpending, kInventionApplications,
                          kInventionGrants, kValidInventionPatents})
      put(i, k, sum(v[i]));
    const double s_gdp = sum(e[kGdpAnnual]);
    put(kRdIntensity, k, 100.0 * sum(e[kRd]) / s_gdp);
    put(kGdpRealGrowth, k,
        first ? 100.0 * (sum(e[kGdpTrend]) / s_gdp - 1.0) : 100.0 * (s_gdp / sum(e[kGdpPrev]) * deflator - 1.0));
    if (first) {
      put(kStContribution, k, p.st_contribution_start);
    } else {
      const double s_y0 = sum(e[kGdp0]);
      const double real = std::log(sum(e[kGdpEnd]) / s_y0) - p.gdp_deflator_growth * tau;
      const double factor = std::log(sum(e[kGdpFactor]) / s_y0);
      put(kStContribution, k, 100.0 * (real - factor) / std::max(real, min_growth_ * tau));
    }
    put(kPatentsPer10k, k, 1e4 * sum(e[kPatents]) / sum(e[kPopPrev]));
    put(kHighTechVaShare, k, 100.0 * sum(e[kVa]) / sum(e[kIva]));
    put(kGrantGrowth, k,
        first ? ws.grant_growth0 : 100.0 * (std::pow(sum(e[kGrants]) / sum(e[kGrantsBase]), 1.0 / tau) - 1.0));
  }
}

}  // namespace innosim
