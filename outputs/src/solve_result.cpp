// The table and the HDF5 file of `innosim solve`.

#include "innosim/outputs/solve_result.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "detail/h5.hpp"
#include "detail/labels.hpp"
#include "detail/meta.hpp"
#include "detail/whole_file.hpp"
#include "innosim/outputs/text.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kSolveFileType = "innosim-solve";
constexpr int kSolveFormatVersion = 2;  // 2: checksums (/integrity), as every innosim file

// A lever's amount at factor k: "5.740 亿元/yr (574000000 yuan)" or "0.0287 rate".
std::string amount(const Lever& l, double base, double k) {
  const double x = k * base;
  if (l.unit == "yuan") return fmt::format("{:.3f} 亿元/yr ({:.0f} yuan)", x / 1e8, x);
  if (l.unit == "1") return fmt::format("{:.4g}", x);  // a pure number
  return fmt::format("{:.4g} {}", x, l.unit);
}

std::string factor(double k) { return std::isnan(k) ? std::string("n/a") : fmt::format("{:.4g}", k); }

std::string format_text(const Scenario& s, const SolveHeader& h, const SolveResult& r) {
  const Target& tg = s.targets[r.target];
  std::string out = fmt::format(
      "What it takes: P({} {} {} in {}) >= {} — scenario '{}', {} draws per point, seed {} at every point\n",
      detail::target_label(s.indicators, tg), tg.sense == Sense::at_least ? ">=" : "<=", compact_number(tg.value),
      tg.year, percent(r.probability), s.name, h.draws, h.seed);
  out += fmt::format("{} scaled by one factor k in [{}, {}] (their whole paths; k = 1 is the scenario):\n",
                     r.levers.size() == 1 ? "lever" : "levers, all", factor(r.lo), factor(r.hi));
  double yuan_base = 0;
  for (const SolveLever& l : r.levers) {
    const Lever& lever = *s.lever(l.id);
    out += fmt::format("  {} ({}): x1 = {} in {}\n", l.id, lever.unit, amount(lever, l.base, 1.0), s.horizon.end);
    if (lever.unit == "yuan") yuan_base += l.base;
  }
  out += "\n";
  if (r.reachable) {
    out += fmt::format("answer: k = {}  (1 s.e.: {} .. {})\n", factor(r.scale), factor(r.scale_lo),
                       std::isnan(r.scale_hi) ? fmt::format("above {}", factor(r.hi)) : factor(r.scale_hi));
    for (const SolveLever& l : r.levers)
      out += fmt::format("  {}: {} in {}\n", l.id, amount(*s.lever(l.id), l.base, r.scale), s.horizon.end);
    if (r.levers.size() > 1 && yuan_base > 0)
      out += fmt::format("  together: {:.3f} 亿元/yr in {}\n", r.scale * yuan_base / 1e8, s.horizon.end);
    if (r.scale == r.lo) out += fmt::format("  (already met at the bottom of the range, k = {})\n", factor(r.lo));
  } else {
    out += fmt::format("not reachable within [{}, {}]: the best value found is P(met) = {} at k = {}\n",
                       factor(r.lo), factor(r.hi), percent(r.p_at_scale), factor(r.scale));
  }
  out += fmt::format("\ncurve walked:\n{}{}{}{}\n", pad("k", 10, Align::right), pad("P(met)", 10, Align::right),
                     pad("± 1 s.e.", 10, Align::right), pad("median", 12, Align::right));
  for (const SolvePoint& p : r.curve)
    out += fmt::format("{}{}{}{}\n", pad(factor(p.scale), 10, Align::right), pad(percent(p.p_met), 10, Align::right),
                       pad(percent(p.p_met_se), 10, Align::right), pad(compact_number(p.median), 12, Align::right));
  out += fmt::format(
      "k is found by bisection on P(met) estimated with the same draws at every k (common random numbers), to "
      "within {} in k; the 1 s.e. range is where the estimate crosses p ∓ {} (one standard error of P(met) at p).\n",
      factor(r.tolerance), percent(r.p_met_se, 2));
  return out;
}

