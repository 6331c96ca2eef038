#include "policyd/selector.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/gumbo_document.h"

namespace policyd {
namespace {

constexpr char kPage[] = R"(<!DOCTYPE html>
<html><body>
<div id="main" class="content policy" lang="en" data-role="doc">
  <h1 id="title">Privacy</h1>
  <p class="intro lead">Intro <a href="https://example.com/a.pdf">pdf</a></p>
  <div class="cookie-banner"><p class="x">Cookies?</p></div>
  <ul><li><a href="/rel">rel</a></li></ul>
  <my-widget class="w">custom</my-widget>
</div>
<div class="a"><div class="b"><div class="b"><span class="c" id="deep">deep</span></div></div></div>
<p class="x y">both</p><p class="x">one</p>
</body></html>)";

Selector Parse(std::string_view text) {
  Result<Selector> result = Selector::Parse(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().ToString();
  return result.ok() ? std::move(result).value() : Selector::Parse("*").value();
}

// The text of the first text node under `node`, for readable expectations.
std::string FirstText(const GumboNode* node) {
  std::vector<const GumboNode*> stack = {node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT) return n->v.text.text;
    if (n->type != GUMBO_NODE_ELEMENT) continue;
    for (unsigned i = n->v.element.children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(n->v.element.children.data[i]));
    }
  }
  return "";
}

std::vector<std::string> Select(const GumboDocument& document, std::string_view selector) {
  std::vector<std::string> texts;
  for (const GumboNode* node : Parse(selector).SelectAll(document.root())) {
    texts.push_back(FirstText(node));
  }
  return texts;
}

using Texts = std::vector<std::string>;

class SelectorMatchTest : public ::testing::Test {
 protected:
  GumboDocument document_{kPage};
};

TEST_F(SelectorMatchTest, TypeUniversalIdAndClass) {
  EXPECT_EQ(Select(document_, "h1"), Texts({"Privacy"}));
  EXPECT_EQ(Select(document_, "H1"), Texts({"Privacy"}));  // type names ignore case
  EXPECT_EQ(Select(document_, "#title"), Texts({"Privacy"}));
  EXPECT_EQ(Select(document_, "#TITLE"), Texts());  // ids are case-sensitive
  EXPECT_EQ(Select(document_, ".lead"), Texts({"Intro "}));
  EXPECT_EQ(Select(document_, "p.intro.lead"), Texts({"Intro "}));
  EXPECT_EQ(Select(document_, ".cookie"), Texts());  // class words match whole
  EXPECT_EQ(Select(document_, "my-widget"), Texts({"custom"}));
  EXPECT_EQ(Select(document_, "*").size(), 19u);
}

TEST_F(SelectorMatchTest, Attributes) {
  EXPECT_EQ(Select(document_, "[lang]").size(), 1u);
  EXPECT_EQ(Select(document_, "[data-role=doc]").size(), 1u);
  EXPECT_EQ(Select(document_, "[data-role='doc']").size(), 1u);
  EXPECT_EQ(Select(document_, "[data-role=\"Doc\"]").size(), 0u);  // values are case-sensitive
  EXPECT_EQ(Select(document_, "[DATA-ROLE=doc]").size(), 1u);      // names are not
  EXPECT_EQ(Select(document_, "a[href^=https]"), Texts({"pdf"}));
  EXPECT_EQ(Select(document_, "a[href$='.pdf']"), Texts({"pdf"}));
  EXPECT_EQ(Select(document_, "[class*=banner]").size(), 1u);
  EXPECT_EQ(Select(document_, "[class~=policy]").size(), 1u);
  EXPECT_EQ(Select(document_, "[class~=pol]").size(), 0u);
  EXPECT_EQ(Select(document_, "[class^='']").size(), 0u);  // empty values match nothing
  EXPECT_EQ(Select(document_, "[lang|=en]").size(), 1u);
}

TEST_F(SelectorMatchTest, Negation) {
  EXPECT_EQ(Select(document_, "p.x:not(.y)"), Texts({"Cookies?", "one"}));
  EXPECT_EQ(Select(document_, "p:not(.x.y):not(.intro)"), Texts({"Cookies?", "one"}));
  EXPECT_EQ(Select(document_, "li:not(li)"), Texts());
}

