// Which documents `list` answers with: the request's optional filters, every one of which a
// document must pass. Filtering happens in the daemon, so that `list --failing` over thousands
// of documents sends only the failing ones.
//
//   "failing": true   documents in a failure streak (their last check failed, and counted:
//                     src/check's CountsTowardStreak); false or absent: no filter on it
//   "platform": P     documents of platform P: the name as in the target file ("Coursera") or
//                     its slug ("coursera", the first half of the document id)
//   "type": T         documents of type T: "Terms of Service" or "terms-of-service"
//
// A platform or type that no watched document has is refused (not an empty list: a typo must
// not look like "nothing failing"), naming the closest existing values.
#ifndef POLICYD_DAEMON_LIST_FILTER_H_
#define POLICYD_DAEMON_LIST_FILTER_H_

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/config.h"
#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd {

struct ListFilter {
  bool failing = false;
  std::string platform;  // as given; "" = any
  std::string type;      // as given; "" = any
};

// Longest platform or type accepted in a filter: names are short, and a longer value would
// only make the did-you-mean search costly.
inline constexpr std::size_t kMaxFilterValueBytes = 256;

// The filters of a `list` request. InvalidArgument for a value of the wrong JSON type, an
// empty one, or one longer than kMaxFilterValueBytes.
Result<ListFilter> ParseListFilter(const nlohmann::json& request);

// True when `name` (a document's platform or type) is what the filter value `wanted` asks for:
// the same text, or the same slug (Slugify).
bool NameMatches(std::string_view wanted, std::string_view name);

bool PassesListFilter(const ListFilter& filter, const DocumentSpec& spec, const DocState& state);

// What a refusal suggests (unlike the ClosestNames of policyd/did_you_mean.h, it compares
// slugs and also takes one name inside the other): at most `max_count` of `names` that `wanted`
// plausibly misspells (edit distance between the slugs at most max(2, a third of its length), or
// one slug inside the other), closest first, ties by name.
std::vector<std::string> ClosestFilterValues(std::string_view wanted,
                                             const std::set<std::string>& names,
                                             std::size_t max_count);

// The refusal for a `field` ("platform", "type") value no watched document has:
// ControlError("not_found", "no watched document has platform 'Gogle' (closest: 'Google',
// ...)") with error.suggestions = ClosestFilterValues (maybe empty: the message then says so).
nlohmann::json UnknownNameError(std::string_view field, std::string_view wanted,
                                const std::set<std::string>& names);

}  // namespace policyd

#endif  // POLICYD_DAEMON_LIST_FILTER_H_
