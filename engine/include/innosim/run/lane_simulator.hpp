#pragma once
// Draws integrated kLanes at a time (docs/performance.md, "Lanes"). Each lane
// is one draw with its own time, step size and step-size control; the lanes
// share only the arithmetic: Boost.Odeint's Dormand–Prince stepper runs on a
// state whose entries hold one value per lane, with a per-lane time and step
// (Lanes as odeint's time type), and the model's lane-wise right-hand side
// computes all lanes at once. The step-size control is odeint's (the error
// norm of default_error_checker and the factors of default_step_adjuster),
// applied to each lane alone, so a lane accepts, rejects and sizes its steps
// exactly as DrawSimulator does for that draw, and gives the same numbers bit
// for bit, whatever its lane-mates. A lane whose draw is done takes the next
// draw at once: a draw that needs many steps holds up nobody.
//
// Integer events, yearly constants and indicators (init, year_start,
// observe) stay per draw: each lane calls the model's scalar functions on its
// own Workspace when it reaches a year boundary.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>

#include <boost/numeric/odeint.hpp>

#include "innosim/model/lanes.hpp"
#include "innosim/run/simulate.hpp"

namespace innosim {

template <LaneModel M>
class LaneSimulator : public DrawLayout<M> {
 public:
  using State = typename M::State;
  using LState = typename M::LaneState;
  using DrawLayout<M>::years;
  using DrawLayout<M>::outputs_per_year;

  LaneSimulator(const M& model, IntegratorSettings settings, int start_year, int end_year)
      : DrawLayout<M>(model, start_year, end_year), s_(settings) {}

  // Runs draws 0 .. n-1. Draw i reads theta(i) (the model's parameters) and
  // uniforms(i) ([years][randoms_per_year]) and writes out(i) ([years + 1]
  // [outputs_per_year()], as DrawSimulator::run), status[i] and, when given,
  // steps[i] (accepted steps). Each draw's values are those DrawSimulator::run
  // gives it.
  template <class Theta, class Uniforms, class Out>
  void run(std::size_t n, Theta&& theta, Uniforms&& uniforms, Out&& out, std::span<DrawStatus> status,
           std::span<std::size_t> steps = {}) {
    std::size_t next = 0;
    auto start_next = [&](std::size_t l) {
      while (next < n) {
        const std::size_t i = next++;
        if (start_draw(l, i, theta(i), uniforms(i), out(i))) return;
        finish_draw(l, status, steps);  // no years to integrate
      }
      lanes_[l].busy = false;
    };
    for (std::size_t l = 0; l < kLanes; ++l) start_next(l);

    namespace ode = boost::numeric::odeint;
    auto system = [this](const LState& xs, LState& dxdt, const Lanes&) { m_.rhs_lanes(in_, xs, dxdt); };
    std::array<bool, kLanes> last{}, accepted{};
    while (std::any_of(lanes_.begin(), lanes_.end(), [](const Lane& a) { return a.busy; })) {
      if (std::any_of(lanes_.begin(), lanes_.end(), [](const Lane& a) { return a.busy && a.fresh; })) {
        // Lanes that start a year: their derivative at the year start (odeint's initialize).
        m_.rhs_lanes(in_, x(), k_);
        for (std::size_t l = 0; l < kLanes; ++l)
          if (lanes_[l].busy && lanes_[l].fresh) {
            copy_lane(k_, dxdt(), l);
            lanes_[l].fresh = false;
          }
      }
      Lanes t, h;
      for (std::size_t l = 0; l < kLanes; ++l) {
        Lane& a = lanes_[l];
        t.v[l] = a.t;
        h.v[l] = 0.0;
        if (!a.busy) continue;
        double step = a.dt;
        last[l] = a.t + step >= a.t_end;
        if (last[l]) step = a.t_end - a.t;
        h.v[l] = step;
      }
      stepper_.do_step(system, x(), dxdt(), t, xnew(), dxdtnew(), h, xerr_);
      const Lanes err = error_norm(h);
      // The step's results become the lanes' state where the step was accepted (odeint's
      // controlled stepper copies x_new into x): by swapping the buffers when every lane that
      // works accepted, else lane by lane.
      bool all = true;
      for (std::size_t l = 0; l < kLanes; ++l) {
        accepted[l] = lanes_[l].busy && !(err.v[l] > 1.0);
        all = all && (accepted[l] || !lanes_[l].busy);
      }
      if (all) {
        std::swap(ix_, ixnew_);
        std::swap(idxdt_, idxdtnew_);
      } else {
        for (std::size_t l = 0; l < kLanes; ++l)
          if (accepted[l]) {
            copy_lane(xnew(), x(), l);
            copy_lane(dxdtnew(), dxdt(), l);
          }
      }
      for (std::size_t l = 0; l < kLanes; ++l) {
        Lane& a = lanes_[l];
        if (!a.busy) continue;
        // odeint's controlled_runge_kutta::try_step and DrawSimulator::run, for this lane.
        double step = h.v[l];
        const double e = err.v[l];
        const bool ok = accepted[l];
        step = ok ? adjuster_.increase_step(step, e, stepper_.stepper_order())
                  : adjuster_.decrease_step(step, e, stepper_.error_order());
        if (++a.tries > s_.max_steps) {
          a.failed = DrawStatus::integrator_failed;
          end_draw(l, status, steps, start_next);
          continue;
        }
        if (ok) {
          ++a.steps;
          a.t = last[l] ? a.t_end : a.t + h.v[l];
          if (!last[l] || step > a.dt) a.dt = step;
          if (!(a.t < a.t_end)) end_year(l, status, steps, start_next);
        } else {
          a.dt = step;
          if (!(a.dt > 1e-12)) {
            a.failed = DrawStatus::integrator_failed;
            end_draw(l, status, steps, start_next);
          }
        }
      }
    }
  }

