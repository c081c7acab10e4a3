#pragma once
// Every model the program can run, by the id a scenario names in
// `[scenario] model`. Adding a model is one line in kModels (and its
// header, sources and tests in models/); the program and its "did you mean"
// list follow from this table.
//
//   visit_model(scenario, [&](const auto& model) { return run(model, ...); });

#include <optional>
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

// Builds the model the scenario names and returns f(model). Every model
// must give f's result the same type (an exit code, say). Throws
// unknown_model_error for an unknown id and whatever the model's
// constructor throws (ScenarioError for missing or invalid inputs).
template <class F>
auto visit_model(const Scenario& scenario, F&& f) {
  using First = typename std::tuple_element_t<0, std::remove_const_t<decltype(kModels)>>::type;
  using R = std::invoke_result_t<F&, const First&>;
  static_assert(!std::is_void_v<R>, "visit_model: f must return a value (an exit code, say)");
  std::optional<R> result;
  std::apply(
      [&](const auto&... e) {
        (void)((e.id == scenario.model
                    ? (result.emplace(f(typename std::remove_cvref_t<decltype(e)>::type(scenario))), true)
                    : false) ||
               ...);
      },
      kModels);
  if (!result) throw unknown_model_error(scenario);
  return std::move(*result);
}

}  // namespace innosim
