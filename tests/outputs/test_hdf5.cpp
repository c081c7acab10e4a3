// HDF5 run files: round trip, layout (draws on the last axis), atomic
// temp-file handling, readability by h5dump and h5py, reader errors.

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <tuple>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/targets.hpp"

using namespace innosim;
using innosim::test::SyntheticRun;
using innosim::test::TempDir;

namespace {

RunHeader small_header(std::size_t draws) {
  RunHeader h;
  h.engine_version = "0.1.0";
  h.git_sha = "abcdef012345";
  h.seed = 18446744073709551557ull;  // needs all 64 bits
  h.sampler = "sobol";
  h.draws = draws;
  h.randoms_per_year = 2;
  h.model = "analytic";
  return h;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes the synthetic run in the given blocks, computing the target table
// the way the runner does (target_values read back, JointAccumulator fed
// block by block). Returns the table passed to finish().
struct Written {
  TargetTable table;
  RunInfo info;
  Summary summary;
};

Written write_run(const std::string& path, const SyntheticRun& run,
                  const std::vector<std::size_t>& blocks, WriterConfig cfg) {
  const Scenario sc = test::small_scenario();
  RunWriter w(path, sc, run.shape, small_header(run.n), cfg);
  JointAccumulator joint(sc.targets);
  std::size_t first = 0;
  const std::size_t G = run.shape.size();
  for (std::size_t count : blocks) {
    auto sub = [&](const auto& v, std::size_t per) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      return std::span<const T>(v.data() + first * per, count * per);
    };
    w.write_draws(first, count, sub(run.theta, run.P), sub(run.targets, run.T),
                  cfg.store == StoreLevel::trajectories ? sub(run.traj, G) : std::span<const double>(),
                  cfg.yearly_uniforms ? sub(run.uniforms, run.S * run.K)
                                      : std::span<const double>(),
                  sub(run.valid, 1));
    joint.add(sub(run.targets, run.T), count);
    first += count;
  }
  REQUIRE(first == run.n);
  Written out;
  out.table.on_track = sc.run.on_track;
  out.table.at_risk = sc.run.at_risk;
  for (std::size_t t = 0; t < sc.targets.size(); ++t) {
    std::vector<double> values = w.target_values(t);
    REQUIRE(values.size() == run.n);
    for (std::size_t d = 0; d < run.n; ++d) {
      const double expect = run.targets[d * run.T + t];
      if (std::isnan(expect)) {
        REQUIRE(std::isnan(values[d]));
      } else {
        REQUIRE(values[d] == expect);
      }
    }
    TargetRow row = summarize_target(sc.targets[t], values, sc.run.on_track, sc.run.at_risk);
    row.indicator_unit = t == 0 ? "%" : "per 10k people";
    out.table.rows.push_back(row);
  }
  out.table.joint = joint.result();
  out.info.seed = small_header(run.n).seed;
  out.info.sampler = "sobol";
  out.info.draws_requested = run.n;
  for (std::size_t d = 0; d < run.n; ++d) {
    if (!run.valid[d]) out.info.dropped_draws.push_back(d);
  }
  out.info.draws_dropped = out.info.dropped_draws.size();
  out.info.draws_valid = run.n - out.info.draws_dropped;
  out.info.threads = 2;
  out.info.seconds = 1.25;
  out.summary = test::synthetic_summary(run.shape);
  w.finish(out.summary, out.table, out.info);
  CHECK_FALSE(std::filesystem::exists(w.temp_path()));
  return out;
}

void check_rows_equal(const TargetTable& a, const TargetTable& b) {
  REQUIRE(a.rows.size() == b.rows.size());
  for (std::size_t t = 0; t < a.rows.size(); ++t) {
    INFO("target " << t);
    const TargetRow &x = a.rows[t], &y = b.rows[t];
    CHECK(x.target.indicator == y.target.indicator);
    CHECK(x.target.region == y.target.region);
    CHECK(x.target.year == y.target.year);
    CHECK(x.target.value == y.target.value);
    CHECK(x.target.binding == y.target.binding);
    CHECK(x.target.sense == y.target.sense);
    CHECK(x.target.note == y.target.note);
    CHECK(x.indicator_unit == y.indicator_unit);
    CHECK(x.median == y.median);
    CHECK(x.q05 == y.q05);
    CHECK(x.q95 == y.q95);
    CHECK(x.mean == y.mean);
    CHECK(x.p_met == y.p_met);
    CHECK(x.p_met_se == y.p_met_se);
    CHECK(x.draws == y.draws);
    CHECK(x.verdict == y.verdict);
  }
  CHECK(a.joint.num_binding == b.joint.num_binding);
  CHECK(a.joint.p_all_binding == b.joint.p_all_binding);
  CHECK(a.joint.p_all == b.joint.p_all);
  CHECK(a.joint.met_count_hist == b.joint.met_count_hist);
  CHECK(a.on_track == b.on_track);
  CHECK(a.at_risk == b.at_risk);
}

// Reads a hyperslab of doubles with the plain HDF5 API (independent of the reader).
std::vector<double> read_slab(const std::string& file, const char* dset,
                              std::vector<hsize_t> start, std::vector<hsize_t> count,
                              std::vector<hsize_t>* dims = nullptr) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const hid_t d = H5Dopen2(f, dset, H5P_DEFAULT);
  REQUIRE(d >= 0);
  const hid_t fs = H5Dget_space(d);
  const int rank = H5Sget_simple_extent_ndims(fs);
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(fs, shape.data(), nullptr);
  if (dims != nullptr) *dims = shape;
  hsize_t n = 1;
  for (auto c : count) n *= c;
  std::vector<double> out(n);
  REQUIRE(H5Sselect_hyperslab(fs, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) >= 0);
  const hid_t ms = H5Screate_simple(1, &n, nullptr);
  REQUIRE(H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, out.data()) >= 0);
  H5Sclose(ms);
  H5Sclose(fs);
  H5Dclose(d);
  H5Fclose(f);
  return out;
}

}  // namespace

