#pragma once
// The 4+1 innovation model (docs/model.md): GDP, R&D (government, business,
// other) and R&D capital with spillovers, an enterprise pipeline
// (entrepreneurship entities -> tech SMEs -> high-tech enterprises),
// platforms by type, intermediaries, incubators, maker spaces, teams,
// little giants, an invention-patent pipeline, growth accounting and the
// high-tech value-added share. Every number comes from the scenario; this
// file holds only structure.
//
// Time: t = 2015 is the end of 2015; the interval [y, y+1] is calendar year
// y+1, so year_start(y) reads levers at y+1.
//
// Continuous state (region-major): x[r * kNumVars + v], length
// kNumVars * regions at run time (capacity kNumVars * kMaxRegions), so the
// integrator touches only the regions in use.
// Small-count stocks (platforms by type, incubators, maker spaces, teams,
// little giants) change only at year boundaries by integer events and live
// in the Workspace, not in the integrated state.

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "innosim/model/bounded_state.hpp"
#include "innosim/model/model.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

class ModelBinding;

class FourPlusOne {
 public:
  // Compile-time maximum number of regions (the plan has 5). A scenario with
  // more regions is rejected with a Problem naming [[regions]].
  static constexpr std::size_t kMaxRegions = 8;
  // Maximum number of Erlang stages of the patent examination chain.
  static constexpr std::size_t kMaxStages = 4;
  static constexpr std::size_t kPlatformTypes = 5;

  // Continuous variables (per region).
  enum Var : std::size_t {
    kGdp = 0,         // Y, nominal GDP, yuan/yr
    kBusinessRd,      // B, privately financed business R&D, yuan/yr
    kRdCapital,       // K, R&D capital stock, yuan
    kEntrepreneurs,   // E, mass-entrepreneurship entities
    kSmes,            // M, tech SMEs
    kHighTech,        // H, high-tech enterprises
    kIntermediaries,  // I
    kValidPatents,    // V, valid invention patents
    kGrantsYear,      // invention grants since the year start
    kGdpYear,         // integral of Y since the year start (annual GDP)
    kRdYear,          // integral of RD since the year start (annual R&D)
    kExamStage0,      // first of kMaxStages examination stages
    kNumVars = kExamStage0 + kMaxStages
  };
  static constexpr std::size_t kStateSize = kNumVars * kMaxRegions;
  static constexpr std::size_t at(std::size_t var, std::size_t region) { return region * kNumVars + var; }

  // Indicator order (out[indicator * (R + 1) + region], zone at index R).
  enum Indicator : std::size_t {
    kRdIntensity = 0,
    kStContribution,
    kPlatforms,
    kIntermediariesInd,
    kIncubators,
    kTeams,
    kPatentsPer10k,
    kHighTechEnterprises,
    kTechSmes,
    kMassEntrepreneurship,
    kHighTechVaShare,
    kKeyLabs,  // platform types, in this order
    kEngineeringLabs,
    kEngineeringResearchCentres,
    kTechInnovationCentres,
    kEnterpriseTechCentres,
    kLittleGiants,
    kMakerSpaces,
    kGrantGrowth,
    kNumIndicators
  };

  // Uniforms of one year (docs/model.md section 3), 3 + (1 + kRandomsPerRegion) R of them:
  // the common GDP shock, one GDP shock per region, the execution of the zone fund and of own
  // budgets, then kRandomsPerRegion per region for the integer events.
  static constexpr std::size_t kCommonShock = 0;
  static constexpr std::size_t regional_shock(std::size_t r) { return 1 + r; }
  static constexpr std::size_t fund_execution(std::size_t regions) { return regions + 1; }
  static constexpr std::size_t own_budget_execution(std::size_t regions) { return regions + 2; }
  // First uniform of region r's kRandomsPerRegion.
  static constexpr std::size_t region_randoms(std::size_t regions, std::size_t r) {
    return 3 + regions + kRandomsPerRegion * r;
  }
  // The uniforms of one region in a year, one per integer event (docs/model.md section 6, the
  // slot in brackets there): platform type k enters at 2k and closes at 2k + 1.
  enum RegionRandom : std::size_t {
    kPlatformEntries = 0,
    kPlatformClosures = 1,
    kIncubatorEntries = 2 * kPlatformTypes,
    kIncubatorClosures,
    kMakerSpaceEntries,
    kMakerSpaceClosures,
    kMakerSpaceUpgrades,
    kTeamEntries,
    kTeamDissolutions,
    kLittleGiantEntries,
    kLittleGiantExits,
    kRandomsPerRegion
  };

