// The posterior file (posterior_file.hpp; schema: docs/hdf5-schema.md,
// "Posterior files"). Per-particle datasets keep particles on the last axis,
// like the draws of a run file: [P, N].

#include "innosim/outputs/posterior_file.hpp"

#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/meta.hpp"
#include "detail/whole_file.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kPosteriorFileType = "innosim-posterior";
constexpr int kPosteriorFormatVersion = 2;  // 2: checksums (/integrity), as every innosim file

// The datasets of /generations and the GenerationStats field each holds;
// the writer and the reader go through the same tables.
constexpr std::pair<const char*, double GenerationStats::*> kGenerationReals[] = {
    {"phi", &GenerationStats::phi},
    {"ess", &GenerationStats::ess},
    {"log_evidence_step", &GenerationStats::log_evidence_step},
    {"acceptance_theta", &GenerationStats::acceptance_theta},
    {"acceptance_noise", &GenerationStats::acceptance_noise},
    {"scale_theta", &GenerationStats::scale_theta},
    {"beta_noise", &GenerationStats::beta_noise},
    {"seconds", &GenerationStats::seconds}};
constexpr std::pair<const char*, std::size_t GenerationStats::*> kGenerationCounts[] = {
    {"sweeps", &GenerationStats::sweeps}, {"distinct", &GenerationStats::distinct},
    {"invalid", &GenerationStats::invalid}};

// [N][P] particle-major -> [P][N].
std::vector<double> transposed(const std::vector<double>& x, std::size_t n, std::size_t p) {
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < p; ++k) out[k * n + i] = x[i * p + k];
  return out;
}

void write_matrix(hid_t g, const char* name, const std::vector<double>& x, std::size_t n, std::size_t p,
                  const h5::Where& w) {
  h5::write_array(g, name, {static_cast<hsize_t>(p), static_cast<hsize_t>(n)}, transposed(x, n, p).data(), w);
}

std::vector<double> read_matrix(hid_t g, const char* name, std::size_t n, std::size_t p, const h5::Where& w) {
  return transposed(h5::read_array<double>(g, name, w, nullptr, {{static_cast<hsize_t>(p), static_cast<hsize_t>(n)}}),
                    p, n);
}

template <class T, class S, class F>
std::vector<T> column(const std::vector<S>& rows, F get) {
  std::vector<T> out;
  for (const S& r : rows) out.push_back(static_cast<T>(get(r)));
  return out;
}

