// HDF5 sensitivity-file writer (schema: docs/hdf5-schema.md, "Sensitivity files").

#include "innosim/outputs/sensitivity_writer.hpp"

#include <string>
#include <vector>

#include "detail/h5.hpp"
#include "detail/meta.hpp"
#include "detail/whole_file.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kSensitivityFileType = "innosim-sensitivity";
constexpr int kSensitivityFormatVersion = 2;  // 2: checksums (/integrity), as every innosim file

// [O][G] matrices (and [O] vectors) of one field of the estimates.
template <class PerOutput, class Get>
std::vector<double> by_output(const std::vector<PerOutput>& xs, std::size_t per, Get get) {
  std::vector<double> m;
  m.reserve(xs.size() * per);
  for (const PerOutput& x : xs)
    for (std::size_t g = 0; g < per; ++g) m.push_back(get(x, g));
  return m;
}

void write_estimates(hid_t g, const std::string& name, const std::vector<SobolIndices>& ix, std::size_t G,
                     std::vector<Estimate> SobolIndices::*field, const h5::Where& w) {
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(ix.size()), static_cast<hsize_t>(G)};
  const auto v = by_output(ix, G, [&](const SobolIndices& x, std::size_t k) { return (x.*field)[k].value; });
  const auto lo = by_output(ix, G, [&](const SobolIndices& x, std::size_t k) { return (x.*field)[k].lo; });
  const auto hi = by_output(ix, G, [&](const SobolIndices& x, std::size_t k) { return (x.*field)[k].hi; });
  h5::write_array(g, name, dims, v.data(), w);
  h5::write_array(g, name + "_lo", dims, lo.data(), w);
  h5::write_array(g, name + "_hi", dims, hi.data(), w);
}

void write_noise(hid_t g, const std::string& name, const std::vector<SobolIndices>& ix, Estimate SobolIndices::*field,
                 const h5::Where& w) {
  const auto v = by_output(ix, 1, [&](const SobolIndices& x, std::size_t) { return (x.*field).value; });
  const auto lo = by_output(ix, 1, [&](const SobolIndices& x, std::size_t) { return (x.*field).lo; });
  const auto hi = by_output(ix, 1, [&](const SobolIndices& x, std::size_t) { return (x.*field).hi; });
  h5::write_vector(g, name, v, w);
  h5::write_vector(g, name + "_lo", lo, w);
  h5::write_vector(g, name + "_hi", hi, w);
}

void write_sobol(hid_t root, const SobolAnalysis& a, std::size_t G, std::size_t D, const h5::Where& w) {
  Hid g = h5::create_group(root, "sobol", w);
  const std::size_t N = a.base_samples;
  h5::write_attr<std::uint64_t>(g.get(), "base_samples", N, w);
  h5::write_attr<std::uint64_t>(g.get(), "rows", a.run.rows, w);
  h5::write_attr<std::uint64_t>(g.get(), "rows_per_sample", G + 3, w);
  h5::write_attr<double>(g.get(), "seconds", a.run.info.seconds, w);
  write_estimates(g.get(), "first", a.indices, G, &SobolIndices::first, w);
  write_estimates(g.get(), "total", a.indices, G, &SobolIndices::total, w);
  write_noise(g.get(), "noise_first", a.indices, &SobolIndices::noise_first, w);
  write_noise(g.get(), "noise_total", a.indices, &SobolIndices::noise_total, w);
  std::vector<double> mean, variance;
  std::vector<std::uint64_t> samples;
  for (const SobolIndices& x : a.indices) {
    mean.push_back(x.mean);
    variance.push_back(x.variance);
    samples.push_back(x.samples);
  }
  h5::write_vector(g.get(), "mean", mean, w);
  h5::write_vector(g.get(), "variance", variance, w);
  h5::write_vector(g.get(), "samples", samples, w);
  Hid d = h5::create_group(g.get(), "design", w);
  h5::write_array(d.get(), "ab", {static_cast<hsize_t>(N), static_cast<hsize_t>(2 * D)}, a.ab.data(), w);
  h5::write_vector(d.get(), "used", a.run.used, w);
}