TEST_CASE("run file round trip", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  // 20000 draws in 3 blocks: the second straddles the 16384-draw chunk boundary.
  const SyntheticRun run(20000);
  WriterConfig cfg;
  cfg.store = StoreLevel::trajectories;
  cfg.yearly_uniforms = true;
  const Written w = write_run(path, run, {7000, 9000, 4000}, cfg);
  REQUIRE(std::filesystem::exists(path));

  // Sanity of the synthetic data: neither target is trivially met or missed.
  CHECK(w.table.rows[0].p_met > 0.3);
  CHECK(w.table.rows[0].p_met < 0.9);
  CHECK(w.table.rows[1].draws == w.info.draws_valid);

  for (bool recompute : {true, false}) {
    INFO("recompute = " << recompute);
    const RunFile rf = read_run_file(path, recompute);
    check_rows_equal(rf.table, w.table);

    CHECK(rf.path == path);
    CHECK(rf.scenario_name == "synthetic-测试");
    CHECK(rf.header.engine_version == "0.1.0");
    CHECK(rf.header.git_sha == "abcdef012345");
    CHECK(rf.header.seed == 18446744073709551557ull);
    CHECK(rf.header.sampler == "sobol");
    CHECK(rf.header.draws == 20000);
    CHECK(rf.header.randoms_per_year == 2);
    CHECK(rf.header.model == "analytic");
    CHECK(rf.info.seed == w.info.seed);
    CHECK(rf.info.draws_valid == w.info.draws_valid);
    CHECK(rf.info.draws_dropped == w.info.draws_dropped);
    CHECK(rf.info.dropped_draws == w.info.dropped_draws);
    CHECK(rf.info.threads == 2);
    CHECK(rf.info.seconds == 1.25);

    REQUIRE(rf.regions.size() == 3);
    CHECK(rf.regions[0].id == "yinchuan");
    CHECK(rf.regions[0].name_zh == "银川");
    CHECK(rf.regions[2].id == "zone");
    CHECK(rf.regions[2].name_zh == "区域合计");
    REQUIRE(rf.indicators.size() == 2);
    CHECK(rf.indicators[1].name_en == "Invention patents per 10k people");
    CHECK(rf.indicators[1].name_zh == "每万人发明专利");
    CHECK(rf.indicators[1].unit == "per 10k people");
    CHECK(rf.shape.indicators == run.shape.indicators);
    CHECK(rf.shape.units == run.shape.units);
    CHECK(rf.shape.regions == run.shape.regions);
    CHECK(rf.shape.years == run.shape.years);

    CHECK(rf.summary.quantile_levels == w.summary.quantile_levels);
    CHECK(rf.summary.mean == w.summary.mean);
    CHECK(rf.summary.sd == w.summary.sd);
    CHECK(rf.summary.min == w.summary.min);
    CHECK(rf.summary.max == w.summary.max);
    CHECK(rf.summary.quantiles == w.summary.quantiles);
    CHECK(rf.summary.quantile_relative_accuracy == 0.001);

    const Scenario sc = test::small_scenario();
    REQUIRE(rf.targets.size() == 2);
    CHECK(rf.targets[0].note == sc.targets[0].note);
    CHECK(rf.targets[1].sense == Sense::at_most);
    CHECK(rf.targets[1].binding == false);
    CHECK(rf.targets[1].year == 2018);
  }
}

