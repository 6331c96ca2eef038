// Output format of ExtractText (the contract in policyd/extract.h).
#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

std::string Extract(const std::string& html) {
  ExtractResult result;
  const Status status = ExtractText(html, {}, &result);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result.text;
}

std::string Body(const std::string& inner) {
  return Extract("<html><body>" + inner + "</body></html>");
}

TEST(MarkdownTest, EmptyInputs) {
  EXPECT_EQ(Extract(""), "");
  EXPECT_EQ(Extract("   \n  "), "");
  EXPECT_EQ(Body("<div><span> </span></div><img src=x alt='Alt text'>"), "");
  ExtractResult result;
  ASSERT_TRUE(ExtractText("", {}, &result).ok());
  EXPECT_EQ(result.lines, 0u);
}

TEST(MarkdownTest, Headings) {
  EXPECT_EQ(Body("<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>"),
            "# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n");
  // Inline markup and line breaks inside a heading stay on its line.
  EXPECT_EQ(Body("<h2>  1. <em>Scope</em><br>and <span>terms</span> </h2>"),
            "## 1. Scope and terms\n");
  EXPECT_EQ(Body("<h2><div>Block</div><div>inside</div></h2>"), "## Block inside\n");
}

// A footnote marker is no digit of the number before it: "30<sup><a href=#fn1>1</a></sup>
// days" stored as "301 days" changed a fact of the policy. A <sup> that is only a link into the
// page (or inside one) reads as a footnote reference, "[^1]"; a marker already in brackets
// (Wikipedia's "[1]") and other superscripts ("1st", "m2") stay as they are.
TEST(MarkdownTest, FootnoteMarkersDoNotFuseWithTheNumberBeforeThem) {
  EXPECT_EQ(Body("<p>We retain server logs for 30<sup><a href='#fn1'>1</a></sup> days and use "
                 "12<a href='#fn2'><sup>2</sup></a> processors.</p>"),
            "We retain server logs for 30[^1] days and use 12[^2] processors.\n");
  EXPECT_EQ(Body("<p>See the annex<sup id=r1><a href='#cite-1'>[1]</a></sup>.</p>"),
            "See the annex[1].\n");
  EXPECT_EQ(Body("<p>On the 1<sup>st</sup> day, 20 m<sup>2</sup>, version 2<sup><a "
                 "href='/v2'>new</a></sup>.</p>"),
            "On the 1st day, 20 m2, version 2new.\n");
}

TEST(MarkdownTest, ParagraphsAreOneLineSeparatedByOneBlankLine) {
  EXPECT_EQ(Body("<p>First\n   paragraph\twraps.</p>\n\n\n<p>Second.</p><div><div><p>Third."),
            "First paragraph wraps.\n\nSecond.\n\nThird.\n");
  EXPECT_EQ(Body("Loose text<div>Block</div>tail"), "Loose text\n\nBlock\n\ntail\n");
}

TEST(MarkdownTest, LineBreakIsASpaceAndARunOfThemSeparatesBlocks) {
  EXPECT_EQ(Body("<p>Example Inc.<br>1 Main Street<br/> <!-- x --> <br>Springfield</p><p>Next</p>"),
            "Example Inc. 1 Main Street\n\nSpringfield\n\nNext\n");
  // Inside <pre>, where a source newline ends the line, a <br> does too.
  EXPECT_EQ(Body("<pre>a<br>b\nc</pre>"), "a\nb\nc\n");
}

// A paragraph re-wrapped by the site (nl2br, a CMS re-flowing its source) is the same text.
TEST(MarkdownTest, ParagraphRewrappedWithLineBreaksOrNewlinesIsTheSameText) {
  const std::string newlines = Body(
      "<p>We keep your data for as long as\nyour account exists, and for 30 days\nafter you "
      "delete it.</p>");
  EXPECT_EQ(newlines,
            "We keep your data for as long as your account exists, and for 30 days "
            "after you delete it.\n");
  EXPECT_EQ(Body("<p>We keep your data for as long as<br />\nyour account exists, and for 30 "
                 "days<br>after you delete it.</p>"),
            newlines);
}

