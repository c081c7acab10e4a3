// Scenario value types: locations, problems, yearly paths, look-ups and the
// resolved-text dump. Parsing and validation live in loader.cpp.

#include "innosim/scenario/scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace innosim {

std::string SourceLoc::to_string() const {
  if (file.empty()) return "(default)";
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string Problem::to_string() const {
  if (key.empty()) return fmt::format("{}: {}", where.to_string(), message);
  return fmt::format("{}: {}: {}", where.to_string(), key, message);
}

namespace {

// The first problems, one per line, and how many more (what() stays short
// whatever the count).
std::string join_problems(const std::vector<Problem>& problems, std::size_t more) {
  constexpr std::size_t kShown = 20;
  std::string out;
  for (std::size_t i = 0; i < problems.size() && i < kShown; ++i) {
    if (!out.empty()) out += '\n';
    out += problems[i].to_string();
  }
  const std::size_t rest = problems.size() - std::min(problems.size(), kShown) + more;
  if (rest > 0) out += fmt::format("\n... and {} more", rest);
  return out;
}

}  // namespace

ScenarioError::ScenarioError(std::vector<Problem> problems, std::size_t more)
    : std::runtime_error(join_problems(problems, more)), problems_(std::move(problems)), more_(more) {}

double YearSeries::at(int year) const {
  if (years.empty() || years.size() != values.size())
    throw std::logic_error("YearSeries::at: empty or inconsistent series");
  if (year <= years.front()) return values.front();
  if (year >= years.back()) return values.back();
  // First given year strictly after `year`; the one before it is <= year.
  const auto next = std::upper_bound(years.begin(), years.end(), year);
  const auto i = static_cast<std::size_t>(next - years.begin()) - 1;
  if (rule == Interp::step || years[i] == year) return values[i];
  const double f = static_cast<double>(year - years[i]) / static_cast<double>(years[i + 1] - years[i]);
  return values[i] + f * (values[i + 1] - values[i]);
}

double Lever::at(int year, std::size_t region) const {
  if (per_region()) {
    if (region >= by_region.size())
      throw std::out_of_range(fmt::format("lever '{}': region index {} out of range ({} regions)", id,
                                          region, by_region.size()));
    return by_region[region].at(year);
  }
  if (!zone) throw std::logic_error(fmt::format("lever '{}' has no yearly path", id));
  return zone->at(year);
}

const Lever* Scenario::lever(std::string_view id) const {
  for (const Lever& l : levers)
    if (l.id == id) return &l;
  return nullptr;
}

std::optional<std::size_t> Scenario::parameter_index(std::string_view id) const {
  for (std::size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].id == id) return i;
  return std::nullopt;
}

std::optional<std::size_t> Scenario::parameter_index(std::string_view id,
                                                     std::string_view region) const {
  std::string full;
  full.reserve(id.size() + region.size() + 2);
  full.append(id).append("[").append(region).append("]");
  return parameter_index(full);
}

std::optional<std::size_t> Scenario::region_index(std::string_view id) const {
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].id == id) return i;
  return std::nullopt;
}

std::vector<std::string> Scenario::aggregate_ids() const {
  std::vector<std::string> ids{"zone"};
  if (territory) ids.push_back(territory->id);
  return ids;
}

std::optional<std::size_t> Scenario::output_index(std::string_view id) const {
  if (auto r = region_index(id)) return r;
  const auto agg = aggregate_ids();
  for (std::size_t a = 0; a < agg.size(); ++a)
    if (agg[a] == id) return regions.size() + a;
  return std::nullopt;
}

const IndicatorNames* Scenario::indicator(std::string_view id) const {
  for (const IndicatorNames& n : indicators)
    if (n.id == id) return &n;
  return nullptr;
}

// ---------------------------------------------------------------------------
// resolved_text

namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

// A TOML key: bare when it can be, quoted otherwise ("x[yinchuan]").
std::string key_text(std::string_view k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? std::string(k) : quote(k);
}

std::string num(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Shortest round-trip form, kept a TOML float ("2.0", not "2").
  std::string s = fmt::format("{}", x);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string num_array(const std::vector<double>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + num(v[i]);
  return out + "]";
}

std::string int_array(const std::vector<int>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
  return out + "]";
}

class Writer {
 public:
  explicit Writer(const Scenario& s) : s_(s) {}

  void section(const std::string& header) {
    if (!out_.empty()) out_ += '\n';
    out_ += header + '\n';
  }
  // `key = value  # origin`, the origin looked up under `path`.
  void value(const std::string& key, const std::string& text, const std::string& path) {
    out_ += key + " = " + text + "  # " + origin(path) + '\n';
  }
  std::string origin(const std::string& path) const {
    const auto it = s_.locs.find(path);
    if (it == s_.locs.end() || it->second.file.empty()) return "(default)";
    if (it->second.line <= 0) return it->second.file;
    return fmt::format("{}:{}", it->second.file, it->second.line);
  }
  std::string take() { return std::move(out_); }

 private:
  const Scenario& s_;
  std::string out_;
};

}  // namespace

