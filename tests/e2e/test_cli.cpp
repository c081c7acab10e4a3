// End-to-end tests of the innosim command line on the analytic test model.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct Out {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("innosim-e2e-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Runs `innosim <args>` through the shell; captures stdout and stderr.
Out innosim(const std::string& args) {
  const fs::path o = temp_dir() / "stdout", e = temp_dir() / "stderr";
  const std::string cmd = std::string(INNOSIM_BINARY) + " " + args + " >" + o.string() + " 2>" + e.string();
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(o), slurp(e)};
}

std::string data(const std::string& name) { return std::string(INNOSIM_TEST_DATA) + "/e2e/" + name; }

bool leftovers(const fs::path& dir, const std::string& stem) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind(stem, 0) == 0) return true;
  return false;
}

int python(const std::string& code) {
  const std::string cmd = std::string(INNOSIM_PYTHON) + " -c '" + code + "'";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

}  // namespace

TEST_CASE("run writes the file and check prints the same table from it", "[e2e]") {
  const fs::path h5 = temp_dir() / "exp.h5";
  const Out run = innosim("run " + data("exp.toml") + " -o " + h5.string() + " --format csv --quiet");
  INFO(run.err);
  REQUIRE(run.code == 0);
  REQUIRE(fs::exists(h5));
  CHECK_FALSE(leftovers(temp_dir(), "exp.h5.tmp"));
  const Out check = innosim("check " + h5.string() + " --format csv");
  REQUIRE(check.code == 0);
  CHECK(check.out == run.out);
  CHECK(run.out.find("output") != std::string::npos);

  // A client that is not innosim recomputes P(met) from the per-draw values.
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "d = f[\"targets/draws\"][0]; v = f[\"targets/value\"][0]\n"
      "p = np.mean(d[~np.isnan(d)] >= v)\n"
      "sys.exit(0 if abs(p - f[\"targets/p_met\"][0]) < 1e-12 and f.attrs[\"file_type\"] == \"innosim-run\" else 1)\n";
  CHECK(python(code) == 0);
  const std::string dump = "h5dump -A " + h5.string() + " > /dev/null";
  CHECK(std::system(dump.c_str()) == 0);
}

TEST_CASE("the run file is identical for 1 and 3 threads", "[e2e][determinism]") {
  const fs::path a = temp_dir() / "t1.h5", b = temp_dir() / "t3.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -q --threads 1 -o " + a.string()).code == 0);
  REQUIRE(innosim("run " + data("exp.toml") + " -q --threads 3 --block-tiles 2 -o " + b.string()).code == 0);
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "a = h5py.File(\"" + a.string() + "\", \"r\"); b = h5py.File(\"" + b.string() + "\", \"r\")\n"
      "bad = []\n"
      "def cmp(name, obj):\n"
      "    if isinstance(obj, h5py.Dataset) and obj.dtype.kind == \"f\":\n"
      "        if not np.array_equal(obj[()], b[name][()], equal_nan=True): bad.append(name)\n"
      "a.visititems(cmp)\n"
      "print(bad); sys.exit(1 if bad else 0)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("bad input: every problem with file:line:col, exit 2, nothing written", "[e2e][bad-input]") {
  const Out v = innosim("validate " + data("bad.toml"));
  INFO(v.err);
  CHECK(v.code == 2);
  CHECK(v.err.find("bad.toml:8:") != std::string::npos);   // max < min
  CHECK(v.err.find("bad.toml:12:1") != std::string::npos);  // unknown key `sed`
  CHECK(v.err.find("did you mean 'seed'") != std::string::npos);
  const fs::path h5 = temp_dir() / "bad.h5";
  const Out r = innosim("run " + data("bad.toml") + " -o " + h5.string());
  CHECK(r.code == 2);
  CHECK(r.err == v.err);
  CHECK_FALSE(leftovers(temp_dir(), "bad.h5"));
}

TEST_CASE("a failing draw is named by its index and leaves no file", "[e2e][invalid]") {
  const fs::path h5 = temp_dir() / "explode.h5";
  const Out r = innosim("run " + data("explode.toml") + " -q -o " + h5.string());
  INFO(r.err);
  CHECK(r.code == 1);
  CHECK(r.err.find("draw ") != std::string::npos);
  CHECK(r.err.find("--replay") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "explode.h5"));
}

TEST_CASE("Ctrl-C stops the run cleanly and leaves no file", "[e2e][signal]") {
  const fs::path h5 = temp_dir() / "long.h5";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::freopen("/dev/null", "w", stderr);
    execl(INNOSIM_BINARY, "innosim", "run", data("long.toml").c_str(), "-q", "-o", h5.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the run has started writing its temporary file.
  for (int i = 0; i < 200 && !leftovers(temp_dir(), "long.h5.tmp"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK_FALSE(leftovers(temp_dir(), "long.h5"));
}

TEST_CASE("replay reproduces one draw by its index", "[e2e]") {
  const Out a = innosim("run " + data("exp.toml") + " --replay 17");
  const Out b = innosim("run " + data("exp.toml") + " --replay 17 --threads 2");
  REQUIRE(a.code == 0);
  CHECK(a.out == b.out);
  CHECK(a.out.find("draw 17") != std::string::npos);
}

TEST_CASE("run with an output path in a new folder creates the folder", "[e2e]") {
  const fs::path h5 = temp_dir() / "new" / "folder" / "exp.h5";
  fs::remove_all(temp_dir() / "new");
  const Out r = innosim("run " + data("exp.toml") + " -q -o " + h5.string());
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(fs::exists(h5));
}
