// AlignSegments: carries segment ids from one version of a text to the next. In phases:
//   1. equal contents: a shortest edit script (dtl) over the segment contents gives the
//      unchanged segments; equal contents outside it are moved;
//   2. between two unchanged segments, the others are grouped by the words they share into
//      modified, split and merged segments (src/diff/segment_match.h); then those still
//      left, across gaps, into modified ones (a clause edited and moved);
//   3. ids: carried over, fresh for the rest (src/diff/segment_ids.h);
//   4. the change list, in the new text's order;
//   5. the offset map, by word diffs of the aligned segments (src/diff/offset_map.h).
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "policyd/segments.h"
#include "src/diff/edit_script.h"
#include "src/diff/offset_map.h"
#include "src/diff/segment_ids.h"
#include "src/diff/segment_match.h"
#include "src/diff/segment_text.h"
#include "src/diff/work_estimate.h"

namespace policyd {
namespace {

using diff_internal::EditOp;
using diff_internal::Match;
using diff_internal::SegmentGroup;
using diff_internal::StepBudget;

constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

// How a segment of one side relates to the other side.
enum class Relation { kNone, kUnchanged, kMoved, kGrouped };

// The segments of one text with what the alignment needs to know about each.
struct Side {
  std::string_view text;
  std::vector<Segment> segments;
  // The kind's letter (a heading's: its level's digit; a list item's: its depth's capital)
  // and the content: equal keys, same text at the same level, so a heading or a list item
  // moved up or down a level is a modification.
  std::vector<std::string> keys;
  std::vector<Relation> relation;
  std::vector<std::size_t> partner;  // the other side's segment, for kUnchanged and kMoved
  std::vector<std::size_t> group;    // index in Alignment::groups, for kGrouped

  Side(std::string_view side_text, std::vector<Segment> side_segments)
      : text(side_text), segments(std::move(side_segments)) {
    const std::size_t count = segments.size();
    relation.assign(count, Relation::kNone);
    partner.assign(count, kNoIndex);
    group.assign(count, kNoIndex);
    keys.reserve(count);
    for (Segment& segment : segments) {
      segment.byte_end = std::min(segment.byte_end, text.size());  // caller's spans, clamped
      segment.byte_start = std::min(segment.byte_start, segment.byte_end);
      keys.push_back(KindLetter(segment) +
                     diff_internal::SegmentContent(segment.kind, Span(segment)));
    }
  }

  std::string_view Span(const Segment& segment) const { return SegmentText(text, segment); }

  char KindLetter(const Segment& segment) const {
    if (segment.kind == SegmentKind::kListItem) {
      // The indentation of its line: two spaces a level (the extractor's nesting).
      const std::size_t at = std::min(segment.byte_start, text.size());
      const std::size_t line = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;  // npos + 1 = 0
      std::size_t spaces = 0;
      while (line + spaces < at && text[line + spaces] == ' ') ++spaces;
      return static_cast<char>('A' + std::min<std::size_t>(spaces / 2, 9));
    }
    if (segment.kind != SegmentKind::kHeading) {
      return static_cast<char>('a' + static_cast<int>(segment.kind));
    }
    // The span is the heading's text: its '#'s are just before it, then spaces.
    std::size_t at = std::min(segment.byte_start, text.size());
    while (at > 0 && text[at - 1] == ' ') --at;
    std::size_t level = 0;
    while (at > 0 && text[at - 1] == '#' && level < 9) {
      --at;
      ++level;
    }
    return static_cast<char>('0' + level);
  }
  std::string_view Content(std::size_t i) const { return std::string_view(keys[i]).substr(1); }
};

// One group of segments found in a gap, with positions on each side.
struct Group {
  SegmentChangeKind kind = SegmentChangeKind::kModified;
  std::vector<std::size_t> olds;
  std::vector<std::size_t> news;
  std::size_t keeper = 0;  // position in `news` (kSplit) or `olds` (kMerged)
};

class Aligner {
 public:
  Aligner(std::string_view old_text, const std::vector<Segment>& old_segments,
          std::string_view new_text, const AlignLimits& limits)
      : limits_(limits),
        old_(old_text, old_segments),
        new_(new_text, SplitSegments(new_text)),
        steps_(limits.max_steps),
        compare_words_(limits.max_compare_words),
        removal_place_(old_.segments.size(), 0) {}

