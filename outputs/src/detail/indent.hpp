#pragma once
// Indenting a block of lines (an aligned table inside a section).

#include <string>
#include <string_view>

namespace innosim::detail {

// `text` with `prefix` before each of its lines.
inline std::string indent_lines(std::string_view text, std::string_view prefix) {
  std::string out;
  for (std::size_t from = 0; from < text.size();) {
    const std::size_t nl = text.find('\n', from);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out += prefix;
    out += text.substr(from, end - from);
    from = end;
  }
  return out;
}

}  // namespace innosim::detail
