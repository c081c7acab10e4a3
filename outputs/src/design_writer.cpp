// HDF5 design-file writer (schema: docs/hdf5-schema.md, "Design files").

#include "innosim/outputs/design_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/h5.hpp"
#include "detail/meta.hpp"
#include "detail/whole_file.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kDesignFileType = "innosim-design";
constexpr int kDesignFormatVersion = 1;
constexpr hsize_t kChunkDraws = 16384;

void check_sizes(const Scenario& s, const DesignData& d, std::size_t N, const std::string& file) {
  const std::size_t L = d.levers.size(), V = d.tables.size(), T = s.targets.size(), P = s.parameters.size();
  auto bad = [&](const std::string& what) { throw std::runtime_error(file + ": design data: " + what); };
  if (L == 0) bad("no levers");
  if (d.scale.size() != V * L) bad("scale is not [points][levers]");
  if (d.target_draws.size() != V) bad("target_draws is not one entry per point");
  for (std::size_t v = 0; v < V; ++v) {
    if (d.tables[v].rows.size() != T) bad("a target table does not have one row per target");
    if (d.target_draws[v].size() != T * N) bad("a point's target_draws is not [targets][draws]");
  }
  if (d.theta.size() != N * P) bad("theta is not [draws][parameters]");
  for (const DesignLever& l : d.levers)
    if (s.lever(l.id) == nullptr) bad("the scenario has no lever '" + l.id + "'");
}

void write_layout(hid_t root, const Scenario& s, const ResultShape& shape, const DesignHeader& header,
                  const DesignData& d, const h5::Where& w) {
  const std::size_t L = d.levers.size(), V = d.tables.size(), T = s.targets.size(), P = s.parameters.size();
  const std::size_t N = header.draws;
  check_sizes(s, d, N, w.file);

  detail::write_identity(root, s,
                         {kDesignFileType, kDesignFormatVersion, header.engine_version, header.git_sha, header.model,
                          header.seed, header.sampler, true},
                         w);
  h5::write_attr<std::uint64_t>(root, "draws", N, w);
  h5::write_attr<std::uint64_t>(root, "points", V, w);
  h5::write_attr_string(root, "method", header.method, w);
  h5::write_attr_string(root, "spacing", header.spacing, w);
  h5::write_attr<std::int32_t>(root, "horizon_start", s.horizon.start, w);
  h5::write_attr<std::int32_t>(root, "horizon_end", s.horizon.end, w);
  h5::write_attr<std::int32_t>(root, "threads", static_cast<std::int32_t>(d.threads), w);
  h5::write_attr<double>(root, "seconds", d.seconds, w);

  detail::write_scenario_group(root, s, w);
  {
    Hid g = h5::create_group(root, "meta", w);
    detail::write_meta_names(g.get(), s, shape, w);
  }
  {
    Hid g = h5::create_group(root, "levers", w);
    std::vector<std::string> id, unit, en, zh, given;
    std::vector<double> base, lo, hi;
    for (const DesignLever& dl : d.levers) {
      const Lever& l = *s.lever(dl.id);
      id.push_back(l.id);
      unit.push_back(l.unit);
      en.push_back(l.name_en.empty() ? l.id : l.name_en);
      zh.push_back(l.name_zh);
      given.push_back(dl.amounts ? "amount" : "factor");
      base.push_back(dl.base);
      lo.push_back(dl.lo);
      hi.push_back(dl.hi);
    }
    h5::write_strings(g.get(), "id", id, w);
    h5::write_strings(g.get(), "unit", unit, w);
    h5::write_strings(g.get(), "name_en", en, w);
    h5::write_strings(g.get(), "name_zh", zh, w);
    h5::write_strings(g.get(), "given_as", given, w);
    h5::write_vector(g.get(), "base_value", base, w);
    h5::write_vector(g.get(), "lo", lo, w);
    h5::write_vector(g.get(), "hi", hi, w);
  }
  {
    Hid g = h5::create_group(root, "design", w);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(V), static_cast<hsize_t>(L)};
    std::vector<double> value(V * L);
    for (std::size_t v = 0; v < V; ++v)
      for (std::size_t l = 0; l < L; ++l) value[v * L + l] = d.scale[v * L + l] * d.levers[l].base;
    h5::write_array(g.get(), "scale", dims, d.scale.data(), w);
    h5::write_array(g.get(), "lever_value", dims, value.data(), w);
  }
  {
    Hid g = h5::create_group(root, "targets", w);
    detail::write_target_definitions(g.get(), s, w);
  }
  {
    Hid g = h5::create_group(root, "points", w);
    const std::vector<hsize_t> tv = {static_cast<hsize_t>(T), static_cast<hsize_t>(V)};
    auto matrix = [&](const char* name, auto field) {
      using E = std::remove_cvref_t<decltype(d.tables[0].rows[0].*field)>;
      using Out = std::conditional_t<std::is_same_v<E, double>, double, std::uint64_t>;
      std::vector<Out> m(T * V);
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t v = 0; v < V; ++v) m[t * V + v] = static_cast<Out>(d.tables[v].rows[t].*field);
      h5::write_array(g.get(), name, tv, m.data(), w);
    };
    matrix("p_met", &TargetRow::p_met);
    matrix("p_met_se", &TargetRow::p_met_se);
    matrix("median", &TargetRow::median);
    matrix("q05", &TargetRow::q05);
    matrix("q95", &TargetRow::q95);
    matrix("mean", &TargetRow::mean);
    matrix("valid_draws", &TargetRow::draws);
    std::vector<double> all_binding, all;
    for (const TargetTable& t : d.tables) {
      all_binding.push_back(t.joint.p_all_binding);
      all.push_back(t.joint.p_all);
    }
    h5::write_vector(g.get(), "p_all_binding", all_binding, w);
    h5::write_vector(g.get(), "p_all", all, w);
    std::vector<double> draws;
    draws.reserve(V * T * N);
    for (const auto& p : d.target_draws) draws.insert(draws.end(), p.begin(), p.end());
    h5::write_array(g.get(), "target_draws",
                    {static_cast<hsize_t>(V), static_cast<hsize_t>(T), static_cast<hsize_t>(N)}, draws.data(), w,
                    {1, 1, std::clamp<hsize_t>(N, 1, kChunkDraws)});
  }
  {
    Hid g = h5::create_group(root, "parameters", w);
    detail::write_parameter_names(g.get(), s, w);
    std::vector<double> pn(P * N);  // [P][N]: one parameter over all draws is one row
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t p = 0; p < P; ++p) pn[p * N + n] = d.theta[n * P + p];
    h5::write_array(g.get(), "draws", {static_cast<hsize_t>(P), static_cast<hsize_t>(N)}, pn.data(), w,
                    {1, std::clamp<hsize_t>(N, 1, kChunkDraws)});
  }
}

}  // namespace

void write_design_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                       const DesignHeader& header, const DesignData& data) {
  detail::write_whole_file(path, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, shape, header, data, w);
  });
}

}  // namespace innosim
