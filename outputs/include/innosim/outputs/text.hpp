#pragma once
// Text helpers shared by every table (target, region, compare, sweep): widths
// as a terminal shows them, padding and truncation to such widths, JSON and
// CSV quoting, numbers for people and for programs.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace innosim {

// Terminal columns that UTF-8 text occupies: East Asian wide and fullwidth
// characters (CJK) count 2, combining marks 0, ANSI colour sequences 0,
// everything else 1. For aligning tables that mix Chinese and Latin text.
std::size_t display_width(std::string_view utf8);

enum class Align { left, right };

// `s` filled with spaces to `width` display columns (unchanged if wider).
std::string pad(std::string_view s, std::size_t width, Align align = Align::left);

// `s` cut at a character boundary so that it fits `max` display columns,
// the cut marked with "..." (unchanged if it fits).
std::string fit_width(std::string_view s, std::size_t max);

// A JSON string literal, quotes included; UTF-8 passes through.
std::string json_string(std::string_view s);
// The shortest text that reads back to the same double; null if not finite.
std::string json_number(double x);

// A CSV field, quoted only when it must be.
std::string csv_field(std::string_view s);

// The shortest text that reads back to the same double ("nan", "inf" too).
std::string exact_number(double x);

// A number for people when its unit is not known: 2 decimals below 10,
// 1 below 100, none above (2.50, 49.0, 3967).
std::string compact_number(double x);

// A value as a planner reads it, precision by unit and magnitude: "%" with
// 2 decimals below 10, counts whole from 100, per-10k values with 2
// decimals, other units in 3 significant digits from a million (2.91e+11).
std::string human_number(double x, std::string_view unit);

// A share in percent with `decimals` decimals ("98.8%"); "n/a" for NaN.
std::string percent(double share, int decimals = 1);

// Rows of cells as aligned text: the first row is the header, followed by a
// rule; columns two spaces apart, each padded by display width.
std::string aligned_columns(const std::vector<std::vector<std::string>>& rows, const std::vector<Align>& align);

}  // namespace innosim