  using State = BoundedState<kStateSize>;
  using RegionArray = std::array<double, kMaxRegions>;
  using TypeArray = std::array<double, kPlatformTypes>;  // one value per platform type
  // Fixed-capacity (no heap) R x R matrix and R vector for the spillovers.
  using RegionMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxRegions, kMaxRegions>;
  using RegionVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxRegions, 1>;

  // The parameter values of one draw, each under its scenario name (docs/model.md section 7
  // gives its symbol, unit, prior and source). Filled from theta by the parameter table in
  // four_plus_one.cpp, which also holds each one's admissible support. Per-region values are
  // in region order; regional `*_share`s are as drawn (init normalises them).
  struct Parameters {
    // Economy.
    double gdp_2015 = 0;
    RegionArray gdp_share{};
    double population_2015 = 0;
    RegionArray population_share{};
    double population_growth = 0;       // n
    RegionArray gdp_growth_real{};      // g_r
    double gdp_deflator_growth = 0;     // pi
    double gdp_shock_sd = 0;            // sigma_Y
    double gdp_shock_correlation = 0;   // rho_Y
    double st_contribution_2015 = 0;    // 100 s_0
    RegionArray industrial_va_share{};  // iota_r
    // R&D.
    double rd_intensity_2015 = 0;
    RegionArray rd_share{};
    double rd_business_weight = 0;       // w_B
    double rd_government_weight = 0;     // w_G
    double rd_other_weight = 0;          // w_O
    double rd_growth_pre_2015 = 0;       // g_K0
    double rd_depreciation = 0;          // delta
    double rd_output_elasticity = 0;     // eta
    double business_rd_adjustment = 0;   // kappa
    double user_cost_elasticity = 0;     // epsilon
    double subsidy_additionality = 0;    // mu
    double firm_base_elasticity = 0;     // psi_B
    double hte_weight_in_firm_base = 0;  // chi
    double hte_rd_share = 0;             // h
    double fiscal_st_rd_share = 0;       // phi_fs
    RegionArray spillover_absorption{};  // omega_r
    double execution_rate_mean = 0;      // e-bar
    double execution_rate_sd = 0;        // s_e
    // Enterprises.
    double mass_entrepreneurship_2015 = 0;
    RegionArray mass_entrepreneurship_share{};
    double entrepreneur_exit_rate = 0;        // x_E
    double entrepreneur_graduation_rate = 0;  // gamma_E
    double entrepreneur_trend_growth = 0;     // g_E
    double entities_per_maker_space = 0;      // beta_S
    double entities_per_incubator = 0;        // beta_C
    double tech_smes_2015 = 0;
    RegionArray tech_sme_share{};
    double sme_exit_rate = 0;            // x_M
    double sme_trend_growth = 0;         // g_M
    double sme_programme_inflow = 0;     // Delta m
    double sme_registration_uplift = 0;  // upsilon_reg
    double high_tech_enterprises_2015 = 0;
    RegionArray hte_share{};
    double hte_certification_rate = 0;           // c_0
    double hte_certification_rd_elasticity = 0;  // psi_c
    double hte_programme_uplift = 0;             // upsilon_H
    double hte_recertification_failure = 0;      // f_R
    double hte_status_years = 0;                 // Y_H
    double hte_exit_rate = 0;                    // x_H
    double hte_trend_growth = 0;                 // g_H
    double little_giants_2015 = 0;
    double little_giant_max_share_of_smes = 0;  // cap
    double little_giant_exit_rate = 0;          // x_L
    // Platforms and services.
    double platforms_2015 = 0;
    RegionArray platform_share{};
    double platform_trend_growth = 0;           // g_P
    double platform_closure_rate = 0;           // p_P
    double enterprise_centres_per_new_hte = 0;  // theta
    TypeArray platform_type_share{};            // platform_type_share_<type>
    TypeArray platform_unit_cost{};             // platform_unit_cost_<type>, c_k
    double incubators_2015 = 0;
    RegionArray incubator_share{};
    double incubator_trend_growth = 0;    // g_C
    double incubator_closure_rate = 0;    // p_C
    double incubator_unit_cost = 0;       // c_C
    double maker_space_upgrade_rate = 0;  // p_U
    double maker_spaces_2015 = 0;
    RegionArray maker_space_share{};
    double maker_space_trend_growth = 0;  // g_S
    double maker_space_closure_rate = 0;  // p_S
    double maker_space_unit_cost = 0;     // c_S
    double innovation_teams_2015 = 0;
    RegionArray team_share{};
    double team_trend_growth = 0;  // g_T
    double team_lifetime = 0;
    double team_unit_cost = 0;  // c_T
    double intermediaries_2015 = 0;
    RegionArray intermediary_share{};
    double intermediary_adjustment = 0;         // kappa_I
    double intermediary_demand_elasticity = 0;  // psi_I
    double intermediary_unit_cost = 0;          // c_I
    // Patents.
    double patents_per_10k_2015 = 0;
    RegionArray patent_share{};
    double invention_applications_2015 = 0;
    double invention_grants_2015 = 0;     // G15
    double patent_rd_elasticity = 0;      // beta
    double patent_examination_lag = 0;    // L
    double patent_lapse_rate = 0;         // lambda
    double application_trend_growth = 0;  // g_A
    double patent_subsidy_effect = 0;     // nu
    // High-tech value added.
    double high_tech_va_share_2015 = 0;
    double va_per_hte_growth = 0;  // g_v
  };