 private:
  struct Lane {
    bool busy = false;
    bool fresh = false;  // starts a year: needs its derivative
    std::size_t draw = 0;
    int year = 0;
    double t = 0, t_end = 0, dt = 0;
    std::size_t tries = 0, steps = 0;
    DrawStatus failed = DrawStatus::ok;
    std::span<const double> u;
    std::span<double> out;
  };

  static void copy_lane(const LState& from, LState& to, std::size_t l) {
    for (std::size_t i = 0; i < from.size(); ++i) to[i].v[l] = from[i].v[l];
  }
  void put_lane(std::size_t l) {
    if (x().size() != xs_.size())  // the first draw sizes the lane states
      for (LState* v : {&buf_[0], &buf_[1], &buf_[2], &buf_[3], &xerr_, &k_}) v->resize(xs_.size());
    for (std::size_t i = 0; i < xs_.size(); ++i) (x())[i].v[l] = xs_[i];
  }
  void get_lane(std::size_t l) {
    for (std::size_t i = 0; i < xs_.size(); ++i) xs_[i] = (x())[i].v[l];
  }

  // default_error_checker::error with a_x = a_dxdt = 1 (make_controlled), lane by lane:
  // max_i |err_i| / (atol + rtol (|x_i| + |dt| |dxdt_i|)), a NaN term ignored as std::max does.
  Lanes error_norm(const Lanes& h) const {
    const LState &x = this->x(), &dxdt = this->dxdt();
    const Lanes adt = abs(h), atol = s_.atol, rtol = s_.rtol;
    Lanes e(0.0);
    for (std::size_t i = 0; i < x.size(); ++i) {
      const Lanes r = abs(xerr_[i]) / (atol + rtol * (abs(x[i]) + adt * abs(dxdt[i])));
      e = max(e, r);
    }
    return e;
  }
  // Draw i into lane l: init, the start-year indicators, the first year start. False when
  // the horizon has no year to integrate (the draw is then done).
  bool start_draw(std::size_t l, std::size_t i, std::span<const double> theta, std::span<const double> u,
                  std::span<double> out) {
    Lane& a = lanes_[l];
    a = Lane{};
    a.busy = true;
    a.draw = i;
    a.out = out;
    a.u = u;
    a.year = start_;
    a.dt = s_.first_step;
    m_.init(ws_[l], theta, xs_);
    m_.observe(ws_[l], start_, xs_, out.subspan(0, outputs_per_year()));
    if (years() == 0) {
      put_lane(l);
      return false;
    }
    begin_year(l);
    return true;
  }
  void begin_year(std::size_t l) {
    Lane& a = lanes_[l];
    const std::size_t k = m_.randoms_per_year(), iy = static_cast<std::size_t>(a.year - start_);
    m_.year_start(ws_[l], a.year, xs_, a.u.subspan(iy * k, k));
    put_lane(l);
    m_.set_lane(in_, l, ws_[l]);
    a.t = a.year;
    a.t_end = a.year + 1;
    a.tries = 0;
    a.fresh = true;
  }
  template <class StartNext>
  void end_year(std::size_t l, std::span<DrawStatus> status, std::span<std::size_t> steps,
                StartNext& start_next) {
    Lane& a = lanes_[l];
    get_lane(l);
    const std::size_t iy = static_cast<std::size_t>(a.year - start_);
    m_.observe(ws_[l], a.year + 1, xs_, a.out.subspan((iy + 1) * outputs_per_year(), outputs_per_year()));
    if (++a.year < end_) {
      begin_year(l);
      return;
    }
    end_draw(l, status, steps, start_next);
  }
  template <class StartNext>
  void end_draw(std::size_t l, std::span<DrawStatus> status, std::span<std::size_t> steps, StartNext& start_next) {
    finish_draw(l, status, steps);
    start_next(l);
  }
  void finish_draw(std::size_t l, std::span<DrawStatus> status, std::span<std::size_t> steps) {
    Lane& a = lanes_[l];
    status[a.draw] = a.failed != DrawStatus::ok ? a.failed : check_outputs(m_, years(), a.out);
    if (!steps.empty()) steps[a.draw] = a.steps;
  }

  using DrawLayout<M>::m_;
  using DrawLayout<M>::start_;
  using DrawLayout<M>::end_;
  IntegratorSettings s_;
  std::array<Lane, kLanes> lanes_{};
  std::array<typename M::Workspace, kLanes> ws_{};
  typename M::LaneInputs in_{};
  State xs_{};
  // The state and its derivative, and the step's results: buf_[ix_], ..., swapped.
  std::array<LState, 4> buf_{};
  std::size_t ix_ = 0, idxdt_ = 1, ixnew_ = 2, idxdtnew_ = 3;
  LState xerr_{}, k_{};
  LState& x() { return buf_[ix_]; }
  const LState& x() const { return buf_[ix_]; }
  LState& dxdt() { return buf_[idxdt_]; }
  const LState& dxdt() const { return buf_[idxdt_]; }
  LState& xnew() { return buf_[ixnew_]; }
  LState& dxdtnew() { return buf_[idxdtnew_]; }
  boost::numeric::odeint::runge_kutta_dopri5<LState, double, LState, Lanes> stepper_{};
  boost::numeric::odeint::default_step_adjuster<double, double> adjuster_{};  // per lane, as make_controlled's
};

// LaneSimulator<M> for a LaneModel, else an empty placeholder (for members of
// code that handles both kinds of model).
template <class M>
struct LaneSimulatorFor {
  struct type {};
};
template <LaneModel M>
struct LaneSimulatorFor<M> {
  using type = LaneSimulator<M>;
};

}  // namespace innosim
