// Segment ids: content ids, their allocation, and the persisted form of a version's ids.
#include "src/diff/segment_ids.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "policyd/json_limits.h"
#include "policyd/json_text.h"
#include "policyd/segments.h"
#include "policyd/sha256.h"
#include "src/diff/segment_text.h"

namespace policyd {
namespace diff_internal {
namespace {

constexpr std::size_t kIdHexDigits = 12;

}  // namespace

std::string ContentId(std::string_view content) {
  return "s-" + Sha256Hex(CollapseSpaces(content)).substr(0, kIdHexDigits);
}

std::string IdAllocator::Allocate(const std::string& wanted) {
  if (taken_.insert(wanted).second) return wanted;
  std::size_t& suffix = next_suffix_.try_emplace(wanted, 2).first->second;
  for (;; ++suffix) {
    std::string candidate = wanted + "-" + std::to_string(suffix);
    if (taken_.insert(candidate).second) {
      ++suffix;
      return candidate;
    }
  }
}

}  // namespace diff_internal

std::string EncodeSegmentIds(const std::vector<Segment>& segments) {
  nlohmann::json ids = nlohmann::json::array();
  for (const Segment& segment : segments) ids.push_back(segment.id);
  return JsonText(ids);
}

Status DecodeSegmentIds(std::string_view encoded, std::string_view text,
                        std::vector<Segment>* out) {
  Result<nlohmann::json> parsed = ParseJsonWithDepthLimit(encoded, /*max_depth=*/1);
  if (!parsed.ok()) return Status::Corruption("segment ids: " + parsed.status().message());
  if (!parsed->is_array()) return Status::Corruption("segment ids: not a JSON array");
  std::vector<Segment> segments = SplitSegments(text);
  if (parsed->size() != segments.size()) {
    return Status::Corruption("segment ids: " + std::to_string(parsed->size()) +
                              " ids for a text of " + std::to_string(segments.size()) +
                              " segments");
  }
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const nlohmann::json& id = (*parsed)[i];
    if (!id.is_string()) {
      return Status::Corruption("segment ids: entry " + std::to_string(i) + " is not a string");
    }
    const std::string& value = id.get_ref<const std::string&>();
    if (value.empty() || value.size() > kMaxSegmentIdBytes) {
      return Status::Corruption("segment ids: entry " + std::to_string(i) +
                                " is empty or longer than " + std::to_string(kMaxSegmentIdBytes) +
                                " bytes");
    }
    if (!seen.insert(value).second) {
      return Status::Corruption("segment ids: " + value + " occurs twice");
    }
    segments[i].id = value;
  }
  *out = std::move(segments);
  return Status::Ok();
}

}  // namespace policyd
