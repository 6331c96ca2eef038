// The pieces of PDF text assembly that need no PDF: line joining, page numbers, XHTML reading.
#include <gtest/gtest.h>

#include "src/pdf/bbox_layout.h"
#include "src/pdf/layout_text.h"
#include "src/pdf/page_furniture.h"

namespace policyd::pdf_internal {
namespace {

std::string Join(std::initializer_list<const char*> lines) {
  std::string text;
  for (const char* line : lines) AppendLine(line, &text);
  return ResolveLineHyphens(std::move(text));
}

TEST(AppendLineTest, HyphenationAtLineEndsIsUndoneOnlyBeforeLowerCase) {
  EXPECT_EQ(Join({"We process informa-", "tion lawfully."}), "We process information lawfully.");
  EXPECT_EQ(Join({"cases of COVID-", "19 are"}), "cases of COVID-19 are");
  EXPECT_EQ(Join({"the Opt-", "In button"}), "the Opt-In button");
  EXPECT_EQ(Join({"you may opt-in to", "emails"}), "you may opt-in to emails");
  EXPECT_EQ(Join({"a pause -", "then more"}), "a pause - then more");
  EXPECT_EQ(Join({"Stra\xC3\x9F"
                  "en-",
                  "\xC3\xBC"
                  "bergang"}),
            "Stra\xC3\x9F"
            "en\xC3\xBC"
            "bergang");
}

// Japanese and Chinese put no space between words: a line break there is none, or the same
// characters wrapped at another width read as other words ("範 囲内"). Korean, which writes
// spaces, and Latin text keep theirs.
TEST(AppendLineTest, NoSpaceWhereJapaneseOrChineseLinesMeet) {
  EXPECT_EQ(Join({"お客様の個人情報を", "取得します。"}), "お客様の個人情報を取得します。");
  EXPECT_EQ(Join({"我们收集您的个人", "信息。"}), "我们收集您的个人信息。");
  EXPECT_EQ(Join({"当社は Google", "の広告を使います"}), "当社は Googleの広告を使います");
  EXPECT_EQ(Join({"（例：", "氏名）"}), "（例：氏名）");
  EXPECT_EQ(Join({"개인정보를", "수집합니다."}), "개인정보를 수집합니다.");
  EXPECT_EQ(Join({"We collect", "data."}), "We collect data.");
}

// A hyphen at a line end before a lower-case word is either a word divided at the margin
// ("informa-" "tion") or a compound's own ("third-" "party"). The same words wrapped at another
// width must read the same: "third-party" glued into "thirdparty" made a re-issued PDF a
// substantive change. The document decides: the hyphenated form written elsewhere in it keeps
// the hyphen, the joined form undoes it; with neither, a few first parts of common compounds
// keep it, anything else is joined.
TEST(AppendLineTest, ACompoundsHyphenAtALineEndIsKept) {
  EXPECT_EQ(Join({"we share data with third-", "party advertisers."}),
            "we share data with third-party advertisers.");
  EXPECT_EQ(Join({"you may opt-", "out of sales, or e-", "mail us; self-", "governed."}),
            "you may opt-out of sales, or e-mail us; self-governed.");
  // What the document writes elsewhere decides.
  EXPECT_EQ(Join({"a data-driven and data-", "driven approach"}),
            "a data-driven and data-driven approach");
  EXPECT_EQ(Join({"the recip-", "ients and recipients"}), "the recipients and recipients");
  EXPECT_EQ(Join({"third-", "party and thirdparty"}), "thirdparty and thirdparty");
}

LayoutBlock Block(std::initializer_list<const char*> lines) {
  LayoutBlock block;
  double y = 100;
  for (const char* text : lines) {
    LayoutLine line;
    line.words.push_back({.x_min = 72, .y_min = y, .x_max = 300, .y_max = y + 10, .text = text});
    block.lines.push_back(std::move(line));
    y += 12;
  }
  return block;
}

// A page break inside a sentence: the next page starts with a capitalised word ("European
// Union"). Joined like one starting lower case, so that another pagination of the same words
// gives the same text (it was a `formatting` change); a paragraph that ends its sentence, or a
// line that does not end in a lower-case word, still ends at the break.
TEST(LayoutToTextTest, ASentenceCutByAPageBreakIsOneParagraph) {
  const auto two_pages = [](const char* first, const char* second) {
    std::vector<LayoutPage> pages(2);
    pages[0].height = pages[1].height = 792;
    pages[0].blocks.push_back(Block({first}));
    pages[1].blocks.push_back(Block({second}));
    return LayoutToText(pages);
  };
  EXPECT_EQ(two_pages("Your data stays in the", "European Union at all times."),
            "Your data stays in the European Union at all times.\n");
  EXPECT_EQ(two_pages("Your data stays in the EU.", "Transfers are rare."),
            "Your data stays in the EU.\n\nTransfers are rare.\n");
  EXPECT_EQ(two_pages("Contact", "Write to Acme Inc."), "Contact\n\nWrite to Acme Inc.\n");
}

// Lower case in any script continues a sentence across a page break, as in Latin script.
TEST(LayoutToTextTest, ALowerCaseWordInAnyScriptContinuesAParagraph) {
  std::vector<LayoutPage> pages(2);
  pages[0].height = pages[1].height = 792;
  pages[0].blocks.push_back(Block({"Вы можете изменить это в настройках учётной"}));
  pages[1].blocks.push_back(Block({"записи. Мы храним данные год."}));
  EXPECT_EQ(LayoutToText(pages),
            "Вы можете изменить это в настройках учётной записи. Мы храним данные год.\n");
  pages[0].blocks[0] = Block({"Μπορείτε να το αλλάξετε στις"});
  pages[1].blocks[0] = Block({"ρυθμίσεις του λογαριασμού."});
  EXPECT_EQ(LayoutToText(pages), "Μπορείτε να το αλλάξετε στις ρυθμίσεις του λογαριασμού.\n");
}

// A block of one line at (x, y) on a US letter page.
LayoutBlock LineAt(double x, double y, const char* text) {
  LayoutBlock block;
  LayoutLine line;
  line.words.push_back({.x_min = x, .y_min = y, .x_max = x + 100, .y_max = y + 10, .text = text});
  block.lines.push_back(std::move(line));
  return block;
}

std::vector<std::string> Lines(const LayoutPage& page) {
  std::vector<std::string> lines;
  for (const LayoutBlock& block : page.blocks) {
    for (const LayoutLine& line : block.lines) lines.push_back(LineText(line));
  }
  return lines;
}

// A table that runs into a page's bottom band keeps its cells: a "Yes" or a "26" beside a row's
// label is not a running footer or a page number, even when such cells recur on half the pages.
// They were dropped, so "Sold or shared: No" turning "Yes" was no change at all.
TEST(DropPageFurnitureTest, TableCellsInTheBandsAreKeptBesideTheirRow) {
  const char* const rows[] = {"Customer records", "Device identifiers", "Purchase history",
                              "Support tickets"};
  std::vector<LayoutPage> pages(4);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    LayoutPage& page = pages[i];
    page.width = 612;
    page.height = 792;
    page.blocks.push_back(LineAt(72, 300, "Body text of the policy."));
    page.blocks.push_back(LineAt(72, 740, rows[i]));
    page.blocks.push_back(LineAt(300, 740, "Yes"));
    page.blocks.push_back(LineAt(420, 740, "26"));
    page.blocks.push_back(LineAt(72, 770, "ACME Privacy Notice"));
    page.blocks.push_back(LineAt(500, 770, std::to_string(i + 1).c_str()));
  }
  DropPageFurniture(&pages);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(Lines(pages[i]),
              (std::vector<std::string>{"Body text of the policy.", rows[i], "Yes", "26"}));
  }
}

