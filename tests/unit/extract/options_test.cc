// ExtractOptions beyond select/remove: ranges, ignore_lines, link URLs; StripTrackingParameters.
#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

constexpr char kPage[] = R"(<html><body><main>
<h1 id="title">Terms</h1>
<p>Intro.</p>
<h2 id="one">One</h2><p>First clause.</p><div><p>Nested <b>clause</b>.</p></div>
<h2 id="two">Two</h2><p>Second clause.</p>
<h2 id="annex">Annex</h2><p>Annex text.</p>
</main></body></html>)";

RangeSelector Range(const char* start_before, const char* start_after, const char* end_before,
                    const char* end_after) {
  RangeSelector range;
  range.start_before = start_before;
  range.start_after = start_after;
  range.end_before = end_before;
  range.end_after = end_after;
  return range;
}

std::string Extract(const ExtractOptions& options, Status* status = nullptr,
                    const std::string& html = kPage) {
  ExtractResult result;
  const Status s = ExtractText(html, options, &result);
  if (status != nullptr) *status = s;
  EXPECT_TRUE(status != nullptr || s.ok()) << s.ToString();
  return result.text;
}

TEST(RangeTest, StartBeforeEndBeforeKeepsTheStartElement) {
  ExtractOptions options;
  options.ranges = {Range("#one", "", "#annex", "")};
  EXPECT_EQ(Extract(options),
            "## One\n\nFirst clause.\n\nNested clause.\n\n## Two\n\nSecond clause.\n");
}

TEST(RangeTest, StartAfterEndAfter) {
  ExtractOptions options;
  options.ranges = {Range("", "#two", "", "#annex")};
  EXPECT_EQ(Extract(options), "Second clause.\n\n## Annex\n");
}

TEST(RangeTest, CombinesWithSelectInDocumentOrder) {
  ExtractOptions options;
  options.select = {"#title"};
  options.ranges = {Range("", "#annex", "", "main > p:not(#x)")};
  // The end is the first matching <p> ("Intro."), before the start: that range is empty.
  EXPECT_EQ(Extract(options), "# Terms\n");
  options.ranges = {Range("#two", "", "#annex", "")};
  options.select = {"#annex", "#title"};
  EXPECT_EQ(Extract(options), "# Terms\n\n## Two\n\nSecond clause.\n\n## Annex\n");
}

// `remove` of the body, or of the html element, removes everything, with or without `select`
// (the automatic main-content choice walked the body without asking whether it was removed).
TEST(RemoveTest, RemovingTheBodyOrTheDocumentLeavesNothing) {
  for (const char* removed : {"body", "html", "html > body"}) {
    ExtractOptions options;
    options.remove = {removed};
    EXPECT_EQ(Extract(options), "") << removed;
    options.select = {"body"};
    EXPECT_EQ(Extract(options), "") << removed;
  }
  ExtractOptions main_removed;
  main_removed.remove = {"main"};
  EXPECT_EQ(Extract(main_removed).find("First clause."), std::string::npos);
}

TEST(RangeTest, MissingBoundarySelectsNothing) {
  ExtractOptions options;
  options.ranges = {Range("#nowhere", "", "#annex", "")};
  EXPECT_EQ(Extract(options), "");
}

TEST(RangeTest, RemoveAppliesInsideRanges) {
  ExtractOptions options;
  options.ranges = {Range("#one", "", "#annex", "")};
  options.remove = {"div"};
  EXPECT_EQ(Extract(options), "## One\n\nFirst clause.\n\n## Two\n\nSecond clause.\n");
}

TEST(RangeTest, InvalidRangesAreErrors) {
  for (const RangeSelector& range : {Range("#a", "", "", ""), Range("", "", "", "#a"),
                                     Range("#a", "#b", "#c", ""), Range("[[", "", "#c", "")}) {
    ExtractOptions options;
    options.ranges = {range};
    Status status;
    Extract(options, &status);
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  }
}

TEST(IgnoreLinesTest, RemovesMatchingLinesAndKeepsTheContract) {
  ExtractOptions options;
  options.ignore_lines = {"^Intro", "clause\\.$"};
  EXPECT_EQ(Extract(options), "# Terms\n\n## One\n\n## Two\n\n## Annex\n\nAnnex text.\n");
  options.ignore_lines = {".*"};
  EXPECT_EQ(Extract(options), "");
}

TEST(IgnoreLinesTest, BadExpressionIsAnError) {
  ExtractOptions options;
  options.ignore_lines = {"(unclosed"};
  Status status;
  Extract(options, &status);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("(unclosed"), std::string::npos);
}

TEST(IgnoreLinesTest, VeryLongLinesAreNeverMatched) {
  const std::string html = "<p>" + std::string(200000, 'a') + "</p><p>short</p>";
  ExtractOptions options;
  options.ignore_lines = {"(a|b)*$", "^short$"};
  EXPECT_EQ(Extract(options, nullptr, html), std::string(200000, 'a') + "\n");
}

