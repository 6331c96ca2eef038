// "Did you mean" hints: the known names closest to a misspelt one, by edit distance. The one
// implementation behind every suggestion policyd makes (unknown config and target keys,
// policyctl's unknown commands, options and document ids).
#ifndef POLICYD_DID_YOU_MEAN_H_
#define POLICYD_DID_YOU_MEAN_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace policyd {

// Names longer than this are never compared: the work of EditDistance grows with the product
// of the lengths, and a name that long is no typo of a key, a command or a document id.
inline constexpr std::size_t kMaxSuggestedNameBytes = 256;

// Levenshtein distance between two byte strings (insertions, deletions, substitutions).
// O(|a| * |b|) time, O(|b|) memory.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidates at most `max_distance` edits away from `word`, closest first (equally close
// ones in the order given), at most `limit` of them. Empty when `word` or every candidate is
// longer than kMaxSuggestedNameBytes, and when `word` is itself a candidate.
std::vector<std::string> ClosestNames(std::string_view word,
                                      const std::vector<std::string>& candidates,
                                      std::size_t max_distance, std::size_t limit);

// "'a'", "'a' or 'b'", "'a', 'b' or 'c'"; "" when `names` is empty.
std::string QuotedAlternatives(const std::vector<std::string>& names);

// The hint appended to an error message: " (did you mean 'a'?)", " (did you mean 'a' or
// 'b'?)", " (did you mean 'a', 'b' or 'c'?)"; "" when `names` is empty.
std::string DidYouMean(const std::vector<std::string>& names);

}  // namespace policyd

#endif  // POLICYD_DID_YOU_MEAN_H_
