#include "policyd/gumbo_document.h"

#include <pthread.h>

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  out.reserve(text.size() * static_cast<size_t>(times));
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

TEST(CapNestingDepthTest, LeavesNormalDocumentsAlone) {
  std::string capped = "untouched";
  EXPECT_FALSE(CapNestingDepth("<html><body><div><p>a<p>b</div></body></html>", 4, &capped));
  EXPECT_EQ(capped, "untouched");
  EXPECT_FALSE(CapNestingDepth("", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<<<>>></ <a", 1, &capped));
}

TEST(CapNestingDepthTest, RemovesTagsBeyondTheLimitAndKeepsText) {
  const std::string html = Repeat("<div>", 10) + "text" + Repeat("</div>", 10) + "<p>after";
  std::string capped;
  ASSERT_TRUE(CapNestingDepth(html, 4, &capped));
  EXPECT_EQ(capped, Repeat("<div>", 4) + "text" + Repeat("</div>", 4) + "<p>after");
  ASSERT_TRUE(CapNestingDepth(Repeat("<section class=s>", 1000) + "x", 512, &capped));
  EXPECT_EQ(Count(capped, "<section"), 512u);
}

TEST(CapNestingDepthTest, IgnoresWhatDoesNotNest) {
  std::string capped;
  // Void elements, implied end tags, comments, raw text, self-closing foreign elements.
  EXPECT_FALSE(CapNestingDepth(Repeat("<br><img src=x><hr/>", 100), 4, &capped));
  EXPECT_FALSE(CapNestingDepth(Repeat("<p>x<li>y<td>z", 100), 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<!--" + Repeat("<div>", 100) + "-->", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<script>" + Repeat("<div>", 100) + "</script>", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<textarea>" + Repeat("<b>", 100) + "</TEXTAREA >", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<svg>" + Repeat("<path d='M0'/>", 100) + "</svg>", 4, &capped));
  EXPECT_FALSE(CapNestingDepth(Repeat("<div title='a>b'>x</div>", 100), 4, &capped));
  EXPECT_FALSE(CapNestingDepth(Repeat("<b><i>x</i></b>", 100), 4, &capped));
}

TEST(CapNestingDepthTest, CountsWhatTheTreeBuilderNests) {
  std::string capped;
  // <div/> is not self-closing in HTML; a stray </span> cannot close across a <div>.
  EXPECT_TRUE(CapNestingDepth(Repeat("<div/>", 10), 4, &capped));
  EXPECT_TRUE(CapNestingDepth(Repeat("<span><div></span>", 10), 4, &capped));
}

TEST(GumboDocumentTest, ParsesAndExposesNodes) {
  const GumboDocument document(std::string("<title>t</title><p>Hello"));
  ASSERT_NE(document.document(), nullptr);
  EXPECT_EQ(document.document()->type, GUMBO_NODE_DOCUMENT);
  EXPECT_EQ(document.root()->v.element.tag, GUMBO_TAG_HTML);
  ASSERT_NE(document.body(), nullptr);
  EXPECT_EQ(document.body()->v.element.tag, GUMBO_TAG_BODY);
  EXPECT_FALSE(document.depth_capped());
}

TEST(GumboDocumentTest, FramesetDocumentHasNoBody) {
  const GumboDocument document(std::string("<frameset><frame src=a></frameset>"));
  EXPECT_EQ(document.body(), nullptr);
}

TEST(GumboDocumentTest, IsMovable) {
  GumboDocument a(std::string("<p>x"));
  const GumboNode* root = a.root();
  GumboDocument b(std::move(a));
  EXPECT_EQ(b.root(), root);
  GumboDocument c(std::string("<p>y"));
  c = std::move(b);
  EXPECT_EQ(c.root(), root);
}

// Elements and text nodes under `node`, counted without recursion.
std::pair<size_t, size_t> CountNodes(const GumboNode* node) {
  size_t elements = 0;
  size_t texts = 0;
  std::vector<const GumboNode*> stack = {node};
  while (!stack.empty()) {
    const GumboNode* next = stack.back();
    stack.pop_back();
    if (next->type == GUMBO_NODE_TEXT) ++texts;
    if (next->type != GUMBO_NODE_ELEMENT) continue;
    ++elements;
    const GumboVector& children = next->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return {elements, texts};
}

// Unclosed formatting elements with distinct attributes are re-opened in every later block:
// 3000 <b id=N> before 3000 paragraphs made 9 million elements and 1.3 GB from a 56 KB page.
// Past 32 open, a formatting start tag is dropped; every paragraph's text stays.
TEST(GumboDocumentTest, UnclosedFormattingElementsAreNotClonedIntoEveryBlock) {
  std::string html = "<body><p>";
  for (int i = 0; i < 1000; ++i) html += "<b id=b" + std::to_string(i) + ">";
  for (int i = 0; i < 1000; ++i) html += "<p>x</p>";
  const GumboDocument document(html);
  EXPECT_TRUE(document.depth_capped());
  const auto [elements, texts] = CountNodes(document.body());
  EXPECT_EQ(texts, 1000u);
  EXPECT_LT(elements, 1000u * 40);  // at most 32 clones and the <p> per paragraph
  // Taken off the stack by their block's end, they stay active and are re-opened all the same.
  std::string closed = "<body>";
  for (int i = 0; i < 1000; ++i) closed += "<div><b id=b" + std::to_string(i) + "></div>x";
  EXPECT_LT(CountNodes(GumboDocument(closed).body()).first, 1000u * 40);
  // A table cell's end clears them: cells of unclosed links are not capped.
  std::string cells = "<body><table><tr>";
  for (int i = 0; i < 100; ++i) cells += "<td><a href=/p" + std::to_string(i) + ">Page</td>";
  std::string unchanged;
  EXPECT_FALSE(CapNestingDepth(cells, GumboDocument::kMaxNestingDepth, &unchanged));
  // A few unclosed formatting elements, as sloppy pages have, are left as they are.
  std::string sloppy = "<body>";
  for (int i = 0; i < 20; ++i) sloppy += "<li><b>Item " + std::to_string(i) + "</li>";
  std::string capped;
  EXPECT_FALSE(CapNestingDepth(sloppy, GumboDocument::kMaxNestingDepth, &capped));
}

// Gumbo compares each attribute of a tag with all the earlier ones: 200,000 attributes kept a
// worker busy for minutes. Past kMaxAttributesPerTag they are left out; the text stays.
TEST(GumboDocumentTest, AttributesPastTheLimitAreLeftOut) {
  std::string html = "<body><main";
  for (int i = 0; i < 20000; ++i) html += " a" + std::to_string(i) + "=x";
  html += " title='one = two'><p>We never sell data.</p></main>";
  const GumboDocument document(html);
  const auto* main = static_cast<const GumboNode*>(document.body()->v.element.children.data[0]);
  ASSERT_EQ(main->v.element.tag, GUMBO_TAG_MAIN);
  EXPECT_EQ(main->v.element.attributes.length, kMaxAttributesPerTag);
  EXPECT_EQ(CountNodes(main).second, 1u);
  // Spaces around '=' and quoted values with spaces do not count as attributes.
  std::string spaced = "<body><main";
  for (size_t i = 0; i < kMaxAttributesPerTag; ++i) {
    spaced += " a" + std::to_string(i) + " = \"x y\"";
  }
  spaced += "><p>Text.</p></main>";
  std::string capped;
  EXPECT_FALSE(CapNestingDepth(spaced, GumboDocument::kMaxNestingDepth, &capped));
}

// A page of more than kMaxElements start tags is not parsed: two million "<p>x" (8 MB) took
// 1.3 GB. The document is then empty and says why; ExtractText says the page is too large.
TEST(GumboDocumentTest, APageOfTooManyElementsIsNotParsed) {
  const std::string html = "<body>" + Repeat("<p>x", GumboDocument::kMaxElements + 1);
  size_t start_tags = 0;
  std::string capped;
  CapNestingDepth(html, GumboDocument::kMaxNestingDepth, &capped, &start_tags);
  EXPECT_EQ(start_tags, GumboDocument::kMaxElements + 2);
  const GumboDocument document(html);
  EXPECT_TRUE(document.too_many_elements());
  EXPECT_EQ(CountNodes(document.body()), std::make_pair(size_t{1}, size_t{0}));
  ExtractResult result;
  ASSERT_TRUE(ExtractText(html, {}, &result).ok());
  EXPECT_EQ(result.too_large, "more than 200000 elements, not read");
  EXPECT_EQ(result.text, "");
  // Just within the bound, the page is read.
  const std::string within = "<body>" + Repeat("<p>x", GumboDocument::kMaxElements - 1);
  EXPECT_FALSE(GumboDocument(within).too_many_elements());
}

TEST(GumboDocumentTest, HundredThousandNestedDivs) {
  const GumboDocument document(Repeat("<div>", 100000) + "deep" + Repeat("</div>", 100000));
  EXPECT_TRUE(document.depth_capped());
}

// Runs `fn` on a thread with a small stack: any recursion over the DOM would overflow it.
template <typename Fn>
void RunWithSmallStack(Fn fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<Fn*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, &fn), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
}

TEST(GumboDocumentTest, DeepButAllowedTreeIsDestroyedSafely) {
  // Just within the nesting cap, destroyed on a small stack (gumbo_destroy_output recursed).
  RunWithSmallStack([] {
    const GumboDocument document(Repeat("<div>", 500) + "x");
    EXPECT_FALSE(document.depth_capped());
  });
}

TEST(GumboDocumentTest, HundredThousandNestedDivsOnASmallStack) {
  const std::string html = "<html><body>" + Repeat("<div>", 100000) + "deep text" +
                           Repeat("</div>", 100000) + "<p>after</p></body></html>";
  ExtractResult result;
  bool ok = false;
  RunWithSmallStack([&]() { ok = ExtractText(html, {}, &result).ok(); });
  EXPECT_TRUE(ok);
  EXPECT_EQ(result.text, "deep text\n\nafter\n");
}

}  // namespace
}  // namespace policyd
