// ModelBinding: a model reads its levers, parameters and options by name and
// finish() reports, all at once, what was missing, unused or wrong.

#include "innosim/model/binding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <string>

namespace innosim {

namespace {

// "x[yinchuan]" -> "x"
std::string base_id(const std::string& id) {
  const auto open = id.find('[');
  return open == std::string::npos ? id : id.substr(0, open);
}

bool contains(const std::vector<std::string>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

ModelBinding::ModelBinding(const Scenario& scenario) : s_(scenario) {}

const Lever* ModelBinding::lever(std::string_view id, std::string_view unit) {
  if (!contains(used_levers_, id)) used_levers_.emplace_back(id);
  const Lever* l = s_.lever(id);
  if (!l) {
    problems_.push_back({s_.where, fmt::format("levers.{}", id),
                         fmt::format("required by model '{}' but missing (a lever in unit '{}')", s_.model,
                                     unit)});
    return nullptr;
  }
  if (l->unit != unit) {
    const std::string key = fmt::format("levers.{}.unit", id);
    const auto it = s_.locs.find(key);
    problems_.push_back({it != s_.locs.end() ? it->second : l->where, key,
                         fmt::format("expected unit '{}' (as model '{}' reads this lever), got '{}'", unit,
                                     s_.model, l->unit)});
  }
  return l;
}

std::size_t ModelBinding::parameter(std::string_view id) {
  if (!contains(used_params_, id)) used_params_.emplace_back(id);
  if (const auto i = s_.parameter_index(id)) return *i;
  const std::string key = fmt::format("parameters.{}", id);
  if (!s_.regions.empty() && s_.parameter_index(id, s_.regions.front().id)) {
    const auto it = s_.locs.find(key);
    problems_.push_back({it != s_.locs.end() ? it->second : s_.where, key,
                         fmt::format("model '{}' expects one value for the whole zone, got a per-region "
                                     "parameter (by_region)",
                                     s_.model)});
  } else {
    problems_.push_back({s_.where, key, fmt::format("required by model '{}' but missing", s_.model)});
  }
  return std::numeric_limits<std::size_t>::max();  // never used: finish() throws
}

std::vector<std::size_t> ModelBinding::parameter_by_region(std::string_view id) {
  if (!contains(used_params_, id)) used_params_.emplace_back(id);
  const std::string key = fmt::format("parameters.{}", id);
  std::vector<std::size_t> out;
  out.reserve(s_.regions.size());
  std::vector<std::string> missing;
  for (const Region& r : s_.regions) {
    if (const auto i = s_.parameter_index(id, r.id))
      out.push_back(*i);
    else
      missing.push_back(r.id);
  }
  if (missing.empty()) return out;
  if (const auto i = s_.parameter_index(id)) {
    const Parameter& p = s_.parameters[*i];
    problems_.push_back({p.where, key,
                         fmt::format("model '{}' expects one value per region (by_region), got a single "
                                     "distribution for the whole zone",
                                     s_.model)});
  } else if (missing.size() == s_.regions.size()) {
    problems_.push_back({s_.where, key,
                         fmt::format("required by model '{}' but missing (one value per region, by_region)",
                                     s_.model)});
  } else {
    for (const std::string& r : missing)
      problems_.push_back({s_.where, fmt::format("{}.by_region.{}", key, r),
                           fmt::format("required by model '{}' but missing", s_.model)});
  }
  return std::vector<std::size_t>(s_.regions.size(), std::numeric_limits<std::size_t>::max());
}

const ModelMatrix* ModelBinding::matrix(std::string_view id) {
  if (!contains(used_matrices_, id)) used_matrices_.emplace_back(id);
  const auto it = s_.matrices.find(std::string(id));
  if (it != s_.matrices.end()) return &it->second;
  problems_.push_back({s_.where, fmt::format("model_matrices.{}", id),
                       fmt::format("required by model '{}' but missing (a [model_matrices.{}] table with one row "
                                   "per region)",
                                   s_.model, id)});
  return nullptr;
}

double ModelBinding::option(std::string_view id, double default_value, OptionKind expect) {
  if (!contains(used_options_, id)) used_options_.emplace_back(id);
  const std::string key(id);
  const auto it = s_.options.find(key);
  if (it == s_.options.end()) return default_value;
  const auto kind = s_.option_kinds.find(key);
  const OptionKind written = kind == s_.option_kinds.end() ? OptionKind::number : kind->second;
  const bool ok = expect == OptionKind::number ? written != OptionKind::boolean : written == expect;
  if (ok) return it->second;
  const auto loc = s_.option_locs.find(key);
  const char* want = expect == OptionKind::boolean   ? "a boolean (true or false)"
                     : expect == OptionKind::integer ? "an integer (written without a decimal point)"
                                                     : "a number";
  const std::string got = written == OptionKind::boolean ? (it->second != 0 ? "the boolean true" : "the boolean false")
                                                         : fmt::format("{}", it->second);
  problems_.push_back({loc != s_.option_locs.end() ? loc->second : s_.where, "model_options." + key,
                       fmt::format("expected {} (as model '{}' reads this option), got {}", want, s_.model, got)});
  return default_value;
}

void ModelBinding::indicators(const std::vector<std::string>& ids) {
  indicators_ = ids;
  for (const IndicatorNames& n : s_.indicators) {
    if (contains(ids, n.id)) continue;
    const std::string key = "indicators." + n.id;
    const auto it = s_.locs.find(key);
    problems_.push_back({it != s_.locs.end() ? it->second : s_.where, key,
                         fmt::format("unknown indicator '{}' for model '{}'{}", n.id, s_.model,
                                     did_you_mean_hint(n.id, ids))});
  }
  for (std::size_t i = 0; i < s_.targets.size(); ++i) {
    const Target& t = s_.targets[i];
    if (contains(ids, t.indicator)) continue;
    const std::string key = fmt::format("targets[{}].indicator", i);
    const auto it = s_.locs.find(key);
    problems_.push_back({it != s_.locs.end() ? it->second : t.where, key,
                         fmt::format("unknown indicator '{}' for model '{}'{}", t.indicator, s_.model,
                                     did_you_mean_hint(t.indicator, ids))});
  }
}

void ModelBinding::problem(const SourceLoc& where, std::string key, std::string message) {
  problems_.push_back({where, std::move(key), std::move(message)});
}

void ModelBinding::finish() const {
  std::vector<Problem> all = problems_;
  for (const Lever& l : s_.levers) {
    if (contains(used_levers_, l.id)) continue;
    all.push_back({l.where, "levers." + l.id,
                   fmt::format("unknown lever '{}' for model '{}'{}", l.id, s_.model,
                               did_you_mean_hint(l.id, used_levers_))});
  }
  std::set<std::string> reported;
  for (const Parameter& p : s_.parameters) {
    const std::string id = base_id(p.id);
    if (contains(used_params_, id) || !reported.insert(id).second) continue;
    const std::string key = "parameters." + id;
    const auto it = s_.locs.find(key);
    all.push_back({it != s_.locs.end() ? it->second : p.where, key,
                   fmt::format("unknown parameter '{}' for model '{}'{}", id, s_.model,
                               did_you_mean_hint(id, used_params_))});
  }
  for (const auto& [id, value] : s_.options) {
    if (contains(used_options_, id)) continue;
    const auto it = s_.option_locs.find(id);
    all.push_back({it != s_.option_locs.end() ? it->second : s_.where, "model_options." + id,
                   fmt::format("unknown model option '{}' for model '{}'{}", id, s_.model,
                               did_you_mean_hint(id, used_options_))});
  }
  for (const auto& [id, m] : s_.matrices) {
    if (contains(used_matrices_, id)) continue;
    const std::string key = "model_matrices." + id;
    const auto it = s_.locs.find(key);
    all.push_back({it != s_.locs.end() ? it->second : m.where, key,
                   fmt::format("unknown model matrix '{}' for model '{}'{}", id, s_.model,
                               did_you_mean_hint(id, used_matrices_))});
  }
  if (!all.empty()) throw ScenarioError(std::move(all));
}

}  // namespace innosim
