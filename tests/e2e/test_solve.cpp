// End-to-end tests of `innosim solve` and of `innosim compare`'s differences
// on the analytic test model.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

// The value of "key": in a one-level JSON object (numbers only).
double json_value(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\": ");
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + key.size() + 4));
}

}  // namespace

TEST_CASE("solve: recovers the lever factor known in closed form", "[e2e][solve]") {
  const fs::path h5 = temp_dir() / "solve.h5";
  const Out s = innosim("solve " + data("solve.toml") +
                        " --target output --probability 0.8 --lever extra_growth --range 0:10 --format json -q -o " +
                        h5.string());
  INFO(s.err << s.out);
  REQUIRE(s.code == 0);
  // P(output >= 190) = 0.8 at k = (ln(190/150) - 0.15 + z_0.8 sqrt(0.0045)) / 0.05 (solve.toml).
  const double z80 = 0.8416212335729143;
  const double exact = (std::log(190.0 / 150.0) - 0.15 + z80 * std::sqrt(0.0045)) / 0.05;
  const double k = json_value(s.out, "scale"), lo = json_value(s.out, "scale_lo"), hi = json_value(s.out, "scale_hi");
  CAPTURE(exact, k, lo, hi);
  CHECK(lo <= k);
  CHECK(k <= hi);
  CHECK(hi - lo < 0.2);                                      // a tight answer at 4000 draws
  CHECK(std::fabs(k - exact) < 2 * std::max(hi - lo, 0.02));  // within its Monte Carlo uncertainty
  CHECK(s.out.find("\"reachable\": true") != std::string::npos);
  const std::string code =
      "import h5py, sys\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "a = f[\"answer\"].attrs; c = f[\"curve\"]\n"
      "ok = f.attrs[\"file_type\"] == \"innosim-solve\" and a[\"reachable\"] == 1 and abs(a[\"scale\"] - " +
      std::to_string(k) + ") < 1e-5\n"
      "ok = ok and len(c[\"scale\"]) >= 9 and all(c[\"scale\"][i] < c[\"scale\"][i + 1] for i in range(len(c[\"scale\"]) - 1))\n"
      "ok = ok and f[\"target\"].attrs[\"id\"] == \"output\" and f[\"levers/id\"].asstr()[0] == \"extra_growth\"\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("solve: a probability out of reach says so with the best value found", "[e2e][solve]") {
  const Out s = innosim("solve " + data("solve.toml") + " --target output --probability 0.99 --lever extra_growth "
                        "--range 0:1 -n 512 -q -o " + (temp_dir() / "solve-unreachable.h5").string());
  INFO(s.err);
  REQUIRE(s.code == 0);
  CHECK(s.out.find("not reachable within [0, 1]: the best value found is P(met) =") != std::string::npos);
  CHECK(s.out.find("at k = 1") != std::string::npos);
}

TEST_CASE("solve: bad options exit 2 with a clear message and write nothing", "[e2e][solve][bad-input]") {
  const fs::path h5 = temp_dir() / "solve-bad.h5";
  const std::string base = "solve " + data("solve.toml") + " -n 100 -q -o " + h5.string() + " ";
  Out r = innosim(base + "--target outptu --probability 0.5 --lever extra_growth");
  CHECK(r.code == 2);
  CHECK(r.err.find("no target 'outptu' — did you mean 'output'?") != std::string::npos);
  r = innosim(base + "--target output --probability 0 --lever extra_growth");
  CHECK(r.code == 2);
  CHECK(r.err.find("strictly between 0 and 1") != std::string::npos);
  r = innosim(base + "--target output --probability 1.5 --lever extra_growth");
  CHECK(r.code == 2);
  r = innosim(base + "--target output --probability 0.5 --lever extra_grwth");
  CHECK(r.code == 2);
  CHECK(r.err.find("did you mean 'extra_growth'") != std::string::npos);
  r = innosim(base + "--target output --probability 0.5 --lever extra_growth --range 3:1");
  CHECK(r.code == 2);
  CHECK(r.err.find("needs lo < hi") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "solve-bad"));
}

TEST_CASE("compare: a run with itself differs by exactly zero, paired", "[e2e][compare]") {
  const fs::path a = temp_dir() / "self.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 300 -q -o " + a.string()).code == 0);
  const Out c = innosim("compare " + a.string() + " " + a.string());
  INFO(c.out << c.err);
  REQUIRE(c.code == 0);
  CHECK(c.out.find("paired (same seed 11, 300 draws, sobol sampler") != std::string::npos);
  CHECK(c.out.find("+0.0 ± 0.0 pts") != std::string::npos);
  CHECK(c.out.find("+0.00 ± 0.00") != std::string::npos);
  CHECK(c.out.find("± is 1 standard error") != std::string::npos);
}

