#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/segments.h"

namespace policyd {
namespace {

using Ids = std::vector<std::string>;
using Path = std::vector<std::string>;

// The id of the segment of `segments` whose text in `text` is `wanted` ("" if none).
std::string IdOf(std::string_view text, const std::vector<Segment>& segments,
                 std::string_view wanted) {
  for (const Segment& segment : segments) {
    if (SegmentText(text, segment) == wanted) return segment.id;
  }
  return "";
}

Ids AllIds(const std::vector<Segment>& segments) {
  Ids ids;
  for (const Segment& segment : segments) ids.push_back(segment.id);
  return ids;
}

// "kind old_ids -> new_ids" per change, for compact expectations.
std::vector<std::string> Describe(const std::vector<SegmentChange>& changes) {
  std::vector<std::string> out;
  for (const SegmentChange& change : changes) {
    std::string line(SegmentChangeKindName(change.kind));
    for (const std::string& id : change.old_ids) line += " " + id;
    line += " ->";
    for (const std::string& id : change.new_ids) line += " " + id;
    out.push_back(line);
  }
  return out;
}

// The code point offset of byte `byte` of `text`.
std::size_t CodePointAt(std::string_view text, std::size_t byte) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < byte; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++count;
  }
  return count;
}

const std::string kOld =
    "# Privacy Policy\n\n"
    "We collect your email address.\n\n"
    "We keep your data for two years.\n\n"
    "## Sharing\n\n"
    "We share data with payment processors.\n\n"
    "We never sell your data.\n";

TEST(SegmentAlignTest, UnchangedSegmentsKeepTheirIdsAroundInsertionsAndRemovals) {
  const std::vector<Segment> old_segments = SplitSegments(kOld);
  const std::string new_text =
      "# Privacy Policy\n\n"
      "This policy applies from 1 May.\n\n"  // added
      "We collect your email address.\n\n"
      // "We keep your data..." removed
      "## Sharing\n\n"
      "We share data with payment processors.\n\n"
      "We never sell your data.\n";
  const SegmentAlignment result = AlignSegments(kOld, old_segments, new_text);
  EXPECT_FALSE(result.approximate);
  ASSERT_EQ(result.segments.size(), 6u);
  for (const char* kept : {"Privacy Policy", "We collect your email address.", "Sharing",
                           "We share data with payment processors.", "We never sell your data."}) {
    EXPECT_EQ(IdOf(new_text, result.segments, kept), IdOf(kOld, old_segments, kept)) << kept;
  }
  const std::string added = IdOf(new_text, result.segments, "This policy applies from 1 May.");
  const std::string removed = IdOf(kOld, old_segments, "We keep your data for two years.");
  EXPECT_EQ(added, SplitSegments("This policy applies from 1 May.\n")[0].id);  // fresh
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"added -> " + added, "removed " + removed + " ->"}));
  EXPECT_EQ(result.changes[0].section_path, Path{"Privacy Policy"});
  EXPECT_EQ(result.changes[1].section_path, Path{"Privacy Policy"});  // the old one's
  EXPECT_EQ(result.changes_truncated, 0u);

  // Same text again: no change, same ids, the whole segment text mapped.
  const SegmentAlignment same = AlignSegments(new_text, result.segments, new_text);
  EXPECT_TRUE(same.changes.empty());
  EXPECT_EQ(AllIds(same.segments), AllIds(result.segments));
  for (const Segment& segment : same.segments) {
    EXPECT_EQ(MapOffset(same.offset_map, segment.start), segment.start);
    EXPECT_EQ(MapOffset(same.offset_map, segment.end - 1), segment.end - 1);
  }
}

// kOld without its "We collect" paragraph, and `last` at the end, under "Sharing".
std::string PolicyEndingWith(std::string_view last) {
  return "# Privacy Policy\n\n"
         "We keep your data for two years.\n\n"
         "## Sharing\n\n"
         "We share data with payment processors.\n\n"
         "We never sell your data.\n\n" +
         std::string(last) + "\n";
}

