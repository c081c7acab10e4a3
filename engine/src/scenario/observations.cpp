// Observation files: [observations] and [[series]], read through the located
// TOML tree and TreeReader like scenario files, every problem collected.

#include "innosim/scenario/observations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <tuple>

#include "scenario/detail/tree_reader.hpp"

namespace innosim {

namespace {

using detail::got;
using detail::join;
using detail::Node;

// Units that can express a change (a growth rate), whose values may be negative.
bool may_be_negative(const std::string& unit) { return unit == "%" || unit == "rate"; }

class ObservationReader : public detail::TreeReader {
 public:
  ObservationReader(ObservationSet& set, std::vector<Problem>& problems) : TreeReader(problems), set_(set) {}

  void run(const Node& root) {
    check_keys(root, "", {"observations", "series"});
    read_header(root);
    const Node* a = root.get("series");
    if (!a) {
      missing(root, "series", "at least one [[series]] table");
      return;
    }
    if (a->t != Node::T::array || a->items.empty()) {
      add(a->loc, "series", fmt::format("expected an array of tables ([[series]]), got {}", got(*a)));
      return;
    }
    for (std::size_t k = 0; k < a->items.size(); ++k) read_series(a->items[k], k);
    set_.num_series = a->items.size();
    check_duplicates();
  }

 private:
  ObservationSet& set_;

  void read_header(const Node& root) {
    const Node* h = table_at(root, "observations", "observations");
    if (!h) {
      if (!root.get("observations")) missing(root, "observations", "an [observations] table with a name");
      return;
    }
    check_keys(*h, "observations", {"name", "description", "not_published"});
    if (auto v = string_at(*h, "name", "observations.name", "a name (a string)", true)) set_.name = *v;
    if (auto v = string_at(*h, "description", "observations.description", "a string", false))
      set_.description = *v;
    if (const Node* np = h->get("not_published")) {
      if (np->t != Node::T::array) {
        add(np->loc, "observations.not_published", fmt::format("expected an array of strings, got {}", got(*np)));
        return;
      }
      for (std::size_t i = 0; i < np->items.size(); ++i) {
        const Node& s = np->items[i];
        if (s.t != Node::T::string)
          add(s.loc, fmt::format("observations.not_published[{}]", i),
              fmt::format("expected a string, got {}", got(s)));
        else
          set_.not_published.push_back(s.s);
      }
    }
  }

  // A string that is an identifier (indicator and region ids).
  std::optional<std::string> id_at(const Node& t, std::string_view key, const std::string& path,
                                   std::string_view what) {
    auto v = string_at(t, key, path, fmt::format("{} (a string)", what), true);
    if (v && !detail::is_identifier(*v)) {
      add(t.get(key)->loc, path, fmt::format("expected {} (letters, digits, _), got \"{}\"", what, *v));
      return std::nullopt;
    }
    return v;
  }

  // An array of `n` items (n = 0: any non-empty length) at t[key]; nullptr
  // (and a problem) when it is something else.
  const Node* array_at(const Node& t, std::string_view key, const std::string& path, std::string_view expect,
                       std::size_t n) {
    const Node* a = t.get(key);
    if (!a) return nullptr;
    if (a->t != Node::T::array || a->items.empty() || (n && a->items.size() != n)) {
      add(a->loc, path,
          fmt::format("expected {}{}, got {}", expect,
                      n ? fmt::format(" ({} of them, one per year)", n) : std::string(), got(*a)));
      return nullptr;
    }
    return a;
  }

