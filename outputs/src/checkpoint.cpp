// Checkpoints of a long run (checkpoint.hpp).
//
// draws.log: a header (the magic "innosim-drawlog1" and the LogLayout as five
// little-endian u64), then records of three u64 (kind, first, count) and a
// payload: kind 1, `count` draws: theta, targets, trajectories, uniforms
// (doubles, draw-major, as many per draw as the layout says; theta only when
// the output keeps the parameter values) and the valid
// flags (bytes, padded to 8); kind 2, `count` tiles: counts (u64), means and
// m2 (doubles, tile-major).

#include "innosim/outputs/checkpoint.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

#include "detail/files.hpp"
#include "detail/h5.hpp"
#include "detail/h5_state.hpp"
#include "detail/output_file.hpp"
#include "detail/sha256.hpp"

namespace innosim {

namespace h5 = detail::h5;
using h5::Hid;
namespace fs = std::filesystem;

namespace {

constexpr char kMagic[16] = {'i', 'n', 'n', 'o', 's', 'i', 'm', '-', 'd', 'r', 'a', 'w', 'l', 'o', 'g', '1'};
constexpr const char* kCheckpointType = "innosim-checkpoint";
constexpr int kCheckpointVersion = 2;  // 2: checksums (/integrity; draws.log: log_sha256)
constexpr std::uint64_t kDraws = 1, kTiles = 2;

std::string sys_error(const std::string& what) { return what + ": " + std::strerror(errno); }

std::size_t padded(std::size_t bytes) { return (bytes + 7) / 8 * 8; }

void write_identity(hid_t root, const RunIdentity& id, const h5::Where& w) {
  const RunHeader& h = id.header;
  h5::write_attr_string(root, "engine_version", h.engine_version, w);
  h5::write_attr_string(root, "git_sha", h.git_sha, w);
  h5::write_attr<std::uint64_t>(root, "seed", h.seed, w);
  h5::write_attr_string(root, "sampler", h.sampler, w);
  h5::write_attr<std::uint64_t>(root, "draws_requested", h.draws, w);
  h5::write_attr<std::uint64_t>(root, "randoms_per_year", h.randoms_per_year, w);
  h5::write_attr_string(root, "model", h.model, w);
  h5::write_attr_string(root, "scenario_name", id.scenario_name, w);
  h5::write_attr_string(root, "scenario_hash", h.scenario_hash, w);
  h5::write_attr<std::uint32_t>(root, "shard", h.shard, w);
  h5::write_attr<std::uint32_t>(root, "shards", h.shards, w);
  h5::write_attr<std::uint64_t>(root, "first_draw", h.range.first, w);
  h5::write_attr<std::uint64_t>(root, "end_draw", h.range.end, w);
  h5::write_attr_string(root, "store", store_level_name(id.store), w);
  h5::write_attr<std::uint8_t>(root, "yearly_uniforms", id.yearly_uniforms ? 1 : 0, w);
}

RunIdentity read_identity(hid_t root, const h5::Where& w) {
  RunIdentity id;
  RunHeader& h = id.header;
  detail::read_run_header(root, w, h, id.scenario_name);
  h.randoms_per_year = h5::read_attr<std::uint64_t>(root, "randoms_per_year", w);
  h.scenario_hash = h5::read_attr_string(root, "scenario_hash", w);
  h.shard = h5::read_attr<std::uint32_t>(root, "shard", w);
  h.shards = h5::read_attr<std::uint32_t>(root, "shards", w);
  h.range = {h5::read_attr<std::uint64_t>(root, "first_draw", w), h5::read_attr<std::uint64_t>(root, "end_draw", w)};
  id.store = detail::read_store_level(root, w);
  id.yearly_uniforms = h5::read_attr<std::uint8_t>(root, "yearly_uniforms", w) != 0;
  return id;
}

std::vector<std::uint64_t> layout_values(const LogLayout& l) {
  return {l.theta, l.targets, l.trajectories, l.uniforms, l.tile_series};
}

// state.h5, verified against its checksums.
Hid open_state_file(const std::string& path) {
  return detail::open_innosim_file(path, kCheckpointType, kCheckpointVersion);
}

}  // namespace

std::string checkpoint_dir(const std::string& output) { return output + ".ckpt"; }

bool has_checkpoint(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / "state.h5", ec);
}

