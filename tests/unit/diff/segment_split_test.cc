#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/segments.h"

namespace policyd {
namespace {

using Path = std::vector<std::string>;

std::vector<std::string> Texts(std::string_view text, const std::vector<Segment>& segments) {
  std::vector<std::string> texts;
  for (const Segment& segment : segments) texts.emplace_back(SegmentText(text, segment));
  return texts;
}

std::vector<SegmentKind> Kinds(const std::vector<Segment>& segments) {
  std::vector<SegmentKind> kinds;
  for (const Segment& segment : segments) kinds.push_back(segment.kind);
  return kinds;
}

const std::string kPolicy =
    "# Privacy Policy\n"
    "\n"
    "Intro paragraph.\n"
    "\n"
    "## Sharing\n"
    "\n"
    "- We share data\n"
    "  with processors.\n"
    "  - Payment processors\n"
    "1. Auditors\n"
    "\n"
    "| Data | Period |\n"
    "|---|---|\n"
    "| Logs | 30 days |\n"
    "\n"
    "> Quoted law\n"
    "> continues here.\n"
    "\n"
    "```\n"
    "  code line\n"
    "\n"
    "second\n"
    "```\n"
    "\n"
    "### Details\n"
    "\n"
    "---\n"
    "\n"
    "Detail text.\n"
    "\n"
    "# Contact\n"
    "\n"
    "Write to us.\n";

TEST(SegmentSplitTest, FindsEachBlockWithItsKindSpanAndSectionPath) {
  const std::vector<Segment> segments = SplitSegments(kPolicy);
  EXPECT_EQ(Texts(kPolicy, segments),
            (std::vector<std::string>{"Privacy Policy", "Intro paragraph.", "Sharing",
                                      "We share data\n  with processors.", "Payment processors",
                                      "Auditors", "| Data | Period |", "| Logs | 30 days |",
                                      "Quoted law\n> continues here.", "  code line\n\nsecond",
                                      "Details", "Detail text.", "Contact", "Write to us."}));
  using K = SegmentKind;
  EXPECT_EQ(
      Kinds(segments),
      (std::vector<SegmentKind>{K::kHeading, K::kParagraph, K::kHeading, K::kListItem, K::kListItem,
                                K::kListItem, K::kTableRow, K::kTableRow, K::kQuote, K::kCode,
                                K::kHeading, K::kParagraph, K::kHeading, K::kParagraph}));
  EXPECT_EQ(segments[0].section_path, Path{});  // a heading's path excludes itself
  EXPECT_EQ(segments[1].section_path, Path{"Privacy Policy"});
  EXPECT_EQ(segments[2].section_path, Path{"Privacy Policy"});
  EXPECT_EQ(segments[3].section_path, (Path{"Privacy Policy", "Sharing"}));
  EXPECT_EQ(segments[9].section_path, (Path{"Privacy Policy", "Sharing"}));
  EXPECT_EQ(segments[10].section_path, (Path{"Privacy Policy", "Sharing"}));
  EXPECT_EQ(segments[11].section_path, (Path{"Privacy Policy", "Sharing", "Details"}));
  EXPECT_EQ(segments[12].section_path, Path{});  // a new "#" ends all three
  EXPECT_EQ(segments[13].section_path, Path{"Contact"});
  // ASCII: code points and bytes agree.
  EXPECT_EQ(segments[1].byte_start, kPolicy.find("Intro"));
  EXPECT_EQ(segments[1].start, segments[1].byte_start);
  EXPECT_EQ(segments[1].end, segments[1].byte_start + 16);
}

TEST(SegmentSplitTest, OffsetsCountCodePointsInNonAsciiText) {
  // "É" and "é" are 2 bytes, "ß" 2, "😀" 4 (one code point each).
  const std::string text = "# Données personnelles\n\nÉté 😀 café.\n\n- Straße über\n";
  const std::vector<Segment> segments = SplitSegments(text);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(Texts(text, segments),
            (std::vector<std::string>{"Données personnelles", "Été 😀 café.", "Straße über"}));
  EXPECT_EQ(segments[0].start, 2u);
  EXPECT_EQ(segments[0].end, 22u);        // 20 code points
  EXPECT_EQ(segments[0].byte_end, 23u);   // "é" is 2 bytes
  EXPECT_EQ(segments[1].start, 24u);      // after "\n\n"
  EXPECT_EQ(segments[1].end, 24u + 11u);  // "Été 😀 café." is 11 code points
  EXPECT_EQ(segments[1].byte_end - segments[1].byte_start, 17u);
  EXPECT_EQ(segments[2].start, 35u + 4u);  // "\n\n- "
  EXPECT_EQ(segments[2].end, 39u + 11u);
  EXPECT_EQ(segments[0].section_path, Path{});
  EXPECT_EQ(segments[2].section_path, Path{"Données personnelles"});
}

TEST(SegmentSplitTest, IdsAreContentHashesAndRepeatsGetSuffixes) {
  const std::string text =
      "Intro paragraph.\n\nNot applicable.\n\nIntro   paragraph.\n\n- Intro paragraph.\n";
  const std::vector<Segment> segments = SplitSegments(text);
  ASSERT_EQ(segments.size(), 4u);
  // SHA-256("Intro paragraph.") starts 5c009a8e600d; white space runs count as one space,
  // and the kind is not part of the id.
  EXPECT_EQ(segments[0].id, "s-5c009a8e600d");
  EXPECT_EQ(segments[2].id, "s-5c009a8e600d-2");
  EXPECT_EQ(segments[3].id, "s-5c009a8e600d-3");
  EXPECT_NE(segments[1].id, segments[0].id);
  EXPECT_EQ(segments[1].id.size(), 14u);
  // Deterministic.
  std::vector<std::string> again;
  for (const Segment& segment : SplitSegments(text)) again.push_back(segment.id);
  EXPECT_EQ(again, (std::vector<std::string>{segments[0].id, segments[1].id, segments[2].id,
                                             segments[3].id}));
}

TEST(SegmentSplitTest, EmptyBlankAndHeadinglessTextsAndOneLongLine) {
  EXPECT_TRUE(SplitSegments("").empty());
  EXPECT_TRUE(SplitSegments("\n\n  \n\t\n").empty());
  EXPECT_TRUE(SplitSegments("#\n\n- \n\n|---|---|\n\n***\n").empty());

  const std::string plain = "First line\nsecond line\n\nSecond paragraph";
  const std::vector<Segment> segments = SplitSegments(plain);
  EXPECT_EQ(Texts(plain, segments),
            (std::vector<std::string>{"First line\nsecond line", "Second paragraph"}));
  EXPECT_EQ(segments[1].section_path, Path{});

  std::string line;
  while (line.size() < 1'000'000) line += "word été ";
  const std::vector<Segment> long_line = SplitSegments(line);
  ASSERT_EQ(long_line.size(), 1u);
  EXPECT_EQ(long_line[0].byte_end, line.size() - 1);  // the trailing space is not in it
  // "word été " is 11 bytes and 9 code points.
  EXPECT_EQ(long_line[0].end, line.size() - 1 - 2 * (line.size() / 11));
}

TEST(SegmentSplitTest, UnclosedFencesAndOddMarkersDoNotBreakTheScan) {
  const std::string text = "Before.\n```\nnever closed\n\n# not a heading\n";
  const std::vector<Segment> segments = SplitSegments(text);
  EXPECT_EQ(Texts(text, segments),
            (std::vector<std::string>{"Before.", "never closed\n\n# not a heading"}));
  EXPECT_EQ(segments[1].kind, SegmentKind::kCode);

  // "#hashtag" and "1.5" are text; "> " alone separates quotes; "2) " is an item.
  const std::string odd = "#hashtag\n1.5 percent\n\n> a\n>\n> b\n\n2) item\n";
  const std::vector<Segment> odd_segments = SplitSegments(odd);
  EXPECT_EQ(Texts(odd, odd_segments),
            (std::vector<std::string>{"#hashtag\n1.5 percent", "a", "b", "item"}));

  // The extractor escapes a page's own "# " and fences: paragraphs, under the real heading.
  const std::string escaped = "# Policy\n\n\\# of requests: 12\n\n\\~~~\n\n## Sharing\n";
  const std::vector<Segment> escaped_segments = SplitSegments(escaped);
  EXPECT_EQ(Kinds(escaped_segments),
            (std::vector<SegmentKind>{SegmentKind::kHeading, SegmentKind::kParagraph,
                                      SegmentKind::kParagraph, SegmentKind::kHeading}));
  EXPECT_EQ(escaped_segments[2].section_path, (Path{"Policy"}));
}

TEST(SegmentSplitTest, NamesOfKinds) {
  EXPECT_EQ(SegmentKindName(SegmentKind::kHeading), "heading");
  EXPECT_EQ(SegmentKindName(SegmentKind::kParagraph), "paragraph");
  EXPECT_EQ(SegmentKindName(SegmentKind::kListItem), "list_item");
  EXPECT_EQ(SegmentKindName(SegmentKind::kTableRow), "table_row");
  EXPECT_EQ(SegmentKindName(SegmentKind::kQuote), "quote");
  EXPECT_EQ(SegmentKindName(SegmentKind::kCode), "code");
}

TEST(SegmentSplitTest, LongHeadingsAreCutInSectionPaths) {
  const std::string heading(1000, 'h');
  const std::string text = "# " + heading + "\n\nBody.\n";
  const std::vector<Segment> segments = SplitSegments(text);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_EQ(SegmentText(text, segments[0]), heading);  // the segment itself is whole
  ASSERT_EQ(segments[1].section_path.size(), 1u);
  EXPECT_LE(segments[1].section_path[0].size(), kMaxSectionNameBytes);
  EXPECT_EQ(segments[1].section_path[0].substr(0, 10), "hhhhhhhhhh");
}

TEST(SegmentIdsCodecTest, RoundTripsAndRejectsWhatDoesNotFit) {
  const std::string text = "# A\n\nB.\n\nC.\n";
  std::vector<Segment> segments = SplitSegments(text);
  segments[1].id = "s-000000000001";  // as carried over from an older version
  const std::string encoded = EncodeSegmentIds(segments);
  EXPECT_EQ(encoded, "[\"" + segments[0].id + "\",\"s-000000000001\",\"" + segments[2].id + "\"]");
  std::vector<Segment> decoded;
  ASSERT_TRUE(DecodeSegmentIds(encoded, text, &decoded).ok());
  ASSERT_EQ(decoded.size(), 3u);
  EXPECT_EQ(decoded[1].id, "s-000000000001");
  EXPECT_EQ(decoded[1].byte_start, segments[1].byte_start);
  EXPECT_EQ(decoded[2].section_path, Path{"A"});

  const std::vector<Segment> untouched = decoded;
  const auto rejected = [&](std::string_view bad, std::string_view bad_text) {
    const Status status = DecodeSegmentIds(bad, bad_text, &decoded);
    EXPECT_EQ(status.code(), Status::Code::kCorruption) << bad;
    EXPECT_EQ(decoded.size(), untouched.size());  // left unchanged
    return status.message();
  };
  EXPECT_NE(rejected(encoded, "# A\n\nB.\n").find("3 ids for a text of 2 segments"),
            std::string::npos);
  rejected("[\"a\",", text);
  rejected("{\"a\":1}", text);
  rejected("[\"a\",\"b\",[\"c\"]]", text);
  rejected("[\"a\",\"b\",3]", text);
  rejected("[\"a\",\"b\",\"\"]", text);
  EXPECT_NE(rejected("[\"a\",\"b\",\"a\"]", text).find("a occurs twice"), std::string::npos);
  rejected("[\"a\",\"b\",\"" + std::string(kMaxSegmentIdBytes + 1, 'x') + "\"]", text);

  EXPECT_EQ(EncodeSegmentIds({}), "[]");
  ASSERT_TRUE(DecodeSegmentIds("[]", "", &decoded).ok());
  EXPECT_TRUE(decoded.empty());
}

}  // namespace
}  // namespace policyd