TEST(SegmentAlignTest, MovedSegmentsKeepTheirIdsAndAreReportedMoved) {
  const std::vector<Segment> old_segments = SplitSegments(kOld);
  const std::string new_text = PolicyEndingWith("We collect your email address.");
  const SegmentAlignment result = AlignSegments(kOld, old_segments, new_text);
  const std::string moved = IdOf(kOld, old_segments, "We collect your email address.");
  EXPECT_EQ(IdOf(new_text, result.segments, "We collect your email address."), moved);
  EXPECT_EQ(AllIds(result.segments).size(), 6u);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"moved " + moved + " -> " + moved}));
  EXPECT_EQ(result.changes[0].section_path, (Path{"Privacy Policy", "Sharing"}));
  // Its characters moved with it.
  const Segment& old_segment = old_segments[1];
  const Segment& new_segment = result.segments[5];
  EXPECT_EQ(MapOffset(result.offset_map, old_segment.start), new_segment.start);
  EXPECT_EQ(MapOffset(result.offset_map, old_segment.start + 7), new_segment.start + 7);
}

TEST(SegmentAlignTest, ModifiedSegmentKeepsItsIdAndRewrittenOneIsRemovedAndAdded) {
  const std::vector<Segment> old_segments = SplitSegments(kOld);
  const std::string new_text =
      "# Privacy Policy\n\n"
      "We collect your email address and phone number.\n\n"  // words added: modified
      "Cookies help us understand visits.\n\n"               // rewritten: removed + added
      "## Sharing\n\n"
      "We share data with payment processors.\n\n"
      "We never sell your data.\n";
  const SegmentAlignment result = AlignSegments(kOld, old_segments, new_text);
  const std::string collect = IdOf(kOld, old_segments, "We collect your email address.");
  const std::string keep = IdOf(kOld, old_segments, "We keep your data for two years.");
  EXPECT_EQ(IdOf(new_text, result.segments, "We collect your email address and phone number."),
            collect);
  const std::string cookies = IdOf(new_text, result.segments, "Cookies help us understand visits.");
  EXPECT_NE(cookies, keep);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"modified " + collect + " -> " + collect,
                                      "removed " + keep + " ->", "added -> " + cookies}));
}

// A clause edited and swapped with its neighbour (or moved to another section) is the same
// clause: it keeps its id, and the quotes in its unchanged words still map.
TEST(SegmentAlignTest, ModifiedSegmentMovedPastAnUnchangedOneKeepsItsId) {
  const std::vector<Segment> old_segments = SplitSegments(kOld);
  const std::string new_text =  // moved to the end and edited
      PolicyEndingWith("We collect your email address and phone number.");
  const SegmentAlignment result = AlignSegments(kOld, old_segments, new_text);
  const std::string collect = IdOf(kOld, old_segments, "We collect your email address.");
  EXPECT_EQ(IdOf(new_text, result.segments, "We collect your email address and phone number."),
            collect);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"modified " + collect + " -> " + collect}));
  EXPECT_EQ(result.changes[0].section_path, (Path{"Privacy Policy", "Sharing"}));
  const std::size_t old_email = kOld.find("email address.");
  const std::size_t new_email = new_text.find("email address and");
  EXPECT_EQ(MapOffset(result.offset_map, old_email), new_email);
  // A rewritten clause elsewhere is still removed + added.
  const std::string rewritten = PolicyEndingWith("Cookies help us understand visits.");
  const SegmentAlignment other = AlignSegments(kOld, old_segments, rewritten);
  EXPECT_EQ(Describe(other.changes).size(), 2u);
  EXPECT_NE(IdOf(rewritten, other.segments, "Cookies help us understand visits."), collect);
}

TEST(SegmentAlignTest, SplitAndMergeAreSaidSo) {
  const std::string old_text =
      "# Terms\n\n"
      "You may cancel at any time. Refunds are paid within fourteen days of the request.\n\n"
      "Disputes go to court.\n\n"
      "We may assign this contract.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const std::string new_text =
      "# Terms\n\n"
      "You may cancel at any time.\n\n"
      "Refunds are paid within fourteen days of the request.\n\n"
      "Disputes go to court. We may assign this contract.\n";
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  ASSERT_EQ(result.segments.size(), 4u);
  const std::string whole = old_segments[1].id;
  // The part sharing the most words with the old paragraph (the second) keeps its id.
  EXPECT_EQ(result.segments[2].id, whole);
  const std::string first_part = result.segments[1].id;
  EXPECT_NE(first_part, whole);
  EXPECT_EQ(first_part, SplitSegments("You may cancel at any time.")[0].id);
  // The merged paragraph keeps the id of its larger part ("We may assign..." has 5 words).
  const std::string merged = result.segments[3].id;
  EXPECT_EQ(merged, old_segments[3].id);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{
                "split " + whole + " -> " + first_part + " " + whole,
                "merged " + old_segments[2].id + " " + old_segments[3].id + " -> " + merged}));
  EXPECT_EQ(result.changes[0].section_path, Path{"Terms"});
  // Offsets: "Refunds" moved to the start of its own paragraph.
  const std::size_t refunds_old = CodePointAt(old_text, old_text.find("Refunds"));
  EXPECT_EQ(MapOffset(result.offset_map, refunds_old), result.segments[2].start);
  const std::size_t assign_old = CodePointAt(old_text, old_text.find("assign"));
  EXPECT_EQ(MapOffset(result.offset_map, assign_old),
            CodePointAt(new_text, new_text.find("assign")));
}

