// Segments: stable clause ids for the blocks of a stored text (issue 16 item 4), so that an
// analyzer who attached a note to a clause finds it again in the next version. Pure
// computation, thread-safe.
//
// A segment is one block of the Markdown that src/extract writes: a heading ("# " to
// "###### "), a paragraph (lines up to a blank line), a list item ("- ", "* ", "+ ", "1. ",
// "1) ", nested by indentation; its indented continuation lines belong to it), a table row
// ("| a | b |"; delimiter rows such as "|---|" are not segments), a block quote ("> " lines
// up to a blank line or a bare ">") or the inside of a code fence (``` or ~~~). Thematic
// breaks ("---") and blocks without text are not segments.
//
// A segment's span starts at its first character after the markers of its first line (the
// "## ", the "- " or "1. ", the "> "; a table row keeps its pipes; code starts at the start
// of its first non-blank line) and ends after the last non-space character of its last
// line; the continuation lines inside keep their own indentation or "> " markers. Its *content* is
// the span with those per-line markers and trailing spaces removed, and is what "the same text"
// means below.
//
// Ids: a segment first seen gets "s-" followed by the first 12 hex digits of the SHA-256 of
// its content with runs of white space as one space; the k-th repeat of the same content in
// a version (k >= 2) gets "-k" appended, and so does a new segment whose id is taken by a
// segment carried over (the smallest free k). Across versions, AlignSegments carries ids
// over; an id is never reused for another segment of the same version.
#ifndef POLICYD_SEGMENTS_H_
#define POLICYD_SEGMENTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/diff.h"
#include "policyd/status.h"

