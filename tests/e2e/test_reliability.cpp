// The program under faults and hostile input (issue 12; docs/reliability.md):
// each case performs the fault — signals, a full disk, a failing write, a
// full standard output, damaged files, absurd options, pathological
// scenarios — and checks the promised exit code and message, and that
// nothing else was lost.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../outputs/fixtures.hpp"
#include "e2e_helpers.hpp"
#include "innosim/outputs/hdf5_writer.hpp"
#include "innosim/run/targets.hpp"

namespace fs = std::filesystem;
using e2e::data;
using e2e::Out;
using e2e::slurp;
using e2e::temp_dir;

namespace {

void spit(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// `innosim <args>` through sh; `prefix` runs before it in the same shell
// (ulimit, trap); stdout goes to `stdout_to` unless empty.
Out cli(const std::string& args, const std::string& prefix = "", const std::string& stdout_to = "") {
  const fs::path o = temp_dir() / "stdout", e = temp_dir() / "stderr";
  const std::string cmd = prefix + " " + INNOSIM_BINARY + " " + args + " >" +
                          (stdout_to.empty() ? o.string() : stdout_to) + " 2>" + e.string();
  const int rc = std::system(("sh -c '" + cmd + "'").c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : (WIFSIGNALED(rc) ? 128 + WTERMSIG(rc) : -1),
          stdout_to.empty() ? slurp(o) : "", slurp(e)};
}

// Files in `dir` whose name starts with `stem`.
std::vector<std::string> files_starting(const fs::path& dir, const std::string& stem) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind(stem, 0) == 0) out.push_back(entry.path().filename().string());
  return out;
}

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

bool is_root() { return ::geteuid() == 0; }