// A clause whose first sentence stays and whose larger rest moves to another section: the rest
// continues it (the words are nearly all its) and keeps its id, the sentence left behind is
// new. The two leftovers, far apart, were taken for the parts of a split across sections,
// which is never kept, and the clause was removed with both parts added (found by an
// analyzer's replay: the annotation was lost).
TEST(SegmentAlignTest, ALargerPartMovedToAnotherSectionKeepsTheClausesId) {
  const std::string clause =
      "We keep your messages. Messages you send to other members are stored on our servers "
      "in the European Union for as long as your account exists, and are deleted within "
      "thirty days after you close it, unless a court or an authority asks us to keep them "
      "longer, in which case we keep only what was asked for.";
  const std::string kept = "We keep your messages.";
  const std::string moved = clause.substr(kept.size() + 1);
  const std::string old_text = "# Privacy\n\n## Storage\n\n" + clause +
                               "\n\nBackups are encrypted.\n\n## Sharing\n\nWe share data "
                               "with payment processors.\n\nWe never sell your data.\n";
  const std::string new_text = "# Privacy\n\n## Storage\n\n" + kept +
                               "\n\nBackups are encrypted.\n\n## Sharing\n\nWe share data "
                               "with payment processors.\n\nWe never sell your data.\n\n" +
                               moved + "\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  const std::string id = IdOf(old_text, old_segments, clause);
  EXPECT_EQ(IdOf(new_text, result.segments, moved), id);
  const std::string remnant = IdOf(new_text, result.segments, kept);
  EXPECT_NE(remnant, id);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"added -> " + remnant, "modified " + id + " -> " + id}));
}

// A new clause inserted between the parts of a split is a new clause: `added`, for the
// analyzers that review new commitments. Made of common words the old paragraph has too, it
// was taken for a third part of the split, although the two real parts already hold all of the
// old paragraph's words (found by an analyzer's replay).
TEST(SegmentAlignTest, ANewClauseBetweenThePartsOfASplitIsAdded) {
  const std::string first =
      "We share your personal data with the service providers that help "
      "us to run the service.";
  const std::string rest =
      "We also share data with the other companies of the group for the "
      "reasons below. Read on to learn more about your rights.";
  const std::string inserted =
      "We never sell your personal data to the data brokers or to the advertisers.";
  const std::string old_text = "# Privacy\n\n" + first + " " + rest +
                               "\n\n## Groups\n\nWe "
                               "are part of the Acme group.\n";
  const std::string new_text = "# Privacy\n\n" + first + "\n\n" + inserted + "\n\n" + rest +
                               "\n\n## Groups\n\nWe are part of the Acme group.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  const std::string added = IdOf(new_text, result.segments, inserted);
  ASSERT_FALSE(added.empty());
  bool listed_as_added = false;
  for (const SegmentChange& change : result.changes) {
    const bool holds =
        std::find(change.new_ids.begin(), change.new_ids.end(), added) != change.new_ids.end();
    if (holds) {
      EXPECT_EQ(change.kind, SegmentChangeKind::kAdded)
          << ::testing::PrintToString(Describe(result.changes));
      listed_as_added = change.kind == SegmentChangeKind::kAdded;
    }
  }
  EXPECT_TRUE(listed_as_added) << ::testing::PrintToString(Describe(result.changes));
  // The old paragraph's id stays with the part that continues it.
  EXPECT_EQ(IdOf(new_text, result.segments, rest),
            IdOf(old_text, old_segments, first + " " + rest));
}

