// The cheapest mix of levers (solve_mix.hpp).

#include "solve_mix.hpp"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "solve_curve.hpp"

namespace innosim::app {

namespace {

constexpr std::size_t kWalk = 4;             // walk along a split: 4 steps, run side by side
constexpr double kTolerance = 2e-3;          // of a split's largest extra cost: where bisection stops
constexpr double kInitialStep = 0.25;        // COBYLA's first move of a share
constexpr double kShareTolerance = 0.01;     // COBYLA stops when shares move less
constexpr int kMaxSplitsPerDimension = 12;   // COBYLA's evaluations per free share

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Cost per unit of amount: yuan levers are priced per 亿元.
double unit_amount(const LeverAxis& ax) { return ax.lever->unit == "yuan" ? ax.base / 1e8 : ax.base; }

class MixSearch {
 public:
  MixSearch(const Scenario& s, const std::vector<LeverAxis>& axes, std::size_t target, double p,
            const ParameterSource& sampler, const PointsConfig& cfg, MixResult& r)
      : s_(s), axes_(axes), target_(target), p_(p), sampler_(sampler), cfg_(cfg), r_(r) {}

  // The factors at extra cost B along split w.
  std::vector<double> factors(const std::vector<double>& w, double B) const {
    std::vector<double> k;
    for (std::size_t i = 0; i < axes_.size(); ++i) k.push_back(r_.lo + w[i] * B / r_.levers[i].per_factor);
    return k;
  }
  // The largest extra cost along w keeping every factor <= hi.
  double largest(const std::vector<double>& w) const {
    double b = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < axes_.size(); ++i)
      if (w[i] > 0) b = std::min(b, (r_.hi - r_.lo) * r_.levers[i].per_factor / w[i]);
    return b;
  }
  // The curve along split w (t in [0, 1] of its largest extra cost), kept:
  // the answer's p and p -/+ se reuse what the search ran along it.
  Curve& curve_along(const std::vector<double>& w) {
    auto it = curves_.find(w);
    if (it != curves_.end()) return it->second;
    const double bmax = largest(w);
    Curve c(
        s_,
        [this, w, bmax](Scenario& sk, double t) {
          const std::vector<double> k = factors(w, t * bmax);
          for (std::size_t i = 0; i < axes_.size(); ++i) scale_lever(sk, axes_[i].id, k[i]);
        },
        target_, sampler_, cfg_);
    if (have_origin_) c.know(0.0, origin_);
    return curves_.emplace(w, std::move(c)).first->second;
  }

  // The smallest extra cost reaching q along w (NaN if none within the
  // range); records the split tried when `record`, the target's statistics
  // there in `at` if given.
  double along(const std::vector<double>& w, double q, bool record, SolvePoint* at = nullptr) {
    double t = kNaN;
    Curve& c = curve_along(w);
    const std::vector<double> grid = even_grid(0.0, 1.0, kWalk);
    const std::size_t runs = c.runs();
    const double seconds = c.seconds();
    if (!(rc_ = c.evaluate(grid))) t = smallest_t(c, grid, q, kTolerance, rc_);
    r_.runs += c.runs() - runs;
    r_.seconds += c.seconds() - seconds;
    if (rc_) return kNaN;
    const double bmax = largest(w);
    const double B = std::isnan(t) ? kNaN : t * bmax;
    if (record) {
      double best = 0;
      for (const SolvePoint& pt : c.walked()) best = std::max(best, pt.p_met);
      r_.mixes.push_back({w, B, std::isnan(t) ? best : c.p(t)});
    }
    if (at != nullptr && !std::isnan(t)) *at = c.at(t);
    return B;
  }