// Starts `innosim run long.toml -o out` in a child; returns its pid once the
// temporary output file exists.
pid_t start_long_run(const fs::path& out) {
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stderr);
    execl(INNOSIM_BINARY, "innosim", "run", data("long.toml").c_str(), "-q", "-o", out.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string stem = out.filename().string() + ".tmp";
  for (int i = 0; i < 400 && files_starting(out.parent_path(), stem).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

// ---------- signals ----------

TEST_CASE("issue 12: SIGHUP and SIGTERM stop a run like Ctrl-C: exit 130, no file", "[e2e][reliability][signal]") {
  for (const int sig : {SIGHUP, SIGTERM}) {
    const fs::path out = temp_dir() / fmt::format("sig{}.h5", sig);
    const pid_t pid = start_long_run(out);
    kill(pid, sig);
    CHECK(wait_exit(pid) == 130);
    CHECK(files_starting(temp_dir(), out.filename().string()).empty());
  }
}

TEST_CASE("issue 12: two Ctrl-C 10 ms apart leave no temporary file", "[e2e][reliability][signal]") {
  const fs::path out = temp_dir() / "twice.h5";
  const pid_t pid = start_long_run(out);
  kill(pid, SIGINT);
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGINT);
  CHECK(wait_exit(pid) == 130);
  CHECK_FALSE(fs::exists(out));
  CHECK(files_starting(temp_dir(), "twice.h5.tmp").empty());  // its checkpoint (twice.h5.ckpt/) may stay, for --resume
}

TEST_CASE("issue 12: the temporary file of a killed run is removed by the next run of that output",
          "[e2e][reliability][signal]") {
  const fs::path out = temp_dir() / "killed.h5";
  const pid_t pid = start_long_run(out);
  kill(pid, SIGKILL);
  CHECK(wait_exit(pid) == 128 + SIGKILL);
  REQUIRE(files_starting(temp_dir(), "killed.h5.tmp-").size() == 1);
  const Out r = cli("run " + data("exp.toml") + " -n 100 -q -o " + out.string());
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(files_starting(temp_dir(), "killed.h5") == std::vector<std::string>{"killed.h5"});
}

// ---------- full disks, failing writes, standard output ----------

TEST_CASE("issue 12: a full disk ends the run with exit 1 and a clear message; no file, no crash",
          "[e2e][reliability][enospc]") {
  if (!is_root() || std::system("unshare -m true 2> /dev/null") != 0) {
    WARN("skipped: mounting a small tmpfs needs root and a private mount namespace (unshare -m)");
    return;
  }
  const fs::path mnt = temp_dir() / "small-disk";
  fs::create_directories(mnt);
  // A 100 KiB tmpfs in a private mount namespace (gone when the script
  // ends); -n 20 passes the up-front size check (its per-draw data is tiny)
  // and the rest of the file fills the disk.
  const fs::path script = temp_dir() / "full.sh";
  spit(script, "mount -t tmpfs -o size=100k tmpfs " + mnt.string() + " || exit 99\n" + INNOSIM_BINARY + " run " +
                   data("exp.toml") + " -n 20 -q -o " + (mnt / "run.h5").string() + " 2> " +
                   (temp_dir() / "full.err").string() + "\necho $? > " + (temp_dir() / "full.rc").string() +
                   "\nls -A " + mnt.string() + " > " + (temp_dir() / "full.left").string() + "\n");
  const int rc = std::system(("unshare -m sh " + script.string()).c_str());
  if (WIFEXITED(rc) && WEXITSTATUS(rc) == 99) {
    WARN("skipped: this machine does not allow mounting a tmpfs");
    return;
  }
  REQUIRE(rc == 0);
  const std::string err = slurp(temp_dir() / "full.err");
  INFO(err);
  CHECK(std::stoi(slurp(temp_dir() / "full.rc")) == 1);  // not 139: no crash in HDF5's clean-up
  CHECK(err.find("No space left on device") != std::string::npos);
  CHECK(lines(err) == 1);
  CHECK(err.find("HDF5-DIAG") == std::string::npos);
  CHECK(slurp(temp_dir() / "full.left").empty());  // the temporary file is gone
}

TEST_CASE("issue 12: a write location that fails (file size limit) ends with exit 1 and leaves nothing",
          "[e2e][reliability][enospc]") {
  const fs::path out = temp_dir() / "fsize.h5";
  // Files may not grow beyond 64 KiB; SIGXFSZ ignored, so writes fail (EFBIG).
  const Out r = cli("run " + data("exp.toml") + " -n 4000 -q -o " + out.string(), "ulimit -f 64; trap \"\" XFSZ;");
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.err.find("File too large") != std::string::npos);
  CHECK(r.err.find("HDF5-DIAG") == std::string::npos);
  CHECK(files_starting(temp_dir(), "fsize.h5").empty());
}

TEST_CASE("issue 12: a table that cannot be written to standard output fails the command; the file is whole",
          "[e2e][reliability]") {
  const fs::path out = temp_dir() / "full-stdout.h5";
  const Out r = cli("run " + data("exp.toml") + " -n 200 -q -o " + out.string(), "", "/dev/full");
  CHECK(r.code == 1);
  CHECK(r.err == "innosim: cannot write to standard output: No space left on device\n");
  const Out c = cli("check " + out.string(), "", "/dev/full");
  CHECK(c.code == 1);
  CHECK(cli("check " + out.string()).code == 0);
}

// ---------- output safety ----------

TEST_CASE("issue 12: an existing output is replaced only with --force", "[e2e][reliability][output-safety]") {
  const fs::path out = temp_dir() / "existing.h5";
  spit(out, "keep me");
  const Out r = cli("run " + data("exp.toml") + " -n 100 -q -o " + out.string());
  CHECK(r.code == 2);
  CHECK(r.err == "innosim: cannot write " + out.string() +
                     ": the file exists; use --force to replace it; nothing was computed\n");
  CHECK(slurp(out) == "keep me");
  const Out s = cli("sweep " + data("sweep.toml") + " --lever extra_growth -n 100 -q -o " + out.string());
  CHECK(s.code == 2);
  CHECK(slurp(out) == "keep me");
  CHECK(cli("run " + data("exp.toml") + " -n 100 -q --force -o " + out.string()).code == 0);
  CHECK(cli("check " + out.string()).code == 0);
}