TEST(MarkdownTest, InlineSpacing) {
  EXPECT_EQ(Body("<p>Hello<span> world</span>, <b>bold</b><i>italic</i> <a href='/x?v=1'>link</a>"
                 "<code>code</code>.</p>"),
            "Hello world, bolditalic linkcode.\n");
  EXPECT_EQ(Body("<p>a <b> b </b> c</p>"), "a b c\n");
  EXPECT_EQ(Body("<div>A</div><div>B</div><span>C</span><span>D</span>"), "A\n\nB\n\nCD\n");
  EXPECT_EQ(Body("<p>x&nbsp;&nbsp;y&#8203;z&shy;w</p>"), "x yzw\n");
}

TEST(MarkdownTest, LinkTextKeptUrlsImagesAndAltDropped) {
  EXPECT_EQ(Body("<p>See <a href='https://example.com/terms'>our terms</a> "
                 "<img src='logo.png' alt='Logo'>here.</p>"),
            "See our terms here.\n");
}

TEST(MarkdownTest, NestedLists) {
  EXPECT_EQ(Body("<p>Intro</p><ul><li>One<ul><li>One.a</li><li>One.b<ul><li>deep</li></ul></li>"
                 "</ul></li><li>Two</li></ul><p>After</p>"),
            "Intro\n\n- One\n  - One.a\n  - One.b\n    - deep\n- Two\n\nAfter\n");
}

TEST(MarkdownTest, OrderedLists) {
  EXPECT_EQ(Body("<ol><li>a</li><li>b<ol type=a><li>b1</li></ol></li><li value=7>c</li>"
                 "<li>d</li></ol><ol start=3><li>x</li></ol>"),
            "1. a\n2. b\n  1. b1\n7. c\n8. d\n\n3. x\n");
}

TEST(MarkdownTest, ListItemsWithBlocks) {
  EXPECT_EQ(Body("<ul><li><p>First para</p><p>Second para</p></li><li>Next<br>line</li></ul>"),
            "- First para\n  Second para\n- Next line\n");
  EXPECT_EQ(Body("<ul><li></li><li>after empty</li></ul><p>p</p>"), "- after empty\n\np\n");
}

TEST(MarkdownTest, Tables) {
  EXPECT_EQ(Body("<table><caption>Data</caption><thead><tr><th>Purpose</th><th>Legal basis</th>"
                 "</tr></thead><tbody><tr><td>Service</td><td><p>Contract</p><ul><li>Art. 6(1)(b)"
                 "</li></ul></td></tr><tr><td></td><td></td></tr><tr><td>Ads</td><td></td></tr>"
                 "</tbody></table><p>After</p>"),
            "Data\n\n| Purpose | Legal basis |\n| Service | Contract Art. 6(1)(b) |\n| Ads | |\n\n"
            "After\n");
}

// A '|' in a cell's text is the cell's, not a column: "Hosting | CDN" split one cell into two,
// and every later cell of the row moved right. Escaped as GFM tables escape it.
TEST(MarkdownTest, APipeInACellIsEscaped) {
  EXPECT_EQ(Body("<table><tr><th>Service</th><th>Purpose</th></tr>"
                 "<tr><td>Acme Cloud</td><td>Hosting | CDN</td></tr></table><p>a | b</p>"),
            "| Service | Purpose |\n| Acme Cloud | Hosting \\| CDN |\n\na | b\n");
}

TEST(MarkdownTest, LayoutTablesRenderAsBlocks) {
  EXPECT_EQ(Body("<table><tr><td><h1>Policy</h1><p>Text</p></td></tr></table>"),
            "# Policy\n\nText\n");
  EXPECT_EQ(Body("<table><tr><td>Only one column</td></tr><tr><td>Second row</td></tr></table>"),
            "Only one column\n\nSecond row\n");
  EXPECT_EQ(Body("<table role=presentation><tr><td>a</td><td>b</td></tr></table>"), "a\n\nb\n");
}

