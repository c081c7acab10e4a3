// HDF5 run-file writer (schema: docs/hdf5-schema.md).
//
// Per-draw datasets keep draws on the last axis. The runner hands us
// draw-major blocks; each per-draw dataset stages up to one chunk column
// (all rows x chunk_n draws) in memory, transposed, and writes it when the
// column is complete, so HDF5 sees whole-chunk writes and never has to read
// a chunk back (which, with gzip, would mean decompressing it again).
// Every per-draw dataset goes through the shuffle and deflate filters.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


#include "detail/h5.hpp"
#include "detail/h5_state.hpp"
#include "detail/meta.hpp"
#include "detail/output_file.hpp"
#include "detail/run_file.hpp"
#include "detail/sha256.hpp"
#include "innosim/outputs/hdf5_writer.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;

namespace {

constexpr hsize_t kMaxChunkDraws = 16384;
constexpr std::size_t kStagingBudgetBytes = 32u << 20;  // per dataset
constexpr hsize_t kMinChunkDraws = 64;

// One per-draw dataset [lead..., N] with its staging buffer [rows][chunk_n].
template <class T>
class PerDrawDataset {
 public:
  PerDrawDataset() = default;

  // `chunk_lead` is the chunk shape over the leading dims; `map`, if not
  // empty, gives for each dataset row the element of a draw's input record.
  void create(hid_t loc, const std::string& name, std::vector<hsize_t> lead, hsize_t draws,
              std::vector<hsize_t> chunk_lead, int gzip_level, T fill, std::size_t record,
              std::vector<std::size_t> map, const h5::Where& w) {
    where_ = w;
    loc_ = loc;  // a group the writer keeps open
    name_ = name;
    loc_name_ = w.path(loc, name);
    lead_ = lead;
    draws_ = draws;
    record_ = record;
    map_ = std::move(map);
    rows_ = 1;
    for (hsize_t x : lead) rows_ *= static_cast<std::size_t>(x);

    std::vector<hsize_t> dims = lead;
    dims.push_back(draws);
    Hid space = h5::simple_space(dims);
    Hid dcpl;
    if (rows_ > 0 && draws > 0) {
      const std::size_t per_draw_bytes = rows_ * sizeof(T);
      hsize_t cn = std::max<hsize_t>(kStagingBudgetBytes / per_draw_bytes, kMinChunkDraws);
      cn = std::min({cn, kMaxChunkDraws * (sizeof(T) == 1 ? 4 : 1), draws});
      chunk_n_ = cn;
      std::vector<hsize_t> chunk = chunk_lead;
      chunk.push_back(cn);
      dcpl = h5::chunked_layout(chunk, gzip_level, w, loc, name);
      buf_.assign(rows_ * static_cast<std::size_t>(chunk_n_), fill);
      fill_ = fill;
      written_.assign(static_cast<std::size_t>((draws + cn - 1) / cn), false);
    } else {
      dcpl = Hid(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    }
    h5::check(H5Pset_fill_value(dcpl.get(), h5::native_type<T>(), &fill), w, loc, name,
              "cannot set fill value");
    ds_ = h5::checked(H5Dcreate2(loc, name.c_str(), h5::native_type<T>(), space.get(),
                                 H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                      H5Dclose, w, loc, name, "cannot create dataset");
  }

  // Appends draws [first, first+count) from draw-major records of `record_`
  // elements each.
  void append(std::uint64_t first, std::size_t count, const T* src) {
    if (rows_ == 0 || count == 0) return;
    if (staged_ > 0 && first != start_ + staged_) flush();  // a gap: write what we have
    const auto cn = static_cast<std::size_t>(chunk_n_);
    std::size_t j = 0;
    while (j < count) {
      const std::uint64_t d = first + j;
      if (staged_ == 0) start_ = d;
      // Draws that fit before the buffer is full or the next chunk boundary.
      const auto to_boundary = static_cast<std::size_t>(chunk_n_ - d % chunk_n_);
      const std::size_t m = std::min({count - j, cn - staged_, to_boundary});
      // Row by row: contiguous stores into the staging buffer.
      for (std::size_t r = 0; r < rows_; ++r) {
        const std::size_t e = map_.empty() ? r : map_[r];
        T* dst = buf_.data() + r * cn + staged_;
        const T* s = src + j * record_ + e;
        for (std::size_t k = 0; k < m; ++k) dst[k] = s[k * record_];
      }
      staged_ += m;
      j += m;
      if (staged_ == cn || (d + m) % chunk_n_ == 0) flush();
    }
  }

  void flush() {
    if (staged_ == 0) return;
    std::vector<hsize_t> start(lead_.size() + 1, 0), count = lead_;
    start.back() = start_;
    count.push_back(staged_);
    Hid fspace(H5Dget_space(ds_.get()), H5Sclose);
    const hsize_t mdims[2] = {static_cast<hsize_t>(rows_), chunk_n_};
    const hsize_t mstart[2] = {0, 0};
    const hsize_t mcount[2] = {static_cast<hsize_t>(rows_), static_cast<hsize_t>(staged_)};
    Hid mspace(H5Screate_simple(2, mdims, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr) < 0 ||
        H5Sselect_hyperslab(mspace.get(), H5S_SELECT_SET, mstart, nullptr, mcount, nullptr) < 0 ||
        H5Dwrite(ds_.get(), h5::native_type<T>(), mspace.get(), fspace.get(), H5P_DEFAULT,
                 buf_.data()) < 0) {
      h5::fail(where_.file, loc_name_,
               "cannot write draws " + std::to_string(start_) + ".." +
                   std::to_string(start_ + staged_ - 1));
    }
    for (std::uint64_t c = start_ / chunk_n_; c <= (start_ + staged_ - 1) / chunk_n_; ++c) written_[c] = true;
    staged_ = 0;
  }

  // Stores every chunk never written (draws the runner skipped) as fill
  // values, so that every chunk carries its checksum: a chunk absent from a
  // finished file is damage (integrity.hpp).
  void complete() {
    flush();
    for (std::size_t c = 0; c < written_.size(); ++c) {
      if (written_[c]) continue;
      std::fill(buf_.begin(), buf_.end(), fill_);
      start_ = c * chunk_n_;
      staged_ = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_n_, draws_ - start_));
      flush();
    }
  }

