// HDF5 run-file reader (schema: docs/hdf5-schema.md), for `innosim check`
// and `compare`.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/h5_state.hpp"
#include "detail/meta.hpp"
#include "detail/integrity.hpp"
#include "detail/run_file.hpp"
#include "innosim/util/input_file.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/targets.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace detail {

namespace {

Sense parse_sense(const std::string& s, const h5::Where& w, std::size_t t) {
  if (s == "at_least") return Sense::at_least;
  if (s == "at_most") return Sense::at_most;
  throw std::runtime_error(w.file + ": /targets/sense[" + std::to_string(t) + "]: '" + s +
                           "' is neither at_least nor at_most");
}

bool parse_kind(const std::string& s, const h5::Where& w, std::size_t t) {
  if (s == "binding") return true;
  if (s == "expected") return false;
  throw std::runtime_error(w.file + ": /targets/kind[" + std::to_string(t) + "]: '" + s +
                           "' is neither binding nor expected");
}

}  // namespace

std::vector<Target> read_target_definitions(hid_t g, const h5::Where& w) {
  const auto ind = h5::read_strings(g, "indicator", w);
  const std::size_t T = ind.size();
  const auto reg = h5::read_strings(g, "region", w, T);
  const auto kind = h5::read_strings(g, "kind", w, T);
  const auto sense = h5::read_strings(g, "sense", w, T);
  const auto note = h5::read_strings(g, "note", w, T);
  const auto year = h5::read_array<std::int32_t>(g, "year", w, nullptr, {{T}});
  const auto value = h5::read_array<double>(g, "value", w, nullptr, {{T}});
  std::vector<Target> out(T);
  for (std::size_t t = 0; t < T; ++t) {
    out[t].indicator = ind[t];
    out[t].region = reg[t];
    out[t].binding = parse_kind(kind[t], w, t);
    out[t].sense = parse_sense(sense[t], w, t);
    out[t].note = note[t];
    out[t].year = year[t];
    out[t].value = value[t];
  }
  return out;
}

}  // namespace detail

namespace {

// Draws per block when streaming /targets/draws into the joint view.
constexpr hsize_t kJointBlock = 16384;

// Rebuilds the target table from /targets/draws, exactly as the run did.
TargetTable recompute_table(hid_t g, const h5::Where& w, const std::vector<Target>& targets,
                            const std::vector<std::string>& units, double on_track,
                            double at_risk) {
  const std::size_t T = targets.size();
  Hid d = h5::open_dataset(g, "draws", w);
  const auto dims = h5::dataset_dims(d.get());
  if (dims.size() != 2 || dims[0] != T) {
    h5::fail(w.file, "/targets/draws", "expected shape [" + std::to_string(T) + ", N]");
  }
  const hsize_t N = dims[1];
  Hid fspace(H5Dget_space(d.get()), H5Sclose);

  TargetTable table;
  table.on_track = on_track;
  table.at_risk = at_risk;
  std::vector<double> values(static_cast<std::size_t>(N));
  for (std::size_t t = 0; t < T; ++t) {
    if (N > 0) {
      const hsize_t start[2] = {t, 0}, count[2] = {1, N};
      Hid mspace(H5Screate_simple(1, &N, nullptr), H5Sclose);
      if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
          H5Dread(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT,
                  values.data()) < 0) {
        h5::fail(w.file, "/targets/draws", "cannot read row " + std::to_string(t));
      }
    }
    TargetRow row = summarize_target(targets[t], values, on_track, at_risk);
    row.indicator_unit = units[t];
    table.rows.push_back(std::move(row));
  }

  // Joint view: blocks of draws, transposed to the draw-major layout
  // JointAccumulator takes.
  JointAccumulator joint(targets);
  const hsize_t block = std::min<hsize_t>(kJointBlock, std::max<hsize_t>(N, 1));
  std::vector<double> slab(static_cast<std::size_t>(T * block)), rows(slab.size());
  for (hsize_t first = 0; first < N && T > 0; first += block) {
    const hsize_t n = std::min(block, N - first);
    const hsize_t start[2] = {0, first}, count[2] = {T, n};
    const hsize_t mdims[2] = {T, n};
    Hid mspace(H5Screate_simple(2, mdims, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Dread(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT,
                slab.data()) < 0) {
      h5::fail(w.file, "/targets/draws", "cannot read draws from " + std::to_string(first));
    }
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t j = 0; j < n; ++j) rows[j * T + t] = slab[t * n + j];
    }
    joint.add(std::span<const double>(rows.data(), static_cast<std::size_t>(n) * T),
              static_cast<std::size_t>(n));
  }
  table.joint = joint.result();
  return table;
}