  // Per-draw data: the drawn parameters, constants derived from them, yearly constants and the
  // small-count stocks. Fixed size; reused across draws. docs/model.md section 13 gives the
  // symbol of every field.
  struct Workspace {
    Parameters par;
    // --- per draw (init; docs/model.md section 2) ---
    RegionArray y0{}, inv_y0{}, ln_y0{};  // Y0_r, 1/Y0_r, ln Y0_r
    RegionArray n0{};                     // N_r at the start
    RegionArray factor_growth{};          // (1 - s_0) g_r
    RegionArray gov_rd0{};                // G0_r
    RegionArray b0{};                     // b0_r = B0_r (1 + (g_r + pi)/kappa)
    RegionArray other_rd_per_gdp{};       // O0_r / Y0_r
    RegionArray y0_over_b0{};             // Y0_r / B0_r (0 when B0_r = 0)
    RegionArray inv_z0{};                 // 1 / (M0_r + chi H0_r)
    RegionArray h0{}, i0{};               // H0_r, I0_r
    RegionArray sme_share{};              // normalised tech_sme_share
    // diag(omega) W: K_eff = K + spill K (W = the scenario matrix `spillover`, zero diagonal).
    RegionMatrix spill;
    RegionArray e_base{}, m_base{}, h_base{};  // pre-2015 trend inflows of E, M, H
    std::array<RegionArray, kPlatformTypes> platform0{}, platform_base{};  // P0_k,r, base_k,r
    RegionArray incubator_base{}, maker_space_base{}, team_base{};         // base_C, base_S, base_T
    // Rates and the patent pipeline.
    RegionArray patent_scale{};     // a_r = A0_r / K_eff,r(start)^beta
    RegionArray grants_base{};      // Gr15_r, grants in the start year
    double recert_rate = 0;         // r_H = f_R / Y_H
    double team_dissolve_rate = 0;  // 1 / team_lifetime
    double tax_price0 = 0;          // rho_start
    double stage_rate = 0;          // k = n / L
    // Calibrated so that the 2015 grant flow is invention_grants_2015.
    double grant_rate = 0;     // gamma_g
    double grant_growth0 = 0;  // 100 (e^g_A - 1)
    double va_per_hte = 0;     // v_H
    // --- per year (year_start; docs/model.md section 3) ---
    int year = 0;
    RegionArray growth{};                      // g_r + pi + xi_r
    RegionArray gov_rd{};                      // G_r
    RegionArray bstar_coef{};                  // b0_r Phi_c / Y0_r
    RegionArray mu_subsidy{};                  // mu S_r
    RegionArray e_births{};                    // b_E,r
    RegionArray m_inflow{};                    // m_c,r
    RegionArray keff_year{}, inv_keff_year{};  // K_eff,r at the year start, and 1 over it
    RegionArray app_scale{};                   // alpha_r
    RegionArray app_subsidy{};                 // nu max(0, Pi_r u_pat)
    RegionArray inter_funded{};                // f_I,r
    double cert_rate = 0;                      // c_c
    double gamma_e_year = 0;                   // gamma_c
    double tax_price = 0;                      // rho_c
    // --- small-count stocks (changed by integer events at year starts; section 6) ---
    std::array<RegionArray, kPlatformTypes> platforms{};                 // P_k
    RegionArray incubators{}, maker_spaces{}, teams{}, little_giants{};  // C, S, T, L
  };

