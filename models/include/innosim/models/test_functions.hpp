#pragma once
// Analytic test functions of sensitivity analysis, as models, so that the
// engine's sensitivity indices can be checked against known values through
// the whole pipeline. One class, two model ids:
//   ishigami  y = sin x1 + a sin^2 x2 + b x3^4 sin x1   (Ishigami & Homma 1990;
//             options a = 7, b = 0.1 by default; x_i ~ U(-pi, pi) in the scenario)
//   sobol_g   y = prod_i (|4 x_i - 2| + a_i) / (1 + a_i)  (Sobol's G function;
//             option a<i> for x<i>, default 0; x_i ~ U(0, 1))
// Parameters x1, x2, ... (consecutive, as many as the scenario gives; the
// Ishigami function uses x1..x3 and ignores any further ones — dummies whose
// indices are 0). Option noise_sd (default 0) adds noise_sd * z each
// simulated year, z standard normal from the year's one uniform: noise of
// variance noise_sd^2 * years. Indicator `y` (unit 1) in every region, the
// zone and the territory alike; the state is y, constant within a year.

#include <array>
#include <cmath>
#include <span>
#include <vector>

#include "innosim/model/model.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

class TestFunction {
 public:
  using State = std::array<double, 1>;
  struct Workspace {};

  explicit TestFunction(const Scenario& scenario);

  const std::vector<IndicatorInfo>& indicators() const { return indicators_; }
  std::size_t num_regions() const { return regions_; }
  std::size_t num_aggregates() const { return aggregates_; }
  std::size_t num_parameters() const { return num_parameters_; }
  std::size_t randoms_per_year() const { return 1; }

  void init(Workspace& ws, std::span<const double> theta, State& x) const;
  void year_start(Workspace& ws, int year, State& x, std::span<const double> u) const;
  void rhs(const Workspace& ws, const State& x, State& dxdt, double t) const;
  void observe(const Workspace& ws, int year, const State& x, std::span<double> out) const;

  // The function itself at x (x1, x2, ...), for tests.
  double value(std::span<const double> x) const;

 private:
  // The function of inputs x(0), x(1), ...
  template <class X>
  double evaluate(X x) const {
    if (function_ == Function::ishigami) {
      const double s1 = std::sin(x(0)), s2 = std::sin(x(1)), x3 = x(2);
      return s1 + a_ * s2 * s2 + b_ * x3 * x3 * x3 * x3 * s1;
    }
    double y = 1.0;
    for (std::size_t i = 0; i < g_a_.size(); ++i) y *= (std::abs(4.0 * x(i) - 2.0) + g_a_[i]) / (1.0 + g_a_[i]);
    return y;
  }

  enum class Function { ishigami, sobol_g };
  Function function_ = Function::ishigami;
  std::vector<IndicatorInfo> indicators_;
  std::size_t regions_ = 0, aggregates_ = 1, num_parameters_ = 0;
  std::vector<std::size_t> p_x_;  // theta index of x1, x2, ...
  double a_ = 7.0, b_ = 0.1;       // Ishigami
  std::vector<double> g_a_;        // Sobol G: a_i per input
  double noise_sd_ = 0.0;
};

static_assert(Model<TestFunction>);

}  // namespace innosim