TEST_CASE("per-draw datasets have draws on the last axis", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("layout.h5");
  const SyntheticRun run(1000);
  WriterConfig cfg;
  cfg.store = StoreLevel::trajectories;
  cfg.yearly_uniforms = true;
  write_run(path, run, {300, 400, 300}, cfg);

  std::vector<hsize_t> dims;
  // /parameters/draws [P, N]: row 1, draws 295..305 (crossing a block boundary)
  auto p = read_slab(path, "/parameters/draws", {1, 295}, {1, 10}, &dims);
  CHECK(dims == std::vector<hsize_t>{3, 1000});
  for (std::size_t j = 0; j < 10; ++j) CHECK(p[j] == run.theta[(295 + j) * run.P + 1]);

  // /targets/draws [T, N]
  auto t = read_slab(path, "/targets/draws", {1, 0}, {1, 1000}, &dims);
  CHECK(dims == std::vector<hsize_t>{2, 1000});
  for (std::size_t d = 0; d < 1000; ++d) {
    const double e = run.targets[d * run.T + 1];
    if (std::isnan(e)) {
      CHECK(std::isnan(t[d]));
    } else {
      CHECK(t[d] == e);
    }
  }

  // /trajectories/values [I, R, Y, N]: (i=1, r=2, y=4), draws 690..710
  auto v = read_slab(path, "/trajectories/values", {1, 2, 4, 690}, {1, 1, 1, 20}, &dims);
  CHECK(dims == std::vector<hsize_t>{2, 3, 6, 1000});
  const std::size_t g = run.shape.index(1, 2, 4);
  for (std::size_t j = 0; j < 20; ++j) CHECK(v[j] == run.traj[(690 + j) * run.shape.size() + g]);

  // /draws/yearly_uniforms [K, S, N] from records [S][K]: (k=1, s=3)
  auto u = read_slab(path, "/draws/yearly_uniforms", {1, 3, 0}, {1, 1, 1000}, &dims);
  CHECK(dims == std::vector<hsize_t>{2, 5, 1000});
  for (std::size_t d = 0; d < 1000; ++d) CHECK(u[d] == run.uniforms[d * run.S * run.K + 3 * run.K + 1]);

  // Every per-draw dataset is chunked along N, one row per chunk, and goes
  // through shuffle then deflate at the configured level.
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (const char* name : {"/trajectories/values", "/parameters/draws", "/targets/draws", "/draws/valid",
                           "/draws/yearly_uniforms"}) {
    INFO(name);
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    REQUIRE(d >= 0);
    const hid_t dcpl = H5Dget_create_plist(d);
    CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
    hsize_t chunk[4] = {};
    const int rank = H5Pget_chunk(dcpl, 4, chunk);
    REQUIRE(rank >= 1);
    for (int k = 0; k + 1 < rank; ++k) {
      if (std::string(name) != "/trajectories/values" || k < 2) CHECK(chunk[k] == 1);
    }
    CHECK(chunk[rank - 1] == 1000);
    REQUIRE(H5Pget_nfilters(dcpl) == 3);  // shuffle, deflate, then the Fletcher32 checksum of each chunk
    unsigned flags = 0, level = 0;
    size_t nelmts = 1;
    CHECK(H5Pget_filter2(dcpl, 0, &flags, &nelmts, &level, 0, nullptr, nullptr) == H5Z_FILTER_SHUFFLE);
    nelmts = 1;
    CHECK(H5Pget_filter2(dcpl, 1, &flags, &nelmts, &level, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE);
    CHECK(level == 4);
    nelmts = 0;
    CHECK(H5Pget_filter2(dcpl, 2, &flags, &nelmts, nullptr, 0, nullptr, nullptr) == H5Z_FILTER_FLETCHER32);
    H5Pclose(dcpl);
    H5Dclose(d);
  }
  H5Fclose(f);
}

TEST_CASE("compressed per-draw datasets read back equal to uncompressed ones", "[hdf5]") {
  TempDir dir;
  const SyntheticRun run(5000);
  WriterConfig plain;
  plain.store = StoreLevel::trajectories;
  plain.yearly_uniforms = true;
  plain.gzip_level = 0;
  WriterConfig packed = plain;
  packed.gzip_level = 6;
  write_run(dir.file("plain.h5"), run, {1234, 3766}, plain);
  write_run(dir.file("packed.h5"), run, {1234, 3766}, packed);
  const auto bits = [](const std::vector<double>& v) {
    std::vector<std::uint64_t> out(v.size());
    std::memcpy(out.data(), v.data(), v.size() * sizeof(double));
    return out;  // NaN-safe, bit for bit
  };
  const std::pair<const char*, std::vector<hsize_t>> sets[] = {
      {"/parameters/draws", {3, 5000}},
      {"/targets/draws", {2, 5000}},
      {"/trajectories/values", {2, 3, 6, 5000}},
      {"/draws/yearly_uniforms", {2, 5, 5000}}};
  for (const auto& [name, dims] : sets) {
    INFO(name);
    const std::vector<hsize_t> start(dims.size(), 0);
    std::vector<hsize_t> da, db;
    const auto a = read_slab(dir.file("plain.h5"), name, start, dims, &da);
    const auto b = read_slab(dir.file("packed.h5"), name, start, dims, &db);
    CHECK(da == dims);
    CHECK(db == dims);
    CHECK(bits(a) == bits(b));
  }
  const RunFile a = read_run_file(dir.file("plain.h5")), b = read_run_file(dir.file("packed.h5"));
  check_rows_equal(a.table, b.table);
  CHECK(a.info.dropped_draws == b.info.dropped_draws);
  CHECK(std::filesystem::file_size(dir.file("packed.h5")) < std::filesystem::file_size(dir.file("plain.h5")));
}

TEST_CASE("each store level keeps exactly its per-draw datasets", "[hdf5]") {
  const bool yes = true, no = false;
  // level, /draws/valid, /targets/draws, /parameters/draws, /trajectories, /draws/dropped
  const std::tuple<StoreLevel, bool, bool, bool, bool, bool> levels[] = {
      {StoreLevel::summary, no, no, no, no, yes},
      {StoreLevel::targets, yes, yes, no, no, no},
      {StoreLevel::parameters, yes, yes, yes, no, no},
      {StoreLevel::trajectories, yes, yes, yes, yes, no}};
  CHECK(WriterConfig{}.store == StoreLevel::targets);  // the documented default
  const SyntheticRun run(300);
  for (const auto& [level, valid, targets, params, traj, dropped] : levels) {
    INFO("store " << store_level_name(level));
    CHECK(parse_store_level(store_level_name(level)) == level);
    TempDir dir;
    const std::string path = dir.file("run.h5");
    WriterConfig cfg;
    cfg.store = level;
    const Written w = write_run(path, run, {100, 200}, cfg);
    // Only the run file is left (at the summary level, the scratch file of
    // target values is gone too).
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), std::filesystem::directory_iterator()) == 1);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    CHECK((H5Lexists(f, "draws", H5P_DEFAULT) > 0 && H5Lexists(f, "/draws/valid", H5P_DEFAULT) > 0) == valid);
    CHECK((H5Lexists(f, "/draws/dropped", H5P_DEFAULT) > 0) == dropped);
    CHECK((H5Lexists(f, "/targets/draws", H5P_DEFAULT) > 0) == targets);
    CHECK((H5Lexists(f, "/parameters/draws", H5P_DEFAULT) > 0) == params);
    CHECK((H5Lexists(f, "trajectories", H5P_DEFAULT) > 0) == traj);
    CHECK(H5Lexists(f, "/draws/yearly_uniforms", H5P_DEFAULT) <= 0);
    CHECK(H5Lexists(f, "/parameters/id", H5P_DEFAULT) > 0);  // the parameters' names at every level
    H5Fclose(f);
    // check and compare read every level: the same table, recomputed where the draws are kept.
    const RunFile rf = read_run_file(path, true);
    CHECK(rf.store == level);
    CHECK(rf.table_recomputed == targets);
    check_rows_equal(rf.table, w.table);
    CHECK(rf.table.joint.met_count_hist == w.table.joint.met_count_hist);
    CHECK(rf.info.dropped_draws == w.info.dropped_draws);
    CHECK_FALSE(rf.info.dropped_draws.empty());
    CHECK(read_series_draws(rf, 0, 2, 5).has_value() == (targets || traj));
  }
}