TEST_CASE("issue 12: the scenario, a parent, a directory or a device is never the output",
          "[e2e][reliability][output-safety]") {
  const fs::path dir = temp_dir() / "inputs";
  fs::create_directories(dir);
  fs::copy_file(data("exp.toml"), dir / "exp.toml", fs::copy_options::overwrite_existing);
  fs::copy_file(data("long.toml"), dir / "long.toml", fs::copy_options::overwrite_existing);
  const std::string scenario = slurp(dir / "long.toml"), parent = slurp(dir / "exp.toml");
  const std::string run = "run " + (dir / "long.toml").string() + " -n 10 -q --force -o ";
  for (const std::string& out : {(dir / "long.toml").string(), (dir / "exp.toml").string()}) {
    const Out r = cli(run + out);
    CHECK(r.code == 2);
    CHECK(r.err.find("it is one of this command's inputs") != std::string::npos);
  }
  CHECK(slurp(dir / "long.toml") == scenario);
  CHECK(slurp(dir / "exp.toml") == parent);
  const Out d = cli(run + dir.string());
  CHECK(d.code == 2);
  CHECK(d.err.find("it is a directory, not a regular file") != std::string::npos);
  const Out n = cli(run + "/dev/null");
  CHECK(n.code == 2);
  CHECK(n.err.find("it is a character device, not a regular file") != std::string::npos);
  struct stat st {};
  REQUIRE(::stat("/dev/null", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));
}

// ---------- command-line input ----------

TEST_CASE("issue 12: seeds, draw counts and sizes are checked, with the size they would need",
          "[e2e][reliability][cli]") {
  const std::string run = "run " + data("exp.toml") + " -q -o " + (temp_dir() / "cli.h5").string() + " ";
  for (const std::string bad : {"--seed -1", "--seed 1e23", "--seed 18446744073709551616", "--seed 2.5",
                                "-n 0", "-n 1e6", "--threads 0", "--threads 100000", "--threads two"}) {
    INFO(bad);
    const Out r = cli(run + bad);
    CHECK(r.code == 2);
    CHECK(r.err.find("expected an integer from") != std::string::npos);
  }
  const Out replay = cli("run " + data("exp.toml") + " -n 100 --replay 100");
  CHECK(replay.code == 2);
  CHECK(replay.err.find("--replay 100: the run has 100 draws, numbered 0 to 99") != std::string::npos);
  CHECK(cli("run " + data("exp.toml") + " -n 100 --replay 99").code == 0);
  const Out tiles = cli(run + "--block-tiles 2000000");
  CHECK(tiles.code == 2);
  CHECK(tiles.err.find("expected an integer from 1 to 1048576, got '2000000'") != std::string::npos);
  const Out draws = cli(run + "-n 1000000000000");
  CHECK(draws.code == 2);
  CHECK(draws.err.find("would need at least") != std::string::npos);
  CHECK(draws.err.find("of memory; this machine has") != std::string::npos);
  CHECK_FALSE(fs::exists(temp_dir() / "cli.h5"));
  // A block never holds more draws than the run: the largest --block-tiles
  // on 300 draws allocates 2 tiles, not 2^28 draws' buffers.
  CHECK(cli("run " + data("exp.toml") + " -q -n 300 --block-tiles 1048576 -o " + (temp_dir() / "tiles.h5").string())
            .code == 0);
  const Out max_seed = cli(run + "-n 50 --seed 18446744073709551615 --force");
  CHECK(max_seed.code == 0);
  const Out unknown = cli("runn " + data("exp.toml"));
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("innosim: unknown command 'runn' — did you mean 'run'?") == 0);
}

