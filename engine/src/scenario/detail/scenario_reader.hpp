#pragma once
// Validation of a merged scenario tree into a Scenario. ScenarioReader holds
// what the section readers share; each group of sections has its own reader,
// defined in its own file:
//   read_settings.cpp      [scenario], [horizon], [run], [verdict], [posterior]
//   read_regions.cpp       [[regions]], [territory], [indicators]
//   read_levers.cpp        [levers]
//   read_parameters.cpp    [parameters] and their distributions, [[correlations]]
//   read_targets.cpp       [[targets]]
//   read_model_inputs.cpp  [model_options], [model_matrices]
//   read_analysis.cpp      [sensitivity], [index]
// Internal to the scenario loader.

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/detail/tree_reader.hpp"
#include "innosim/scenario/scenario.hpp"

namespace innosim::detail {

struct UnitRule {
  std::string expect;  // "a non-negative amount in yuan"
  std::function<bool(double)> ok;
  double lo = -std::numeric_limits<double>::infinity();  // support a distribution must stay in
  double hi = std::numeric_limits<double>::infinity();
};

// What a value in `unit` must be; levers are stricter than parameters for
// rates (a lever's rate is a non-negative amount per year).
UnitRule unit_rule(std::string_view unit, bool lever);

// Every key of a distribution table: "dist" and each kind's parameter names
// (distribution_kinds()), each once, in table order.
const std::vector<std::string>& all_distribution_keys();

class ScenarioReader : public TreeReader {
 public:
  ScenarioReader(Scenario& s, std::vector<Problem>& problems) : TreeReader(problems), s_(s) {}

  // Every section of the merged tree, in the order a reader meets them; every
  // problem is recorded, none stops the reading.
  void run(const Node& root);

 private:
  Scenario& s_;
  bool horizon_ok_ = false;  // horizon read: years can be checked against it
  bool regions_ok_ = true;   // regions read without problems: by_region tables can be checked
  // The ids in a section ([levers], [parameters]) that have a unit, for
  // unknown_override; computed once per section.
  const Node* defined_in_ = nullptr;
  std::vector<std::string> defined_;

  // A lever or parameter without a unit whose id is a near miss of one that
  // has a unit: almost always a what-if overriding an inherited entry under a
  // misspelt id. Says so, with "did you mean", instead of "unit missing".
  bool unknown_override(const Node& section, const Entry& e, std::string_view what);
  std::vector<std::string> region_ids() const;
  // An indicator id at table[key]: a string listed in [indicators]. Returns
  // what was written (nullopt when absent or not a string) and sets `ok`
  // false on any problem, which it records (with "did you mean").
  std::optional<std::string> indicator_at(const Node& table, std::string_view key, const std::string& path,
                                          bool required, bool& ok);
  // A by_region table: every key a region, every region present.
  bool check_by_region(const Node& br, const std::string& path);

  // read_settings.cpp
  void read_scenario(const Node& root);
  void read_horizon(const Node& root);
  void read_run(const Node& root);
  void read_verdict(const Node& root);
  void read_posterior(const Node& root);
  // read_regions.cpp
  void read_regions(const Node& root);
  void read_territory(const Node& root);
  void read_indicators(const Node& root);
  // read_levers.cpp
  void read_levers(const Node& root);
  std::optional<YearSeries> read_series(const Node& t, const std::string& path, const std::string& unit,
                                        Interp rule);
  // read_parameters.cpp
  void read_parameters(const Node& root);
  std::optional<Distribution> read_dist(const Node& t, const std::string& path, const std::string& unit,
                                        const std::vector<std::string>& extra_keys);
  void read_correlations(const Node& root);
  // read_targets.cpp
  void read_targets(const Node& root);
  // read_model_inputs.cpp
  void read_options(const Node& root);
  void read_matrices(const Node& root);
  // read_analysis.cpp
  void read_sensitivity(const Node& root);
  void read_index(const Node& root);
  std::optional<IndexComponent> read_index_component(const Node& c, const std::string& path);
};

}  // namespace innosim::detail
