// The segments of stored versions (include/policyd/segments.h). Ids carry over from one
// version to the next by alignment, so they depend on the history: they are decided once,
// when a version is stored, and kept beside it (a blob of EncodeSegmentIds referenced by
// VersionRecord::segment_ids_hash, with the splitting rules' version in segment_rules), then
// read back, never recomputed. A version stored before segments existed, or under other
// splitting rules, gets fresh content-derived ids from its text.
#ifndef POLICYD_VERSION_SEGMENTS_H_
#define POLICYD_VERSION_SEGMENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "policyd/segments.h"
#include "policyd/store.h"

namespace policyd {

// The segments of `version`, whose text is `text`: its stored ids when they can be read and
// were split by today's rules, else fresh ids (SplitSegments).
std::vector<Segment> LoadVersionSegments(const Store& store, const VersionRecord& version,
                                         std::string_view text);

// The segment changes as an event lists them (document.changed's and document.reread's
// `segments`): [{"change": "modified", "old_ids": [...], "new_ids": [...],
// "section_path": [...]}, ...], in the new text's order.
nlohmann::json SegmentChangesJson(const std::vector<SegmentChange>& changes);

// One segment as `policyctl segments` prints it (a JSON Lines record): segment_id, kind,
// section_path, text, start, end (code points in the stored text).
nlohmann::json SegmentJson(const Segment& segment, std::string_view text);

}  // namespace policyd

#endif  // POLICYD_VERSION_SEGMENTS_H_