namespace policyd {

enum class SegmentKind { kHeading, kParagraph, kListItem, kTableRow, kQuote, kCode };
// "heading", "paragraph", "list_item", "table_row", "quote", "code".
std::string_view SegmentKindName(SegmentKind kind);

// Each heading text in a section path is cut to this many bytes (UTF-8 safe, ending in "…"):
// a section path is a label, and it is copied into every segment of its section.
inline constexpr std::size_t kMaxSectionNameBytes = 256;

struct Segment {
  std::string id;  // unique within a version, e.g. "s-3f9a1c0e7b2d" or "s-3f9a1c0e7b2d-2"
  SegmentKind kind = SegmentKind::kParagraph;
  // The texts of the headings above it, outermost first: a "##" under a "#" has both, a
  // later "#" ends both. A heading's own path excludes itself. Headings inside list items
  // or quotes are not headings.
  std::vector<std::string> section_path;
  // The span in the stored text, [start, end): in Unicode code points (bytes that are not
  // UTF-8 continuation bytes), and the same span in bytes.
  std::size_t start = 0;
  std::size_t end = 0;
  std::size_t byte_start = 0;
  std::size_t byte_end = 0;
};

// The segments of a stored text in order, each with a fresh content-derived id (see above).
// Linear time; an empty or blank text has none.
std::vector<Segment> SplitSegments(std::string_view text);

// The span of `segment` in `text` (its text as stored); "" when the span is not in `text`.
std::string_view SegmentText(std::string_view text, const Segment& segment);

enum class SegmentChangeKind { kAdded, kRemoved, kModified, kMoved, kSplit, kMerged };
// "added", "removed", "modified", "moved", "split", "merged".
std::string_view SegmentChangeKindName(SegmentChangeKind kind);

// One change from the old version's segments to the new one's.
//   kAdded     new_ids = {the new segment}; old_ids empty.
//   kRemoved   old_ids = {the old segment}; new_ids empty.
//   kModified  old_ids = new_ids = {the id}: the content changed, but kind and words are
//              still that clause (see kSegmentSimilarity); also typographic, white space
//              and kind-only changes (a paragraph that became a list item).
//   kMoved     old_ids = new_ids = {the id}: the same content at another place in the order.
//   kSplit     old_ids = {the old segment}; new_ids = its parts in order, one of which keeps
//              the old id: the part sharing the most words with it (the first on a tie).
//   kMerged    old_ids = the parts in order; new_ids = {the merged segment}, which keeps the
//              id of the part sharing the most words with it (the first on a tie).
// A segment whose content is the same at the same place (in the order of the unchanged
// segments) is not a change, even when its heading above was renamed.
struct SegmentChange {
  SegmentChangeKind kind = SegmentChangeKind::kModified;
  std::vector<std::string> old_ids;
  std::vector<std::string> new_ids;
  // The section path of the (first) new segment; of the old segment for kRemoved.
  std::vector<std::string> section_path;
};

// Code points [old_start, old_start + length) of the old text are the same characters as
// [new_start, new_start + length) of the new text.
struct OffsetRun {
  std::size_t old_start = 0;
  std::size_t new_start = 0;
  std::size_t length = 0;
};

// An edited segment is still the same clause when the Dice coefficient of the two word
// multisets (2 × shared words / (words of one + words of the other), words as ClassifyChange
// reads them: NFKC case-folded letters and digits, link targets ignored) is at least this.
// A split (merge) needs each part to have at least kSegmentPartContainment of its words in
// the whole, and the whole to reach kSegmentSimilarity with the parts together, and no part
// may be the best modification of another clause (a paragraph that received a sentence from
// its neighbour continues itself); of two pairings that cross, the one keeping more ids wins
// (a sentence moved between neighbours leaves both modified). Edited
// segments are sought between the same two unchanged segments first, then among those left
// anywhere: a segment edited and moved elsewhere is modified; the parts of a split or merge
// must be in the same gap. Scripts without spaces between words (Chinese,
// Japanese) make each run of letters one word, so an edit there is removed + added too.
inline constexpr double kSegmentSimilarity = 0.5;
inline constexpr double kSegmentPartContainment = 0.5;
// At most this many parts in one split or merge.
inline constexpr std::size_t kMaxSegmentParts = 8;

struct AlignLimits {
  // dtl search steps, shared by the alignment of the segment sequences and the word diffs of
  // the offset map (see policyd/diff.h).
  uint64_t max_steps = kDefaultDiffMaxSteps;
  // Word comparisons (words of one segment + words of the other + 16, per pair compared) for
  // finding the modified, split and merged segments between the unchanged ones: at most about
  // 0.1 s and, for a gap of tiny segments, about 1.2 million pairs (40 MB).
  uint64_t max_compare_words = 20'000'000;
  // Changes listed; the others are only counted (SegmentAlignment::changes_truncated).
  std::size_t max_changes = 1000;
};

struct SegmentAlignment {
  // The new text's segments (SplitSegments(new_text)), with the ids carried over from the
  // old segments they align with and fresh ids for the others.
  std::vector<Segment> segments;
  // In the order of the new text: a change with new segments at the place of its first one;
  // a removal where its segment was: after the new segments that continue the old ones
  // before it (back to the previous unchanged segment), before the changes that follow.
  // At most AlignLimits::max_changes entries.
  std::vector<SegmentChange> changes;
  std::size_t changes_truncated = 0;  // changes left out of `changes`
  // The characters of aligned segments (unchanged, moved, modified, split, merged) that are
  // the same in both texts, sorted by old_start, runs disjoint on both sides. Only segment
  // text is mapped: markers and blank lines between segments are not. Within an edited
  // segment, words are aligned by a word diff (dtl) and the white space between two kept
  // words is kept when it is the same.
  std::vector<OffsetRun> offset_map;
  // True when a search was over its budget: then the unchanged segments are those of a long
  // (not the longest) in-order chain of equal contents, the others with equal content are
  // `moved`; modified/split/merged segments are only sought near their expected place (or
  // not at all) and otherwise come out as removed + added; word diffs of the offset map keep
  // only the common first and last words of a segment.
  bool approximate = false;
};

// Aligns the segments of `new_text` with `old_segments`, the segments of `old_text` with
// their ids (SplitSegments(old_text), or DecodeSegmentIds's output, or the `segments` of the
// previous alignment). The result depends only on (old ids, old text, new text). Work is
// bounded by `limits`; spans of `old_segments` outside `old_text` are clamped to it.
SegmentAlignment AlignSegments(std::string_view old_text, const std::vector<Segment>& old_segments,
                               std::string_view new_text, const AlignLimits& limits = {});

// Where the character at code point `old_offset` of the old text is in the new text;
// nullopt when it is not mapped (changed, removed, or outside any segment). To move a quote
// [start, end), map start and end - 1.
std::optional<std::size_t> MapOffset(const std::vector<OffsetRun>& map, std::size_t old_offset);

// The persisted form of one version's ids: only the ids, in order, as a compact JSON array
// (["s-3f9a1c0e7b2d","s-..."]); everything else is SplitSegments(text) again. So the
// splitting rules are part of the stored format: a store keeps kSegmentRulesVersion with the
// ids, and when it differs, splits the stored text afresh (a changed rule may keep the count
// and move the boundaries, which DecodeSegmentIds cannot see).
inline constexpr int kSegmentRulesVersion = 1;
std::string EncodeSegmentIds(const std::vector<Segment>& segments);

// SplitSegments(text) with the ids of `encoded` (EncodeSegmentIds of the same text's
// segments) in place of the fresh ones. Corruption when `encoded` is not a JSON array of
// distinct non-empty strings of at most kMaxSegmentIdBytes bytes, or when their count is not
// the text's segment count; `out` is left unchanged then.
inline constexpr std::size_t kMaxSegmentIdBytes = 64;
Status DecodeSegmentIds(std::string_view encoded, std::string_view text, std::vector<Segment>* out);

}  // namespace policyd

#endif  // POLICYD_SEGMENTS_H_
