#pragma once
// The resolved scenario: what a scenario file (and the files it extends) says,
// after inheritance and defaults, with the source location of every value.
// The engine knows nothing about R&D or patents: levers, parameters and
// indicators are named by the scenario and interpreted by the model.

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "innosim/scenario/distribution.hpp"

namespace innosim {

struct SourceLoc {
  std::string file;  // path as the user gave it (or as resolved from `extends`)
  int line = 0;      // 1-based; 0 = not from a file (a default)
  int column = 0;    // 1-based
  std::string to_string() const;  // "file:line:col", or "(default)"
};

// One problem with the input: "file:line:col: key: message".
struct Problem {
  SourceLoc where;
  std::string key;      // dotted key path, e.g. "levers.fiscal_rd_zone.values"
  std::string message;  // what was expected and what was found
  std::string to_string() const;
};

// Every problem found in a scenario; thrown before any computation. The CLI
// prints each problem on its own line and exits with code 2. Past
// limits::kProblemsKept problems, further ones are only counted (more()).
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Problem> problems, std::size_t more = 0);
  const std::vector<Problem>& problems() const { return problems_; }
  std::size_t more() const { return more_; }
  std::size_t count() const { return problems_.size() + more_; }

 private:
  std::vector<Problem> problems_;
  std::size_t more_ = 0;
};

struct Horizon {
  int start = 2015;               // year of the initial state (end of that year)
  int end = 2020;                 // last simulated year end
  std::vector<int> report_years;  // increasing, each in [start, end]; default all
};

struct Region {
  std::string id;
  std::string name_en;
  std::string name_zh;
  // Part of the zone (the targets' "zone" sums the regions in it); a region
  // outside the zone is reported alone and in the territory ([territory]).
  bool in_zone = true;
};

// The whole territory the regions make up ([territory]), e.g. the province of
// which the zone is a part: when declared, every indicator is also reported
// for it (a sum, or a ratio of sums, over all regions).
struct Territory {
  std::string id;
  std::string name_en;
  std::string name_zh;
  SourceLoc where;
};

struct IndicatorNames {
  std::string id;
  std::string name_en;
  std::string name_zh;
  std::string unit;  // "%", "count", "per 10k people", ...
};

enum class Interp { step, linear };

// A lever's yearly path: values at given years and a rule between them.
// Before the first given year the first value holds, after the last the last.
struct YearSeries {
  std::vector<int> years;      // strictly increasing
  std::vector<double> values;  // same length
  Interp rule = Interp::step;
  double at(int year) const;
};

struct Lever {
  std::string id;
  std::string unit;  // "yuan", "share", "count", "rate", "switch"
  std::string name_en;
  std::string name_zh;
  std::string source;                 // where the numbers come from
  std::optional<YearSeries> zone;     // zone-wide path, or
  std::vector<YearSeries> by_region;  // one path per region, in Scenario::regions order
  SourceLoc where;
  bool per_region() const { return !by_region.empty(); }
  // Value in `year` for region index `region` (the zone path when not per region).
  double at(int year, std::size_t region = 0) const;
};

// One sampled scalar. A per-region parameter in the file becomes one
// Parameter per region with id "name[region_id]".
struct Parameter {
  std::string id;
  std::string name_en;  // display names (optional; a per-region parameter shares its table's)
  std::string name_zh;
  std::string unit;
  std::string source;  // citation, "plan", "statistics: ...", or "assumption: ..."
  Distribution dist;
  SourceLoc where;
};

// Gaussian-copula correlation among some parameters (by Parameter::id).
struct Correlation {
  std::vector<std::string> parameters;
  std::vector<std::vector<double>> matrix;  // symmetric, unit diagonal, positive definite
  SourceLoc where;
};

