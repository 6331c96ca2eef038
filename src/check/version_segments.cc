#include "policyd/version_segments.h"

namespace policyd {

std::vector<Segment> LoadVersionSegments(const Store& store, const VersionRecord& version,
                                         std::string_view text) {
  if (!version.segment_ids_hash.empty() && version.segment_rules == kSegmentRulesVersion) {
    if (auto encoded = store.GetBlob(version.segment_ids_hash); encoded.ok()) {
      std::vector<Segment> segments;
      if (DecodeSegmentIds(*encoded, text, &segments).ok()) return segments;
    }
  }
  return SplitSegments(text);
}

nlohmann::json SegmentChangesJson(const std::vector<SegmentChange>& changes) {
  nlohmann::json list = nlohmann::json::array();
  for (const SegmentChange& change : changes) {
    list.push_back({{"change", SegmentChangeKindName(change.kind)},
                    {"old_ids", change.old_ids},
                    {"new_ids", change.new_ids},
                    {"section_path", change.section_path}});
  }
  return list;
}

nlohmann::json SegmentJson(const Segment& segment, std::string_view text) {
  return {{"segment_id", segment.id},
          {"kind", SegmentKindName(segment.kind)},
          {"section_path", segment.section_path},
          {"text", SegmentText(text, segment)},
          {"start", segment.start},
          {"end", segment.end}};
}

}  // namespace policyd
