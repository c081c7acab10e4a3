// Fuzz target: bytes as a scenario file, through everything `innosim
// validate` does: the loader and validator, the model binding, the sampler
// (with a [posterior] file's particles) and the target indicators, and the
// resolved text of `validate --resolved`. A scenario may be refused
// (ScenarioError, exit 2 in the program); anything else — a crash, a hang, a
// memory blow-up, another exception, a sanitizer report — is a bug.
//
// Parents named by `extends` are looked up in the shipped scenarios' folder,
// so inputs derived from the seed corpus (scenarios/, tests/data) stay
// meaningful.

#include <cstddef>
#include <cstdint>
#include <string>

#include "innosim/models/registry.hpp"
#include "innosim/scenario/scenario.hpp"
#include "scenario_draws.hpp"  // app/: what validate checks

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace innosim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const Scenario s = load_scenario_text(text, "fuzz.toml", INNOSIM_SOURCE_DIR "/scenarios");
    visit_model(s, [&](const auto& model) {
      const app::ScenarioDraws draws = app::checked_draws(model, s, s.run.seed, s.run.draws);
      return draws.sampler().dimensions();
    });
    (void)s.resolved_text();
  } catch (const ScenarioError&) {
  }
  return 0;
}
