// HDF5 sweep-file writer (schema: docs/hdf5-schema.md, "Sweep files").

#include <stdexcept>
#include <string>
#include <vector>

#include "detail/h5.hpp"
#include "detail/meta.hpp"
#include "detail/run_file.hpp"
#include "detail/whole_file.hpp"
#include "innosim/outputs/sweep_writer.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr const char* kSweepFileType = "innosim-sweep";
constexpr int kSweepFormatVersion = 1;

void write_layout(hid_t root, const Scenario& s, const ResultShape& shape, const SweepHeader& header,
                  const SweepData& data, const h5::Where& w) {
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
                         {kSweepFileType, kSweepFormatVersion, header.engine_version, header.git_sha, header.model,
                          header.seed, header.sampler, false},
                         w);
  h5::write_attr<std::uint64_t>(root, "draws", header.draws, w);
  h5::write_attr_string(root, "lever", lever->id, w);
  h5::write_attr_string(root, "lever_unit", lever->unit, w);
  h5::write_attr_string(root, "lever_name_en", lever->name_en.empty() ? lever->id : lever->name_en, w);
  h5::write_attr_string(root, "lever_name_zh", lever->name_zh, w);
  h5::write_attr<std::int32_t>(root, "horizon_start", s.horizon.start, w);
  h5::write_attr<std::int32_t>(root, "horizon_end", s.horizon.end, w);

  {
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
    auto matrix = [&](const char* name, double TargetRow::*field) {
      std::vector<double> m(T * V);
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t v = 0; v < V; ++v) m[t * V + v] = data.tables[v].rows[t].*field;
      h5::write_array(g.get(), name, dims, m.data(), w);
    };
    matrix("p_met", &TargetRow::p_met);
    matrix("p_met_se", &TargetRow::p_met_se);
    matrix("median", &TargetRow::median);
    matrix("q05", &TargetRow::q05);
    matrix("q95", &TargetRow::q95);
  }
}

}  // namespace

void write_sweep_file(const std::string& path, const Scenario& scenario, const ResultShape& shape,
                      const SweepHeader& header, const SweepData& data) {
  detail::write_whole_file(path, [&](hid_t root, const h5::Where& w) {
    write_layout(root, scenario, shape, header, data, w);
  });
}

}  // namespace innosim