// A sentence moved from the end of one paragraph to the end of the next, longer than the
// paragraph it joins: each paragraph is modified and keeps its id, as the Dice rule says
// (the receiver keeps all its words: 0.58; the donor keeps its first sentence: 0.55). The
// receiver, which now holds more of the donor's words than its own, was taken for the
// donor's split-off part: the donor's id went to it and the receiver was reported removed,
// detaching the annotations of its unchanged text (found by an annotator's replay).
TEST(SegmentAlignTest, ASentenceMovedIntoAShorterNeighbourKeepsBothIds) {
  const std::string kept = "We collect your email address and your phone number when you register.";
  const std::string moved =
      "Members who close their account can ask us to delete every message and photo they "
      "have sent within thirty days.";
  const std::string receiver = "Backups are stored on servers in Ireland and copied every night.";
  const std::string before = "# Privacy\n\n## Data\n\n";
  const std::string after = "\n\n## Sharing\n\nWe never sell it.\n";
  const std::string old_text = before + kept + " " + moved + "\n\n" + receiver + after;
  const std::string new_text = before + kept + "\n\n" + receiver + " " + moved + after;
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  const std::string donor_id = IdOf(old_text, old_segments, kept + " " + moved);
  const std::string receiver_id = IdOf(old_text, old_segments, receiver);
  EXPECT_EQ(IdOf(new_text, result.segments, kept), donor_id);
  EXPECT_EQ(IdOf(new_text, result.segments, receiver + " " + moved), receiver_id);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"modified " + donor_id + " -> " + donor_id,
                                      "modified " + receiver_id + " -> " + receiver_id}));
  // A quote of the receiver's unchanged text moves with it.
  const std::size_t quote_old = CodePointAt(old_text, old_text.find("Ireland"));
  EXPECT_EQ(MapOffset(result.offset_map, quote_old),
            CodePointAt(new_text, new_text.find("Ireland")));

  // The mirror: the next paragraph's first sentence moved to the end of a shorter one.
  const std::string mirror_old = before + kept + "\n\n" + moved + " " + receiver + after;
  const std::string mirror_new = before + kept + " " + moved + "\n\n" + receiver + after;
  const std::vector<Segment> mirror_segments = SplitSegments(mirror_old);
  const SegmentAlignment mirror = AlignSegments(mirror_old, mirror_segments, mirror_new);
  const std::string first_id = IdOf(mirror_old, mirror_segments, kept);
  const std::string second_id = IdOf(mirror_old, mirror_segments, moved + " " + receiver);
  EXPECT_EQ(IdOf(mirror_new, mirror.segments, kept + " " + moved), first_id);
  EXPECT_EQ(IdOf(mirror_new, mirror.segments, receiver), second_id);
  EXPECT_EQ(Describe(mirror.changes),
            (std::vector<std::string>{"modified " + first_id + " -> " + first_id,
                                      "modified " + second_id + " -> " + second_id}));
}

// The pairings only cross when each paragraph holds most of the other: a clause edited by one
// word stays with its old id, although the other way round two leftovers (each sharing half
// its words with one of them) would both keep an id.
TEST(SegmentAlignTest, AClauseEditedByOneWordIsNotTradedForTwoHalfMatches) {
  const std::string edited_old = "alpha bravo charlie delta echo foxtrot golf hotel india juliet.";
  const std::string edited_new = "alpha bravo charlie delta echo foxtrot golf hotel india zulu.";
  const std::string removed = "alpha bravo charlie delta echo kilo lima mike november oscar.";
  const std::string added = "foxtrot golf hotel india juliet papa quebec romeo sierra tango.";
  const std::string old_text = "# Terms\n\n" + edited_old + "\n\n" + removed + "\n\n# End\n";
  const std::string new_text = "# Terms\n\n" + edited_new + "\n\n" + added + "\n\n# End\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  const std::string id = IdOf(old_text, old_segments, edited_old);
  EXPECT_EQ(IdOf(new_text, result.segments, edited_new), id);
  const std::string added_id = IdOf(new_text, result.segments, added);
  EXPECT_EQ(Describe(result.changes),
            (std::vector<std::string>{"modified " + id + " -> " + id,
                                      "removed " + IdOf(old_text, old_segments, removed) + " ->",
                                      "added -> " + added_id}));
}

// A nested list item moved out to the level above is substantive (the class: what it is
// listed under changed), so the event names its clause: modified, keeping its id, as a
// heading moved to another level is. It listed no clause at all (a review of the day's
// changes).
TEST(SegmentAlignTest, AListItemMovedUpALevelIsModified) {
  const std::string old_text =
      "# Data\n\n- Information you give us:\n  - Your name.\n  - Photos you upload.\n"
      "- Information we collect automatically.\n";
  const std::string new_text =
      "# Data\n\n- Information you give us:\n  - Your name.\n- Photos you upload.\n"
      "- Information we collect automatically.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  const std::string photos = IdOf(old_text, old_segments, "Photos you upload.");
  ASSERT_FALSE(photos.empty());
  EXPECT_EQ(IdOf(new_text, result.segments, "Photos you upload."), photos);
  EXPECT_EQ(Describe(result.changes),
            std::vector<std::string>{"modified " + photos + " -> " + photos});
}

