// Scenario input that once crashed, hung or cost without bound (issue 12's
// reproducers, made here), and the limits that now refuse it with one
// message at its place (innosim/scenario/limits.hpp, docs/reliability.md).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "innosim/scenario/limits.hpp"
#include "innosim/scenario/scenario.hpp"
#include "scenario_test_helpers.hpp"

using namespace innosim;
using namespace innosim::test;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temp dir, removed at the end of the test.
struct Folder {
  fs::path path;
  Folder() {
    static int n = 0;
    path = fs::temp_directory_path() / fmt::format("innosim-limits-{}-{}", ::getpid(), n++);
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

// A complete scenario of the analytic test model; extends nothing.
const std::string kExp = R"([scenario]
name = "exp"
model = "exp_growth"

[horizon]
start = 2015
end = 2020

[[regions]]
id = "north"

[indicators.output]
unit = "count"

[parameters.growth]
unit = "rate"
dist = "fixed"
value = 0.05
)";

std::string repeat(const std::string& s, std::size_t n, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += sep;
    out += s;
  }
  return out;
}

std::string all_text(const std::vector<Problem>& ps) {
  std::string out;
  for (const Problem& p : ps) out += p.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("issue 12: 20,000 dotted header parts are refused before the TOML parser, at their place",
          "[scenario][limits]") {
  const auto ps = problems_of("[" + repeat("a", 20000, ".") + "]\nx = 1\n", "deep.toml");
  REQUIRE(ps.size() == 1);
  check_at(ps[0], "deep.toml", 1, 1);
  CHECK(ps[0].message.find("nests more than 64 levels") != std::string::npos);
}

TEST_CASE("issue 12: 100,000 dotted key parts, deep arrays and inline tables are refused before parsing",
          "[scenario][limits]") {
  auto ps = problems_of(kExp + repeat("k", 100000, ".") + " = 1\n", "keys.toml");
  REQUIRE(ps.size() == 1);
  check_at(ps[0], "keys.toml", 19, 1);
  ps = problems_of(kExp + "a = " + std::string(5000, '[') + std::string(5000, ']') + "\n", "arrays.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("this array nests") != std::string::npos);
  std::string inline_tables = "t = ";
  for (int i = 0; i < 5000; ++i) inline_tables += "{ a = ";
  inline_tables += "1" + std::string(5000, '}');
  ps = problems_of(kExp + inline_tables + "\n", "inline.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("nests more than") != std::string::npos);
  // Dots and brackets inside strings and comments are not structure.
  const std::string quoted = "[scenario]\nname = \"" + repeat("x", 500, ".") + "[[{\"\n# " + repeat("a", 500, ".") +
                             "\nmodel = '''" + repeat("y", 500, ".") + "'''\n";
  ps = problems_of(quoted, "quoted.toml");
  for (const Problem& p : ps) CHECK(p.message.find("nests") == std::string::npos);
  // Exactly at the limit is fine.
  ps = problems_of(kExp + "[model_options]\n" + repeat("o", limits::kNestingDepth - 1, ".") + " = 1\n", "edge.toml");
  for (const Problem& p : ps) CHECK(p.message.find("nests") == std::string::npos);
}

TEST_CASE("issue 12: a 5-million-element array is one problem, not 5 million", "[scenario][limits]") {
  const std::string lever = "[levers.money]\nunit = \"yuan\"\nyears = [2015]\nvalues = [";
  // As big as the issue's: beyond the file size limit.
  auto ps = problems_of(kExp + lever + repeat("-1", 5000000, ",") + "]\n", "big.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("more than the 4194304 allowed") != std::string::npos);
  // Within it: beyond the array length limit, found before parsing.
  ps = problems_of(kExp + lever + repeat("-1", 500000, ",") + "]\n", "big.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("more than 10000 elements") != std::string::npos);
  check_at(ps[0], "big.toml", 22, 10);
}

TEST_CASE("issue 12: more values than a scenario can need are refused before parsing (300,000 lever tables)",
          "[scenario][limits]") {
  // The reproducer itself (about 5 MB) passes the file size limit first.
  std::string text = kExp;
  for (int i = 0; i < 300000; ++i) text += fmt::format("[levers.l{}]\n", i);
  auto ps = problems_of(text, "levers.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("more than the 4194304 allowed") != std::string::npos);
  // Within the size limit, the value limit refuses it before the parser runs.
  text = kExp;
  for (int i = 0; i < 210000; ++i) text += fmt::format("[levers.l{}]\n", i);
  REQUIRE(text.size() < limits::kScenarioFileBytes);
  ps = problems_of(text, "levers.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("more than 200000 values") != std::string::npos);
}

TEST_CASE("a table at the entry limit loads in one pass; one entry more is refused", "[scenario][limits]") {
  // 10,000 levers without a unit: every one a problem, the did-you-mean hints
  // computed for those kept only, the rest counted.
  std::string text = kExp + "[levers]\n";
  for (std::size_t i = 0; i < limits::kTableEntries; ++i) text += fmt::format("l{} = {{ values = [1] }}\n", i);
  try {
    (void)load_scenario_text(text, "many.toml");
    FAIL("expected problems");
  } catch (const ScenarioError& e) {
    CHECK(e.problems().size() == limits::kProblemsKept);
    CHECK(e.count() >= limits::kTableEntries);  // a unit missing for each
    CHECK(std::string(e.what()).find("... and") != std::string::npos);
  }
  text += "l_extra = { values = [1] }\n";
  const auto ps = problems_of(text, "many.toml");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message == "a table of 10001 entries, more than the 10000 allowed");
}

TEST_CASE("issue 12: a horizon beyond 200 years is refused at horizon.end", "[scenario][limits]") {
  std::string text = kExp;
  text.replace(text.find("end = 2020"), 10, "end = 5015");
  auto ps = problems_of(text, "long.toml");
  const Problem p = the_problem(ps, "horizon.end");
  check_at(p, "long.toml", 7, 7);
  CHECK(p.message.find("at most 200 simulated years") != std::string::npos);
  text.replace(text.find("end = 5015"), 10, "end = 2215");
  ps = problems_of(text, "long.toml");
  for (const Problem& q : ps) CHECK(q.key != "horizon.end");
}

TEST_CASE("issue 12: an extends chain 5,000 deep stops at the depth limit, without recursion", "[scenario][limits]") {
  const Folder f;
  const int n = 5000;
  for (int i = 0; i < n; ++i)
    f.write(fmt::format("c{}.toml", i), fmt::format("[scenario]\nextends = \"c{}.toml\"\n", i + 1));
  f.write(fmt::format("c{}.toml", n), kExp);
  const auto ps = problems_of_file((f.path / "c0.toml").string());
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].key == "scenario.extends");
  CHECK(ps[0].message.find("extends chain longer than 16 files") != std::string::npos);
  check_at(ps[0], (f.path / "c15.toml").string(), 2, 11);
  // 16 files are fine.
  f.write("c15.toml", kExp);
  const Scenario s = load_scenario((f.path / "c0.toml").string());
  CHECK(s.files.size() == 16);
}

TEST_CASE("issue 12: a diamond of extends reads each file once", "[scenario][limits]") {
  // Each level extends the next twice: 2^14 paths to the bottom, 15 files.
  // Read once per path this took hours; read once per file it is instant
  // (the test's time limit guards it).
  const Folder f;
  const int depth = 14;
  for (int i = 0; i < depth; ++i)
    f.write(fmt::format("d{}.toml", i), fmt::format("[scenario]\nextends = [\"d{0}.toml\", \"d{0}.toml\"]\n", i + 1));
  f.write(fmt::format("d{}.toml", depth), kExp);
  const Scenario s = load_scenario((f.path / "d0.toml").string());
  CHECK(s.files.size() == depth + 1);
  CHECK(s.name == "exp");
}

TEST_CASE("issue 12: extends of a device, a FIFO or a directory is refused; nothing is read from it",
          "[scenario][limits]") {
  const Folder f;
  REQUIRE(::mkfifo((f.path / "fifo.toml").c_str(), 0600) == 0);
  fs::create_directories(f.path / "subdir");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/dev/zero", "not a regular file (a character device)"},
      {"/dev/urandom", "not a regular file (a character device)"},
      {"fifo.toml", "not a regular file (a FIFO)"},
      {"subdir", "not a regular file (a directory)"},
      {"", "not a regular file (a directory)"},
      {"missing.toml", "no such file"}};
  for (const auto& [parent, why] : cases) {
    INFO(parent);
    std::string text = kExp;
    text.replace(text.find("model = "), 0, "extends = [\"base.toml\", \"" + parent + "\"]\n");
    f.write("base.toml", "[run]\ndraws = 10\n");
    const auto ps = problems_of(text, "child.toml", f.path.string());
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].message.find("cannot read parent file") != std::string::npos);
    CHECK(ps[0].message.find(": " + why + ";") != std::string::npos);
    check_at(ps[0], "child.toml", 3, 25);
  }
  // The named file itself.
  auto ps = problems_of_file("/dev/zero");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message == "cannot read the scenario file: not a regular file (a character device)");
  ps = problems_of_file((f.path / "fifo.toml").string());
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message == "cannot read the scenario file: not a regular file (a FIFO)");
}

