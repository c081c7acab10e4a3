// The target table in text, CSV and JSON.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "innosim/outputs/table.hpp"

using namespace innosim;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TargetRow make_row(const Target& t, const std::string& unit, double median, double q05,
                   double q95, double p, std::size_t n, const std::string& verdict) {
  TargetRow r;
  r.target = t;
  r.indicator_unit = unit;
  r.median = median;
  r.q05 = q05;
  r.q95 = q95;
  r.mean = median;
  r.p_met = p;
  r.p_met_se = std::isnan(p) ? kNaN : std::sqrt(p * (1 - p) / static_cast<double>(n));
  r.draws = n;
  r.verdict = verdict;
  return r;
}

struct Fixture {
  TargetTable table;
  TableContext ctx;
  Fixture() {
    const Scenario s = test::small_scenario();
    ctx.scenario_name = s.name;
    ctx.regions = s.regions;
    ctx.indicators = s.indicators;
    // An indicator known only by its Chinese name, counted in units.
    ctx.indicators.push_back({"high_tech_firms", "", "高新技术企业数", "count"});
    ctx.info.seed = 20160101;
    ctx.info.sampler = "sobol";
    ctx.info.draws_requested = 10000;
    ctx.info.draws_valid = 9998;
    ctx.info.draws_dropped = 2;
    ctx.info.dropped_draws = {17, 4242};
    ctx.info.threads = 4;
    ctx.info.seconds = 3.2;

    Target firms;
    firms.indicator = "high_tech_firms";
    firms.region = "yinchuan";
    firms.year = 2020;
    firms.value = 150;
    firms.binding = true;
    firms.note = "a, b";
    table.rows = {
        make_row(s.targets[0], "%", 2.1437, 1.9012, 2.4021, 0.8123, 9998, "on track"),
        make_row(s.targets[1], "per 10k people", 3.4567, 3.05, 3.95, 0.5523, 9998, "at risk"),
        make_row(firms, "count", 131.6, 98.2, 170.4, 0.21, 9998, "off track"),
    };
    table.joint.num_binding = 2;
    table.joint.p_all_binding = 0.1834;
    table.joint.p_all = 0.0921;
    table.joint.met_count_hist = {1000, 4000, 4077, 921};
  }
};

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Display columns before the first occurrence of `needle` in `line`.
std::size_t column_of(const std::string& line, const std::string& needle) {
  const auto pos = line.find(needle);
  REQUIRE(pos != std::string::npos);
  return display_width(line.substr(0, pos));
}

// A small RFC 4180 reader (quoted fields, doubled quotes, commas in quotes).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, in_quotes = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      in_quotes = quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      quoted = false;
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || quoted) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("display_width counts CJK as two columns", "[table]") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("银川") == 4);
  CHECK(display_width("5–95 %") == 6);
  CHECK(display_width("≥ 2.00") == 6);
  CHECK(display_width("\x1b[31mred\x1b[0m") == 3);
  CHECK(display_width("e\xcc\x81") == 1);            // e + combining acute
  CHECK(display_width("ＡＢ") == 4);                 // fullwidth Latin
  CHECK(display_width("* binding (约束性)") == 18);
}