  // One number for every value, or one per value, each passing `ok`.
  std::optional<std::vector<double>> per_value_numbers(const Node& t, std::string_view key, const std::string& path,
                                                       std::string_view expect, std::size_t n,
                                                       const std::function<bool(double)>& ok) {
    const Node* x = t.get(key);
    if (x->t != Node::T::array) {
      auto v = number_value(*x, path, expect, ok);
      if (!v) return std::nullopt;
      return std::vector<double>(n, *v);
    }
    const Node* a = array_at(t, key, path, fmt::format("{}, or an array of them", expect), n);
    if (!a) return std::nullopt;
    std::vector<double> out;
    for (std::size_t i = 0; i < a->items.size(); ++i)
      if (auto v = number_value(a->items[i], fmt::format("{}[{}]", path, i), expect, ok)) out.push_back(*v);
    if (out.size() != a->items.size()) return std::nullopt;
    return out;
  }

  // Exactly one of `one` and `other`; which one, or nullopt (and a problem).
  std::optional<std::string_view> exactly_one(const Node& t, const std::string& path, std::string_view one,
                                              std::string_view other, std::string_view expect) {
    const Node* a = t.get(one);
    const Node* b = t.get(other);
    if (a && b) {
      const Node* later = a->key_loc.line > b->key_loc.line ||
                                  (a->key_loc.line == b->key_loc.line && a->key_loc.column > b->key_loc.column)
                              ? a
                              : b;
      add(later->key_loc, detail::child_path(path, later == a ? one : other),
          fmt::format("give either '{}' or '{}', not both", one, other));
      return std::nullopt;
    }
    if (!a && !b) {
      missing(t, detail::child_path(path, one), fmt::format("{} ('{}' or '{}')", expect, one, other));
      return std::nullopt;
    }
    return a ? one : other;
  }

