#pragma once
// One draw of a model: initial state, year-boundary events, Boost.Odeint
// integration within each year, indicators at each year end. Used by the
// parallel runner and directly by model tests.

#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>

#include <boost/numeric/odeint.hpp>

#include "innosim/model/model.hpp"

namespace innosim {

struct IntegratorSettings {
  double rtol = 1e-6;
  double atol = 1e-9;
  double first_step = 0.25;      // years; the controller adapts it at once
  std::size_t max_steps = 2000;  // per year; more means a stiff or broken draw
};

enum class DrawStatus : unsigned char { ok = 0, non_finite, negative_stock, integrator_failed };

const char* describe(DrawStatus s);

// A draw's status from its outputs ([years + 1][outputs_per_year]): ok, or
// the first NaN/infinite value or negative stock.
template <Model M>
DrawStatus check_outputs(const M& m, std::size_t years, std::span<const double> out) {
  const auto& ind = m.indicators();
  const std::size_t nr = m.num_regions() + m.num_aggregates();
  const std::size_t per_year = ind.size() * nr;
  for (std::size_t y = 0; y <= years; ++y)
    for (std::size_t i = 0; i < ind.size(); ++i)
      for (std::size_t r = 0; r < nr; ++r) {
        const double v = out[y * per_year + i * nr + r];
        if (!std::isfinite(v)) return DrawStatus::non_finite;
        if (ind[i].stock && v < 0) return DrawStatus::negative_stock;
      }
  return DrawStatus::ok;
}

// The sizes of a draw's inputs and outputs for a model simulated from
// start_year to end_year (the simulators below).
template <Model M>
class DrawLayout {
 public:
  DrawLayout(const M& model, int start_year, int end_year) : m_(model), start_(start_year), end_(end_year) {}

  std::size_t years() const { return static_cast<std::size_t>(end_ - start_); }
  // Values per year end: indicators x (regions + aggregates).
  std::size_t outputs_per_year() const {
    return m_.indicators().size() * (m_.num_regions() + m_.num_aggregates());
  }
  std::size_t output_size() const { return (years() + 1) * outputs_per_year(); }
  std::size_t uniforms_size() const { return years() * m_.randoms_per_year(); }

 protected:
  const M& m_;
  int start_, end_;
};

// Reusable per-thread simulator for one model: holds the stepper and the
// model workspace, so a draw allocates nothing.
template <Model M>
class DrawSimulator : public DrawLayout<M> {
 public:
  using State = typename M::State;
  using DrawLayout<M>::years;
  using DrawLayout<M>::outputs_per_year;

  DrawSimulator(const M& model, IntegratorSettings settings, int start_year, int end_year)
      : DrawLayout<M>(model, start_year, end_year),
        s_(settings),
        stepper_(boost::numeric::odeint::make_controlled<
                 boost::numeric::odeint::runge_kutta_dopri5<State>>(settings.atol, settings.rtol)) {}
  // Accepted integrator steps of the last draw (`run --replay` prints them).
  std::size_t steps_last_draw() const { return steps_; }

  // theta: the model's parameters; uniforms: [years][randoms_per_year];
  // out: [years + 1][outputs_per_year()], the first row at start_year.
  DrawStatus run(std::span<const double> theta, std::span<const double> uniforms,
                 std::span<double> out) {
    namespace ode = boost::numeric::odeint;
    const std::size_t per_year = outputs_per_year();
    const std::size_t k = m_.randoms_per_year();
    State x{};
    m_.init(ws_, theta, x);
    m_.observe(ws_, start_, x, out.subspan(0, per_year));
    double dt = s_.first_step;
    steps_ = 0;
    auto system = [this](const State& xs, State& dxdt, double t) { m_.rhs(ws_, xs, dxdt, t); };
    for (int y = start_; y < end_; ++y) {
      const std::size_t iy = static_cast<std::size_t>(y - start_);
      m_.year_start(ws_, y, x, uniforms.subspan(iy * k, k));
      stepper_.reset();  // events changed x and the yearly constants: drop cached derivative
      double t = y;
      const double t_end = y + 1;
      std::size_t tries = 0;
      while (t < t_end) {
        double step = dt;
        const bool last = t + step >= t_end;
        if (last) step = t_end - t;
        const double t_before = t;
        const ode::controlled_step_result r = stepper_.try_step(system, x, t, step);
        if (++tries > s_.max_steps) return DrawStatus::integrator_failed;
        if (r == ode::success) {
          ++steps_;
          if (last) t = t_end;  // land exactly on the year boundary
          // `step` now holds the controller's proposal for the next step; keep
          // it unless it was shrunk only to land on the boundary.
          if (!last || step > dt) dt = step;
        } else {
          dt = step;
          if (!(dt > 1e-12)) return DrawStatus::integrator_failed;
          t = t_before;
        }
      }
      m_.observe(ws_, y + 1, x, out.subspan((iy + 1) * per_year, per_year));
    }
    return check_outputs(m_, years(), out);
  }

 private:
  using DrawLayout<M>::m_;
  using DrawLayout<M>::start_;
  using DrawLayout<M>::end_;
  IntegratorSettings s_;
  typename M::Workspace ws_{};
  decltype(boost::numeric::odeint::make_controlled<
           boost::numeric::odeint::runge_kutta_dopri5<State>>(0.0, 0.0)) stepper_;
  std::size_t steps_ = 0;
};

inline const char* describe(DrawStatus s) {
  switch (s) {
    case DrawStatus::ok: return "ok";
    case DrawStatus::non_finite: return "an indicator is NaN or infinite";
    case DrawStatus::negative_stock: return "a stock went negative";
    case DrawStatus::integrator_failed: return "the integrator exceeded its step limit";
  }
  return "?";
}

}  // namespace innosim