TEST(SegmentAlignTest, RepeatedParagraphsGetDistinctDeterministicIds) {
  const std::string old_text = "# Plan A\n\nNot applicable.\n\n# Plan B\n\nNot applicable.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const std::string base = old_segments[1].id;
  EXPECT_EQ(old_segments[3].id, base + "-2");
  const std::string new_text =
      "# Plan A\n\nNot applicable.\n\n# Plan B\n\nNot applicable.\n\n# Plan C\n\n"
      "Not applicable.\n";
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  EXPECT_EQ(result.segments[1].id, base);
  EXPECT_EQ(result.segments[3].id, base + "-2");
  EXPECT_EQ(result.segments[5].id, base + "-3");  // the next free suffix
  const SegmentAlignment again = AlignSegments(old_text, old_segments, new_text);
  EXPECT_EQ(AllIds(again.segments), AllIds(result.segments));

  // A new paragraph whose content id is held by a carried-over (edited) segment.
  const std::string v1 = "Data is kept.\n";
  const std::vector<Segment> s1 = SplitSegments(v1);
  const std::string v2 = "Data is kept for a year.\n";
  const SegmentAlignment a2 = AlignSegments(v1, s1, v2);
  ASSERT_EQ(a2.segments.size(), 1u);
  EXPECT_EQ(a2.segments[0].id, s1[0].id);  // modified, keeps the id of "Data is kept."
  const std::string v3 = "Data is kept for a year.\n\nData is kept.\n";
  const SegmentAlignment a3 = AlignSegments(v2, a2.segments, v3);
  EXPECT_EQ(a3.segments[0].id, s1[0].id);
  EXPECT_EQ(a3.segments[1].id, s1[0].id + "-2");  // unique within the version
}

TEST(SegmentAlignTest, TypographicAndWhiteSpaceEditsKeepTheId) {
  const std::string old_text = "We don't sell \"your\" data - ever.\n\n- An item\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const std::string new_text =
      "We don\u2019t  sell \u201cyour\u201d data \u2014 ever.\n\n1. An item\n";
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.segments[0].id, old_segments[0].id);
  // "- " to "1. ": the marker is not in the content, so the item is unchanged.
  EXPECT_EQ(result.segments[1].id, old_segments[1].id);
  EXPECT_EQ(Describe(result.changes), (std::vector<std::string>{"modified " + old_segments[0].id +
                                                                " -> " + old_segments[0].id}));
  // A paragraph that became a list item: the same clause, modified (kind changed).
  const SegmentAlignment kind =
      AlignSegments(old_text, old_segments, "- We don't sell \"your\" data - ever.\n\n- An item\n");
  EXPECT_EQ(kind.segments[0].id, old_segments[0].id);
  EXPECT_EQ(kind.segments[0].kind, SegmentKind::kListItem);
  EXPECT_EQ(kind.changes.size(), 1u);
  EXPECT_EQ(kind.changes[0].kind, SegmentChangeKind::kModified);
}

TEST(SegmentAlignTest, RenamedHeadingIsModifiedAndSectionPathsFollowLevels) {
  const std::string old_text = "# Policy\n\n## Cookies\n\nWe use cookies.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  EXPECT_EQ(old_segments[2].section_path, (Path{"Policy", "Cookies"}));
  const std::string new_text = "# Policy\n\n## Cookies and trackers\n\nWe use cookies.\n";
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  EXPECT_EQ(AllIds(result.segments), AllIds(old_segments));
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].kind, SegmentChangeKind::kModified);
  EXPECT_EQ(result.changes[0].new_ids, Ids{old_segments[1].id});
  EXPECT_EQ(result.changes[0].section_path, Path{"Policy"});
  EXPECT_EQ(result.segments[2].section_path, (Path{"Policy", "Cookies and trackers"}));
}