  SegmentAlignment Run() {
    MatchEqualContents();
    GroupEditedSegments();
    AssignIds();
    ListChanges();
    BuildOffsetMap();
    result_.segments = std::move(new_.segments);
    return std::move(result_);
  }

 private:
  void Pair(std::size_t o, std::size_t n, Relation relation) {
    old_.relation[o] = new_.relation[n] = relation;
    old_.partner[o] = n;
    new_.partner[n] = o;
  }

  // Phase 1: unchanged segments (in-order equal contents) become anchors; other equal
  // contents are moved. When dtl's search is over budget, the in-order ones are a longest
  // increasing chain of the equal pairs instead.
  void MatchEqualContents() {
    const std::vector<std::string_view> old_keys(old_.keys.begin(), old_.keys.end());
    const std::vector<std::string_view> new_keys(new_.keys.begin(), new_.keys.end());
    const diff_internal::EditScript script =
        diff_internal::ComputeEditScript(old_keys, new_keys, &steps_);
    std::vector<std::size_t> deleted;
    std::vector<std::size_t> added;
    for (const diff_internal::Edit& edit : script.edits) {
      if (edit.op == EditOp::kCommon) {
        anchors_.emplace_back(edit.old_index, edit.new_index);
        Pair(edit.old_index, edit.new_index, Relation::kUnchanged);
      } else if (edit.op == EditOp::kDelete) {
        deleted.push_back(edit.old_index);
      } else {
        added.push_back(edit.new_index);
      }
    }
    // Equal contents among the rest, the k-th occurrence on one side with the k-th on the
    // other: (new, old) in new order. The deleted segments of one content form a list:
    // `first` holds its head, `next_equal` the links.
    std::unordered_map<std::string_view, std::size_t> first;
    first.reserve(deleted.size());
    std::vector<std::size_t> next_equal(old_keys.size(), kNoIndex);
    for (auto it = deleted.rbegin(); it != deleted.rend(); ++it) {
      const auto [slot, inserted] = first.try_emplace(old_keys[*it], *it);
      if (!inserted) {
        next_equal[*it] = slot->second;
        slot->second = *it;
      }
    }
    std::vector<Match> equal;
    for (const std::size_t n : added) {
      const auto it = first.find(new_keys[n]);
      if (it == first.end() || it->second == kNoIndex) continue;
      equal.emplace_back(n, it->second);
      it->second = next_equal[it->second];
    }
    if (!script.minimal) {
      result_.approximate = true;
      // The script kept only the common first and last segments; all pairs lie between.
      for (const auto& [n, o] : diff_internal::LongestIncreasingChain(equal)) {
        anchors_.emplace_back(o, n);
        Pair(o, n, Relation::kUnchanged);
      }
      std::sort(anchors_.begin(), anchors_.end());
    }
    for (const auto& [n, o] : equal) {
      if (new_.relation[n] == Relation::kNone) Pair(o, n, Relation::kMoved);
    }
  }

  // Phase 2: between consecutive anchors, the segments left on both sides.
  void GroupEditedSegments() {
    std::vector<Match> bounds = anchors_;
    bounds.emplace_back(old_.segments.size(), new_.segments.size());
    std::size_t old_from = 0;
    std::size_t new_from = 0;
    for (const auto& [old_to, new_to] : bounds) {
      std::vector<std::size_t> olds;
      std::vector<std::size_t> news;
      for (std::size_t o = old_from; o < old_to; ++o) {
        if (old_.relation[o] == Relation::kNone) olds.push_back(o);
      }
      for (std::size_t n = new_from; n < new_to; ++n) {
        if (new_.relation[n] == Relation::kNone) news.push_back(n);
      }
      if (!olds.empty() && !news.empty()) GroupGap(olds, news);
      PlaceRemovals(old_from, old_to, new_from);
      old_from = old_to + 1;
      new_from = new_to + 1;
    }
    GroupAcrossGaps();
  }

  // Then the segments still left, across gaps: a clause edited and moved past an unchanged
  // one is modified, not removed and added. Only one-to-one: the parts of a split or merge
  // are sought next to each other, in one gap.
  void GroupAcrossGaps() {
    std::vector<std::size_t> olds;
    std::vector<std::size_t> news;
    for (std::size_t o = 0; o < old_.segments.size(); ++o) {
      if (old_.relation[o] == Relation::kNone) olds.push_back(o);
    }
    for (std::size_t n = 0; n < new_.segments.size(); ++n) {
      if (new_.relation[n] == Relation::kNone) news.push_back(n);
    }
    if (!olds.empty() && !news.empty()) GroupGap(olds, news, /*modified_only=*/true);
  }

