// ExtractText options, error paths and robustness.
#include "policyd/extract.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace policyd {
namespace {

constexpr char kPage[] = R"(<html><body>
<div class="banner">Rotating banner</div>
<div id="policy">
  <h1>Terms</h1>
  <div class="toc"><a href="#a">A</a></div>
  <section class="clause" id="a"><h2>A</h2><p>Clause A.</p><p class="note">Note A.</p></section>
  <section class="clause" id="b"><h2>B</h2><p>Clause B.</p></section>
</div>
<div id="annex"><h2>Annex</h2><p>Annex text.</p></div>
</body></html>)";

Status ExtractWith(const ExtractOptions& options, std::string* text,
                   const std::string& html = kPage) {
  ExtractResult result;
  const Status status = ExtractText(html, options, &result);
  *text = result.text;
  return status;
}

// An HTML page served once as text/plain (a server's or a CDN edge's mislabel) reads as the
// page: its markup stored as the policy was a substantive change, and another one back.
TEST(ExtractTextTest, AnHtmlDocumentLabelledTextPlainIsReadAsHtml) {
  const std::string page =
      "\xEF\xBB\xBF\n  <!DOCTYPE html><html><head><title>Privacy Policy</title></head><body>"
      "<main><h1>Privacy Policy</h1><p>We never sell data.</p></main></body></html>";
  ExtractOptions options;
  options.content_type = "text/html; charset=utf-8";
  ExtractResult as_html;
  ASSERT_TRUE(ExtractText(page, options, &as_html).ok());
  EXPECT_EQ(as_html.text, "# Privacy Policy\n\nWe never sell data.\n");
  options.content_type = "text/plain; charset=utf-8";
  ExtractResult as_plain;
  ASSERT_TRUE(ExtractText(page, options, &as_plain).ok());
  EXPECT_EQ(as_plain.text, as_html.text);
  // Plain text that only mentions markup stays plain text.
  ExtractResult notes;
  ASSERT_TRUE(ExtractText("Terms of use\n\nWrite <b> for bold.\n", options, &notes).ok());
  EXPECT_EQ(notes.text, "Terms of use\n\nWrite <b> for bold.\n");
}

TEST(ExtractOptionsTest, SelectPicksSubtreesInDocumentOrder) {
  ExtractOptions options;
  options.select = {"#annex", "#policy"};
  std::string text;
  ASSERT_TRUE(ExtractWith(options, &text).ok());
  EXPECT_EQ(text,
            "# Terms\n\n## A\n\nClause A.\n\nNote A.\n\n## B\n\nClause B.\n\n## Annex\n\n"
            "Annex text.\n");
}

TEST(ExtractOptionsTest, NestedSelectionsAreNotDuplicated) {
  ExtractOptions options;
  options.select = {"section", "#policy", ".note"};
  std::string text;
  ASSERT_TRUE(ExtractWith(options, &text).ok());
  EXPECT_EQ(text, "# Terms\n\n## A\n\nClause A.\n\nNote A.\n\n## B\n\nClause B.\n");
}

TEST(ExtractOptionsTest, RemoveDropsSubtreesBeforeSelecting) {
  ExtractOptions options;
  options.select = {".clause"};
  options.remove = {".note", "#b"};
  std::string text;
  ASSERT_TRUE(ExtractWith(options, &text).ok());
  EXPECT_EQ(text, "## A\n\nClause A.\n");
}

TEST(ExtractOptionsTest, RemoveAppliesInAutomaticMode) {
  ExtractOptions options;
  options.remove = {"#annex", "h1", ".banner"};
  std::string text;
  ASSERT_TRUE(ExtractWith(options, &text).ok());
  EXPECT_EQ(text, "## A\n\nClause A.\n\nNote A.\n\n## B\n\nClause B.\n");
}

TEST(ExtractOptionsTest, SelectedRootsKeepTheirHeadersButLoseBoilerplate) {
  ExtractOptions options;
  options.select = {"#doc"};
  std::string text;
  ASSERT_TRUE(
      ExtractWith(options, &text,
                  "<body><div id=doc><header><h1>Title</h1></header><script>x()</script>"
                  "<nav><a href=/>Home</a></nav><p>Body.</p><footer>Version 2</footer></div>"
                  "</body>")
          .ok());
  EXPECT_EQ(text, "# Title\n\nBody.\n\nVersion 2\n");
}

TEST(ExtractOptionsTest, SelectMatchingNothingGivesEmptyText) {
  ExtractOptions options;
  options.select = {"#missing"};
  ExtractResult result;
  ASSERT_TRUE(ExtractText(kPage, options, &result).ok());
  EXPECT_EQ(result.text, "");
  EXPECT_EQ(result.lines, 0u);
}

