#pragma once
// The 4+1 innovation model (docs/model.md): GDP, R&D (government funds that
// follow fiscal S&T spending, business R&D of incumbents and of new firms,
// other) and R&D capital with spillovers, an enterprise pipeline
// (entrepreneurship entities -> tech SMEs -> high-tech enterprises, with an
// R&D-threshold certification), platforms by type, intermediaries,
// incubators, maker spaces, teams, little giants, a two-stream invention
// patent pipeline with age-dependent lapse, growth accounting and the
// high-tech industry value-added share. Every number comes from the
// scenario; this file holds only structure.
//
// Time: t = start is the end of the start year; the interval [y, y+1] is
// calendar year y+1, so year_start(y) reads levers at y+1.
//
// Continuous state: region-major x[r * kNumVars + v] for the regions in use,
// then kNumGlobals draw-wide trend factors at x[regions * kNumVars + g]
// (length kNumVars * regions + kNumGlobals at run time, capacity kStateSize),
// so the integrator touches only the regions in use. Small-count stocks
// (platforms by type, incubators, maker spaces, teams, little giants) change
// only at year boundaries by integer events and live in the Workspace.
//
// Outputs: out[indicator * outputs_per_indicator() + k] with k = the regions
// in scenario order, then the aggregates (aggregate_names(): "zone", the
// in-zone regions, and the whole territory when the scenario declares one).

#include <Eigen/Core>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "innosim/model/bounded_state.hpp"
#include "innosim/model/lanes.hpp"
#include "innosim/model/model.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

class ModelBinding;

class FourPlusOne {
 public:
  // Compile-time maximum number of regions (the plan has 6). A scenario with
  // more regions is rejected with a Problem naming [[regions]].
  static constexpr std::size_t kMaxRegions = 8;
  // Maximum number of Erlang stages of the patent examination chain.
  static constexpr std::size_t kMaxStages = 4;
  static constexpr std::size_t kPlatformTypes = 5;
  // Aggregates over regions: the zone, and the whole territory when declared.
  static constexpr std::size_t kMaxAggregates = 2;

  // Continuous variables (per region).
  enum Var : std::size_t {
    kGdp = 0,           // Y, nominal GDP (rate), yuan/yr
    kIncumbentRd,       // B_inc, enterprise-funded R&D of incumbent firms, yuan/yr
    kNewFirmRd,         // B_new, R&D of firms above the pre-start trend (ramping up), yuan/yr
    kRdCapital,         // K, R&D capital stock, yuan
    kEntrepreneurs,     // E, mass-entrepreneurship entities
    kSmes,              // M, tech SMEs
    kHighTech,          // H, high-tech enterprises
    kIntermediaries,    // I
    kYoungPatents,      // V_y, valid invention patents granted < a few years ago (regular stream)
    kYoungSubsidised,   // V_ys, the same for subsidy-induced patents
    kOldPatents,        // V_o, older valid invention patents (both streams)
    kGrantsYear,        // invention grants since the year start
    kApplicationsYear,  // invention applications since the year start
    kGdpYear,           // integral of Y since the year start (annual GDP)
    kBusinessRdYear,    // integral of B_inc + B_new since the year start
    kExamStage0,        // first of kMaxStages examination stages, regular applications
    kSubsidisedStage0 = kExamStage0 + kMaxStages,  // first of kMaxStages, subsidy-induced
    kNumVars = kSubsidisedStage0 + kMaxStages
  };
  // Draw-wide trend factors (after the regions), each 1 at the start.
  enum Global : std::size_t {
    kIntensityTrend = 0,  // e^{g_int tau}: incumbents' R&D intensity trend
    kSmeTrend,            // e^{g_M tau}: the pre-start trend path of tech SMEs
    kHteTrend,            // e^{g_H tau}: the pre-start trend path of high-tech enterprises
    kPropensity,          // patenting propensity, grows while the patent promotion is on
    kNumGlobals
  };
  static constexpr std::size_t kStateSize = kNumVars * kMaxRegions + kNumGlobals;
  static constexpr std::size_t at(std::size_t var, std::size_t region) { return region * kNumVars + var; }
  std::size_t global(std::size_t g) const { return n_regions_ * kNumVars + g; }

