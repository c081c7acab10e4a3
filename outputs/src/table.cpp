// The target table: aligned text for terminals, CSV and JSON for programs.

#include "innosim/outputs/table.hpp"

#include "innosim/outputs/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace innosim {

namespace {

// ---------------------------------------------------------------- names

const IndicatorNames* find_indicator(const TableContext& ctx, const std::string& id) {
  for (const auto& i : ctx.indicators) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

const Region* find_region(const TableContext& ctx, const std::string& id) {
  for (const auto& r : ctx.regions) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string first_nonempty(std::initializer_list<std::string_view> xs) {
  for (auto x : xs) {
    if (!x.empty()) return std::string(x);
  }
  return {};
}

std::string indicator_name_en(const TableContext& ctx, const std::string& id) {
  const IndicatorNames* n = find_indicator(ctx, id);
  return n != nullptr ? first_nonempty({n->name_en, n->name_zh, id}) : id;
}

bool is_zone(const std::string& region) { return region == "zone"; }

std::string region_name_en(const TableContext& ctx, const std::string& id) {
  const Region* r = find_region(ctx, id);
  if (r != nullptr) return first_nonempty({r->name_en, r->name_zh, id});
  return is_zone(id) ? std::string("zone total") : id;
}

std::string region_name_zh(const TableContext& ctx, const std::string& id) {
  const Region* r = find_region(ctx, id);
  if (r != nullptr) return r->name_zh;
  return is_zone(id) ? std::string("区域合计") : std::string();
}

std::string row_unit(const TargetRow& row, const TableContext& ctx) {
  if (!row.indicator_unit.empty()) return row.indicator_unit;
  const IndicatorNames* n = find_indicator(ctx, row.target.indicator);
  return n != nullptr ? n->unit : std::string();
}

// ---------------------------------------------------------------- text

const char* verdict_color(const std::string& verdict) {
  if (verdict == "on track") return "\x1b[32m";
  if (verdict == "at risk") return "\x1b[33m";
  return "\x1b[31m";
}

constexpr std::size_t kMaxIndicatorColumn = 48;

std::string format_text(const TargetTable& table, const TableContext& ctx) {
  struct Col {
    const char* title;
    Align align;
  };
  const std::vector<Col> cols = {{"", Align::left},        {"Indicator", Align::left},
                                 {"Unit", Align::left},    {"Year", Align::right},
                                 {"Median", Align::right}, {"5–95 %", Align::right},
                                 {"Target", Align::right}, {"P(met)", Align::right},
                                 {"Verdict", Align::left}};
  std::vector<std::vector<std::string>> cells;
  cells.emplace_back();
  for (const auto& c : cols) cells.back().push_back(c.title);
  bool any_binding = false;
  for (const auto& row : table.rows) {
    const Target& t = row.target;
    const std::string unit = row_unit(row, ctx);
    std::string name = indicator_name_en(ctx, t.indicator);
    if (!is_zone(t.region)) name += " (" + region_name_en(ctx, t.region) + ")";
    any_binding = any_binding || t.binding;
    cells.push_back({
        t.binding ? "*" : " ",
        fit_width(name, kMaxIndicatorColumn),
        unit,
        std::to_string(t.year),
        human_number(row.median, unit),
        human_number(row.q05, unit) + " – " + human_number(row.q95, unit),
        std::string(t.sense == Sense::at_least ? "≥ " : "≤ ") + human_number(t.value, unit),
        percent(row.p_met) + " ± " + percent(row.p_met_se),
        row.verdict,
    });
  }

  std::vector<std::size_t> width(cols.size(), 0);
  for (const auto& r : cells) {
    for (std::size_t c = 0; c < cols.size(); ++c) width[c] = std::max(width[c], display_width(r[c]));
  }

  std::string out;
  out += fmt::format("Scenario: {}\n\n", ctx.scenario_name);
  for (std::size_t r = 0; r < cells.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      if (c > 1) line += "  ";
      if (c == 1) line += " ";  // the binding mark sits one space before the name
      std::string cell = pad(cells[r][c], width[c], cols[c].align);
      if (ctx.color && r > 0 && c + 1 == cols.size()) {
        cell = verdict_color(cells[r][c]) + cell + "\x1b[0m";
      }
      line += cell;
    }
    out += line + "\n";
    if (r == 0) out += std::string(display_width(line), '-') + "\n";
  }
  if (any_binding) out += "* binding (约束性)\n";
  out += "\n";

  const JointView& j = table.joint;
  out += "P(all binding met): ";
  out += j.num_binding == 0 ? std::string("n/a (no binding targets)")
                            : fmt::format("{} ({} binding)", percent(j.p_all_binding),
                                          j.num_binding);
  out += fmt::format("   P(all met): {}\n", percent(j.p_all));
  const std::uint64_t total =
      std::accumulate(j.met_count_hist.begin(), j.met_count_hist.end(), std::uint64_t{0});
  out += fmt::format("targets met (of {}):", table.rows.size());
  for (std::size_t k = 0; k < j.met_count_hist.size(); ++k) {
    const double share = total > 0 ? static_cast<double>(j.met_count_hist[k]) /
                                         static_cast<double>(total)
                                   : std::nan("");
    out += fmt::format(" {}:{}", k, percent(share));
  }
  out += "\n\n";

  const RunInfo& info = ctx.info;
  out += fmt::format("draws: {} ({} valid, {} dropped) · seed {} · sampler {}",
                     info.draws_requested, info.draws_valid, info.draws_dropped, info.seed,
                     info.sampler.empty() ? "?" : info.sampler);
  if (info.threads > 0) out += fmt::format(" · {} threads", info.threads);
  if (info.seconds > 0) out += fmt::format(" · {:.1f} s", info.seconds);
  out += "\n";
  if (!info.dropped_draws.empty()) {
    constexpr std::size_t kShown = 10;
    out += "dropped draws:";
    for (std::size_t i = 0; i < std::min(kShown, info.dropped_draws.size()); ++i) {
      out += fmt::format(" {}", info.dropped_draws[i]);
    }
    if (info.dropped_draws.size() > kShown) {
      out += fmt::format(" … ({} more)", info.dropped_draws.size() - kShown);
    }
    out += "\n";
  }
  return out;
}

// ---------------------------------------------------------------- numbers for programs

std::string csv_number(double x) { return std::isnan(x) ? std::string() : exact_number(x); }

std::string format_csv(const TargetTable& table, const TableContext& ctx) {
  std::string out =
      "indicator,indicator_name_en,region,region_name_en,year,kind,sense,target,unit,"
      "median,q05,q95,mean,p_met,p_met_se,draws,verdict,note\n";
  for (const auto& row : table.rows) {
    const Target& t = row.target;
    const std::vector<std::string> fields = {
        t.indicator,
        indicator_name_en(ctx, t.indicator),
        t.region,
        region_name_en(ctx, t.region),
        std::to_string(t.year),
        t.binding ? "binding" : "expected",
        sense_name(t.sense),
        csv_number(t.value),
        row_unit(row, ctx),
        csv_number(row.median),
        csv_number(row.q05),
        csv_number(row.q95),
        csv_number(row.mean),
        csv_number(row.p_met),
        csv_number(row.p_met_se),
        std::to_string(row.draws),
        row.verdict,
        t.note,
    };
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_field(fields[i]);
    }
    out += '\n';
  }
  return out;
}

// ---------------------------------------------------------------- JSON

// Builds one JSON object, member by member.
class JsonObject {
 public:
  explicit JsonObject(int indent) : indent_(indent) {}
  JsonObject& raw(std::string_view key, const std::string& value) {
    body_ += first_ ? "\n" : ",\n";
    first_ = false;
    body_ += std::string(static_cast<std::size_t>(indent_ + 2), ' ') + json_string(key) + ": " +
             value;
    return *this;
  }
  JsonObject& str(std::string_view key, std::string_view v) { return raw(key, json_string(v)); }
  JsonObject& num(std::string_view key, double v) { return raw(key, json_number(v)); }
  template <class I>
  JsonObject& integer(std::string_view key, I v) {
    return raw(key, fmt::format("{}", v));
  }
  std::string done() const {
    return first_ ? "{}"
                  : "{" + body_ + "\n" + std::string(static_cast<std::size_t>(indent_), ' ') + "}";
  }