TEST_CASE("issue 12: calibrate, sensitivity and discover check their options and outputs like run",
          "[e2e][reliability][cli][output-safety]") {
  const std::string data_dir = std::string(INNOSIM_TEST_DATA);
  const std::string growth = data_dir + "/calibrate/growth.toml", observed = data_dir + "/calibrate/growth-observed.toml";
  const std::string ishigami = data_dir + "/analysis/ishigami.toml";
  const fs::path out = temp_dir() / "analysis-out.h5";
  const std::string calibrate = "calibrate " + growth + " --observations " + observed + " -n 100 --max-sweeps 4 -q ";
  const std::string sensitivity = "sensitivity " + ishigami + " -N 16 --resamples 10 -q ";
  for (const std::string& bad : {calibrate + "--seed -1", calibrate + "--seed 1e23", calibrate + "--threads 0",
                                sensitivity + "--seed -1", sensitivity + "--threads 100000",
                                sensitivity + "-N 1000000000000", sensitivity + "-N -5", sensitivity + "--top -1"}) {
    INFO(bad);
    const Out r = cli(bad + " -o " + out.string());
    CHECK(r.code == 2);
    CHECK(r.err.find("expected an integer from") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
  // The output may not be an input (the scenario, the observation file, the
  // file discover reads), nor an existing file without --force.
  const Out in = cli(calibrate + "-o " + observed);
  CHECK(in.code == 2);
  CHECK(in.err.find("it is one of this command's inputs") != std::string::npos);
  CHECK(cli(sensitivity + "-o " + ishigami).code == 2);
  REQUIRE(cli(sensitivity + "-o " + out.string()).code == 0);
  const auto before = fs::last_write_time(out);
  const Out again = cli(sensitivity + "-o " + out.string());
  CHECK(again.code == 2);
  CHECK(again.err.find("the file exists; use --force to replace it") != std::string::npos);
  CHECK(fs::last_write_time(out) == before);
  CHECK(cli(sensitivity + "--force -o " + out.string()).code == 0);
  const fs::path run = temp_dir() / "analysis-run.h5";
  REQUIRE(cli("run " + data("solve.toml") + " -n 300 --store parameters -q -o " + run.string()).code == 0);
  const Out self = cli("discover " + run.string() + " --target output -q -o " + run.string());
  CHECK(self.code == 2);
  CHECK(self.err.find("it is one of this command's inputs") != std::string::npos);
  CHECK(cli("check " + run.string()).code == 0);  // untouched
}

// ---------- scenarios ----------

TEST_CASE("issue 12: pathological scenarios end with exit 2 and a few lines", "[e2e][reliability][scenario]") {
  const fs::path dir = temp_dir();
  std::string header = "[";
  for (int i = 0; i < 20000; ++i) header += i ? ".a" : "a";
  spit(dir / "header.toml", header + "]\n");
  std::string array = slurp(data("exp.toml")) + "\n[levers.bad]\nunit = \"yuan\"\nyears = [2015]\nvalues = [";
  for (int i = 0; i < 5000000; ++i) array += i ? ",-1" : "-1";
  spit(dir / "array.toml", array + "]\n");
  // 3,000 bad values: 50 printed, the rest counted.
  std::string many = slurp(data("exp.toml")) + "\n";
  for (int i = 0; i < 3000; ++i)
    many += fmt::format("[levers.l{}]\nunit = \"yuan\"\nyears = [2015]\nvalues = [-1]\n", i);
  spit(dir / "many.toml", many);
  for (const char* f : {"header.toml", "array.toml"}) {
    const Out v = cli(std::string("validate ") + (dir / f).string());
    INFO(v.err);
    CHECK(v.code == 2);
    CHECK(lines(v.err) == 2);
  }
  const Out m = cli("validate " + (dir / "many.toml").string());
  CHECK(m.code == 2);
  CHECK(lines(m.err) == 52);
  CHECK(m.err.find("\n... and ") != std::string::npos);
  CHECK(m.err.find("problems found; nothing was computed") != std::string::npos);
}

TEST_CASE("issue 12: a boolean model option where an integer is expected is refused", "[e2e][reliability][scenario]") {
  const fs::path f = temp_dir() / "stages.toml";
  spit(f, "[scenario]\nname = \"s\"\nextends = \"" + std::string(INNOSIM_SOURCE_DIR) +
              "/scenarios/plan-2016-2020.toml\"\n[model_options]\npatent_exam_stages = true\nshocks = 1\n");
  const Out v = cli("validate " + f.string());
  INFO(v.err);
  CHECK(v.code == 2);
  CHECK(v.err.find(f.string() + ":5:22: model_options.patent_exam_stages: expected an integer") != std::string::npos);
  CHECK(v.err.find(f.string() + ":6:10: model_options.shocks: expected a boolean (true or false)") != std::string::npos);
}

// ---------- damaged files ----------

namespace {

// A run file whose stored target table differs from its per-draw values but
// whose checksums are right (as a buggy or tampering writer would make it).
void write_inconsistent(const std::string& path) {
  using namespace innosim;
  const Scenario sc = test::small_scenario();
  const test::SyntheticRun run(100);
  RunHeader h;
  h.draws = run.n;
  h.randoms_per_year = 2;
  h.sampler = "sobol";
  RunWriter w(path, sc, run.shape, h, WriterConfig{});
  w.write_draws(0, run.n, run.theta, run.targets, {}, {}, run.valid);
  TargetTable table;
  JointAccumulator joint(sc.targets);
  joint.add(run.targets, run.n);
  for (std::size_t t = 0; t < sc.targets.size(); ++t) {
    std::vector<double> values = w.target_values(t);
    table.rows.push_back(summarize_target(sc.targets[t], values, 0.8, 0.5));
  }
  table.joint = joint.result();
  table.rows[0].p_met = 0.995;  // the lie
  w.finish(test::synthetic_summary(run.shape), table, RunInfo{});
}

}  // namespace

// The bytes of a run file that hold object data: the stored target table
// (/targets/p_met, a contiguous dataset covered by the file's SHA-256 list)
// and the first chunk of the per-draw target values (/targets/draws, covered
// by HDF5's Fletcher32 checksum). Writes one damaged copy of `good` for each.
void damage_object_data(const fs::path& good, const fs::path& table, const fs::path& chunk) {
  const std::string code = fmt::format(
      "import h5py\n"
      "with h5py.File(\"{0}\", \"r\") as f:\n"
      "    table = f[\"targets/p_met\"].id.get_offset()\n"
      "    chunk = f[\"targets/draws\"].id.get_chunk_info(0).byte_offset\n"
      "data = open(\"{0}\", \"rb\").read()\n"
      "t = bytearray(data); t[table + 6] ^= 0x10; open(\"{1}\", \"wb\").write(t)\n"
      "c = bytearray(data); c[chunk + 3] ^= 0x40; open(\"{2}\", \"wb\").write(c)\n",
      good.string(), table.string(), chunk.string());
  REQUIRE(e2e::python(code) == 0);
  REQUIRE(fs::file_size(table) == fs::file_size(good));
  REQUIRE(fs::file_size(chunk) == fs::file_size(good));
}

TEST_CASE("issue 12: check, compare and report refuse a damaged file with exit 2 and the object's name",
          "[e2e][reliability][integrity]") {
  const fs::path good = temp_dir() / "good.h5", table = temp_dir() / "bad-table.h5",
                 chunk = temp_dir() / "bad-chunk.h5", bad = temp_dir() / "bad.h5";
  REQUIRE(cli("run " + data("exp.toml") + " -n 500 -q -o " + good.string()).code == 0);
  const Out ok = cli("check " + good.string());
  REQUIRE(ok.code == 0);
  damage_object_data(good, table, chunk);
  // One changed bit in a value of the stored target table (the issue's
  // reproducer: a target at 89.3 % instead of 99.5 %), and one in a chunk of
  // the per-draw values the table is recomputed from.
  const std::pair<fs::path, std::string> cases[] = {
      {table, ": /targets/p_met: damaged: its content does not match its checksum"},
      {chunk, ": /targets/draws: damaged: the chunk at [0,0] fails its Fletcher32 checksum"}};
  for (const auto& [file, message] : cases) {
    const Out c = cli("check " + file.string());
    INFO(file.string() << "\n" << c.err);
    CHECK(c.code == 2);
    CHECK(c.err.find("innosim: " + file.string() + message) == 0);
    CHECK(c.out.empty());
    const Out cmp = cli("compare " + good.string() + " " + file.string());
    CHECK(cmp.code == 2);
    CHECK(cmp.err == c.err);
    CHECK(cmp.out.empty());
    const Out rep = cli("report " + file.string() + " -o " + (temp_dir() / "bad-report").string() + " --lang en");
    INFO(rep.err);
    CHECK(rep.code == 2);
    CHECK(rep.err.find("Traceback") == std::string::npos);
    CHECK(rep.err.find(file.string() + message) != std::string::npos);  // the same object as check
    CHECK_FALSE(fs::exists(temp_dir() / "bad-report"));
  }

  // Bytes that hold no object's data (free space: here the run file's tail
  // is the unused end of a heap) change nothing that is read: check then
  // either refuses the file by an object's name or prints the very table of
  // the good file — never a different one.
  std::string bytes = slurp(good);
  for (std::size_t i = bytes.size() - 2000; i < bytes.size() - 1000; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x55);
  spit(bad, bytes);
  const Out tail = cli("check " + bad.string());
  INFO(tail.err);
  if (tail.code == 0) {
    CHECK(tail.out == ok.out);
  } else {
    CHECK(tail.code == 2);
    CHECK(tail.err.find("innosim: " + bad.string() + ": /") == 0);
  }

  spit(bad, slurp(good).substr(0, 4096));  // cut short
  const Out ct = cli("check " + bad.string());
  CHECK(ct.code == 2);
  CHECK(ct.err.find("innosim: " + bad.string() + ": ") == 0);
  CHECK(ct.err.find("damaged") != std::string::npos);
  const Out rt = cli("report " + bad.string() + " -o " + (temp_dir() / "trunc-report").string());
  CHECK(rt.code == 2);
  CHECK(rt.err.find("Traceback") == std::string::npos);
}

// Flips one bit in the stored values of `object` of `file` (its first chunk
// when chunked), in place.
void damage_values(const fs::path& file, const std::string& object) {
  const std::string code = fmt::format(
      "import h5py\n"
      "with h5py.File(\"{0}\", \"r\") as f:\n"
      "    d = f[\"{1}\"]\n"
      "    at = d.id.get_chunk_info(0).byte_offset if d.chunks else d.id.get_offset()\n"
      "data = bytearray(open(\"{0}\", \"rb\").read()); data[at + 5] ^= 0x08\n"
      "open(\"{0}\", \"wb\").write(data)\n",
      file.string(), object);
  REQUIRE(e2e::python(code) == 0);
}

TEST_CASE("issue 12: files that crash or hang the HDF5 library are refused, not crashed or hung on",
          "[e2e][issue12][integrity]") {
  // Found by fuzz_run_file: HDF5 1.10 fails on them with no innosim code on
  // the stack. The verification in a child (with a CPU-time limit) refuses them.
  const std::string dir = std::string(INNOSIM_SOURCE_DIR) + "/tests/fuzz/regressions/run_file/";
  const Out segv = cli("check " + dir + "check-segfault-memcpy-overlap");
  CHECK(segv.code == 2);
  CHECK(segv.err.find(dir + "check-segfault-memcpy-overlap: ") == 9);  // "innosim: FILE: ..."
  const Out hang = cli("check " + dir + "check-hang-global-heap");
  CHECK(hang.code == 2);
  CHECK(hang.err.find("check-hang-global-heap: damaged: its structure is corrupt (the HDF5 library did not finish "
                      "reading it in 2 s of CPU time)") != std::string::npos);
}

TEST_CASE("issue 12: posterior, sensitivity and discovery files carry checksums that every reader verifies",
          "[e2e][reliability][integrity]") {
  const std::string data_dir = std::string(INNOSIM_TEST_DATA);
  const fs::path post = temp_dir() / "integrity.posterior.h5", sens = temp_dir() / "integrity-sens.h5",
                 run = temp_dir() / "integrity-run.h5", disc = temp_dir() / "integrity-disc.h5";
  REQUIRE(cli("calibrate " + data_dir + "/calibrate/growth.toml --observations " + data_dir +
              "/calibrate/growth-observed.toml -n 200 --max-sweeps 8 -q -o " + post.string())
              .code == 0);
  REQUIRE(cli("sensitivity " + data_dir + "/analysis/ishigami.toml -N 64 --resamples 10 -q -o " + sens.string())
              .code == 0);
  REQUIRE(cli("run " + data("solve.toml") + " -n 300 --store parameters -q -o " + run.string()).code == 0);
  REQUIRE(cli("discover " + run.string() + " --target output -q -o " + disc.string()).code == 0);
  for (const auto& [file, type] : {std::pair{sens, "innosim-sensitivity"}, std::pair{disc, "innosim-discovery"}}) {
    const Out c = cli("check " + file.string());
    INFO(c.err);
    CHECK(c.code == 0);
    CHECK(c.out.find(file.string() + ": " + type + " file, format 2: all ") == 0);
  }
  CHECK(cli("check " + post.string()).code == 0);  // prints the diagnostics

  // A posterior whose particles changed: check, the report and a scenario
  // that draws from it ([posterior]) refuse it by the object's name.
  damage_values(post, "resampled/theta");
  const std::string object = post.string() + ": /resampled/theta: damaged";
  const Out c = cli("check " + post.string());
  INFO(c.err);
  CHECK(c.code == 2);
  CHECK(c.err.find("innosim: " + object) == 0);
  CHECK(c.out.empty());
  const fs::path scenario = temp_dir() / "integrity-calibrated.toml";
  std::ofstream(scenario) << "[scenario]\nextends = \"" << data_dir
                          << "/calibrate/growth.toml\"\nname = \"integrity-calibrated\"\n\n[posterior]\nfile = \""
                          << post.filename().string() << "\"\n";
  const Out r = cli("run " + scenario.string() + " -n 100 -q -o " + (temp_dir() / "from-damaged.h5").string());
  INFO(r.err);
  CHECK(r.code == 2);
  CHECK(r.err.find("posterior.file") != std::string::npos);
  CHECK(r.err.find("integrity.posterior.h5: /resampled/theta: damaged") != std::string::npos);
  CHECK_FALSE(fs::exists(temp_dir() / "from-damaged.h5"));
  const Out rep = cli("report " + post.string() + " -o " + (temp_dir() / "post-report").string() + " --lang en");
  INFO(rep.err);
  CHECK(rep.code == 2);
  CHECK(rep.err.find(object) != std::string::npos);
  CHECK(rep.err.find("Traceback") == std::string::npos);

  // A damaged sensitivity file; discover on a damaged run file writes nothing.
  damage_values(sens, "sobol/total");
  const Out cs = cli("check " + sens.string());
  CHECK(cs.code == 2);
  CHECK(cs.err.find("innosim: " + sens.string() + ": /sobol/total: damaged") == 0);
  damage_values(run, "targets/draws");
  const fs::path disc2 = temp_dir() / "integrity-disc-2.h5";
  const Out d = cli("discover " + run.string() + " --target output -q -o " + disc2.string());
  INFO(d.err);
  CHECK(d.code == 2);
  CHECK(d.err.find("innosim: " + run.string() + ": /targets/draws: damaged") == 0);
  CHECK_FALSE(fs::exists(disc2));
}

TEST_CASE("issue 12: check --verify recomputes the table from the per-draw values", "[e2e][reliability][integrity]") {
  const fs::path good = temp_dir() / "verify.h5", lie = temp_dir() / "lie.h5";
  REQUIRE(cli("run " + data("exp.toml") + " -n 300 -q -o " + good.string()).code == 0);
  const Out ok = cli("check --verify " + good.string());
  CHECK(ok.code == 0);
  CHECK(ok.err.find("equals the one recomputed") != std::string::npos);
  write_inconsistent(lie.string());
  CHECK(cli("check " + lie.string()).code == 0);  // the checksums are right
  const Out v = cli("check --verify " + lie.string());
  INFO(v.err);
  CHECK(v.code == 2);
  CHECK(v.err.find(lie.string() + ": /targets: the stored target table differs from the one recomputed") !=
        std::string::npos);
  CHECK(v.err.find("p_met: stored 0.995, recomputed") != std::string::npos);
}