TEST_F(SelectorMatchTest, Combinators) {
  EXPECT_EQ(Select(document_, "#main > p"), Texts({"Intro "}));
  EXPECT_EQ(Select(document_, "#main p"), Texts({"Intro ", "Cookies?"}));
  EXPECT_EQ(Select(document_, "ul li > a"), Texts({"rel"}));
  EXPECT_EQ(Select(document_, "ul > a"), Texts());
  EXPECT_EQ(Select(document_, "body>div>h1"), Texts({"Privacy"}));
  // Needs backtracking: the nearest .b ancestor is not the child of .a, the outer one is.
  EXPECT_EQ(Select(document_, ".a > .b .c"), Texts({"deep"}));
  EXPECT_EQ(Select(document_, ".a > .b > .c"), Texts());
  EXPECT_EQ(Select(document_, ".b > .b > .c"), Texts({"deep"}));
}

// What Open Terms Archive declarations use beyond Selectors Level 3's first subset: sibling
// combinators, structural pseudo-classes, :not() and :is() lists, the `i` attribute flag
// (Booking.com's declaration removes "a.print-button, .print-button + p").
TEST(SelectorSiblingsTest, SiblingCombinatorsAndStructuralPseudoClasses) {
  const GumboDocument document(
      std::string("<div id=s><h2>A</h2><p>a1</p><p>a2</p><h2>B</h2><p>b1</p><span>s</span><p>b2</p>"
                  "<div class=E></div><div class=f> </div></div>"
                  "<a class=print-button>Print</a><p>Print this page</p><p>kept</p>"));
  EXPECT_EQ(Select(document, "h2 + p"), Texts({"a1", "b1"}));
  EXPECT_EQ(Select(document, "h2 ~ p"), Texts({"a1", "a2", "b1", "b2"}));
  EXPECT_EQ(Select(document, "#s > h2 + p + p"), Texts({"a2"}));
  EXPECT_EQ(Select(document, "h2 ~ span + p"), Texts({"b2"}));
  EXPECT_EQ(Select(document, "a.print-button, .print-button + p"),
            Texts({"Print", "Print this page"}));
  EXPECT_EQ(Select(document, "#s > :first-child"), Texts({"A"}));
  EXPECT_EQ(Select(document, "#s > p:first-of-type"), Texts({"a1"}));
  EXPECT_EQ(Select(document, "#s > p:last-of-type"), Texts({"b2"}));
  EXPECT_EQ(Select(document, "span:only-of-type"), Texts({"s"}));
  EXPECT_EQ(Select(document, "#s > p:nth-child(2)"), Texts({"a1"}));
  EXPECT_EQ(Select(document, "#s > p:nth-of-type(2n)"), Texts({"a2", "b2"}));
  EXPECT_EQ(Select(document, "#s > p:nth-of-type(odd)"), Texts({"a1", "b1"}));
  EXPECT_EQ(Select(document, "#s > p:nth-of-type(-n + 2)"), Texts({"a1", "a2"}));
  EXPECT_EQ(Select(document, "#s > p:nth-last-of-type(1)"), Texts({"b2"}));
  EXPECT_EQ(Select(document, "#s > h2:nth-child(even)"), Texts({"B"}));
  EXPECT_EQ(Select(document, "#s > p:not(:first-of-type, :last-of-type)"), Texts({"a2", "b1"}));
  EXPECT_EQ(Select(document, "#s > :is(h2, span)"), Texts({"A", "B", "s"}));
  EXPECT_EQ(Select(document, "#s > :where(span)"), Texts({"s"}));
  EXPECT_EQ(Parse("div:empty").SelectAll(document.root()).size(), 1u);  // not the one with a space
  EXPECT_EQ(Parse(":root").SelectAll(document.root()).size(), 1u);
  EXPECT_EQ(Parse("[class=e i]").SelectAll(document.root()).size(), 1u);
  EXPECT_EQ(Parse("[class=e]").SelectAll(document.root()).size(), 0u);
}

TEST_F(SelectorMatchTest, ListsAreInDocumentOrderWithoutDuplicates) {
  EXPECT_EQ(Select(document_, "p.x, h1, #title"), Texts({"Privacy", "Cookies?", "both", "one"}));
}

TEST_F(SelectorMatchTest, MatchesOnlyElements) {
  const Selector any = Parse("*");
  EXPECT_FALSE(any.Matches(nullptr));
  EXPECT_FALSE(any.Matches(document_.document()));
  EXPECT_TRUE(any.Matches(document_.root()));
  EXPECT_EQ(any.SelectAll(nullptr).size(), 0u);
}

