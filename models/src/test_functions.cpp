#include "innosim/models/test_functions.hpp"

#include <cmath>
#include <string>

#include "innosim/model/binding.hpp"
#include "innosim/random/streams.hpp"

namespace innosim {

namespace {

// "x3" for (x, 3); appended, not `+`: GCC 12 warns falsely (-Wrestrict) on "x" + std::string.
std::string numbered(const char* prefix, std::size_t i) {
  std::string id = prefix;
  id += std::to_string(i);
  return id;
}

}  // namespace

TestFunction::TestFunction(const Scenario& scenario)
    : indicators_{{"y", "1", false}},
      regions_(scenario.regions.size()),
      aggregates_(scenario.aggregate_ids().size()),
      num_parameters_(scenario.parameters.size()) {
  ModelBinding b(scenario);
  function_ = scenario.model == "sobol_g" ? Function::sobol_g : Function::ishigami;
  if (regions_ == 0) b.problem(scenario.where, "regions", "model '" + scenario.model + "' needs at least one region");
  for (std::size_t i = 1; scenario.parameter_index(numbered("x", i)); ++i)
    p_x_.push_back(b.parameter(numbered("x", i)));
  const std::size_t needed = function_ == Function::ishigami ? 3 : 1;
  for (std::size_t i = p_x_.size() + 1; i <= needed; ++i) (void)b.parameter(numbered("x", i));  // reports it missing
  if (function_ == Function::ishigami) {
    a_ = b.option("a", 7.0);
    b_ = b.option("b", 0.1);
  } else {
    for (std::size_t i = 1; i <= p_x_.size(); ++i) g_a_.push_back(b.option(numbered("a", i), 0.0));
  }
  noise_sd_ = b.option("noise_sd", 0.0);
  b.indicators({"y"});
  b.finish();
}

double TestFunction::value(std::span<const double> x) const {
  return evaluate([&](std::size_t i) { return x[i]; });
}

void TestFunction::init(Workspace&, std::span<const double> theta, State& x) const {
  x[0] = evaluate([&](std::size_t i) { return theta[p_x_[i]]; });
}

void TestFunction::year_start(Workspace&, int, State& x, std::span<const double> u) const {
  if (noise_sd_ != 0.0) x[0] += noise_sd_ * normal_quantile(u[0]);
}

void TestFunction::rhs(const Workspace&, const State&, State& dxdt, double) const { dxdt[0] = 0.0; }

void TestFunction::observe(const Workspace&, int, const State& x, std::span<double> out) const {
  for (std::size_t r = 0; r < regions_ + aggregates_; ++r) out[r] = x[0];
}

}  // namespace innosim
