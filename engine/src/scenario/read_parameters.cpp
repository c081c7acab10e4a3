// [parameters] with their distributions (one for the zone or one per region), checked against their units,
// and [[correlations]] among them.

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <map>
#include <algorithm>

#include "scenario/detail/scenario_reader.hpp"

namespace innosim::detail {

std::optional<Distribution> ScenarioReader::read_dist(const Node& t, const std::string& path,
                                                      const std::string& unit,
                                                      const std::vector<std::string>& extra_keys) {
  std::vector<std::string> names;
  for (const DistributionKind& d : distribution_kinds()) names.emplace_back(d.name);
  auto kind_name = choice_at(t, "dist", path + ".dist", names, true);
  if (!kind_name) {
    // Still flag keys that belong to no distribution at all.
    std::vector<std::string> allowed = extra_keys;
    allowed.insert(allowed.end(), all_distribution_keys().begin(), all_distribution_keys().end());
    check_keys(t, path, allowed);
    return std::nullopt;
  }
  const DistributionKind& spec = *find_distribution_kind(*kind_name);
  const std::vector<std::string> spec_keys(spec.keys.begin(), spec.keys.end());
  // Keys: the extras, `dist`, this kind's keys; another kind's key gets its own message.
  std::vector<std::string> allowed = extra_keys;
  allowed.push_back("dist");
  allowed.insert(allowed.end(), spec_keys.begin(), spec_keys.end());
  for (const Entry& e : t.kids) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    const auto& all_keys = all_distribution_keys();
    const bool other_dist_key = std::find(all_keys.begin(), all_keys.end(), e.key) != all_keys.end();
    if (other_dist_key)
      add(e.value.key_loc, child_path(path, e.key),
          fmt::format("key '{}' does not belong to a {} distribution (it takes: {})", e.key, spec.name,
                      join(spec_keys)));
    else
      add(e.value.key_loc, child_path(path, e.key),
          fmt::format("unknown key '{}'{} (expected one of: {})", e.key, did_you_mean_hint(e.key, allowed),
                      join(allowed)));
  }

  Distribution dist;
  dist.kind = spec.kind;
  bool ok = true;
  std::vector<const Node*> nodes(spec_keys.size(), nullptr);
  for (std::size_t k = 0; k < spec_keys.size(); ++k) {
    const std::string& key = spec_keys[k];
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
    return static_cast<std::size_t>(std::find(spec_keys.begin(), spec_keys.end(), key) - spec_keys.begin());
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
    return std::find(spec_keys.begin(), spec_keys.end(), key) != spec_keys.end();
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
            fmt::format("expected mode within [min, max] = [{}, {}], got {}", fmt_num(lo), fmt_num(hi),
                        fmt_num(m)));
        ok = false;
      }
    }
  }
  if (!ok) return std::nullopt;

  // The unit's range must hold for every value the distribution can take.
  const UnitRule u = unit_rule(unit, false);
  const double lo = dist.lower(), hi = dist.upper();
  if (spec.kind == Distribution::Kind::fixed) {
    if (!u.ok(lo)) {
      add(at("value"), child_path(path, "value"), fmt::format("expected {}, got {}", u.expect, fmt_num(lo)));
      return std::nullopt;
    }
  } else if (lo < u.lo || hi > u.hi) {
    const Node* d = t.get("dist");
    add(d->loc, path,
        fmt::format(
            "expected a distribution within [{}, {}] for unit '{}' ({}), got a {} distribution over [{}, {}]",
            fmt_num(u.lo), fmt_num(u.hi), unit, u.expect, spec.name, fmt_num(lo), fmt_num(hi)));
    return std::nullopt;
  }
  return dist;
}

void ScenarioReader::read_parameters(const Node& root) {
  const Node* t = table_at(root, "parameters", "parameters");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "parameters." + e.key;
    if (!is_identifier(e.key)) {
      add(e.value.key_loc, path,
          fmt::format("expected a parameter id (letters, digits, _), got \"{}\"", e.key));
      continue;
    }
    if (!e.value.is_table()) {
      add(e.value.loc, path, fmt::format("expected a table (unit, dist, ...), got {}", got(e.value)));
      continue;
    }
    const Node& p = e.value;
    if (unknown_override(*t, e, "parameter")) continue;
    auto unit =
        string_at(p, "unit", path + ".unit", "a unit (a string such as \"1\", \"rate\", \"yuan\")", true);
    std::string source, name_en, name_zh;
    if (auto v = string_at(p, "source", path + ".source", "a string", false)) source = *v;
    if (auto v = string_at(p, "name_en", path + ".name_en", "a string (the display name in English)", false))
      name_en = *v;
    if (auto v = string_at(p, "name_zh", path + ".name_zh", "a string (the display name in Chinese)", false))
      name_zh = *v;
    const std::vector<std::string> common = {"unit", "source", "name_en", "name_zh", "by_region"};
    const Node* br = p.get("by_region");
    if (!br) {
      auto dist = read_dist(p, path, unit.value_or("1"), common);
      if (dist && unit) s_.parameters.push_back({e.key, name_en, name_zh, *unit, source, *dist, p.loc});
      continue;
    }
    std::vector<std::string> stray;
    for (const Entry& k : p.kids)
      if (std::find(common.begin(), common.end(), k.key) == common.end()) stray.push_back(k.key);
    if (!stray.empty()) {
      const Node* first = p.get(stray.front());
      add(first->key_loc, path + "." + stray.front(),
          fmt::format("expected either a distribution (dist, ...) or by_region (one per region), got both "
                      "(keys besides unit/source/name_en/name_zh/by_region: {})",
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
      if (dist && unit)
        per_region.push_back({e.key + "[" + r.id + "]", name_en, name_zh, *unit, source, *dist, rt.loc});
    }
    if (per_region.size() == s_.regions.size())
      for (Parameter& q : per_region) s_.parameters.push_back(std::move(q));
  }
}

void ScenarioReader::read_correlations(const Node& root) {
  const Node* a = root.get("correlations");
  if (!a) return;
  if (a->t != Node::T::array) {
    add(a->loc, "correlations",
        fmt::format("expected an array of tables ([[correlations]]), got {}", got(*a)));
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
      add(ps->loc, path + ".parameters",
          fmt::format("expected an array of at least 2 parameter ids, got {}", got(*ps)));
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
        add(item.loc, ip, fmt::format("unknown parameter '{}'{}", item.s, did_you_mean_hint(item.s, ids)));
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
            fmt::format(
                "parameter '{}' is already in correlations[{}] (a parameter may be in one block only)",
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
      add(m->loc, mp,
          fmt::format("expected a {0}x{0} matrix (one row of {0} numbers per parameter), got {1}", n,
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

}  // namespace innosim::detail