  std::optional<int> run() {
    const std::size_t n = axes_.size();
    // Every factor at lo: the origin of every split.
    {
      Curve& c = curve_along(std::vector<double>(n, 1.0 / static_cast<double>(n)));
      if ((rc_ = c.evaluate({0.0}))) return rc_;
      r_.runs += c.runs();
      r_.seconds += c.seconds();
      origin_ = c.at(0.0);
      have_origin_ = true;
    }
    r_.tolerance = kTolerance;
    double lo_cost = 0;
    for (const MixLever& l : r_.levers) lo_cost += l.per_factor * r_.lo;
    if (origin_.p_met >= p_) {  // met with every factor at lo: nothing to buy
      r_.reachable = true;
      for (MixLever& l : r_.levers) l.factor = r_.lo;
      r_.cost = r_.cost_lo = r_.cost_hi = lo_cost;
      r_.at_answer = origin_;
      return std::nullopt;
    }
    // Starts: each lever alone, and the equal split.
    std::vector<std::vector<double>> starts;
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> w(n, 0.0);
      w[i] = 1.0;
      starts.push_back(w);
    }
    starts.push_back(std::vector<double>(n, 1.0 / static_cast<double>(n)));
    std::vector<double> best_w;
    double best_B = std::numeric_limits<double>::infinity();
    for (const auto& w : starts) {
      const double B = along(w, p_, true);
      if (rc_) return rc_;
      if (!std::isnan(B) && B < best_B) best_B = B, best_w = w;
    }
    if (best_w.empty()) {  // no start reaches p: report the best P(met) seen
      r_.reachable = false;
      return std::nullopt;
    }
    optimise(best_w, best_B);
    if (rc_) return rc_;
    // The answer, with its statistics and its 1 s.e. range along its split.
    const double B = along(best_w, p_, false, &r_.at_answer);
    if (rc_) return rc_;
    const double B_lo = along(best_w, p_ - r_.p_met_se, false);
    if (rc_) return rc_;
    const double B_hi = along(best_w, p_ + r_.p_met_se, false);
    if (rc_) return rc_;
    r_.reachable = true;
    const std::vector<double> k = factors(best_w, B);
    for (std::size_t i = 0; i < n; ++i) r_.levers[i].factor = k[i];
    r_.cost = lo_cost + B;
    r_.cost_lo = lo_cost + B_lo;
    r_.cost_hi = lo_cost + B_hi;
    return std::nullopt;
  }

 private:
  // COBYLA over the first n-1 shares (the last is 1 - their sum), from w0.
  void optimise(std::vector<double>& best_w, double& best_B) {
    const std::size_t n = axes_.size();
    const auto dim = static_cast<unsigned>(n - 1);
    std::unique_ptr<nlopt_opt_s, void (*)(nlopt_opt)> opt(nlopt_create(NLOPT_LN_COBYLA, dim), nlopt_destroy);
    std::vector<double> lb(dim, 0.0), ub(dim, 1.0), x(best_w.begin(), best_w.end() - 1), step(dim, kInitialStep);
    nlopt_set_lower_bounds(opt.get(), lb.data());
    nlopt_set_upper_bounds(opt.get(), ub.data());
    nlopt_set_initial_step(opt.get(), step.data());
    nlopt_set_xtol_abs1(opt.get(), kShareTolerance);
    nlopt_set_maxeval(opt.get(), kMaxSplitsPerDimension * static_cast<int>(dim));
    // Costlier than any split can be (every lever at hi): where p is not reached.
    double penalty = 0;
    for (const MixLever& l : r_.levers) penalty += 2 * (r_.hi - r_.lo) * l.per_factor;
    struct Ctx {
      MixSearch* self;
      double penalty;
      std::vector<double>* best_w;
      double* best_B;
      nlopt_opt opt;
    } ctx{this, penalty, &best_w, &best_B, opt.get()};
    nlopt_set_min_objective(
        opt.get(),
        [](unsigned m, const double* xs, double*, void* data) -> double {
          auto& c = *static_cast<Ctx*>(data);
          std::vector<double> w(xs, xs + m);
          double rest = 1;
          for (double& v : w) rest -= (v = std::clamp(v, 0.0, 1.0));
          w.push_back(std::max(rest, 0.0));
          double sum = 0;
          for (double v : w) sum += v;
          for (double& v : w) v /= sum;
          const double B = c.self->along(w, c.self->p_, true);
          if (c.self->rc_) {
            nlopt_force_stop(c.opt);
            return c.penalty;
          }
          if (std::isnan(B)) return c.penalty;
          if (B < *c.best_B) *c.best_B = B, *c.best_w = w;
          return B;
        },
        &ctx);
    nlopt_add_inequality_constraint(
        opt.get(),
        [](unsigned m, const double* xs, double*, void*) -> double {
          double sum = 0;
          for (unsigned i = 0; i < m; ++i) sum += xs[i];
          return sum - 1;
        },
        nullptr, 1e-9);
    double f = 0;
    nlopt_optimize(opt.get(), x.data(), &f);  // the best split seen is kept by the objective
  }

