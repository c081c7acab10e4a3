#include "innosim/util/did_you_mean.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace innosim {

namespace {

// Optimal-string-alignment distance (Levenshtein plus adjacent
// transpositions), case-insensitive: "vaules" is one edit from "values".
// Three rows of the table, in `rows` (reused across calls).
std::size_t edit_distance(std::string_view a, std::string_view b, std::vector<std::size_t>& rows) {
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  const std::size_t n = a.size(), m = b.size();
  rows.assign(3 * (m + 1), 0);
  std::size_t* before = rows.data();           // row i - 2
  std::size_t* prev = rows.data() + (m + 1);   // row i - 1
  std::size_t* cur = rows.data() + 2 * (m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  // Allow more edits for longer words, so that short ids are not matched
  // with anything ("x" is not a typo of "id").
  const std::size_t limit = word.size() <= 4 ? 1 : word.size() <= 8 ? 2 : 3;
  std::string best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> rows;
  for (const std::string& c : candidates) {
    if (c == word) continue;
    // The distance is at least the difference in length: skip the table.
    const std::size_t gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
    if (gap > limit) continue;
    const std::size_t d = edit_distance(word, c, rows);
    if (d <= limit && d < c.size() && d < best_d) {
      best = c;
      best_d = d;
    }
  }
  return best;
}

std::string did_you_mean_hint(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string best = did_you_mean(word, candidates);
  return best.empty() ? std::string() : fmt::format(" — did you mean '{}'?", best);
}

}  // namespace innosim
