#pragma once
// Every model the program can run, by the id a scenario names in
// `[scenario] model`. Adding a model is one line in kModels (and its
// header, sources and tests in models/); the program and its "did you mean"
// list follow from this table.
//
//   visit_model(scenario, [&](const auto& model) { return run(model, ...); });

#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "innosim/models/exp_growth.hpp"
#include "innosim/models/four_plus_one.hpp"
#include "innosim/models/test_functions.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim {

template <class M>
struct ModelEntry {
  using type = M;
  std::string_view id;  // the value of `[scenario] model`
};

inline constexpr std::tuple kModels{
    ModelEntry<FourPlusOne>{"four_plus_one"},
    ModelEntry<ExpGrowth>{"exp_growth"},
    ModelEntry<TestFunction>{"ishigami"},  // one class for both test functions: the runner
    ModelEntry<TestFunction>{"sobol_g"},   // is instantiated once for them
};

// The model ids, in the order of kModels.
inline std::vector<std::string> model_ids() {
  return std::apply([](const auto&... e) { return std::vector<std::string>{std::string(e.id)...}; }, kModels);
}

// The error for a scenario whose model is not in kModels: at `[scenario]
// model`, with "did you mean" and the known ids.
ScenarioError unknown_model_error(const Scenario& scenario);

namespace detail {

// f(model) for the model at index I of kModels or a later one. f is first
// called here, in an evaluated context, so that its (deduced) return type is
// found by instantiating it for real: clang 14 instantiates a body first met
// in an unevaluated context (std::invoke_result) without marking the vtables
// it uses, and then leaves the virtual functions of what it creates (TBB's
// task wrappers around the runner's lambdas) undefined at link time.
template <std::size_t I, class F>
auto visit_model_from(const Scenario& scenario, F& f) {
  using M = typename std::tuple_element_t<I, std::remove_const_t<decltype(kModels)>>::type;
  if constexpr (I + 1 == std::tuple_size_v<std::remove_const_t<decltype(kModels)>>) {
    if (std::get<I>(kModels).id != scenario.model) throw unknown_model_error(scenario);
    return f(M(scenario));
  } else {
    if (std::get<I>(kModels).id == scenario.model) return f(M(scenario));
    return visit_model_from<I + 1>(scenario, f);
  }
}

}  // namespace detail

// Builds the model the scenario names and returns f(model). Every model
// must give f's result the same type (an exit code, say). Throws
// unknown_model_error for an unknown id and whatever the model's
// constructor throws (ScenarioError for missing or invalid inputs).
template <class F>
auto visit_model(const Scenario& scenario, F&& f) {
  return detail::visit_model_from<0>(scenario, f);
}

}  // namespace innosim
