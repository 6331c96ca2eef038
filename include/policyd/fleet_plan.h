// FleetPlan: the owner of every document of a target list, for one member set at a time.
//
// A document's fleet key is the registrable domain of its URL (FleetKeyOfUrl), so all the
// documents of one site have one owner and the site's politeness limits (per_host_delay,
// robots.txt crawl-delay) hold across the fleet. A key's owner is its rendezvous owner among
// the live members (policyd/rendezvous.h).
//
// The plan hashes each distinct key once, when it is built; Owners() then costs one mix per
// distinct key and member, so a million documents over ten members take a few hundred
// milliseconds at most, URL parsing included (tests/bench/fleet measures it). Rebuilding the
// plan is needed only when the target list changes, not when the members do.
#ifndef POLICYD_FLEET_PLAN_H_
#define POLICYD_FLEET_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/rendezvous.h"

namespace policyd {

// The fleet key of a document URL: its registrable domain (policyd/registrable_domain.h), or,
// for a URL that has none (unparsable, not http(s)), the URL itself, so that even a document
// that cannot be fetched has exactly one owner, which reports its failure.
std::string FleetKeyOfUrl(std::string_view url);

class FleetPlan {
 public:
  static constexpr uint32_t kNoOwner = std::numeric_limits<uint32_t>::max();

  // `document_keys[i]` is document i's fleet key.
  explicit FleetPlan(const std::vector<std::string>& document_keys);

  // Per document, the index of its owner in `members.members()`; kNoOwner for every document
  // when there are no members.
  std::vector<uint32_t> Owners(const Rendezvous& members) const;

  std::size_t documents() const { return key_of_document_.size(); }
  std::size_t distinct_keys() const { return key_hashes_.size(); }
  // FleetHash of document `index`'s key.
  uint64_t KeyHash(std::size_t index) const { return key_hashes_[key_of_document_[index]]; }

 private:
  std::vector<uint64_t> key_hashes_;       // per distinct key
  std::vector<uint32_t> key_of_document_;  // per document, an index into key_hashes_
};

}  // namespace policyd

#endif  // POLICYD_FLEET_PLAN_H_