  // Indicator order (out[indicator * outputs_per_indicator() + k]).
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
    kGdpInd,
    kGdpRealGrowth,
    kPopulation,
    kRdExpenditure,
    kBusinessRd,
    kFiscalStSpending,
    kInventionApplications,
    kInventionGrants,
    kValidInventionPatents,
    kNumIndicators
  };

  // Uniforms of one year (docs/model.md section 3), 3 + (1 + kRandomsPerRegion) R of them:
  // the common GDP shock, one GDP shock per region, the execution of the zone fund, the
  // common fiscal S&T growth shock, then kRandomsPerRegion per region for the integer events.
  static constexpr std::size_t kCommonShock = 0;
  static constexpr std::size_t regional_shock(std::size_t r) { return 1 + r; }
  static constexpr std::size_t fund_execution(std::size_t regions) { return regions + 1; }
  static constexpr std::size_t fiscal_st_shock(std::size_t regions) { return regions + 2; }
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
    kLittleGiantExits,
    kRandomsPerRegion
  };

  using State = BoundedState<kStateSize>;
  using LaneState = innosim::LaneState<kStateSize>;
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
    double gdp_start = 0;
    RegionArray gdp_share{};
    double population_start = 0;
    RegionArray population_share{};
    double population_growth = 0;       // n
    RegionArray gdp_growth_real{};      // g_r
    double gdp_deflator_growth = 0;     // pi
    double gdp_shock_sd = 0;            // sigma_Y
    double gdp_shock_correlation = 0;   // rho_Y
    double st_contribution_start = 0;   // 100 s_0
    RegionArray industrial_va_share{};  // iota_r
    // R&D.
    double rd_intensity_start = 0;
    RegionArray rd_share{};
    double rd_business_weight = 0;            // w_B
    double rd_government_weight = 0;          // w_G
    double rd_other_weight = 0;               // w_O
    double public_funds_business_share = 0;   // theta_B
    double rd_growth_pre_start = 0;           // g_K0
    double rd_depreciation = 0;               // delta
    double rd_output_elasticity = 0;          // eta
    double business_rd_adjustment = 0;        // kappa
    double business_rd_intensity_trend = 0;   // g_int
    double user_cost_elasticity = 0;          // epsilon
    double subsidy_additionality = 0;         // mu
    double low_tax_rd_share = 0;              // h
    double absorptive_capacity = 0;           // alpha
    RegionArray spillover_absorption{};       // omega_r
    double execution_rate_mean = 0;           // e-bar
    double execution_rate_sd = 0;             // s_e
    double set_yearly_amount_factor = 0;      // f_Y
    double fiscal_st_start = 0;               // F0 (zone)
    RegionArray fiscal_st_share{};
    double fiscal_st_growth_margin = 0;       // delta_F
    double fiscal_st_growth_sd = 0;           // sigma_F
    double fiscal_st_push_uplift = 0;         // u_F
    double rd_per_new_sme = 0;                // r_M
    double rd_per_new_hte = 0;                // r_H
    double new_firm_rd_rampup = 0;            // rho
    // Enterprises.
    double mass_entrepreneurship_start = 0;
    RegionArray mass_entrepreneurship_share{};
    double entrepreneur_exit_rate = 0;        // x_E
    double entrepreneur_graduation_rate = 0;  // gamma_E
    double entrepreneur_trend_growth = 0;     // g_E
    double entities_per_maker_space = 0;      // beta_S
    double entities_per_incubator = 0;        // beta_C
    double tech_smes_start = 0;
    RegionArray tech_sme_share{};
    double sme_exit_rate = 0;            // x_M
    double sme_trend_growth = 0;         // g_M
    double sme_programme_inflow = 0;     // Delta m
    double sme_registration_uplift = 0;  // upsilon_reg
    double sme_subsidy_share = 0;        // omega_S
    double high_tech_enterprises_start = 0;
    RegionArray hte_share{};
    double hte_certification_rate = 0;       // c_0
    double sme_share_above_threshold = 0;    // P_0
    double sme_rd_intensity_dispersion = 0;  // sigma_i
    double hte_programme_uplift = 0;         // upsilon_H
    double hte_reform_uplift = 0;            // upsilon_R
    double hte_recertification_failure = 0;  // f_R
    double hte_status_years = 0;             // Y_H
    double hte_exit_rate = 0;                // x_H
    double hte_trend_growth = 0;             // g_H
    double little_giants_start = 0;
    double little_giant_max_share_of_smes = 0;  // cap
    double little_giant_exit_rate = 0;          // x_L
    // Platforms and services.
    double platforms_start = 0;
    RegionArray platform_share{};
    double platform_trend_growth = 0;           // g_P
    double platform_closure_rate = 0;           // p_P
    double enterprise_centres_per_new_hte = 0;  // theta
    TypeArray platform_type_share{};            // platform_type_share_<type>
    TypeArray platform_unit_cost{};             // platform_unit_cost_<type>, c_k
    double incubators_start = 0;
    RegionArray incubator_share{};
    double incubator_trend_growth = 0;    // g_C
    double incubator_closure_rate = 0;    // p_C
    double incubator_unit_cost = 0;       // c_C
    double maker_space_upgrade_rate = 0;  // p_U
    double maker_spaces_start = 0;
    RegionArray maker_space_share{};
    double maker_space_trend_growth = 0;  // g_S
    double maker_space_closure_rate = 0;  // p_S
    double maker_space_unit_cost = 0;     // c_S
    double innovation_teams_start = 0;
    RegionArray team_share{};
    double team_trend_growth = 0;  // g_T
    double team_lifetime = 0;
    double team_unit_cost = 0;  // c_T
    double intermediaries_start = 0;
    RegionArray intermediary_share{};
    double intermediary_adjustment = 0;         // kappa_I
    double intermediary_demand_elasticity = 0;  // psi_I
    double intermediary_unit_cost = 0;          // c_I
    // Patents.
    double patents_per_10k_start = 0;
    RegionArray patent_share{};
    double invention_applications_start = 0;
    double application_trend_growth = 0;      // g_A
    double patent_rd_elasticity = 0;          // beta
    double patent_propensity_growth = 0;      // g_pi
    double patent_examination_lag = 0;        // L
    double patent_grant_rate = 0;             // gamma
    double patent_young_years = 0;            // a_Y (1/a_Y: ageing rate)
    double patent_lapse_rate_young = 0;       // lambda_y
    double patent_lapse_rate_old = 0;         // lambda_o
    double patent_subsidy_effect = 0;         // nu
    double patent_subsidy_max_share = 0;      // s_max
    double subsidised_grant_rate_ratio = 0;   // r_s
    double subsidised_lapse_multiplier = 0;   // m_s
    // High-tech industry value added.
    double high_tech_va_share_start = 0;
    double high_tech_va_growth = 0;         // g_HT
    double high_tech_va_hte_elasticity = 0;  // epsilon_H
  };

  // Per-draw data: the drawn parameters, constants derived from them, yearly constants and the
  // small-count stocks. Fixed size; reused across draws. docs/model.md section 13 gives the
  // symbol of every field.
  // What the right-hand side reads of a draw besides its state: parameters and
  // constants of the draw and of the year, one V each (double for one draw,
  // Lanes for kLanes draws). Filled from the Workspace after init and after
  // every year_start (fill_rhs_inputs), so that rhs and rhs_lanes read the
  // same numbers.
  enum RhsRegionInput : std::size_t {  // one per region
    kInBstarCoef = 0, kInMuSubsidy, kInM0, kInH0, kInGovRd, kInOtherRdPerGdp, kInCertRate, kInEBirths,
    kInMInflow, kInHBase, kInI0, kInInvFirms0, kInInterFunded, kInGrowth, kInInvKeffYear, kInAppScale,
    kInAppSubsidy, kNumRhsRegionInputs
  };
  enum RhsDrawInput : std::size_t {  // one per draw
    kInRdPerNewSme = 0, kInRdPerNewHte, kInBusinessRdAdjustment, kInNewFirmRdRampup, kInRdDepreciation,
    kInEntrepreneurExitRate, kInGammaEYear, kInSmeExitRate, kInRecertRate, kInHteExitRate,
    kInIntermediaryDemandElasticity, kInIntermediaryAdjustment, kInPatentRdElasticity, kInStageRate,
    kInAgeingRate, kInPatentGrantRate, kInSubsidisedGrantRateRatio, kInPatentLapseRateYoung,
    kInSubsidisedLapseMultiplier, kInPatentLapseRateOld, kInRdOutputElasticity, kInRdGrowthPreStart,
    kInBusinessRdIntensityTrend, kInSmeTrendGrowth, kInHteTrendGrowth, kInPropensityGrowth, kNumRhsDrawInputs
  };
  static constexpr std::size_t kSpillInputs = kNumRhsRegionInputs * kMaxRegions;  // then W(r, s) at r * kMaxRegions + s
  static constexpr std::size_t kDrawInputs = kSpillInputs + kMaxRegions * kMaxRegions;
  static constexpr std::size_t kNumRhsInputs = kDrawInputs + kNumRhsDrawInputs;
  template <class V>
  struct RhsInputs {
    std::array<V, kNumRhsInputs> v{};
    V& region(RhsRegionInput f, std::size_t r) { return v[f * kMaxRegions + r]; }
    const V& region(RhsRegionInput f, std::size_t r) const { return v[f * kMaxRegions + r]; }
    V& spill(std::size_t r, std::size_t s) { return v[kSpillInputs + r * kMaxRegions + s]; }
    const V& spill(std::size_t r, std::size_t s) const { return v[kSpillInputs + r * kMaxRegions + s]; }
    V& draw(RhsDrawInput f) { return v[kDrawInputs + f]; }
    const V& draw(RhsDrawInput f) const { return v[kDrawInputs + f]; }
  };
  using LaneInputs = RhsInputs<Lanes>;

  struct Workspace {
    Parameters par;
    // --- per draw (init; docs/model.md section 2) ---
    RegionArray y0{}, inv_y0{}, ln_y0{};  // Y_r(start) (year-end rate), its inverse and log
    RegionArray gdp0{};                   // GDP of the start year (annual)
    RegionArray n0{};                     // N_r at the start
    RegionArray factor_growth{};          // (1 - s_0) g_r
    RegionArray rd0{};                    // R&D of the start year (annual); also the capacity C_r
    RegionArray gov_rd0{};                // G0_r (annual)
    RegionArray fiscal_st0{};             // F0_r (annual)
    RegionArray b_inc0{};                 // b_inc,r = B_inc(start) (1 + (g_r + pi + g_int)/kappa)
    RegionArray other_rd_per_gdp{};       // o_r = O0_r / GDP0_r
    RegionArray m0{}, h0{}, i0{};         // M0_r, H0_r, I0_r
    RegionArray inv_firms0{};             // 1 / (M0_r + H0_r)
    RegionArray sme_share{};              // normalised tech_sme_share
    // diag(omega) W: K_eff = K + spill K (W = the scenario matrix `spillover`, zero diagonal).
    RegionMatrix spill;
    RegionArray e_base{}, m_base{}, h_base{};  // pre-start trend inflows of E, M, H
    std::array<RegionArray, kPlatformTypes> platform0{}, platform_base{};  // P0_k,r, base_k,r
    RegionArray incubator_base{}, maker_space_base{}, team_base{};         // base_C, base_S, base_T
    RegionArray patent_scale{};     // a_r = A_r(start) / K_eff,r(start)^beta
    RegionArray applications0{};    // applications of the start year (annual)
    RegionArray grants_base{};      // grants of the start year implied by the pipeline
    RegionArray ht_va0{};           // high-tech industry VA of the start year
    double recert_rate = 0;         // r_H = f_R / Y_H
    double team_dissolve_rate = 0;  // 1 / team_lifetime
    double tax_price0 = 0;          // rho_start
    double stage_rate = 0;          // k = n / L
    double ageing_rate = 0;         // a = 1 / a_Y
    double z0 = 0;                  // Phi^-1(P_0): standardised log distance of the median SME above the threshold
    double inv_eligible0 = 0;       // 1 / P_0
    double grant_growth0 = 0;       // 100 (e^g_A - 1)
    // --- per year (year_start; docs/model.md section 3) ---
    int year = 0;
    RegionArray growth{};                      // g_r + pi + xi_r
    RegionArray fiscal_st{};                   // F_r(c), fiscal S&T on the statutory rule
    RegionArray pot{};                         // Pi_r, the region's zone money after execution
    RegionArray gov_rd{};                      // G_r
    RegionArray subsidy{};                     // S_r, enterprise R&D subsidies
    RegionArray bstar_coef{};                  // b_inc Phi_c / Y0 (times the intensity trend in rhs)
    RegionArray mu_subsidy{};                  // mu d_r S_r
    RegionArray cert_rate{};                   // cert_r
    RegionArray e_births{};                    // b_E,r
    RegionArray m_inflow{};                    // m_c,r
    RegionArray keff_year{}, inv_keff_year{};  // K_eff,r at the year start, and 1 over it
    RegionArray app_scale{};                   // alpha_r = a_r K_eff,r(y)^beta (times the propensity in rhs)
    RegionArray app_subsidy{};                 // A_s,r, subsidy-induced applications
    RegionArray inter_funded{};                // f_I,r
    RegionArray gdp_prev{};                    // annual GDP of the previous calendar year
    double gamma_e_year = 0;                   // gamma_c
    double tax_price = 0;                      // rho_c
    double propensity_growth = 0;              // g_pi sw_pat(c)
    // --- small-count stocks (changed by integer events at year starts; section 6) ---
    std::array<RegionArray, kPlatformTypes> platforms{};                 // P_k
    RegionArray incubators{}, maker_spaces{}, teams{}, little_giants{};  // C, S, T, L
    // --- what rhs reads (fill_rhs_inputs) ---
    RhsInputs<double> rhs_in;
  };

  explicit FourPlusOne(const Scenario& scenario);

  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  std::size_t num_regions() const { return n_regions_; }
  std::size_t num_parameters() const { return n_params_; }
  std::size_t randoms_per_year() const { return 3 + n_regions_ + kRandomsPerRegion * n_regions_; }
  std::size_t exam_stages() const { return n_stages_; }
  // Regions, then the aggregates, per indicator and year.
  std::size_t outputs_per_indicator() const { return n_regions_ + n_aggregates_; }
  std::size_t num_aggregates() const { return n_aggregates_; }
  // Whether region r belongs to the zone (the plan's targets are on the zone).
  bool in_zone(std::size_t r) const { return in_zone_[r]; }

  void init(Workspace& ws, std::span<const double> theta, State& x) const;
  void year_start(Workspace& ws, int year, State& x, std::span<const double> u) const;
  void rhs(const Workspace& ws, const State& x, State& dxdt, double t) const;
  void observe(Workspace& ws, int year, const State& x, std::span<double> out) const;
  // Lane-wise (LaneModel, innosim/model/lanes.hpp): one draw's rhs inputs into
  // lane `lane`, and the right-hand side of kLanes draws at once.
  void set_lane(LaneInputs& in, std::size_t lane, const Workspace& ws) const;
  void rhs_lanes(const LaneInputs& in, const LaneState& x, LaneState& dxdt) const;

  // The tax price of R&D (after-tax cost of one yuan of R&D relative to one
  // yuan of other deductible spending), R&D-weighted over firms at the
  // standard and the low (15 %) rate. Public for tests and tools.
  static double tax_price(double corporate_rate, double low_rate, double low_rate_rd_share,
                          double super_deduction_rate, double claimed_share);

 private:
  struct Path {  // a lever resolved for calendar years start..end: v[yi * R + r]
    std::vector<double> v;
    bool per_region = false;
  };
  // The levers, each under its scenario name (docs/model.md section 8).
  struct Levers {
    Path fiscal_rd_zone, fiscal_rd_zone_set_yearly, fiscal_rd_allocation, fiscal_st_push;
    Path corporate_tax_rate, high_tech_tax_rate, super_deduction_rate, super_deduction_claimed_share;
    Path tech_sme_registration, sme_doubling_programme, hte_cultivation_programme;
    Path hte_rd_threshold, hte_certification_reform, patent_promotion;
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
  void check_regions(ModelBinding& b);
  void bind_indicators(ModelBinding& b);
  void bind_options(ModelBinding& b);
  void bind_parameters(ModelBinding& b);  // the parameter table: indices and support checks
  void check_patent_ageing(ModelBinding& b) const;
  void bind_matrices(ModelBinding& b);
  void bind_levers(ModelBinding& b);
  void check_lever_paths(ModelBinding& b) const;  // shares sum to 1, rates in range

  // Steps of init, in this order.
  void copy_parameters(Parameters& par, std::span<const double> theta) const;
  Shares normalised_shares(const Parameters& par) const;
  void init_small_counts(Workspace& ws, const Shares& shares) const;
  void init_regions(Workspace& ws, const Shares& shares, State& x) const;
  void init_patents(Workspace& ws, const Shares& shares, State& x) const;
  void init_spillovers(Workspace& ws) const;

  // Steps of year_start.
  void select_little_giants(Workspace& ws, const State& x, int cy) const;
  void fill_rhs_inputs(Workspace& ws) const;
  template <class V>
  void rhs_kernel(const RhsInputs<V>& in, const V* x, V* dx) const;

  std::vector<IndicatorInfo> indicators_;
  std::size_t n_regions_ = 0, n_params_ = 0, n_stages_ = 1, n_aggregates_ = 1;
  std::array<bool, kMaxRegions> in_zone_{};
  // Region membership of each aggregate (zone first, then the territory if declared).
  std::array<std::array<bool, kMaxRegions>, kMaxAggregates> member_{};
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