TEST_CASE("writer destroyed without finish() leaves no file behind", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("aborted.h5");
  const SyntheticRun run(100);
  std::string temp;
  {
    RunWriter w(path, test::small_scenario(), run.shape, small_header(run.n), WriterConfig{});
    temp = w.temp_path();
    CHECK(temp != path);
    CHECK(std::filesystem::path(temp).parent_path() == std::filesystem::path(path).parent_path());
    w.write_draws(0, 10, std::span<const double>(run.theta.data(), 10 * run.P),
                  std::span<const double>(run.targets.data(), 10 * run.T), {}, {},
                  std::span<const std::uint8_t>(run.valid.data(), 10));
    CHECK(std::filesystem::exists(temp));
    CHECK_FALSE(std::filesystem::exists(path));
  }
  CHECK_FALSE(std::filesystem::exists(temp));
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(std::filesystem::is_empty(dir.path));
}

TEST_CASE("finish() with an inconsistent table fails and publishes nothing", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("bad.h5");
  const SyntheticRun run(10);
  std::string temp;
  {
    RunWriter w(path, test::small_scenario(), run.shape, small_header(run.n), WriterConfig{});
    temp = w.temp_path();
    TargetTable table;  // no rows for two targets
    CHECK_THROWS_WITH(w.finish(test::synthetic_summary(run.shape), table, RunInfo{}),
                      Catch::Contains("target table has 0 rows"));
    CHECK_FALSE(std::filesystem::exists(path));
  }
  CHECK_FALSE(std::filesystem::exists(temp));
}