SavedCheckpoint read_checkpoint(const std::string& dir) {
  const std::string path = (fs::path(dir) / "state.h5").string();
  const h5::Where w{path};
  Hid file = open_state_file(path);
  const hid_t root = file.get();
  SavedCheckpoint c;
  c.dir = dir;
  c.id = read_identity(root, w);
  c.log_bytes = h5::read_attr<std::uint64_t>(root, "log_bytes", w);
  c.log_sha256 = h5::read_attr_string(root, "log_sha256", w);
  const auto l = h5::read_array<std::uint64_t>(root, "layout", w, nullptr, {{5}});
  c.layout = {l[0], l[1], l[2], l[3], l[4]};
  c.done = {h5::read_attr<std::uint64_t>(root, "done_first", w), h5::read_attr<std::uint64_t>(root, "done_end", w)};
  return c;
}

struct CheckpointWriter::Impl {
  std::string dir, log_path;
  RunIdentity id;
  LogLayout layout;
  int lock_fd = -1;
  std::FILE* log = nullptr;
  std::uint64_t bytes = 0;
  detail::Sha256 log_sha;  // of the log's bytes so far
  bool saved = false, discarded = false;
  std::vector<char> pad;

  void lock() {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir + ": cannot create the checkpoint folder: " + ec.message());
    const std::string p = (fs::path(dir) / "lock").string();
    lock_fd = ::open(p.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (lock_fd < 0) throw std::runtime_error(sys_error(p));
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(lock_fd);
      lock_fd = -1;
      throw std::runtime_error(dir + ": another innosim process is writing this checkpoint (same output file)");
    }
  }
  // Leftovers of a process that died while writing state.h5.
  void remove_temporaries() const {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().rfind("state.h5.tmp-", 0) == 0) fs::remove(e.path(), ec);
  }
  void put(const void* data, std::size_t bytes_n) {
    if (bytes_n == 0) return;
    if (std::fwrite(data, 1, bytes_n, log) != bytes_n) throw std::runtime_error(sys_error(log_path));
    log_sha.bytes(data, bytes_n);
    bytes += bytes_n;
  }
  template <class T>
  void put_span(std::span<const T> v, std::size_t expect, const char* what) {
    if (v.size() != expect)
      throw std::invalid_argument(fmt::format("checkpoint log: {} has {} values, expected {}", what, v.size(), expect));
    put(v.data(), v.size_bytes());
  }
  void close_log() {
    if (log != nullptr) std::fclose(log);
    log = nullptr;
  }
  void unlock() {
    if (lock_fd >= 0) ::close(lock_fd);
    lock_fd = -1;
  }
  ~Impl() {
    close_log();
    unlock();
  }
};

CheckpointWriter::CheckpointWriter(std::string dir, RunIdentity id, LogLayout layout) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.dir = std::move(dir);
  m.log_path = (fs::path(m.dir) / "draws.log").string();
  m.id = std::move(id);
  m.layout = layout;
  m.lock();
  if (has_checkpoint(m.dir)) {
    m.unlock();
    throw std::runtime_error(m.dir + ": holds a checkpoint already");
  }
  m.remove_temporaries();
  m.log = std::fopen(m.log_path.c_str(), "wb");
  if (m.log == nullptr) throw std::runtime_error(sys_error(m.log_path));
  std::setvbuf(m.log, nullptr, _IOFBF, 1 << 20);
  m.put(kMagic, sizeof kMagic);
  const auto l = layout_values(layout);
  m.put(l.data(), l.size() * 8);
}