  // Row `row` over all draws (after flush()).
  std::vector<T> read_row(std::size_t row) const {
    std::vector<T> out(static_cast<std::size_t>(draws_));
    if (draws_ == 0) return out;
    std::vector<hsize_t> start(lead_.size() + 1, 0), count(lead_.size() + 1, 1);
    // Unravel `row` into the leading indices.
    std::size_t rest = row;
    for (std::size_t k = lead_.size(); k-- > 0;) {
      start[k] = rest % lead_[k];
      rest /= static_cast<std::size_t>(lead_[k]);
    }
    count.back() = draws_;
    Hid fspace(H5Dget_space(ds_.get()), H5Sclose);
    const hsize_t n = draws_;
    Hid mspace(H5Screate_simple(1, &n, nullptr), H5Sclose);
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                            nullptr) < 0 ||
        H5Dread(ds_.get(), h5::native_type<T>(), mspace.get(), fspace.get(), H5P_DEFAULT,
                out.data()) < 0) {
      h5::fail(where_.file, loc_name_, "cannot read row " + std::to_string(row));
    }
    return out;
  }

  // Keeps only the first n draws (n <= the draws created with), after flush().
  // A dataset without elements (no rows) is not chunked and cannot change
  // its extent: it is made again with n draws.
  void shrink(hsize_t n) {
    flush();
    std::vector<hsize_t> dims = lead_;
    dims.push_back(n);
    if (chunk_n_ > 0) {
      if (H5Dset_extent(ds_.get(), dims.data()) < 0)
        h5::fail(where_.file, loc_name_, "cannot keep the first " + std::to_string(n) + " draws");
    } else {
      ds_.reset();
      h5::check(H5Ldelete(loc_, name_.c_str(), H5P_DEFAULT), where_, loc_, name_, "cannot remove dataset");
      Hid space = h5::simple_space(dims);
      ds_ = h5::checked(H5Dcreate2(loc_, name_.c_str(), h5::native_type<T>(), space.get(), H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT),
                        H5Dclose, where_, loc_, name_, "cannot create dataset");
    }
    draws_ = n;
    if (chunk_n_ > 0) written_.resize(static_cast<std::size_t>((n + chunk_n_ - 1) / chunk_n_));
  }

  std::size_t rows() const { return rows_; }
  bool close() { return ds_.reset(); }

 private:
  h5::Where where_;
  hid_t loc_ = -1;
  std::string name_, loc_name_;
  Hid ds_;
  std::vector<hsize_t> lead_;
  hsize_t draws_ = 0, chunk_n_ = 0;
  std::size_t rows_ = 0, record_ = 0;
  std::vector<std::size_t> map_;
  std::vector<T> buf_;
  T fill_{};
  std::vector<bool> written_;  // per chunk column
  std::uint64_t start_ = 0;
  std::size_t staged_ = 0;
};

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