  // A removed segment is listed after the new segments that continue the old ones before
  // it in its gap (else at the start of the gap).
  void PlaceRemovals(std::size_t old_from, std::size_t old_to, std::size_t new_from) {
    std::size_t place = new_from;
    for (std::size_t o = old_from; o < old_to; ++o) {
      if (old_.relation[o] == Relation::kGrouped) {
        place = std::max(place, groups_[old_.group[o]].news.back() + 1);
      } else if (old_.relation[o] == Relation::kNone) {
        removal_place_[o] = place;
      }
    }
  }

  void GroupGap(const std::vector<std::size_t>& olds, const std::vector<std::size_t>& news,
                bool modified_only = false) {
    std::vector<const diff_internal::WordBag*> old_bags;
    std::vector<const diff_internal::WordBag*> new_bags;
    for (const std::size_t o : olds) old_bags.push_back(&OldBag(o));
    for (const std::size_t n : news) new_bags.push_back(&NewBag(n));
    for (const SegmentGroup& found : diff_internal::MatchGap(old_bags, new_bags, &compare_words_,
                                                             &result_.approximate, modified_only)) {
      Group group{found.kind, {}, {}, found.keeper};
      for (const std::size_t k : found.olds) {
        group.olds.push_back(olds[k]);
        old_.relation[olds[k]] = Relation::kGrouped;
        old_.group[olds[k]] = groups_.size();
      }
      for (const std::size_t k : found.news) {
        group.news.push_back(news[k]);
        new_.relation[news[k]] = Relation::kGrouped;
        new_.group[news[k]] = groups_.size();
      }
      groups_.push_back(std::move(group));
    }
  }

  const diff_internal::WordBag& OldBag(std::size_t o) {
    auto [it, inserted] = old_bags_.try_emplace(o);
    if (inserted) it->second = words_.BagOf(old_.Content(o));
    return it->second;
  }
  const diff_internal::WordBag& NewBag(std::size_t n) {
    auto [it, inserted] = new_bags_.try_emplace(n);
    if (inserted) it->second = words_.BagOf(new_.Content(n));
    return it->second;
  }

  // Phase 3: the old id where a segment continues one, else a fresh one that no old or
  // carried-over id has.
  void AssignIds() {
    diff_internal::IdAllocator ids;
    ids.ExpectIds(old_.segments.size() + new_.segments.size());
    for (const Segment& segment : old_.segments) ids.Reserve(segment.id);
    std::vector<std::size_t> fresh;  // new segments without an old id, in order
    std::unordered_set<std::string> carried;
    carried.reserve(new_.segments.size());
    for (std::size_t n = 0; n < new_.segments.size(); ++n) {
      std::string& id = new_.segments[n].id;
      id.clear();
      if (new_.relation[n] == Relation::kUnchanged || new_.relation[n] == Relation::kMoved) {
        id = old_.segments[new_.partner[n]].id;
      } else if (new_.relation[n] == Relation::kGrouped) {
        const Group& group = groups_[new_.group[n]];
        if (group.kind == SegmentChangeKind::kModified) {
          id = old_.segments[group.olds.front()].id;
        } else if (group.kind == SegmentChangeKind::kMerged) {
          id = old_.segments[group.olds[group.keeper]].id;
        } else if (group.news[group.keeper] == n) {
          id = old_.segments[group.olds.front()].id;
        }
      }
      // Ids of valid old segments are distinct; a caller's list with repeats must still not
      // make two new segments share one.
      if (!id.empty() && !carried.insert(id).second) id.clear();
      if (id.empty()) fresh.push_back(n);
    }
    for (const std::size_t n : fresh) {
      new_.segments[n].id = ids.Allocate(diff_internal::ContentId(new_.Content(n)));
    }
  }

  std::vector<std::string> OldIds(const std::vector<std::size_t>& olds) const {
    std::vector<std::string> ids;
    for (const std::size_t o : olds) ids.push_back(old_.segments[o].id);
    return ids;
  }
  std::vector<std::string> NewIds(const std::vector<std::size_t>& news) const {
    std::vector<std::string> ids;
    for (const std::size_t n : news) ids.push_back(new_.segments[n].id);
    return ids;
  }