// A header printed on even pages only is furniture on an odd number of pages too: 12 of 25
// pages used to fall one short of "half", and "Version 3.1" was glued into sentences.
TEST(DropPageFurnitureTest, AHeaderOnEveryOtherPageIsDroppedWhateverThePageCount) {
  std::vector<LayoutPage> pages(5);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    pages[i].width = 612;
    pages[i].height = 792;
    if (i % 2 == 1) pages[i].blocks.push_back(LineAt(72, 20, "Version 3.1"));
    pages[i].blocks.push_back(LineAt(72, 300, "Body text of the policy."));
  }
  DropPageFurniture(&pages);
  for (const LayoutPage& page : pages) {
    EXPECT_EQ(Lines(page), std::vector<std::string>{"Body text of the policy."});
  }
}

TEST(IsPageNumberTest, PageNumberShapes) {
  for (const char* text : {"3", "Page 3", "page 3 of 12", "3 of 12", "- 3 -", "3/12", "p. 3",
                           "\xE2\x80\x93 3 \xE2\x80\x93", "| 7 |"}) {
    EXPECT_TRUE(IsPageNumber(text)) << text;
  }
  for (const char* text : {"", "Page", "Section 3", "3. Sharing", "2024 ACME Inc.", "Paged 3"}) {
    EXPECT_FALSE(IsPageNumber(text)) << text;
  }
}

TEST(ParseBboxLayoutTest, ReadsPagesBlocksLinesWordsAndEntities) {
  const std::string xhtml =
      "<!DOCTYPE html><html xmlns=\"http://www.w3.org/1999/xhtml\"><head></head><body><doc>"
      "<page width=\"612\" height=\"792\"><flow><block><line>"
      "<word xMin=\"72\" yMin=\"100\" xMax=\"90\" yMax=\"110\">Terms</word>"
      "<word xMin=\"92\" yMin=\"100\" xMax=\"120\" yMax=\"110\">&amp;</word>"
      "</line><line></line></block></flow></page><page width=\"612\" height=\"792\"></page>"
      "</doc></body></html>";
  const std::vector<LayoutPage> pages = ParseBboxLayout(xhtml);
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].height, 792);
  ASSERT_EQ(pages[0].blocks.size(), 1u);
  ASSERT_EQ(pages[0].blocks[0].lines.size(), 1u);
  EXPECT_EQ(LineText(pages[0].blocks[0].lines[0]), "Terms &");
  EXPECT_EQ(LineHeight(pages[0].blocks[0].lines[0]), 10);
  EXPECT_TRUE(pages[1].blocks.empty());
  EXPECT_EQ(LayoutToText(pages), "Terms &\n");
}

TEST(ParseBboxLayoutTest, GarbageGivesNoPages) {
  EXPECT_TRUE(ParseBboxLayout("").empty());
  EXPECT_TRUE(ParseBboxLayout("\xFF\xFE<doc><page").empty() ||
              ParseBboxLayout("\xFF\xFE<doc><page")[0].blocks.empty());
  EXPECT_EQ(LayoutToText({}), "");
}

}  // namespace
}  // namespace policyd::pdf_internal