// A heading moved up or down a level restructures the sections under it: the event names the
// heading, modified, keeping its id (its words are the same), and the clauses under it keep
// theirs with their new section path.
TEST(SegmentAlignTest, AHeadingsLevelChangeIsAModification) {
  const std::string old_text =
      "# Policy\n\n## How we use data\n\n### Retention\n\nWe keep data for a year.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  ASSERT_EQ(old_segments.size(), 4u);
  EXPECT_EQ(old_segments[3].section_path, (Path{"Policy", "How we use data", "Retention"}));
  const std::string new_text =
      "# Policy\n\n## How we use data\n\n## Retention\n\nWe keep data for a year.\n";
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  EXPECT_EQ(AllIds(result.segments), AllIds(old_segments));
  EXPECT_EQ(Describe(result.changes), std::vector<std::string>{"modified " + old_segments[2].id +
                                                               " -> " + old_segments[2].id});
  EXPECT_EQ(result.segments[3].section_path, (Path{"Policy", "Retention"}));
}

TEST(SegmentAlignTest, OffsetMapFollowsUnchangedWordsOfEditedNonAsciiSegments) {
  const std::string old_text =
      "# Données\n\nNous conservons vos données 😀 pendant deux ans.\n\nÜber uns.\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const std::string new_text =
      "# Données\n\nAvant-propos ajouté.\n\n"
      "Nous conservons vos données 😀 pendant trois ans.\n\nÜber uns.\n";
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  ASSERT_EQ(result.segments.size(), 4u);
  EXPECT_EQ(result.segments[2].id, old_segments[1].id);
  const auto old_at = [&](std::string_view word) {
    return CodePointAt(old_text, old_text.find(word));
  };
  const auto new_at = [&](std::string_view word) {
    return CodePointAt(new_text, new_text.find(word));
  };
  // Unchanged words of the modified paragraph, after an emoji and accents.
  EXPECT_EQ(MapOffset(result.offset_map, old_at("Nous")), new_at("Nous"));
  EXPECT_EQ(MapOffset(result.offset_map, old_at("pendant")), new_at("pendant"));
  EXPECT_EQ(MapOffset(result.offset_map, old_at("ans.")), new_at("ans."));
  EXPECT_EQ(MapOffset(result.offset_map, old_at("vos") - 1), new_at("vos") - 1);  // a space
  // The changed word, and the spaces next to it, are gone.
  EXPECT_EQ(MapOffset(result.offset_map, old_at("deux")), std::nullopt);
  EXPECT_EQ(MapOffset(result.offset_map, old_at("deux") + 3), std::nullopt);
  EXPECT_EQ(MapOffset(result.offset_map, old_at("deux") - 1), std::nullopt);
  EXPECT_EQ(MapOffset(result.offset_map, old_at("ans.") - 1), std::nullopt);
  // An unchanged paragraph after the inserted one, and the unchanged heading.
  EXPECT_EQ(MapOffset(result.offset_map, old_at("Über") + 2), new_at("Über") + 2);
  EXPECT_EQ(MapOffset(result.offset_map, 2), 2u);
  // Markers and blank lines are not segment text.
  EXPECT_EQ(MapOffset(result.offset_map, 0), std::nullopt);
  EXPECT_EQ(MapOffset(result.offset_map, old_at("Nous") - 1), std::nullopt);
  EXPECT_EQ(MapOffset(result.offset_map, 1'000'000), std::nullopt);
  // Runs map equal characters, sorted by old offset.
  for (std::size_t k = 1; k < result.offset_map.size(); ++k) {
    EXPECT_LE(result.offset_map[k - 1].old_start + result.offset_map[k - 1].length,
              result.offset_map[k].old_start);
  }
}

TEST(SegmentAlignTest, EmptyTextsAndEmptyVersions) {
  const SegmentAlignment empty = AlignSegments("", {}, "");
  EXPECT_TRUE(empty.segments.empty());
  EXPECT_TRUE(empty.changes.empty());
  EXPECT_TRUE(empty.offset_map.empty());
  EXPECT_EQ(MapOffset(empty.offset_map, 0), std::nullopt);

  const std::vector<Segment> old_segments = SplitSegments(kOld);
  const SegmentAlignment cleared = AlignSegments(kOld, old_segments, "");
  EXPECT_EQ(cleared.changes.size(), old_segments.size());
  for (const SegmentChange& change : cleared.changes) {
    EXPECT_EQ(change.kind, SegmentChangeKind::kRemoved);
  }
  const SegmentAlignment filled = AlignSegments("", {}, kOld);
  EXPECT_EQ(AllIds(filled.segments), AllIds(old_segments));  // fresh ids are content ids
  EXPECT_EQ(filled.changes.size(), old_segments.size());
}