 private:
  int indent_;
  std::string body_;
  bool first_ = true;
};

template <class I>
std::string json_int_array(const std::vector<I>& v) {
  return fmt::format("[{}]", fmt::join(v, ", "));
}

std::string format_json(const TargetTable& table, const TableContext& ctx) {
  std::string targets = "[";
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const TargetRow& row = table.rows[i];
    const Target& t = row.target;
    const IndicatorNames* names = find_indicator(ctx, t.indicator);
    JsonObject o(4);
    o.str("indicator", t.indicator)
        .str("indicator_name_en", indicator_name_en(ctx, t.indicator))
        .str("indicator_name_zh", names != nullptr ? names->name_zh : "")
        .str("region", t.region)
        .str("region_name_en", region_name_en(ctx, t.region))
        .str("region_name_zh", region_name_zh(ctx, t.region))
        .integer("year", t.year)
        .str("kind", t.binding ? "binding" : "expected")
        .str("sense", sense_name(t.sense))
        .num("target", t.value)
        .str("unit", row_unit(row, ctx))
        .num("median", row.median)
        .num("q05", row.q05)
        .num("q95", row.q95)
        .num("mean", row.mean)
        .num("p_met", row.p_met)
        .num("p_met_se", row.p_met_se)
        .integer("draws", row.draws)
        .str("verdict", row.verdict)
        .str("note", t.note);
    targets += (i == 0 ? "\n    " : ",\n    ") + o.done();
  }
  targets += table.rows.empty() ? "]" : "\n  ]";

  JsonObject joint(2);
  joint.integer("num_binding", table.joint.num_binding)
      .num("p_all_binding", table.joint.p_all_binding)
      .num("p_all", table.joint.p_all)
      .raw("met_count_hist", json_int_array(table.joint.met_count_hist));

  const RunInfo& info = ctx.info;
  JsonObject run(2);
  run.integer("seed", info.seed)
      .str("sampler", info.sampler)
      .integer("draws_requested", info.draws_requested)
      .integer("draws_valid", info.draws_valid)
      .integer("draws_dropped", info.draws_dropped)
      .raw("dropped_draws", json_int_array(info.dropped_draws))
      .integer("threads", info.threads)
      .num("seconds", info.seconds)
      .num("on_track", table.on_track)
      .num("at_risk", table.at_risk);

  JsonObject root(0);
  root.str("scenario", ctx.scenario_name)
      .raw("targets", targets)
      .raw("joint", joint.done())
      .raw("run", run.done());
  return root.done() + "\n";
}

}  // namespace

std::string format_target_table(const TargetTable& table, const TableContext& ctx,
                                TableFormat format) {
  switch (format) {
    case TableFormat::text: return format_text(table, ctx);
    case TableFormat::csv: return format_csv(table, ctx);
    case TableFormat::json: return format_json(table, ctx);
  }
  return {};
}

}  // namespace innosim
