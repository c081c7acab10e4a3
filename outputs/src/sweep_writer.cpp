// HDF5 sweep-file writer (schema: docs/hdf5-schema.md, "Sweep files").

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/meta.hpp"
#include "detail/part_differences.hpp"
#include "detail/run_file.hpp"
#include "detail/whole_file.hpp"
#include "innosim/outputs/sweep_writer.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kSweepFileType = "innosim-sweep";
constexpr const char* kSweepShardFileType = "innosim-sweep-shard";
constexpr int kSweepFormatVersion = 2;  // 2: checksums (/integrity), as every innosim file

// The /sweep matrices [T][V], by name, and the row field each holds.
constexpr std::pair<const char*, double TargetRow::*> kMatrices[] = {
    {"p_met", &TargetRow::p_met}, {"p_met_se", &TargetRow::p_met_se}, {"median", &TargetRow::median},
    {"q05", &TargetRow::q05},     {"q95", &TargetRow::q95},
};

// A sweep file, or with `part` a sweep shard file.
void write_layout(hid_t root, const Scenario& s, const ResultShape& shape, const SweepHeader& header,
                  const SweepData& data, const SweepPart* part, const h5::Where& w) {
  const Lever* lever = s.lever(data.lever);
  if (lever == nullptr) throw std::runtime_error(w.file + ": the scenario has no lever '" + data.lever + "'");
  const std::size_t V = data.scale.size(), T = s.targets.size();
  if (data.lever_value.size() != V || data.tables.size() != V)
    throw std::runtime_error(w.file + ": sweep data: scale, lever_value and tables differ in length");
  for (const auto& tab : data.tables)
    if (tab.rows.size() != T)
      throw std::runtime_error(w.file + ": sweep data: a target table has " + std::to_string(tab.rows.size()) +
                               " rows, the scenario " + std::to_string(T) + " targets");

  detail::write_identity(root, s,
                         {part ? kSweepShardFileType : kSweepFileType, kSweepFormatVersion, header.engine_version, header.git_sha, header.model,
                          header.seed, header.sampler, false},
                         w);
  h5::write_attr<std::uint64_t>(root, "draws", header.draws, w);
  h5::write_attr_string(root, "lever", lever->id, w);
  h5::write_attr_string(root, "lever_unit", lever->unit, w);
  h5::write_attr_string(root, "lever_name_en", lever->name_en.empty() ? lever->id : lever->name_en, w);
  h5::write_attr_string(root, "lever_name_zh", lever->name_zh, w);
  h5::write_attr<std::int32_t>(root, "horizon_start", s.horizon.start, w);
  h5::write_attr<std::int32_t>(root, "horizon_end", s.horizon.end, w);

  if (part) {
    detail::write_scenario_group(root, s, w);  // the scenario's files, for the merge
    Hid g = h5::create_group(root, "shard", w);
    h5::write_attr<std::uint32_t>(g.get(), "shard", part->shard, w);
    h5::write_attr<std::uint32_t>(g.get(), "shards", part->shards, w);
    h5::write_attr<std::uint64_t>(g.get(), "first_point", part->first_point, w);
    h5::write_attr_string(g.get(), "scenario_hash", part->scenario_hash, w);
    h5::write_vector(g.get(), "all_scale", part->all_scale, w);
  } else {
    Hid g = h5::create_group(root, "scenario", w);
    h5::write_attr<double>(g.get(), "on_track", s.run.on_track, w);
    h5::write_attr<double>(g.get(), "at_risk", s.run.at_risk, w);
  }
  {
    Hid g = h5::create_group(root, "meta", w);
    detail::write_meta_names(g.get(), s, shape, w);
  }
  {
    Hid g = h5::create_group(root, "targets", w);
    detail::write_target_definitions(g.get(), s, w);
  }
  {
    Hid g = h5::create_group(root, "sweep", w);
    h5::write_vector(g.get(), "scale", data.scale, w);
    h5::write_vector(g.get(), "lever_value", data.lever_value, w);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(T), static_cast<hsize_t>(V)};
    for (const auto& [name, field] : kMatrices) {
      std::vector<double> m(T * V);
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t v = 0; v < V; ++v) m[t * V + v] = data.tables[v].rows[t].*field;
      h5::write_array(g.get(), name, dims, m.data(), w);
    }
  }
}

}  // namespace

