#include "innosim/outputs/sensitivity_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "detail/indent.hpp"
#include "detail/labels.hpp"
#include "innosim/outputs/text.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace {

constexpr const char* kNoise = "yearly noise";

// The outputs of target t: its value in the target year and its met event.
struct TargetOutputs {
  std::size_t value = 0, met = 0;
};

TargetOutputs outputs_of(const SensitivityResult& r, std::size_t t, int year) {
  TargetOutputs out;
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    if (r.outputs[o].target != t) continue;
    if (r.outputs[o].kind == SensitivityOutput::Kind::met) out.met = o;
    else if (r.outputs[o].year == year) out.value = o;
  }
  return out;
}

// The targets analysed, in scenario order.
std::vector<std::size_t> analysed_targets(const SensitivityResult& r) {
  std::vector<std::size_t> ts;
  for (const SensitivityOutput& o : r.outputs)
    if (ts.empty() || ts.back() != o.target) ts.push_back(o.target);
  return ts;
}

std::string index_cell(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:.2f}", x); }

std::string estimate_cell(const Estimate& e) {
  if (std::isnan(e.value)) return "n/a";
  return fmt::format("{:.2f} ({:.2f}–{:.2f})", e.value, e.lo, e.hi);
}

double key(double x) { return std::isnan(x) ? -std::numeric_limits<double>::infinity() : x; }

// Factors of one output by decreasing total index (Sobol) or μ* (Morris only).
std::vector<std::size_t> ranking(const SensitivityResult& r, std::size_t o) {
  std::vector<std::size_t> order(r.groups.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto score = [&](std::size_t g) {
    return r.sobol ? key(r.sobol->indices[o].total[g].value) : key(r.morris->effects[o].mu_star[g].value);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score(a) > score(b); });
  return order;
}

std::string header_text(const Scenario& s, const SensitivityHeader& h, const SensitivityResult& r) {
  std::string out = fmt::format("Sensitivity of scenario '{}', seed {}: {} factors over {} uncertain parameters\n",
                                s.name, h.seed, r.groups.size(), r.dimension_parameters.size());
  if (r.sobol)
    out += fmt::format("  Sobol indices: Saltelli design, {} base samples x {} rows = {} runs; {:.0f} % bootstrap "
                       "intervals ({} resamples)\n",
                       r.sobol->base_samples, r.groups.size() + 3, r.sobol->run.rows, 100 * h.confidence,
                       h.resamples);
  if (r.morris)
    out += fmt::format("  Morris screen: {} trajectories x {} rows = {} runs, {} levels\n", r.morris->trajectories,
                       r.groups.size() + 1, r.morris->run.rows, r.morris->levels);
  return out;
}