TEST(SegmentAlignTest, StaleSpansAreClampedNotTrusted) {
  std::vector<Segment> stale = SplitSegments(kOld);
  stale.back().byte_end = 1'000'000;
  stale.back().end = 1'000'000;
  const SegmentAlignment result = AlignSegments(kOld, stale, kOld);
  EXPECT_EQ(result.segments.size(), stale.size());

  // Repeated ids in the caller's list: the new ids are distinct all the same.
  std::vector<Segment> repeated = SplitSegments(kOld);
  for (Segment& segment : repeated) segment.id = "s-same";
  const SegmentAlignment distinct = AlignSegments(kOld, repeated, kOld);
  Ids ids = AllIds(distinct.segments);
  EXPECT_EQ(ids.front(), "s-same");
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
}

TEST(SegmentAlignTest, ChangeListIsBoundedAndCountsWhatItLeavesOut) {
  std::string old_text;
  std::string new_text;
  for (int i = 0; i < 50; ++i) old_text += "Old clause number " + std::to_string(i) + ".\n\n";
  for (int i = 0; i < 50; ++i) new_text += "Fresh wording " + std::to_string(i) + " here.\n\n";
  AlignLimits limits;
  limits.max_changes = 10;
  const SegmentAlignment result =
      AlignSegments(old_text, SplitSegments(old_text), new_text, limits);
  EXPECT_EQ(result.changes.size(), 10u);
  EXPECT_EQ(result.changes_truncated, 90u);  // 50 removed + 50 added in all
  EXPECT_EQ(result.segments.size(), 50u);
}

// A text whose sections all come back in reverse order: dtl's search over the segment
// contents is over budget, so the in-order chain is approximated, and every segment still
// keeps its id (moved or unchanged).
TEST(SegmentAlignTest, MassiveReorderIsApproximateAndKeepsEveryId) {
  std::vector<std::string> sections;
  std::size_t bytes = 0;
  for (int i = 0; bytes < 1'000'000; ++i) {
    sections.push_back("## Section " + std::to_string(i) + "\n\nClause " + std::to_string(i) +
                       " says something about data retention and sharing.\n\n");
    bytes += sections.back().size();
  }
  std::string old_text;
  for (const std::string& section : sections) old_text += section;
  std::string new_text;
  for (auto it = sections.rbegin(); it != sections.rend(); ++it) new_text += *it;
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  EXPECT_TRUE(result.approximate);
  ASSERT_EQ(result.segments.size(), old_segments.size());
  Ids old_ids = AllIds(old_segments);
  Ids new_ids = AllIds(result.segments);
  std::sort(old_ids.begin(), old_ids.end());
  std::sort(new_ids.begin(), new_ids.end());
  EXPECT_EQ(new_ids, old_ids);
  EXPECT_EQ(result.changes.size(), AlignLimits{}.max_changes);
  EXPECT_GT(result.changes_truncated, 0u);
  for (const SegmentChange& change : result.changes) {
    EXPECT_EQ(change.kind, SegmentChangeKind::kMoved);
  }
  // The last old clause is the first new one.
  const Segment& last_old = old_segments.back();
  EXPECT_EQ(result.segments[1].id, last_old.id);
  EXPECT_EQ(MapOffset(result.offset_map, last_old.start + 3), result.segments[1].start + 3);
}

TEST(SegmentAlignTest, RewriteBeyondTheComparisonBudgetIsApproximate) {
  std::string old_text;
  std::string new_text;
  for (int i = 0; i < 200; ++i) {
    old_text += "Clause " + std::to_string(i) + " about retention of account data.\n\n";
    new_text += "Clause " + std::to_string(i) + " about retention of account records.\n\n";
  }
  AlignLimits limits;
  limits.max_compare_words = 20'000;  // not enough to compare every pair of 200 × 200
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text, limits);
  EXPECT_TRUE(result.approximate);
  // Each new paragraph is still compared with the old ones near its place.
  for (std::size_t i = 0; i < old_segments.size(); ++i) {
    EXPECT_EQ(result.segments[i].id, old_segments[i].id) << i;
  }
  const SegmentAlignment exact = AlignSegments(old_text, old_segments, new_text);
  EXPECT_FALSE(exact.approximate);
  EXPECT_EQ(AllIds(exact.segments), AllIds(result.segments));
}

