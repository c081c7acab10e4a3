#pragma once
// Helpers for the scenario tests: load text and collect the problems.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "innosim/scenario/scenario.hpp"

namespace innosim::test {

inline std::string data_path(const std::string& rel) { return std::string(INNOSIM_TEST_DATA) + "/scenario/" + rel; }

// Every problem load_scenario_text reports; empty when the text is valid.
inline std::vector<Problem> problems_of(const std::string& text, const std::string& name = "plan.toml",
                                        const std::string& base_dir = ".") {
  try {
    (void)load_scenario_text(text, name, base_dir);
  } catch (const ScenarioError& e) {
    return e.problems();
  }
  return {};
}

inline std::vector<Problem> problems_of_file(const std::string& path) {
  try {
    (void)load_scenario(path);
  } catch (const ScenarioError& e) {
    return e.problems();
  }
  return {};
}

// The one problem reported for `key`; fails the test when there is not exactly one.
inline Problem the_problem(const std::vector<Problem>& problems, const std::string& key) {
  std::vector<Problem> hits;
  for (const Problem& p : problems)
    if (p.key == key) hits.push_back(p);
  std::string all;
  for (const Problem& p : problems) all += p.to_string() + "\n";
  INFO("problems:\n" << all);
  REQUIRE(hits.size() == 1);
  return hits.front();
}

// A minimal valid scenario; tests append sections to it. 13 lines, so text
// appended starts at line 14.
inline const std::string kHead = R"([scenario]
name = "t"
model = "four_plus_one"

[horizon]
start = 2015
end = 2020

[[regions]]
id = "yinchuan"

[[regions]]
id = "shizuishan"
)";

// Asserts a problem's location.
inline void check_at(const Problem& p, const std::string& file, int line, int column) {
  INFO(p.to_string());
  CHECK(p.where.file == file);
  CHECK(p.where.line == line);
  CHECK(p.where.column == column);
}

}  // namespace innosim::test