  // Phase 4: the changes in new text order, removals where PlaceRemovals put them.
  void ListChanges() {
    std::vector<std::vector<std::size_t>> removals_at(new_.segments.size() + 1);
    for (std::size_t o = 0; o < old_.segments.size(); ++o) {
      if (old_.relation[o] == Relation::kNone) removals_at[removal_place_[o]].push_back(o);
    }
    for (std::size_t n = 0; n <= new_.segments.size(); ++n) {
      for (const std::size_t o : removals_at[n]) {
        AddChange({SegmentChangeKind::kRemoved,
                   {old_.segments[o].id},
                   {},
                   old_.segments[o].section_path});
      }
      if (n == new_.segments.size()) break;
      const Segment& segment = new_.segments[n];
      switch (new_.relation[n]) {
        case Relation::kUnchanged:
          break;
        case Relation::kNone:
          AddChange({SegmentChangeKind::kAdded, {}, {segment.id}, segment.section_path});
          break;
        case Relation::kMoved:
          AddChange({SegmentChangeKind::kMoved, {segment.id}, {segment.id}, segment.section_path});
          break;
        case Relation::kGrouped: {
          const Group& group = groups_[new_.group[n]];
          if (group.news.front() != n) break;  // listed with its first new segment
          AddChange({group.kind, OldIds(group.olds), NewIds(group.news), segment.section_path});
          break;
        }
      }
    }
  }

  void AddChange(SegmentChange change) {
    if (result_.changes.size() < limits_.max_changes) {
      result_.changes.push_back(std::move(change));
    } else {
      ++result_.changes_truncated;
    }
  }

  diff_internal::SpanText OldSpan(std::size_t o) const {
    return {old_.Span(old_.segments[o]), old_.segments[o].start};
  }
  diff_internal::SpanText NewSpan(std::size_t n) const {
    return {new_.Span(new_.segments[n]), new_.segments[n].start};
  }

  // Phase 5: the offset map, sorted by old offset.
  void BuildOffsetMap() {
    std::vector<OffsetRun>& runs = result_.offset_map;
    for (std::size_t o = 0; o < old_.segments.size(); ++o) {
      if (old_.relation[o] == Relation::kUnchanged || old_.relation[o] == Relation::kMoved) {
        diff_internal::AppendKeptRuns({OldSpan(o)}, {NewSpan(old_.partner[o])}, &steps_,
                                      &result_.approximate, &runs);
      }
    }
    for (const Group& group : groups_) {
      std::vector<diff_internal::SpanText> olds;
      std::vector<diff_internal::SpanText> news;
      for (const std::size_t o : group.olds) olds.push_back(OldSpan(o));
      for (const std::size_t n : group.news) news.push_back(NewSpan(n));
      diff_internal::AppendKeptRuns(olds, news, &steps_, &result_.approximate, &runs);
    }
    std::sort(runs.begin(), runs.end(),
              [](const OffsetRun& a, const OffsetRun& b) { return a.old_start < b.old_start; });
  }

  const AlignLimits& limits_;
  Side old_;
  Side new_;
  StepBudget steps_;                        // dtl steps: the segment script, then the word diffs
  StepBudget compare_words_;                // word comparisons of phase 2
  std::vector<Match> anchors_;              // (old, new) of the unchanged segments, increasing
  std::vector<std::size_t> removal_place_;  // per removed old segment: its new position
  std::vector<Group> groups_;
  diff_internal::WordNumbers words_;
  std::unordered_map<std::size_t, diff_internal::WordBag> old_bags_;
  std::unordered_map<std::size_t, diff_internal::WordBag> new_bags_;
  SegmentAlignment result_;
};

}  // namespace

std::string_view SegmentChangeKindName(SegmentChangeKind kind) {
  switch (kind) {
    case SegmentChangeKind::kAdded:
      return "added";
    case SegmentChangeKind::kRemoved:
      return "removed";
    case SegmentChangeKind::kModified:
      return "modified";
    case SegmentChangeKind::kMoved:
      return "moved";
    case SegmentChangeKind::kSplit:
      return "split";
    case SegmentChangeKind::kMerged:
      return "merged";
  }
  return "modified";
}

SegmentAlignment AlignSegments(std::string_view old_text, const std::vector<Segment>& old_segments,
                               std::string_view new_text, const AlignLimits& limits) {
  return Aligner(old_text, old_segments, new_text, limits).Run();
}

}  // namespace policyd