TEST_CASE("compare: runs sharing draws are paired, others unpaired with the reason", "[e2e][compare]") {
  const fs::path a = temp_dir() / "pair-a.h5", b = temp_dir() / "pair-b.h5", c = temp_dir() / "pair-c.h5";
  REQUIRE(innosim("run " + data("exp.toml") + " -n 512 -q -o " + a.string()).code == 0);
  REQUIRE(innosim("run " + data("sweep.toml") + " -n 512 -q -o " + b.string()).code == 0);
  REQUIRE(innosim("run " + data("sweep.toml") + " -n 512 --seed 12 -q -o " + c.string()).code == 0);
  const Out out = innosim("compare " + a.string() + " " + b.string() + " " + c.string());
  INFO(out.out << out.err);
  REQUIRE(out.code == 0);
  CHECK(out.out.find("sweep-e2e minus exp-e2e: paired") != std::string::npos);
  CHECK(out.out.find("sweep-e2e minus exp-e2e: unpaired (seeds differ: 11 and 12)") != std::string::npos);
}

TEST_CASE("solve --cost: the cheapest mix of two levers is the one known in closed form", "[e2e][solve][mix]") {
  // mix.toml: a1 = 65 x 0.01 = 0.65 per unit of k1, a2 = 10 x 0.1 = 1 per unit
  // of k2; at p = 0.8 the cheapest mix is k2 = 10 (2 a1 / a2 - 1) = 3,
  // k1 = (C - ln 1.3) / 0.05, cheaper than either lever alone.
  const fs::path h5 = temp_dir() / "mix.h5";
  const Out s = innosim("solve " + data("mix.toml") +
                        " --target output --probability 0.8 --lever extra_growth --lever initial_boost"
                        " --cost extra_growth=65 --cost initial_boost=10 --format json -q -o " + h5.string());
  INFO(s.err << s.out);
  REQUIRE(s.code == 0);
  const double z80 = 0.8416212335729143;
  const double C = std::log(250.0 / 150.0) - 0.15 + z80 * std::sqrt(0.0045);
  const double k2 = 3, k1 = (C - std::log(1.3)) / 0.05;
  const double exact = 0.65 * k1 + k2;
  const double alone = std::min(0.65 * C / 0.05, 10 * (std::exp(C) - 1));  // the better single lever
  const double cost = json_value(s.out, "cost"), lo = json_value(s.out, "cost_lo"), hi = json_value(s.out, "cost_hi");
  CAPTURE(exact, alone, cost, lo, hi);
  CHECK(s.out.find("\"reachable\": true") != std::string::npos);
  CHECK(lo <= cost);
  CHECK(cost <= hi);
  CHECK(std::fabs(cost - exact) < std::max(2 * (hi - lo), 0.05));
  CHECK(cost < alone - 0.05);
  const std::string code =
      "import h5py, sys\n"
      "f = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "m = f[\"mix\"]; k = m[\"factor\"][()]\n"
      "ok = f.attrs[\"file_type\"] == \"innosim-solve\" and m.attrs[\"reachable\"] == 1\n"
      "ok = ok and abs(0.65 * k[0] + k[1] - m.attrs[\"cost\"]) < 1e-9 and 1.5 < k[1] < 4.5\n"
      "ok = ok and m[\"tried_shares\"].shape[1] == 2 and len(m[\"tried_extra_cost\"]) >= 3\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("solve --cost: bad or missing costs exit 2 with a clear message", "[e2e][solve][mix][bad-input]") {
  const fs::path h5 = temp_dir() / "mix-bad.h5";
  const std::string base = "solve " + data("mix.toml") + " -n 100 -q -o " + h5.string() +
                           " --target output --probability 0.5 --lever extra_growth ";
  Out r = innosim(base + "--cost extra_growth=1");
  CHECK(r.code == 2);
  CHECK(r.err.find("the cheapest mix needs several --lever") != std::string::npos);
  r = innosim(base + "--lever initial_boost --cost extra_growth=1");
  CHECK(r.code == 2);
  CHECK(r.err.find("lever 'initial_boost' has no cost") != std::string::npos);
  r = innosim(base + "--lever initial_boost --cost extra_growth=1 --cost initial_bost=2");
  CHECK(r.code == 2);
  CHECK(r.err.find("'initial_bost' is not one of the --lever options") != std::string::npos);
  r = innosim(base + "--lever initial_boost --cost extra_growth=0 --cost initial_boost=2");
  CHECK(r.code == 2);
  CHECK(r.err.find("a cost c > 0") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "mix-bad"));
}