// A region-by-region matrix of model data ([model_matrices.<id>]), e.g. the
// spillover weights W_rs. rows[r][s] in Scenario::regions order; the model
// interprets it (and checks e.g. its diagonal) through ModelBinding::matrix.
struct ModelMatrix {
  std::string id;
  std::string unit;    // optional
  std::string source;  // optional: citation or "assumption: ..."
  std::vector<std::vector<double>> rows;  // R rows of R numbers
  std::vector<SourceLoc> row_locs;        // where each row was written
  SourceLoc where;                        // the table
  double at(std::size_t r, std::size_t s) const { return rows[r][s]; }
};

enum class Sense { at_least, at_most };

// "at_least" or "at_most", as in scenario files and run files.
inline const char* sense_name(Sense s) { return s == Sense::at_least ? "at_least" : "at_most"; }

struct Target {
  std::string indicator;  // an indicator id of the model
  std::string region;     // "zone" or a region id
  int year = 0;
  double value = 0.0;
  bool binding = false;   // 约束性 (binding) vs 预期性 (expected)
  Sense sense = Sense::at_least;
  std::string note;       // e.g. plan section
  SourceLoc where;
  bool met(double x) const { return sense == Sense::at_least ? x >= value : x <= value; }
};

// How a [model_options] value was written: true/false, an integer (3), or
// a number with a fraction or exponent (0.01).
enum class OptionKind { boolean, integer, number };

// A declared group of parameters ([sensitivity.groups]) whose sensitivity
// indices are computed together (the index of the set).
struct ParameterGroup {
  std::string name;
  // Each a parameter id ("gdp_share[yinchuan]"), the base name of a
  // per-region parameter ("gdp_share": every region) or a glob over either
  // ("platform_unit_cost_*"; * any run of characters, ? one).
  std::vector<std::string> patterns;
  SourceLoc where;
};

struct SensitivitySettings {
  // Declared groups; every uncertain parameter none of them names forms a
  // group with the other regions of its base name (or alone).
  std::vector<ParameterGroup> groups;
};

// True when `pattern` (with * and ?) matches parameter `id` or its base name
// (the id before "[region]").
bool parameter_matches(std::string_view pattern, std::string_view id);

// How a component's indicator becomes a score in [0, 100].
enum class IndexNormalisation {
  standard,  // 100 x / standard (higher is better) or 100 standard / x, capped at 100 unless cap = false
  min_max,   // 100 (x - min) / (max - min) over the regions in the same draw and year (50 if all equal)
};

struct IndexComponent {
  std::string indicator;  // an indicator id of the model
  std::string per;        // an indicator to divide by (a size: population, gdp); empty: none
  double per_scale = 1.0; // the ratio times this (1e4: per 10,000 people)
  double weight = 1.0;    // > 0; weights are divided by their sum
  IndexNormalisation normalisation = IndexNormalisation::standard;
  double standard = 0.0;  // > 0, the value that scores 100 (normalisation standard)
  bool higher_is_better = true;
  bool cap = true;        // standard scores capped at 100
  std::string source;     // where the weight and standard come from
  SourceLoc where;
};

// [index]: a composite S&T innovation index per region and year.
struct InnovationIndexSpec {
  std::string name_en = "S&T innovation index";
  std::string name_zh = "科技创新指数";
  std::string source;  // where the design of the index comes from, or "assumption: ..."
  std::vector<std::string> regions;  // the regions scored and ranked; empty: every region
  std::vector<IndexComponent> components;
  SourceLoc where;
};

enum class SamplerKind { monte_carlo, latin_hypercube, sobol };
enum class InvalidDraws { fail, drop };

struct RunSettings {
  std::size_t draws = 10000;
  std::uint64_t seed = 20160101;
  SamplerKind sampler = SamplerKind::sobol;
  InvalidDraws invalid_draws = InvalidDraws::fail;
  double on_track = 0.8;  // verdict thresholds on P(met)
  double at_risk = 0.5;
  double rtol = 1e-6;     // integrator tolerances
  double atol = 1e-9;
};

