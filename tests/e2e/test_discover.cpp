// End-to-end tests of `innosim discover` (PRIM scenario discovery) on run and
// design files of the analytic test model (tests/data/e2e/solve.toml: the
// target is met when the growth rate and the extra_growth lever are high).
#include <catch2/catch.hpp>

#include <string>

#include "e2e_helpers.hpp"

using namespace e2e;

TEST_CASE("discover: on a run file, the box restricts the growth rate from below", "[e2e][discover]") {
  const fs::path run = temp_dir() / "discover-run.h5", out = temp_dir() / "discover-run-box.h5";
  REQUIRE(innosim("run " + data("solve.toml") + " -n 2000 --store parameters -q -o " + run.string()).code == 0);
  const Out d = innosim("discover " + run.string() + " --target output -q -o " + out.string());
  INFO(d.err << d.out);
  REQUIRE(d.code == 0);
  CHECK(d.out.find("case of interest = target 'output' met") != std::string::npos);
  CHECK(d.out.find("growth") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "discover-run-box.h5.tmp"));
  // The fixed parameters are no inputs; the only restriction is growth >= lo with a tiny quasi-p;
  // coverage falls and density rises along the trajectory's start.
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "f = h5py.File(\"" + out.string() + "\", \"r\")\n"
      "ok = f.attrs[\"file_type\"] == \"innosim-discovery\" and f.attrs[\"case\"] == \"met\"\n"
      "ok = ok and list(f[\"inputs/name\"].asstr()[()]) == [\"growth\"]\n"
      "b = f[\"box\"]; ok = ok and list(b[\"input\"].asstr()[()]) == [\"growth\"]\n"
      "ok = ok and b[\"lower\"][0] == 1 and b[\"upper\"][0] == 0 and b[\"quasi_p\"][0] < 1e-6\n"
      "t = f[\"trajectory\"]; i = int(b.attrs[\"index\"])\n"
      "ok = ok and t[\"mass\"][0] == 1 and t[\"density\"][i] > 2 * t[\"density\"][0] and t[\"coverage\"][i] >= 0.5\n"
      "ok = ok and np.all(np.diff(t[\"mass\"][()]) < 0)\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("discover: on a design file, the lever's factor is an input and is restricted", "[e2e][discover]") {
  const fs::path design = temp_dir() / "discover-design.h5";
  REQUIRE(innosim("design " + data("solve.toml") + " --lever extra_growth=0:8 --points 5 -n 1000 -q -o " +
                  design.string())
              .code == 0);
  const Out d = innosim("discover " + design.string() + " --target output --format json -q -o " +
                        (temp_dir() / "discover-design-box.h5").string());
  INFO(d.err << d.out);
  REQUIRE(d.code == 0);
  CHECK(d.out.find("\"points\": 5000") != std::string::npos);
  CHECK(d.out.find("{\"input\": \"extra_growth\", \"kind\": \"lever\"") != std::string::npos);
  // The parameter is an input next to the lever, and the peeling restricts it too (the chosen box, the
  // densest of the widest coverage, may already be pure from the lever alone).
  const std::string code =
      "import h5py, sys\n"
      "f = h5py.File(\"" + (temp_dir() / "discover-design-box.h5").string() + "\")\n"
      "pairs = list(zip(f[\"inputs/name\"].asstr()[()], f[\"inputs/kind\"].asstr()[()]))\n"
      "ok = (\"growth\", \"parameter\") in pairs and (\"extra_growth\", \"lever\") in pairs\n"
      "ok = ok and max(f[\"trajectory/restricted\"][()]) >= 2\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
  const Out missed = innosim("discover " + design.string() + " --target output --case missed --format csv -q -o " +
                             (temp_dir() / "discover-missed.h5").string());
  REQUIRE(missed.code == 0);
  CHECK(missed.out.rfind("input,kind,data_lo,data_hi,box_lo,box_hi,lower,upper,kept,quasi_p\n", 0) == 0);
  CHECK(missed.out.find("extra_growth,lever,0,8,0,") != std::string::npos);  // missed: the lever low
}

TEST_CASE("discover: bad input exits 2 with a clear message", "[e2e][discover]") {
  const fs::path run = temp_dir() / "discover-bad.h5";
  REQUIRE(innosim("run " + data("solve.toml") + " -n 300 --store parameters -q -o " + run.string()).code == 0);
  const Out target = innosim("discover " + run.string() + " --target outpt -q");
  CHECK(target.code == 2);
  CHECK(target.err.find("no target 'outpt' — did you mean 'output'?") != std::string::npos);
  const Out alpha = innosim("discover " + run.string() + " --target output --alpha 0.7 -q");
  CHECK(alpha.code == 2);
  CHECK(alpha.err.find("--alpha 0.7: expected a share of the box strictly between 0 and 0.5") != std::string::npos);
  // A run file without per-draw parameter values (the default store level) says how to get them.
  const fs::path lean = temp_dir() / "discover-lean.h5";
  REQUIRE(innosim("run " + data("solve.toml") + " -n 300 -q -o " + lean.string()).code == 0);
  const Out store = innosim("discover " + lean.string() + " --target output -q");
  CHECK(store.code == 2);
  CHECK(store.err.find("run it again with --store parameters") != std::string::npos);
  const Out kind = innosim("discover " + data("solve.toml") + " --target output -q");
  CHECK(kind.code == 2);
  CHECK_FALSE(leftovers(temp_dir(), "discover-bad-discover"));
}