std::string format_csv(const SolveResult& r) {
  std::string out = "kind,scale";
  for (const SolveLever& l : r.levers) out += fmt::format(",{}_value", csv_field(l.id));
  out += ",p_met,p_met_se,median,q05,q95\n";
  auto row = [&](const std::string& kind, double k, const SolvePoint* p) {
    out += fmt::format("{},{}", kind, exact_number(k));
    for (const SolveLever& l : r.levers) out += fmt::format(",{}", exact_number(k * l.base));
    if (p != nullptr)
      out += fmt::format(",{},{},{},{},{}\n", exact_number(p->p_met), exact_number(p->p_met_se),
                         exact_number(p->median), exact_number(p->q05), exact_number(p->q95));
    else
      out += ",,,,,\n";
  };
  if (r.reachable) {
    row("answer", r.scale, nullptr);
    row("answer_lo", r.scale_lo, nullptr);
    row("answer_hi", r.scale_hi, nullptr);
  } else {
    row("best", r.scale, nullptr);
  }
  for (const SolvePoint& p : r.curve) row("curve", p.scale, &p);
  return out;
}

std::string format_json(const Scenario& s, const SolveHeader& h, const SolveResult& r) {
  std::string levers;
  for (std::size_t l = 0; l < r.levers.size(); ++l)
    levers += fmt::format("{}{{\"id\": {}, \"unit\": {}, \"base_value\": {}, \"value\": {}}}", l ? ", " : "",
                          json_string(r.levers[l].id), json_string(s.lever(r.levers[l].id)->unit),
                          json_number(r.levers[l].base), json_number(r.scale * r.levers[l].base));
  std::string curve;
  for (std::size_t i = 0; i < r.curve.size(); ++i) {
    const SolvePoint& p = r.curve[i];
    curve += fmt::format("{}\n    {{\"scale\": {}, \"p_met\": {}, \"p_met_se\": {}, \"median\": {}, \"q05\": {}, "
                         "\"q95\": {}}}",
                         i ? "," : "", json_number(p.scale), json_number(p.p_met), json_number(p.p_met_se),
                         json_number(p.median), json_number(p.q05), json_number(p.q95));
  }
  return fmt::format(
      "{{\n  \"scenario\": {},\n  \"target\": {},\n  \"probability\": {},\n  \"draws\": {},\n  \"seed\": {},\n"
      "  \"lo\": {},\n  \"hi\": {},\n  \"reachable\": {},\n  \"scale\": {},\n  \"p_met_at_scale\": {},\n"
      "  \"scale_lo\": {},\n  \"scale_hi\": {},\n  \"levers\": [{}],\n  \"curve\": [{}\n  ]\n}}\n",
      json_string(s.name), json_string(r.target_id), json_number(r.probability), h.draws, h.seed,
      json_number(r.lo), json_number(r.hi), r.reachable ? "true" : "false", json_number(r.scale),
      json_number(r.p_at_scale), json_number(r.scale_lo), json_number(r.scale_hi), levers, curve);
}

std::string cost_text(double c) { return std::isnan(c) ? std::string("n/a") : fmt::format("{:.4g}", c); }

// "per 亿元/yr" for yuan levers, "per rate" otherwise.
std::string per_unit(const Lever& l) {
  if (l.unit == "yuan") return "per 亿元/yr";
  return l.unit == "1" ? "per unit" : "per " + l.unit;
}

