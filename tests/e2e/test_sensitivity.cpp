// End-to-end tests of `innosim sensitivity` on the analytic test functions
// (tests/data/analysis): the command's table and file against the known
// indices, and its refusals of bad options.
#include <catch2/catch.hpp>

#include <string>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

std::string analysis_data(const std::string& name) { return std::string(INNOSIM_TEST_DATA) + "/analysis/" + name; }

}  // namespace

TEST_CASE("sensitivity: the Ishigami function's indices from the command and its file", "[e2e][sensitivity]") {
  const fs::path h5 = temp_dir() / "ishigami-sens.h5";
  const Out s = innosim("sensitivity " + analysis_data("ishigami.toml") + " -N 2048 --threads 2 -q -o " + h5.string());
  INFO(s.err << s.out);
  REQUIRE(s.code == 0);
  CHECK_FALSE(leftovers(temp_dir(), "ishigami-sens.h5.tmp"));
  // The text table ranks x1 (ST 0.56) before x2 (0.44) before x3 (0.24) before the dummy x4.
  const auto x1 = s.out.find("  1  x1"), x2 = s.out.find("  2  x2"), x3 = s.out.find("  3  x3"),
             x4 = s.out.find("  4  x4");
  CHECK(x1 != std::string::npos);
  CHECK(x2 != std::string::npos);
  CHECK(x3 != std::string::npos);
  CHECK(x4 != std::string::npos);
  CHECK(s.out.find("yearly noise") != std::string::npos);
  // Analytic values (ishigami.toml): S = 0.3139, 0.4424, 0, 0; ST = 0.5576, 0.4424, 0.2437, 0.
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "ok = f.attrs[\"file_type\"] == \"innosim-sensitivity\"\n"
      "names = list(f[\"factors/name\"].asstr()[()]); ok = ok and names == [\"x1\", \"x2\", \"x3\", \"x4\"]\n"
      "kind = list(f[\"outputs/kind\"].asstr()[()]); year = list(f[\"outputs/year\"][()])\n"
      "o = [i for i in range(len(kind)) if kind[i] == \"value\" and year[i] == 2020][0]\n"
      "s = f[\"sobol\"]\n"
      "S = [0.3139, 0.4424, 0.0, 0.0]; ST = [0.5576, 0.4424, 0.2437, 0.0]\n"
      "for g in range(4):\n"
      "    ok = ok and s[\"first_lo\"][o, g] <= S[g] <= s[\"first_hi\"][o, g]\n"
      "    ok = ok and s[\"total_lo\"][o, g] <= ST[g] <= s[\"total_hi\"][o, g]\n"
      "ok = ok and s[\"total\"][o, 3] == 0 and s[\"first\"][o, 3] == 0\n"
      "ok = ok and s[\"design/ab\"].shape == (2048, 8) and int(s.attrs[\"rows\"]) == 2048 * 7\n"
      "m = f[\"morris\"]; ok = ok and m[\"mu_star\"].shape == (len(kind), 4) and m[\"mu_star\"][o, 3] == 0\n"
      "ok = ok and kind.count(\"met\") == 1\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("sensitivity: CSV has every report year and the met event; JSON names the factors", "[e2e][sensitivity]") {
  // The three runs write the same file: --force replaces it.
  const std::string args = "sensitivity " + analysis_data("sobol_g.toml") + " -N 256 --trajectories 10 -q --force -o " +
                           (temp_dir() / "g-sens.h5").string();
  const Out csv = innosim(args + " --format csv");
  INFO(csv.err);
  REQUIRE(csv.code == 0);
  CHECK(csv.out.rfind("target,output,year,factor,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi,mu_star,", 0) == 0);
  CHECK(csv.out.find(",met,") != std::string::npos);
  CHECK(csv.out.find(",value,") != std::string::npos);
  CHECK(csv.out.find(",yearly noise,") != std::string::npos);
  const Out json = innosim(args + " --format json --method morris");
  INFO(json.err);
  REQUIRE(json.code == 0);
  CHECK(json.out.find("\"sobol\": null") != std::string::npos);
  CHECK(json.out.find("\"mu_star\": [") != std::string::npos);
}

TEST_CASE("sensitivity: bad options exit 2 with a clear message", "[e2e][sensitivity]") {
  const std::string base = "sensitivity " + analysis_data("ishigami.toml") + " -q -o " +
                           (temp_dir() / "bad-sens.h5").string();
  const Out target = innosim(base + " --target yy");
  CHECK(target.code == 2);
  // One-letter ids are too short for a suggestion; the known targets are listed.
  CHECK(target.err.find("no target 'yy' (targets: y)") != std::string::npos);
  const Out confidence = innosim(base + " --confidence 1.5");
  CHECK(confidence.code == 2);
  CHECK(confidence.err.find("--confidence 1.5: expected a level strictly between 0 and 1") != std::string::npos);
  const Out levels = innosim(base + " --levels 3");
  CHECK(levels.code == 2);
  CHECK(levels.err.find("--levels 3: expected an even number") != std::string::npos);
  const Out method = innosim(base + " --method saltelli");
  CHECK(method.code == 2);
  CHECK_FALSE(leftovers(temp_dir(), "bad-sens.h5"));
}
