// [model_options] and [model_matrices]: inputs the model interprets (and checks further through
// ModelBinding).

#include <fmt/format.h>

#include <algorithm>

#include "scenario/detail/scenario_reader.hpp"

namespace innosim::detail {

void ScenarioReader::read_options(const Node& root) {
  const Node* t = table_at(root, "model_options", "model_options");
  if (!t) return;
  for (const Entry& e : t->kids) {
    const std::string path = "model_options." + e.key;
    if (e.value.t == Node::T::boolean) {
      s_.options[e.key] = e.value.b ? 1.0 : 0.0;
      s_.option_kinds[e.key] = OptionKind::boolean;
    } else if (auto v = number_value(e.value, path, "a finite number or a boolean")) {
      s_.options[e.key] = *v;
      s_.option_kinds[e.key] = e.value.t == Node::T::integer ? OptionKind::integer : OptionKind::number;
    } else {
      continue;
    }
    s_.option_locs[e.key] = e.value.loc;
  }
}

// [model_matrices.<id>]: unit and source (optional strings) and one row per
// region, keyed by region id, each an array of R finite numbers in region order.
void ScenarioReader::read_matrices(const Node& root) {
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
          fmt::format("unknown region '{}'{} (expected unit, source or a region: {})", k.key,
                      did_you_mean_hint(k.key, allowed), join(ids)));
      ok = false;
    }
    const std::size_t n = s_.regions.size();
    const std::string expect =
        fmt::format("an array of {} numbers (one per region, in the order {})", n, join(ids));
    for (const std::string& id : ids) {
      const std::string rp = child_path(path, id);
      const Node* row = m.get(id);
      if (!row) {
        add(m.loc, rp,
            fmt::format("required but missing: a matrix gives one row per region, and '{}' is not given",
                        id));
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

}  // namespace innosim::detail