std::string mix_text(const Scenario& s, const SolveHeader& h, const MixResult& r) {
  const Target& tg = s.targets[r.target];
  std::string out = fmt::format(
      "Cheapest mix: P({} {} {} in {}) >= {} — scenario '{}', {} draws per point, seed {} at every point\n",
      detail::target_label(s.indicators, tg), tg.sense == Sense::at_least ? ">=" : "<=", compact_number(tg.value),
      tg.year, percent(r.probability), s.name, h.draws, h.seed);
  out += fmt::format("levers, each scaled by a factor of its own in [{}, {}] (k = 1 is the scenario), cost:\n",
                     factor(r.lo), factor(r.hi));
  for (const MixLever& l : r.levers) {
    const Lever& lever = *s.lever(l.id);
    out += fmt::format("  {} ({}): {} {}; x1 = {} in {}\n", l.id, lever.unit, cost_text(l.cost), per_unit(lever),
                       amount(lever, l.base, 1.0), s.horizon.end);
  }
  out += fmt::format("the scenario's own mix (every k = 1) costs {}\n\n", cost_text(r.scenario_cost));
  if (r.reachable) {
    out += fmt::format("answer: cost {}  (1 s.e.: {} .. {}), P(met) = {} ± {}\n", cost_text(r.cost),
                       cost_text(r.cost_lo), std::isnan(r.cost_hi) ? std::string("beyond the range") : cost_text(r.cost_hi),
                       percent(r.at_answer.p_met), percent(r.at_answer.p_met_se));
    for (const MixLever& l : r.levers)
      out += fmt::format("  {}: k = {}, {} in {} (cost {})\n", l.id, factor(l.factor),
                         amount(*s.lever(l.id), l.base, l.factor), s.horizon.end, cost_text(l.factor * l.per_factor));
  } else {
    double best = 0;
    for (const MixTried& m : r.mixes) best = std::max(best, m.p_met);
    out += fmt::format("not reachable with any split tried within [{}, {}]: the best P(met) seen is {}\n",
                       factor(r.lo), factor(r.hi), percent(best));
  }
  out += "\nsplits tried (shares of the extra cost over every k at the range's bottom):\n";
  std::string head = "  ";
  for (const MixLever& l : r.levers) head += pad(l.id, std::max<std::size_t>(display_width(l.id) + 2, 8), Align::right);
  out += head + pad("extra cost", 12, Align::right) + pad("P(met)", 10, Align::right) + "\n";
  for (const MixTried& m : r.mixes) {
    std::string row = "  ";
    for (std::size_t i = 0; i < r.levers.size(); ++i)
      row += pad(fmt::format("{:.3f}", m.shares[i]), std::max<std::size_t>(display_width(r.levers[i].id) + 2, 8),
                 Align::right);
    out += row + pad(std::isnan(m.extra_cost) ? std::string("not reached") : cost_text(m.extra_cost), 12, Align::right) +
           pad(percent(m.p_met), 10, Align::right) + "\n";
  }
  out += fmt::format(
      "The split is chosen by NLopt's COBYLA; along each split the smallest extra cost reaching p is found by "
      "bisection on P(met) estimated with the same draws everywhere (common random numbers), to within {:.1f}% of "
      "the split's largest extra cost; the 1 s.e. range is where the estimate crosses p ∓ {} along the answer's "
      "split.\n",
      r.tolerance * 100, percent(r.p_met_se, 2));
  return out;
}

std::string mix_csv(const MixResult& r) {
  std::string out = "kind";
  for (const MixLever& l : r.levers) out += fmt::format(",{}_share,{}_factor", csv_field(l.id), csv_field(l.id));
  out += ",cost,p_met\n";
  out += "answer";
  for (const MixLever& l : r.levers) out += fmt::format(",,{}", exact_number(l.factor));
  out += fmt::format(",{},{}\n", exact_number(r.reachable ? r.cost : std::nan("")),
                     exact_number(r.reachable ? r.at_answer.p_met : std::nan("")));
  double lo_cost = 0;
  for (const MixLever& l : r.levers) lo_cost += l.per_factor * r.lo;
  for (const MixTried& m : r.mixes) {
    out += "tried";
    for (std::size_t i = 0; i < r.levers.size(); ++i)
      out += fmt::format(",{},{}", exact_number(m.shares[i]),
                         exact_number(r.lo + m.shares[i] * m.extra_cost / r.levers[i].per_factor));
    out += fmt::format(",{},{}\n", exact_number(lo_cost + m.extra_cost), exact_number(m.p_met));
  }
  return out;
}

std::string mix_json(const Scenario& s, const SolveHeader& h, const MixResult& r) {
  std::string levers;
  for (std::size_t l = 0; l < r.levers.size(); ++l) {
    const MixLever& x = r.levers[l];
    levers += fmt::format("{}\n    {{\"id\": {}, \"unit\": {}, \"base_value\": {}, \"cost_per_unit\": {}, "
                          "\"factor\": {}, \"value\": {}, \"cost\": {}}}",
                          l ? "," : "", json_string(x.id), json_string(s.lever(x.id)->unit), json_number(x.base),
                          json_number(x.cost), json_number(x.factor), json_number(x.factor * x.base),
                          json_number(x.factor * x.per_factor));
  }
  std::string tried;
  for (std::size_t i = 0; i < r.mixes.size(); ++i) {
    std::string w;
    for (double x : r.mixes[i].shares) w += fmt::format("{}{}", w.empty() ? "" : ", ", json_number(x));
    tried += fmt::format("{}\n    {{\"shares\": [{}], \"extra_cost\": {}, \"p_met\": {}}}", i ? "," : "", w,
                         json_number(r.mixes[i].extra_cost), json_number(r.mixes[i].p_met));
  }
  return fmt::format(
      "{{\n  \"scenario\": {},\n  \"target\": {},\n  \"probability\": {},\n  \"draws\": {},\n  \"seed\": {},\n"
      "  \"lo\": {},\n  \"hi\": {},\n  \"reachable\": {},\n  \"cost\": {},\n  \"cost_lo\": {},\n  \"cost_hi\": {},\n"
      "  \"scenario_cost\": {},\n  \"p_met_at_answer\": {},\n  \"levers\": [{}\n  ],\n  \"tried\": [{}\n  ]\n}}\n",
      json_string(s.name), json_string(r.target_id), json_number(r.probability), h.draws, h.seed, json_number(r.lo),
      json_number(r.hi), r.reachable ? "true" : "false", json_number(r.reachable ? r.cost : std::nan("")),
      json_number(r.cost_lo), json_number(r.cost_hi), json_number(r.scenario_cost),
      json_number(r.reachable ? r.at_answer.p_met : std::nan("")), levers, tried);
}