  void read_series(const Node& t, std::size_t k) {
    const std::string path = fmt::format("series[{}]", k);
    set_.notes.emplace_back();
    if (!t.is_table()) {
      add(t.loc, path, fmt::format("expected a table (indicator, region, years, values, ...), got {}", got(t)));
      return;
    }
    check_keys(t, path,
               {"indicator", "region", "unit", "years", "values", "uncertainty", "relative_uncertainty", "source",
                "sources", "note"});
    auto indicator = id_at(t, "indicator", path + ".indicator", "an indicator id");
    auto region = id_at(t, "region", path + ".region", "a region id, \"zone\" or an aggregate such as \"ningxia\"");
    auto unit = string_at(t, "unit", path + ".unit", "the indicator's unit (a string such as \"%\", \"yuan\")", true);
    if (unit && unit->empty()) {
      add(t.get("unit")->loc, path + ".unit", "expected the indicator's unit, got an empty string");
      unit.reset();
    }
    if (auto v = string_at(t, "note", path + ".note", "a string", false)) set_.notes.back() = *v;

    // Years: integers, strictly increasing.
    std::vector<int> years;
    std::vector<SourceLoc> year_locs;
    bool years_ok = false;
    if (!t.get("years")) {
      missing(t, path + ".years", "an array of years");
    } else if (const Node* ys = array_at(t, "years", path + ".years", "a non-empty array of years", 0)) {
      years_ok = true;
      for (std::size_t i = 0; i < ys->items.size(); ++i) {
        const std::string yp = fmt::format("{}.years[{}]", path, i);
        auto y = year_value(ys->items[i], yp, "an integer year");
        if (!y) {
          years_ok = false;
          continue;
        }
        if (!years.empty() && *y <= years.back()) {
          add(ys->items[i].loc, yp,
              fmt::format("years must be strictly increasing: {} follows {}", *y, years.back()));
          years_ok = false;
        }
        years.push_back(*y);
        year_locs.push_back(ys->items[i].loc);
      }
    }
    const std::size_t n = t.get("years") && t.get("years")->t == Node::T::array ? t.get("years")->items.size() : 0;

    // Values: one per year, finite, non-negative unless the unit is a rate of change.
    std::vector<double> values;
    std::vector<SourceLoc> value_locs;
    bool values_ok = false;
    const bool negative_ok = unit && may_be_negative(*unit);
    const std::string value_expect =
        negative_ok ? fmt::format("a finite value in {}", *unit)
                    : fmt::format("a finite, non-negative value{}", unit ? " in " + *unit : std::string());
    if (!t.get("values")) {
      missing(t, path + ".values", "an array of values, one per year");
    } else if (const Node* vs = array_at(t, "values", path + ".values", "an array of values", n)) {
      values_ok = true;
      for (std::size_t i = 0; i < vs->items.size(); ++i) {
        auto v = number_value(vs->items[i], fmt::format("{}.values[{}]", path, i), value_expect,
                              [&](double x) { return negative_ok || x >= 0; });
        if (!v) {
          values_ok = false;
          continue;
        }
        values.push_back(*v);
        value_locs.push_back(vs->items[i].loc);
      }
    }
    const std::size_t nv = n ? n : 1;

    // Uncertainty: absolute (in the unit) or relative (a fraction of each value), > 0.
    std::optional<std::vector<double>> sd;
    if (auto which = exactly_one(t, path, "uncertainty", "relative_uncertainty", "a measurement uncertainty")) {
      const bool relative = *which == "relative_uncertainty";
      sd = per_value_numbers(t, *which, detail::child_path(path, *which),
                             relative ? "a positive fraction of the value (1 standard deviation)"
                                      : "a positive standard deviation in the series' unit",
                             nv, [](double x) { return x > 0; });
      if (sd && relative && values_ok && sd->size() == values.size()) {
        for (std::size_t i = 0; i < values.size(); ++i) {
          (*sd)[i] *= std::abs(values[i]);
          if (!((*sd)[i] > 0)) {
            add(value_locs[i], fmt::format("{}.values[{}]", path, i),
                "a relative uncertainty gives a zero value no uncertainty: give 'uncertainty' in the unit instead");
            sd.reset();
            break;
          }
        }
      }
    }

    // Sources: one for all values, or one per value; never empty.
    std::optional<std::vector<std::string>> sources;
    if (auto which = exactly_one(t, path, "source", "sources", "where the values come from")) {
      const std::string sp = detail::child_path(path, *which);
      const std::string expect = "the document and table the value comes from (a non-empty string)";
      if (*which == "source") {
        if (auto s = string_at(t, "source", sp, expect, true)) {
          if (s->empty())
            add(t.get("source")->loc, sp, fmt::format("expected {}, got an empty string", expect));
          else
            sources = std::vector<std::string>(nv, *s);
        }
      } else if (const Node* a = array_at(t, "sources", sp, "an array of sources, one per value", n)) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < a->items.size(); ++i) {
          const Node& s = a->items[i];
          if (s.t != Node::T::string || s.s.empty())
            add(s.loc, fmt::format("{}[{}]", sp, i),
                fmt::format("expected {}, got {}", expect, s.t == Node::T::string ? "an empty string" : got(s)));
          else
            out.push_back(s.s);
        }
        if (out.size() == a->items.size()) sources = std::move(out);
      }
    }

    if (!indicator || !region || !unit || !years_ok || !values_ok || !sd || !sources) return;
    for (std::size_t i = 0; i < n; ++i) {
      Observation o;
      o.indicator = *indicator;
      o.region = *region;
      o.unit = *unit;
      o.year = years[i];
      o.value = values[i];
      o.sd = (*sd)[i];
      o.source = (*sources)[i];
      o.series = k;
      o.index = i;
      o.key = fmt::format("{}.values[{}]", path, i);
      o.where = value_locs[i];
      o.year_at = year_locs[i];
      o.indicator_at = t.get("indicator")->loc;
      o.region_at = t.get("region")->loc;
      o.unit_at = t.get("unit")->loc;
      set_.observations.push_back(std::move(o));
    }
  }

  // The same indicator, region and year twice would count the evidence twice.
  void check_duplicates() {
    std::map<std::tuple<std::string, std::string, int>, const Observation*> seen;
    for (const Observation& o : set_.observations) {
      auto [it, fresh] = seen.emplace(std::tuple(o.indicator, o.region, o.year), &o);
      if (!fresh)
        add(o.year_at, fmt::format("series[{}].years[{}]", o.series, o.index),
            fmt::format("{} {} {} is observed twice: also at {} (series[{}]); give each value once", o.indicator,
                        o.region, o.year, it->second->where.to_string(), it->second->series));
    }
  }
};

}  // namespace

