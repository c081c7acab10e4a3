#pragma once
// Reading a located TOML tree (toml_tree.hpp) into typed values while
// collecting every problem: each names file:line:col and the dotted key path,
// says what was expected and what was found, and suggests the closest known
// name for a misspelt one ("did you mean"). Nothing stops at the first
// problem. Internal to the engine: the scenario loader uses it, and so can any
// other TOML input (derive from TreeReader, as ScenarioReader does).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/detail/toml_tree.hpp"
#include "innosim/scenario/limits.hpp"
#include "innosim/scenario/scenario.hpp"
#include "innosim/util/did_you_mean.hpp"

namespace innosim::detail {

class TreeReader {
 public:
  explicit TreeReader(std::vector<Problem>& problems) : problems_(problems) {}

  // Records a problem; beyond limits::kProblemsKept problems it is only
  // counted (more()), so that a file with millions of bad values costs no
  // more memory than one with a thousand.
  void add(const SourceLoc& at, std::string key, std::string msg) {
    if (full()) {
      ++more_;
      return;
    }
    problems_.push_back({at, std::move(key), std::move(msg)});
  }
  // True once problems are only counted: a caller may skip costly hints.
  bool full() const { return problems_.size() >= limits::kProblemsKept; }
  // Problems found beyond those kept.
  std::size_t more() const { return more_; }
  // "required but missing: expected <expect>", at the table that lacks it.
  void missing(const Node& table, const std::string& key, std::string_view expect);
  // Every key of `table` not in `allowed` is a problem (with did-you-mean);
  // `path` is the table's key path ("" for the root, whose keys are sections).
  void check_keys(const Node& table, const std::string& path, const std::vector<std::string>& allowed);

  // Typed look-ups: nullopt (or nullptr) when absent or wrong, a problem
  // recorded when wrong, or when absent and `required`. `expect` says what a
  // valid value is ("a positive tolerance").
  const Node* table_at(const Node& parent, std::string_view key, const std::string& path);
  std::optional<std::string> string_at(const Node& table, std::string_view key, const std::string& path,
                                       std::string_view expect, bool required);
  std::optional<bool> bool_at(const Node& table, std::string_view key, const std::string& path,
                              std::string_view expect, bool required);
  // A string that must be one of `choices`.
  std::optional<std::string> choice_at(const Node& table, std::string_view key, const std::string& path,
                                       const std::vector<std::string>& choices, bool required);
  std::optional<std::int64_t> int_value(const Node& n, const std::string& path, std::string_view expect);
  // An integer in [0, 100000].
  std::optional<int> year_value(const Node& n, const std::string& path, std::string_view expect);
  // A number (integer or float) that is finite and passes `ok`.
  std::optional<double> number_value(const Node& n, const std::string& path, std::string_view expect,
                                     const std::function<bool(double)>& ok = {});
  std::optional<double> number_at(const Node& table, std::string_view key, const std::string& path,
                                  std::string_view expect, bool required,
                                  const std::function<bool(double)>& ok = {});

 private:
  // table[key], or nullptr (a problem if `required`).
  const Node* present(const Node& table, std::string_view key, const std::string& path,
                      std::string_view expect, bool required);

  std::vector<Problem>& problems_;
  std::size_t more_ = 0;
};

// Where every value of the tree came from, by dotted key path ("a.b",
// "a[2].c" for tables in arrays), into `locs`.
void record_locations(const Node& n, const std::string& path, std::map<std::string, SourceLoc>& locs);

}  // namespace innosim::detail