// Root attributes, /target and /levers of a solve file.
void write_solve_head(hid_t root, const h5::Where& w, const Scenario& s, const SolveHeader& h, double seconds,
                      std::size_t target, const std::string& target_id, const std::vector<std::string>& lever_ids,
                      const std::vector<double>& bases, const std::vector<double>& factors) {
  detail::write_identity(root, s,
                         {kSolveFileType, kSolveFormatVersion, h.engine_version, h.git_sha, h.model, h.seed,
                          h.sampler, true},
                         w);
  h5::write_attr<std::uint64_t>(root, "draws", h.draws, w);
  h5::write_attr<std::int32_t>(root, "horizon_start", s.horizon.start, w);
  h5::write_attr<std::int32_t>(root, "horizon_end", s.horizon.end, w);
  h5::write_attr<double>(root, "seconds", seconds, w);
  {
    Hid g = h5::create_group(root, "target", w);
    const Target& tg = s.targets[target];
    h5::write_attr_string(g.get(), "id", target_id, w);
    h5::write_attr_string(g.get(), "indicator", tg.indicator, w);
    h5::write_attr_string(g.get(), "region", tg.region, w);
    h5::write_attr<std::int32_t>(g.get(), "year", tg.year, w);
    h5::write_attr<double>(g.get(), "value", tg.value, w);
    h5::write_attr_string(g.get(), "sense", sense_name(tg.sense), w);
    h5::write_attr_string(g.get(), "kind", tg.binding ? "binding" : "expected", w);
    const IndicatorNames* n = s.indicator(tg.indicator);
    h5::write_attr_string(g.get(), "name_en", n && !n->name_en.empty() ? n->name_en : tg.indicator, w);
    h5::write_attr_string(g.get(), "name_zh", n ? n->name_zh : std::string(), w);
    h5::write_attr_string(g.get(), "unit", n ? n->unit : std::string(), w);
  }
  Hid g = h5::create_group(root, "levers", w);
  std::vector<std::string> unit, en, zh;
  std::vector<double> value;
  for (std::size_t i = 0; i < lever_ids.size(); ++i) {
    const Lever& lever = *s.lever(lever_ids[i]);
    unit.push_back(lever.unit);
    en.push_back(lever.name_en.empty() ? lever_ids[i] : lever.name_en);
    zh.push_back(lever.name_zh);
    value.push_back(factors[i] * bases[i]);
  }
  h5::write_strings(g.get(), "id", lever_ids, w);
  h5::write_strings(g.get(), "unit", unit, w);
  h5::write_strings(g.get(), "name_en", en, w);
  h5::write_strings(g.get(), "name_zh", zh, w);
  h5::write_vector(g.get(), "base_value", bases, w);
  h5::write_vector(g.get(), "value", value, w);
}

}  // namespace

std::string format_solve_table(const Scenario& s, const SolveHeader& h, const SolveResult& r, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(r);
    case TableFormat::json: return format_json(s, h, r);
    case TableFormat::text: break;
  }
  return format_text(s, h, r);
}