// An expression that backtracks exponentially ("^(a+)+$" on forty a's and a b) ran for hours
// in std::regex: the worker stalled, and the daemon could not even stop. Each expression now
// has a bounded amount of work per text; past it, it matches nothing more in that text.
TEST(IgnoreLinesTest, CatastrophicBacktrackingGivesUpAndKeepsTheLine) {
  const std::string stuck = std::string(40, 'a') + "b";
  const std::string html =
      "<p>" + stuck + "</p><p>Generated in 0.2 s</p><p>" + stuck + "</p><p>Our policy.</p>";
  ExtractOptions options;
  options.ignore_lines = {"^(a+)+$", "^Generated in"};
  EXPECT_EQ(Extract(options, nullptr, html), stuck + "\n\n" + stuck + "\n\nOur policy.\n");
}

TEST(LinkUrlTest, OffByDefault) {
  EXPECT_EQ(Extract({}, nullptr, "<p>See <a href=\"/terms\">terms</a>.</p>"), "See terms.\n");
}

TEST(LinkUrlTest, MarkdownLinksWithCleanUrls) {
  ExtractOptions options;
  options.include_link_urls = true;
  EXPECT_EQ(Extract(options, nullptr,
                    "<p>See <a href=\" /terms?utm_source=x&amp;lang=en&amp;fbclid=1#s\">our "
                    "terms</a>, <a href=\"javascript:void(0)\">this</a>, <a href=\"/x\"></a>"
                    "<a href=\"/a_(b)\">wiki</a>.</p>"),
            "See [our terms](/terms?lang=en#s), this, [wiki](/a_%28b%29).\n");
}

TEST(LinkUrlTest, LinkSpanningBlocksKeepsItsTextOnly) {
  ExtractOptions options;
  options.include_link_urls = true;
  EXPECT_EQ(Extract(options, nullptr, "<a href=\"/x\"><p>One</p><p>Two</p></a>"), "One\n\nTwo\n");
}

TEST(StripTrackingParametersTest, RemovesVisitParametersOnly) {
  EXPECT_EQ(StripTrackingParameters("https://a.example/p?utm_source=n&id=3&UTM_Medium=e"),
            "https://a.example/p?id=3");
  EXPECT_EQ(StripTrackingParameters("https://a.example/p?gclid=1&_ga=2&cb=3&_=4"),
            "https://a.example/p");
  EXPECT_EQ(StripTrackingParameters("/p;jsessionid=ABC?q=1&PHPSESSID=z#top"), "/p?q=1#top");
  EXPECT_EQ(StripTrackingParameters("/watch?v=abc&t=10"), "/watch?v=abc&t=10");
  EXPECT_EQ(StripTrackingParameters("/p?a&&b="), "/p?a&b=");
  EXPECT_EQ(StripTrackingParameters(""), "");
}

// Automatic mode on article pages: reader comments and teaser cards are not the document.
TEST(ArticleTest, CommentsAndTeaserCardsAreDropped) {
  std::string body;
  for (int i = 0; i < 20; ++i) body += "<p>The article says something long enough here.</p>";
  const std::string html =
      "<body><div class=\"page\"><article><h1>Title</h1>" + body +
      "</article><div class=\"comments-area\"><ol class=\"comment-list\"><li>Nice post, "
      "thanks!</li></ol></div>"
      "<article class=\"card\"><h3><a href=\"/other\">Another story of the day</a></h3></article>"
      "</div></body>";
  const std::string text = Extract({}, nullptr, html);
  EXPECT_EQ(text.find("Nice post"), std::string::npos) << text;
  EXPECT_EQ(text.find("Another story"), std::string::npos) << text;
  EXPECT_NE(text.find("# Title"), std::string::npos) << text;
}

TEST(ArticleTest, CommentsIdOfALegalSectionIsKept) {
  EXPECT_EQ(Extract({}, nullptr,
                    "<section id=\"comments\"><h2>Comments</h2><p>You may post comments.</p>"
                    "</section>"),
            "## Comments\n\nYou may post comments.\n");
}

TEST(NoscriptTest, ContentServedInNoscriptIsUsedWhenThePageIsEmptyWithoutIt) {
  std::string posts;
  for (int i = 0; i < 80; ++i) posts += "<p>Post number " + std::to_string(i) + " says hi.</p>";
  const std::string html = "<body><div id=\"app\"></div><noscript><div class=\"topic\">" + posts +
                           "</div></noscript></body>";
  const std::string text = Extract({}, nullptr, html);
  EXPECT_NE(text.find("Post number 0 says hi."), std::string::npos) << text;
  EXPECT_NE(text.find("Post number 79 says hi."), std::string::npos) << text;
}

TEST(NoscriptTest, EnableJavaScriptNoticeIsNotAText) {
  EXPECT_EQ(Extract({}, nullptr,
                    "<body><div id=\"root\"></div><noscript>You need to enable JavaScript to "
                    "run this app.</noscript></body>"),
            "");
  // A page with its own text never takes the noscript copy.
  std::string body;
  for (int i = 0; i < 10; ++i) body += "<p>Clause " + std::to_string(i) + " of the terms.</p>";
  const std::string noscript = "<noscript>" + std::string(2000, 'x') + "</noscript>";
  const std::string text = Extract({}, nullptr, "<body>" + body + noscript + "</body>");
  EXPECT_EQ(text.find("xxx"), std::string::npos) << text;
}

}  // namespace
}  // namespace policyd
