// Scenario loading: parse each file with toml++, copy it into a small tree
// that keeps every value's source location (toml++ drops locations when a
// node is copied, and merging needs copies), merge `extends` parents, then
// validate the merged tree into a Scenario, collecting every problem.

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <utility>
#include <toml++/toml.h>

#include "innosim/model/binding.hpp"  // did_you_mean
#include "innosim/scenario/scenario.hpp"

namespace innosim {

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// The located tree

struct Entry;

struct Node {
  enum class T { table, array, string, integer, floating, boolean, other };
  T t = T::table;
  SourceLoc loc;      // where the value starts
  SourceLoc key_loc;  // where its key was written (children of tables)
  std::string s;      // a string's value; for T::other, what it is ("a date")
  std::int64_t i = 0;
  double d = 0.0;
  bool b = false;
  std::vector<Entry> kids;  // table entries, sorted by key
  std::vector<Node> items;  // array elements

  bool is_table() const { return t == T::table; }
  bool is_number() const { return t == T::integer || t == T::floating; }
  double number() const { return t == T::integer ? static_cast<double>(i) : d; }
  const Node* get(std::string_view k) const;
  Node* get_mut(std::string_view k) { return const_cast<Node*>(std::as_const(*this).get(k)); }
  void erase(std::string_view k);
  Node& put(const std::string& k);
};

struct Entry {
  std::string key;
  Node value;
};

const Node* Node::get(std::string_view k) const {
  for (const Entry& e : kids)
    if (e.key == k) return &e.value;
  return nullptr;
}

void Node::erase(std::string_view k) {
  kids.erase(std::remove_if(kids.begin(), kids.end(), [&](const Entry& e) { return e.key == k; }),
             kids.end());
}

Node& Node::put(const std::string& k) {
  auto it = std::lower_bound(kids.begin(), kids.end(), k,
                             [](const Entry& e, const std::string& key) { return e.key < key; });
  if (it != kids.end() && it->key == k) return it->value;
  return kids.insert(it, Entry{k, Node{}})->value;
}

SourceLoc loc_of(const toml::source_region& r, const std::string& file) {
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

Node convert(const toml::node& n, const std::string& file) {
  Node out;
  out.loc = loc_of(n.source(), file);
  switch (n.type()) {
    case toml::node_type::table:
      out.t = Node::T::table;
      for (auto&& [k, v] : *n.as_table()) {
        Node child = convert(v, file);
        child.key_loc = loc_of(k.source(), file);
        if (child.key_loc.line <= 0) child.key_loc = child.loc;
        out.kids.push_back(Entry{std::string(k.str()), std::move(child)});
      }
      std::sort(out.kids.begin(), out.kids.end(),
                [](const Entry& a, const Entry& b) { return a.key < b.key; });
      break;
    case toml::node_type::array:
      out.t = Node::T::array;
      for (const toml::node& v : *n.as_array()) out.items.push_back(convert(v, file));
      break;
    case toml::node_type::string:
      out.t = Node::T::string;
      out.s = n.as_string()->get();
      break;
    case toml::node_type::integer:
      out.t = Node::T::integer;
      out.i = n.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      out.t = Node::T::floating;
      out.d = n.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.t = Node::T::boolean;
      out.b = n.as_boolean()->get();
      break;
    case toml::node_type::date: out.t = Node::T::other; out.s = "a date"; break;
    case toml::node_type::time: out.t = Node::T::other; out.s = "a time"; break;
    default: out.t = Node::T::other; out.s = "a date-time"; break;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Formatting what was found

// Shortest of %g and the round-trip form that gives the number back exactly.
std::string fmt_num(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  std::string g = fmt::format("{:g}", x);
  if (std::strtod(g.c_str(), nullptr) == x) return g;
  return fmt::format("{}", x);
}

std::string got(const Node& n) {
  switch (n.t) {
    case Node::T::table: return "a table";
    case Node::T::array: return fmt::format("an array of {} element{}", n.items.size(), n.items.size() == 1 ? "" : "s");
    case Node::T::string: return fmt::format("the string \"{}\"", n.s);
    case Node::T::integer: return std::to_string(n.i);
    case Node::T::floating: return fmt_num(n.d);
    case Node::T::boolean: return n.b ? "the boolean true" : "the boolean false";
    case Node::T::other: return n.s;
  }
  return "?";
}

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string child_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string maybe(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : fmt::format(" — did you mean '{}'?", best);
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

// ---------------------------------------------------------------------------
// Units

struct UnitRule {
  std::string expect;  // "a non-negative amount in yuan"
  std::function<bool(double)> ok;
  double lo = -std::numeric_limits<double>::infinity();  // support a distribution must stay in
  double hi = std::numeric_limits<double>::infinity();
};

UnitRule unit_rule(std::string_view unit, bool lever) {
  const auto any = [](double) { return true; };
  const auto nonneg = [](double x) { return x >= 0; };
  const auto unit01 = [](double x) { return x >= 0 && x <= 1; };
  if (unit == "yuan") return {"a non-negative amount in yuan", nonneg, 0.0};
  if (unit == "share") return {"a share in [0, 1]", unit01, 0.0, 1.0};
  if (unit == "probability") return {"a probability in [0, 1]", unit01, 0.0, 1.0};
  if (unit == "rate") {
    if (lever) return {"a non-negative rate per year", nonneg, 0.0};
    return {"a finite rate per year", any};
  }
  if (unit == "%") return {"a finite percentage", any};
  if (unit == "count") return {"a non-negative count", nonneg, 0.0};
  if (unit == "1") return {"a finite number", any};
  if (unit == "switch") return {"a switch value, 0 or 1", [](double x) { return x == 0 || x == 1; }, 0.0, 1.0};
  if (unit == "years") return {"a positive duration in years", [](double x) { return x > 0; }, 0.0};
  return {fmt::format("a finite number (unit '{}')", unit), any};
}

// ---------------------------------------------------------------------------
// Distributions

struct DistSpec {
  const char* name;
  Distribution::Kind kind;
  std::vector<std::string> keys;  // in Distribution::p order
};

const std::vector<DistSpec>& dist_specs() {
  static const std::vector<DistSpec> specs = {
      {"fixed", Distribution::Kind::fixed, {"value"}},
      {"uniform", Distribution::Kind::uniform, {"min", "max"}},
      {"normal", Distribution::Kind::normal, {"mean", "sd"}},
      {"truncnormal", Distribution::Kind::truncnormal, {"mean", "sd", "min", "max"}},
      {"lognormal", Distribution::Kind::lognormal, {"median", "sigma"}},
      {"triangular", Distribution::Kind::triangular, {"min", "mode", "max"}},
      {"beta", Distribution::Kind::beta, {"alpha", "beta", "min", "max"}},
      {"pert", Distribution::Kind::pert, {"min", "mode", "max"}},
  };
  return specs;
}

const std::vector<std::string>& all_dist_keys() {
  static const std::vector<std::string> keys = {"dist",   "value", "min",  "max",   "mean", "sd",
                                                "median", "sigma", "mode", "alpha", "beta"};
  return keys;
}

// ---------------------------------------------------------------------------
// Merging (`extends`)

// The parameter rule: a table that sets `dist` replaces the parent's
// distribution wholesale; for levers, a zone path replaces a per-region one
// and vice versa (both at once would be an error).
void drop_replaced(Node& base, const Node& over, const std::string& path) {
  const auto count_dots = std::count(path.begin(), path.end(), '.');
  const bool parameter = path.rfind("parameters.", 0) == 0 && count_dots == 1;
  const bool parameter_region =
      path.rfind("parameters.", 0) == 0 && count_dots == 3 && path.find(".by_region.") != std::string::npos;
  const bool lever = path.rfind("levers.", 0) == 0 && count_dots == 1;
  if (parameter || parameter_region) {
    const bool sets_dist = over.get("dist") != nullptr;
    const bool sets_regions = parameter && over.get("by_region") != nullptr;
    if (sets_dist || sets_regions)
      for (const std::string& k : all_dist_keys()) base.erase(k);
    if (parameter && sets_dist) base.erase("by_region");
  }
  if (lever) {
    if (over.get("years") || over.get("values")) base.erase("by_region");
    if (over.get("by_region")) {
      base.erase("years");
      base.erase("values");
    }
  }
}

void merge(Node& base, Node&& over, const std::string& path) {
  drop_replaced(base, over, path);
  base.loc = over.loc;
  if (over.key_loc.line > 0) base.key_loc = over.key_loc;
  for (Entry& e : over.kids) {
    Node* existing = base.get_mut(e.key);
    if (existing && existing->is_table() && e.value.is_table())
      merge(*existing, std::move(e.value), child_path(path, e.key));
    else
      base.put(e.key) = std::move(e.value);
  }
}

// ---------------------------------------------------------------------------
// Reading files and following `extends`

struct Loader {
  std::vector<Problem> problems;
  std::vector<std::pair<std::string, std::string>> files;

  void add(const SourceLoc& at, std::string key, std::string msg) {
    problems.push_back({at, std::move(key), std::move(msg)});
  }

  static std::string identity(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return (ec ? p.lexically_normal() : c).string();
  }

  // `chain` holds (display name, identity) of the files being loaded, outermost first.
  std::optional<Node> load(const std::string& text, const std::string& display, const fs::path& dir,
                           std::vector<std::pair<std::string, std::string>>& chain) {
    if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.first == display; }))
      files.emplace_back(display, text);
    Node root;
    try {
      toml::table t = toml::parse(text, display);
      root = convert(t, display);
    } catch (const toml::parse_error& e) {
      add(loc_of(e.source(), display), "", fmt::format("TOML syntax error: {}", e.description()));
      return std::nullopt;
    }
    root.loc = {display, 0, 0};

    // This file's parents, before its own values go on top.
    std::vector<std::pair<const Node*, std::string>> parents;
    if (const Node* sc = root.get("scenario"); sc && sc->is_table()) {
      if (const Node* ex = sc->get("extends")) {
        if (ex->t == Node::T::string) {
          parents.emplace_back(ex, ex->s);
        } else if (ex->t == Node::T::array) {
          for (std::size_t k = 0; k < ex->items.size(); ++k) {
            const Node& item = ex->items[k];
            if (item.t == Node::T::string)
              parents.emplace_back(&item, item.s);
            else
              add(item.loc, fmt::format("scenario.extends[{}]", k),
                  fmt::format("expected a file name (a string), got {}", got(item)));
          }
        } else {
          add(ex->loc, "scenario.extends",
              fmt::format("expected a file name or an array of file names, got {}", got(*ex)));
        }
      }
    }

    Node merged;
    merged.loc = root.loc;
    bool ok = true;
    for (const auto& [node, rel] : parents) {
      const fs::path file = (dir / rel).lexically_normal();
      const std::string shown = file.string();
      const std::string id = identity(file);
      std::vector<std::string> names;
      for (const auto& c : chain) names.push_back(c.first);
      const auto cycle = std::find_if(chain.begin(), chain.end(), [&](const auto& c) { return c.second == id; });
      if (cycle != chain.end()) {
        names.push_back(shown);
        add(node->loc, "scenario.extends", fmt::format("extends cycle: {}", join(names, " -> ")));
        ok = false;
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        names.push_back(shown);
        add(node->loc, "scenario.extends",
            fmt::format("cannot read parent file '{}' (no such file or not readable); chain: {}", shown,
                        join(names, " -> ")));
        ok = false;
        continue;
      }
      std::ostringstream buf;
      buf << in.rdbuf();
      chain.emplace_back(shown, id);
      std::optional<Node> parent = load(buf.str(), shown, file.parent_path().empty() ? fs::path(".") : file.parent_path(), chain);
      chain.pop_back();
      if (!parent) {
        ok = false;
        continue;
      }
      merge(merged, std::move(*parent), "");
    }
    if (!ok) return std::nullopt;
    if (Node* sc = root.get_mut("scenario"); sc && sc->is_table()) sc->erase("extends");
    merge(merged, std::move(root), "");
    merged.loc = {display, 0, 0};
    return merged;
  }
};

// ---------------------------------------------------------------------------
// Validation of the merged tree

class Validator {
 public:
  Validator(Scenario& s, std::vector<Problem>& problems) : s_(s), problems_(problems) {}

  void run(const Node& root);

 private:
  Scenario& s_;
  std::vector<Problem>& problems_;
  bool horizon_ok_ = false;
  bool regions_ok_ = true;

  void add(const SourceLoc& at, std::string key, std::string msg) {
    problems_.push_back({at, std::move(key), std::move(msg)});
  }
  // A lever or parameter without a unit whose id is a near miss of one that
  // has a unit: almost always a what-if overriding an inherited entry under a
  // misspelt id. Says so, with "did you mean", instead of "unit missing".
  bool unknown_override(const Node& section, const Entry& e, std::string_view what) {
    if (e.value.get("unit")) return false;
    std::vector<std::string> defined;
    for (const Entry& k : section.kids)
      if (k.value.is_table() && k.value.get("unit")) defined.push_back(k.key);
    const std::string best = did_you_mean(e.key, defined);
    if (best.empty()) return false;
    add(e.value.loc, std::string(what == "lever" ? "levers." : "parameters.") + e.key,
        fmt::format("no {} '{}' is defined here or in the files this one extends (a new {} needs a unit) "
                    "— did you mean '{}'?",
                    what, e.key, what, best));
    return true;
  }

  void missing(const Node& table, const std::string& key, std::string_view expect) {
    add(table.loc, key, fmt::format("required but missing: expected {}", expect));
  }

  // Records where every value came from, for Scenario::locs.
  void record(const Node& n, const std::string& path) {
    if (!path.empty()) s_.locs[path] = n.loc;
    if (n.t == Node::T::table)
      for (const Entry& e : n.kids) record(e.value, child_path(path, e.key));
    if (n.t == Node::T::array)
      for (std::size_t k = 0; k < n.items.size(); ++k)
        if (n.items[k].is_table()) record(n.items[k], fmt::format("{}[{}]", path, k));
  }

  void check_keys(const Node& table, const std::string& path, const std::vector<std::string>& allowed) {
    for (const Entry& e : table.kids) {
      if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
      const bool section = path.empty() && (e.value.is_table() || e.value.t == Node::T::array);
      const std::string what = section ? "section" : "key";
      add(e.value.key_loc, child_path(path, e.key),
          fmt::format("unknown {} '{}'{}{}", what, e.key, maybe(e.key, allowed),
                      path.empty() ? "" : fmt::format(" (expected one of: {})", join(allowed))));
    }
  }

  const Node* table_at(const Node& parent, std::string_view key, const std::string& path) {
    const Node* n = parent.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) {
      add(n->loc, path, fmt::format("expected a table, got {}", got(*n)));
      return nullptr;
    }
    return n;
  }

  std::optional<std::string> string_at(const Node& table, std::string_view key, const std::string& path,
                                       std::string_view expect, bool required) {
    const Node* n = table.get(key);
    if (!n) {
      if (required) missing(table, path, expect);
      return std::nullopt;
    }
    if (n->t != Node::T::string) {
      add(n->loc, path, fmt::format("expected {}, got {}", expect, got(*n)));
      return std::nullopt;
    }
    return n->s;
  }

  std::optional<std::string> choice_at(const Node& table, std::string_view key, const std::string& path,
                                       const std::vector<std::string>& choices, bool required) {
    std::vector<std::string> quoted;
    for (const std::string& c : choices) quoted.push_back('"' + c + '"');
    const std::string expect = "one of " + join(quoted);
    auto v = string_at(table, key, path, expect, required);
    if (!v) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *v) == choices.end()) {
      add(table.get(key)->loc, path, fmt::format("expected {}, got \"{}\"{}", expect, *v, maybe(*v, choices)));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::int64_t> int_value(const Node& n, const std::string& path, std::string_view expect) {
    if (n.t != Node::T::integer) {
      add(n.loc, path, fmt::format("expected {}, got {}", expect, got(n)));
      return std::nullopt;
    }
    return n.i;
  }

  std::optional<std::int64_t> int_at(const Node& table, std::string_view key, const std::string& path,
                                     std::string_view expect, bool required) {
    const Node* n = table.get(key);
    if (!n) {
      if (required) missing(table, path, expect);
      return std::nullopt;
    }
    return int_value(*n, path, expect);
  }

  std::optional<int> year_value(const Node& n, const std::string& path, std::string_view expect) {
    auto v = int_value(n, path, expect);
    if (!v) return std::nullopt;
    if (*v < 0 || *v > 100000) {
      add(n.loc, path, fmt::format("expected {}, got {}", expect, *v));
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }

  // A number (integer or float) that is finite and passes `ok`.
  std::optional<double> number_value(const Node& n, const std::string& path, std::string_view expect,
                                     const std::function<bool(double)>& ok = {}) {
    if (!n.is_number()) {
      add(n.loc, path, fmt::format("expected {}, got {}", expect, got(n)));
      return std::nullopt;
    }
    const double x = n.number();
    if (!std::isfinite(x) || (ok && !ok(x))) {
      add(n.loc, path, fmt::format("expected {}, got {}", expect, fmt_num(x)));
      return std::nullopt;
    }
    return x;
  }

  std::optional<double> number_at(const Node& table, std::string_view key, const std::string& path,
                                  std::string_view expect, bool required,
                                  const std::function<bool(double)>& ok = {}) {
    const Node* n = table.get(key);
    if (!n) {
      if (required) missing(table, path, expect);
      return std::nullopt;
    }
    return number_value(*n, path, expect, ok);
  }

  std::vector<std::string> region_ids() const {
    std::vector<std::string> ids;
    for (const Region& r : s_.regions) ids.push_back(r.id);
    return ids;
  }

  // A by_region table: every key a region, every region present.
  bool check_by_region(const Node& br, const std::string& path) {
    bool ok = true;
    const auto ids = region_ids();
    if (s_.regions.empty()) {
      add(br.loc, path, "expected a table over the regions, but the scenario has no [[regions]]");
      return false;
    }
    for (const Entry& e : br.kids) {
      if (std::find(ids.begin(), ids.end(), e.key) == ids.end()) {
        add(e.value.key_loc, child_path(path, e.key),
            fmt::format("unknown region '{}'{} (regions: {})", e.key, maybe(e.key, ids), join(ids)));
        ok = false;
      }
    }
    for (const std::string& id : ids) {
      if (!br.get(id)) {
        add(br.loc, child_path(path, id),
            fmt::format("required but missing: by_region must give every region, and '{}' is not given", id));
        ok = false;
      }
    }
    return ok;
  }

  void read_scenario(const Node& root);
  void read_horizon(const Node& root);
  void read_run(const Node& root);
  void read_verdict(const Node& root);
  void read_regions(const Node& root);
  void read_indicators(const Node& root);
  void read_levers(const Node& root);
  std::optional<YearSeries> read_series(const Node& t, const std::string& path, const std::string& unit,
                                        Interp rule);
  void read_parameters(const Node& root);
  std::optional<Distribution> read_dist(const Node& t, const std::string& path, const std::string& unit,
                                        const std::vector<std::string>& extra_keys);
  void read_correlations(const Node& root);
  void read_targets(const Node& root);
  void read_options(const Node& root);
  void read_matrices(const Node& root);
};

void Validator::run(const Node& root) {
  record(root, "");
  check_keys(root, "",
             {"scenario", "horizon", "run", "verdict", "regions", "indicators", "levers", "parameters",
              "correlations", "targets", "model_options", "model_matrices"});
  read_scenario(root);
  read_horizon(root);
  read_run(root);
  read_verdict(root);
  read_regions(root);
  read_indicators(root);
  read_levers(root);
  read_parameters(root);
  read_correlations(root);
  read_targets(root);
  read_options(root);
  read_matrices(root);
}

void Validator::read_scenario(const Node& root) {
  const Node* t = table_at(root, "scenario", "scenario");
  if (!t) {
    if (!root.get("scenario")) missing(root, "scenario", "a [scenario] table with name and model");
    return;
  }
  check_keys(*t, "scenario", {"name", "description", "model", "extends"});
  if (auto v = string_at(*t, "name", "scenario.name", "a string (the scenario's short id)", true)) {
    if (v->empty())
      add(t->get("name")->loc, "scenario.name", "expected a non-empty string (the scenario's short id), got \"\"");
    s_.name = *v;
  }
  if (auto v = string_at(*t, "description", "scenario.description", "a string", false)) s_.description = *v;
  if (auto v = string_at(*t, "model", "scenario.model", "a model id (a string, e.g. \"four_plus_one\")", true)) {
    if (v->empty())
      add(t->get("model")->loc, "scenario.model", "expected a model id (a non-empty string), got \"\"");
    s_.model = *v;
  }
}

void Validator::read_horizon(const Node& root) {
  const Node* t = table_at(root, "horizon", "horizon");
  if (!t) {
    if (!root.get("horizon")) missing(root, "horizon", "a [horizon] table with start and end years");
    return;
  }
  check_keys(*t, "horizon", {"start", "end", "report_years"});
  std::optional<int> start, end;
  if (const Node* n = t->get("start"))
    start = year_value(*n, "horizon.start", "an integer year");
  else
    missing(*t, "horizon.start", "an integer year (the year of the initial state)");
  if (const Node* n = t->get("end"))
    end = year_value(*n, "horizon.end", "an integer year");
  else
    missing(*t, "horizon.end", "an integer year (the last simulated year)");
  if (start && end && *end <= *start) {
    add(t->get("end")->loc, "horizon.end",
        fmt::format("expected a year after horizon.start ({}), got {}", *start, *end));
    end.reset();
  }
  if (!start || !end) return;
  s_.horizon.start = *start;
  s_.horizon.end = *end;
  horizon_ok_ = true;

  s_.horizon.report_years.clear();
  const Node* ry = t->get("report_years");
  if (!ry) {
    for (int y = *start; y <= *end; ++y) s_.horizon.report_years.push_back(y);
    return;
  }
  if (ry->t != Node::T::array || ry->items.empty()) {
    add(ry->loc, "horizon.report_years", fmt::format("expected a non-empty array of years, got {}", got(*ry)));
    return;
  }
  const std::string expect = fmt::format("a year in [{}, {}] (the horizon)", *start, *end);
  std::optional<int> prev;
  for (std::size_t k = 0; k < ry->items.size(); ++k) {
    const std::string path = fmt::format("horizon.report_years[{}]", k);
    auto y = year_value(ry->items[k], path, expect);
    if (!y) continue;
    if (*y < *start || *y > *end) {
      add(ry->items[k].loc, path, fmt::format("expected {}, got {}", expect, *y));
      continue;
    }
    if (prev && *y <= *prev) {
      add(ry->items[k].loc, path,
          fmt::format("expected years in strictly increasing order, got {} after {}", *y, *prev));
      continue;
    }
    prev = y;
    s_.horizon.report_years.push_back(*y);
  }
}

void Validator::read_run(const Node& root) {
  const Node* t = table_at(root, "run", "run");
  if (!t) return;
  check_keys(*t, "run", {"draws", "seed", "sampler", "invalid_draws", "rtol", "atol"});
  if (const Node* n = t->get("draws")) {
    if (auto v = int_value(*n, "run.draws", "an integer number of draws >= 1")) {
      if (*v < 1)
        add(n->loc, "run.draws", fmt::format("expected an integer number of draws >= 1, got {}", *v));
      else
        s_.run.draws = static_cast<std::size_t>(*v);
    }
  }
  if (const Node* n = t->get("seed")) {
    if (auto v = int_value(*n, "run.seed", "an integer seed >= 0")) {
      if (*v < 0)
        add(n->loc, "run.seed", fmt::format("expected an integer seed >= 0, got {}", *v));
      else
        s_.run.seed = static_cast<std::uint64_t>(*v);
    }
  }
  if (auto v = choice_at(*t, "sampler", "run.sampler", {"monte_carlo", "latin_hypercube", "sobol"}, false))
    s_.run.sampler = *v == "monte_carlo"       ? SamplerKind::monte_carlo
                     : *v == "latin_hypercube" ? SamplerKind::latin_hypercube
                                               : SamplerKind::sobol;
  if (auto v = choice_at(*t, "invalid_draws", "run.invalid_draws", {"fail", "drop"}, false))
    s_.run.invalid_draws = *v == "fail" ? InvalidDraws::fail : InvalidDraws::drop;
  const auto positive = [](double x) { return x > 0; };
  if (auto v = number_at(*t, "rtol", "run.rtol", "a positive tolerance", false, positive)) s_.run.rtol = *v;
  if (auto v = number_at(*t, "atol", "run.atol", "a positive tolerance", false, positive)) s_.run.atol = *v;
}

void Validator::read_verdict(const Node& root) {
  const Node* t = table_at(root, "verdict", "verdict");
  if (!t) return;
  check_keys(*t, "verdict", {"on_track", "at_risk"});
  const auto unit01 = [](double x) { return x >= 0 && x <= 1; };
  auto on = number_at(*t, "on_track", "verdict.on_track", "a probability in [0, 1]", false, unit01);
  auto risk = number_at(*t, "at_risk", "verdict.at_risk", "a probability in [0, 1]", false, unit01);
  if (on) s_.run.on_track = *on;
  if (risk) s_.run.at_risk = *risk;
  if ((on || !t->get("on_track")) && (risk || !t->get("at_risk")) && s_.run.at_risk > s_.run.on_track) {
    const Node* at = t->get("at_risk") ? t->get("at_risk") : t->get("on_track");
    add(at->loc, "verdict.at_risk",
        fmt::format("expected at_risk <= on_track ({}), got {}", fmt_num(s_.run.on_track),
                    fmt_num(s_.run.at_risk)));
  }
}

void Validator::read_regions(const Node& root) {
  const Node* a = root.get("regions");
  if (!a) return;
  if (a->t != Node::T::array) {
    add(a->loc, "regions", fmt::format("expected an array of tables ([[regions]]), got {}", got(*a)));
    regions_ok_ = false;
    return;
  }
  std::map<std::string, SourceLoc> seen;
  for (std::size_t k = 0; k < a->items.size(); ++k) {
    const Node& r = a->items[k];
    const std::string path = fmt::format("regions[{}]", k);
    if (!r.is_table()) {
      add(r.loc, path, fmt::format("expected a table with id, name_en, name_zh, got {}", got(r)));
      regions_ok_ = false;
      continue;
    }
    check_keys(r, path, {"id", "name_en", "name_zh"});
    Region region;
    auto id = string_at(r, "id", path + ".id", "a region id (letters, digits, _)", true);
    if (!id) {
      regions_ok_ = false;
      continue;
    }
    const SourceLoc& at = r.get("id")->loc;
    if (!is_identifier(*id)) {
      add(at, path + ".id", fmt::format("expected a region id (letters, digits, _), got \"{}\"", *id));
      regions_ok_ = false;
      continue;
    }
    if (*id == "zone") {
      add(at, path + ".id", "expected a region id other than \"zone\" (reserved for the sum over regions), got \"zone\"");
      regions_ok_ = false;
      continue;
    }
    if (auto it = seen.find(*id); it != seen.end()) {
      add(at, path + ".id", fmt::format("duplicate region id \"{}\" (first given at {})", *id, it->second.to_string()));
      regions_ok_ = false;
      continue;
    }
    seen.emplace(*id, at);
    region.id = *id;
    if (auto v = string_at(r, "name_en", path + ".name_en", "a string", false)) region.name_en = *v;
    if (auto v = string_at(r, "name_zh", path + ".name_zh", "a string", false)) region.name_zh = *v;
    s_.regions.push_back(std::move(region));
  }
}

void Validator::read_indicators(const Node& root) {
  const Node* t = table_at(root, "indicators", "indicators");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "indicators." + e.key;
    if (!is_identifier(e.key))
      add(e.value.key_loc, path, fmt::format("expected an indicator id (letters, digits, _), got \"{}\"", e.key));
    if (!e.value.is_table()) {
      add(e.value.loc, path, fmt::format("expected a table with name_en, name_zh, unit, got {}", got(e.value)));
      continue;
    }
    check_keys(e.value, path, {"name_en", "name_zh", "unit"});
    IndicatorNames n;
    n.id = e.key;
    if (auto v = string_at(e.value, "name_en", path + ".name_en", "a string", false)) n.name_en = *v;
    if (auto v = string_at(e.value, "name_zh", path + ".name_zh", "a string", false)) n.name_zh = *v;
    if (auto v = string_at(e.value, "unit", path + ".unit", "a unit (a string)", false)) n.unit = *v;
    s_.indicators.push_back(std::move(n));
  }
}

std::optional<YearSeries> Validator::read_series(const Node& t, const std::string& path, const std::string& unit,
                                                 Interp rule) {
  const Node* years = t.get("years");
  const Node* values = t.get("values");
  if (!years) missing(t, path + ".years", "an array of years");
  if (!values) missing(t, path + ".values", "an array of numbers, one per year");
  if (!years || !values) return std::nullopt;
  bool ok = true;
  if (years->t != Node::T::array || years->items.empty()) {
    add(years->loc, path + ".years", fmt::format("expected a non-empty array of years, got {}", got(*years)));
    ok = false;
  }
  if (values->t != Node::T::array || values->items.empty()) {
    add(values->loc, path + ".values", fmt::format("expected a non-empty array of numbers, got {}", got(*values)));
    ok = false;
  }
  if (!ok) return std::nullopt;
  YearSeries series;
  series.rule = rule;
  const std::string expect = horizon_ok_
                                 ? fmt::format("a year in [{}, {}] (the horizon)", s_.horizon.start, s_.horizon.end)
                                 : std::string("an integer year");
  std::optional<int> prev;
  for (std::size_t k = 0; k < years->items.size(); ++k) {
    const std::string p = fmt::format("{}.years[{}]", path, k);
    auto y = year_value(years->items[k], p, expect);
    if (!y) {
      ok = false;
      continue;
    }
    if (horizon_ok_ && (*y < s_.horizon.start || *y > s_.horizon.end)) {
      add(years->items[k].loc, p, fmt::format("expected {}, got {}", expect, *y));
      ok = false;
    } else if (prev && *y <= *prev) {
      add(years->items[k].loc, p,
          fmt::format("expected years in strictly increasing order, got {} after {}", *y, *prev));
      ok = false;
    }
    prev = y;
    series.years.push_back(*y);
  }
  const UnitRule u = unit_rule(unit, true);
  for (std::size_t k = 0; k < values->items.size(); ++k) {
    auto v = number_value(values->items[k], fmt::format("{}.values[{}]", path, k), u.expect, u.ok);
    if (!v) {
      ok = false;
      continue;
    }
    series.values.push_back(*v);
  }
  if (years->items.size() != values->items.size()) {
    add(values->loc, path + ".values",
        fmt::format("expected {} values (one per year in {}.years), got {}", years->items.size(), path,
                    values->items.size()));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return series;
}

void Validator::read_levers(const Node& root) {
  const Node* t = table_at(root, "levers", "levers");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "levers." + e.key;
    if (!is_identifier(e.key))
      add(e.value.key_loc, path, fmt::format("expected a lever id (letters, digits, _), got \"{}\"", e.key));
    if (!e.value.is_table()) {
      add(e.value.loc, path, fmt::format("expected a table (unit, years, values, ...), got {}", got(e.value)));
      continue;
    }
    const Node& l = e.value;
    if (unknown_override(*t, e, "lever")) continue;
    check_keys(l, path, {"unit", "name_en", "name_zh", "source", "rule", "years", "values", "by_region"});
    Lever lever;
    lever.id = e.key;
    lever.where = l.loc;
    auto unit = string_at(l, "unit", path + ".unit", "a unit (a string such as \"yuan\", \"share\", \"count\")", true);
    if (unit) lever.unit = *unit;
    if (auto v = string_at(l, "name_en", path + ".name_en", "a string", false)) lever.name_en = *v;
    if (auto v = string_at(l, "name_zh", path + ".name_zh", "a string", false)) lever.name_zh = *v;
    if (auto v = string_at(l, "source", path + ".source", "a string", false)) lever.source = *v;
    Interp rule = Interp::step;
    if (auto v = choice_at(l, "rule", path + ".rule", {"step", "linear"}, false))
      rule = *v == "linear" ? Interp::linear : Interp::step;
    const Node* br = l.get("by_region");
    if (br && (l.get("years") || l.get("values"))) {
      add(br->key_loc, path + ".by_region",
          "expected either years/values (one path for the zone) or by_region (one path per region), got both");
      continue;
    }
    if (!unit) continue;
    if (!br) {
      if (!l.get("years") && !l.get("values")) {
        missing(l, path + ".values", "years and values (or by_region with one path per region)");
        continue;
      }
      if (auto s = read_series(l, path, lever.unit, rule)) {
        lever.zone = std::move(*s);
        s_.levers.push_back(std::move(lever));
      }
      continue;
    }
    if (!br->is_table()) {
      add(br->loc, path + ".by_region", fmt::format("expected a table over the regions, got {}", got(*br)));
      continue;
    }
    if (!regions_ok_ || !check_by_region(*br, path + ".by_region")) continue;
    bool ok = true;
    for (const Region& r : s_.regions) {
      const Node& rt = *br->get(r.id);
      const std::string rp = path + ".by_region." + r.id;
      if (!rt.is_table()) {
        add(rt.loc, rp, fmt::format("expected a table {{ years = [...], values = [...] }}, got {}", got(rt)));
        ok = false;
        continue;
      }
      check_keys(rt, rp, {"years", "values"});
      auto s = read_series(rt, rp, lever.unit, rule);
      if (!s) {
        ok = false;
        continue;
      }
      lever.by_region.push_back(std::move(*s));
    }
    if (ok) s_.levers.push_back(std::move(lever));
  }
}

std::optional<Distribution> Validator::read_dist(const Node& t, const std::string& path, const std::string& unit,
                                                 const std::vector<std::string>& extra_keys) {
  std::vector<std::string> names;
  for (const DistSpec& d : dist_specs()) names.push_back(d.name);
  auto kind_name = choice_at(t, "dist", path + ".dist", names, true);
  if (!kind_name) {
    // Still flag keys that belong to no distribution at all.
    std::vector<std::string> allowed = extra_keys;
    allowed.insert(allowed.end(), all_dist_keys().begin(), all_dist_keys().end());
    check_keys(t, path, allowed);
    return std::nullopt;
  }
  const DistSpec& spec = *std::find_if(dist_specs().begin(), dist_specs().end(),
                                       [&](const DistSpec& d) { return d.name == *kind_name; });
  // Keys: the extras, `dist`, this kind's keys; another kind's key gets its own message.
  std::vector<std::string> allowed = extra_keys;
  allowed.push_back("dist");
  allowed.insert(allowed.end(), spec.keys.begin(), spec.keys.end());
  for (const Entry& e : t.kids) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    const bool other_dist_key = std::find(all_dist_keys().begin(), all_dist_keys().end(), e.key) != all_dist_keys().end();
    if (other_dist_key)
      add(e.value.key_loc, child_path(path, e.key),
          fmt::format("key '{}' does not belong to a {} distribution (it takes: {})", e.key, spec.name,
                      join(spec.keys)));
    else
      add(e.value.key_loc, child_path(path, e.key),
          fmt::format("unknown key '{}'{} (expected one of: {})", e.key, maybe(e.key, allowed), join(allowed)));
  }

