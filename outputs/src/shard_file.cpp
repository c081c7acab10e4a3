// Shard files read back (shard_file.hpp; schema: docs/hdf5-schema.md, "Shard files").

#include "innosim/outputs/shard_file.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/h5_state.hpp"
#include "detail/run_file.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

// Tiles read at a time when streaming tile moments.
constexpr std::size_t kTileBatch = 256;

// Any innosim file, verified (a run file given for a shard is named as such).
Hid open_file(const std::string& path) { return detail::open_innosim_file(path, "", 0); }

ShardInfo read_info(hid_t root, const std::string& path) {
  const h5::Where w{path};
  const std::string type = h5::read_attr_string(root, "file_type", w);
  if (type == detail::kFileType)
    throw InputFileError(path + ": a run file, not a shard file (merge takes the files `innosim run --shard k/K` writes)");
  if (type != detail::kShardFileType)
    throw InputFileError(path + ": not an innosim shard file (file_type is '" + type + "')");
  const auto version = h5::read_attr<std::int64_t>(root, "format_version", w);
  if (version != detail::kFormatVersion)
    throw InputFileError(path + ": shard file format_version " + std::to_string(version) +
                         " is not supported (this innosim reads version " + std::to_string(detail::kFormatVersion) +
                         ")");
  ShardInfo s;
  s.path = path;
  RunHeader& h = s.id.header;
  detail::read_run_header(root, w, h, s.id.scenario_name);
  h.randoms_per_year = h5::read_attr<std::uint64_t>(root, "randoms_per_year", w);
  s.id.store = detail::read_store_level(root, w);
  {
    Hid g = h5::open_group(root, "shard", w);
    h.shard = h5::read_attr<std::uint32_t>(g.get(), "shard", w);
    h.shards = h5::read_attr<std::uint32_t>(g.get(), "shards", w);
    h.range = {h5::read_attr<std::uint64_t>(g.get(), "first_draw", w),
               h5::read_attr<std::uint64_t>(g.get(), "end_draw", w)};
    h.scenario_hash = h5::read_attr_string(g.get(), "scenario_hash", w);
    s.id.yearly_uniforms = h5::read_attr<std::uint8_t>(g.get(), "yearly_uniforms", w) != 0;
    if (!h5::exists(g.get(), "state"))
      throw std::runtime_error(path + ": /shard/state: missing (the shard did not finish)");
  }
  {
    Hid g = h5::open_group(root, "scenario", w);
    const auto texts = h5::read_strings(g.get(), "files", w);
    const auto paths = h5::read_strings(g.get(), "file_paths", w, texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) s.scenario_files.emplace_back(paths[i], texts[i]);
  }
  s.threads = static_cast<unsigned>(h5::read_attr<std::int64_t>(root, "threads", w));
  s.seconds = h5::read_attr<double>(root, "seconds", w);
  return s;
}

// One per-draw dataset [rows..., n]: reads draws [j, j+count) into
// draw-major records, row r of the dataset going to element map[r] (or r).
struct PerDraw {
  Hid ds;
  std::vector<hsize_t> dims;  // lead dims, then n
  std::size_t rows = 1;
  std::vector<std::size_t> map;
  std::string name;

  void open(hid_t root, const std::string& path, const h5::Where& w) {
    name = path;
    ds = h5::open_dataset(root, path, w);
    dims = h5::dataset_dims(ds.get());
    if (dims.empty()) h5::fail(w.file, path, "expected a per-draw dataset");
    rows = 1;
    for (std::size_t k = 0; k + 1 < dims.size(); ++k) rows *= static_cast<std::size_t>(dims[k]);
  }
  template <class T>
  void read(std::uint64_t j, std::size_t count, std::vector<T>& out, std::vector<T>& buf, const h5::Where& w) const {
    out.resize(rows * count);
    buf.resize(rows * count);
    if (count == 0 || rows == 0) return;
    std::vector<hsize_t> start(dims.size(), 0), n = dims;
    start.back() = j;
    n.back() = count;
    Hid fspace(H5Dget_space(ds.get()), H5Sclose);
    const hsize_t total = rows * count;
    Hid mspace(H5Screate_simple(1, &total, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, n.data(), nullptr) < 0 ||
        H5Dread(ds.get(), h5::native_type<T>(), mspace.get(), fspace.get(), H5P_DEFAULT, buf.data()) < 0)
      h5::fail(w.file, name, fmt::format("cannot read draws {}..{}", j, j + count - 1));
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t e = map.empty() ? r : map[r];
      const T* src = buf.data() + r * count;
      for (std::size_t d = 0; d < count; ++d) out[d * rows + e] = src[d];
    }
  }
};

}  // namespace

