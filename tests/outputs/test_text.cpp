// The text helpers every table shares: widths, padding, truncation, quoting, numbers.

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "innosim/outputs/text.hpp"

using namespace innosim;

TEST_CASE("pad fills to a display width, CJK counting two columns", "[text]") {
  CHECK(pad("ab", 5) == "ab   ");
  CHECK(pad("ab", 5, Align::right) == "   ab");
  CHECK(pad("银川", 6) == "银川  ");  // 4 columns + 2 spaces
  CHECK(pad("≥ 2.5", 6, Align::right) == " ≥ 2.5");
  CHECK(pad("longer than", 4) == "longer than");
  CHECK(display_width(pad("石嘴山 (shizuishan)", 30)) == 30);
}

TEST_CASE("fit_width cuts by display width at a character boundary", "[text]") {
  CHECK(fit_width("short", 10) == "short");
  CHECK(fit_width("exactly10!", 10) == "exactly10!");
  CHECK(fit_width("Contribution of S&T progress", 10) == "Contrib...");
  // CJK: each character is two columns and is never split.
  const std::string cut = fit_width("每万人发明专利拥有量", 10);
  CHECK(cut == "每万人...");
  CHECK(display_width(cut) == 9);
  CHECK(fit_width("ab每万人", 6) == "ab...");
}

TEST_CASE("json_string escapes quotes, backslashes and controls; UTF-8 passes", "[text]") {
  CHECK(json_string("plain") == "\"plain\"");
  CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(json_string("tab\there\nline") == "\"tab\\there\\nline\"");
  CHECK(json_string(std::string("\x01\x7f", 2)) == "\"\\u0001\\u007f\"");
  CHECK(json_string("宁夏") == "\"宁夏\"");
}

TEST_CASE("numbers for programs read back exactly; for people by magnitude", "[text]") {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  CHECK(exact_number(0.1) == "0.1");
  CHECK(std::stod(exact_number(1.0 / 3.0)) == 1.0 / 3.0);
  CHECK(json_number(2.5) == "2.5");
  CHECK(json_number(kNaN) == "null");
  CHECK(json_number(std::numeric_limits<double>::infinity()) == "null");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"x\"") == "\"say \"\"x\"\"\"");
  CHECK(csv_field("plain") == "plain");
  CHECK(compact_number(2.5) == "2.50");
  CHECK(compact_number(49.04) == "49.0");
  CHECK(compact_number(3967.4) == "3967");
  CHECK(compact_number(-12.34) == "-12.3");
  CHECK(percent(0.988) == "98.8%");
  CHECK(percent(0.5, 0) == "50%");
  CHECK(percent(kNaN) == "n/a");
}