ObservationSet load_observations(const std::string& path) { return load_observations_text(detail::read_input_file(path, "observation file"), path); }

ObservationSet load_observations_text(const std::string& text, const std::string& name) {
  std::vector<Problem> problems;
  std::optional<Node> root = detail::parse_toml(text, name, problems);
  if (!root) throw ScenarioError(std::move(problems));
  ObservationSet set;
  set.file = name;
  set.text = text;
  ObservationReader(set, problems).run(*root);
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return set;
}

std::vector<ObservationMatch> match_observations(const ObservationSet& set, const ObservationScope& scope) {
  std::vector<std::string> indicator_ids;
  for (const auto& i : scope.indicators) indicator_ids.push_back(i.id);
  std::vector<ObservationMatch> out;
  for (const Observation& o : set.observations) {
    ObservationMatch m;
    auto fail = [&](ObservationFit fit, const SourceLoc& at, std::string key, std::string msg) {
      m.fit = fit;
      m.problem = Problem{at, std::move(key), std::move(msg)};
    };
    const std::string sp = fmt::format("series[{}]", o.series);
    const auto ind = std::find(indicator_ids.begin(), indicator_ids.end(), o.indicator);
    const auto reg = std::find(scope.regions.begin(), scope.regions.end(), o.region);
    const auto yr = std::find(scope.years.begin(), scope.years.end(), o.year);
    if (ind == indicator_ids.end()) {
      fail(ObservationFit::unknown_indicator, o.indicator_at, sp + ".indicator",
           fmt::format("unknown indicator '{}'{} (the model reports: {})", o.indicator,
                       did_you_mean_hint(o.indicator, indicator_ids), join(indicator_ids)));
    } else if (reg == scope.regions.end()) {
      fail(ObservationFit::unknown_region, o.region_at, sp + ".region",
           fmt::format("unknown region '{}'{} (expected one of: {})", o.region,
                       did_you_mean_hint(o.region, scope.regions), join(scope.regions)));
    } else if (const auto& si = scope.indicators[static_cast<std::size_t>(ind - indicator_ids.begin())];
               si.unit != o.unit) {
      fail(ObservationFit::unit_mismatch, o.unit_at, sp + ".unit",
           fmt::format("indicator '{}' is in '{}', the series says '{}'", o.indicator, si.unit, o.unit));
    } else if (si.stock && o.value < 0) {
      fail(ObservationFit::negative_stock, o.where, o.key,
           fmt::format("indicator '{}' cannot be negative, got {}", o.indicator, detail::fmt_num(o.value)));
    } else if (yr == scope.years.end()) {
      fail(ObservationFit::year_outside, o.year_at, fmt::format("{}.years[{}]", sp, o.index),
           fmt::format("year {} is outside {}", o.year, scope.years_what));
    } else {
      m.indicator = static_cast<std::size_t>(ind - indicator_ids.begin());
      m.region = static_cast<std::size_t>(reg - scope.regions.begin());
      m.year = static_cast<std::size_t>(yr - scope.years.begin());
    }
    out.push_back(std::move(m));
  }
  return out;
}

void require_observations_fit(const std::vector<ObservationMatch>& matches) {
  std::vector<Problem> problems;
  for (const ObservationMatch& m : matches) {
    if (!m.problem) continue;
    // A series-wide problem (indicator, region, unit) once per series, not once per value.
    const bool repeated = std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
      return p.key == m.problem->key && p.where.line == m.problem->where.line &&
             p.where.column == m.problem->where.column;
    });
    if (!repeated) problems.push_back(*m.problem);
  }
  if (!problems.empty()) throw ScenarioError(std::move(problems));
}

}  // namespace innosim