CheckpointWriter::CheckpointWriter(const SavedCheckpoint& saved, RunState& state, DrawSink& sink)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.dir = saved.dir;
  m.log_path = (fs::path(m.dir) / "draws.log").string();
  m.id = saved.id;
  m.layout = saved.layout;
  m.lock();
  m.saved = true;  // whatever happens now, the saved checkpoint stays
  m.remove_temporaries();
  {
    const std::string path = (fs::path(m.dir) / "state.h5").string();
    Hid file = open_state_file(path);
    detail::H5StateIn in(h5::open_group(file.get(), "state", h5::Where{path}), h5::Where{path});
    state.load(in);
    if (state.range != saved.done) throw StateError(path + ": /state covers other draws than the checkpoint says");
  }

  // Replay the log up to the saved length.
  std::FILE* f = std::fopen(m.log_path.c_str(), "rb");
  if (f == nullptr) throw std::runtime_error(sys_error(m.log_path));
  std::uint64_t at = 0;
  detail::Sha256 sha;
  auto get = [&](void* out, std::size_t n) {
    if (at + n > saved.log_bytes || std::fread(out, 1, n, f) != n) {
      std::fclose(f);
      throw std::runtime_error(fmt::format("{}: shorter than its checkpoint says ({} bytes); the checkpoint is damaged",
                                           m.log_path, saved.log_bytes));
    }
    sha.bytes(out, n);
    at += n;
  };
  char magic[sizeof kMagic];
  std::vector<std::uint64_t> l(5);
  get(magic, sizeof magic);
  get(l.data(), 40);
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0 || l != layout_values(saved.layout)) {
    std::fclose(f);
    throw std::runtime_error(m.log_path + ": not the draw log of this checkpoint");
  }
  const LogLayout& L = saved.layout;
  std::vector<double> theta, targets, traj, unif, means, m2s;
  std::vector<std::uint8_t> valid;
  std::vector<std::uint64_t> counts;
  std::vector<Moments> tiles;
  std::uint64_t next_draw = saved.done.first;
  while (at < saved.log_bytes) {
    std::uint64_t rec[3];
    get(rec, sizeof rec);
    const std::uint64_t first = rec[1];
    const auto n = static_cast<std::size_t>(rec[2]);
    if (rec[0] == kDraws) {
      if (first != next_draw || n > saved.done.end - first) {
        std::fclose(f);
        throw std::runtime_error(m.log_path + ": draws out of order; the checkpoint is damaged");
      }
      auto read = [&](std::vector<double>& v, std::size_t per) {
        v.resize(n * per);
        get(v.data(), v.size() * 8);
      };
      read(theta, L.theta);
      read(targets, L.targets);
      read(traj, L.trajectories);
      read(unif, L.uniforms);
      valid.resize(padded(n));
      get(valid.data(), valid.size());
      sink.write_draws(first, n, theta, targets, traj, unif, std::span<const std::uint8_t>(valid.data(), n));
      next_draw += n;
    } else if (rec[0] == kTiles && L.tile_series > 0) {
      counts.resize(n);
      means.resize(n * L.tile_series);
      m2s.resize(n * L.tile_series);
      get(counts.data(), n * 8);
      get(means.data(), means.size() * 8);
      get(m2s.data(), m2s.size() * 8);
      tiles.assign(n, Moments());
      const auto S = static_cast<std::ptrdiff_t>(L.tile_series);
      for (std::size_t i = 0; i < n; ++i) {
        const auto o = static_cast<std::ptrdiff_t>(i) * S;
        tiles[i].assign(counts[i], {means.begin() + o, means.begin() + o + S}, {m2s.begin() + o, m2s.begin() + o + S});
      }
      sink.write_tiles(first, tiles);
    } else {
      std::fclose(f);
      throw std::runtime_error(m.log_path + ": unknown record; the checkpoint is damaged");
    }
  }
  std::fclose(f);
  // What was replayed goes only to the new output's temporary file, which an
  // error here removes.
  if (detail::Sha256(sha).hex() != saved.log_sha256)
    throw std::runtime_error(m.log_path + ": its bytes do not match the checksum in state.h5; the checkpoint is damaged");
  if (next_draw != saved.done.end)
    throw std::runtime_error(m.log_path + ": holds fewer draws than its checkpoint; the checkpoint is damaged");

  // Append after the saved length (a crash may have left more).
  if (::truncate(m.log_path.c_str(), static_cast<off_t>(saved.log_bytes)) != 0)
    throw std::runtime_error(sys_error(m.log_path));
  m.log = std::fopen(m.log_path.c_str(), "ab");
  if (m.log == nullptr) throw std::runtime_error(sys_error(m.log_path));
  std::setvbuf(m.log, nullptr, _IOFBF, 1 << 20);
  m.bytes = saved.log_bytes;
  m.log_sha = sha;
}