TEST(ExtractOptionsTest, InvalidSelectorsFailWithInvalidArgument) {
  for (const bool in_select : {true, false}) {
    ExtractOptions options;
    (in_select ? options.select : options.remove) = {"p", "div >"};
    ExtractResult result;
    result.text = "stale";
    const Status status = ExtractText(kPage, options, &result);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(status.message().find("\"div >\""), std::string::npos) << status.message();
    EXPECT_EQ(result.text, "");
  }
}

TEST(ExtractPlainTextTest, PlainTextIsNormalisedNotParsed) {
  ExtractOptions options;
  options.content_type = "Text/Plain; charset=utf-8";
  options.select = {"p"};  // ignored for plain text
  ExtractResult result;
  ASSERT_TRUE(ExtractText("  PRIVACY <b>POLICY</b>\r\n\r\n\r\n1. Scope\xC2\xA0 of\tthis policy\r\n",
                          options, &result)
                  .ok());
  EXPECT_EQ(result.text, "PRIVACY <b>POLICY</b>\n\n1. Scope of this policy\n");
  EXPECT_EQ(result.lines, 2u);
  EXPECT_EQ(result.charset, "utf-8");
}

TEST(ExtractPlainTextTest, PlainTextInALegacyCharset) {
  ExtractOptions options;
  options.content_type = "text/plain; charset=iso-8859-1";
  ExtractResult result;
  ASSERT_TRUE(ExtractText("Caf\xE9", options, &result).ok());
  EXPECT_EQ(result.text, "Caf\xC3\xA9\n");
  EXPECT_EQ(result.charset, "windows-1252");
}

TEST(ExtractRobustnessTest, EmptyAndTrivialInputs) {
  std::string text = "x";
  EXPECT_TRUE(ExtractWith({}, &text, "").ok());
  EXPECT_EQ(text, "");
  EXPECT_TRUE(ExtractWith({}, &text, "<").ok());
  EXPECT_EQ(text, "<\n");
  EXPECT_TRUE(ExtractWith({}, &text, "plain words").ok());
  EXPECT_EQ(text, "plain words\n");
  EXPECT_TRUE(ExtractWith({}, &text, "<frameset><frame src=a></frameset>").ok());
  EXPECT_EQ(text, "");
}

TEST(ExtractRobustnessTest, NulBytesAndInvalidUtf8) {
  std::string text;
  const std::string html =
      std::string("<p>caf\xC3\xA9 a") + '\0' + "b\xFF" + "c</p>" + '\0' + "<p>\xE2\x82";
  EXPECT_TRUE(ExtractWith({}, &text, html).ok());
  // NULs vanish (as HTML's tree builder ignores them); a stray byte in UTF-8 is read as
  // windows-1252 (0xFF is y with diaeresis), a character cut by the end is one U+FFFD.
  EXPECT_EQ(text,
            "caf\xC3\xA9 ab\xC3\xBF"
            "c\n\n"
            "\xEF\xBF\xBD\n");
}

TEST(ExtractRobustnessTest, RandomMarkupNeverCrashes) {
  const char* pieces[] = {
      "<div>",    "</div>",   "<p>",       "</p>",       "<ul>",         "<li>",     "</ul>",
      "<table>",  "<tr>",     "<td>",      "</table>",   "<h2>",         "</h2>",    "<pre>",
      "\n",       "text ",    "<br>",      "<a href=x>", "</a>",         "<nav>",    "<main>",
      "</main>",  "<!--",     "-->",       "<script>",   "</script>",    "<svg>",    "<b>",
      "\xC3\xA9", "\xFF",     "<details>", "<summary>",  "<blockquote>", "<dl><dt>", "<dd>",
      "&nbsp;",   "<button>", "<h1>",      "<template>", "<select>",     "<option>"};
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::string html;
    const int count = static_cast<int>(rng() % 300);
    for (int i = 0; i < count; ++i) html += pieces[rng() % std::size(pieces)];
    ExtractResult result;
    ASSERT_TRUE(ExtractText(html, {}, &result).ok());
    EXPECT_EQ(NormalizeText(result.text).empty(), result.text.empty());
    EXPECT_EQ(result.text.find("\n\n\n"), std::string::npos) << html;
    EXPECT_EQ(result.text.find("  \n"), std::string::npos) << html;
    if (!result.text.empty()) {
      EXPECT_EQ(result.text.back(), '\n');
      EXPECT_NE(result.text.front(), '\n');
      EXPECT_EQ(result.text.find("\n\n", result.text.size() - 2), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace policyd