TEST_CASE("write_draws rejects blocks beyond the announced draw count", "[hdf5]") {
  TempDir dir;
  const SyntheticRun run(10);
  RunWriter w(dir.file("x.h5"), test::small_scenario(), run.shape, small_header(run.n),
              WriterConfig{});
  CHECK_THROWS_WITH(
      w.write_draws(5, 10, std::span<const double>(run.theta.data(), 10 * run.P),
                    std::span<const double>(run.targets.data(), 10 * run.T), {}, {},
                    std::span<const std::uint8_t>(run.valid.data(), 10)),
      Catch::Contains("beyond the 10 announced"));
}

TEST_CASE("h5dump reads the run file", "[hdf5][tools]") {
  TempDir dir;
  const std::string path = dir.file("dump.h5");
  write_run(path, SyntheticRun(64), {64}, WriterConfig{});
  const std::string out = dir.file("dump.txt");
  const std::string cmd = "h5dump -A '" + path + "' > '" + out + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  INFO(slurp(out));
  CHECK(rc == 0);
  const std::string text = slurp(out);
  CHECK(text.find("innosim-run") != std::string::npos);
  CHECK(text.find("H5T_CSET_UTF8") != std::string::npos);
}

TEST_CASE("h5py reads /targets/draws and gets the same p_met and quantiles", "[hdf5][tools]") {
  const std::string py = INNOSIM_PYTHON;
  if (!std::filesystem::exists(py) ||
      std::system((py + " -c 'import h5py, numpy' > /dev/null 2>&1").c_str()) != 0) {
    WARN("skipped: " << py << " with h5py and numpy is not available");
    return;
  }
  TempDir dir;
  const std::string path = dir.file("py.h5");
  const Written w = write_run(path, SyntheticRun(3001), {1000, 1000, 1001}, WriterConfig{});
  const std::string script = dir.file("check.py");
  {
    std::ofstream s(script);
    s << "import sys, h5py, numpy as np\n"
         "f = h5py.File(sys.argv[1], 'r')\n"
         "assert f.attrs['file_type'] == 'innosim-run', f.attrs['file_type']\n"
         "d = f['targets/draws'][...]\n"
         "value = f['targets/value'][...]\n"
         "sense = [s.decode() for s in f['targets/sense'][...]]\n"
         "for t in range(d.shape[0]):\n"
         "    x = d[t][~np.isnan(d[t])]\n"
         "    met = x >= value[t] if sense[t] == 'at_least' else x <= value[t]\n"
         "    q = np.quantile(x, [0.05, 0.5, 0.95])\n"
         "    print(repr(float(met.mean())), repr(float(q[0])), repr(float(q[1])), "
         "repr(float(q[2])), len(x))\n";
  }
  const std::string out = dir.file("py.txt");
  const int rc = std::system((py + " '" + script + "' '" + path + "' > '" + out + "' 2>&1").c_str());
  const std::string text = slurp(out);
  INFO(text);
  REQUIRE(rc == 0);
  std::istringstream in(text);
  for (const auto& row : w.table.rows) {
    double p = 0, q05 = 0, med = 0, q95 = 0;
    std::size_t n = 0;
    in >> p >> q05 >> med >> q95 >> n;
    REQUIRE(in);
    CHECK(p == row.p_met);
    CHECK(q05 == row.q05);
    CHECK(med == row.median);
    CHECK(q95 == row.q95);
    CHECK(n == row.draws);
  }
}