// A 64-bit digest of every draw's parameter values, in draw order (the
// attribute /parameters@draws_digest): a chain of the splitmix64 finaliser,
// a bijection, so one changed value always changes the digest. `compare`
// pairs runs by it when the files do not keep the values themselves.
std::uint64_t digest_values(std::uint64_t h, std::span<const double> values) {
  for (const double v : values) {
    std::uint64_t z;
    std::memcpy(&z, &v, sizeof z);
    z ^= h;
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    h = z ^ (z >> 31);
  }
  return h;
}

constexpr std::pair<StoreLevel, const char*> kStoreLevels[] = {
    {StoreLevel::summary, "summary"},
    {StoreLevel::targets, "targets"},
    {StoreLevel::parameters, "parameters"},
    {StoreLevel::trajectories, "trajectories"}};

// Rows [tiles][series] of tile moments, written a block of tiles at a time.
class TileDataset {
 public:
  void create(hid_t loc, const std::string& name, hsize_t tiles, hsize_t series, const h5::Where& w) {
    where_ = w;
    loc_name_ = w.path(loc, name);
    series_ = series;
    const std::vector<hsize_t> dims = series > 0 ? std::vector<hsize_t>{tiles, series} : std::vector<hsize_t>{tiles};
    Hid space = h5::simple_space(dims);
    Hid dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (tiles > 0) {
      const hsize_t row_bytes = std::max<hsize_t>(series, 1) * 8;
      const hsize_t rows = std::clamp<hsize_t>((1u << 20) / row_bytes, 1, tiles);
      std::vector<hsize_t> chunk = dims;
      chunk[0] = rows;
      dcpl = h5::chunked_layout(chunk, 0, w, loc, name);
    }
    const hid_t type = series > 0 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT64;
    ds_ = h5::checked(H5Dcreate2(loc, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                      H5Dclose, w, loc, name, "cannot create dataset");
  }
  // `count` rows from row `first`; `data` is [count][series] (doubles) or [count] (counts).
  void write(hsize_t first, hsize_t count, const void* data) {
    if (count == 0) return;
    std::vector<hsize_t> start{first}, n{count};
    if (series_ > 0) {
      start.push_back(0);
      n.push_back(series_);
    }
    Hid fspace(H5Dget_space(ds_.get()), H5Sclose);
    Hid mspace = h5::simple_space(n);
    const hid_t type = series_ > 0 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT64;
    if (H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, n.data(), nullptr) < 0 ||
        H5Dwrite(ds_.get(), type, mspace.get(), fspace.get(), H5P_DEFAULT, data) < 0)
      h5::fail(where_.file, loc_name_, "cannot write tiles " + std::to_string(first) + ".." +
                                           std::to_string(first + count - 1));
  }
  bool close() { return ds_.reset(); }

 private:
  h5::Where where_;
  std::string loc_name_;
  Hid ds_;
  hsize_t series_ = 0;
};

}  // namespace

const char* store_level_name(StoreLevel level) {
  for (const auto& [l, name] : kStoreLevels) {
    if (l == level) return name;
  }
  throw std::invalid_argument("store_level_name: not a store level");
}

std::optional<StoreLevel> parse_store_level(std::string_view name) {
  for (const auto& [l, n] : kStoreLevels) {
    if (name == n) return l;
  }
  return std::nullopt;
}


std::string scenario_hash(const Scenario& scenario) {
  detail::Sha256 sha;
  for (const auto& [path, text] : scenario.files) {
    // Length-prefixed, so that no two lists of texts hash alike.
    const std::string len = std::to_string(text.size()) + ":";
    sha.bytes(len.data(), len.size());
    sha.bytes(text.data(), text.size());
  }
  return sha.hex();
}

struct RunWriter::Impl {
  // Declared first, so destroyed last: the dataset and group handles below
  // are closed before an unpublished file is dropped.
  std::optional<detail::OutputFile> out;
  // Summary level: the target values for the exact quantiles, in a scratch
  // file beside the temporary one (OUT.tmp-PID.targets), removed when done.
  std::string scratch_path;
  std::optional<TempFileRegistration> scratch_registration;
  h5::Where where;
  WriterConfig config;
  ResultShape shape;
  std::vector<Target> targets;
  std::size_t num_params = 0, num_years_sim = 0, k_uniforms = 0;
  std::uint64_t draws = 0;  // per-draw values kept: those of `range`
  std::uint64_t theta_digest = 0;
  DrawRange range;
  bool shard = false;
  Hid scratch, g_parameters, g_targets, g_draws, g_trajectories, g_shard;
  PerDrawDataset<double> theta, target_draws, trajectories, uniforms;
  PerDrawDataset<std::uint8_t> valid;
  bool keep_tiles = false;  // a shard after draw 0: every tile's moments
  TileDataset tile_n, tile_mean, tile_m2;
  std::vector<double> tile_buf;
  std::vector<std::uint64_t> tile_count_buf;
  bool finished = false;