  const Scenario& s_;
  const std::vector<LeverAxis>& axes_;
  std::size_t target_;
  double p_;
  const ParameterSource& sampler_;
  PointsConfig cfg_;
  MixResult& r_;
  SolvePoint origin_;
  bool have_origin_ = false;
  std::map<std::vector<double>, Curve> curves_;
  std::optional<int> rc_;
};

}  // namespace

std::string parse_costs(const std::vector<std::string>& specs, const std::vector<LeverAxis>& axes,
                        std::vector<double>& costs) {
  if (axes.size() < 2)
    return "innosim: --cost: the cheapest mix needs several --lever (one lever's answer is its smallest factor)";
  costs.assign(axes.size(), kNaN);
  for (const std::string& spec : specs) {
    const auto [id, value] = split_lever_spec(spec);
    // clang 14 cannot capture a structured binding in a lambda (C++20's P1091).
    const auto it = std::find_if(axes.begin(), axes.end(), [&lever = id](const LeverAxis& a) { return a.id == lever; });
    if (it == axes.end()) {
      std::vector<std::string> ids;
      for (const LeverAxis& a : axes) ids.push_back(a.id);
      return fmt::format("innosim: --cost {}: '{}' is not one of the --lever options ({})", spec, id,
                         fmt::join(ids, ", "));
    }
    char* end = nullptr;
    const double c = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(c) || !(c > 0))
      return fmt::format("innosim: --cost {}: expected L=c with a cost c > 0 per unit of the lever", spec);
    const auto i = static_cast<std::size_t>(it - axes.begin());
    if (!std::isnan(costs[i])) return fmt::format("innosim: --cost {}: lever '{}' has a cost already", spec, id);
    if (!(axes[i].base > 0))
      return fmt::format("innosim: --cost {}: lever '{}' is 0 in the horizon's end year, so scaling it costs nothing "
                         "and moves nothing",
                         spec, id);
    costs[i] = c;
  }
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (std::isnan(costs[i]))
      return fmt::format("innosim: --cost: lever '{}' has no cost; give --cost {}=c for every --lever", axes[i].id,
                         axes[i].id);
  return {};
}

std::optional<int> cheapest_mix(const Scenario& s, const std::vector<LeverAxis>& axes,
                                const std::vector<double>& costs, std::size_t target, double p,
                                const ParameterSource& sampler, const PointsConfig& cfg, MixResult& r) {
  r.target = target;
  r.probability = p;
  r.lo = axes.front().lo;
  r.hi = axes.front().hi;
  r.p_met_se = std::sqrt(p * (1 - p) / static_cast<double>(cfg.draws));
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const double per_factor = costs[i] * unit_amount(axes[i]);
    r.levers.push_back({axes[i].id, axes[i].base, costs[i], per_factor, kNaN});
    r.scenario_cost += per_factor;
  }
  MixSearch search(s, axes, target, p, sampler, cfg, r);
  return search.run();
}

}  // namespace innosim::app