  Distribution dist;
  dist.kind = spec.kind;
  bool ok = true;
  std::vector<const Node*> nodes(spec.keys.size(), nullptr);
  for (std::size_t k = 0; k < spec.keys.size(); ++k) {
    const std::string& key = spec.keys[k];
    const bool optional = spec.kind == Distribution::Kind::beta && (key == "min" || key == "max");
    nodes[k] = t.get(key);
    if (!nodes[k]) {
      if (optional) {
        dist.p[k] = key == "min" ? 0.0 : 1.0;
        continue;
      }
      add(t.loc, child_path(path, key),
          fmt::format("required by a {} distribution but missing: expected a number", spec.name));
      ok = false;
      continue;
    }
    auto v = number_value(*nodes[k], child_path(path, key), "a finite number");
    if (!v) {
      ok = false;
      continue;
    }
    dist.p[k] = *v;
  }
  if (!ok) return std::nullopt;

  const auto index = [&](std::string_view key) {
    return static_cast<std::size_t>(std::find(spec.keys.begin(), spec.keys.end(), key) - spec.keys.begin());
  };
  const auto at = [&](std::string_view key) -> SourceLoc {
    const Node* n = nodes[index(key)];
    return n ? n->loc : t.loc;
  };
  const auto positive = [&](std::string_view key, std::string_view what) {
    const double x = dist.p[index(key)];
    if (x > 0) return;
    add(at(key), child_path(path, key), fmt::format("expected {} > 0, got {}", what, fmt_num(x)));
    ok = false;
  };
  const auto has = [&](std::string_view key) {
    return std::find(spec.keys.begin(), spec.keys.end(), key) != spec.keys.end();
  };
  if (has("sd")) positive("sd", "a standard deviation");
  if (has("sigma")) positive("sigma", "a sigma (of ln x)");
  if (has("median")) positive("median", "a median");
  if (has("alpha")) positive("alpha", "a shape alpha");
  if (has("beta")) positive("beta", "a shape beta");
  if (has("min") && has("max")) {
    const double lo = dist.p[index("min")], hi = dist.p[index("max")];
    if (!(lo < hi)) {
      add(at("max"), child_path(path, "max"),
          fmt::format("expected max greater than min ({}), got {}", fmt_num(lo), fmt_num(hi)));
      ok = false;
    } else if (has("mode")) {
      const double m = dist.p[index("mode")];
      if (m < lo || m > hi) {
        add(at("mode"), child_path(path, "mode"),
            fmt::format("expected mode within [min, max] = [{}, {}], got {}", fmt_num(lo), fmt_num(hi), fmt_num(m)));
        ok = false;
      }
    }
  }
  if (!ok) return std::nullopt;