// A sentence added in front of a kept one that starts with the same word ("We ..."): the
// shortest word script may keep the old "We" as the new text's first word, which splits the
// kept sentence in the offset map, so an analyzer's quote of it would start in the added
// sentence. The kept words map as one run onto the kept sentence, and the same when the
// sentence in front is removed. (dtl's first-match tie-break used to map the old "We" to
// offset 0 of the new paragraph, and leave the removed case's kept "We" unmapped.)
TEST(SegmentAlignTest, OffsetMapKeepsAKeptSentenceWholeWhenTextIsAddedInFront) {
  const std::string kept = "We share data with partners.";
  const std::string longer = "We may update this policy. " + kept;
  for (const bool added : {true, false}) {
    const std::string old_text = "# Policy\n\n" + (added ? kept : longer) + "\n";
    const std::string new_text = "# Policy\n\n" + (added ? longer : kept) + "\n";
    const std::vector<Segment> old_segments = SplitSegments(old_text);
    const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
    const std::size_t old_quote = CodePointAt(old_text, old_text.find(kept));
    const std::size_t new_quote = CodePointAt(new_text, new_text.find(kept));
    for (std::size_t i = 0; i < kept.size(); ++i) {
      EXPECT_EQ(MapOffset(result.offset_map, old_quote + i), new_quote + i)
          << (added ? "added" : "removed") << " in front; character " << i;
    }
  }
}

// One character changed in a Chinese clause: the clause is modified and keeps its id (its
// dictionary words mostly match), as an English one-word edit does.
TEST(SegmentAlignTest, AChineseClauseEditedByOneCharacterKeepsItsId) {
  const std::string old_text =
      "# 隐私政策\n\n我们的服务器日志数据保留九十天然后自动删除所有记录。\n";
  const std::string new_text =
      "# 隐私政策\n\n我们的服务器日志数据保留三十天然后自动删除所有记录。\n";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
  ASSERT_EQ(result.segments.size(), 2u);
  EXPECT_EQ(result.segments[1].id, old_segments[1].id);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].kind, SegmentChangeKind::kModified);
}

TEST(SegmentAlignTest, OneLongLineEditedInPlacesKeepsItsIdAndStaysBounded) {
  std::string old_text;
  for (int i = 0; old_text.size() < 1'000'000; ++i) old_text += "mot" + std::to_string(i) + " é ";
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  ASSERT_EQ(old_segments.size(), 1u);
  // One word replaced in the middle: exact, and the offsets after it shift by its length.
  std::string one_edit = old_text;
  const std::size_t middle = one_edit.find("mot50000 ");
  one_edit.replace(middle, 8, "changed!!");
  const SegmentAlignment edited = AlignSegments(old_text, old_segments, one_edit);
  EXPECT_FALSE(edited.approximate);
  ASSERT_EQ(edited.segments.size(), 1u);
  EXPECT_EQ(edited.segments[0].id, old_segments[0].id);
  ASSERT_EQ(edited.changes.size(), 1u);
  EXPECT_EQ(edited.changes[0].kind, SegmentChangeKind::kModified);
  const std::size_t last = old_segments[0].end - 1;
  EXPECT_EQ(MapOffset(edited.offset_map, last), last + 1);  // 9 code points for 8
  EXPECT_EQ(MapOffset(edited.offset_map, 5), 5u);
  // Every 40th pair of words swapped: the word diff of the offset map would take more than
  // the budget (dtl's cost grows with the reorderings), the id is still kept.
  std::string many_edits;
  for (int i = 0; many_edits.size() < 1'000'000; ++i) {
    const int word = i % 40 == 0 ? i + 1 : (i % 40 == 1 ? i - 1 : i);
    many_edits += "mot" + std::to_string(word) + " é ";
  }
  const SegmentAlignment bounded = AlignSegments(old_text, old_segments, many_edits);
  EXPECT_TRUE(bounded.approximate);
  EXPECT_EQ(bounded.segments[0].id, old_segments[0].id);
  EXPECT_EQ(bounded.changes.size(), 1u);
  // The common last words still map (both texts end with " é").
  EXPECT_EQ(MapOffset(bounded.offset_map, old_segments[0].end - 1), bounded.segments[0].end - 1);
}

TEST(SegmentAlignTest, NamesOfChangeKinds) {
  EXPECT_EQ(SegmentChangeKindName(SegmentChangeKind::kAdded), "added");
  EXPECT_EQ(SegmentChangeKindName(SegmentChangeKind::kRemoved), "removed");
  EXPECT_EQ(SegmentChangeKindName(SegmentChangeKind::kModified), "modified");
  EXPECT_EQ(SegmentChangeKindName(SegmentChangeKind::kMoved), "moved");
  EXPECT_EQ(SegmentChangeKindName(SegmentChangeKind::kSplit), "split");
  EXPECT_EQ(SegmentChangeKindName(SegmentChangeKind::kMerged), "merged");
}

}  // namespace
}  // namespace policyd