void write_layout(hid_t root, const Scenario& s, const ObservationSet& obs, const PosteriorRecord& rec,
                  const h5::Where& w) {
  const CalibrationResult& r = rec.result;
  const std::size_t N = r.particles, P = r.parameters.size(), J = rec.observations.size(),
                    Q = r.levels.size(), F = r.fan_indicator.size(), Y = r.fan_years.size();
  h5::write_attr_string(root, "file_type", kPosteriorFileType, w);
  h5::write_attr<std::int32_t>(root, "format_version", kPosteriorFormatVersion, w);
  h5::write_attr_string(root, "engine_version", rec.engine_version, w);
  h5::write_attr_string(root, "git_sha", rec.git_sha, w);
  h5::write_attr_string(root, "created_utc", detail::utc_now_iso8601(), w);
  h5::write_attr_string(root, "scenario_name", rec.scenario_name, w);
  h5::write_attr_string(root, "model", rec.model, w);
  h5::write_attr_string(root, "method", "smc-tempering", w);
  h5::write_attr<std::uint64_t>(root, "seed", rec.seed, w);
  h5::write_attr<std::uint64_t>(root, "particles", N, w);
  h5::write_attr<std::int32_t>(root, "reached", r.reached ? 1 : 0, w);
  h5::write_attr<double>(root, "log_evidence", r.log_evidence, w);
  h5::write_attr<std::uint64_t>(root, "simulations", r.simulations, w);
  h5::write_attr<std::int32_t>(root, "threads", static_cast<std::int32_t>(rec.threads), w);
  h5::write_attr<double>(root, "seconds", r.seconds, w);
  h5::write_attr<double>(root, "ess_fraction", rec.settings.ess_fraction, w);
  h5::write_attr<double>(root, "stay_probability", rec.settings.stay_probability, w);
  h5::write_attr<std::uint64_t>(root, "min_sweeps", rec.settings.min_sweeps, w);
  h5::write_attr<std::uint64_t>(root, "max_sweeps", rec.settings.max_sweeps, w);
  h5::write_attr<std::uint64_t>(root, "max_generations", rec.settings.max_generations, w);
  h5::write_attr<std::int32_t>(root, "horizon_start", s.horizon.start, w);
  h5::write_attr<std::int32_t>(root, "horizon_end", s.horizon.end, w);
  h5::write_strings(root, "warnings", r.warnings, w);

  detail::write_scenario_group(root, s, w);
  {
    Hid g = h5::create_group(root, "observations", w);
    h5::write_attr_string(g.get(), "name", rec.observations_name, w);
    h5::write_attr_string(g.get(), "file_path", rec.observations_file, w);
    h5::write_string_scalar(g.get(), "text", obs.text, w);
    const auto& o = rec.observations;
    h5::write_strings(g.get(), "indicator", column<std::string>(o, [](const Observation& x) { return x.indicator; }), w);
    h5::write_strings(g.get(), "region", column<std::string>(o, [](const Observation& x) { return x.region; }), w);
    h5::write_strings(g.get(), "unit", column<std::string>(o, [](const Observation& x) { return x.unit; }), w);
    h5::write_strings(g.get(), "source", column<std::string>(o, [](const Observation& x) { return x.source; }), w);
    h5::write_vector(g.get(), "year", column<std::int32_t>(o, [](const Observation& x) { return x.year; }), w);
    h5::write_vector(g.get(), "value", column<double>(o, [](const Observation& x) { return x.value; }), w);
    h5::write_vector(g.get(), "sd", column<double>(o, [](const Observation& x) { return x.sd; }), w);
  }
  {
    Hid g = h5::create_group(root, "parameters", w);
    h5::write_strings(g.get(), "id", rec.parameter_ids, w);
    h5::write_strings(g.get(), "unit", rec.parameter_units, w);
    h5::write_strings(g.get(), "source", rec.parameter_sources, w);
    h5::write_strings(g.get(), "prior", rec.parameter_priors, w);
    const auto& sh = r.shifts;
    const std::pair<const char*, double ParameterShift::*> stats[] = {
        {"prior_q05", &ParameterShift::prior_q05},   {"prior_median", &ParameterShift::prior_median},
        {"prior_q95", &ParameterShift::prior_q95},   {"prior_sd", &ParameterShift::prior_sd},
        {"posterior_q05", &ParameterShift::post_q05}, {"posterior_median", &ParameterShift::post_median},
        {"posterior_q95", &ParameterShift::post_q95}, {"posterior_sd", &ParameterShift::post_sd},
        {"shrinkage", &ParameterShift::shrinkage}};
    for (const auto& [name, field] : stats)
      h5::write_vector(g.get(), name, column<double>(sh, [f = field](const ParameterShift& x) { return x.*f; }), w);
  }
  {
    Hid g = h5::create_group(root, "prior", w);
    write_matrix(g.get(), "theta", r.prior_theta, N, P, w);
    h5::write_vector(g.get(), "log_likelihood", r.prior_loglik, w);
  }
  {
    Hid g = h5::create_group(root, "particles", w);
    write_matrix(g.get(), "theta", r.weighted_theta, N, P, w);
    h5::write_vector(g.get(), "weight", r.weights, w);
    h5::write_vector(g.get(), "log_likelihood", r.weighted_loglik, w);
    h5::write_vector(g.get(), "ancestor", r.weighted_ancestor, w);
  }
  {
    Hid g = h5::create_group(root, "resampled", w);
    write_matrix(g.get(), "theta", r.theta, N, P, w);
    h5::write_vector(g.get(), "log_likelihood", r.loglik, w);
    h5::write_vector(g.get(), "ancestor", r.ancestor, w);
  }
  {
    Hid g = h5::create_group(root, "generations", w);
    const auto& gs = r.generations;
    for (const auto& [name, field] : kGenerationReals)
      h5::write_vector(g.get(), name, column<double>(gs, [f = field](const GenerationStats& x) { return x.*f; }), w);
    for (const auto& [name, field] : kGenerationCounts)
      h5::write_vector(g.get(), name,
                       column<std::uint64_t>(gs, [f = field](const GenerationStats& x) { return x.*f; }), w);
  }
  {
    Hid g = h5::create_group(root, "predictive", w);
    h5::write_vector(g.get(), "levels", r.levels, w);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(J), static_cast<hsize_t>(Q)};
    h5::write_array(g.get(), "prior_model", dims, r.prior_model_q.data(), w);
    h5::write_array(g.get(), "prior_replicate", dims, r.prior_replicate_q.data(), w);
    h5::write_array(g.get(), "posterior_model", dims, r.post_model_q.data(), w);
    h5::write_array(g.get(), "posterior_replicate", dims, r.post_replicate_q.data(), w);
    h5::write_vector(g.get(), "inside",
                     column<std::uint8_t>(r.fits, [](const ObservationPredictive& f) { return f.inside; }), w);
  }
  {
    Hid g = h5::create_group(root, "fan", w);
    h5::write_strings(g.get(), "indicator", r.fan_indicator, w);
    h5::write_strings(g.get(), "region", r.fan_region, w);
    h5::write_vector(g.get(), "years", std::vector<std::int32_t>(r.fan_years.begin(), r.fan_years.end()), w);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(F), static_cast<hsize_t>(Y), static_cast<hsize_t>(Q)};
    h5::write_array(g.get(), "prior", dims, r.fan_prior_q.data(), w);
    h5::write_array(g.get(), "posterior", dims, r.fan_post_q.data(), w);
  }
}

}  // namespace