  // The unit's range must hold for every value the distribution can take.
  const UnitRule u = unit_rule(unit, false);
  double lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
  switch (spec.kind) {
    case Distribution::Kind::fixed: lo = hi = dist.p[0]; break;
    case Distribution::Kind::normal: break;
    case Distribution::Kind::lognormal: lo = 0.0; break;
    default: lo = dist.p[index("min")]; hi = dist.p[index("max")]; break;
  }
  if (spec.kind == Distribution::Kind::fixed) {
    if (!u.ok(lo)) {
      add(at("value"), child_path(path, "value"), fmt::format("expected {}, got {}", u.expect, fmt_num(lo)));
      return std::nullopt;
    }
  } else if (lo < u.lo || hi > u.hi) {
    const Node* d = t.get("dist");
    add(d->loc, path,
        fmt::format("expected a distribution within [{}, {}] for unit '{}' ({}), got a {} distribution over [{}, {}]",
                    fmt_num(u.lo), fmt_num(u.hi), unit, u.expect, spec.name, fmt_num(lo), fmt_num(hi)));
    return std::nullopt;
  }
  return dist;
}

void Validator::read_parameters(const Node& root) {
  const Node* t = table_at(root, "parameters", "parameters");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "parameters." + e.key;
    if (!is_identifier(e.key)) {
      add(e.value.key_loc, path, fmt::format("expected a parameter id (letters, digits, _), got \"{}\"", e.key));
      continue;
    }
    if (!e.value.is_table()) {
      add(e.value.loc, path, fmt::format("expected a table (unit, dist, ...), got {}", got(e.value)));
      continue;
    }
    const Node& p = e.value;
    if (unknown_override(*t, e, "parameter")) continue;
    auto unit = string_at(p, "unit", path + ".unit", "a unit (a string such as \"1\", \"rate\", \"yuan\")", true);
    std::string source;
    if (auto v = string_at(p, "source", path + ".source", "a string", false)) source = *v;
    const Node* br = p.get("by_region");
    if (!br) {
      auto dist = read_dist(p, path, unit.value_or("1"), {"unit", "source", "by_region"});
      if (dist && unit) s_.parameters.push_back({e.key, *unit, source, *dist, p.loc});
      continue;
    }
    std::vector<std::string> stray;
    for (const Entry& k : p.kids)
      if (k.key != "unit" && k.key != "source" && k.key != "by_region") stray.push_back(k.key);
    if (!stray.empty()) {
      const Node* first = p.get(stray.front());
      add(first->key_loc, path + "." + stray.front(),
          fmt::format("expected either a distribution (dist, ...) or by_region (one per region), got both "
                      "(keys besides unit/source/by_region: {})",
                      join(stray)));
      continue;
    }
    if (!br->is_table()) {
      add(br->loc, path + ".by_region", fmt::format("expected a table over the regions, got {}", got(*br)));
      continue;
    }
    if (!regions_ok_ || !check_by_region(*br, path + ".by_region")) continue;
    std::vector<Parameter> per_region;
    for (const Region& r : s_.regions) {
      const Node& rt = *br->get(r.id);
      const std::string rp = path + ".by_region." + r.id;
      if (!rt.is_table()) {
        add(rt.loc, rp, fmt::format("expected a table {{ dist = ..., ... }}, got {}", got(rt)));
        continue;
      }
      auto dist = read_dist(rt, rp, unit.value_or("1"), {});
      if (dist && unit) per_region.push_back({e.key + "[" + r.id + "]", *unit, source, *dist, rt.loc});
    }
    if (per_region.size() == s_.regions.size())
      for (Parameter& q : per_region) s_.parameters.push_back(std::move(q));
  }
}

