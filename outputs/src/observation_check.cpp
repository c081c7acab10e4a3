// A run against observed values (observation_check.hpp).

#include "innosim/outputs/observation_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "innosim/outputs/text.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace {

std::size_t level_index(const Summary& s, double level, const std::string& path) {
  for (std::size_t q = 0; q < s.quantile_levels.size(); ++q)
    if (std::abs(s.quantile_levels[q] - level) < 1e-12) return q;
  throw std::runtime_error(fmt::format("{}: /meta/quantile_levels lacks {}", path, level));
}

std::string short_reason(const ObservationMatch& m, const Observation& o) {
  switch (m.fit) {
    case ObservationFit::unknown_indicator: return fmt::format("the run has no indicator '{}'", o.indicator);
    case ObservationFit::unknown_region: return fmt::format("the run has no region '{}'", o.region);
    case ObservationFit::year_outside: return fmt::format("{} is not a report year of the run", o.year);
    default: return m.problem ? m.problem->message : std::string();
  }
}

// Coverage per indicator, in the order indicators first appear.
struct Coverage {
  std::string indicator;
  std::size_t compared = 0, inside = 0;
};

std::vector<Coverage> by_indicator(const ObservationCheck& c) {
  std::vector<Coverage> out;
  for (const ObservationRow& r : c.rows) {
    if (!r.in_run) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const Coverage& x) { return x.indicator == r.obs.indicator; });
    if (it == out.end()) it = out.insert(out.end(), Coverage{r.obs.indicator});
    ++it->compared;
    it->inside += r.inside ? 1 : 0;
  }
  return out;
}

std::string share_text(std::size_t k, std::size_t n) {
  return fmt::format("{} of {} ({})", k, n, percent(n ? static_cast<double>(k) / static_cast<double>(n) : std::nan("")));
}

std::string format_text(const ObservationCheck& c) {
  std::string out = fmt::format("Run '{}' ({}, {} valid draws) against observations '{}' ({})\n\n", c.scenario_name,
                                c.run_path, c.draws_valid, c.observations_name, c.observations_path);
  std::vector<std::vector<std::string>> cells = {
      {"Indicator", "Region", "Year", "Unit", "Observed ± sd", "Median", "5–95 %", "Inside"}};
  bool any_exact = false, any_sketch = false;
  for (const ObservationRow& r : c.rows) {
    if (!r.in_run) continue;
    const std::string& u = r.obs.unit;
    any_exact = any_exact || r.exact;
    any_sketch = any_sketch || !r.exact;
    cells.push_back({r.obs.indicator, r.obs.region, std::to_string(r.obs.year), u,
                     human_number(r.obs.value, u) + " ± " + human_number(r.obs.sd, u),
                     human_number(r.median, u) + (r.exact ? " =" : ""),
                     human_number(r.q05, u) + " – " + human_number(r.q95, u), r.inside ? "yes" : "no"});
  }
  out += aligned_columns(cells, {Align::left, Align::left, Align::right, Align::left, Align::right, Align::right,
                                 Align::right, Align::left});
  if (any_exact) out += "= quantiles of every draw's value (stored per draw in the run file)\n";
  if (any_sketch)
    out += fmt::format(
        "{}bands from the run's yearly summaries: sketch quantiles, within {:.2g} % (relative) of the exact ones\n",
        any_exact ? "other " : "", 100.0 * c.sketch_accuracy);

  out += fmt::format("\ncoverage: {} observations inside the model's 90 % band\n",
                     share_text(c.inside(), c.compared()));
  for (const Coverage& k : by_indicator(c))
    out += fmt::format("  {}: {}\n", k.indicator, share_text(k.inside, k.compared));

  const std::size_t missing = c.rows.size() - c.compared();
  if (missing) {
    out += fmt::format("\nnot in the run ({} observation{}):\n", missing, missing == 1 ? "" : "s");
    // One line per series and reason: "gdp ningxia 2010, 2011: the run has no indicator 'gdp'".
    for (std::size_t i = 0; i < c.rows.size();) {
      const ObservationRow& r = c.rows[i];
      if (r.in_run) {
        ++i;
        continue;
      }
      std::string years = std::to_string(r.obs.year);
      std::size_t j = i + 1;
      for (; j < c.rows.size() && !c.rows[j].in_run && c.rows[j].obs.series == r.obs.series &&
             c.rows[j].not_in_run == r.not_in_run;
           ++j)
        years += ", " + std::to_string(c.rows[j].obs.year);
      out += fmt::format("  {} {} {}: {}\n", r.obs.indicator, r.obs.region, years, r.not_in_run);
      i = j;
    }
  }
  return out;
}