// [posterior]: the posterior file of `innosim calibrate` whose parameters
// run, sweep and the other commands draw from (random/posterior_source.hpp);
// the other parameters, and those named in `exclude`, keep their priors.
struct PosteriorUse {
  std::string given;  // the path as written
  std::string path;   // resolved against the folder of the file that names it
  SourceLoc where;    // of posterior.file
  // Calibrated parameters this scenario takes from its priors instead: a
  // parameter id ("gdp_start[yinchuan]") or a name that stands for all its
  // regions ("gdp_start"); each must name a parameter of the file.
  std::vector<std::string> exclude;
  std::vector<SourceLoc> exclude_where;  // of each name
};

struct Scenario {
  std::string name;            // the short id (file names, tables)
  std::string name_en;         // display names for reports; a file that sets `name` inherits
  std::string name_zh;         //   none of these four from the files it extends
  std::string description;     // English
  std::string description_zh;
  std::string model;  // model id, e.g. "four_plus_one"

  // The file and every file it extends, outermost first: (path, verbatim text).
  // files[0] is the file the user named; then its parents, depth first, left
  // to right, each once.
  std::vector<std::pair<std::string, std::string>> files;

  Horizon horizon;
  std::vector<Region> regions;
  std::optional<Territory> territory;
  std::vector<IndicatorNames> indicators;
  std::vector<Lever> levers;
  std::vector<Parameter> parameters;
  std::vector<Correlation> correlations;
  std::vector<Target> targets;
  RunSettings run;
  std::optional<PosteriorUse> posterior;
  // Model options: named numbers (booleans as 0/1) the model validates itself,
  // how each was written (ModelBinding::option checks it against what the
  // model expects) and where.
  std::map<std::string, double> options;
  std::map<std::string, OptionKind> option_kinds;
  std::map<std::string, SourceLoc> option_locs;
  // Model matrices by id ([model_matrices.<id>]), validated to be R x R and finite.
  std::map<std::string, ModelMatrix> matrices;
  SensitivitySettings sensitivity;            // [sensitivity]
  std::optional<InnovationIndexSpec> index;   // [index], when given
  SourceLoc where;  // the top-level file
  // Where every value given in the file(s) came from, by dotted key path as in
  // Problem::key ("horizon.start", "levers.fiscal_rd_zone.values",
  // "targets[2].year"); defaults are absent.
  std::map<std::string, SourceLoc> locs;

  // Look-ups; nullptr / nullopt when absent.
  const Lever* lever(std::string_view id) const;
  std::optional<std::size_t> parameter_index(std::string_view id) const;
  std::optional<std::size_t> parameter_index(std::string_view id, std::string_view region) const;
  std::optional<std::size_t> region_index(std::string_view id) const;
  // The aggregates reported after the regions: "zone", then the territory's id
  // when one is declared.
  std::vector<std::string> aggregate_ids() const;
  // Position on a result's region axis (the regions, then the aggregates) of a
  // region id, "zone" or the territory's id.
  std::optional<std::size_t> output_index(std::string_view id) const;
  const IndicatorNames* indicator(std::string_view id) const;

  // The fully resolved scenario as TOML-like text, each value followed by
  // "# file:line" where it came from (for `innosim validate --resolved`).
  std::string resolved_text() const;
};

// Parses `path` (following `extends`), validates everything the engine can
// check on its own, and returns the resolved scenario. Throws ScenarioError
// with every problem found.
Scenario load_scenario(const std::string& path);

// Same, from text (for tests); `name` stands for the file name in messages
// and `extends` is resolved relative to `base_dir`.
Scenario load_scenario_text(const std::string& text, const std::string& name,
                            const std::string& base_dir = ".");

// Same, from the files a run stored (Scenario::files: the file the user
// named, then its parents, each with its path as shown then): `extends` is
// resolved in the list, not on disk, so the scenario of a run is rebuilt
// from its run, shard or checkpoint file alone.
Scenario load_scenario_files(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace innosim
