// HDF5 design-file writer (schema: docs/hdf5-schema.md, "Design files").

#include "innosim/outputs/design_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/meta.hpp"
#include "detail/part_differences.hpp"
#include "detail/whole_file.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kDesignFileType = "innosim-design";
constexpr const char* kDesignShardFileType = "innosim-design-shard";
constexpr int kDesignFormatVersion = 2;  // 2: checksums (/integrity), as every innosim file
constexpr hsize_t kChunkDraws = 16384;

// The /points matrices [T][V] of each point's target table, by name, and the
// row field each holds (valid_draws: TargetRow::draws, as uint64).
constexpr std::pair<const char*, double TargetRow::*> kPointMatrices[] = {
    {"p_met", &TargetRow::p_met}, {"p_met_se", &TargetRow::p_met_se}, {"median", &TargetRow::median},
    {"q05", &TargetRow::q05},     {"q95", &TargetRow::q95},           {"mean", &TargetRow::mean},
};

void check_sizes(const Scenario& s, const DesignData& d, std::size_t N, bool theta_optional, const std::string& file) {
  const std::size_t L = d.levers.size(), V = d.tables.size(), T = s.targets.size(), P = s.parameters.size();
  auto bad = [&](const std::string& what) { throw std::runtime_error(file + ": design data: " + what); };
  if (L == 0) bad("no levers");
  if (d.scale.size() != V * L) bad("scale is not [points][levers]");
  if (d.target_draws.size() != V) bad("target_draws is not one entry per point");
  for (std::size_t v = 0; v < V; ++v) {
    if (d.tables[v].rows.size() != T) bad("a target table does not have one row per target");
    if (d.target_draws[v].size() != T * N) bad("a point's target_draws is not [targets][draws]");
  }
  if (d.theta.size() != N * P && !(theta_optional && d.theta.empty())) bad("theta is not [draws][parameters]");
  for (const DesignLever& l : d.levers)
    if (s.lever(l.id) == nullptr) bad("the scenario has no lever '" + l.id + "'");
}

// A design file, or with `part` a design shard file.
void write_layout(hid_t root, const Scenario& s, const ResultShape& shape, const DesignHeader& header,
                  const DesignData& d, const DesignPart* part, const h5::Where& w) {
  const std::size_t L = d.levers.size(), V = d.tables.size(), T = s.targets.size(), P = s.parameters.size();
  const std::size_t N = header.draws;
  check_sizes(s, d, N, part != nullptr && part->first_point > 0, w.file);

  detail::write_identity(root, s,
                         {part ? kDesignShardFileType : kDesignFileType, kDesignFormatVersion, header.engine_version, header.git_sha, header.model,
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
  if (part) {
    Hid g = h5::create_group(root, "shard", w);
    h5::write_attr<std::uint32_t>(g.get(), "shard", part->shard, w);
    h5::write_attr<std::uint32_t>(g.get(), "shards", part->shards, w);
    h5::write_attr<std::uint64_t>(g.get(), "first_point", part->first_point, w);
    h5::write_attr_string(g.get(), "scenario_hash", part->scenario_hash, w);
    h5::write_array(g.get(), "all_scale", {static_cast<hsize_t>(part->all_scale.size() / L), static_cast<hsize_t>(L)},
                    part->all_scale.data(), w);
  }
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
    for (const auto& [name, field] : kPointMatrices) matrix(name, field);
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
  if (!d.theta.empty() || N * P == 0) {
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
                       const DesignHeader& header, const DesignData& data, OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, shape, header, data, nullptr, w);
  });
}

void write_design_shard_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                             const DesignHeader& header, const DesignData& data, const DesignPart& part,
                             OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, shape, header, data, &part, w);
  });
}

std::vector<std::string> design_differences(const DesignShardFile& x, const DesignShardFile& y) {
  std::vector<std::string> out = detail::part_differences(x, y, "design");
  auto differ = [&](const char* what, const std::string& mine, const std::string& theirs) {
    if (mine != theirs) out.push_back(fmt::format("{} {} where the design has {}", what, mine, theirs));
  };
  differ("method", x.header.method, y.header.method);
  differ("spacing", x.header.spacing, y.header.spacing);
  auto levers = [](const DesignData& d) {
    std::vector<std::string> out;
    for (const DesignLever& l : d.levers) out.push_back(fmt::format("{}={}:{}", l.id, l.lo, l.hi));
    return fmt::format("{}", fmt::join(out, ","));
  };
  differ("levers", levers(x.data), levers(y.data));
  differ("points", fmt::format("{}", fmt::join(x.part.all_scale, ",")),
         fmt::format("{}", fmt::join(y.part.all_scale, ",")));
  return out;
}

bool is_design_shard_file(const std::string& path) { return detail::peek_file_type(path) == kDesignShardFileType; }

