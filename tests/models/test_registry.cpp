// The model registry: a scenario's model id picks the model; an unknown id is
// a problem at [scenario] model with "did you mean" and the known ids.

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

#include "innosim/models/registry.hpp"

using namespace innosim;

namespace {

Scenario exp_scenario() { return load_scenario(std::string(INNOSIM_TEST_DATA) + "/e2e/exp.toml"); }

}  // namespace

TEST_CASE("model_ids lists the registry's models", "[registry]") {
  CHECK(model_ids() == std::vector<std::string>{"four_plus_one", "exp_growth", "ishigami", "sobol_g"});
}

TEST_CASE("visit_model builds the model the scenario names and returns f's result", "[registry]") {
  const Scenario s = exp_scenario();
  REQUIRE(s.model == "exp_growth");
  const int r = visit_model(s, [](const auto& model) {
    return std::is_same_v<std::remove_cvref_t<decltype(model)>, ExpGrowth> ? static_cast<int>(model.num_regions())
                                                                           : -1;
  });
  CHECK(r == static_cast<int>(s.regions.size()));
}

TEST_CASE("an unknown model id is one problem at [scenario] model, with a suggestion", "[registry]") {
  Scenario s = exp_scenario();
  s.model = "exp_grwth";
  try {
    visit_model(s, [](const auto&) { return 0; });
    FAIL("no error for an unknown model");
  } catch (const ScenarioError& e) {
    REQUIRE(e.problems().size() == 1);
    const Problem& p = e.problems().front();
    CHECK(p.key == "scenario.model");
    CHECK(p.where.file == s.where.file);
    CHECK(p.message == "unknown model 'exp_grwth' — did you mean 'exp_growth'? (known: four_plus_one, exp_growth, ishigami, sobol_g)");
  }
}
