#pragma once
// How a model reads its inputs from a scenario by name. The model asks for
// every lever, parameter, option and matrix it uses; finish() then reports, in one
// ScenarioError, each one the model needed but the scenario lacks, and each
// one the scenario gives but the model does not use (with "did you mean").

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "innosim/scenario/scenario.hpp"
#include "innosim/util/did_you_mean.hpp"  // for models reporting their own problems

namespace innosim {

class ModelBinding {
 public:
  explicit ModelBinding(const Scenario& scenario);

  const Scenario& scenario() const { return s_; }
  std::size_t num_regions() const { return s_.regions.size(); }

  // A lever; nullptr (and a recorded problem) if missing. `unit` is checked.
  const Lever* lever(std::string_view id, std::string_view unit);
  // Index into theta of a scalar parameter (recorded problem if missing).
  std::size_t parameter(std::string_view id);
  // Indices into theta of a per-region parameter, in region order.
  std::vector<std::size_t> parameter_by_region(std::string_view id);
  // A model matrix ([model_matrices.<id>], R x R in region order); nullptr
  // (and a recorded problem) if missing.
  const ModelMatrix* matrix(std::string_view id);
  // A model option or its default. `expect` is how it must be written:
  // boolean (true/false, returned as 0/1), integer (3, not 3.0 or true) or
  // number (3 or 0.01, not true); an option written otherwise is a recorded
  // problem, and the default is returned.
  double option(std::string_view id, double default_value, OptionKind expect = OptionKind::number);
  // An indicator the model computes: every target and [indicators] entry
  // must name one of these.
  void indicators(const std::vector<std::string>& ids);
  // Adds a problem found by the model itself (e.g. shares not summing to 1).
  void problem(const SourceLoc& where, std::string key, std::string message);

  // Throws ScenarioError if anything was missing, unused or wrong.
  void finish() const;

 private:
  const Scenario& s_;
  std::vector<std::string> used_levers_, used_params_, used_options_, used_matrices_, indicators_;
  std::vector<Problem> problems_;
};

}  // namespace innosim
