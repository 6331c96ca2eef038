// ExtractOptions::remove_ranges: the nodes between two boundary elements dropped before
// selection, scoring and rendering (Open Terms Archive's ranges in `remove`), and how they
// combine with `remove`, `select` and select ranges.
#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

// A legal page whose box holds text beside its elements, so that a boundary inside the box
// shows what happens to the text of an element that straddles it.
constexpr char kPage[] = R"(<html><body>
<header><nav>Menu</nav></header>
<main id="legal">
<h1 id="title">Privacy Policy</h1>
<p id="intro">We respect your privacy.</p>
<h2 id="data">Data we collect</h2>
<p id="name">Your name and email.</p>
<div class="box">Box intro.
<h2 id="cookies">Cookie banner</h2>
We use cookies.
<p id="accept">Accept all</p>
Box tail.</div>
<h2 id="rights">Your rights</h2>
<p>You may ask for a copy.</p>
</main>
<footer>Footer text</footer>
</body></html>)";

constexpr char kWholeMain[] =
    "# Privacy Policy\n\nWe respect your privacy.\n\n## Data we collect\n\nYour name and "
    "email.\n\nBox intro.\n\n## Cookie banner\n\nWe use cookies.\n\nAccept all\n\nBox tail.\n\n"
    "## Your rights\n\nYou may ask for a copy.\n";

RangeSelector Range(const char* start_before, const char* start_after, const char* end_before,
                    const char* end_after) {
  RangeSelector range;
  range.start_before = start_before;
  range.start_after = start_after;
  range.end_before = end_before;
  range.end_after = end_after;
  return range;
}

std::string Extract(const ExtractOptions& options, const std::string& html = kPage) {
  ExtractResult result;
  const Status status = ExtractText(html, options, &result);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result.text;
}

std::string ExtractMainWithout(const std::vector<RangeSelector>& ranges) {
  ExtractOptions options;
  options.select = {"main"};
  options.remove_ranges = ranges;
  return Extract(options);
}

TEST(RemoveRangeTest, WithoutRangesTheWholeMainIsKept) {
  EXPECT_EQ(ExtractMainWithout({}), kWholeMain);
}

// The start element goes, the end element stays; the box straddles the start, so its text
// before the boundary stays and its text after it goes.
TEST(RemoveRangeTest, StartBeforeEndBefore) {
  EXPECT_EQ(ExtractMainWithout({Range("#cookies", "", "#rights", "")}),
            "# Privacy Policy\n\nWe respect your privacy.\n\n## Data we collect\n\nYour name and "
            "email.\n\nBox intro.\n\n## Your rights\n\nYou may ask for a copy.\n");
}

TEST(RemoveRangeTest, StartAfterEndAfter) {
  EXPECT_EQ(ExtractMainWithout({Range("", "#cookies", "", "#accept")}),
            "# Privacy Policy\n\nWe respect your privacy.\n\n## Data we collect\n\nYour name and "
            "email.\n\nBox intro.\n\n## Cookie banner\n\nBox tail.\n\n## Your rights\n\nYou may "
            "ask for a copy.\n");
}

// The end is inside the box: the box stays with what follows the end.
TEST(RemoveRangeTest, StartBeforeEndAfter) {
  EXPECT_EQ(ExtractMainWithout({Range("#data", "", "", "#cookies")}),
            "# Privacy Policy\n\nWe respect your privacy.\n\nWe use cookies.\n\nAccept all\n\nBox "
            "tail.\n\n## Your rights\n\nYou may ask for a copy.\n");
}

TEST(RemoveRangeTest, StartAfterEndBefore) {
  EXPECT_EQ(ExtractMainWithout({Range("", "#intro", "#accept", "")}),
            "# Privacy Policy\n\nWe respect your privacy.\n\nAccept all\n\nBox tail.\n\n## Your "
            "rights\n\nYou may ask for a copy.\n");
}

// A boundary is the first element in document order that matches: the first h2 is "#data".
TEST(RemoveRangeTest, BoundaryIsTheFirstMatch) {
  EXPECT_EQ(ExtractMainWithout({Range("h2", "", "", "#name")}),
            "# Privacy Policy\n\nWe respect your privacy.\n\nBox intro.\n\n## Cookie banner\n\nWe "
            "use cookies.\n\nAccept all\n\nBox tail.\n\n## Your rights\n\nYou may ask for a "
            "copy.\n");
}