void write_solve_file(const std::string& path, const Scenario& s, const SolveHeader& h, const SolveResult& r,
                      OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    std::vector<std::string> ids;
    std::vector<double> bases;
    for (const SolveLever& l : r.levers) ids.push_back(l.id), bases.push_back(l.base);
    write_solve_head(root, w, s, h, r.seconds, r.target, r.target_id, ids, bases,
                     std::vector<double>(ids.size(), r.scale));
    {
      Hid g = h5::create_group(root, "answer", w);
      h5::write_attr<double>(g.get(), "probability", r.probability, w);
      h5::write_attr<std::int32_t>(g.get(), "reachable", r.reachable ? 1 : 0, w);
      h5::write_attr<double>(g.get(), "scale", r.scale, w);
      h5::write_attr<double>(g.get(), "p_met", r.p_at_scale, w);
      h5::write_attr<double>(g.get(), "scale_lo", r.scale_lo, w);
      h5::write_attr<double>(g.get(), "scale_hi", r.scale_hi, w);
      h5::write_attr<double>(g.get(), "p_met_se", r.p_met_se, w);
      h5::write_attr<double>(g.get(), "lo", r.lo, w);
      h5::write_attr<double>(g.get(), "hi", r.hi, w);
      h5::write_attr<double>(g.get(), "tolerance", r.tolerance, w);
    }
    {
      Hid g = h5::create_group(root, "curve", w);
      std::vector<double> k, p, se, med, q05, q95;
      for (const SolvePoint& c : r.curve) {
        k.push_back(c.scale);
        p.push_back(c.p_met);
        se.push_back(c.p_met_se);
        med.push_back(c.median);
        q05.push_back(c.q05);
        q95.push_back(c.q95);
      }
      h5::write_vector(g.get(), "scale", k, w);
      h5::write_vector(g.get(), "p_met", p, w);
      h5::write_vector(g.get(), "p_met_se", se, w);
      h5::write_vector(g.get(), "median", med, w);
      h5::write_vector(g.get(), "q05", q05, w);
      h5::write_vector(g.get(), "q95", q95, w);
    }
  });
}

std::string format_mix_table(const Scenario& s, const SolveHeader& h, const MixResult& r, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return mix_csv(r);
    case TableFormat::json: return mix_json(s, h, r);
    case TableFormat::text: break;
  }
  return mix_text(s, h, r);
}

void write_mix_file(const std::string& path, const Scenario& s, const SolveHeader& h, const MixResult& r,
                    OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    std::vector<std::string> ids;
    std::vector<double> bases, factors, costs;
    for (const MixLever& l : r.levers) {
      ids.push_back(l.id);
      bases.push_back(l.base);
      factors.push_back(l.factor);
      costs.push_back(l.cost);
    }
    write_solve_head(root, w, s, h, r.seconds, r.target, r.target_id, ids, bases, factors);
    Hid g = h5::create_group(root, "mix", w);
    h5::write_attr<double>(g.get(), "probability", r.probability, w);
    h5::write_attr<std::int32_t>(g.get(), "reachable", r.reachable ? 1 : 0, w);
    h5::write_attr<double>(g.get(), "cost", r.reachable ? r.cost : std::nan(""), w);
    h5::write_attr<double>(g.get(), "cost_lo", r.cost_lo, w);
    h5::write_attr<double>(g.get(), "cost_hi", r.cost_hi, w);
    h5::write_attr<double>(g.get(), "scenario_cost", r.scenario_cost, w);
    h5::write_attr<double>(g.get(), "p_met", r.reachable ? r.at_answer.p_met : std::nan(""), w);
    h5::write_attr<double>(g.get(), "p_met_se", r.p_met_se, w);
    h5::write_attr<double>(g.get(), "lo", r.lo, w);
    h5::write_attr<double>(g.get(), "hi", r.hi, w);
    h5::write_attr<double>(g.get(), "tolerance", r.tolerance, w);
    h5::write_vector(g.get(), "cost_per_unit", costs, w);
    h5::write_vector(g.get(), "factor", factors, w);
    std::vector<double> shares, extra, p;
    for (const MixTried& m : r.mixes) {
      shares.insert(shares.end(), m.shares.begin(), m.shares.end());
      extra.push_back(m.extra_cost);
      p.push_back(m.p_met);
    }
    h5::write_array(g.get(), "tried_shares", {static_cast<hsize_t>(r.mixes.size()), static_cast<hsize_t>(r.levers.size())},
                    shares.data(), w);
    h5::write_vector(g.get(), "tried_extra_cost", extra, w);
    h5::write_vector(g.get(), "tried_p_met", p, w);
  });
}

}  // namespace innosim