  // Everything the file holds before the first draw (root attributes,
  // /scenario, /meta, names, and the empty per-draw datasets).
  void create_layout(const Scenario& scenario, const ResultShape& shape, const RunHeader& header);

  // A shard keeps every draw's parameter and target values whatever the
  // store level (the merge needs them for the parameter digest and the exact
  // quantiles); the merged file keeps what the level (root@store) asks for.
  bool keeps(StoreLevel level) const {
    return config.store >= level || (shard && level <= StoreLevel::parameters);
  }

  void complete_all() {
    if (keeps(StoreLevel::parameters)) theta.complete();
    target_draws.complete();
    if (keeps(StoreLevel::targets)) valid.complete();
    if (keeps(StoreLevel::trajectories)) trajectories.complete();
    if (config.yearly_uniforms) uniforms.complete();
  }

  // Closes every handle the writer holds in the file; false on any HDF5 error.
  bool close_handles() {
    bool ok = true;
    ok = theta.close() && ok;
    ok = target_draws.close() && ok;
    ok = valid.close() && ok;
    ok = trajectories.close() && ok;
    ok = uniforms.close() && ok;
    ok = tile_n.close() && ok;
    ok = tile_mean.close() && ok;
    ok = tile_m2.close() && ok;
    ok = g_shard.reset() && ok;
    ok = g_parameters.reset() && ok;
    ok = g_targets.reset() && ok;
    ok = g_draws.reset() && ok;
    ok = g_trajectories.reset() && ok;
    ok = scratch.reset() && ok;
    if (!scratch_path.empty()) {
      std::error_code ec;
      std::filesystem::remove(scratch_path, ec);
      scratch_path.clear();
    }
    scratch_registration.reset();
    return ok;
  }

  // The root attributes of how the run went (a run file's and a shard's).
  void write_run_info(const RunInfo& info) {
    const hid_t root = out->root();
    h5::write_attr<std::uint64_t>(root, "draws_valid", info.draws_valid, where);
    h5::write_attr<std::uint64_t>(root, "draws_dropped", info.draws_dropped, where);
    h5::write_attr<std::int32_t>(root, "threads", static_cast<std::int32_t>(info.threads), where);
    h5::write_attr<double>(root, "seconds", info.seconds, where);
  }

  // Everything to disk first, where a full disk is named as such; then the
  // handles closed and the file sealed and renamed to its final name.
  void publish_file() {
    if (H5Fflush(out->root(), H5F_SCOPE_GLOBAL) < 0)
      h5::fail(where.file, "/", "cannot write " + out->temp_path());
    if (!close_handles()) h5::fail(where.file, "/", "cannot close the datasets of " + out->temp_path());
    out->publish();
    finished = true;
  }

  ~Impl() { close_handles(); }
};

RunWriter::RunWriter(std::string final_path, const Scenario& scenario, const ResultShape& shape,
                     const RunHeader& header, WriterConfig config)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.where = h5::Where{final_path};
  m.config = config;
  m.shape = shape;
  m.targets = scenario.targets;
  m.num_params = scenario.parameters.size();
  m.range = header.range == DrawRange{} ? DrawRange{0, header.draws} : header.range;
  m.draws = m.range.size();
  m.shard = header.is_shard();
  m.k_uniforms = header.randoms_per_year;
  m.num_years_sim = static_cast<std::size_t>(
      std::max(0, scenario.horizon.end - scenario.horizon.start));

  require(config.gzip_level >= 0 && config.gzip_level <= 9,
          "WriterConfig::gzip_level must be in 0..9, got " + std::to_string(config.gzip_level));
  require(shape.units.size() == shape.indicators.size(),
          "ResultShape: units and indicators differ in length");
  require(m.range.first <= m.range.end && m.range.end <= header.draws && m.range.first % kTileDraws == 0,
          "RunHeader::range is not a tile-aligned range of the run's draws");
  require(m.shard || m.range == DrawRange{0, header.draws}, "RunHeader: only a shard file keeps some of the draws");
  h5::silence_errors();
  if (config.gzip_level > 0 &&
      (H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0 || H5Zfilter_avail(H5Z_FILTER_SHUFFLE) <= 0)) {
    throw std::runtime_error(final_path + ": this HDF5 library lacks the gzip or shuffle filter");
  }
  m.out.emplace(std::move(final_path), config.output);
  if (!m.keeps(StoreLevel::targets)) {
    m.scratch_path = m.out->temp_path() + ".targets";
    m.scratch_registration.emplace(m.scratch_path);
    Hid fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
    const hid_t sid = H5Fcreate(m.scratch_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    if (sid < 0) h5::fail(m.where.file, "/", "cannot create scratch file " + m.scratch_path);
    m.scratch = Hid(sid, H5Fclose);
  }
  m.create_layout(scenario, shape, header);  // on failure ~Impl closes the handles, then drops the file
}