void write_sweep_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                       const SweepHeader& header, const SweepData& data, OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, shape, header, data, nullptr, w);
  });
}

PointRange sweep_shard_points(std::size_t points, unsigned k, unsigned K) {
  return {points * (k - 1) / K, points * k / K};
}

void write_sweep_shard_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                            const SweepHeader& header, const SweepData& data, const SweepPart& part,
                            OutputPolicy policy) {
  detail::write_whole_file(path, policy, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, shape, header, data, &part, w);
  });
}

std::vector<std::string> sweep_differences(const SweepShardFile& x, const SweepShardFile& y) {
  std::vector<std::string> out = detail::part_differences(x, y, "sweep");
  auto differ = [&](const char* what, const std::string& mine, const std::string& theirs) {
    if (mine != theirs) out.push_back(fmt::format("{} {} where the sweep has {}", what, mine, theirs));
  };
  differ("lever", x.lever, y.lever);
  differ("factors", fmt::format("{}", fmt::join(x.part.all_scale, ",")),
         fmt::format("{}", fmt::join(y.part.all_scale, ",")));
  return out;
}

bool is_sweep_shard_file(const std::string& path) { return detail::peek_file_type(path) == kSweepShardFileType; }

SweepShardFile read_sweep_shard_file(const std::string& path) {
  Hid file = detail::open_innosim_file(path, kSweepShardFileType, kSweepFormatVersion);
  const hid_t root = file.get();
  const h5::Where w{path};
  SweepShardFile f;
  f.path = path;
  f.header = {h5::read_attr_string(root, "engine_version", w), h5::read_attr_string(root, "git_sha", w),
              h5::read_attr<std::uint64_t>(root, "seed", w),       h5::read_attr_string(root, "sampler", w),
              h5::read_attr<std::uint64_t>(root, "draws", w),      h5::read_attr_string(root, "model", w)};
  f.scenario_name = h5::read_attr_string(root, "scenario_name", w);
  f.lever = h5::read_attr_string(root, "lever", w);
  {
    Hid g = h5::open_group(root, "shard", w);
    f.part.shard = h5::read_attr<std::uint32_t>(g.get(), "shard", w);
    f.part.shards = h5::read_attr<std::uint32_t>(g.get(), "shards", w);
    f.part.first_point = h5::read_attr<std::uint64_t>(g.get(), "first_point", w);
    f.part.scenario_hash = h5::read_attr_string(g.get(), "scenario_hash", w);
    f.part.all_scale = h5::read_array<double>(g.get(), "all_scale", w);
  }
  {
    Hid g = h5::open_group(root, "scenario", w);
    const auto texts = h5::read_strings(g.get(), "files", w);
    const auto paths = h5::read_strings(g.get(), "file_paths", w, texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) f.scenario_files.emplace_back(paths[i], texts[i]);
  }
  Hid g = h5::open_group(root, "sweep", w);
  f.data.lever = f.lever;
  f.data.scale = h5::read_array<double>(g.get(), "scale", w);
  const std::size_t V = f.data.scale.size();
  f.data.lever_value = h5::read_array<double>(g.get(), "lever_value", w, nullptr, std::vector<hsize_t>{V});
  if (f.part.first_point + V > f.part.all_scale.size())
    h5::fail(path, "/shard", "its points lie beyond the sweep's factors");
  std::vector<hsize_t> dims;
  const auto first = h5::read_array<double>(g.get(), kMatrices[0].first, w, &dims);
  if (dims.size() != 2 || dims[1] != V) h5::fail(path, "/sweep/p_met", "expected [targets][points]");
  const auto T = static_cast<std::size_t>(dims[0]);
  f.data.tables.assign(V, TargetTable{});
  for (auto& t : f.data.tables) t.rows.resize(T);
  for (const auto& [name, field] : kMatrices) {
    const auto m = name == kMatrices[0].first ? first : h5::read_array<double>(g.get(), name, w, nullptr, dims);
    for (std::size_t t = 0; t < T; ++t)
      for (std::size_t v = 0; v < V; ++v) f.data.tables[v].rows[t].*field = m[t * V + v];
  }
  return f;
}

}  // namespace innosim
