// Checksums of every object of an output file: a damaged file is refused
// with the damaged object's name, never read as a different result
// (issue 12's corrupted tail, missing /targets, truncation); and where output
// files may go (output_problem), stale temporary files.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/outputs/output_policy.hpp"
#include "innosim/outputs/sweep_writer.hpp"
#include "innosim/outputs/temp_files.hpp"
#include "innosim/run/targets.hpp"

using namespace innosim;
using innosim::test::SyntheticRun;
using innosim::test::TempDir;
namespace fs = std::filesystem;

namespace {

RunHeader header(std::size_t draws) {
  RunHeader h;
  h.engine_version = "0.1.0";
  h.git_sha = "abcdef012345";
  h.seed = 7;
  h.sampler = "sobol";
  h.draws = draws;
  h.randoms_per_year = 2;
  h.model = "analytic";
  return h;
}

// A complete run file of `draws` synthetic draws, with trajectories and
// uniforms (every kind of dataset); returns its target table as stored.
TargetTable write_file(const std::string& path, std::size_t draws) {
  const Scenario sc = test::small_scenario();
  const SyntheticRun run(draws);
  WriterConfig cfg;
  cfg.store = StoreLevel::trajectories;
  cfg.yearly_uniforms = true;
  RunWriter w(path, sc, run.shape, header(draws), cfg);
  w.write_draws(0, draws, run.theta, run.targets, run.traj, run.uniforms, run.valid);
  TargetTable table;
  JointAccumulator joint(sc.targets);
  joint.add(run.targets, draws);
  for (std::size_t t = 0; t < sc.targets.size(); ++t) {
    std::vector<double> values = w.target_values(t);
    table.rows.push_back(summarize_target(sc.targets[t], values, 0.8, 0.5));
  }
  table.joint = joint.result();
  RunInfo info;
  info.draws_requested = draws;
  w.finish(test::synthetic_summary(run.shape), table, info);
  return table;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// The message read_run_file refuses `path` with ("" if it reads it).
std::string refusal(const std::string& path) {
  try {
    (void)read_run_file(path, true);
  } catch (const InputFileError& e) {
    return e.what();
  }
  return "";
}

// Opens a finished file for writing with the plain HDF5 API (a change made
// after innosim sealed it), runs `change` on it, closes it.
template <class F>
void tamper(const std::string& path, F change) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  change(f);
  REQUIRE(H5Fclose(f) >= 0);
}

// File offset of the first chunk of a chunked dataset.
haddr_t first_chunk(const std::string& path, const char* dataset) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  hsize_t offset[4] = {};
  unsigned mask = 0;
  haddr_t addr = HADDR_UNDEF;
  hsize_t size = 0;
  H5Dget_chunk_info(d, space, 0, offset, &mask, &addr, &size);
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  REQUIRE(addr != HADDR_UNDEF);
  return addr;
}

}  // namespace

TEST_CASE("a file innosim wrote verifies, and lists every object", "[hdf5][integrity]") {
  TempDir dir;
  const std::string p = dir.file("ok.h5");
  write_file(p, 500);
  CHECK(refusal(p).empty());
  const VerifiedFile v = verify_innosim_file(p);
  CHECK(v.file_type == "innosim-run");
  CHECK(v.format_version == 2);
  CHECK(v.objects > 50);
  CHECK(innosim_file_type(p) == "innosim-run");
  CHECK(innosim_file_type(dir.file("none.h5")).empty());
}