// Each entry (its terms and definitions, on consecutive lines) is a paragraph of its own: a
// clause an analyzer can annotate, where a glossary used to be one clause (a reviewer's
// replay: editing one definition modified the whole glossary's clause).
TEST(MarkdownTest, DefinitionLists) {
  EXPECT_EQ(Body("<dl><dt>Personal data</dt><dd>Any information about a person.</dd>"
                 "<dt>Controller</dt><dd><p>Who decides.</p></dd></dl><p>After</p>"),
            "Personal data\nAny information about a person.\n\nController\nWho decides.\n\n"
            "After\n");
  // Two terms for one definition stay one entry; entries grouped in <div>s are apart too.
  EXPECT_EQ(Body("<dl><dt>Controller</dt><dt>Data controller</dt><dd>Who decides.</dd></dl>"),
            "Controller\nData controller\nWho decides.\n");
  EXPECT_EQ(Body("<dl><div><dt>Processor</dt><dd>Who processes.</dd></div><div><dt>Recipient</dt>"
                 "<dd>Who receives.</dd></div></dl>"),
            "Processor\nWho processes.\n\nRecipient\nWho receives.\n");
  // Entries grouped in <div>s and bare ones mixed; a list inside an entry's definition is part
  // of that entry (its terms start no paragraph of the outer list).
  EXPECT_EQ(Body("<dl><div><dt>Alpha</dt><dd>First.</dd></div><dt>Beta</dt><dd>Second.</dd>"
                 "<dt>Gamma</dt><dd>Third.</dd><div><dt>Delta</dt><dd>Fourth.</dd></div></dl>"),
            "Alpha\nFirst.\n\nBeta\nSecond.\n\nGamma\nThird.\n\nDelta\nFourth.\n");
  EXPECT_EQ(Body("<dl><dt>Processor</dt><dd>Who processes:<dl><dt>Sub A</dt><dd>one.</dd>"
                 "<dt>Sub B</dt><dd>two.</dd></dl></dd><dt>Recipient</dt><dd>Who receives.</dd>"
                 "</dl>"),
            "Processor\nWho processes:\nSub A\none.\nSub B\ntwo.\n\nRecipient\nWho "
            "receives.\n");
  // Inside a list item the entries stay on the item's lines.
  EXPECT_EQ(Body("<ul><li>Terms:<dl><dt>A</dt><dd>first</dd><dt>B</dt><dd>second</dd></dl></li>"
                 "</ul>"),
            "- Terms:\n  A\n  first\n  B\n  second\n");
}

TEST(MarkdownTest, PreformattedTextKeepsLines) {
  EXPECT_EQ(Body("<pre>\nline one\n   indented   line\n\n\nafter blank\n</pre><p>p</p>"),
            "line one\nindented line\n\nafter blank\n\np\n");
}

// The text is Markdown to whoever reads it (the segmenter, an analyzer's renderer): a page's
// own words that look like a heading or a code fence are escaped, or "# of requests" would
// be a heading and a paragraph "~~~" would turn the rest of the policy into one code block.
TEST(MarkdownTest, TextThatLooksLikeAHeadingOrAFenceIsEscaped) {
  EXPECT_EQ(Body("<p># of requests: 12</p><p>~~~</p><p>```js</p><h2>## Sharing</h2>"),
            "\\# of requests: 12\n\n\\~~~\n\n\\```js\n\n## ## Sharing\n");
  EXPECT_EQ(Body("<pre># comment\n~~~~ tildes</pre><ul><li>x<p>```</p></li></ul>"),
            "\\# comment\n\\~~~~ tildes\n\n- x\n  \\```\n");
  // Not Markdown syntax: left as written.
  EXPECT_EQ(Body("<p>#1 priority</p><p>#hashtag</p><p>~~ two</p><p>C# and F#</p>"),
            "#1 priority\n\n#hashtag\n\n~~ two\n\nC# and F#\n");
}