std::string format_csv(const ObservationCheck& c) {
  std::string out = "indicator,region,year,unit,observed,sd,in_run,median,q05,q95,inside,quantiles,note\n";
  for (const ObservationRow& r : c.rows) {
    const Observation& o = r.obs;
    out += fmt::format("{},{},{},{},{},{},{},", csv_field(o.indicator), csv_field(o.region), o.year,
                       csv_field(o.unit), exact_number(o.value), exact_number(o.sd), r.in_run ? "true" : "false");
    if (r.in_run)
      out += fmt::format("{},{},{},{},{},\n", exact_number(r.median), exact_number(r.q05), exact_number(r.q95),
                         r.inside ? "true" : "false", r.exact ? "exact" : "sketch");
    else
      out += fmt::format(",,,,,{}\n", csv_field(r.not_in_run));
  }
  return out;
}

std::string format_json(const ObservationCheck& c) {
  std::string out = fmt::format(
      "{{\n  \"run\": {},\n  \"scenario\": {},\n  \"observations\": {},\n  \"observations_name\": {},\n"
      "  \"draws_valid\": {},\n  \"sketch_relative_accuracy\": {},\n  \"rows\": [",
      json_string(c.run_path), json_string(c.scenario_name), json_string(c.observations_path),
      json_string(c.observations_name), c.draws_valid, json_number(c.sketch_accuracy));
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const ObservationRow& r = c.rows[i];
    const Observation& o = r.obs;
    out += fmt::format(
        "{}\n    {{\"indicator\": {}, \"region\": {}, \"year\": {}, \"unit\": {}, \"observed\": {}, \"sd\": {}, "
        "\"source\": {}, \"in_run\": {}",
        i ? "," : "", json_string(o.indicator), json_string(o.region), o.year, json_string(o.unit),
        json_number(o.value), json_number(o.sd), json_string(o.source), r.in_run ? "true" : "false");
    if (r.in_run)
      out += fmt::format(", \"median\": {}, \"q05\": {}, \"q95\": {}, \"inside\": {}, \"quantiles\": \"{}\"}}",
                         json_number(r.median), json_number(r.q05), json_number(r.q95), r.inside ? "true" : "false",
                         r.exact ? "exact" : "sketch");
    else
      out += fmt::format(", \"note\": {}}}", json_string(r.not_in_run));
  }
  out += fmt::format("\n  ],\n  \"coverage\": {{\"compared\": {}, \"inside\": {}, \"by_indicator\": [", c.compared(),
                     c.inside());
  const auto cov = by_indicator(c);
  for (std::size_t k = 0; k < cov.size(); ++k)
    out += fmt::format("{}{{\"indicator\": {}, \"compared\": {}, \"inside\": {}}}", k ? ", " : "",
                       json_string(cov[k].indicator), cov[k].compared, cov[k].inside);
  out += "]}\n}\n";
  return out;
}

}  // namespace

std::size_t ObservationCheck::compared() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.in_run; }));
}

std::size_t ObservationCheck::inside() const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.in_run && r.inside; }));
}