PosteriorRecord make_posterior_record(const Scenario& s, const ObservationSet& obs, const CalibrationOptions& settings,
                                      const CalibrationResult& result, const std::string& engine_version,
                                      const std::string& git_sha) {
  PosteriorRecord rec;
  rec.engine_version = engine_version;
  rec.git_sha = git_sha;
  rec.scenario_name = s.name;
  rec.model = s.model;
  rec.observations_name = obs.name;
  rec.observations_file = obs.file;
  rec.seed = settings.seed;
  rec.threads = settings.threads;
  rec.settings = settings;
  rec.settings.on_generation = nullptr;
  rec.settings.cancel = nullptr;
  for (std::size_t j : result.parameters) {
    const Parameter& p = s.parameters[j];
    rec.parameter_ids.push_back(p.id);
    rec.parameter_units.push_back(p.unit);
    rec.parameter_sources.push_back(p.source);
    rec.parameter_priors.push_back(p.dist.describe());
  }
  rec.observations = obs.observations;
  rec.result = result;
  return rec;
}

void write_posterior_file(const std::string& path, const Scenario& scenario, const ObservationSet& observations,
                          const PosteriorRecord& record, OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, observations, record, w);
  });
}

namespace {

PosteriorParticles read_particles(const std::string& path) {
  h5::silence_errors();
  const h5::Where w{path};
  Hid file = detail::open_innosim_file(path, kPosteriorFileType, kPosteriorFormatVersion);
  const hid_t root = file.get();
  PosteriorParticles p;
  p.model = h5::read_attr_string(root, "model", w);
  p.scenario_name = h5::read_attr_string(root, "scenario_name", w);
  p.particles = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "particles", w));
  Hid g = h5::open_group(root, "parameters", w);
  p.ids = h5::read_strings(g.get(), "id", w);
  p.units = h5::read_strings(g.get(), "unit", w, p.ids.size());
  Hid r = h5::open_group(root, "resampled", w);
  p.theta = read_matrix(r.get(), "theta", p.particles, p.ids.size(), w);
  return p;
}