CheckpointWriter::~CheckpointWriter() {
  Impl& m = *impl_;
  m.close_log();
  if (!m.saved && !m.discarded) {
    std::error_code ec;
    fs::remove_all(m.dir, ec);
  }
  m.unlock();
}

void CheckpointWriter::log_draws(std::uint64_t first, std::size_t count, std::span<const double> theta,
                                 std::span<const double> targets, std::span<const double> trajectories,
                                 std::span<const double> uniforms, std::span<const std::uint8_t> valid) {
  Impl& m = *impl_;
  const LogLayout& L = m.layout;
  const std::uint64_t rec[3] = {kDraws, first, count};
  m.put(rec, sizeof rec);
  if (L.theta != 0) m.put_span(theta, count * L.theta, "theta");  // 0: not logged; replay redraws them
  m.put_span(targets, count * L.targets, "targets");
  m.put_span(trajectories, count * L.trajectories, "trajectories");
  m.put_span(uniforms, count * L.uniforms, "uniforms");
  m.put_span(valid, count, "valid");
  m.pad.assign(padded(count) - count, 0);
  m.put(m.pad.data(), m.pad.size());
}

void CheckpointWriter::log_tiles(std::uint64_t first_tile, std::span<const Moments> tiles) {
  Impl& m = *impl_;
  const std::size_t S = m.layout.tile_series;
  if (S == 0 || tiles.empty()) return;
  const std::uint64_t rec[3] = {kTiles, first_tile, tiles.size()};
  m.put(rec, sizeof rec);
  for (const Moments& t : tiles) {
    const std::uint64_t n = t.count();
    m.put(&n, 8);
  }
  for (const Moments& t : tiles) m.put_span(std::span<const double>(t.mean()), S, "tile means");
  for (const Moments& t : tiles) m.put_span(std::span<const double>(t.m2()), S, "tile m2");
}

void CheckpointWriter::save(const RunState& state) {
  Impl& m = *impl_;
  if (m.discarded) throw std::logic_error("CheckpointWriter::save after discard()");
  // 1. Every logged byte on disk.
  if (std::fflush(m.log) != 0 || ::fsync(::fileno(m.log)) != 0) throw std::runtime_error(sys_error(m.log_path));
  // 2. The state that covers them, whole or not at all.
  const std::string path = (fs::path(m.dir) / "state.h5").string();
  const h5::Where w{path};
  // An internal file: replaced at every save.
  detail::OutputFile file(path, OutputPolicy{true});
  const hid_t root = file.root();
  h5::write_attr_string(root, "file_type", kCheckpointType, w);
  h5::write_attr<std::int32_t>(root, "format_version", kCheckpointVersion, w);
  write_identity(root, m.id, w);
  h5::write_attr<std::uint64_t>(root, "log_bytes", m.bytes, w);
  h5::write_attr_string(root, "log_sha256", detail::Sha256(m.log_sha).hex(), w);
  h5::write_attr<std::uint64_t>(root, "done_first", state.range.first, w);
  h5::write_attr<std::uint64_t>(root, "done_end", state.range.end, w);
  h5::write_vector(root, "layout", layout_values(m.layout), w);
  {
    detail::H5StateOut out(h5::create_group(root, "state", w), w);
    state.save(out);
  }
  file.publish();
  m.saved = true;
}

bool CheckpointWriter::saved() const { return impl_->saved; }

const std::string& CheckpointWriter::dir() const { return impl_->dir; }

void CheckpointWriter::discard() {
  Impl& m = *impl_;
  m.close_log();
  std::error_code ec;
  fs::remove_all(m.dir, ec);
  m.discarded = true;
  m.unlock();
}

}  // namespace innosim