ObservationCheck check_observations(const RunFile& run, const ObservationSet& obs) {
  ObservationScope scope;
  for (std::size_t i = 0; i < run.shape.num_indicators(); ++i)
    scope.indicators.push_back({run.shape.indicators[i], run.shape.units[i], false});
  scope.regions = run.shape.regions;
  scope.years = run.shape.years;
  std::string years;
  for (int y : scope.years) years += (years.empty() ? "" : ", ") + std::to_string(y);
  scope.years_what = fmt::format("the run's report years ({})", years);
  const std::vector<ObservationMatch> matches = match_observations(obs, scope);

  std::vector<Problem> problems;
  for (const ObservationMatch& m : matches)
    if (m.fit == ObservationFit::unit_mismatch || m.fit == ObservationFit::negative_stock) problems.push_back(*m.problem);
  if (!problems.empty()) throw ScenarioError(std::move(problems));

  ObservationCheck c;
  c.run_path = run.path;
  c.scenario_name = run.scenario_name;
  c.observations_path = obs.file;
  c.observations_name = obs.name;
  c.draws_valid = run.info.draws_valid;
  c.sketch_accuracy = run.summary.quantile_relative_accuracy;
  const std::size_t Q = run.summary.quantile_levels.size();
  const std::size_t q05 = level_index(run.summary, 0.05, run.path), q50 = level_index(run.summary, 0.5, run.path),
                    q95 = level_index(run.summary, 0.95, run.path);
  for (std::size_t k = 0; k < matches.size(); ++k) {
    const ObservationMatch& m = matches[k];
    ObservationRow row;
    row.obs = obs.observations[k];
    if (m.fit != ObservationFit::ok) {
      row.not_in_run = short_reason(m, row.obs);
      c.rows.push_back(std::move(row));
      continue;
    }
    row.in_run = true;
    if (auto draws = read_series_draws(run, m.indicator, m.region, m.year)) {
      const auto end = std::remove_if(draws->begin(), draws->end(), [](double x) { return std::isnan(x); });
      const auto n = static_cast<std::size_t>(end - draws->begin());
      if (n > 0) {
        row.exact = true;
        row.q05 = quantile_linear(*draws, n, 0.05);
        row.median = quantile_linear(*draws, n, 0.5);
        row.q95 = quantile_linear(*draws, n, 0.95);
      }
    }
    if (!row.exact) {
      // Sketch quantiles, kept within the exact range of the draws (a
      // series that does not vary, such as a start-year value, is exact).
      const std::size_t s = run.shape.index(m.indicator, m.region, m.year);
      const auto sketch = [&](std::size_t q) {
        return std::clamp(run.summary.quantiles[s * Q + q], run.summary.min[s], run.summary.max[s]);
      };
      row.q05 = sketch(q05);
      row.median = sketch(q50);
      row.q95 = sketch(q95);
    }
    // Inside, up to floating-point round-off: a start-year value the model
    // computes from shares (45.999999999999986) equals the observed 46.
    const double x = row.obs.value;
    const double tol = 1e-9 * std::max({std::abs(x), std::abs(row.q05), std::abs(row.q95)});
    row.inside = row.q05 - tol <= x && x <= row.q95 + tol;
    c.rows.push_back(std::move(row));
  }
  if (c.compared() == 0) {
    std::vector<std::string> have;
    for (const auto& i : scope.indicators) have.push_back(i.id);
    throw ScenarioError({Problem{SourceLoc{obs.file, 0, 0}, "",
                                 fmt::format("no observation is in the run {} (its indicators: {}; regions: {}; {})",
                                             run.path, fmt::join(have, ", "), fmt::join(scope.regions, ", "), scope.years_what)}});
  }
  return c;
}

std::string format_observation_check(const ObservationCheck& check, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(check);
    case TableFormat::json: return format_json(check);
    case TableFormat::text: break;
  }
  return format_text(check);
}

}  // namespace innosim