ShardInfo read_shard_info(const std::string& path) {
  Hid file = open_file(path);
  return read_info(file.get(), path);
}

std::vector<std::string> run_differences(const RunIdentity& a, const RunIdentity& run, bool with_shard) {
  std::vector<std::string> out;
  const RunHeader &x = a.header, &y = run.header;
  auto differ = [&](const char* what, const std::string& mine, const std::string& theirs) {
    if (mine != theirs) out.push_back(fmt::format("{} {} where the run has {}", what, mine, theirs));
  };
  differ("scenario", fmt::format("'{}' {}", a.scenario_name, x.scenario_hash.substr(0, 12)),
         fmt::format("'{}' {}", run.scenario_name, y.scenario_hash.substr(0, 12)));
  differ("seed", std::to_string(x.seed), std::to_string(y.seed));
  differ("draws", std::to_string(x.draws), std::to_string(y.draws));
  differ("sampler", x.sampler, y.sampler);
  differ("model", x.model, y.model);
  differ("program", "innosim " + x.engine_version + " (" + x.git_sha + ")",
         "innosim " + y.engine_version + " (" + y.git_sha + ")");
  differ("shards", std::to_string(x.shards), std::to_string(y.shards));
  if (with_shard) {
    differ("shard", std::to_string(x.shard), std::to_string(y.shard));
    differ("draws", fmt::format("{}..{}", x.range.first, x.range.end), fmt::format("{}..{}", y.range.first, y.range.end));
  }
  differ("store level", store_level_name(a.store), store_level_name(run.store));
  differ("yearly uniforms", a.yearly_uniforms ? "kept" : "not kept", run.yearly_uniforms ? "kept" : "not kept");
  return out;
}

struct ShardReader::Impl {
  std::string path;
  h5::Where w;
  Hid file;
  ShardInfo info;
  PerDraw theta, targets, trajectories, uniforms, valid;
  mutable std::vector<double> buf;
  mutable std::vector<std::uint8_t> buf8;
};

ShardReader::ShardReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.path = path;
  m.w = h5::Where{path};
  m.file = open_file(path);
  m.info = read_info(m.file.get(), path);
  const hid_t root = m.file.get();
  const std::uint64_t n = m.info.id.header.range.size();
  m.theta.open(root, "/parameters/draws", m.w);
  m.targets.open(root, "/targets/draws", m.w);
  m.valid.open(root, "/draws/valid", m.w);
  if (m.info.id.store == StoreLevel::trajectories) m.trajectories.open(root, "/trajectories/values", m.w);
  if (m.info.id.yearly_uniforms) {
    m.uniforms.open(root, "/draws/yearly_uniforms", m.w);
    // Dataset rows are [K][S], a draw's record [S][K] (RunWriter).
    const std::size_t K = static_cast<std::size_t>(m.uniforms.dims[0]), S = static_cast<std::size_t>(m.uniforms.dims[1]);
    m.uniforms.map.resize(K * S);
    for (std::size_t k = 0; k < K; ++k)
      for (std::size_t s = 0; s < S; ++s) m.uniforms.map[k * S + s] = s * K + k;
  }
  for (const PerDraw* d : {&m.theta, &m.targets, &m.valid})
    if (d->dims.back() != n)
      h5::fail(path, d->name, fmt::format("{} draws, but the shard's range {}..{} has {}", d->dims.back(),
                                          m.info.id.header.range.first, m.info.id.header.range.end, n));
}

ShardReader::~ShardReader() = default;

const ShardInfo& ShardReader::info() const { return impl_->info; }

void ShardReader::load_state(RunState& state) const {
  Impl& m = *impl_;
  Hid g = h5::open_group(m.file.get(), "shard", m.w);
  detail::H5StateIn in(h5::open_group(g.get(), "state", m.w), m.w);
  state.load(in);
  const DrawRange r = m.info.id.header.range;
  if (state.range != r)
    throw StateError(fmt::format("{}: /shard/state: draws {}..{}, but the file holds draws {}..{}", m.path,
                                 state.range.first, state.range.end, r.first, r.end));
}