std::string format_text(const Scenario& s, const SensitivityHeader& h, const SensitivityResult& r, std::size_t top) {
  std::string out = header_text(s, h, r);
  const bool sobol = r.sobol.has_value(), morris = r.morris.has_value();
  for (std::size_t t : analysed_targets(r)) {
    const Target& tg = s.targets[t];
    const TargetOutputs to = outputs_of(r, t, tg.year);
    out += fmt::format("\nT{} {} in {}", t + 1, detail::target_cell(s.indicators, tg, 60), tg.year);
    if (sobol)
      out += fmt::format(": mean {}, P(met) {}", compact_number(r.sobol->indices[to.value].mean),
                         percent(r.sobol->indices[to.met].mean));
    out += "\n";
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head = {"rank", "factor"};
    if (sobol) head.insert(head.end(), {"S1 (95 %)", "ST (95 %)", "met: S1", "met: ST (95 %)"});
    if (morris) head.insert(head.end(), {"μ* (95 %)", "σ"});
    if (h.confidence != 0.95)
      for (std::string& c : head) {
        const auto at = c.find("95 %");
        if (at != std::string::npos) c.replace(at, 4, fmt::format("{:.0f} %", 100 * h.confidence));
      }
    rows.push_back(head);
    const std::vector<std::size_t> order = ranking(r, to.value);
    const std::size_t shown = std::min(top, order.size());
    for (std::size_t i = 0; i < shown; ++i) {
      const std::size_t g = order[i];
      std::vector<std::string> row = {std::to_string(i + 1), r.groups[g].name};
      if (sobol) {
        const SobolIndices& v = r.sobol->indices[to.value];
        const SobolIndices& m = r.sobol->indices[to.met];
        row.insert(row.end(), {estimate_cell(v.first[g]), estimate_cell(v.total[g]), index_cell(m.first[g].value),
                               estimate_cell(m.total[g])});
      }
      if (morris) {
        const MorrisEffects& e = r.morris->effects[to.value];
        row.push_back(std::isnan(e.mu_star[g].value) ? "n/a"
                                                     : fmt::format("{} ({}–{})", compact_number(e.mu_star[g].value),
                                                                   compact_number(e.mu_star[g].lo),
                                                                   compact_number(e.mu_star[g].hi)));
        row.push_back(std::isnan(e.sigma[g]) ? "n/a" : compact_number(e.sigma[g]));
      }
      rows.push_back(row);
    }
    if (sobol) {
      const SobolIndices& v = r.sobol->indices[to.value];
      const SobolIndices& m = r.sobol->indices[to.met];
      std::vector<std::string> row = {"", kNoise, estimate_cell(v.noise_first), estimate_cell(v.noise_total),
                                      index_cell(m.noise_first.value), estimate_cell(m.noise_total)};
      if (morris) row.insert(row.end(), {"", ""});
      rows.push_back(row);
    }
    std::vector<Align> align(rows.front().size(), Align::left);
    align[0] = Align::right;
    out += detail::indent_lines(aligned_columns(rows, align), "  ");
    if (order.size() > shown) {
      const std::size_t g = order[shown];
      out += sobol ? fmt::format("  and {} more factors, each with ST ≤ {}\n", order.size() - shown,
                                 index_cell(r.sobol->indices[to.value].total[g].value))
                   : fmt::format("  and {} more factors, each with μ* ≤ {}\n", order.size() - shown,
                                 compact_number(r.morris->effects[to.value].mu_star[g].value));
    }
  }
  out += "\nS1, ST: first-order and total Sobol indices of the target-year value (share of its variance); met: of the "
         "event 'target met'.\n";
  if (morris) out += "μ*, σ: Morris mean absolute and standard deviation of the elementary effects (output units).\n";
  out += "Factors act on the sampler's independent uniforms; every year's indices: --format csv or the HDF5 file "
         "(docs/analysis.md).\n";
  return out;
}

std::string num(double x) { return std::isnan(x) ? "" : exact_number(x); }

std::string format_csv(const Scenario& s, const SensitivityResult& r) {
  const std::vector<std::string> ids = target_ids(s.targets);
  std::string out = "target,output,year,factor,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,mu_star,mu_star_lo,mu_star_hi,mu,sigma\n";
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    const SensitivityOutput& x = r.outputs[o];
    const std::string lead = fmt::format("{},{},{},", csv_field(ids[x.target]),
                                         x.kind == SensitivityOutput::Kind::met ? "met" : "value", x.year);
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      out += lead + csv_field(r.groups[g].name);
      if (r.sobol) {
        const SobolIndices& ix = r.sobol->indices[o];
        for (const Estimate& e : {ix.first[g], ix.total[g]}) out += fmt::format(",{},{},{}", num(e.value), num(e.lo), num(e.hi));
      } else {
        out += ",,,,,,";
      }
      if (r.morris) {
        const MorrisEffects& e = r.morris->effects[o];
        out += fmt::format(",{},{},{},{},{}", num(e.mu_star[g].value), num(e.mu_star[g].lo), num(e.mu_star[g].hi),
                           num(e.mu[g]), num(e.sigma[g]));
      } else {
        out += ",,,,,";
      }
      out += "\n";
    }
    if (r.sobol) {
      const SobolIndices& ix = r.sobol->indices[o];
      out += lead + csv_field(kNoise);
      for (const Estimate& e : {ix.noise_first, ix.noise_total})
        out += fmt::format(",{},{},{}", num(e.value), num(e.lo), num(e.hi));
      out += ",,,,,\n";
    }
  }
  return out;
}

std::string json_array(const std::vector<double>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + json_number(xs[i]);
  return out + "]";
}