// A boundary with no match removes nothing, and the result says which range and boundary (a
// check fails on it, as OTA's engine does); the other ranges still apply.
TEST(RemoveRangeTest, RangeWithoutAStartOrEndRemovesNothingAndSaysSo) {
  ExtractOptions options;
  options.select = {"main"};
  options.remove_ranges = {Range("#title", "", "", "#intro"), Range("", "#intro", "", "#nowhere")};
  ExtractResult result;
  ASSERT_TRUE(ExtractText(kPage, options, &result).ok());
  EXPECT_EQ(result.unmatched_range,
            "remove range 2 (startAfter \"#intro\", endAfter \"#nowhere\"): no element of the "
            "page matches its end");
  options.remove_ranges = {Range("#nowhere", "", "#rights", "")};
  ASSERT_TRUE(ExtractText(kPage, options, &result).ok());
  EXPECT_EQ(result.unmatched_range,
            "remove range 1 (startBefore \"#nowhere\", endBefore \"#rights\"): no element of the "
            "page matches its start");
  // A select range too.
  options = {};
  options.ranges = {Range("#data", "", "#gone", "")};
  ASSERT_TRUE(ExtractText(kPage, options, &result).ok());
  EXPECT_EQ(result.unmatched_range,
            "select range 1 (startBefore \"#data\", endBefore \"#gone\"): no element of the "
            "page matches its end");
  // Ranges whose boundaries are all there say nothing, collapsed ones included.
  options = {};
  options.remove_ranges = {Range("#rights", "", "", "#data")};
  ASSERT_TRUE(ExtractText(kPage, options, &result).ok());
  EXPECT_EQ(result.unmatched_range, "");

  EXPECT_EQ(ExtractMainWithout({Range("#nowhere", "", "#rights", "")}), kWholeMain);
  EXPECT_EQ(ExtractMainWithout({Range("", "#intro", "", "#nowhere")}), kWholeMain);
  EXPECT_EQ(
      ExtractMainWithout({Range("#nowhere", "", "#rights", ""), Range("#title", "", "", "#intro")}),
      "## Data we collect\n\nYour name and email.\n\nBox intro.\n\n## Cookie banner\n\nWe "
      "use cookies.\n\nAccept all\n\nBox tail.\n\n## Your rights\n\nYou may ask for a "
      "copy.\n");
}

// As a DOM Range whose end is set before its start, it collapses: nothing is removed.
TEST(RemoveRangeTest, RangeWhoseEndPrecedesItsStartRemovesNothing) {
  EXPECT_EQ(ExtractMainWithout({Range("#rights", "", "", "#data")}), kWholeMain);
  EXPECT_EQ(ExtractMainWithout({Range("", "#cookies", "#cookies", "")}), kWholeMain);
  // The end inside the start element: after the start is past the end.
  EXPECT_EQ(ExtractMainWithout({Range("", ".box", "#accept", "")}), kWholeMain);
}

// Overlapping ranges remove the union of what they hold: here every child of the box is in
// one of them although the box itself is in neither.
TEST(RemoveRangeTest, OverlappingRangesRemoveTheirUnion) {
  const std::string expected =
      "# Privacy Policy\n\nWe respect your privacy.\n\n## Your rights\n\nYou may ask for a "
      "copy.\n";
  EXPECT_EQ(
      ExtractMainWithout({Range("#data", "", "#accept", ""), Range("#cookies", "", "#rights", "")}),
      expected);
  EXPECT_EQ(ExtractMainWithout({Range("#data", "", "#rights", "")}), expected);
  // A range inside another changes nothing.
  EXPECT_EQ(
      ExtractMainWithout({Range("#data", "", "#rights", ""), Range("", "#cookies", "", "#accept")}),
      expected);
}

// OTA removes before it selects: a select range keeps only what the remove range left.
TEST(RemoveRangeTest, RemoveRangeInsideASelectRange) {
  ExtractOptions options;
  options.ranges = {Range("#data", "", "#rights", "")};
  options.remove_ranges = {Range("#cookies", "", "", "#accept")};
  EXPECT_EQ(Extract(options),
            "## Data we collect\n\nYour name and email.\n\nBox intro. Box tail.\n");
}

// The select range holds the box whole; the remove range takes the box's first text and
// heading with the nodes before it.
TEST(RemoveRangeTest, RemoveRangeOverlappingTheStartOfASelectRange) {
  ExtractOptions options;
  options.ranges = {Range("", "#title", "", "#rights")};
  options.remove_ranges = {Range("#intro", "", "", "#cookies")};
  EXPECT_EQ(Extract(options), "We use cookies.\n\nAccept all\n\nBox tail.\n\n## Your rights\n");
  // Its start boundary removed (and no other match): the select range selects nothing.
  options.ranges = {Range("#name", "", "", "#rights")};
  EXPECT_EQ(Extract(options), "");
}