TEST_CASE("issue 12: a changed value, attribute, chunk, a missing or an added object is refused by name",
          "[hdf5][integrity]") {
  TempDir dir;
  const std::string p = dir.file("run.h5");
  write_file(p, 300);
  const std::string good = read_all(p);
  auto fresh = [&] { write_all(p, good); };

  SECTION("a value of the stored table") {
    tamper(p, [](hid_t f) {
      const hid_t d = H5Dopen2(f, "/targets/p_met", H5P_DEFAULT);
      const double v[2] = {0.995, 0.5};
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
      H5Dclose(d);
    });
    CHECK(refusal(p) == p + ": /targets/p_met: damaged: its content does not match its checksum");
  }
  SECTION("a root attribute") {
    tamper(p, [](hid_t f) {
      const hid_t a = H5Aopen(f, "draws_valid", H5P_DEFAULT);
      const std::uint64_t n = 299;
      H5Awrite(a, H5T_NATIVE_UINT64, &n);
      H5Aclose(a);
    });
    CHECK(refusal(p) == p + ": /: damaged: its content does not match its checksum");
  }
  SECTION("the /targets group removed (the report once charted such a file)") {
    tamper(p, [](hid_t f) { H5Ldelete(f, "/targets", H5P_DEFAULT); });
    CHECK(refusal(p) == p + ": /targets: damaged: missing (the file lists it)");
  }
  SECTION("an object added") {
    tamper(p, [](hid_t f) {
      const hid_t g = H5Gcreate2(f, "/extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Gclose(g);
    });
    CHECK(refusal(p) == p + ": /extra: damaged: not in the file's list of checksums");
  }
  SECTION("one bit of a per-draw chunk on disk") {
    const haddr_t at = first_chunk(p, "/targets/draws");
    std::string bytes = good;
    bytes[at + 5] = static_cast<char>(bytes[at + 5] ^ 0x10);
    write_all(p, bytes);
    const std::string why = refusal(p);
    CHECK(why.find(p + ": /targets/draws: damaged: the chunk at [0,0] fails its Fletcher32 checksum") == 0);
  }
  SECTION("truncated") {
    write_all(p, good.substr(0, good.size() / 2));
    CHECK(refusal(p).find("truncated file") != std::string::npos);
    write_all(p, "");
    CHECK(refusal(p) == p + ": not an HDF5 file");
  }
  fresh();
  CHECK(refusal(p).empty());
}

TEST_CASE("issue 12: no single flipped bit anywhere makes the reader return a different table",
          "[hdf5][integrity]") {
  TempDir dir;
  const std::string p = dir.file("flip.h5");
  const TargetTable stored = write_file(p, 200);
  const std::string good = read_all(p);
  const RunFile original = read_run_file(p, false);
  std::mt19937_64 rng(20161);
  std::size_t refused = 0, same = 0;
  // Half the flips in the file's tail, where the table was written last.
  for (int trial = 0; trial < 150; ++trial) {
    const std::size_t lo = trial % 2 == 0 ? 0 : good.size() * 9 / 10;
    const std::size_t at = lo + rng() % (good.size() - lo);
    std::string bytes = good;
    bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
    write_all(p, bytes);
    try {
      const RunFile r = read_run_file(p, false);
      // Accepted: the flip hit bytes no object uses, and every number is the same.
      ++same;
      INFO("flip at byte " << at);
      REQUIRE(r.stored_table.rows.size() == original.stored_table.rows.size());
      for (std::size_t t = 0; t < r.stored_table.rows.size(); ++t) {
        CHECK(r.stored_table.rows[t].p_met == original.stored_table.rows[t].p_met);
        CHECK(r.stored_table.rows[t].q05 == original.stored_table.rows[t].q05);
      }
      CHECK(r.summary.mean == original.summary.mean);
      CHECK(r.info.draws_valid == original.info.draws_valid);
    } catch (const InputFileError&) {
      ++refused;
    }
  }
  CHECK(refused > 100);
  (void)stored;
}

TEST_CASE("sweep files are sealed and verified too", "[hdf5][integrity]") {
  TempDir dir;
  const std::string p = dir.file("sweep.h5");
  Scenario sc = test::small_scenario();
  Lever l;
  l.id = "money";
  l.unit = "yuan";
  l.zone = YearSeries{{2015}, {1.0}, Interp::step};
  sc.levers.push_back(l);
  SweepData data;
  data.lever = "money";
  data.scale = {1.0, 2.0};
  data.lever_value = {1.0, 2.0};
  TargetTable t;
  t.rows.resize(sc.targets.size());
  data.tables = {t, t};
  SweepHeader h{"0.1.0", "abc", 1, "sobol", 10, "analytic"};
  write_sweep_file(p, sc, test::small_shape(), h, data);
  const VerifiedFile v = verify_innosim_file(p);
  CHECK(v.file_type == "innosim-sweep");
  CHECK(refusal(p).find("not an innosim run file (file_type is 'innosim-sweep'") != std::string::npos);
  tamper(p, [](hid_t f) {
    const hid_t d = H5Dopen2(f, "/sweep/scale", H5P_DEFAULT);
    const double v2[2] = {1.0, 3.0};
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v2);
    H5Dclose(d);
  });
  CHECK_THROWS_WITH(verify_innosim_file(p), Catch::Equals(p + ": /sweep/scale: damaged: its content does not match "
                                                              "its checksum"));
  // An existing file is kept unless the policy allows replacing it.
  const std::string before = read_all(p);
  CHECK_THROWS_WITH(write_sweep_file(p, sc, test::small_shape(), h, data),
                    Catch::Contains("not replaced: the file appeared"));
  CHECK(read_all(p) == before);
  write_sweep_file(p, sc, test::small_shape(), h, data, OutputPolicy{true});
  CHECK(verify_innosim_file(p).file_type == "innosim-sweep");
}

TEST_CASE("output_problem: inputs, folders, devices and existing files", "[outputs][output-safety]") {
  TempDir dir;
  const std::string in = dir.file("scenario.toml"), out = dir.file("out.h5");
  std::ofstream(in) << "x";
  CHECK(output_problem(out, {}, {in}).empty());
  CHECK(output_problem(in, {true}, {in}) ==
        "it is one of this command's inputs (" + in + "); choose another output file");
  fs::create_symlink(in, dir.file("link.h5"));
  CHECK(output_problem(dir.file("link.h5"), {true}, {in}).find("it is one of this command's inputs") == 0);
  CHECK(output_problem(dir.path.string(), {true}, {}) == "it is a directory, not a regular file");
  CHECK(output_problem("/dev/null", {true}, {}) == "it is a character device, not a regular file");
  std::ofstream(out) << "old";
  CHECK(output_problem(out, {}, {in}) == "the file exists; use --force to replace it");
  CHECK(output_problem(out, {true}, {in}).empty());
  CHECK(output_problem(dir.file("no/such/folder/x.h5"), {}, {}).find("cannot write in its folder") == 0);
}

TEST_CASE("a stale temporary file of a killed writer is removed by the next writer of that output",
          "[outputs][output-safety]") {
  TempDir dir;
  const std::string out = dir.file("run.h5");
  // A process id that is gone: a child that has exited and been reaped.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const std::string stale = out + ".tmp-" + std::to_string(child);
  const std::string alive = out + ".tmp-" + std::to_string(getppid());  // a process that runs
  const std::string other = dir.file("other.h5.tmp-" + std::to_string(child));  // another output's
  for (const auto& f : {stale, alive, other}) std::ofstream(f) << "partial";
  const std::vector<std::string> removed = remove_stale_temp_files(out);
  REQUIRE(removed.size() == 1);
  CHECK(removed[0] == stale);
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(alive));
  CHECK(fs::exists(other));
  // The writer does it itself.
  std::ofstream(stale) << "partial";
  write_file(out, 10);
  CHECK_FALSE(fs::exists(stale));
}