// /innovation_index (docs/hdf5-schema.md).
IndexResult read_index(hid_t root, const h5::Where& w) {
  Hid g = h5::open_group(root, detail::kIndexGroup, w);
  IndexResult x;
  x.name_en = h5::read_attr_string(g.get(), "name_en", w);
  x.name_zh = h5::read_attr_string(g.get(), "name_zh", w);
  x.draws = h5::read_attr<std::uint64_t>(g.get(), "draws", w);
  x.relative_accuracy = h5::read_attr<double>(g.get(), "relative_accuracy", w);
  x.regions = h5::read_strings(g.get(), "regions", w);
  const auto years = h5::read_array<std::int32_t>(g.get(), "years", w);
  x.years.assign(years.begin(), years.end());
  x.levels = h5::read_array<double>(g.get(), "quantile_levels", w);
  const auto R = static_cast<hsize_t>(x.regions.size()), Y = static_cast<hsize_t>(x.years.size());
  x.quantiles = h5::read_array<double>(g.get(), "quantiles", w, nullptr, {{R, Y, static_cast<hsize_t>(x.levels.size())}});
  x.rank_counts = h5::read_array<std::uint64_t>(g.get(), "rank_counts", w, nullptr, {{R, Y, R}});
  return x;
}

RunFile read_verified_run_file(const std::string& path, bool recompute) {
  const h5::Where w{path};
  Hid file = detail::open_innosim_file(path, detail::kFileType, detail::kFormatVersion);
  const hid_t root = file.get();

  RunFile rf;
  rf.path = path;
  detail::read_run_header(root, w, rf.header, rf.scenario_name);
  rf.header.randoms_per_year = h5::has_attr(root, "randoms_per_year")
                                   ? h5::read_attr<std::uint64_t>(root, "randoms_per_year", w)
                                   : 0;

  rf.info.seed = rf.header.seed;
  rf.info.sampler = rf.header.sampler;
  rf.info.draws_requested = rf.header.draws;
  rf.info.draws_valid = h5::read_attr<std::uint64_t>(root, "draws_valid", w);
  rf.info.draws_dropped = h5::read_attr<std::uint64_t>(root, "draws_dropped", w);
  rf.info.threads = static_cast<unsigned>(h5::read_attr<std::int64_t>(root, "threads", w));
  rf.info.seconds = h5::read_attr<double>(root, "seconds", w);
  // Files written before the store levels kept each draw's parameters.
  if (h5::has_attr(root, "store")) {
    const std::string store = h5::read_attr_string(root, "store", w);
    const auto level = parse_store_level(store);
    if (!level) throw std::runtime_error(path + ": unknown store level '" + store + "'");
    rf.store = *level;
  } else if (h5::exists(root, "trajectories")) {
    rf.store = StoreLevel::trajectories;
  }
  const std::size_t N = rf.header.draws;
  if (rf.store >= StoreLevel::targets) {
    Hid g = h5::open_group(root, "draws", w);
    const auto valid = h5::read_array<std::uint8_t>(g.get(), "valid", w, nullptr, {{N}});
    for (std::size_t i = 0; i < valid.size(); ++i) {
      if (valid[i] == 0) rf.info.dropped_draws.push_back(i);
    }
  } else {
    Hid g = h5::open_group(root, "draws", w);
    rf.info.dropped_draws = h5::read_array<std::uint64_t>(g.get(), "dropped", w);
  }

  // /meta
  {
    Hid g = h5::open_group(root, "meta", w);
    {
      Hid gr = h5::open_group(g.get(), "regions", w);
      const auto id = h5::read_strings(gr.get(), "id", w);
      const auto en = h5::read_strings(gr.get(), "name_en", w, id.size());
      const auto zh = h5::read_strings(gr.get(), "name_zh", w, id.size());
      for (std::size_t r = 0; r < id.size(); ++r) rf.regions.push_back({id[r], en[r], zh[r]});
      rf.shape.regions = id;
    }
    {
      Hid gi = h5::open_group(g.get(), "indicators", w);
      const auto id = h5::read_strings(gi.get(), "id", w);
      const auto en = h5::read_strings(gi.get(), "name_en", w, id.size());
      const auto zh = h5::read_strings(gi.get(), "name_zh", w, id.size());
      const auto unit = h5::read_strings(gi.get(), "unit", w, id.size());
      for (std::size_t i = 0; i < id.size(); ++i) {
        rf.indicators.push_back({id[i], en[i], zh[i], unit[i]});
      }
      rf.shape.indicators = id;
      rf.shape.units = unit;
    }
    std::vector<hsize_t> ydims;
    const auto years = h5::read_array<std::int32_t>(g.get(), "years", w, &ydims);
    if (ydims.size() != 1) h5::fail(path, "/meta/years", "expected a 1-D dataset");
    rf.shape.years.assign(years.begin(), years.end());
    rf.summary.quantile_levels = h5::read_array<double>(g.get(), "quantile_levels", w);
  }

  // /summary
  {
    Hid g = h5::open_group(root, "summary", w);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(rf.shape.num_indicators()),
                                       static_cast<hsize_t>(rf.shape.num_regions()),
                                       static_cast<hsize_t>(rf.shape.num_years())};
    rf.summary.mean = h5::read_array<double>(g.get(), "mean", w, nullptr, dims);
    rf.summary.sd = h5::read_array<double>(g.get(), "sd", w, nullptr, dims);
    rf.summary.min = h5::read_array<double>(g.get(), "min", w, nullptr, dims);
    rf.summary.max = h5::read_array<double>(g.get(), "max", w, nullptr, dims);
    std::vector<hsize_t> qdims = dims;
    qdims.push_back(static_cast<hsize_t>(rf.summary.quantile_levels.size()));
    rf.summary.quantiles = h5::read_array<double>(g.get(), "quantiles", w, nullptr, qdims);
    Hid d = h5::open_dataset(g.get(), "quantiles", w);
    rf.summary.quantile_relative_accuracy =
        h5::read_attr<double>(d.get(), "relative_accuracy", w);
  }

  // Thresholds the table was computed with.
  double on_track = 0, at_risk = 0;
  {
    Hid g = h5::open_group(root, "scenario", w);
    on_track = h5::read_attr<double>(g.get(), "on_track", w);
    at_risk = h5::read_attr<double>(g.get(), "at_risk", w);
  }

  // /targets
  {
    Hid g = h5::open_group(root, "targets", w);
    rf.targets = detail::read_target_definitions(g.get(), w);
    const std::size_t T = rf.targets.size();
    std::vector<std::string> units(T);
    for (std::size_t t = 0; t < T; ++t) {
      for (const auto& ind : rf.indicators) {
        if (ind.id == rf.targets[t].indicator) units[t] = ind.unit;
      }
    }

    {
      const std::optional<std::vector<hsize_t>> tdims{{static_cast<hsize_t>(T)}};
      const auto median = h5::read_array<double>(g.get(), "median", w, nullptr, tdims);
      const auto q05 = h5::read_array<double>(g.get(), "q05", w, nullptr, tdims);
      const auto q95 = h5::read_array<double>(g.get(), "q95", w, nullptr, tdims);
      const auto mean = h5::read_array<double>(g.get(), "mean", w, nullptr, tdims);
      const auto p_met = h5::read_array<double>(g.get(), "p_met", w, nullptr, tdims);
      const auto p_met_se = h5::read_array<double>(g.get(), "p_met_se", w, nullptr, tdims);
      const auto n_valid =
          h5::read_array<std::uint64_t>(g.get(), "valid_draws", w, nullptr, tdims);
      const auto verdict = h5::read_strings(g.get(), "verdict", w, T);
      rf.stored_table.on_track = on_track;
      rf.stored_table.at_risk = at_risk;
      for (std::size_t t = 0; t < T; ++t) {
        TargetRow row;
        row.target = rf.targets[t];
        row.indicator_unit = units[t];
        row.median = median[t];
        row.q05 = q05[t];
        row.q95 = q95[t];
        row.mean = mean[t];
        row.p_met = p_met[t];
        row.p_met_se = p_met_se[t];
        row.draws = static_cast<std::size_t>(n_valid[t]);
        row.verdict = verdict[t];
        rf.stored_table.rows.push_back(std::move(row));
      }
      Hid j = h5::open_group(g.get(), "joint", w);
      rf.stored_table.joint.met_count_hist =
          h5::read_array<std::uint64_t>(j.get(), "met_count_hist", w, nullptr, {{T + 1}});
      rf.stored_table.joint.p_all_binding = h5::read_attr<double>(j.get(), "p_all_binding", w);
      rf.stored_table.joint.p_all = h5::read_attr<double>(j.get(), "p_all", w);
      rf.stored_table.joint.num_binding =
          static_cast<std::size_t>(h5::read_attr<std::int64_t>(j.get(), "num_binding", w));
    }
    rf.table_recomputed = recompute && rf.store >= StoreLevel::targets;
    rf.table = rf.table_recomputed
                   ? recompute_table(g.get(), w, rf.targets, units, on_track, at_risk)
                   : rf.stored_table;
  }
  if (h5::exists(root, detail::kIndexGroup)) rf.index = read_index(root, w);
  return rf;
}

}  // namespace

