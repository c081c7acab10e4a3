// The shipped scenarios run end to end, and each what-if moves the
// indicators it targets in the direction the economics says (same seed and
// draws, so the comparison is on common random numbers).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

struct Row {
  double median = 0, p_met = 0;
};

// indicator (zone targets only) -> row of the CSV target table.
std::map<std::string, Row> run(const std::string& scenario, int& code) {
  const std::string h5 = (std::filesystem::temp_directory_path() /
                          ("innosim-e2e-" + std::to_string(::getpid()) + "-" + scenario + ".h5"))
                             .string();
  const std::string cmd = std::string(INNOSIM_BINARY) + " run " + INNOSIM_SOURCE_DIR + "/scenarios/" + scenario +
                          " -n 1024 --seed 5 --quiet --format csv -o " + h5;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string text;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p.get())) text += buf;
  const int rc = pclose(p.release());
  code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  std::remove(h5.c_str());
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto header = split_csv(line);
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  std::map<std::string, Row> rows;
  while (std::getline(in, line)) {
    const auto f = split_csv(line);
    if (f.size() != header.size() || f[col["region"]] != "zone") continue;
    rows[f[col["indicator"]]] = {std::stod(f[col["median"]]), std::stod(f[col["p_met"]])};
  }
  return rows;
}

}  // namespace

TEST_CASE("shipped scenarios run and what-ifs move indicators the right way", "[e2e][scenarios]") {
  int code = 0;
  const auto plan = run("plan-2016-2020.toml", code);
  REQUIRE(code == 0);
  REQUIRE(plan.size() >= 19);  // the 11 headline targets and the covered further ones

  const auto base = run("baseline.toml", code);
  REQUIRE(code == 0);
  CHECK(plan.at("rd_intensity").median > base.at("rd_intensity").median);
  CHECK(plan.at("little_giants").median > base.at("little_giants").median);

  const auto dbl = run("whatif-double-fiscal-rd.toml", code);
  REQUIRE(code == 0);
  CHECK(dbl.at("rd_intensity").median > plan.at("rd_intensity").median);
  CHECK(dbl.at("rd_intensity").p_met >= plan.at("rd_intensity").p_met);
  CHECK(dbl.at("platforms").median >= plan.at("platforms").median);

  const auto inc = run("whatif-incubators-and-maker-spaces.toml", code);
  REQUIRE(code == 0);
  CHECK(inc.at("incubators").median > plan.at("incubators").median);
  CHECK(inc.at("maker_spaces").median > plan.at("maker_spaces").median);
  CHECK(inc.at("platforms").median < plan.at("platforms").median);

  const auto ent = run("whatif-all-to-enterprise-subsidies.toml", code);
  REQUIRE(code == 0);
  CHECK(ent.at("platforms").median < plan.at("platforms").median);
  CHECK(ent.at("incubators").median <= plan.at("incubators").median);
  CHECK(ent.at("innovation_teams").median < plan.at("innovation_teams").median);

  const auto split = run("whatif-different-split.toml", code);
  REQUIRE(code == 0);
  // Same money in total: the zone's R&D intensity moves only a little.
  CHECK(split.at("rd_intensity").median == Approx(plan.at("rd_intensity").median).epsilon(0.05));
}
