// The compact tables of the program: compare (several runs), region (one run
// by region), sweep (P(met) against a lever).

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "innosim/outputs/compare_table.hpp"
#include "innosim/outputs/region_table.hpp"
#include "innosim/outputs/sweep_table.hpp"

using namespace innosim;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TargetTable table_for(const Scenario& s, double p0, double p1) {
  TargetTable t;
  for (const Target& tg : s.targets) {
    TargetRow row;
    row.target = tg;
    row.median = tg.value * 1.1;
    t.rows.push_back(row);
  }
  t.rows[0].p_met = p0;
  t.rows[1].p_met = p1;
  return t;
}

RunFile run_file(const Scenario& s, const std::string& name, double p0, double p1) {
  RunFile f;
  f.scenario_name = name;
  f.indicators = s.indicators;
  f.regions = s.regions;
  f.table = table_for(s, p0, p1);
  return f;
}

}  // namespace

TEST_CASE("compare: one row per target of the first run, one aligned column per run", "[tables]") {
  const Scenario s = test::small_scenario();
  std::vector<RunFile> runs = {run_file(s, "plan", 0.25, 0.5), run_file(s, "what-if 甲", 0.75, 1.0)};
  runs[1].table.rows.pop_back();  // the second run lacks the region target
  const auto lines = lines_of(format_compare_table(runs));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].rfind("target", 0) == 0);
  CHECK(lines[1].rfind("* R&D intensity >= 2.00", 0) == 0);
  CHECK(lines[1].find("P= 25.0%  median 2.20") != std::string::npos);
  CHECK(lines[1].find("P= 75.0%  median 2.20") != std::string::npos);
  CHECK(lines[2].rfind("Invention patents per 10k people (s... <= 3.50", 0) == 0);
  CHECK(lines[2].find("—") != std::string::npos);  // absent from the second run
  // Every line is as wide as the header: the name column, then 27 per run.
  for (std::size_t i = 0; i < 3; ++i) CHECK(display_width(lines[i]) == 52 + 2 * 27);
  CHECK(lines[3].rfind("* binding", 0) == 0);
  CHECK(format_compare_table({}).empty());
}

TEST_CASE("region: median and 5–95 % band per region at the last year; names fall back", "[tables]") {
  const Scenario s = test::small_scenario();
  const ResultShape shape = test::small_shape();
  const Summary summary = test::synthetic_summary(shape);
  const std::string text = format_region_table(s, shape, summary);
  INFO(text);
  CHECK(text.find("By region, 2020 (median [5–95 %]):") != std::string::npos);
  CHECK(text.find("  R&D intensity (%)\n") != std::string::npos);
  // series (rd_intensity, yinchuan, 2020) has flat index 5: quantiles 5.05 ... 5.95
  CHECK(text.find("    Yinchuan                                 5.50 [5.05 – 5.95]\n") != std::string::npos);
  // shizuishan has only a Chinese name
  CHECK(text.find("    石嘴山 ") != std::string::npos);
  CHECK(text.find("    zone ") != std::string::npos);
}

TEST_CASE("sweep: text in percent, CSV and JSON exact, one column per factor", "[tables]") {
  const Scenario s = test::small_scenario();
  Lever lever;
  lever.id = "fiscal_rd";
  lever.unit = "yuan";
  lever.name_en = "Fiscal R&D";
  SweepData d;
  d.lever = lever.id;
  d.scale = {0.5, 2};
  d.lever_value = {1e8, 4e8};
  d.tables = {table_for(s, 0.125, 0.5), table_for(s, 0.875, 1.0)};

  const auto text = lines_of(format_sweep_table(s, lever, d, TableFormat::text));
  REQUIRE(text.size() == 6);
  CHECK(text[0] == "P(met) against lever fiscal_rd (Fiscal R&D, yuan), scenario 'synthetic-测试'");
  CHECK(text[1].find("x0.5") != std::string::npos);
  CHECK(text[2].find("million yuan") != std::string::npos);
  CHECK(text[2].find("100") != std::string::npos);
  CHECK(text[3].rfind("* R&D intensity >= 2.00 2020", 0) == 0);
  CHECK(text[3].find("12.5%") != std::string::npos);
  CHECK(text[3].find("87.5%") != std::string::npos);

  const auto csv = lines_of(format_sweep_table(s, lever, d, TableFormat::csv));
  REQUIRE(csv.size() == 3);
  CHECK(csv[0] == "indicator,region,year,kind,sense,target,p_met_x0.5,p_met_x2");
  CHECK(csv[1] == "rd_intensity,zone,2020,binding,at_least,2,0.125,0.875");
  CHECK(csv[2] == "patents_per_10k,shizuishan,2018,expected,at_most,3.5,0.5,1");

  const std::string json = format_sweep_table(s, lever, d, TableFormat::json);
  CHECK(json.find("\"scenario\": \"synthetic-测试\"") != std::string::npos);
  CHECK(json.find("\"scale\": [0.5, 2]") != std::string::npos);
  CHECK(json.find("\"lever_value\": [100000000, 400000000]") != std::string::npos);
  CHECK(json.find("\"p_met\": [0.125, 0.875]") != std::string::npos);
}