std::string Scenario::resolved_text() const {
  Writer w(*this);
  w.section("[scenario]");
  w.value("name", quote(name), "scenario.name");
  if (!name_en.empty()) w.value("name_en", quote(name_en), "scenario.name_en");
  if (!name_zh.empty()) w.value("name_zh", quote(name_zh), "scenario.name_zh");
  if (!description.empty()) w.value("description", quote(description), "scenario.description");
  if (!description_zh.empty()) w.value("description_zh", quote(description_zh), "scenario.description_zh");
  w.value("model", quote(model), "scenario.model");

  w.section("[horizon]");
  w.value("start", std::to_string(horizon.start), "horizon.start");
  w.value("end", std::to_string(horizon.end), "horizon.end");
  w.value("report_years", int_array(horizon.report_years), "horizon.report_years");

  w.section("[run]");
  w.value("draws", std::to_string(run.draws), "run.draws");
  w.value("seed", std::to_string(run.seed), "run.seed");
  const char* sampler = run.sampler == SamplerKind::monte_carlo       ? "monte_carlo"
                        : run.sampler == SamplerKind::latin_hypercube ? "latin_hypercube"
                                                                      : "sobol";
  w.value("sampler", quote(sampler), "run.sampler");
  w.value("invalid_draws", quote(run.invalid_draws == InvalidDraws::fail ? "fail" : "drop"),
          "run.invalid_draws");
  w.value("rtol", num(run.rtol), "run.rtol");
  w.value("atol", num(run.atol), "run.atol");

  if (posterior) {
    w.section("[posterior]");
    w.value("file", quote(posterior->given), "posterior.file");
  }

  w.section("[verdict]");
  w.value("on_track", num(run.on_track), "verdict.on_track");
  w.value("at_risk", num(run.at_risk), "verdict.at_risk");

  for (std::size_t i = 0; i < regions.size(); ++i) {
    const Region& r = regions[i];
    const std::string p = fmt::format("regions[{}]", i);
    w.section("[[regions]]");
    w.value("id", quote(r.id), p + ".id");
    if (!r.name_en.empty()) w.value("name_en", quote(r.name_en), p + ".name_en");
    if (!r.name_zh.empty()) w.value("name_zh", quote(r.name_zh), p + ".name_zh");
    w.value("in_zone", r.in_zone ? "true" : "false", p + ".in_zone");
  }
  if (territory) {
    w.section("[territory]");
    w.value("id", quote(territory->id), "territory.id");
    if (!territory->name_en.empty()) w.value("name_en", quote(territory->name_en), "territory.name_en");
    if (!territory->name_zh.empty()) w.value("name_zh", quote(territory->name_zh), "territory.name_zh");
  }

  for (const IndicatorNames& n : indicators) {
    const std::string p = "indicators." + n.id;
    w.section("[indicators." + key_text(n.id) + "]");
    if (!n.name_en.empty()) w.value("name_en", quote(n.name_en), p + ".name_en");
    if (!n.name_zh.empty()) w.value("name_zh", quote(n.name_zh), p + ".name_zh");
    if (!n.unit.empty()) w.value("unit", quote(n.unit), p + ".unit");
  }

  for (const Lever& l : levers) {
    const std::string p = "levers." + l.id;
    w.section("[levers." + key_text(l.id) + "]");
    w.value("unit", quote(l.unit), p + ".unit");
    if (!l.name_en.empty()) w.value("name_en", quote(l.name_en), p + ".name_en");
    if (!l.name_zh.empty()) w.value("name_zh", quote(l.name_zh), p + ".name_zh");
    if (!l.source.empty()) w.value("source", quote(l.source), p + ".source");
    const Interp rule = l.zone ? l.zone->rule : (l.by_region.empty() ? Interp::step : l.by_region[0].rule);
    w.value("rule", quote(rule == Interp::step ? "step" : "linear"), p + ".rule");
    if (l.zone) {
      w.value("years", int_array(l.zone->years), p + ".years");
      w.value("values", num_array(l.zone->values), p + ".values");
    }
    for (std::size_t r = 0; r < l.by_region.size() && r < regions.size(); ++r) {
      const std::string rp = p + ".by_region." + regions[r].id;
      w.value("by_region." + key_text(regions[r].id),
              "{ years = " + int_array(l.by_region[r].years) +
                  ", values = " + num_array(l.by_region[r].values) + " }",
              rp);
    }
  }

  for (const Parameter& par : parameters) {
    // A per-region parameter "x[r]" came from parameters.x.by_region.r.
    std::string p = "parameters." + par.id;
    if (const auto open = par.id.find('['); open != std::string::npos && par.id.back() == ']')
      p = "parameters." + par.id.substr(0, open) + ".by_region." +
          par.id.substr(open + 1, par.id.size() - open - 2);
    const std::string base = p.substr(0, p.find(".by_region."));
    w.section("[parameters." + key_text(par.id) + "]");
    if (!par.name_en.empty()) w.value("name_en", quote(par.name_en), base + ".name_en");
    if (!par.name_zh.empty()) w.value("name_zh", quote(par.name_zh), base + ".name_zh");
    w.value("unit", quote(par.unit), base + ".unit");
    if (!par.source.empty()) w.value("source", quote(par.source), base + ".source");
    const DistributionKind& kind = distribution_kind(par.dist.kind);
    w.value("dist", quote(kind.name), p + ".dist");
    for (std::size_t k = 0; k < kind.keys.size(); ++k) {
      const std::string key(kind.keys[k]);
      w.value(key, num(par.dist.p[k]), p + "." + key);
    }
  }

  for (std::size_t i = 0; i < correlations.size(); ++i) {
    const Correlation& c = correlations[i];
    const std::string p = fmt::format("correlations[{}]", i);
    w.section("[[correlations]]");
    std::string names = "[";
    for (std::size_t k = 0; k < c.parameters.size(); ++k) names += (k ? ", " : "") + quote(c.parameters[k]);
    w.value("parameters", names + "]", p + ".parameters");
    std::string m = "[";
    for (std::size_t r = 0; r < c.matrix.size(); ++r) m += (r ? ", " : "") + num_array(c.matrix[r]);
    w.value("matrix", m + "]", p + ".matrix");
  }

  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Target& t = targets[i];
    const std::string p = fmt::format("targets[{}]", i);
    w.section("[[targets]]");
    w.value("indicator", quote(t.indicator), p + ".indicator");
    w.value("region", quote(t.region), p + ".region");
    w.value("year", std::to_string(t.year), p + ".year");
    w.value("value", num(t.value), p + ".value");
    w.value("kind", quote(t.binding ? "binding" : "expected"), p + ".kind");
    w.value("sense", quote(sense_name(t.sense)), p + ".sense");
    if (!t.note.empty()) w.value("note", quote(t.note), p + ".note");
  }

  if (!options.empty()) {
    w.section("[model_options]");
    for (const auto& [id, v] : options) w.value(key_text(id), num(v), "model_options." + id);
  }
  for (const auto& [id, m] : matrices) {
    const std::string p = "model_matrices." + id;
    w.section("[" + p + "]");
    if (!m.unit.empty()) w.value("unit", quote(m.unit), p + ".unit");
    if (!m.source.empty()) w.value("source", quote(m.source), p + ".source");
    for (std::size_t r = 0; r < m.rows.size() && r < regions.size(); ++r) {
      w.value(key_text(regions[r].id), num_array(m.rows[r]), p + "." + regions[r].id);
    }
  }
  if (!sensitivity.groups.empty()) {
    w.section("[sensitivity.groups]");
    for (const ParameterGroup& g : sensitivity.groups) {
      std::string names = "[";
      for (std::size_t k = 0; k < g.patterns.size(); ++k) names += (k ? ", " : "") + quote(g.patterns[k]);
      w.value(key_text(g.name), names + "]", "sensitivity.groups." + g.name);
    }
  }
  if (index) {
    w.section("[index]");
    w.value("name_en", quote(index->name_en), "index.name_en");
    w.value("name_zh", quote(index->name_zh), "index.name_zh");
    if (!index->source.empty()) w.value("source", quote(index->source), "index.source");
    if (!index->regions.empty()) {
      std::string ids = "[";
      for (std::size_t k = 0; k < index->regions.size(); ++k) ids += (k ? ", " : "") + quote(index->regions[k]);
      w.value("regions", ids + "]", "index.regions");
    }
    for (std::size_t i = 0; i < index->components.size(); ++i) {
      const IndexComponent& c = index->components[i];
      const std::string p = fmt::format("index.components[{}]", i);
      w.section("[[index.components]]");
      w.value("indicator", quote(c.indicator), p + ".indicator");
      if (!c.per.empty()) {
        w.value("per", quote(c.per), p + ".per");
        w.value("per_scale", num(c.per_scale), p + ".per_scale");
      }
      w.value("weight", num(c.weight), p + ".weight");
      const bool standard = c.normalisation == IndexNormalisation::standard;
      w.value("normalisation", quote(standard ? "standard" : "min_max"), p + ".normalisation");
      if (standard) w.value("standard", num(c.standard), p + ".standard");
      w.value("better", quote(c.higher_is_better ? "higher" : "lower"), p + ".better");
      if (standard) w.value("cap", c.cap ? "true" : "false", p + ".cap");
      if (!c.source.empty()) w.value("source", quote(c.source), p + ".source");
    }
  }
  return w.take();
}

}  // namespace innosim