TEST(SelectorParseTest, KeepsText) { EXPECT_EQ(Parse("div > p").text(), "div > p"); }

TEST(SelectorParseTest, AcceptsWhiteSpaceAndEscapes) {
  for (const char* text :
       {"  div  ", "div>p", "div >p", "div\t>\np", "a , b", ".a\\:b", "#\\31 23", "[ data-x ]",
        "[data-x = 'y' ]", "p:NOT(.x)", "[title=\"a\\\"b\"]", "*.x", ".\xC3\xA9t\xC3\xA9"}) {
    EXPECT_TRUE(Selector::Parse(text).ok()) << text;
  }
}

TEST(SelectorParseTest, EscapedClassMatches) {
  const GumboDocument document(std::string("<p class=\"a:b\">x</p><p id=\"123\">y</p>"));
  EXPECT_EQ(Parse(".a\\:b").SelectAll(document.root()).size(), 1u);
  EXPECT_EQ(Parse("#\\31 23").SelectAll(document.root()).size(), 1u);
}

TEST(SelectorParseTest, ErrorsNameTheSelectorAndPosition) {
  struct Case {
    const char* text;
    size_t position;
  };
  for (const Case& c : std::vector<Case>{{"", 0},
                                         {"   ", 3},
                                         {"div >", 5},
                                         {"> p", 0},
                                         {"div,,p", 4},
                                         {"div,", 4},
                                         {"[", 1},
                                         {"[=x]", 1},
                                         {"[a=]", 3},
                                         {"[a=b", 4},
                                         {"[a!=b]", 2},
                                         {"#", 1},
                                         {"p.", 2},
                                         {"a:hover", 1},
                                         {"p::before", 1},
                                         {"div:not(:not(p))", 8},
                                         {"div:not(p", 9},
                                         {"div +", 5},
                                         {"div ~ ", 6},
                                         {"[a='x", 5},
                                         {"a b)", 3},
                                         {"p\"", 1},
                                         {"p:has(a)", 1},
                                         {"p:nth-child(x)", 12},
                                         {"p:nth-child(2", 13},
                                         {":is(h2 p)", 7}}) {
    const Result<Selector> result = Selector::Parse(c.text);
    ASSERT_FALSE(result.ok()) << c.text;
    EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
    const std::string& message = result.status().message();
    EXPECT_NE(message.find("\"" + std::string(c.text) + "\""), std::string::npos) << message;
    EXPECT_NE(message.find("position " + std::to_string(c.position)), std::string::npos)
        << c.text << ": " << message;
  }
}

TEST(SelectorParseTest, NeverCrashesOnArbitraryInput) {
  const GumboDocument document{std::string(kPage)};
  const std::string alphabet = "ab#.[]=^$*~|:()> ,'\"\\-_1\xC3\xA9notNOT\n";
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int length = static_cast<int>(rng() % 24);
    for (int k = 0; k < length; ++k) text.push_back(alphabet[rng() % alphabet.size()]);
    const Result<Selector> result = Selector::Parse(text);
    if (result.ok()) {
      result.value().SelectAll(document.root());
    } else {
      EXPECT_EQ(result.status().code(), Status::Code::kInvalidArgument);
    }
  }
  // Long and binary input.
  EXPECT_FALSE(Selector::Parse(std::string(100000, '[')).ok());
  EXPECT_TRUE(Selector::Parse(std::string(100000, 'a')).ok());
  EXPECT_FALSE(Selector::Parse(std::string("a\0b", 3)).ok());
}

TEST(SelectorMatchDeepTest, DeepTreesAndLongSelectors) {
  std::string html = "<body>";
  for (int i = 0; i < 400; ++i) html += "<div class=d>";  // within GumboDocument's cap
  html += "<span>x</span>";
  const GumboDocument document(html);
  std::string long_selector;
  for (int i = 0; i < 200; ++i) long_selector += ".d ";
  long_selector += "span";
  EXPECT_EQ(Parse(long_selector).SelectAll(document.root()).size(), 1u);
  EXPECT_EQ(Parse(".d > .d > span").SelectAll(document.root()).size(), 1u);
  EXPECT_EQ(Parse("p .d span").SelectAll(document.root()).size(), 0u);
}

}  // namespace
}  // namespace policyd