TEST_CASE("issue 12: a NUL in an extends path is refused, not cut", "[scenario][limits]") {
  const Folder f;
  f.write("base.toml", kExp);
  const std::string text = "[scenario]\nextends = \"base.toml\\u0000ignored\"\nname = \"c\"\n";
  const auto ps = problems_of(text, "child.toml", f.path.string());
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("NUL") != std::string::npos);
  check_at(ps[0], "child.toml", 2, 11);
}

TEST_CASE("a scenario file beyond the size limit is refused unread", "[scenario][limits]") {
  const Folder f;
  const std::string big = f.write("big.toml", kExp + "# " + std::string(limits::kScenarioFileBytes, 'x') + "\n");
  const auto ps = problems_of_file(big);
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message.find("more than the 4194304 allowed") != std::string::npos);
  const std::string child = f.write("child.toml", "[scenario]\nextends = \"big.toml\"\nname = \"c\"\n");
  const auto pc = problems_of_file(child);
  REQUIRE(pc.size() == 1);
  check_at(pc[0], child, 2, 11);
}

TEST_CASE("issue 12: a bad value in a parent under a key the child overrides is reported", "[scenario][limits]") {
  const Folder f;
  // The parent's shock has sd < 0 and its draws are negative; the child
  // replaces both, but every value a file writes is checked where it is.
  f.write("parent.toml", kExp + R"(
[parameters.shock]
unit = "rate"
dist = "normal"
mean = 0.0
sd = -1.0

[run]
draws = -5
)");
  const std::string child = f.write("child.toml", R"([scenario]
extends = "parent.toml"
name = "child"

[parameters.shock]
dist = "fixed"
value = 0.0

[run]
draws = 100
)");
  const auto ps = problems_of_file(child);
  INFO(all_text(ps));
  REQUIRE(ps.size() == 2);
  const std::string parent = (f.path / "parent.toml").string();
  check_at(the_problem(ps, "parameters.shock.sd"), parent, 24, 6);
  check_at(the_problem(ps, "run.draws"), parent, 27, 9);
  // Once the parent is right, the child is.
  f.write("parent.toml", kExp + R"(
[parameters.shock]
unit = "rate"
dist = "normal"
mean = 0.0
sd = 1.0

[run]
draws = 5
)");
  CHECK(problems_of_file(child).empty());
}
