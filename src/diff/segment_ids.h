// Segment ids: derived from content (SHA-256, OpenSSL), kept unique within one version.
#ifndef POLICYD_SRC_DIFF_SEGMENT_IDS_H_
#define POLICYD_SRC_DIFF_SEGMENT_IDS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace policyd::diff_internal {

// "s-" and the first 12 hex digits of the SHA-256 of CollapseSpaces(content). 48 bits: two
// different clauses of one document share one with odds of about 1 in 10^5 for 100,000
// segments, and then IdAllocator still tells them apart.
std::string ContentId(std::string_view content);

// Hands out ids unique among those handed out and those reserved: the wanted id itself when
// free, else the id with "-k" appended for the smallest k >= 2 that is free.
class IdAllocator {
 public:
  // Room for `count` ids, so that a large version allocates its table once.
  void ExpectIds(std::size_t count) { taken_.reserve(count); }
  void Reserve(const std::string& id) { taken_.insert(id); }
  std::string Allocate(const std::string& wanted);

 private:
  std::unordered_set<std::string> taken_;
  // The next suffix worth trying per wanted id, so n repeats cost O(n), not O(n²).
  std::unordered_map<std::string, std::size_t> next_suffix_;
};

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_SEGMENT_IDS_H_
