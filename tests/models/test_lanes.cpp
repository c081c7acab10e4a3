// Draws integrated in lanes (LaneSimulator) against one at a time
// (DrawSimulator): every shipped 4+1 scenario, bit for bit, whatever the
// lane-mates; failures reported alike.

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "innosim/models/four_plus_one.hpp"
#include "innosim/random/sampler.hpp"
#include "innosim/random/streams.hpp"
#include "innosim/run/lane_simulator.hpp"
#include "innosim/run/simulate.hpp"
#include "innosim/scenario/scenario.hpp"

using namespace innosim;
using M = FourPlusOne;

namespace {

const std::filesystem::path kScenarios = std::filesystem::path(INNOSIM_SOURCE_DIR) / "scenarios";

struct Draws {
  std::size_t n = 0, n_params = 0, n_unif = 0, n_out = 0;
  std::vector<double> theta, unif;
};

Draws make_draws(const M& m, const Scenario& s, std::size_t n, std::uint64_t seed) {
  Draws d;
  d.n = n;
  d.n_params = m.num_parameters();
  DrawSimulator<M> sim(m, IntegratorSettings{}, s.horizon.start, s.horizon.end);
  d.n_unif = sim.uniforms_size();
  d.n_out = sim.output_size();
  Sampler sampler(s, seed, n);
  d.theta.resize(n * d.n_params);
  sampler.draw(0, n, d.theta);
  d.unif.resize(n * d.n_unif);
  for (std::size_t i = 0; i < n; ++i)
    fill_uniform01(seed, i, Stream::yearly, 0, std::span<double>(d.unif.data() + i * d.n_unif, d.n_unif));
  return d;
}

// Each draw alone through DrawSimulator; `steps`, when given, gets each draw's accepted steps.
std::vector<double> scalar_run(const M& m, const Scenario& s, const Draws& d, IntegratorSettings st,
                               std::vector<DrawStatus>& status, std::vector<std::size_t>* steps = nullptr) {
  DrawSimulator<M> sim(m, st, s.horizon.start, s.horizon.end);
  std::vector<double> out(d.n * d.n_out);
  status.assign(d.n, DrawStatus::ok);
  if (steps) steps->assign(d.n, 0);
  for (std::size_t i = 0; i < d.n; ++i) {
    status[i] = sim.run(std::span<const double>(d.theta).subspan(i * d.n_params, d.n_params),
                        std::span<const double>(d.unif).subspan(i * d.n_unif, d.n_unif),
                        std::span<double>(out).subspan(i * d.n_out, d.n_out));
    if (steps) (*steps)[i] = sim.steps_last_draw();
  }
  return out;
}

// The draws listed in `order`, through one LaneSimulator; results by draw index.
std::vector<double> lane_run(const M& m, const Scenario& s, const Draws& d, IntegratorSettings st,
                             const std::vector<std::size_t>& order, std::vector<DrawStatus>& status,
                             std::vector<std::size_t>* steps = nullptr) {
  LaneSimulator<M> sim(m, st, s.horizon.start, s.horizon.end);
  std::vector<double> out(d.n * d.n_out, -1.0);
  std::vector<DrawStatus> st_in_order(order.size());
  std::vector<std::size_t> steps_in_order(order.size());
  sim.run(
      order.size(),
      [&](std::size_t i) { return std::span<const double>(d.theta).subspan(order[i] * d.n_params, d.n_params); },
      [&](std::size_t i) { return std::span<const double>(d.unif).subspan(order[i] * d.n_unif, d.n_unif); },
      [&](std::size_t i) { return std::span<double>(out).subspan(order[i] * d.n_out, d.n_out); }, st_in_order,
      steps_in_order);
  status.assign(d.n, DrawStatus::ok);
  if (steps) steps->assign(d.n, 0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    status[order[i]] = st_in_order[i];
    if (steps) (*steps)[order[i]] = steps_in_order[i];
  }
  return out;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

TEST_CASE("lanes: every shipped 4+1 scenario integrates in lanes bit for bit, in as many steps, as one draw at a time") {
  std::size_t checked = 0;
  for (const char* name : {"baseline.toml", "hindcast-2010-2015.toml", "plan-2016-2020.toml",
                           "plan-2016-2020-calibrated.toml", "whatif-double-fiscal-rd.toml",
                           "whatif-all-to-enterprise-subsidies.toml", "whatif-incubators-and-maker-spaces.toml",
                           "whatif-different-split.toml"}) {
    INFO(name);
    const Scenario s = load_scenario((kScenarios / name).string());
    REQUIRE(s.model == "four_plus_one");
    const M m(s);
    const Draws d = make_draws(m, s, 23, 2016);  // not a multiple of the lane count
    std::vector<std::size_t> order(d.n);
    for (std::size_t i = 0; i < d.n; ++i) order[i] = i;
    std::vector<DrawStatus> st_scalar, st_lanes;
    std::vector<std::size_t> steps_scalar, steps_lanes;
    const auto scalar = scalar_run(m, s, d, IntegratorSettings{}, st_scalar, &steps_scalar);
    const auto lanes = lane_run(m, s, d, IntegratorSettings{}, order, st_lanes, &steps_lanes);
    CHECK(st_scalar == st_lanes);
    CHECK(same_bits(scalar, lanes));
    CHECK(steps_scalar == steps_lanes);  // the same accepted steps, draw by draw
    ++checked;
  }
  CHECK(checked == 8);
}

TEST_CASE("lanes: a draw's numbers do not depend on its lane-mates or on the order draws are taken") {
  const Scenario s = load_scenario((kScenarios / "plan-2016-2020.toml").string());
  const M m(s);
  const Draws d = make_draws(m, s, 13, 7);
  std::vector<DrawStatus> st_a, st_b, st_c;
  std::vector<std::size_t> forward(d.n), backward(d.n);
  for (std::size_t i = 0; i < d.n; ++i) forward[i] = i, backward[i] = d.n - 1 - i;
  const auto a = lane_run(m, s, d, IntegratorSettings{}, forward, st_a);
  const auto b = lane_run(m, s, d, IntegratorSettings{}, backward, st_b);
  CHECK(same_bits(a, b));
  CHECK(st_a == st_b);
  // Draw 5 alone (the other lanes idle) equals draw 5 among the others.
  const auto c = lane_run(m, s, d, IntegratorSettings{}, {5}, st_c);
  CHECK(std::memcmp(c.data() + 5 * d.n_out, a.data() + 5 * d.n_out, d.n_out * sizeof(double)) == 0);
  CHECK(st_c[5] == st_a[5]);
}

TEST_CASE("lanes: a draw past the step limit fails in lanes as it does alone, and its lane goes on") {
  const Scenario s = load_scenario((kScenarios / "plan-2016-2020.toml").string());
  const M m(s);
  const Draws d = make_draws(m, s, 9, 11);
  std::vector<std::size_t> order(d.n);
  for (std::size_t i = 0; i < d.n; ++i) order[i] = i;
  bool mixed = false;  // some limit lets some draws through and fails others
  for (std::size_t limit = 8; limit <= 30; ++limit) {
    INFO("max_steps " << limit);
    IntegratorSettings tight;
    tight.max_steps = limit;
    std::vector<DrawStatus> st_scalar, st_lanes;
    const auto scalar = scalar_run(m, s, d, tight, st_scalar);
    const auto lanes = lane_run(m, s, d, tight, order, st_lanes);
    CHECK(st_scalar == st_lanes);
    const auto failed = std::count(st_scalar.begin(), st_scalar.end(), DrawStatus::integrator_failed);
    if (failed > 0 && failed < static_cast<long>(d.n)) mixed = true;
    // Draws that passed carry the same numbers.
    for (std::size_t i = 0; i < d.n; ++i)
      if (st_scalar[i] == DrawStatus::ok)
        CHECK(std::memcmp(scalar.data() + i * d.n_out, lanes.data() + i * d.n_out, d.n_out * sizeof(double)) == 0);
  }
  CHECK(mixed);
}
