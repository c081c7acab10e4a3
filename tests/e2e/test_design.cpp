// End-to-end tests of `innosim design` on the analytic test model.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "e2e_helpers.hpp"

using namespace e2e;

namespace {

// A what-if of sweep.toml with its extra_growth path ([2016, 2018] ->
// [0.005, 0.01]) multiplied by a power of two, written as a scenario file.
fs::path scaled_sweep_scenario(const std::string& name, const std::string& values) {
  const fs::path p = temp_dir() / (name + ".toml");
  std::ofstream(p) << "[scenario]\nname = \"" << name << "\"\nextends = \"" << data("sweep.toml")
                   << "\"\n\n[levers.extra_growth]\nyears = [2016, 2018]\nvalues = " << values << "\n";
  return p;
}

}  // namespace

TEST_CASE("design: its points equal single runs at those lever values, bit for bit", "[e2e][design]") {
  // 700 draws: small points, so with 2 threads they run side by side; with 1, one after another.
  const fs::path d2 = temp_dir() / "design-t2.h5", d1 = temp_dir() / "design-t1.h5";
  const std::string args = "design " + data("sweep.toml") + " --lever extra_growth=0.5:2 --points 3 --spacing log -n 700 -q";
  const Out a = innosim(args + " --threads 2 -o " + d2.string());
  INFO(a.err);
  REQUIRE(a.code == 0);
  REQUIRE(innosim(args + " --threads 1 -o " + d1.string()).code == 0);
  CHECK_FALSE(leftovers(temp_dir(), "design-t2.h5.tmp"));

  // The single runs keep their parameter draws (not kept at the default store level).
  const fs::path half = temp_dir() / "x0.5.h5", one = temp_dir() / "x1.h5", two = temp_dir() / "x2.h5";
  REQUIRE(innosim("run " + scaled_sweep_scenario("x0.5", "[0.0025, 0.005]").string() + " -n 700 -q --store parameters -o " +
                  half.string())
              .code == 0);
  REQUIRE(innosim("run " + data("sweep.toml") + " -n 700 -q --store parameters -o " + one.string()).code == 0);
  REQUIRE(innosim("run " + scaled_sweep_scenario("x2", "[0.01, 0.02]").string() + " -n 700 -q --store parameters -o " +
                  two.string())
              .code == 0);

  const std::string code =
      "import h5py, numpy as np, sys\n"
      "d = h5py.File(\"" + d2.string() + "\", \"r\"); d1 = h5py.File(\"" + d1.string() + "\", \"r\")\n"
      "runs = [h5py.File(p, \"r\") for p in [\"" + half.string() + "\", \"" + one.string() + "\", \"" + two.string() + "\"]]\n"
      "ok = d.attrs[\"file_type\"] == \"innosim-design\" and int(d.attrs[\"points\"]) == 3\n"
      "ok = ok and np.array_equal(d[\"design/scale\"][:, 0], [0.5, 1.0, 2.0])\n"
      "ok = ok and np.array_equal(d[\"design/lever_value\"][:, 0], [0.005, 0.01, 0.02])\n"
      "for v, r in enumerate(runs):\n"
      "    ok = ok and np.array_equal(d[\"points/target_draws\"][v], r[\"targets/draws\"][()], equal_nan=True)\n"
      "    for k in [\"p_met\", \"p_met_se\", \"median\", \"q05\", \"q95\", \"mean\"]:\n"
      "        ok = ok and np.array_equal(d[\"points/\" + k][:, v], r[\"targets/\" + k][()])\n"
      "    ok = ok and d[\"points/p_all_binding\"][v] == r[\"targets/joint\"].attrs[\"p_all_binding\"]\n"
      "    ok = ok and np.array_equal(d[\"parameters/draws\"][()], r[\"parameters/draws\"][()])\n"
      "for name in [\"points/target_draws\", \"points/p_met\", \"points/median\", \"design/scale\", \"parameters/draws\"]:\n"
      "    ok = ok and np.array_equal(d[name][()], d1[name][()], equal_nan=True)\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("design: a Latin hypercube uses each stratum of each lever once", "[e2e][design]") {
  const fs::path h5 = temp_dir() / "design-lhs.h5";
  const Out a = innosim("design " + data("sweep.toml") +
                        " --lever extra_growth=0:4 --method latin_hypercube --points 8 -n 256 -q --format csv -o " +
                        h5.string());
  INFO(a.err);
  REQUIRE(a.code == 0);
  const auto lines = split(a.out, '\n');
  CHECK(lines[0] == "point,extra_growth_factor,extra_growth_value,target,indicator,region,year,p_met,p_met_se,median,"
                    "q05,q95");
  CHECK(lines.size() == 1 + 8 * 2 + 1);  // header, 8 points x 2 targets, final newline
  const std::string code =
      "import h5py, numpy as np, sys\n"
      "d = h5py.File(\"" + h5.string() + "\", \"r\")\n"
      "k = d[\"design/scale\"][:, 0]\n"
      "ok = d.attrs[\"method\"] == \"latin_hypercube\" and sorted(np.floor(k / 4 * 8).astype(int)) == list(range(8))\n"
      "sys.exit(0 if ok else 1)\n";
  CHECK(python(code) == 0);
}

TEST_CASE("design: bad levers and ranges exit 2 with a clear message and write nothing", "[e2e][design][bad-input]") {
  const fs::path h5 = temp_dir() / "design-bad.h5";
  const std::string base = "design " + data("sweep.toml") + " -n 100 -q -o " + h5.string();
  auto run = [&](const std::string& opts) { return innosim(base + " " + opts); };

  Out r = run("--lever extra_grwth=0:2");
  CHECK(r.code == 2);
  CHECK(r.err.find("no lever 'extra_grwth' — did you mean 'extra_growth'?") != std::string::npos);
  r = run("--lever extra_growth=2:1");
  CHECK(r.code == 2);
  CHECK(r.err.find("needs lo < hi") != std::string::npos);
  r = run("--lever extra_growth=1:1");
  CHECK(r.code == 2);
  r = run("--lever extra_growth=1亿:2亿");
  CHECK(r.code == 2);
  CHECK(r.err.find("not yuan") != std::string::npos);
  r = run("--lever extra_growth");
  CHECK(r.code == 2);
  CHECK(r.err.find("LEVER=lo:hi") != std::string::npos);
  r = run("--lever extra_growth=0:x");
  CHECK(r.code == 2);
  CHECK(r.err.find("is not lo:hi") != std::string::npos);
  r = run("--lever extra_growth=0:2 --spacing log");
  CHECK(r.code == 2);
  CHECK(r.err.find("lo > 0") != std::string::npos);
  r = innosim("design " + data("sweep_share.toml") + " -n 100 -q -o " + h5.string() + " --lever enterprise_share=0:1");
  CHECK(r.code == 2);
  CHECK(r.err.find("unit 'share'") != std::string::npos);
  CHECK_FALSE(leftovers(temp_dir(), "design-bad"));
}
