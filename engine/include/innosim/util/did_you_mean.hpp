#pragma once
// "Did you mean": the closest of a list of known names to a word the user
// wrote, for messages about misspelt keys, ids and names.

#include <string>
#include <string_view>
#include <vector>

namespace innosim {

// The closest candidate by edit distance (case-insensitive, adjacent
// transpositions count as one edit), or "" when none is close enough.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// " — did you mean 'x'?" for the closest candidate, or "" when there is none:
// to append to a message.
std::string did_you_mean_hint(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace innosim
