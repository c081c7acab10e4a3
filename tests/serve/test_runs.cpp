// innosim serve's runs (app/serve/runs.hpp): validation of a setting, common
// random numbers, the cache, cancellation and sessions.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <string>

#include "innosim/scenario/scenario.hpp"
#include "serve/runs.hpp"

using namespace innosim;
using namespace innosim::app::serve;

namespace {

// exp_growth with a zone-wide extra_growth lever: [2016, 2018] -> [0.005, 0.01].
const std::string kSweep = std::string(INNOSIM_TEST_DATA) + "/e2e/sweep.toml";

Runs make_runs() { return Runs(load_scenario(kSweep), kSweep, RunsConfig{1, 4}); }

double p_met(const RunResult& r, std::size_t t = 0) { return r.table.rows.at(t).p_met; }

}  // namespace

TEST_CASE("a what-if runs with the scenario's seed: the same draws as a run of its file", "[serve]") {
  Runs runs = make_runs();
  const Setting more = {{{"extra_growth", kZone}, 0.03}};
  const auto plan = runs.result({}, 512, nullptr);
  const auto what = runs.result(more, 512, nullptr);
  CHECK(plan->name == "sweep-e2e");
  CHECK(what->name != plan->name);
  CHECK(what->info.seed == runs.base().run.seed);
  CHECK(p_met(*what) > p_met(*plan));  // more growth: the zone target is met more often

  // The same what-if loaded from its text (as `innosim run` loads the saved
  // file) gives the same numbers.
  const CheckedWhatIf w = runs.check(more);
  Runs again(Scenario(*w.scenario), kSweep, RunsConfig{2, 4});
  const auto direct = again.result({}, 512, nullptr);
  REQUIRE(direct->table.rows.size() == what->table.rows.size());
  for (std::size_t t = 0; t < direct->table.rows.size(); ++t) {
    CHECK(direct->table.rows[t].p_met == what->table.rows[t].p_met);
    CHECK(direct->table.rows[t].median == what->table.rows[t].median);
  }
}

TEST_CASE("results are cached by setting and draw count", "[serve]") {
  Runs runs = make_runs();
  const Setting s = {{{"extra_growth", kZone}, 0.02}};
  bool cached = true;
  const auto first = runs.result(s, 256, nullptr, &cached);
  CHECK_FALSE(cached);
  const auto second = runs.result(s, 256, nullptr, &cached);
  CHECK(cached);
  CHECK(first == second);
  (void)runs.result(s, 512, nullptr, &cached);
  CHECK_FALSE(cached);  // another draw count is another result
  // The cache keeps the 4 most recent results.
  for (int k = 1; k <= 4; ++k) (void)runs.result({{{"extra_growth", kZone}, 0.02 + 0.001 * k}}, 256, nullptr);
  (void)runs.result(s, 256, nullptr, &cached);
  CHECK_FALSE(cached);
}

TEST_CASE("a refused setting throws the validator's problems and is not cached", "[serve]") {
  Runs runs = make_runs();
  const Setting bad = {{{"extra_growth", kZone}, -0.01}};
  try {
    (void)runs.result(bad, 256, nullptr);
    FAIL("a negative rate ran");
  } catch (const ScenarioError& e) {
    // Both policy points of the path turned negative.
    REQUIRE(e.problems().size() == 2);
    CHECK(e.problems()[0].key == "levers.extra_growth.values[0]");
    CHECK(e.problems()[1].key == "levers.extra_growth.values[1]");
    for (const Problem& p : e.problems()) CHECK(p.message.find("non-negative rate") != std::string::npos);
  }
  CHECK_THROWS_AS(runs.check(bad), ScenarioError);
}

TEST_CASE("a cancelled run throws and leaves nothing in the cache", "[serve]") {
  Runs runs = make_runs();
  const Setting s = {{{"extra_growth", kZone}, 0.04}};
  std::atomic<bool> cancel{true};
  CHECK_THROWS_AS(runs.result(s, 256, &cancel), RunCancelled);
  bool cached = true;
  cancel = false;
  (void)runs.result(s, 256, &cancel, &cached);
  CHECK_FALSE(cached);
}

TEST_CASE("a session's newer request cancels its older one, and only its own", "[serve]") {
  Sessions sessions(2);
  const auto a1 = sessions.begin("a", 1);
  const auto b1 = sessions.begin("b", 1);
  REQUIRE(a1);
  REQUIRE(b1);
  const auto a2 = sessions.begin("a", 2);
  REQUIRE(a2);
  CHECK(a1->load());        // superseded
  CHECK_FALSE(a2->load());  // the newest runs
  CHECK_FALSE(b1->load());  // another session is left alone
  CHECK(sessions.begin("a", 1) == nullptr);  // older than one already seen: refused
  CHECK_FALSE(a2->load());
  const auto a3 = sessions.begin("a", std::nullopt);  // no number: the newest by arrival
  REQUIRE(a3);
  CHECK(a2->load());
  // A third session makes the least recently used one (b) forgotten.
  (void)sessions.begin("c", 1);
  CHECK(sessions.begin("b", 0) != nullptr);
}