DesignShardFile read_design_shard_file(const std::string& path) {
  h5::silence_errors();
  Hid file = detail::open_innosim_file(path, kDesignShardFileType, kDesignFormatVersion);
  const hid_t root = file.get();
  const h5::Where w{path};
  DesignShardFile f;
  f.path = path;
  f.header = {h5::read_attr_string(root, "engine_version", w), h5::read_attr_string(root, "git_sha", w),
              h5::read_attr<std::uint64_t>(root, "seed", w),       h5::read_attr_string(root, "sampler", w),
              h5::read_attr<std::uint64_t>(root, "draws", w),      h5::read_attr_string(root, "model", w),
              h5::read_attr_string(root, "method", w),             h5::read_attr_string(root, "spacing", w)};
  f.scenario_name = h5::read_attr_string(root, "scenario_name", w);
  f.data.threads = static_cast<unsigned>(h5::read_attr<std::int32_t>(root, "threads", w));
  f.data.seconds = h5::read_attr<double>(root, "seconds", w);
  const auto N = static_cast<std::size_t>(f.header.draws);
  {
    Hid g = h5::open_group(root, "scenario", w);
    const auto texts = h5::read_strings(g.get(), "files", w);
    const auto paths = h5::read_strings(g.get(), "file_paths", w, texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) f.scenario_files.emplace_back(paths[i], texts[i]);
  }
  {
    Hid g = h5::open_group(root, "levers", w);
    const auto id = h5::read_strings(g.get(), "id", w);
    const std::size_t L = id.size();
    const auto given = h5::read_strings(g.get(), "given_as", w, L);
    const std::vector<hsize_t> l1 = {static_cast<hsize_t>(L)};
    const auto base = h5::read_array<double>(g.get(), "base_value", w, nullptr, l1);
    const auto lo = h5::read_array<double>(g.get(), "lo", w, nullptr, l1);
    const auto hi = h5::read_array<double>(g.get(), "hi", w, nullptr, l1);
    for (std::size_t l = 0; l < L; ++l) f.data.levers.push_back({id[l], base[l], lo[l], hi[l], given[l] == "amount"});
  }
  const std::size_t L = f.data.levers.size();
  if (L == 0) h5::fail(path, "/levers/id", "no levers");
  {
    Hid g = h5::open_group(root, "shard", w);
    f.part.shard = h5::read_attr<std::uint32_t>(g.get(), "shard", w);
    f.part.shards = h5::read_attr<std::uint32_t>(g.get(), "shards", w);
    f.part.first_point = h5::read_attr<std::uint64_t>(g.get(), "first_point", w);
    f.part.scenario_hash = h5::read_attr_string(g.get(), "scenario_hash", w);
    std::vector<hsize_t> dims;
    f.part.all_scale = h5::read_array<double>(g.get(), "all_scale", w, &dims);
    if (dims.size() != 2 || dims[1] != L) h5::fail(path, "/shard/all_scale", "expected [points][levers]");
  }
  {
    Hid g = h5::open_group(root, "design", w);
    std::vector<hsize_t> dims;
    f.data.scale = h5::read_array<double>(g.get(), "scale", w, &dims);
    if (dims.size() != 2 || dims[1] != L) h5::fail(path, "/design/scale", "expected [points][levers]");
  }
  const std::size_t V = f.data.scale.size() / L;
  if (f.part.first_point + V > f.part.all_scale.size() / L)
    h5::fail(path, "/shard", "its points lie beyond the design's");
  {
    Hid g = h5::open_group(root, "points", w);
    std::vector<hsize_t> tv;
    const auto p_met = h5::read_array<double>(g.get(), "p_met", w, &tv);
    if (tv.size() != 2 || tv[1] != V) h5::fail(path, "/points/p_met", "expected [targets][points]");
    const auto T = static_cast<std::size_t>(tv[0]);
    f.data.tables.assign(V, TargetTable{});
    for (auto& t : f.data.tables) t.rows.resize(T);
    auto matrix = [&](const char* name, auto field) {
      using E = std::remove_cvref_t<decltype(f.data.tables[0].rows[0].*field)>;
      using In = std::conditional_t<std::is_same_v<E, double>, double, std::uint64_t>;
      const auto m = h5::read_array<In>(g.get(), name, w, nullptr, tv);
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t v = 0; v < V; ++v) f.data.tables[v].rows[t].*field = static_cast<E>(m[t * V + v]);
    };
    for (const auto& [name, field] : kPointMatrices) matrix(name, field);
    matrix("valid_draws", &TargetRow::draws);
    const std::vector<hsize_t> v1 = {static_cast<hsize_t>(V)};
    const auto all_binding = h5::read_array<double>(g.get(), "p_all_binding", w, nullptr, v1);
    const auto all = h5::read_array<double>(g.get(), "p_all", w, nullptr, v1);
    for (std::size_t v = 0; v < V; ++v) {
      f.data.tables[v].joint.p_all_binding = all_binding[v];
      f.data.tables[v].joint.p_all = all[v];
    }
    const auto draws = h5::read_array<double>(
        g.get(), "target_draws", w, nullptr,
        std::vector<hsize_t>{static_cast<hsize_t>(V), static_cast<hsize_t>(T), static_cast<hsize_t>(N)});
    for (std::size_t v = 0; v < V; ++v)
      f.data.target_draws.emplace_back(draws.begin() + static_cast<std::ptrdiff_t>(v * T * N),
                                       draws.begin() + static_cast<std::ptrdiff_t>((v + 1) * T * N));
  }
  if (h5::exists(root, "parameters")) {
    Hid g = h5::open_group(root, "parameters", w);
    std::vector<hsize_t> dims;
    const auto pn = h5::read_array<double>(g.get(), "draws", w, &dims);
    if (dims.size() != 2 || dims[1] != N) h5::fail(path, "/parameters/draws", "expected [parameters][draws]");
    const auto P = static_cast<std::size_t>(dims[0]);
    f.data.theta.resize(N * P);
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t p = 0; p < P; ++p) f.data.theta[n * P + p] = pn[p * N + n];
  } else if (f.part.first_point == 0) {
    h5::fail(path, "/parameters", "missing in the shard that holds the design's first point");
  }
  return f;
}

}  // namespace innosim