// Select ranges look for their boundaries in what `remove` left: the first h2 left is
// "#rights"; a boundary that was removed and has no other match selects nothing.
TEST(RemoveRangeTest, SelectRangeBoundariesAreLookedForAfterRemoval) {
  ExtractOptions options;
  options.ranges = {Range("h2", "", "footer", "")};
  options.remove_ranges = {Range("#data", "", "#rights", "")};
  EXPECT_EQ(Extract(options), "## Your rights\n\nYou may ask for a copy.\n");
  options.ranges = {Range("#cookies", "", "footer", "")};
  EXPECT_EQ(Extract(options), "");
  // The same holds for `remove` selectors.
  options.remove_ranges.clear();
  options.remove = {".box"};
  EXPECT_EQ(Extract(options), "");
}

TEST(RemoveRangeTest, SelectedElementPartlyInsideARemoveRange) {
  ExtractOptions options;
  options.select = {".box", "#rights"};
  options.remove_ranges = {Range("", "#title", "#accept", "")};
  EXPECT_EQ(Extract(options), "Accept all\n\nBox tail.\n\n## Your rights\n");
}

// Remove ranges resolve their boundaries in the whole document, as OTA does before it removes
// anything: a boundary inside what a `remove` selector drops still counts.
TEST(RemoveRangeTest, RemoveRangeBoundaryMayBeRemovedBySelector) {
  ExtractOptions options;
  options.select = {"main"};
  options.remove = {"#data"};
  options.remove_ranges = {Range("", "#data", "#rights", "")};
  EXPECT_EQ(Extract(options),
            "# Privacy Policy\n\nWe respect your privacy.\n\n## Your rights\n\nYou may ask for a "
            "copy.\n");
}

// Without `select`, the automatic choice of the main content never sees the removed nodes.
TEST(RemoveRangeTest, AppliesInAutomaticMode) {
  ExtractOptions options;
  options.remove_ranges = {Range("#cookies", "", "", "#accept")};
  const std::string text = Extract(options);
  EXPECT_EQ(text.find("Cookie banner"), std::string::npos) << text;
  EXPECT_EQ(text.find("We use cookies"), std::string::npos) << text;
  EXPECT_EQ(text.find("Accept all"), std::string::npos) << text;
  EXPECT_NE(text.find("Box intro."), std::string::npos) << text;
  EXPECT_NE(text.find("Box tail."), std::string::npos) << text;
  EXPECT_NE(text.find("## Your rights"), std::string::npos) << text;
}

// A news page: the story is chosen by block scoring. A remove range over the story's middle
// leaves its other paragraphs and takes none of the sidebar's.
TEST(RemoveRangeTest, BlockScoringSeesTheDocumentWithoutTheRange) {
  std::string story;
  for (int i = 0; i < 8; ++i) {
    story += "<p id=\"p" + std::to_string(i) + "\">Paragraph " + std::to_string(i) +
             " of the story, long enough, with commas, to score as a paragraph.</p>";
  }
  const std::string html =
      "<html><head><title>Town news</title></head><body><div "
      "class=\"story\"><h1>Bridge reopens</h1>" +
      story +
      "</div><div class=\"sidebar\"><a href=\"/a\">Other story</a></div>"
      "</body></html>";
  ExtractOptions options;
  options.remove_ranges = {Range("#p2", "", "", "#p5")};
  const std::string text = Extract(options, html);
  EXPECT_NE(text.find("Paragraph 1 of"), std::string::npos) << text;
  EXPECT_NE(text.find("Paragraph 6 of"), std::string::npos) << text;
  for (int i = 2; i <= 5; ++i) {
    EXPECT_EQ(text.find("Paragraph " + std::to_string(i) + " of"), std::string::npos) << text;
  }
  EXPECT_EQ(text.find("Other story"), std::string::npos) << text;
}

// Content inside a template is inert: it is never a boundary.
TEST(RemoveRangeTest, TemplateContentIsNeverABoundary) {
  ExtractOptions options;
  options.select = {"main"};
  options.remove_ranges = {Range("#in-template", "", "", "#rights")};
  const std::string html =
      "<main><template><p id=\"in-template\">x</p></template><p>Kept.</p>"
      "<h2 id=\"rights\">Rights</h2></main>";
  EXPECT_EQ(Extract(options, html), "Kept.\n\n## Rights\n");
}

TEST(RemoveRangeTest, InvalidRemoveRangesAreErrorsNamingTheEntry) {
  for (const RangeSelector& range :
       {Range("#a", "", "", ""), Range("#a", "#b", "#c", ""), Range("", "p >", "#c", "")}) {
    ExtractOptions options;
    options.remove_ranges = {Range("h1", "", "", "p"), range};
    ExtractEntry failed;
    auto compiled = CompiledExtraction::Compile(options, &failed);
    ASSERT_FALSE(compiled.ok());
    EXPECT_EQ(compiled.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(compiled.status().message().rfind("remove range: ", 0), 0u)
        << compiled.status().message();
    EXPECT_EQ(failed.list, ExtractEntry::List::kRemoveRanges);
    EXPECT_EQ(failed.index, 1u);
  }
}

}  // namespace
}  // namespace policyd
