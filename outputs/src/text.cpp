// Text helpers shared by every table.

#include "innosim/outputs/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace innosim {

// ---------------------------------------------------------------- width

namespace {

bool is_zero_width(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

// East Asian Wide (W) and Fullwidth (F) blocks, as terminals render them.
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
         (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x2FFFD) ||
         (c >= 0x30000 && c <= 0x3FFFD);
}

}  // namespace

std::size_t display_width(std::string_view s) {
  std::size_t width = 0;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0x1B && i + 1 < n && s[i + 1] == '[') {  // ANSI CSI: ESC [ ... final byte
      i += 2;
      while (i < n && !(s[i] >= 0x40 && s[i] <= 0x7E)) ++i;
      ++i;
      continue;
    }
    char32_t c = b;
    std::size_t len = 1;
    if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      c = b & 0x07;
    } else if (b >= 0xE0) {
      len = 3;
      c = b & 0x0F;
    } else if (b >= 0xC2 && b < 0xE0) {
      len = 2;
      c = b & 0x1F;
    } else if (b >= 0x80) {
      len = 0;  // stray continuation or invalid lead byte: one column, as a replacement char
    }
    if (len > 1) {
      if (i + len > n) {
        len = 0;
      } else {
        for (std::size_t k = 1; k < len; ++k) {
          const auto cb = static_cast<unsigned char>(s[i + k]);
          if ((cb & 0xC0) != 0x80) {
            len = 0;
            break;
          }
          c = (c << 6) | (cb & 0x3F);
        }
      }
    }
    if (len == 0) {
      width += 1;
      i += 1;
      continue;
    }
    i += len;
    if (c < 0x20 || c == 0x7F) continue;  // control characters take no column
    width += is_zero_width(c) ? 0 : is_wide(c) ? 2 : 1;
  }
  return width;
}

std::string pad(std::string_view s, std::size_t width, Align align) {
  const std::size_t w = display_width(s);
  if (w >= width) return std::string(s);
  const std::string fill(width - w, ' ');
  return align == Align::left ? std::string(s) + fill : fill + std::string(s);
}

std::string fit_width(std::string_view s, std::size_t max) {
  if (display_width(s) <= max) return std::string(s);
  std::size_t keep = 0;
  for (std::size_t i = 1; i <= s.size(); ++i) {
    if (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // inside a character
    if (display_width(s.substr(0, i)) + 3 > max) break;
    keep = i;
  }
  return std::string(s.substr(0, keep)) + "...";
}

// ---------------------------------------------------------------- quoting

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += ch;  // UTF-8 passes through
        }
    }
  }
  return out + "\"";
}

std::string json_number(double x) { return std::isfinite(x) ? exact_number(x) : std::string("null"); }

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// ---------------------------------------------------------------- numbers

std::string exact_number(double x) { return fmt::format("{}", x); }

std::string compact_number(double x) {
  const double a = std::fabs(x);
  if (a >= 100) return fmt::format("{:.0f}", x);
  if (a >= 10) return fmt::format("{:.1f}", x);
  return fmt::format("{:.2f}", x);
}

std::string percent(double share, int decimals) {
  if (std::isnan(share)) return "n/a";
  return fmt::format("{:.{}f}%", 100.0 * share, decimals);
}

// ---------------------------------------------------------------- numbers for people

namespace {

enum class UnitKind { percent, count, per_10k, other };

UnitKind unit_kind(std::string_view unit) {
  if (unit == "%" || unit == "percent") return UnitKind::percent;
  if (unit.find("10k") != std::string_view::npos || unit.find("10 000") != std::string_view::npos ||
      unit.find("10,000") != std::string_view::npos || unit.find("万") != std::string_view::npos) {
    return UnitKind::per_10k;
  }
  if (unit == "count" || unit == "counts" || unit == "number" || unit == "persons" ||
      unit == "people" || unit.find("count") != std::string_view::npos) {
    return UnitKind::count;
  }
  return UnitKind::other;
}

}  // namespace

std::string human_number(double x, std::string_view unit) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  const double a = std::fabs(x);
  switch (unit_kind(unit)) {
    case UnitKind::percent:
      return a < 10 ? fmt::format("{:.2f}", x) : fmt::format("{:.1f}", x);
    case UnitKind::count:
      return a >= 100 ? fmt::format("{:.0f}", x) : fmt::format("{:.1f}", x);
    case UnitKind::per_10k:
      return fmt::format("{:.2f}", x);
    case UnitKind::other:
      break;
  }
  if (a >= 1e6 || (a > 0 && a < 1)) return fmt::format("{:.3g}", x);
  return compact_number(x);
}

// ---------------------------------------------------------------- columns

std::string aligned_columns(const std::vector<std::vector<std::string>>& rows, const std::vector<Align>& align) {
  std::vector<std::size_t> width(align.size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < align.size() && c < r.size(); ++c) width[c] = std::max(width[c], display_width(r[c]));
  std::string out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line;
    for (std::size_t c = 0; c < align.size(); ++c) {
      if (c) line += "  ";
      line += pad(c < rows[i].size() ? rows[i][c] : std::string(), width[c], align[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (i == 0) {
      std::size_t total = 0;
      for (std::size_t c = 0; c < width.size(); ++c) total += width[c] + (c ? 2 : 0);
      out += std::string(total, '-') + "\n";
    }
  }
  return out;
}

}  // namespace innosim
