// End-to-end tests of `innosim run --precision`: it draws whole checks of
// 4096 draws until every target's P(met) standard error is below the value
// asked for, stops at the first such check, the same for any thread count,
// and its file equals a plain run of as many draws.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

// The first number after "key": in the JSON target table.
double json_number(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\": ");
  REQUIRE(at != std::string::npos);
  return std::stod(json.substr(at + key.size() + 4));
}

// The JSON table without its "run" object (threads and seconds differ).
std::string results(const std::string& json) { return json.substr(0, json.find("\"run\": ")); }

}  // namespace

TEST_CASE("run --precision: stops at the first check where P(met) is precise enough, for any thread count",
          "[e2e][precision]") {
  // solve.toml: P(output >= 190) is about 0.29, so its standard error falls
  // below 0.004 between 12288 and 16384 draws.
  const fs::path a = temp_dir() / "prec-1.h5", b = temp_dir() / "prec-3.h5";
  const std::string run = "run " + data("solve.toml") + " --precision 0.004 --store parameters --format json ";
  const Out one = innosim(run + "--threads 1 -o " + a.string());
  const Out three = innosim(run + "--threads 3 -o " + b.string());
  INFO(one.err << three.err);
  REQUIRE(one.code == 0);
  REQUIRE(three.code == 0);
  CHECK(results(one.out) == results(three.out));
  const double n = json_number(one.out, "draws");
  CHECK(std::fmod(n, 4096.0) == 0);
  CHECK(json_number(one.out, "p_met_se") < 0.004);
  CHECK(one.err.find("below 0.004 after " + std::to_string(static_cast<long>(n)) + " draws") != std::string::npos);

  // One check earlier it was not precise enough, so it did not stop late.
  const Out earlier = innosim("run " + data("solve.toml") + " -q --format json -n " +
                              std::to_string(static_cast<long>(n) - 4096) + " -o " +
                              (temp_dir() / "prec-earlier.h5").string());
  REQUIRE(earlier.code == 0);
  CHECK(json_number(earlier.out, "p_met_se") >= 0.004);

  // A plain run of as many draws gives the same table and per-draw values.
  const fs::path c = temp_dir() / "prec-plain.h5";
  const Out plain = innosim("run " + data("solve.toml") + " -q --store parameters --format json -n " +
                            std::to_string(static_cast<long>(n)) + " -o " + c.string());
  REQUIRE(plain.code == 0);
  CHECK(results(plain.out) == results(one.out));
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "a = h5py.File(\"" + a.string() + "\", \"r\"); c = h5py.File(\"" + c.string() + "\", \"r\")\n"
      "ok = a[\"targets/draws\"].shape == c[\"targets/draws\"].shape == (1, " + std::to_string(static_cast<long>(n)) + ")\n"
      "ok = ok and a.attrs[\"draws_requested\"] == c.attrs[\"draws_requested\"] and a.attrs[\"precision\"] == 0.004\n"
      "ok = ok and a.attrs[\"draws_cap\"] == 1000000 and \"precision\" not in c.attrs\n"
      "ok = ok and a[\"parameters\"].attrs[\"draws_digest\"] == c[\"parameters\"].attrs[\"draws_digest\"]\n"
      "for name in (\"targets/draws\", \"parameters/draws\", \"draws/valid\", \"summary/mean\", \"summary/quantiles\", \"targets/p_met\"):\n"
      "    ok = ok and np.array_equal(a[name][()], c[name][()], equal_nan=True)\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("run --precision: the cap comes first and says so", "[e2e][precision]") {
  const fs::path h5 = temp_dir() / "prec-cap.h5";
  const Out r = innosim("run " + data("solve.toml") + " --precision 0.001 --max-draws 5000 --format json -o " +
                        h5.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(json_number(r.out, "draws") == 5000);
  CHECK(r.err.find("the cap of 5000 draws came first: P(met) of output has standard error") != std::string::npos);
}

TEST_CASE("run --precision: bad values and combinations exit 2 and write nothing", "[e2e][precision][bad-input]") {
  const fs::path h5 = temp_dir() / "prec-bad.h5";
  const std::string base = "run " + data("solve.toml") + " -q -o " + h5.string() + " ";
  Out r = innosim(base + "--precision 0");
  CHECK(r.code == 2);
  CHECK(r.err.find("expected a standard error of P(met) between 0 and 0.5") != std::string::npos);
  r = innosim(base + "--precision 0.7");
  CHECK(r.code == 2);
  r = innosim(base + "--precision 0.01 -n 1000");
  CHECK(r.code == 2);
  r = innosim(base + "--max-draws 1000");
  CHECK(r.code == 2);
  r = innosim(base + "--precision 0.01 --sampler latin_hypercube");
  CHECK(r.code == 2);
  CHECK(r.err.find("use --sampler sobol or monte_carlo") != std::string::npos);
  // A shard cannot know the whole run's precision; a resumed run could not stop where an uninterrupted one does.
  r = innosim(base + "--precision 0.01 --shard 1/2");
  CHECK(r.code == 2);
  CHECK(r.err.find("--precision with --shard: a shard sees only its own draws") != std::string::npos);
  r = innosim(base + "--precision 0.01 --resume");
  CHECK(r.code == 2);
  CHECK(r.err.find("--precision with --resume: a run with --precision makes no checkpoints") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "prec-bad"));
}

TEST_CASE("run --precision makes no checkpoint, even when slow", "[e2e][precision][checkpoint]") {
  const fs::path h5 = temp_dir() / "prec-nockpt.h5";
  // --checkpoint-every 0.000001: a checkpoint would be due before every block.
  const Out r = innosim("run " + data("solve.toml") + " -q --precision 0.004 --checkpoint-every 0.000001 -o " +
                        h5.string());
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(fs::exists(h5));
  CHECK_FALSE(fs::exists(h5.string() + ".ckpt"));
}