TEST_CASE("read_run_file names what is wrong", "[hdf5]") {
  TempDir dir;
  SECTION("missing file") {
    CHECK_THROWS_WITH(read_run_file(dir.file("nope.h5")), Catch::Contains("nope.h5: no such file"));
  }
  SECTION("not HDF5") {
    std::ofstream(dir.file("text.h5")) << "hello\n";
    CHECK_THROWS_WITH(read_run_file(dir.file("text.h5")), Catch::Contains("not an HDF5 file"));
  }
  SECTION("HDF5 but not a run file") {
    const std::string p = dir.file("other.h5");
    const hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
    CHECK_THROWS_WITH(read_run_file(p),
                      Catch::Equals(p + ": not an innosim run file (missing attribute file_type)"));
  }
  SECTION("another format version") {
    for (const int version : {1, 3}) {
      const std::string p = dir.file("v" + std::to_string(version) + ".h5");
      write_run(p, SyntheticRun(20), {20}, WriterConfig{});
      const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
      const hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
      H5Awrite(a, H5T_NATIVE_INT, &version);
      H5Aclose(a);
      H5Fclose(f);
      CHECK_THROWS_AS(read_run_file(p), InputFileError);
      CHECK_THROWS_WITH(read_run_file(p), Catch::Contains("format_version " + std::to_string(version) +
                                                          " is not supported (this innosim reads version 2"));
    }
  }
  SECTION("missing dataset is named by its path") {
    const std::string p = dir.file("hole.h5");
    write_run(p, SyntheticRun(20), {20}, WriterConfig{});
    const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(f, "/summary/sd", H5P_DEFAULT);
    H5Fclose(f);
    CHECK_THROWS_WITH(read_run_file(p), Catch::Contains(p + ": /summary/sd: damaged: missing (the file lists it)"));
  }
}