void Validator::read_correlations(const Node& root) {
  const Node* a = root.get("correlations");
  if (!a) return;
  if (a->t != Node::T::array) {
    add(a->loc, "correlations", fmt::format("expected an array of tables ([[correlations]]), got {}", got(*a)));
    return;
  }
  std::vector<std::string> ids;
  for (const Parameter& p : s_.parameters) ids.push_back(p.id);
  std::map<std::string, std::size_t> taken;  // parameter -> block
  for (std::size_t k = 0; k < a->items.size(); ++k) {
    const Node& c = a->items[k];
    const std::string path = fmt::format("correlations[{}]", k);
    if (!c.is_table()) {
      add(c.loc, path, fmt::format("expected a table with parameters and matrix, got {}", got(c)));
      continue;
    }
    check_keys(c, path, {"parameters", "matrix"});
    const Node* ps = c.get("parameters");
    const Node* m = c.get("matrix");
    if (!ps) missing(c, path + ".parameters", "an array of parameter ids");
    if (!m) missing(c, path + ".matrix", "a square matrix (an array of rows)");
    if (!ps || !m) continue;
    if (ps->t != Node::T::array || ps->items.size() < 2) {
      add(ps->loc, path + ".parameters", fmt::format("expected an array of at least 2 parameter ids, got {}", got(*ps)));
      continue;
    }
    Correlation corr;
    corr.where = c.loc;
    bool ok = true;
    for (std::size_t i = 0; i < ps->items.size(); ++i) {
      const Node& item = ps->items[i];
      const std::string ip = fmt::format("{}.parameters[{}]", path, i);
      if (item.t != Node::T::string) {
        add(item.loc, ip, fmt::format("expected a parameter id (a string), got {}", got(item)));
        ok = false;
        continue;
      }
      if (std::find(ids.begin(), ids.end(), item.s) == ids.end()) {
        add(item.loc, ip, fmt::format("unknown parameter '{}'{}", item.s, maybe(item.s, ids)));
        ok = false;
        continue;
      }
      if (std::find(corr.parameters.begin(), corr.parameters.end(), item.s) != corr.parameters.end()) {
        add(item.loc, ip, fmt::format("parameter '{}' is listed twice", item.s));
        ok = false;
        continue;
      }
      if (auto it = taken.find(item.s); it != taken.end()) {
        add(item.loc, ip,
            fmt::format("parameter '{}' is already in correlations[{}] (a parameter may be in one block only)",
                        item.s, it->second));
        ok = false;
        continue;
      }
      corr.parameters.push_back(item.s);
    }
    const std::size_t n = ps->items.size();
    const std::string mp = path + ".matrix";
    if (m->t != Node::T::array || m->items.size() != n ||
        std::any_of(m->items.begin(), m->items.end(),
                    [&](const Node& row) { return row.t != Node::T::array || row.items.size() != n; })) {
      add(m->loc, mp, fmt::format("expected a {0}x{0} matrix (one row of {0} numbers per parameter), got {1}", n,
                                  m->t == Node::T::array ? fmt::format("{} rows", m->items.size()) : got(*m)));
      continue;
    }
    corr.matrix.assign(n, std::vector<double>(n, 0.0));
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const Node& x = m->items[i].items[j];
        auto v = number_value(x, fmt::format("{}[{}][{}]", mp, i, j), "a correlation in [-1, 1]",
                              [](double y) { return y >= -1 && y <= 1; });
        if (!v) {
          ok = false;
          continue;
        }
        corr.matrix[i][j] = *v;
      }
    }
    if (!ok) continue;
    std::vector<std::string> quoted;
    for (const Node& item : ps->items) quoted.push_back(item.s);
    const std::string over = "[" + join(quoted) + "]";
    for (std::size_t i = 0; i < n && ok; ++i) {
      if (corr.matrix[i][i] != 1.0) {
        add(m->items[i].items[i].loc, path,
            fmt::format("matrix over {} must have 1 on the diagonal, got {} at [{}][{}]", over,
                        fmt_num(corr.matrix[i][i]), i, i));
        ok = false;
      }
      for (std::size_t j = i + 1; j < n && ok; ++j) {
        if (std::abs(corr.matrix[i][j] - corr.matrix[j][i]) > 1e-12) {
          add(m->items[j].items[i].loc, path,
              fmt::format("matrix over {} is not symmetric: [{}][{}] = {} but [{}][{}] = {}", over, i, j,
                          fmt_num(corr.matrix[i][j]), j, i, fmt_num(corr.matrix[j][i])));
          ok = false;
        }
      }
    }
    if (!ok) continue;
    Eigen::MatrixXd mat(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        mat(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = corr.matrix[i][j];
    const Eigen::LLT<Eigen::MatrixXd> llt(mat);
    // A (numerically) singular matrix has a zero pivot; the copula needs a
    // strictly positive definite one.
    bool pd = llt.info() == Eigen::Success;
    if (pd) {
      const Eigen::MatrixXd l = llt.matrixL();
      pd = l.diagonal().minCoeff() > 1e-6;
    }
    if (!pd) {
      add(m->loc, path, fmt::format("matrix over {} is not positive definite", over));
      continue;
    }
    for (const std::string& p : corr.parameters) taken.emplace(p, k);
    s_.correlations.push_back(std::move(corr));
  }
}