TileSource ShardReader::tiles() const {
  Impl& m = *impl_;
  const DrawRange r = m.info.id.header.range;
  if (r.first == 0) return [](Moments&) { return false; };
  struct Cursor {
    Hid n, mean, m2;
    hsize_t total = 0, next = 0, series = 0;
    std::vector<std::uint64_t> counts;
    std::vector<double> means, m2s;
    std::size_t at = 0;  // within the batch
  };
  auto c = std::make_shared<Cursor>();
  Hid g = h5::open_group(m.file.get(), "shard/tiles", m.w);
  c->n = h5::open_dataset(g.get(), "n", m.w);
  c->mean = h5::open_dataset(g.get(), "mean", m.w);
  c->m2 = h5::open_dataset(g.get(), "m2", m.w);
  c->total = tile_count(r.end) - r.first / kTileDraws;
  const auto dims = h5::dataset_dims(c->mean.get());
  if (h5::dataset_dims(c->n.get()) != std::vector<hsize_t>{c->total} || dims.size() != 2 || dims[0] != c->total ||
      h5::dataset_dims(c->m2.get()) != dims)
    h5::fail(m.path, "/shard/tiles", fmt::format("expected {} tiles", c->total));
  c->series = dims[1];
  const std::string path = m.path;
  return [c, path](Moments& tile) {
    const std::size_t S = static_cast<std::size_t>(c->series);
    if (c->at == c->counts.size()) {
      if (c->next == c->total) return false;
      const hsize_t k = std::min<hsize_t>(kTileBatch, c->total - c->next);
      c->counts.resize(static_cast<std::size_t>(k));
      c->means.resize(static_cast<std::size_t>(k) * S);
      c->m2s.resize(static_cast<std::size_t>(k) * S);
      auto read = [&](const Hid& ds, bool two_d, void* out, hid_t type) {
        std::vector<hsize_t> start{c->next}, count{k};
        if (two_d) {
          start.push_back(0);
          count.push_back(c->series);
        }
        Hid fspace(H5Dget_space(ds.get()), H5Sclose);
        Hid mspace = h5::simple_space(count);
        if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
            H5Dread(ds.get(), type, mspace.get(), fspace.get(), H5P_DEFAULT, out) < 0)
          h5::fail(path, "/shard/tiles", fmt::format("cannot read tiles from {}", c->next));
      };
      read(c->n, false, c->counts.data(), H5T_NATIVE_UINT64);
      read(c->mean, true, c->means.data(), H5T_NATIVE_DOUBLE);
      read(c->m2, true, c->m2s.data(), H5T_NATIVE_DOUBLE);
      c->next += k;
      c->at = 0;
    }
    const std::size_t i = c->at++;
    tile.assign(c->counts[i], std::vector<double>(c->means.begin() + static_cast<std::ptrdiff_t>(i * S),
                                                  c->means.begin() + static_cast<std::ptrdiff_t>((i + 1) * S)),
                std::vector<double>(c->m2s.begin() + static_cast<std::ptrdiff_t>(i * S),
                                    c->m2s.begin() + static_cast<std::ptrdiff_t>((i + 1) * S)));
    return true;
  };
}

void ShardReader::read_draws(std::uint64_t first, std::size_t count, std::vector<double>& theta,
                             std::vector<double>& targets, std::vector<double>& trajectories,
                             std::vector<double>& uniforms, std::vector<std::uint8_t>& valid) const {
  Impl& m = *impl_;
  const DrawRange r = m.info.id.header.range;
  if (first < r.first || first > r.end || count > r.end - first)
    throw std::out_of_range(fmt::format("{}: draws {}..{} are not in the shard's {}..{}", m.path, first,
                                        first + count, r.first, r.end));
  const std::uint64_t j = first - r.first;
  m.theta.read(j, count, theta, m.buf, m.w);
  m.targets.read(j, count, targets, m.buf, m.w);
  m.valid.read(j, count, valid, m.buf8, m.w);
  if (m.info.id.store == StoreLevel::trajectories)
    m.trajectories.read(j, count, trajectories, m.buf, m.w);
  else
    trajectories.clear();
  if (m.info.id.yearly_uniforms)
    m.uniforms.read(j, count, uniforms, m.buf, m.w);
  else
    uniforms.clear();
}

}  // namespace innosim
