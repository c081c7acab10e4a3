#pragma once
// Helpers for the end-to-end tests: run the program, capture its output,
// find leftovers in the test's temporary folder, run Python snippets.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace e2e {

namespace fs = std::filesystem;

struct Out {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// One folder under the system temp dir for this test run, removed at exit.
inline fs::path temp_dir() {
  struct Dir {
    fs::path path = fs::temp_directory_path() / ("innosim-e2e-" + std::to_string(::getpid()));
    Dir() { fs::create_directories(path); }
    ~Dir() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static const Dir dir;
  return dir.path;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Runs `innosim <args>` through the shell (with `env`, VAR=value settings,
// and without INNOSIM_TOOLS_DIR unless `env` sets it); captures stdout and stderr.
inline Out innosim(const std::string& args, const std::string& env = "", const std::string& binary = INNOSIM_BINARY) {
  const fs::path o = temp_dir() / "stdout", e = temp_dir() / "stderr";
  const std::string cmd =
      "env -u INNOSIM_TOOLS_DIR " + env + " " + binary + " " + args + " >" + o.string() + " 2>" + e.string();
  const int rc = std::system(cmd.c_str());
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, slurp(o), slurp(e)};
}

inline std::string data(const std::string& name) { return std::string(INNOSIM_TEST_DATA) + "/e2e/" + name; }

inline bool leftovers(const fs::path& dir, const std::string& stem) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind(stem, 0) == 0) return true;
  return false;
}

inline int python(const std::string& code) {
  const std::string cmd = std::string(INNOSIM_PYTHON) + " -c '" + code + "'";
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (const char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace e2e