void Validator::read_targets(const Node& root) {
  const Node* a = root.get("targets");
  if (!a) return;
  if (a->t != Node::T::array) {
    add(a->loc, "targets", fmt::format("expected an array of tables ([[targets]]), got {}", got(*a)));
    return;
  }
  std::vector<std::string> indicator_ids;
  for (const IndicatorNames& n : s_.indicators) indicator_ids.push_back(n.id);
  std::vector<std::string> region_choices = region_ids();
  region_choices.insert(region_choices.begin(), "zone");
  for (std::size_t k = 0; k < a->items.size(); ++k) {
    const Node& t = a->items[k];
    const std::string path = fmt::format("targets[{}]", k);
    if (!t.is_table()) {
      add(t.loc, path, fmt::format("expected a table (indicator, year, value, ...), got {}", got(t)));
      continue;
    }
    check_keys(t, path, {"indicator", "region", "year", "value", "kind", "sense", "note"});
    Target target;
    target.where = t.loc;
    bool ok = true;
    const IndicatorNames* ind = nullptr;
    if (auto v = string_at(t, "indicator", path + ".indicator", "an indicator id (a string)", true)) {
      ind = s_.indicator(*v);
      if (!ind) {
        add(t.get("indicator")->loc, path + ".indicator",
            fmt::format("unknown indicator '{}': expected one listed in [indicators]{}", *v,
                        maybe(*v, indicator_ids)));
        ok = false;
      }
      target.indicator = *v;
    } else {
      ok = false;
    }
    if (auto v = string_at(t, "region", path + ".region", "\"zone\" or a region id", false)) {
      if (regions_ok_ && std::find(region_choices.begin(), region_choices.end(), *v) == region_choices.end()) {
        add(t.get("region")->loc, path + ".region",
            fmt::format("unknown region '{}'{} (expected \"zone\" or one of: {})", *v, maybe(*v, region_choices),
                        join(region_ids())));
        ok = false;
      }
      target.region = *v;
    } else if (t.get("region")) {
      ok = false;
    } else {
      target.region = "zone";
    }
    const std::string year_expect =
        horizon_ok_ ? fmt::format("a year in ({}, {}] (after the start year, within the horizon)", s_.horizon.start,
                                  s_.horizon.end)
                    : std::string("an integer year");
    if (const Node* y = t.get("year")) {
      if (auto v = year_value(*y, path + ".year", year_expect)) {
        if (horizon_ok_ && (*v <= s_.horizon.start || *v > s_.horizon.end)) {
          add(y->loc, path + ".year", fmt::format("expected {}, got {}", year_expect, *v));
          ok = false;
        }
        target.year = *v;
      } else {
        ok = false;
      }
    } else {
      missing(t, path + ".year", year_expect);
      ok = false;
    }
    const UnitRule u = unit_rule(ind && !ind->unit.empty() ? ind->unit : "1", false);
    if (auto v = number_at(t, "value", path + ".value", u.expect, true, u.ok))
      target.value = *v;
    else
      ok = false;
    if (auto v = choice_at(t, "kind", path + ".kind", {"binding", "expected"}, false))
      target.binding = *v == "binding";
    else if (t.get("kind"))
      ok = false;
    if (auto v = choice_at(t, "sense", path + ".sense", {"at_least", "at_most"}, false))
      target.sense = *v == "at_least" ? Sense::at_least : Sense::at_most;
    else if (t.get("sense"))
      ok = false;
    if (auto v = string_at(t, "note", path + ".note", "a string", false)) target.note = *v;
    if (ok) s_.targets.push_back(std::move(target));
  }
}