// A paragraph that starts like a list item or a quote ("15. März 2026", "2026. március 15.",
// "- none", "> 16") is the page's words, not a list: escaped as Open Terms Archive's text
// has it ("15\. März"). Unescaped, the segmenter and the change classes read "15. " as a
// list marker: the date's day left the clause, and 15 -> 16 was classed formatting.
TEST(MarkdownTest, TextThatLooksLikeAListItemOrAQuoteIsEscaped) {
  EXPECT_EQ(Body("<p>15. März 2026</p><p>2026. március 15.</p><p>3) Third</p>"),
            "15\\. März 2026\n\n2026\\. március 15.\n\n3\\) Third\n");
  EXPECT_EQ(Body("<p>- none</p><p>+ more</p><p>* note</p><p>&gt; 16 years</p>"),
            "\\- none\n\n\\+ more\n\n\\* note\n\n\\> 16 years\n");
  // Inside a list item and a quote alike; real lists and quotes keep their markers.
  EXPECT_EQ(Body("<ol><li>30. Tage</li></ol><blockquote>- x</blockquote>"),
            "1. 30\\. Tage\n\n> \\- x\n");
  // Not a marker: left as written.
  EXPECT_EQ(Body("<p>1.5 GB</p><p>2026.</p><p>-5 degrees</p><p>>16</p><p>100 000. Fine</p>"),
            "1.5 GB\n\n2026.\n\n-5 degrees\n\n>16\n\n100 000. Fine\n");
}

TEST(MarkdownTest, Blockquotes) {
  EXPECT_EQ(Body("<blockquote><p>Quoted</p><p>Twice</p></blockquote>"), "> Quoted\n\n> Twice\n");
  EXPECT_EQ(Body("<blockquote>a<blockquote>b</blockquote></blockquote>"), "> a\n\n> > b\n");
}

TEST(MarkdownTest, DetailsContentIsKept) {
  EXPECT_EQ(Body("<details><summary>Your rights</summary><p>You may object.</p></details>"
                 "<details open><summary><h3>Retention</h3></summary>We keep data 30 days."
                 "</details>"),
            "Your rights\n\nYou may object.\n\n### Retention\n\nWe keep data 30 days.\n");
}

TEST(MarkdownTest, AccordionButtonsInHeadingsAreTitles) {
  EXPECT_EQ(Body("<h3><button aria-expanded=false>Sharing</button></h3>"
                 "<div hidden><p>We share with processors.</p></div>"
                 "<button>Accept</button><p>Text <button>Show more</button></p>"),
            "### Sharing\n\nWe share with processors.\n\nText\n");
}

// Div-based accordions (Tailwind, Headless UI, <dt><button> FAQs) put the section title in a
// button that says it expands something: the title is the policy's, and an edit of it must
// be seen. Other buttons, and expanders whose words are a control's, stay out.
TEST(MarkdownTest, AccordionTriggerButtonsAreTitles) {
  EXPECT_EQ(Body("<div><button aria-expanded=false>Information we share with advertisers"
                 "</button><div hidden><p>We share hashed emails.</p></div></div>"
                 "<dl><dt><button aria-controls=a1 aria-expanded=true>Do you sell data?</button>"
                 "</dt><dd id=a1>No.</dd></dl>"
                 "<button aria-expanded=false>Show more</button><button>Accept</button>"
                 "<button aria-expanded=false aria-label=Menu></button>"),
            "Information we share with advertisers\n\nWe share hashed emails.\n\nDo you sell "
            "data?\nNo.\n");
}

TEST(MarkdownTest, LinesCountsNonBlankLines) {
  ExtractResult result;
  ASSERT_TRUE(ExtractText("<h1>T</h1><p>a<br>b</p><ul><li>c</li></ul>", {}, &result).ok());
  EXPECT_EQ(result.text, "# T\n\na b\n\n- c\n");
  EXPECT_EQ(result.lines, 3u);
}

TEST(MarkdownTest, OutputIsNormalised) {
  const std::string text = Body(
      "<p>\xE2\x80\x8B a\xE2\x80\x83 b\r\n c </p><pre>x\r\ny</pre><ul><li> </li></ul><p>\t</p>");
  EXPECT_EQ(text, "a b c\n\nx\ny\n");
  EXPECT_EQ(text.find("\r"), std::string::npos);
}

}  // namespace
}  // namespace policyd
