// Edit distance between two strings, for "did you mean" hints: the config reader on a misspelt
// key, the daemon on an unknown platform or document type. Bytes, not characters: hints
// compare identifiers and names, and a multi-byte character costs a little more, no harm.
#ifndef POLICYD_EDIT_DISTANCE_H_
#define POLICYD_EDIT_DISTANCE_H_

#include <cstddef>
#include <string_view>

namespace policyd {

// Levenshtein distance (insertions, deletions, substitutions of one byte each). O(|a|·|b|)
// time and O(|b|) memory: callers bound the lengths of what they compare.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace policyd

#endif  // POLICYD_EDIT_DISTANCE_H_
