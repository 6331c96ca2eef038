#include "event_bounds.h"

#include <cstdint>
#include <string>

#include "policyd/json_text.h"
#include "policyd/text_bounds.h"

namespace policyd {
namespace {

constexpr std::size_t kShortestHalvedField = 64;

std::size_t JsonBytes(const nlohmann::json& event) {
  // Lenient like the store: a stray invalid byte must not turn bounding into an exception.
  return JsonText(event).size();
}

bool IsIdentity(const std::string& key) { return key == "type" || key == "doc"; }

// The longest string field that may be cut, or nullptr when none is longer than `floor`.
nlohmann::json* LongestCuttable(nlohmann::json* event, std::size_t floor) {
  nlohmann::json* longest = nullptr;
  std::size_t longest_size = floor;
  for (auto& [key, value] : event->items()) {
    if (IsIdentity(key) || !value.is_string()) continue;
    const std::size_t size = value.get_ref<const std::string&>().size();
    if (size > longest_size) {
      longest = &value;
      longest_size = size;
    }
  }
  return longest;
}

void CutFields(nlohmann::json* event) {
  for (auto& [key, value] : event->items()) {
    if (IsIdentity(key) || !value.is_string()) continue;
    const std::string& text = value.get_ref<const std::string&>();
    if (text.size() > kMaxEventFieldBytes) value = TruncateUtf8(text, kMaxEventFieldBytes);
  }
}

// Drops entries of the array `list_key` from the end, each counted in `count_key`, until the
// event fits; false if it still does not. Entry sizes are measured once (not the whole event
// per entry: a list may hold a thousand segment changes).
bool DropFromEnd(nlohmann::json* event, const char* list_key, const char* count_key,
                 std::size_t limit) {
  if (!event->contains(list_key) || !(*event)[list_key].is_array()) {
    return JsonBytes(*event) <= limit;
  }
  nlohmann::json& list = (*event)[list_key];
  nlohmann::json& dropped = (*event)[count_key];  // std::map: references stay
  if (!dropped.is_number_integer()) dropped = 0;
  std::size_t size = JsonBytes(*event);
  while (!list.empty() && size > limit) {
    const std::size_t entry = JsonBytes(list.back()) + 1;  // and its comma
    list.erase(list.size() - 1);
    dropped = dropped.get<int64_t>() + 1;
    size = size > entry ? size - entry : 0;
    if (size <= limit) size = JsonBytes(*event);  // the count's digits may have grown
  }
  return size <= limit;
}

}  // namespace

void BoundEventSize(nlohmann::json* event, std::size_t max_bytes) {
  if (!event->is_object()) return;
  const std::size_t limit = max_bytes > kEventSeqReserve ? max_bytes - kEventSeqReserve : 0;
  CutFields(event);
  if (DropFromEnd(event, "segments", "segments_truncated", limit)) return;
  if (DropFromEnd(event, "sections", "sections_truncated", limit)) return;
  while (JsonBytes(*event) > limit) {
    nlohmann::json* longest = LongestCuttable(event, kShortestHalvedField);
    if (longest == nullptr) return;
    const std::string& text = longest->get_ref<const std::string&>();
    *longest = TruncateUtf8(text, text.size() / 2);
  }
}

}  // namespace policyd