TEST_CASE("writer reports an unwritable location with the path", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("no/such/dir/run.h5");
  const SyntheticRun run(4);
  CHECK_THROWS_WITH(
      RunWriter(path, test::small_scenario(), run.shape, small_header(run.n), WriterConfig{}),
      Catch::Contains(path) && Catch::Contains("cannot create temporary file"));
}

TEST_CASE("draws never written read back as NaN / invalid", "[hdf5]") {
  TempDir dir;
  const std::string path = dir.file("gap.h5");
  const SyntheticRun run(30);
  const Scenario sc = test::small_scenario();
  RunWriter w(path, sc, run.shape, small_header(run.n), WriterConfig{});
  auto block = [&](std::size_t first, std::size_t count) {
    w.write_draws(first, count, std::span<const double>(run.theta.data() + first * run.P, count * run.P),
                  std::span<const double>(run.targets.data() + first * run.T, count * run.T), {},
                  {}, std::span<const std::uint8_t>(run.valid.data() + first, count));
  };
  block(0, 10);
  // Readable mid-run: staged draws are flushed, the rest is NaN.
  std::vector<double> mid = w.target_values(0);
  REQUIRE(mid.size() == 30);
  CHECK(mid[9] == run.targets[9 * run.T]);
  CHECK(std::isnan(mid[10]));
  block(20, 10);  // draws 10..19 are skipped
  TargetTable table;
  table.on_track = 0.8;
  table.at_risk = 0.5;
  JointAccumulator joint(sc.targets);
  joint.add(std::span<const double>(run.targets.data(), 10 * run.T), 10);
  joint.add(std::span<const double>(run.targets.data() + 20 * run.T, 10 * run.T), 10);
  for (std::size_t t = 0; t < 2; ++t) {
    auto v = w.target_values(t);
    CHECK(std::isnan(v[15]));
    CHECK(v[25] == run.targets[25 * run.T + t]);
    table.rows.push_back(summarize_target(sc.targets[t], v, 0.8, 0.5));
    CHECK(table.rows.back().draws == 20);
  }
  table.rows[0].indicator_unit = "%";
  table.rows[1].indicator_unit = "per 10k people";
  table.joint = joint.result();
  w.finish(test::synthetic_summary(run.shape), table, RunInfo{});
  const RunFile rf = read_run_file(path, true);
  check_rows_equal(rf.table, table);
  REQUIRE(rf.info.dropped_draws.size() == 10);
  CHECK(rf.info.dropped_draws.front() == 10);
  CHECK(rf.info.dropped_draws.back() == 19);
}