TEST_CASE("text table: aligned rows, units, binding marks, joint view, footer", "[table]") {
  Fixture fx;
  const std::string text = format_target_table(fx.table, fx.ctx, TableFormat::text);
  INFO(text);
  const auto lines = lines_of(text);

  // Header, separator and the three rows.
  std::vector<std::string> table_lines;
  for (const auto& l : lines) {
    if (l.find("Indicator") != std::string::npos || l.find("2020") != std::string::npos ||
        l.find("2018") != std::string::npos) {
      table_lines.push_back(l);
    }
  }
  REQUIRE(table_lines.size() == 4);
  const std::size_t width = display_width(table_lines[0]);
  for (const auto& l : table_lines) CHECK(display_width(l) == width);

  // Columns line up even though one name is Chinese.
  const std::string& zone = table_lines[1];
  const std::string& region = table_lines[2];
  const std::string& firms = table_lines[3];
  CHECK(zone.rfind("* R&D intensity", 0) == 0);
  CHECK(region.find("Invention patents per 10k people (石嘴山)") != std::string::npos);
  CHECK(firms.find("* 高新技术企业数 (Yinchuan)") != std::string::npos);
  CHECK(column_of(zone, "2020") == column_of(region, "2018"));
  CHECK(column_of(zone, "2020") == column_of(firms, "2020"));
  CHECK(column_of(zone, "on track") == column_of(firms, "off track"));

  // Numbers by unit: percent with 2 decimals, per 10k with 2, counts whole.
  CHECK(zone.find("2.14") != std::string::npos);
  CHECK(zone.find("1.90 – 2.40") != std::string::npos);
  CHECK(zone.find("≥ 2.00") != std::string::npos);
  CHECK(zone.find("81.2% ± 0.4%") != std::string::npos);
  CHECK(region.find("≤ 3.50") != std::string::npos);
  CHECK(region.find("3.05 – 3.95") != std::string::npos);
  CHECK(firms.find("132") != std::string::npos);
  CHECK(firms.find("98.2 – 170") != std::string::npos);
  CHECK(firms.find("≥ 150") != std::string::npos);

  CHECK(text.find("* binding (约束性)") != std::string::npos);
  CHECK(text.find("P(all binding met): 18.3%") != std::string::npos);
  CHECK(text.find("P(all met): 9.2%") != std::string::npos);
  CHECK(text.find("0:10.0% 1:40.0% 2:40.8% 3:9.2%") != std::string::npos);
  CHECK(text.find("draws: 10000 (9998 valid, 2 dropped) · seed 20160101 · sampler sobol") !=
        std::string::npos);
  CHECK(text.find("dropped draws: 17 4242") != std::string::npos);
  CHECK(text.find("synthetic-测试") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}

TEST_CASE("text table colours verdicts only when asked", "[table]") {
  Fixture fx;
  fx.ctx.color = true;
  const std::string text = format_target_table(fx.table, fx.ctx, TableFormat::text);
  CHECK(text.find("\x1b[32mon track") != std::string::npos);
  CHECK(text.find("\x1b[33mat risk") != std::string::npos);
  CHECK(text.find("\x1b[31moff track") != std::string::npos);
  // Colour codes take no columns: rows still align.
  const auto lines = lines_of(text);
  std::vector<std::size_t> widths;
  for (const auto& l : lines) {
    if (l.find("\x1b[") != std::string::npos) widths.push_back(display_width(l));
  }
  REQUIRE(widths.size() == 3);
  CHECK(widths[0] == widths[1]);
  CHECK(widths[1] == widths[2]);
}

TEST_CASE("CSV: header plus one row per target, exact numbers, RFC 4180 quoting", "[table]") {
  Fixture fx;
  fx.table.rows[1].median = kNaN;
  const std::string csv = format_target_table(fx.table, fx.ctx, TableFormat::csv);
  INFO(csv);
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 4);
  const auto& header = rows[0];
  for (const auto& r : rows) REQUIRE(r.size() == header.size());
  auto col = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    FAIL("no column " << name);
    return std::size_t{0};
  };
  CHECK(rows[1][col("indicator")] == "rd_intensity");
  CHECK(rows[1][col("region")] == "zone");
  CHECK(rows[1][col("kind")] == "binding");
  CHECK(rows[2][col("sense")] == "at_most");
  CHECK(std::stod(rows[1][col("p_met")]) == fx.table.rows[0].p_met);
  CHECK(std::stod(rows[1][col("p_met_se")]) == fx.table.rows[0].p_met_se);
  CHECK(std::stod(rows[3][col("q05")]) == 98.2);
  CHECK(rows[2][col("median")].empty());  // NaN
  CHECK(rows[1][col("note")] == "plan §3, \"key\" target");
  CHECK(rows[3][col("note")] == "a, b");
  CHECK(rows[3][col("indicator_name_en")] == "高新技术企业数");
  CHECK(csv.find("\"plan §3, \"\"key\"\" target\"") != std::string::npos);
}

