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
  static constexpr std::size_t at(std::size_t var, std::size_t region) {
    return region * kNumVars + var;
  }

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

  using State = BoundedState<kStateSize>;
  using RegionArray = std::array<double, kMaxRegions>;
  // Fixed-capacity (no heap) R x R matrix and R vector for the spillovers.
  using RegionMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxRegions, kMaxRegions>;
  using RegionVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxRegions, 1>;

  // Per-draw data: parameter values, derived constants, yearly constants and
  // the small-count stocks. Fixed size; reused across draws.
  struct Workspace {
    // --- per draw (init) ---
    RegionArray y0{}, inv_y0{}, n0{}, g_real{}, g_factor{}, b0{}, o_coef{}, g0{};
    RegionArray inv_z0{}, i0{}, b_over_y0_inv{};
    // diag(absorption_r) W: K_eff = K + spill K (W = the scenario matrix `spillover`, zero diagonal).
    RegionMatrix spill;
    RegionArray e_base{}, m_base{}, h_base{}, a_coef{}, iva_share{};
    RegionArray m0_share{}, h0{};
    std::array<RegionArray, kPlatformTypes> plat_base{}, plat0{};
    RegionArray inc_base{}, maker_base{}, team_base{};
    RegionArray grants_base{}, lny0{};  // grants in the start year; ln Y0
    double inflation = 0, shock_sd = 0, shock_rho = 0, contribution0 = 0;
    double eta = 0, delta = 0, kappa = 0, eps = 0, mu = 0, psi_b = 0, chi = 0, hte_rd = 0;
    double fiscal_rd_share = 0, rd_growth0 = 0, exec_mean = 0, exec_sd = 0;
    double x_e = 0, gamma_e = 0, beta_maker = 0, beta_inc = 0, x_m = 0, sme_prog = 0;
    double reg_uplift = 0, c0 = 0, psi_c = 0, hte_uplift = 0, recert = 0, x_h = 0;
    double lg_cap = 0, lg_exit = 0, plat_close = 0, etc_per_hte = 0;
    std::array<double, kPlatformTypes> plat_cost{};
    double inc_close = 0, inc_cost = 0, upgrade = 0, maker_close = 0, maker_cost = 0;
    double team_dissolve = 0, team_cost = 0, kappa_i = 0, psi_i = 0, inter_cost = 0;
    // grant_rate is calibrated in init so that the 2015 grant flow is invention_grants_2015.
    double beta_pat = 0, stage_rate = 0, grant_rate = 0, lapse = 0, grant_growth0 = 0;
    double nu = 0, va_per_hte = 0, va_growth = 0, pop_growth = 0, rho0 = 0;
    double gdp0_zone = 0;
    // --- per year (year_start) ---
    int year = 0;
    RegionArray growth{}, gov_rd{}, bstar_coef{}, mu_subsidy{}, e_births{}, m_inflow{};
    RegionArray keff_year{}, inv_keff_year{}, app_scale{}, app_subsidy{}, inter_funded{};
    double cert_rate = 0, gamma_e_year = 0, tax_price = 0;
    // --- small-count stocks (changed by integer events at year starts) ---
    std::array<RegionArray, kPlatformTypes> platforms{};
    RegionArray incubators{}, makers{}, teams{}, little_giants{};
  };

  explicit FourPlusOne(const Scenario& scenario);

  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  std::size_t num_regions() const { return nr_; }
  std::size_t num_parameters() const { return num_params_; }
  std::size_t randoms_per_year() const { return 3 + kRandomsPerRegion * nr_ + nr_; }
  std::size_t exam_stages() const { return stages_; }

  void init(Workspace& ws, std::span<const double> theta, State& x) const;
  void year_start(Workspace& ws, int year, State& x, std::span<const double> u) const;
  void rhs(const Workspace& ws, const State& x, State& dxdt, double t) const;
  void observe(Workspace& ws, int year, const State& x, std::span<double> out) const;

  // The tax price of R&D (after-tax cost of one yuan of R&D relative to one
  // yuan of other deductible spending), R&D-weighted over firms at the
  // standard and the high-tech rate. Public for tests and tools.
  static double tax_price(double corporate_rate, double high_tech_rate, double high_tech_rd_share,
                          double super_deduction_rate, double claimed_share);

  // Uniforms used per region per year by integer events (see docs/model.md).
  static constexpr std::size_t kRandomsPerRegion = 19;

 private:
  struct Path {  // a lever resolved for calendar years start..end: v[yi * R + r]
    std::vector<double> v;
    bool per_region = false;
  };
  double lever(const Path& p, int year, std::size_t r = 0) const;

  std::vector<IndicatorInfo> indicators_;
  std::size_t nr_ = 0, num_params_ = 0, stages_ = 1;
  int start_ = 0, end_ = 0;
  bool integer_events_ = true, shocks_ = true;
  double min_growth_ = 0;
  RegionMatrix w_;  // spillover weights W_rs from [model_matrices.spillover]

  // Parameter indices into theta.
  struct Idx {
    std::size_t gdp, pop, pop_growth, inflation, shock_sd, shock_rho, contribution0, rd_intensity0;
    std::size_t w_business, w_gov, w_other, rd_growth0, delta, eta, kappa, eps, mu, psi_b, chi;
    std::size_t hte_rd, fiscal_rd_share, exec_mean, exec_sd;
    std::size_t e0, x_e, gamma_e, g_e, beta_maker, beta_inc;
    std::size_t m0, x_m, g_m, sme_prog, reg_uplift;
    std::size_t h0, c0, psi_c, hte_uplift, recert_fail, status_years, x_h, g_h;
    std::size_t lg0, lg_cap, lg_exit;
    std::size_t p0, g_p, p_close, etc_per_hte;
    std::array<std::size_t, kPlatformTypes> p_type, p_cost;
    std::size_t c_inc0, g_inc, inc_close, inc_cost, upgrade;
    std::size_t maker0, g_maker, maker_close, maker_cost;
    std::size_t t0, g_t, team_life, team_cost;
    std::size_t i0, kappa_i, psi_i, inter_cost;
    std::size_t ppk0, app0, grants0, beta_pat, lag, lapse, g_app, nu;
    std::size_t va_share0, va_growth;
  } p_{};
  struct RegionIdx {
    std::vector<std::size_t> gdp_share, pop_share, g_real, rd_share, absorb;
    std::vector<std::size_t> e_share, m_share, h_share, p_share, inc_share, maker_share;
    std::vector<std::size_t> team_share, i_share, pat_share, iva_share;
  } pr_;

  // Levers.
  Path fund_, alloc_, own_st_, corp_tax_, ht_tax_, super_rate_, claimed_;
  Path reg_switch_, sme_switch_, hte_switch_, lg_select_;
  Path use_enterprise_, use_platforms_, use_incubators_, use_makers_, use_teams_, use_patents_,
      use_intermediaries_, use_public_;
  std::array<Path, kPlatformTypes> plat_type_share_;
};

static_assert(Model<FourPlusOne>);

}  // namespace innosim
