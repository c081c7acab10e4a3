// A calibration's diagnostics (calibration_table.hpp).

#include "innosim/outputs/calibration_table.hpp"

#include <fmt/format.h>

#include <cmath>

#include "innosim/outputs/text.hpp"

namespace innosim {

namespace {

std::string band(double lo, double hi, const std::string& unit) {
  return human_number(lo, unit) + " – " + human_number(hi, unit);
}

std::string header(const PosteriorRecord& rec) {
  const CalibrationResult& r = rec.result;
  std::string out = fmt::format(
      "Calibration of '{}' ({}) to observations '{}' ({} values): {} particles, seed {}, {} generations, {} "
      "simulations, {:.1f} s\n",
      rec.scenario_name, rec.model, rec.observations_name, rec.observations.size(), r.particles, rec.seed,
      r.generations.empty() ? 0 : r.generations.size() - 1, r.simulations, r.seconds);
  out += fmt::format("log evidence (log p(observations)): {:.2f}{}\n", r.log_evidence,
                     rec.path.empty() ? std::string() : "    posterior file: " + rec.path);
  return out;
}

std::string parameters_text(const PosteriorRecord& rec) {
  const CalibrationResult& r = rec.result;
  std::vector<std::vector<std::string>> cells = {
      {"Parameter", "Unit", "Prior median", "Prior 5–95 %", "Posterior median", "Posterior 5–95 %", "Shrinkage"}};
  for (std::size_t k = 0; k < r.shifts.size(); ++k) {
    const ParameterShift& s = r.shifts[k];
    const std::string& u = rec.parameter_units[k];
    cells.push_back({rec.parameter_ids[k], u, human_number(s.prior_median, u), band(s.prior_q05, s.prior_q95, u),
                     human_number(s.post_median, u), band(s.post_q05, s.post_q95, u),
                     fmt::format("{:.2f}", s.shrinkage)});
  }
  std::string out = "\nParameters: prior against posterior\n";
  out += aligned_columns(cells, {Align::left, Align::left, Align::right, Align::right, Align::right, Align::right,
                                 Align::right});
  out += "shrinkage = 1 − posterior variance / prior variance: 0 the data say nothing about the parameter, 1 they "
         "pin it down\n";
  return out;
}

std::string observations_text(const PosteriorRecord& rec) {
  const CalibrationResult& r = rec.result;
  std::vector<std::vector<std::string>> cells = {{"Indicator", "Region", "Year", "Unit", "Observed ± sd",
                                                  "Prior 5–95 %", "Posterior median", "Posterior 5–95 %", "Inside"}};
  std::size_t inside = 0;
  for (std::size_t j = 0; j < rec.observations.size() && j < r.fits.size(); ++j) {
    const Observation& o = rec.observations[j];
    const ObservationPredictive& f = r.fits[j];
    const std::string& u = o.unit;
    inside += f.inside ? 1 : 0;
    cells.push_back({o.indicator, o.region, std::to_string(o.year), u,
                     human_number(o.value, u) + " ± " + human_number(o.sd, u), band(f.prior_q05, f.prior_q95, u),
                     human_number(f.post_median, u), band(f.post_q05, f.post_q95, u), f.inside ? "yes" : "no"});
  }
  std::string out =
      "\nObservations: observed against the prior and posterior predictive (a replicate observation: the model's "
      "value plus measurement error)\n";
  out += aligned_columns(cells, {Align::left, Align::left, Align::right, Align::left, Align::right, Align::right,
                                 Align::right, Align::right, Align::left});
  const std::size_t n = rec.observations.size();
  out += fmt::format("coverage: {} of {} observations inside their posterior predictive 90 % band ({})\n", inside, n,
                     percent(n ? static_cast<double>(inside) / static_cast<double>(n) : std::nan("")));
  return out;
}

std::string generations_text(const PosteriorRecord& rec) {
  std::vector<std::vector<std::string>> cells = {{"Generation", "phi", "ESS", "Sweeps", "Parameter moves",
                                                  "Noise moves", "Parameter step", "Noise step", "Distinct", "Failed", "Seconds"}};
  for (const GenerationStats& g : rec.result.generations) {
    const bool prior = g.generation == 0;
    cells.push_back({std::to_string(g.generation), fmt::format("{:.4g}", g.phi), fmt::format("{:.0f}", g.ess),
                     prior ? "" : std::to_string(g.sweeps), prior ? "" : percent(g.acceptance_theta),
                     prior ? "" : percent(g.acceptance_noise), prior ? "" : fmt::format("{:.3g}", g.scale_theta),
                     prior ? "" : fmt::format("{:.3g}", g.beta_noise), std::to_string(g.distinct),
                     std::to_string(g.invalid), fmt::format("{:.2f}", g.seconds)});
  }
  std::string out = "\nGenerations: temperature phi (0 prior, 1 posterior), effective sample size after "
                    "reweighting, MCMC sweeps, the share of moves accepted and their Crank-Nicolson steps\n";
  out += aligned_columns(cells, std::vector<Align>(11, Align::right));
  return out;
}

std::string format_text(const PosteriorRecord& rec) {
  std::string out = header(rec) + parameters_text(rec) + observations_text(rec) + generations_text(rec);
  out += "\n";
  if (rec.result.warnings.empty()) return out + "No warnings.\n";
  out += "Warnings:\n";
  for (const std::string& w : rec.result.warnings) out += "  " + w + "\n";
  return out;
}

std::string format_csv(const PosteriorRecord& rec) {
  std::string out =
      "parameter,unit,prior_q05,prior_median,prior_q95,prior_sd,posterior_q05,posterior_median,posterior_q95,"
      "posterior_sd,shrinkage\n";
  for (std::size_t k = 0; k < rec.result.shifts.size(); ++k) {
    const ParameterShift& s = rec.result.shifts[k];
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(rec.parameter_ids[k]),
                       csv_field(rec.parameter_units[k]), exact_number(s.prior_q05), exact_number(s.prior_median),
                       exact_number(s.prior_q95), exact_number(s.prior_sd), exact_number(s.post_q05),
                       exact_number(s.post_median), exact_number(s.post_q95), exact_number(s.post_sd),
                       exact_number(s.shrinkage));
  }
  return out;
}

std::string format_json(const PosteriorRecord& rec) {
  const CalibrationResult& r = rec.result;
  std::string out = fmt::format(
      "{{\n  \"scenario\": {},\n  \"model\": {},\n  \"observations\": {},\n  \"particles\": {},\n  \"seed\": {},\n"
      "  \"reached\": {},\n  \"log_evidence\": {},\n  \"simulations\": {},\n  \"seconds\": {},\n  \"parameters\": [",
      json_string(rec.scenario_name), json_string(rec.model), json_string(rec.observations_name), r.particles,
      rec.seed, r.reached ? "true" : "false", json_number(r.log_evidence), r.simulations, json_number(r.seconds));
  for (std::size_t k = 0; k < r.shifts.size(); ++k) {
    const ParameterShift& s = r.shifts[k];
    out += fmt::format(
        "{}\n    {{\"id\": {}, \"unit\": {}, \"prior\": {{\"q05\": {}, \"median\": {}, \"q95\": {}, \"sd\": {}}}, "
        "\"posterior\": {{\"q05\": {}, \"median\": {}, \"q95\": {}, \"sd\": {}}}, \"shrinkage\": {}}}",
        k ? "," : "", json_string(rec.parameter_ids[k]), json_string(rec.parameter_units[k]),
        json_number(s.prior_q05), json_number(s.prior_median), json_number(s.prior_q95), json_number(s.prior_sd),
        json_number(s.post_q05), json_number(s.post_median), json_number(s.post_q95), json_number(s.post_sd),
        json_number(s.shrinkage));
  }
  out += "\n  ],\n  \"observations_fit\": [";
  for (std::size_t j = 0; j < rec.observations.size() && j < r.fits.size(); ++j) {
    const Observation& o = rec.observations[j];
    const ObservationPredictive& f = r.fits[j];
    out += fmt::format(
        "{}\n    {{\"indicator\": {}, \"region\": {}, \"year\": {}, \"unit\": {}, \"observed\": {}, \"sd\": {}, "
        "\"prior\": {{\"q05\": {}, \"median\": {}, \"q95\": {}}}, \"posterior\": {{\"q05\": {}, \"median\": {}, "
        "\"q95\": {}}}, \"inside\": {}}}",
        j ? "," : "", json_string(o.indicator), json_string(o.region), o.year, json_string(o.unit),
        json_number(o.value), json_number(o.sd), json_number(f.prior_q05), json_number(f.prior_median),
        json_number(f.prior_q95), json_number(f.post_q05), json_number(f.post_median), json_number(f.post_q95),
        f.inside ? "true" : "false");
  }
  out += "\n  ],\n  \"generations\": [";
  for (std::size_t t = 0; t < r.generations.size(); ++t) {
    const GenerationStats& g = r.generations[t];
    out += fmt::format(
        "{}\n    {{\"generation\": {}, \"phi\": {}, \"ess\": {}, \"sweeps\": {}, \"acceptance_theta\": {}, "
        "\"acceptance_noise\": {}, \"scale_theta\": {}, \"beta_noise\": {}, \"distinct\": {}, \"invalid\": {}}}",
        t ? "," : "", g.generation, json_number(g.phi), json_number(g.ess), g.sweeps, json_number(g.acceptance_theta),
        json_number(g.acceptance_noise), json_number(g.scale_theta), json_number(g.beta_noise), g.distinct,
        g.invalid);
  }
  out += "\n  ],\n  \"warnings\": [";
  for (std::size_t k = 0; k < r.warnings.size(); ++k) out += (k ? ", " : "") + json_string(r.warnings[k]);
  out += "]\n}\n";
  return out;
}

}  // namespace

std::string format_calibration(const PosteriorRecord& record, TableFormat format) {
  switch (format) {
    case TableFormat::csv: return format_csv(record);
    case TableFormat::json: return format_json(record);
    case TableFormat::text: break;
  }
  return format_text(record);
}

}  // namespace innosim