TEST_CASE("JSON is valid, complete, NaN as null", "[table]") {
  Fixture fx;
  fx.table.rows[2].median = kNaN;
  fx.ctx.scenario_name = "tab\there \"quoted\" \\ 中文";
  const std::string json = format_target_table(fx.table, fx.ctx, TableFormat::json);
  INFO(json);
  CHECK(json.find("NaN") == std::string::npos);
  CHECK(json.find("\"median\": null") != std::string::npos);

  const std::string py = INNOSIM_PYTHON;
  if (!std::filesystem::exists(py)) {
    WARN("skipped the JSON parse: " << py << " is not available");
    return;
  }
  test::TempDir dir;
  const std::string path = dir.file("table.json");
  std::ofstream(path) << json;
  const std::string script =
      "import json, sys\n"
      "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
      "assert d['scenario'] == 'tab\\there \"quoted\" \\\\ 中文', d['scenario']\n"
      "t = d['targets']\n"
      "assert len(t) == 3\n"
      "assert t[0]['p_met'] == 0.8123 and t[0]['kind'] == 'binding'\n"
      "assert t[1]['sense'] == 'at_most' and t[1]['region_name_zh'] == '石嘴山'\n"
      "assert t[2]['median'] is None and t[2]['draws'] == 9998\n"
      "assert d['joint']['met_count_hist'] == [1000, 4000, 4077, 921]\n"
      "assert d['joint']['num_binding'] == 2 and d['joint']['p_all'] == 0.0921\n"
      "assert d['run']['seed'] == 20160101 and d['run']['dropped_draws'] == [17, 4242]\n";
  const std::string script_path = dir.file("check.py");
  std::ofstream(script_path) << script;
  const std::string out = dir.file("out.txt");
  const int rc = std::system(
      (py + " '" + script_path + "' '" + path + "' > '" + out + "' 2>&1").c_str());
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  INFO(ss.str());
  CHECK(rc == 0);
}

TEST_CASE("empty table formats in all three formats", "[table]") {
  TargetTable table;
  table.joint.met_count_hist = {0};
  TableContext ctx;
  ctx.scenario_name = "empty";
  CHECK(format_target_table(table, ctx, TableFormat::text).find("Indicator") != std::string::npos);
  CHECK(lines_of(format_target_table(table, ctx, TableFormat::csv)).size() == 1);
  CHECK(format_target_table(table, ctx, TableFormat::json).find("\"targets\": []") !=
        std::string::npos);
}

TEST_CASE("text table: long indicator names are cut to fit a terminal, CSV keeps them", "[table]") {
  Fixture f;
  const std::string long_en =
      "High-tech industry value added / above-scale industrial value added";  // 67 columns
  const std::string long_zh = "高技术产业增加值占规模以上工业增加值比重高技术产业增加值占规模以上工业增加值比重";
  f.ctx.indicators.push_back({"hva", long_en, "", "%"});
  f.ctx.indicators.push_back({"hva_zh", "", long_zh, "%"});
  Target a = f.table.rows[0].target;
  a.indicator = "hva";
  Target b = a;
  b.indicator = "hva_zh";
  f.table.rows.push_back(make_row(a, "%", 14.4, 7.6, 27.4, 0.457, 9998, "off track"));
  f.table.rows.push_back(make_row(b, "%", 14.4, 7.6, 27.4, 0.457, 9998, "off track"));
  const std::string text = format_target_table(f.table, f.ctx, TableFormat::text);
  const std::string cut_en = "High-tech industry value added / above-scale ...";
  CHECK(text.find(cut_en) != std::string::npos);
  CHECK(display_width(cut_en) == 48);
  CHECK(text.find(long_en) == std::string::npos);
  // The Chinese name is cut at a character boundary, within 48 columns.
  for (const auto& line : lines_of(text)) {
    const auto pos = line.find("高技术");
    if (pos == std::string::npos) continue;
    const auto end = line.find("...", pos);
    REQUIRE(end != std::string::npos);
    const std::string shown = line.substr(pos, end + 3 - pos);
    CHECK(display_width(shown) <= 48);
    CHECK(long_zh.rfind(shown.substr(0, shown.size() - 3), 0) == 0);
  }
  const std::string csv = format_target_table(f.table, f.ctx, TableFormat::csv);
  CHECK(csv.find(long_en) != std::string::npos);
}