void write_morris(hid_t root, const MorrisAnalysis& a, std::size_t G, std::size_t D, const h5::Where& w) {
  Hid g = h5::create_group(root, "morris", w);
  const std::size_t r = a.trajectories;
  h5::write_attr<std::uint64_t>(g.get(), "trajectories", r, w);
  h5::write_attr<std::int32_t>(g.get(), "levels", a.levels, w);
  h5::write_attr<std::uint64_t>(g.get(), "rows", a.run.rows, w);
  h5::write_attr<double>(g.get(), "seconds", a.run.info.seconds, w);
  const std::vector<hsize_t> dims = {static_cast<hsize_t>(a.effects.size()), static_cast<hsize_t>(G)};
  auto matrix = [&](const std::string& name, auto get) {
    const auto m = by_output(a.effects, G, get);
    h5::write_array(g.get(), name, dims, m.data(), w);
  };
  matrix("mu", [](const MorrisEffects& e, std::size_t k) { return e.mu[k]; });
  matrix("sigma", [](const MorrisEffects& e, std::size_t k) { return e.sigma[k]; });
  matrix("mu_star", [](const MorrisEffects& e, std::size_t k) { return e.mu_star[k].value; });
  matrix("mu_star_lo", [](const MorrisEffects& e, std::size_t k) { return e.mu_star[k].lo; });
  matrix("mu_star_hi", [](const MorrisEffects& e, std::size_t k) { return e.mu_star[k].hi; });
  std::vector<std::uint64_t> used_per_output;
  for (const MorrisEffects& e : a.effects) used_per_output.push_back(e.trajectories);
  h5::write_vector(g.get(), "trajectories_used", used_per_output, w);
  Hid d = h5::create_group(g.get(), "design", w);
  h5::write_array(d.get(), "uniforms", {static_cast<hsize_t>(a.run.rows), static_cast<hsize_t>(D)},
                  a.uniforms.data(), w);
  const std::vector<std::int32_t> moved(a.moved.begin(), a.moved.end()), dir(a.direction.begin(), a.direction.end());
  h5::write_array(d.get(), "moved", {static_cast<hsize_t>(r), static_cast<hsize_t>(G)}, moved.data(), w);
  h5::write_array(d.get(), "direction", {static_cast<hsize_t>(r), static_cast<hsize_t>(G)}, dir.data(), w);
  h5::write_vector(d.get(), "used", a.run.used, w);
}

void write_layout(hid_t root, const Scenario& s, const SensitivityHeader& header, const SensitivityResult& r,
                  const h5::Where& w) {
  const std::size_t G = r.groups.size(), D = r.dimension_parameters.size();
  detail::write_identity(root, s,
                         {kSensitivityFileType, kSensitivityFormatVersion, header.engine_version, header.git_sha,
                          header.model, header.seed, "sensitivity", true},
                         w);
  h5::write_attr<std::uint64_t>(root, "resamples", header.resamples, w);
  h5::write_attr<double>(root, "confidence", header.confidence, w);
  h5::write_attr<std::int32_t>(root, "threads", static_cast<std::int32_t>(header.threads), w);
  h5::write_attr<double>(root, "seconds", header.seconds, w);
  detail::write_scenario_group(root, s, w);
  {
    Hid g = h5::create_group(root, "targets", w);
    detail::write_target_definitions(g.get(), s, w);
    h5::write_strings(g.get(), "id", target_ids(s.targets), w);
  }
  {
    Hid g = h5::create_group(root, "factors", w);
    std::vector<std::string> name;
    std::vector<std::uint8_t> declared;
    std::vector<std::int32_t> factor_of(D, -1);
    for (std::size_t k = 0; k < G; ++k) {
      name.push_back(r.groups[k].name);
      declared.push_back(r.groups[k].declared ? 1 : 0);
      for (std::size_t d : r.groups[k].dims) factor_of.at(d) = static_cast<std::int32_t>(k);
    }
    h5::write_strings(g.get(), "name", name, w);
    h5::write_vector(g.get(), "declared", declared, w);
    h5::write_strings(g.get(), "dimension_parameter", r.dimension_parameters, w);
    h5::write_vector(g.get(), "dimension_factor", factor_of, w);
  }
  {
    Hid g = h5::create_group(root, "outputs", w);
    std::vector<std::int32_t> target, year;
    std::vector<std::string> kind;
    for (const SensitivityOutput& o : r.outputs) {
      target.push_back(static_cast<std::int32_t>(o.target));
      year.push_back(o.year);
      kind.push_back(o.kind == SensitivityOutput::Kind::met ? "met" : "value");
    }
    h5::write_vector(g.get(), "target", target, w);
    h5::write_vector(g.get(), "year", year, w);
    h5::write_strings(g.get(), "kind", kind, w);
  }
  if (r.sobol) write_sobol(root, *r.sobol, G, D, w);
  if (r.morris) write_morris(root, *r.morris, G, D, w);
}

}  // namespace

void write_sensitivity_file(const std::string& path, const Scenario& scenario, const SensitivityHeader& header,
                            const SensitivityResult& result, OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, header, result, w);
  });
}

}  // namespace innosim