PosteriorRecord read_record(const std::string& path) {
  h5::silence_errors();
  const h5::Where w{path};
  Hid file = detail::open_innosim_file(path, kPosteriorFileType, kPosteriorFormatVersion);
  const hid_t root = file.get();
  PosteriorRecord rec;
  rec.path = path;
  CalibrationResult& r = rec.result;
  rec.engine_version = h5::read_attr_string(root, "engine_version", w);
  rec.git_sha = h5::read_attr_string(root, "git_sha", w);
  rec.scenario_name = h5::read_attr_string(root, "scenario_name", w);
  rec.model = h5::read_attr_string(root, "model", w);
  rec.seed = h5::read_attr<std::uint64_t>(root, "seed", w);
  rec.threads = static_cast<unsigned>(h5::read_attr<std::int64_t>(root, "threads", w));
  r.particles = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "particles", w));
  r.reached = h5::read_attr<std::int64_t>(root, "reached", w) != 0;
  r.log_evidence = h5::read_attr<double>(root, "log_evidence", w);
  r.simulations = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "simulations", w));
  r.seconds = h5::read_attr<double>(root, "seconds", w);
  rec.settings.particles = r.particles;
  rec.settings.seed = rec.seed;
  rec.settings.ess_fraction = h5::read_attr<double>(root, "ess_fraction", w);
  rec.settings.stay_probability = h5::read_attr<double>(root, "stay_probability", w);
  rec.settings.min_sweeps = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "min_sweeps", w));
  rec.settings.max_sweeps = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "max_sweeps", w));
  rec.settings.max_generations = static_cast<std::size_t>(h5::read_attr<std::uint64_t>(root, "max_generations", w));
  r.warnings = h5::read_strings(root, "warnings", w);
  const std::size_t N = r.particles;

  {
    Hid g = h5::open_group(root, "observations", w);
    rec.observations_name = h5::read_attr_string(g.get(), "name", w);
    rec.observations_file = h5::read_attr_string(g.get(), "file_path", w);
    const auto ind = h5::read_strings(g.get(), "indicator", w);
    const std::size_t J = ind.size();
    const auto reg = h5::read_strings(g.get(), "region", w, J);
    const auto unit = h5::read_strings(g.get(), "unit", w, J);
    const auto source = h5::read_strings(g.get(), "source", w, J);
    const auto year = h5::read_array<std::int32_t>(g.get(), "year", w, nullptr, {{J}});
    const auto value = h5::read_array<double>(g.get(), "value", w, nullptr, {{J}});
    const auto sd = h5::read_array<double>(g.get(), "sd", w, nullptr, {{J}});
    for (std::size_t j = 0; j < J; ++j) {
      Observation o;
      o.indicator = ind[j];
      o.region = reg[j];
      o.unit = unit[j];
      o.source = source[j];
      o.year = year[j];
      o.value = value[j];
      o.sd = sd[j];
      rec.observations.push_back(std::move(o));
    }
  }
  const std::size_t J = rec.observations.size();
  {
    Hid g = h5::open_group(root, "parameters", w);
    rec.parameter_ids = h5::read_strings(g.get(), "id", w);
    const std::size_t P = rec.parameter_ids.size();
    rec.parameter_units = h5::read_strings(g.get(), "unit", w, P);
    rec.parameter_sources = h5::read_strings(g.get(), "source", w, P);
    rec.parameter_priors = h5::read_strings(g.get(), "prior", w, P);
    r.parameters.resize(P);
    for (std::size_t k = 0; k < P; ++k) r.parameters[k] = k;  // the file's own order
    r.shifts.resize(P);
    const std::pair<const char*, double ParameterShift::*> stats[] = {
        {"prior_q05", &ParameterShift::prior_q05},   {"prior_median", &ParameterShift::prior_median},
        {"prior_q95", &ParameterShift::prior_q95},   {"prior_sd", &ParameterShift::prior_sd},
        {"posterior_q05", &ParameterShift::post_q05}, {"posterior_median", &ParameterShift::post_median},
        {"posterior_q95", &ParameterShift::post_q95}, {"posterior_sd", &ParameterShift::post_sd},
        {"shrinkage", &ParameterShift::shrinkage}};
    for (const auto& [name, field] : stats) {
      const auto v = h5::read_array<double>(g.get(), name, w, nullptr, {{P}});
      for (std::size_t k = 0; k < P; ++k) r.shifts[k].*field = v[k];
    }
    for (std::size_t k = 0; k < P; ++k) r.shifts[k].parameter = k;
  }
  const std::size_t P = rec.parameter_ids.size();
  {
    Hid g = h5::open_group(root, "prior", w);
    r.prior_theta = read_matrix(g.get(), "theta", N, P, w);
    r.prior_loglik = h5::read_array<double>(g.get(), "log_likelihood", w, nullptr, {{N}});
  }
  {
    Hid g = h5::open_group(root, "particles", w);
    r.weighted_theta = read_matrix(g.get(), "theta", N, P, w);
    r.weights = h5::read_array<double>(g.get(), "weight", w, nullptr, {{N}});
    r.weighted_loglik = h5::read_array<double>(g.get(), "log_likelihood", w, nullptr, {{N}});
    r.weighted_ancestor = h5::read_array<std::uint64_t>(g.get(), "ancestor", w, nullptr, {{N}});
  }
  {
    Hid g = h5::open_group(root, "resampled", w);
    r.theta = read_matrix(g.get(), "theta", N, P, w);
    r.loglik = h5::read_array<double>(g.get(), "log_likelihood", w, nullptr, {{N}});
    r.ancestor = h5::read_array<std::uint64_t>(g.get(), "ancestor", w, nullptr, {{N}});
  }
  {
    Hid g = h5::open_group(root, "generations", w);
    const auto phi = h5::read_array<double>(g.get(), "phi", w);
    const std::size_t G = phi.size();
    r.generations.resize(G);
    for (const auto& [name, field] : kGenerationReals) {
      const auto v = h5::read_array<double>(g.get(), name, w, nullptr, {{G}});
      for (std::size_t t = 0; t < G; ++t) r.generations[t].*field = v[t];
    }
    for (const auto& [name, field] : kGenerationCounts) {
      const auto v = h5::read_array<std::uint64_t>(g.get(), name, w, nullptr, {{G}});
      for (std::size_t t = 0; t < G; ++t) r.generations[t].*field = static_cast<std::size_t>(v[t]);
    }
    for (std::size_t t = 0; t < G; ++t) r.generations[t].generation = t;
  }
  {
    Hid g = h5::open_group(root, "predictive", w);
    r.levels = h5::read_array<double>(g.get(), "levels", w);
    const std::size_t Q = r.levels.size();
    const std::optional<std::vector<hsize_t>> dims{{static_cast<hsize_t>(J), static_cast<hsize_t>(Q)}};
    r.prior_model_q = h5::read_array<double>(g.get(), "prior_model", w, nullptr, dims);
    r.prior_replicate_q = h5::read_array<double>(g.get(), "prior_replicate", w, nullptr, dims);
    r.post_model_q = h5::read_array<double>(g.get(), "posterior_model", w, nullptr, dims);
    r.post_replicate_q = h5::read_array<double>(g.get(), "posterior_replicate", w, nullptr, dims);
    const auto inside = h5::read_array<std::uint8_t>(g.get(), "inside", w, nullptr, {{J}});
    const auto at = [&](const std::vector<double>& q, std::size_t j, double p) {
      for (std::size_t k = 0; k < Q; ++k)
        if (r.levels[k] == p) return q[j * Q + k];
      return std::numeric_limits<double>::quiet_NaN();
    };
    for (std::size_t j = 0; j < J; ++j) {
      ObservationPredictive f;
      f.prior_q05 = at(r.prior_replicate_q, j, 0.05);
      f.prior_median = at(r.prior_replicate_q, j, 0.5);
      f.prior_q95 = at(r.prior_replicate_q, j, 0.95);
      f.post_q05 = at(r.post_replicate_q, j, 0.05);
      f.post_median = at(r.post_replicate_q, j, 0.5);
      f.post_q95 = at(r.post_replicate_q, j, 0.95);
      f.model_median = at(r.post_model_q, j, 0.5);
      f.inside = inside[j] != 0;
      r.fits.push_back(f);
    }
  }
  {
    Hid g = h5::open_group(root, "fan", w);
    r.fan_indicator = h5::read_strings(g.get(), "indicator", w);
    const std::size_t F = r.fan_indicator.size();
    r.fan_region = h5::read_strings(g.get(), "region", w, F);
    const auto years = h5::read_array<std::int32_t>(g.get(), "years", w);
    r.fan_years.assign(years.begin(), years.end());
    const std::optional<std::vector<hsize_t>> dims{
        {static_cast<hsize_t>(F), static_cast<hsize_t>(years.size()), static_cast<hsize_t>(r.levels.size())}};
    r.fan_prior_q = h5::read_array<double>(g.get(), "prior", w, nullptr, dims);
    r.fan_post_q = h5::read_array<double>(g.get(), "posterior", w, nullptr, dims);
  }
  return rec;
}

}  // namespace

PosteriorParticles read_posterior_particles(const std::string& path) {
  return detail::as_input_error([&] { return read_particles(path); });
}

PosteriorRecord read_posterior_file(const std::string& path) {
  return detail::as_input_error([&] { return read_record(path); });
}

}  // namespace innosim