  explicit FourPlusOne(const Scenario& scenario);

  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  std::size_t num_regions() const { return n_regions_; }
  std::size_t num_parameters() const { return n_params_; }
  std::size_t randoms_per_year() const { return 3 + n_regions_ + kRandomsPerRegion * n_regions_; }
  std::size_t exam_stages() const { return n_stages_; }

  void init(Workspace& ws, std::span<const double> theta, State& x) const;
  void year_start(Workspace& ws, int year, State& x, std::span<const double> u) const;
  void rhs(const Workspace& ws, const State& x, State& dxdt, double t) const;
  void observe(Workspace& ws, int year, const State& x, std::span<double> out) const;

  // The tax price of R&D (after-tax cost of one yuan of R&D relative to one
  // yuan of other deductible spending), R&D-weighted over firms at the
  // standard and the high-tech rate. Public for tests and tools.
  static double tax_price(double corporate_rate, double high_tech_rate, double high_tech_rd_share,
                          double super_deduction_rate, double claimed_share);

 private:
  struct Path {  // a lever resolved for calendar years start..end: v[yi * R + r]
    std::vector<double> v;
    bool per_region = false;
  };
  // The levers, each under its scenario name (docs/model.md section 8).
  struct Levers {
    Path fiscal_rd_zone, fiscal_rd_allocation, own_fiscal_st;
    Path corporate_tax_rate, high_tech_tax_rate, super_deduction_rate, super_deduction_claimed_share;
    Path tech_sme_registration, sme_doubling_programme, hte_cultivation_programme;
    Path little_giants_selected_per_year;
    Path fund_use_enterprise_rd, fund_use_platforms, fund_use_incubators, fund_use_maker_spaces,
        fund_use_teams, fund_use_patents, fund_use_intermediaries, fund_use_public_rd;
    std::array<Path, kPlatformTypes> platform_funding_share;  // platform_funding_share_<type>
  };
  struct Shares;  // normalised regional shares of one draw (four_plus_one.cpp)
  double lever(const Path& p, int year, std::size_t r = 0) const;
  std::size_t n_years() const;     // calendar years start..end
  bool regions_supported() const;  // 1 <= regions <= kMaxRegions

  // Construction, in this order; each step records its problems in the
  // binding, and the constructor reports them all at once.
  void check_regions(ModelBinding& b) const;
  void bind_indicators(ModelBinding& b);
  void bind_options(ModelBinding& b);
  void bind_parameters(ModelBinding& b);  // the parameter table: indices and support checks
  void check_grant_rate(ModelBinding& b) const;
  void bind_matrices(ModelBinding& b);
  void bind_levers(ModelBinding& b);
  void check_lever_paths(ModelBinding& b) const;  // shares sum to 1, rates in range

  // Steps of init, in this order.
  void copy_parameters(Parameters& par, std::span<const double> theta) const;
  Shares normalised_shares(const Parameters& par) const;
  void init_small_counts(Workspace& ws, const Shares& shares) const;
  void init_regions(Workspace& ws, const Shares& shares, State& x) const;
  void calibrate_grants(Workspace& ws, const State& x) const;
  void init_spillovers(Workspace& ws, const Shares& shares, const State& x) const;

  std::vector<IndicatorInfo> indicators_;
  std::size_t n_regions_ = 0, n_params_ = 0, n_stages_ = 1;
  int start_ = 0, end_ = 0;
  bool integer_events_ = true, shocks_ = true;
  double min_growth_ = 0;
  RegionMatrix w_;  // spillover weights W_rs from [model_matrices.spillover]
  // Indices into theta of each row of the parameter table (one, or one per region).
  std::vector<std::vector<std::size_t>> theta_index_;
  Levers levers_;
};

static_assert(Model<FourPlusOne>);

}  // namespace innosim