// One field (value, lo or hi) of every estimate.
std::string json_estimates(const std::vector<Estimate>& es, double Estimate::*field) {
  std::vector<double> xs;
  for (const Estimate& e : es) xs.push_back(e.*field);
  return json_array(xs);
}

std::string json_estimate(const Estimate& e) {
  return fmt::format("{{\"value\": {}, \"lo\": {}, \"hi\": {}}}", json_number(e.value), json_number(e.lo),
                     json_number(e.hi));
}

std::string format_json(const Scenario& s, const SensitivityHeader& h, const SensitivityResult& r) {
  const std::vector<std::string> ids = target_ids(s.targets);
  std::string out = fmt::format("{{\n  \"scenario\": {},\n  \"seed\": {},\n  \"confidence\": {},\n  \"resamples\": {},\n",
                                json_string(s.name), h.seed, json_number(h.confidence), h.resamples);
  out += r.sobol ? fmt::format("  \"sobol\": {{\"base_samples\": {}, \"runs\": {}}},\n", r.sobol->base_samples,
                               r.sobol->run.rows)
                 : "  \"sobol\": null,\n";
  out += r.morris ? fmt::format("  \"morris\": {{\"trajectories\": {}, \"levels\": {}, \"runs\": {}}},\n",
                                r.morris->trajectories, r.morris->levels, r.morris->run.rows)
                  : "  \"morris\": null,\n";
  out += "  \"factors\": [";
  for (std::size_t g = 0; g < r.groups.size(); ++g) {
    out += fmt::format("{}\n    {{\"name\": {}, \"declared\": {}, \"parameters\": [", g ? "," : "",
                       json_string(r.groups[g].name), r.groups[g].declared ? "true" : "false");
    for (std::size_t i = 0; i < r.groups[g].dims.size(); ++i)
      out += (i ? ", " : "") + json_string(r.dimension_parameters[r.groups[g].dims[i]]);
    out += "]}";
  }
  out += "\n  ],\n  \"outputs\": [";
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    const SensitivityOutput& x = r.outputs[o];
    out += fmt::format("{}\n    {{\"target\": {}, \"output\": \"{}\", \"year\": {}", o ? "," : "",
                       json_string(ids[x.target]), x.kind == SensitivityOutput::Kind::met ? "met" : "value", x.year);
    if (r.sobol) {
      const SobolIndices& ix = r.sobol->indices[o];
      out += fmt::format(",\n     \"mean\": {}, \"variance\": {},\n     \"sobol\": {{\"S1\": {}, \"S1_lo\": {}, "
                         "\"S1_hi\": {},\n       \"ST\": {}, \"ST_lo\": {}, \"ST_hi\": {},\n       \"noise_S1\": {}, "
                         "\"noise_ST\": {}}}",
                         json_number(ix.mean), json_number(ix.variance), json_estimates(ix.first, &Estimate::value),
                         json_estimates(ix.first, &Estimate::lo), json_estimates(ix.first, &Estimate::hi), json_estimates(ix.total, &Estimate::value),
                         json_estimates(ix.total, &Estimate::lo), json_estimates(ix.total, &Estimate::hi), json_estimate(ix.noise_first),
                         json_estimate(ix.noise_total));
    }
    if (r.morris) {
      const MorrisEffects& e = r.morris->effects[o];
      out += fmt::format(",\n     \"morris\": {{\"mu_star\": {}, \"mu_star_lo\": {}, \"mu_star_hi\": {}, \"mu\": {}, "
                         "\"sigma\": {}}}",
                         json_estimates(e.mu_star, &Estimate::value), json_estimates(e.mu_star, &Estimate::lo), json_estimates(e.mu_star, &Estimate::hi),
                         json_array(e.mu), json_array(e.sigma));
    }
    out += "}";
  }
  out += "\n  ]\n}\n";
  return out;
}

}  // namespace

std::string format_sensitivity_table(const Scenario& scenario, const SensitivityHeader& header,
                                     const SensitivityResult& result, TableFormat format, std::size_t top) {
  switch (format) {
    case TableFormat::csv: return format_csv(scenario, result);
    case TableFormat::json: return format_json(scenario, header, result);
    case TableFormat::text: break;
  }
  return format_text(scenario, header, result, top);
}

}  // namespace innosim