void RunWriter::Impl::create_layout(const Scenario& scenario, const ResultShape& shape,
                                    const RunHeader& header) {
  Impl& m = *this;
  const h5::Where& w = m.where;
  const WriterConfig& config = m.config;
  const hid_t root = m.out->root();

  // Root attributes known before the run (the rest come with finish()).
  detail::write_identity(root, scenario,
                         {m.shard ? detail::kShardFileType : detail::kFileType, detail::kFormatVersion, header.engine_version, header.git_sha,
                          header.model, header.seed, header.sampler, true},
                         w);
  h5::write_attr<std::uint64_t>(root, "draws_requested", header.draws, w);
  if (header.precision > 0) {
    h5::write_attr<double>(root, "precision", header.precision, w);
    h5::write_attr<std::uint64_t>(root, "draws_cap", header.draws, w);
  }
  h5::write_attr<std::uint64_t>(root, "randoms_per_year", header.randoms_per_year, w);
  h5::write_attr<std::int32_t>(root, "horizon_start", scenario.horizon.start, w);
  h5::write_attr<std::int32_t>(root, "horizon_end", scenario.horizon.end, w);
  h5::write_attr_string(root, "store", store_level_name(config.store), w);

  // /scenario
  detail::write_scenario_group(root, scenario, w);

  // /meta
  {
    Hid g = h5::create_group(root, "meta", w);
    detail::write_meta_names(g.get(), scenario, shape, w);
    std::vector<std::int32_t> years(shape.years.begin(), shape.years.end());
    h5::write_vector(g.get(), "years", years, w);
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto N = static_cast<hsize_t>(m.draws);

  // /shard: which part of which run; the tile moments of a range after draw 0.
  if (m.shard) {
    m.g_shard = h5::create_group(root, "shard", w);
    const hid_t g = m.g_shard.get();
    h5::write_attr<std::uint32_t>(g, "shard", header.shard, w);
    h5::write_attr<std::uint32_t>(g, "shards", header.shards, w);
    h5::write_attr<std::uint64_t>(g, "first_draw", m.range.first, w);
    h5::write_attr<std::uint64_t>(g, "end_draw", m.range.end, w);
    h5::write_attr_string(g, "scenario_hash", header.scenario_hash, w);
    h5::write_attr<std::uint8_t>(g, "yearly_uniforms", config.yearly_uniforms ? 1 : 0, w);
    m.keep_tiles = m.range.first > 0;
    if (m.keep_tiles) {
      Hid tiles = h5::create_group(g, "tiles", w);
      const auto T = static_cast<hsize_t>(tile_count(m.range.end) - m.range.first / kTileDraws);
      const auto S = static_cast<hsize_t>(shape.size());
      m.tile_n.create(tiles.get(), "n", T, 0, w);
      m.tile_mean.create(tiles.get(), "mean", T, S, w);
      m.tile_m2.create(tiles.get(), "m2", T, S, w);
    }
  }

  // /parameters
  {
    m.g_parameters = h5::create_group(root, "parameters", w);
    const hid_t g = m.g_parameters.get();
    detail::write_parameter_names(g, scenario, w);
    if (m.keeps(StoreLevel::parameters)) {
      m.theta.create(g, "draws", {static_cast<hsize_t>(m.num_params)}, N, {1}, config.gzip_level,
                     nan, m.num_params, {}, w);
    }
  }

  // /targets: what the scenario says now; the table comes with finish().
  {
    m.g_targets = h5::create_group(root, "targets", w);
    const hid_t g = m.g_targets.get();
    detail::write_target_definitions(g, scenario, w);
    const std::size_t T = scenario.targets.size();
    // Below the targets level they go to the scratch file, for the exact quantiles only.
    const hid_t at = m.keeps(StoreLevel::targets) ? g : m.scratch.get();
    m.target_draws.create(at, "draws", {static_cast<hsize_t>(T)}, N, {1}, config.gzip_level, nan, T,
                          {}, w);
  }

  // /draws
  if (m.keeps(StoreLevel::targets) || config.yearly_uniforms) {
    m.g_draws = h5::create_group(root, "draws", w);
    if (m.keeps(StoreLevel::targets)) {
      m.valid.create(m.g_draws.get(), "valid", {}, N, {}, config.gzip_level, std::uint8_t{0}, 1, {},
                     w);
    }
    if (config.yearly_uniforms) {
      // Input records are [S][K]; the dataset is [K][S][N].
      const std::size_t S = m.num_years_sim, K = m.k_uniforms;
      std::vector<std::size_t> map(K * S);
      for (std::size_t k = 0; k < K; ++k) {
        for (std::size_t s = 0; s < S; ++s) map[k * S + s] = s * K + k;
      }
      m.uniforms.create(m.g_draws.get(), "yearly_uniforms",
                        {static_cast<hsize_t>(K), static_cast<hsize_t>(S)}, N, {1, 1},
                        config.gzip_level, nan, K * S, std::move(map), w);
    }
  }

  // /trajectories
  if (m.keeps(StoreLevel::trajectories)) {
    m.g_trajectories = h5::create_group(root, "trajectories", w);
    const auto I = static_cast<hsize_t>(shape.num_indicators());
    const auto R = static_cast<hsize_t>(shape.num_regions());
    const auto Y = static_cast<hsize_t>(shape.num_years());
    m.trajectories.create(m.g_trajectories.get(), "values", {I, R, Y}, N,
                          {1, 1, std::max<hsize_t>(Y, 1)}, config.gzip_level, nan, shape.size(),
                          {}, w);
  }
}

RunWriter::~RunWriter() = default;  // an unpublished file is dropped (OutputFile)

void RunWriter::write_draws(std::uint64_t first, std::size_t count,
                            std::span<const double> theta,
                            std::span<const double> target_values,
                            std::span<const double> trajectories,
                            std::span<const double> uniforms,
                            std::span<const std::uint8_t> valid) {
  h5::silence_errors();
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("RunWriter::write_draws after finish()");
  const std::string blk = "write_draws(" + std::to_string(first) + ", " + std::to_string(count) +
                          "): ";
  require(first >= m.range.first && first <= m.range.end && count <= m.range.end - first,
          blk + (m.shard ? "draws outside the shard's " + std::to_string(m.range.first) + ".." +
                               std::to_string(m.range.end)
                         : "draws beyond the " + std::to_string(m.draws) + " announced"));
  first -= m.range.first;
  require(theta.size() == count * m.num_params, blk + "theta has the wrong size");
  require(target_values.size() == count * m.targets.size(),
          blk + "target_values has the wrong size");
  require(valid.size() == count, blk + "valid has the wrong size");
  if (m.keeps(StoreLevel::trajectories)) {
    require(trajectories.size() == count * m.shape.size(),
            blk + "trajectories has the wrong size");
  }
  if (m.config.yearly_uniforms) {
    require(uniforms.size() == count * m.num_years_sim * m.k_uniforms,
            blk + "uniforms has the wrong size");
  }
  m.theta_digest = digest_values(m.theta_digest, theta);
  if (m.keeps(StoreLevel::parameters)) m.theta.append(first, count, theta.data());
  m.target_draws.append(first, count, target_values.data());
  if (m.keeps(StoreLevel::targets)) m.valid.append(first, count, valid.data());
  if (m.keeps(StoreLevel::trajectories)) m.trajectories.append(first, count, trajectories.data());
  if (m.config.yearly_uniforms) m.uniforms.append(first, count, uniforms.data());
}

void RunWriter::end_early(std::uint64_t draws) {
  h5::silence_errors();
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("RunWriter::end_early after finish()");
  require(draws <= m.draws, "RunWriter::end_early: " + std::to_string(draws) + " draws, more than the " +
                                std::to_string(m.draws) + " announced");
  const auto n = static_cast<hsize_t>(draws);
  if (m.keeps(StoreLevel::parameters)) m.theta.shrink(n);
  m.target_draws.shrink(n);
  if (m.keeps(StoreLevel::targets)) m.valid.shrink(n);
  if (m.keeps(StoreLevel::trajectories)) m.trajectories.shrink(n);
  if (m.config.yearly_uniforms) m.uniforms.shrink(n);
  m.draws = draws;
  const hid_t root = m.out->root();
  h5::check(H5Adelete(root, "draws_requested"), m.where, root, "@draws_requested", "cannot rewrite attribute");
  h5::write_attr<std::uint64_t>(root, "draws_requested", draws, m.where);
}

void RunWriter::write_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) {
  Impl& m = *impl_;
  if (!m.keep_tiles || tiles.empty()) return;
  const std::uint64_t tile0 = m.range.first / kTileDraws;
  require(first_tile >= tile0 && first_tile + tiles.size() <= tile_count(m.range.end),
          "write_tiles: tiles outside the file's range");
  const std::size_t S = m.shape.size();
  m.tile_buf.resize(tiles.size() * S);
  m.tile_count_buf.resize(tiles.size());
  for (std::size_t i = 0; i < tiles.size(); ++i) m.tile_count_buf[i] = tiles[i].count();
  m.tile_n.write(first_tile - tile0, tiles.size(), m.tile_count_buf.data());
  for (std::size_t i = 0; i < tiles.size(); ++i) std::copy_n(tiles[i].mean().data(), S, m.tile_buf.data() + i * S);
  m.tile_mean.write(first_tile - tile0, tiles.size(), m.tile_buf.data());
  for (std::size_t i = 0; i < tiles.size(); ++i) std::copy_n(tiles[i].m2().data(), S, m.tile_buf.data() + i * S);
  m.tile_m2.write(first_tile - tile0, tiles.size(), m.tile_buf.data());
}

