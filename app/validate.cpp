// innosim validate: checks a scenario file and prints every problem with file:line:col.
//
//   innosim validate scenarios/my-whatif.toml
//   innosim validate scenarios/my-whatif.toml --resolved    resolved values and their origin

#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "innosim/models/registry.hpp"
#include "options.hpp"
#include "scenario_draws.hpp"

namespace innosim::app {

namespace {

struct ValidateArgs {
  std::string scenario;
  bool resolved = false;
};

int validate(const ValidateArgs& a) {
  Scenario s = load_scenario(a.scenario);
  return visit_model(s, [&](const auto& model) -> int {
    const ScenarioDraws draws = checked_draws(model, s, s.run.seed, s.run.draws);
    const Sampler& sampler = draws.sampler();
    if (a.resolved)
      std::cout << s.resolved_text();
    else
      std::cout << fmt::format(
          "{}: ok — scenario '{}', model {}, {} regions, {} levers, {} parameters ({} uncertain{}), {} targets\n",
          a.scenario, s.name, s.model, s.regions.size(), s.levers.size(), s.parameters.size(), sampler.dimensions(),
          draws.posterior() ? fmt::format(", {} from the posterior {}", draws.posterior()->slots().size(),
                                          s.posterior->given)
                            : std::string(),
          s.targets.size());
    return kExitOk;
  });
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto a = std::make_shared<ValidateArgs>();
  auto* cmd = app.add_subcommand("validate", "Check a scenario file; print every problem with file:line:col");
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML)")->required()->check(CLI::ExistingFile);
  cmd->add_flag("--resolved", a->resolved, "Print the resolved scenario, each value with where it came from");
  return {cmd, [a] { return validate(*a); }};
}

}  // namespace innosim::app
