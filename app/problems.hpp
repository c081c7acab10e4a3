#pragma once
// Prints the problems of a scenario in reading order and the closing count.

#include <algorithm>
#include <iostream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "innosim/scenario/scenario.hpp"

namespace innosim::app {

// Problems printed, in reading order; the rest are counted.
inline constexpr std::size_t kProblemsShown = 50;

// In reading order: files in the order they first appear, then line, column.
inline std::vector<Problem> problems_in_reading_order(const ScenarioError& e) {
  std::vector<Problem> ps = e.problems();
  std::vector<std::string> files;
  for (const Problem& p : ps)
    if (std::find(files.begin(), files.end(), p.where.file) == files.end()) files.push_back(p.where.file);
  auto rank = [&](const Problem& p) {
    return std::tuple(std::find(files.begin(), files.end(), p.where.file) - files.begin(), p.where.line,
                      p.where.column);
  };
  std::stable_sort(ps.begin(), ps.end(), [&](const Problem& a, const Problem& b) { return rank(a) < rank(b); });
  return ps;
}

// Prints the problems in reading order (the first kProblemsShown, the rest
// counted) and the closing count.
inline void print_problems(const ScenarioError& e) {
  const std::vector<Problem> ps = problems_in_reading_order(e);
  const std::size_t shown = std::min(ps.size(), kProblemsShown);
  for (std::size_t i = 0; i < shown; ++i) std::cerr << ps[i].to_string() << "\n";
  if (e.count() > shown) std::cerr << fmt::format("... and {} more\n", e.count() - shown);
  std::cerr << fmt::format("innosim: {} problem{} found; nothing was computed\n", e.count(),
                           e.count() == 1 ? "" : "s");
}

}  // namespace innosim::app

namespace innosim::app {

// Bad input found outside a scenario (command-line values, files given to a
// command): main prints "innosim: <what>" and exits with kExitBadInput.
class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace innosim::app