std::vector<double> RunWriter::target_values(std::size_t t) const {
  h5::silence_errors();
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("RunWriter::target_values after finish()");
  if (t >= m.targets.size()) {
    throw std::out_of_range("RunWriter::target_values: no target " + std::to_string(t));
  }
  m.target_draws.flush();
  return m.target_draws.read_row(t);
}

void RunWriter::write_index(const InnovationIndexSpec& spec, const IndexResult& x) {
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("RunWriter::write_index after finish()");
  const h5::Where& w = m.where;
  Hid g = h5::create_group(m.out->root(), detail::kIndexGroup, w);
  h5::write_attr_string(g.get(), "name_en", x.name_en, w);
  h5::write_attr_string(g.get(), "name_zh", x.name_zh, w);
  h5::write_attr_string(g.get(), "source", spec.source, w);
  h5::write_attr<std::uint64_t>(g.get(), "draws", x.draws, w);
  h5::write_attr<double>(g.get(), "relative_accuracy", x.relative_accuracy, w);
  const auto R = static_cast<hsize_t>(x.num_regions()), Y = static_cast<hsize_t>(x.num_years()),
             L = static_cast<hsize_t>(x.levels.size());
  h5::write_strings(g.get(), "regions", x.regions, w);
  const std::vector<std::int32_t> years(x.years.begin(), x.years.end());
  h5::write_vector(g.get(), "years", years, w);
  h5::write_vector(g.get(), "quantile_levels", x.levels, w);
  h5::write_array(g.get(), "quantiles", {R, Y, L}, x.quantiles.data(), w);
  h5::write_array(g.get(), "rank_counts", {R, Y, R}, x.rank_counts.data(), w);
  std::vector<double> p(x.rank_counts.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    p[i] = x.draws ? static_cast<double>(x.rank_counts[i]) / static_cast<double>(x.draws) : 0.0;
  h5::write_array(g.get(), "rank_probability", {R, Y, R}, p.data(), w);
  Hid c = h5::create_group(g.get(), "components", w);
  std::vector<std::string> indicator, per, normalisation, better, source;
  std::vector<double> weight, per_scale, standard;
  std::vector<std::uint8_t> cap;
  double total = 0;
  for (const IndexComponent& k : spec.components) total += k.weight;
  for (const IndexComponent& k : spec.components) {
    indicator.push_back(k.indicator);
    per.push_back(k.per);
    per_scale.push_back(k.per_scale);
    weight.push_back(k.weight / total);
    const bool std_norm = k.normalisation == IndexNormalisation::standard;
    normalisation.push_back(std_norm ? "standard" : "min_max");
    standard.push_back(std_norm ? k.standard : std::numeric_limits<double>::quiet_NaN());
    better.push_back(k.higher_is_better ? "higher" : "lower");
    cap.push_back(std_norm && k.cap ? 1 : 0);
    source.push_back(k.source);
  }
  h5::write_strings(c.get(), "indicator", indicator, w);
  h5::write_strings(c.get(), "per", per, w);
  h5::write_vector(c.get(), "per_scale", per_scale, w);
  h5::write_vector(c.get(), "weight", weight, w);
  h5::write_strings(c.get(), "normalisation", normalisation, w);
  h5::write_vector(c.get(), "standard", standard, w);
  h5::write_strings(c.get(), "better", better, w);
  h5::write_vector(c.get(), "cap", cap, w);
  h5::write_strings(c.get(), "source", source, w);
}

void RunWriter::finish(const Summary& summary, const TargetTable& table, const RunInfo& info) {
  h5::silence_errors();
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("RunWriter::finish called twice");
  require(!m.shard, "RunWriter::finish: a shard file ends with finish_shard");
  const h5::Where& w = m.where;
  const std::size_t series = m.shape.size();
  const std::size_t Q = summary.quantile_levels.size();
  const std::size_t T = m.targets.size();
  require(summary.mean.size() == series && summary.sd.size() == series &&
              summary.min.size() == series && summary.max.size() == series,
          "RunWriter::finish: summary size differs from the result shape");
  require(summary.quantiles.size() == series * Q,
          "RunWriter::finish: summary quantiles size differs from shape x levels");
  require(table.rows.size() == T, "RunWriter::finish: target table has " +
                                      std::to_string(table.rows.size()) + " rows, scenario " +
                                      std::to_string(T) + " targets");
  require(table.joint.met_count_hist.size() == T + 1,
          "RunWriter::finish: met_count_hist must have targets+1 entries");

  m.complete_all();
  const hid_t root = m.out->root();

  m.write_run_info(info);
  h5::write_attr<std::uint64_t>(m.g_parameters.get(), "draws_digest", m.theta_digest, w);
  if (!m.keeps(StoreLevel::targets)) {  // no /draws/valid: the dropped draws by index
    if (!m.g_draws) m.g_draws = h5::create_group(root, "draws", w);
    h5::write_vector(m.g_draws.get(), "dropped", info.dropped_draws, w);
  }
  {
    Hid g = h5::open_group(root, "scenario", w);
    h5::write_attr<double>(g.get(), "on_track", table.on_track, w);
    h5::write_attr<double>(g.get(), "at_risk", table.at_risk, w);
  }
  {
    Hid g = h5::open_group(root, "meta", w);
    h5::write_vector(g.get(), "quantile_levels", summary.quantile_levels, w);
  }
  {
    Hid g = h5::create_group(root, "summary", w);
    const std::vector<hsize_t> dims = {static_cast<hsize_t>(m.shape.num_indicators()),
                                       static_cast<hsize_t>(m.shape.num_regions()),
                                       static_cast<hsize_t>(m.shape.num_years())};
    const std::pair<const char*, const std::vector<double>*> stats[] = {
        {"mean", &summary.mean}, {"sd", &summary.sd}, {"min", &summary.min},
        {"max", &summary.max}};
    for (const auto& [name, data] : stats) {
      h5::write_array(g.get(), name, dims, data->data(), w);
      Hid d = h5::open_dataset(g.get(), name, w);
      h5::write_attr_string(d.get(), "dims", "indicator,region,year", w);
    }
    std::vector<hsize_t> qdims = dims;
    qdims.push_back(static_cast<hsize_t>(Q));
    h5::write_array(g.get(), "quantiles", qdims, summary.quantiles.data(), w);
    Hid d = h5::open_dataset(g.get(), "quantiles", w);
    h5::write_attr_string(d.get(), "dims", "indicator,region,year,quantile", w);
    h5::write_attr<double>(d.get(), "relative_accuracy", summary.quantile_relative_accuracy, w);
  }
  {
    const hid_t g = m.g_targets.get();
    std::vector<double> median, q05, q95, mean, p_met, p_met_se;
    std::vector<std::uint64_t> valid_draws;
    std::vector<std::string> verdict;
    for (const auto& r : table.rows) {
      median.push_back(r.median);
      q05.push_back(r.q05);
      q95.push_back(r.q95);
      mean.push_back(r.mean);
      p_met.push_back(r.p_met);
      p_met_se.push_back(r.p_met_se);
      valid_draws.push_back(r.draws);
      verdict.push_back(r.verdict);
    }
    h5::write_vector(g, "median", median, w);
    h5::write_vector(g, "q05", q05, w);
    h5::write_vector(g, "q95", q95, w);
    h5::write_vector(g, "mean", mean, w);
    h5::write_vector(g, "p_met", p_met, w);
    h5::write_vector(g, "p_met_se", p_met_se, w);
    h5::write_vector(g, "valid_draws", valid_draws, w);
    h5::write_strings(g, "verdict", verdict, w);
    Hid j = h5::create_group(g, "joint", w);
    h5::write_vector(j.get(), "met_count_hist", table.joint.met_count_hist, w);
    h5::write_attr<double>(j.get(), "p_all_binding", table.joint.p_all_binding, w);
    h5::write_attr<double>(j.get(), "p_all", table.joint.p_all, w);
    h5::write_attr<std::int32_t>(j.get(), "num_binding",
                                 static_cast<std::int32_t>(table.joint.num_binding), w);
  }

  m.publish_file();
}

void RunWriter::finish_shard(const RunState& state, const RunInfo& info) {
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("RunWriter::finish_shard called twice");
  require(m.shard, "RunWriter::finish_shard: not a shard file");
  require(state.range == m.range, "RunWriter::finish_shard: the state covers other draws than the file");
  const h5::Where& w = m.where;
  m.complete_all();
  m.write_run_info(info);
  {
    detail::H5StateOut out(h5::create_group(m.g_shard.get(), "state", w), w);
    state.save(out);
  }
  m.publish_file();
}

const std::string& RunWriter::temp_path() const { return impl_->out->temp_path(); }

}  // namespace innosim