RunFile read_run_file(const std::string& path, bool recompute) {
  return detail::as_input_error([&] { return read_verified_run_file(path, recompute); });
}

std::string innosim_file_type(const std::string& path) { return detail::peek_file_type(path); }

VerifiedFile verify_innosim_file(const std::string& path) {
  return detail::as_input_error([&] {
    const h5::Where w{path};
    VerifiedFile v;
    Hid file = detail::open_innosim_file(path, "", 0, &v.file_type);
    v.format_version = static_cast<int>(h5::read_attr<std::int64_t>(file.get(), "format_version", w));
    v.objects = h5::read_strings(file.get(), std::string(detail::kIntegrityGroup) + "/objects", w).size();
    return v;
  });
}

std::optional<std::vector<double>> read_series_draws(const RunFile& run, std::size_t i, std::size_t r,
                                                     std::size_t y) {
  h5::silence_errors();
  const h5::Where w{run.path};
  const ResultShape& shape = run.shape;
  if (i >= shape.num_indicators() || r >= shape.num_regions() || y >= shape.num_years())
    throw std::out_of_range(run.path + ": no series (" + std::to_string(i) + ", " + std::to_string(r) + ", " +
                            std::to_string(y) + ") in the run's shape");
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  Hid file = h5::checked(H5Fopen(run.path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose, w, H5I_INVALID_HID, "",
                         "cannot open");
  // One row along the last (draw) axis of a dataset, at `start` over the leading axes.
  auto read_row = [&](const char* path, std::vector<hsize_t> start) {
    Hid d = h5::open_dataset(file.get(), path, w);
    const auto dims = h5::dataset_dims(d.get());
    if (dims.size() != start.size() + 1) h5::fail(run.path, path, "unexpected rank");
    const hsize_t n = dims.back();
    std::vector<hsize_t> count(start.size(), 1);
    start.push_back(0);
    count.push_back(n);
    std::vector<double> out(static_cast<std::size_t>(n));
    Hid fspace(H5Dget_space(d.get()), H5Sclose);
    Hid mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
    if (n > 0 && (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
                  H5Dread(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, out.data()) < 0))
      h5::fail(run.path, path, "cannot read a row");
    return out;
  };
  if (h5::exists(file.get(), "trajectories") && h5::exists(file.get(), "trajectories/values"))
    return read_row("/trajectories/values", {i, r, y});
  for (std::size_t t = 0; t < run.targets.size() && run.store >= StoreLevel::targets; ++t) {
    const Target& tg = run.targets[t];
    if (tg.indicator == shape.indicators[i] && tg.region == shape.regions[r] && tg.year == shape.years[y])
      return read_row("/targets/draws", {t});
  }
  return std::nullopt;
}

}  // namespace innosim