void Validator::read_options(const Node& root) {
  const Node* t = table_at(root, "model_options", "model_options");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "model_options." + e.key;
    if (e.value.t == Node::T::boolean) {
      s_.options[e.key] = e.value.b ? 1.0 : 0.0;
    } else if (auto v = number_value(e.value, path, "a finite number or a boolean")) {
      s_.options[e.key] = *v;
    } else {
      continue;
    }
    s_.option_locs[e.key] = e.value.loc;
  }
}

// [model_matrices.<id>]: unit and source (optional strings) and one row per
// region, keyed by region id, each an array of R finite numbers in region order.
void Validator::read_matrices(const Node& root) {
  const Node* t = table_at(root, "model_matrices", "model_matrices");
  if (!t) return;
  const auto ids = region_ids();
  for (const Entry& e : t->kids) {
    const std::string path = "model_matrices." + e.key;
    if (!is_identifier(e.key))
      add(e.value.key_loc, path, fmt::format("expected a matrix id (letters, digits, _), got \"{}\"", e.key));
    if (!e.value.is_table()) {
      add(e.value.loc, path,
          fmt::format("expected a table (unit, source and one row per region), got {}", got(e.value)));
      continue;
    }
    const Node& m = e.value;
    ModelMatrix matrix;
    matrix.id = e.key;
    matrix.where = m.loc;
    if (auto v = string_at(m, "unit", path + ".unit", "a string", false)) matrix.unit = *v;
    if (auto v = string_at(m, "source", path + ".source", "a string", false)) matrix.source = *v;
    if (s_.regions.empty()) {
      add(m.loc, path, "expected one row per region, but the scenario has no [[regions]]");
      continue;
    }
    if (!regions_ok_) continue;
    bool ok = true;
    std::vector<std::string> allowed = {"unit", "source"};
    allowed.insert(allowed.end(), ids.begin(), ids.end());
    for (const Entry& k : m.kids) {
      if (std::find(allowed.begin(), allowed.end(), k.key) != allowed.end()) continue;
      add(k.value.key_loc, child_path(path, k.key),
          fmt::format("unknown region '{}'{} (expected unit, source or a region: {})", k.key, maybe(k.key, allowed),
                      join(ids)));
      ok = false;
    }
    const std::size_t n = s_.regions.size();
    const std::string expect = fmt::format("an array of {} numbers (one per region, in the order {})", n, join(ids));
    for (const std::string& id : ids) {
      const std::string rp = child_path(path, id);
      const Node* row = m.get(id);
      if (!row) {
        add(m.loc, rp,
            fmt::format("required but missing: a matrix gives one row per region, and '{}' is not given", id));
        ok = false;
        continue;
      }
      if (row->t != Node::T::array || row->items.size() != n) {
        add(row->loc, rp, fmt::format("expected {}, got {}", expect, got(*row)));
        ok = false;
        continue;
      }
      std::vector<double> values;
      for (std::size_t c = 0; c < n; ++c) {
        auto v = number_value(row->items[c], fmt::format("{}[{}]", rp, c), "a finite number");
        if (!v) {
          ok = false;
          continue;
        }
        values.push_back(*v);
      }
      matrix.rows.push_back(std::move(values));
      matrix.row_locs.push_back(row->loc);
    }
    if (ok) s_.matrices.emplace(e.key, std::move(matrix));
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw ScenarioError(std::vector<Problem>{
        Problem{SourceLoc{path, 0, 0}, "", "cannot read the scenario file (no such file or not readable)"}});
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

Scenario load_scenario(const std::string& path) {
  const std::string text = read_text(path);
  const fs::path dir = fs::path(path).parent_path();
  return load_scenario_text(text, path, dir.empty() ? "." : dir.string());
}

Scenario load_scenario_text(const std::string& text, const std::string& name, const std::string& base_dir) {
  Loader loader;
  const fs::path dir = base_dir.empty() ? fs::path(".") : fs::path(base_dir);
  std::vector<std::pair<std::string, std::string>> chain = {
      {name, Loader::identity(dir / fs::path(name).filename())}};
  std::optional<Node> root = loader.load(text, name, dir, chain);
  if (!root) throw ScenarioError(std::move(loader.problems));

  Scenario s;
  s.files = std::move(loader.files);
  s.where = {name, 0, 0};
  std::vector<Problem> problems = std::move(loader.problems);
  Validator(s, problems).run(*root);
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return s;
}

}  // namespace innosim
