// The size limits a TOML document must keep before toml++ parses it
// (limits.hpp): how deep it nests — the parser and the tree built from it
// recurse once per level, so 20,000 dotted header parts or 100,000 dotted
// key parts overflow the stack — how many values it holds and how long its
// arrays are, so that the parser never holds more than a scenario can need.
//
// A small lexer that knows only what these need: headers, keys (bare,
// quoted, dotted), strings of the four kinds (so that dots, brackets and
// '#' inside them do not count), comments, arrays and inline tables. Where
// the text is not valid TOML the lexer stops and leaves the message to
// toml++, which stops at the same place or earlier: every key before it has
// been measured.

#include <fmt/format.h>

#include <string_view>
#include <utility>
#include <vector>

#include "innosim/scenario/limits.hpp"
#include "scenario/detail/toml_tree.hpp"

namespace innosim::detail {

namespace {

class LimitScan {
 public:
  LimitScan(std::string_view text, const std::string& file, std::vector<Problem>& problems)
      : t_(text), file_(file), problems_(problems) {}

  // False (and one problem) when the text passes a limit.
  bool run() {
    while (!at_end()) {
      skip_blank();
      if (at_end()) break;
      const char c = peek();
      if (c == '\n') {
        next();
      } else if (c == '#') {
        skip_comment();
      } else if (c == '[') {
        if (!header()) return done_;
      } else {
        if (!key_value(table_depth_)) return done_;
      }
    }
    return true;
  }

 private:
  std::string_view t_;
  const std::string& file_;
  std::vector<Problem>& problems_;
  std::size_t i_ = 0;
  int line_ = 1, col_ = 1;
  std::size_t table_depth_ = 0;  // parts of the current [header]
  std::size_t values_ = 0;       // values and headers so far
  bool done_ = true;             // what to return when stopping: false once a problem is recorded

  bool at_end() const { return i_ >= t_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < t_.size() ? t_[i_ + ahead] : '\0'; }
  void next() {
    const char c = t_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++col_;  // columns count characters, not UTF-8 continuation bytes
    }
  }
  void skip_blank() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r')) next();
  }
  void skip_comment() {
    while (!at_end() && peek() != '\n') next();
  }
  bool starts_with(std::string_view s) const { return t_.substr(i_, s.size()) == s; }

  bool refuse(int line, int col, std::string message) {
    problems_.push_back({SourceLoc{file_, line, col}, "", std::move(message) + "; refused before parsing"});
    done_ = false;
    return true;
  }
  // One more value (or header) at line:col; true if that is too many.
  bool too_many(int line, int col) {
    if (++values_ <= limits::kFileValues) return false;
    return refuse(line, col, fmt::format("more than {} values in one file", limits::kFileValues));
  }

  bool too_deep(std::size_t depth, int line, int col, std::string_view what) {
    if (depth <= limits::kNestingDepth) return false;
    return refuse(line, col,
                  fmt::format("{} nests more than {} levels deep (each part of a dotted key or header, each "
                              "array and inline table is a level)",
                              what, limits::kNestingDepth));
  }

  // A quoted string starting here (any of the four kinds); false if it does
  // not end where TOML says it must.
  bool skip_string() {
    const char q = peek();
    const bool basic = q == '"';
    if (starts_with(basic ? "\"\"\"" : "'''")) {
      for (int k = 0; k < 3; ++k) next();
      while (!at_end()) {
        if (basic && peek() == '\\') {
          next();
          if (!at_end()) next();
          continue;
        }
        if (peek() == q && peek(1) == q && peek(2) == q) {
          for (int k = 0; k < 3; ++k) next();
          while (peek() == q) next();  // up to two more quotes belong to the content
          return true;
        }
        next();
      }
      return false;
    }
    next();
    while (!at_end() && peek() != '\n') {
      if (basic && peek() == '\\') {
        next();
        if (!at_end() && peek() != '\n') next();
        continue;
      }
      if (peek() == q) {
        next();
        return true;
      }
      next();
    }
    return false;
  }

  static bool bare_key_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  // A key (bare, quoted, dotted) starting here: its number of parts, 0 if malformed.
  std::size_t key_parts() {
    std::size_t parts = 0;
    for (;;) {
      skip_blank();
      if (peek() == '"' || peek() == '\'') {
        if (!skip_string()) return 0;
      } else if (bare_key_char(peek())) {
        while (bare_key_char(peek())) next();
      } else {
        return 0;
      }
      ++parts;
      skip_blank();
      if (peek() != '.') return parts;
      next();
    }
  }

  // [a.b.c] or [[a.b.c]], to the end of its line.
  bool header() {
    const int line = line_, col = col_;
    next();
    const bool array = peek() == '[';
    if (array) next();
    const std::size_t parts = key_parts();
    if (parts == 0) return false;
    if (too_deep(parts + (array ? 1 : 0), line, col, "this table header") || too_many(line, col)) return false;
    skip_blank();
    for (int k = 0; k < (array ? 2 : 1); ++k) {
      if (peek() != ']') return false;
      next();
    }
    table_depth_ = parts + (array ? 1 : 0);
    return true;
  }

  // `key = value` in a table at depth `base`.
  bool key_value(std::size_t base) {
    const int line = line_, col = col_;
    const std::size_t parts = key_parts();
    if (parts == 0) return false;
    if (too_deep(base + parts, line, col, "this key")) return false;
    skip_blank();
    if (peek() != '=') return false;
    next();
    return value(base + parts);
  }

  // The value of a key at `depth`, through its last character (arrays and
  // inline tables recursively: their depth is bounded by the limit).
  bool value(std::size_t depth) {
    skip_blank();
    const int line = line_, col = col_;
    if (too_many(line, col)) return false;
    const char c = peek();
    if (c == '"' || c == '\'') return skip_string();
    if (c == '[') {
      if (too_deep(depth + 1, line, col, "this array")) return false;
      next();
      for (std::size_t n = 0;; ++n) {
        skip_space_and_comments();
        if (peek() == ']') {
          next();
          return true;
        }
        if (n == limits::kArrayLength) {
          refuse(line, col, fmt::format("an array of more than {} elements", limits::kArrayLength));
          return false;
        }
        if (!value(depth + 1)) return false;
        skip_space_and_comments();
        if (peek() == ',') {
          next();
          continue;
        }
        if (peek() != ']') return false;
        next();
        return true;
      }
    }
    if (c == '{') {
      if (too_deep(depth + 1, line, col, "this inline table")) return false;
      next();
      skip_blank();
      if (peek() == '}') {
        next();
        return true;
      }
      for (;;) {
        if (!key_value(depth)) return false;
        skip_blank();
        if (peek() == ',') {
          next();
          continue;
        }
        if (peek() != '}') return false;
        next();
        return true;
      }
    }
    // A number, boolean, date or time: up to a delimiter.
    while (!at_end() && peek() != ',' && peek() != ']' && peek() != '}' && peek() != '\n' && peek() != '#')
      next();
    return true;
  }

  void skip_space_and_comments() {
    for (;;) {
      skip_blank();
      if (peek() == '\n') {
        next();
      } else if (peek() == '#') {
        skip_comment();
      } else {
        return;
      }
    }
  }
};

}  // namespace

bool check_toml_limits(std::string_view text, const std::string& file, std::vector<Problem>& problems) {
  return LimitScan(text, file, problems).run();
}

}  // namespace innosim::detail
