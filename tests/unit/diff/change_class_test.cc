#include <string>

#include <gtest/gtest.h>

#include "policyd/diff.h"

namespace policyd {
namespace {

const std::string kPolicy =
    "# Privacy Policy\n\nWe don't sell your data.\n\n## Sharing\n\n"
    "- We share data with [payment processors](https://acme.example/processors).\n"
    "- We share data with auditors.\n";

ChangeClass ClassOf(const std::string& old_text, const std::string& new_text) {
  return ClassifyChange(old_text, new_text).change_class;
}

// The same words, but some now say something else where they are: substantive, 0/0.
void ExpectWordsMovedOnly(const std::string& old_text, const std::string& new_text) {
  const ChangeClassification result = ClassifyChange(old_text, new_text);
  EXPECT_EQ(result.change_class, ChangeClass::kSubstantive) << new_text;
  EXPECT_EQ(result.words_added, 0) << new_text;
  EXPECT_EQ(result.words_removed, 0) << new_text;
}

TEST(ChangeClassTest, TypographyPunctuationCaseAndUnicodeFormsAreCosmetic) {
  std::string curly = kPolicy;
  curly.replace(curly.find("don't"), 5, "don\u2019t");  // ’
  EXPECT_EQ(ClassOf(kPolicy, curly), ChangeClass::kCosmetic);
  std::string shouting = kPolicy;
  shouting.replace(shouting.find("We don't sell"), 13, "WE DON'T SELL");
  EXPECT_EQ(ClassOf(kPolicy, shouting), ChangeClass::kCosmetic);
  // NFC é against NFD e + combining acute, and a fullwidth letter (NFKC).
  EXPECT_EQ(ClassOf("We may contact you by caf\u00e9 mail.\n",
                    "We may contact you by cafe\u0301 mail.\n"),
            ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("Section A applies.\n", "Section \uff21 applies.\n"), ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("Opt-in only.\n", "Opt\u2011in only!\n"), ChangeClass::kCosmetic);
  const ChangeClassification cosmetic = ClassifyChange(kPolicy, curly);
  EXPECT_EQ(cosmetic.words_added, 0);
  EXPECT_EQ(cosmetic.words_removed, 0);
}

// Symbols carry meaning: a price's currency, an age limit's comparison, a disclosure table's
// tick or cross. Changing one is substantive, counted as a word replaced.
TEST(ChangeClassTest, CurrencyComparisonAndTickSymbolsAreWords) {
  const auto expect_one_replaced = [](const std::string& old_text, const std::string& new_text) {
    const ChangeClassification change = ClassifyChange(old_text, new_text);
    EXPECT_EQ(change.change_class, ChangeClass::kSubstantive) << new_text;
    EXPECT_EQ(change.words_added, 1) << new_text;
    EXPECT_EQ(change.words_removed, 1) << new_text;
  };
  expect_one_replaced("A copy of your data costs $10.\n", "A copy of your data costs \u20ac10.\n");
  expect_one_replaced("You must be \u2265 16 to use the service.\n",
                      "You must be \u2264 16 to use the service.\n");
  expect_one_replaced("| Identifiers | \u2713 |\n", "| Identifiers | \u2717 |\n");
  expect_one_replaced("Fees rise by 5% a year.\n", "Fees rise by 5\u2030 a year.\n");
}

TEST(ChangeClassTest, MarkdownStructureAndLinkTargetsAreFormatting) {
  std::string relinked = kPolicy;
  relinked.replace(relinked.find("https://acme.example/processors"), 31,
                   "https://acme.example/legal/processors?v=2");
  EXPECT_EQ(ClassOf(kPolicy, relinked), ChangeClass::kFormatting);
  std::string demoted = kPolicy;
  demoted.replace(demoted.find("## Sharing"), 10, "### Sharing");
  EXPECT_EQ(ClassOf(kPolicy, demoted), ChangeClass::kFormatting);
  // A paragraph re-wrapped into two lines.
  EXPECT_EQ(ClassOf("We keep your data for two years.\n", "We keep your data\nfor two years.\n"),
            ChangeClass::kFormatting);
}

// An ordered list's numbers and a quote's markers are Markdown the extractor writes, not words
// of the policy: a list made ordered, items swapped under their fixed numbers, an item
// inserted before others (which all move one number on), a paragraph quoted.
TEST(ChangeClassTest, OrderedListNumbersAndQuoteMarkersAreStructure) {
  const std::string bullets = "- We share data with auditors.\n- We share data with banks.\n";
  const std::string numbered = "1. We share data with auditors.\n2. We share data with banks.\n";
  const std::string swapped = "1. We share data with banks.\n2. We share data with auditors.\n";
  const std::string inserted =
      "1. We share nothing else.\n2. We share data with auditors.\n3. We share data with banks.\n";
  ChangeClassification result = ClassifyChange(bullets, numbered);
  EXPECT_EQ(result.change_class, ChangeClass::kFormatting);
  EXPECT_EQ(result.words_added, 0);
  EXPECT_EQ(ClassOf(numbered, bullets), ChangeClass::kFormatting);
  EXPECT_EQ(ClassOf(numbered, swapped), ChangeClass::kReorder);
  result = ClassifyChange(numbered, inserted);
  EXPECT_EQ(result.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(result.words_added, 4);
  EXPECT_EQ(result.words_removed, 0);
  EXPECT_EQ(ClassOf("We keep logs.\n", "> We keep logs.\n"), ChangeClass::kFormatting);
  EXPECT_EQ(ClassOf("> We keep logs.\n", "> > We keep logs.\n"), ChangeClass::kFormatting);
  // A heading's number is its text: a section renumbered.
  result = ClassifyChange("## 1. Scope\n", "## 2. Scope\n");
  EXPECT_EQ(result.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(result.words_added, 1);
  EXPECT_EQ(result.words_removed, 1);
}

// A footnote reference is a marker: a note added before it renumbers it, and the clause that
// cites it says nothing new (it was substantive, 1/1, in every clause citing a later note).
TEST(ChangeClassTest, ARenumberedFootnoteReferenceIsFormatting) {
  const std::string policy =
      "We keep your data for two years[^1].\n\n1. Unless the law asks for longer.\n";
  const std::string renumbered =
      "We keep your data for two years[^2].\n\n2. Unless the law asks for longer.\n";
  const ChangeClassification result = ClassifyChange(policy, renumbered);
  EXPECT_EQ(result.change_class, ChangeClass::kFormatting);
  EXPECT_EQ(result.words_added, 0);
  // The text around it still counts, and a bracket that is no footnote stays as it was.
  EXPECT_EQ(ClassOf(policy,
                    "We keep your data for three years[^2].\n\n2. Unless the law asks "
                    "for longer.\n"),
            ChangeClass::kSubstantive);
  EXPECT_EQ(ClassOf("See [^ note 1].\n", "See [^ note 2].\n"), ChangeClass::kSubstantive);
}

TEST(ChangeClassTest, SameParagraphsInAnotherOrderAreAReorder) {
  const std::string swapped =
      "# Privacy Policy\n\nWe don't sell your data.\n\n## Sharing\n\n"
      "- We share data with auditors.\n"
      "- We share data with [payment processors](https://acme.example/processors).\n";
  const ChangeClassification result = ClassifyChange(kPolicy, swapped);
  EXPECT_EQ(result.change_class, ChangeClass::kReorder);
  EXPECT_EQ(result.words_added, 0);
  EXPECT_EQ(result.words_removed, 0);
}

// Which item a nested list item sits under is part of what it says: "Photos you upload" moved
// from "Information you give us" to "Information we collect automatically", or up to the top
// level, changes what the policy says about them, with the same words. It was `reorder` (or
// `formatting`), so a subscriber asking for substantive changes never heard of it (found by a
// reviewer's replay). A whole item moved with its children is still a reorder.
TEST(ChangeClassTest, AListItemMovedToAnotherParentIsSubstantive) {
  const std::string policy =
      "## Data\n\n- Information you give us:\n  - Your name.\n  - Photos you upload.\n"
      "- Information we collect automatically:\n  - Your IP address.\n";
  const std::string other_parent =
      "## Data\n\n- Information you give us:\n  - Your name.\n"
      "- Information we collect automatically:\n  - Photos you upload.\n  - Your IP address.\n";
  ExpectWordsMovedOnly(policy, other_parent);
  const std::string top_level =
      "## Data\n\n- Information you give us:\n  - Your name.\n- Photos you upload.\n"
      "- Information we collect automatically:\n  - Your IP address.\n";
  ExpectWordsMovedOnly(policy, top_level);
  // Siblings swapped, a parent moved with its children, an indentation re-written, or the
  // list's markers changed: no item changes its parent.
  const std::string siblings_swapped =
      "## Data\n\n- Information you give us:\n  - Photos you upload.\n  - Your name.\n"
      "- Information we collect automatically:\n  - Your IP address.\n";
  EXPECT_EQ(ClassOf(policy, siblings_swapped), ChangeClass::kReorder);
  const std::string parents_swapped =
      "## Data\n\n- Information we collect automatically:\n  - Your IP address.\n"
      "- Information you give us:\n  - Your name.\n  - Photos you upload.\n";
  EXPECT_EQ(ClassOf(policy, parents_swapped), ChangeClass::kReorder);
  const std::string reindented =
      "## Data\n\n1. Information you give us:\n    - Your name.\n    - Photos you upload.\n"
      "2. Information we collect automatically:\n    - Your IP address.\n";
  EXPECT_EQ(ClassOf(policy, reindented), ChangeClass::kFormatting);
}

// A sentence moved across the boundary of two paragraphs keeps every word in its order, but
// it now belongs to the other paragraph: substantive 0/0, as the same sentence moved to the
// far end of the other paragraph is. It was `formatting` (a review of the day's changes). A
// paragraph split in place, two merged, or one re-wrapped stay formatting.
TEST(ChangeClassTest, ASentenceMovedAcrossAParagraphBoundaryIsSubstantive) {
  const std::string before =
      "We keep your data.\n\nBackups are kept for ninety days. They are encrypted at rest.\n";
  const std::string after =
      "We keep your data. Backups are kept for ninety days.\n\nThey are encrypted at rest.\n";
  ExpectWordsMovedOnly(before, after);
  ExpectWordsMovedOnly(after, before);
  // Between list items too.
  EXPECT_EQ(ClassOf("- We share names. And emails.\n- We share photos.\n",
                    "- We share names.\n- And emails. We share photos.\n"),
            ChangeClass::kSubstantive);
  const std::string split =
      "We keep your data.\n\nBackups are kept for ninety days.\n\nThey are encrypted at rest.\n";
  EXPECT_EQ(ClassOf(before, split), ChangeClass::kFormatting);
  EXPECT_EQ(ClassOf(split, before), ChangeClass::kFormatting);
  EXPECT_EQ(ClassOf(before,
                    "We keep your data.\n\nBackups are kept for ninety days.\nThey are "
                    "encrypted at rest.\n"),
            ChangeClass::kFormatting);
}

// A paragraph of several lines (a definition under its term, lines broken with <br>): a line
// moved from one to another changes what both say. Compared line by line, the same lines in
// another order made it a `reorder` (a review of the day's changes: a glossary's entries are
// such paragraphs).
TEST(ChangeClassTest, ALineMovedBetweenParagraphsOfSeveralLinesIsSubstantive) {
  const std::string glossary =
      "Logs\nWe keep logs for 30 days.\nWe keep backups for 90 days.\n\nDeletion\nWe delete "
      "your account on request.\n";
  ExpectWordsMovedOnly(glossary,
                       "Logs\nWe keep logs for 30 days.\n\nDeletion\nWe delete your account "
                       "on request.\nWe keep backups for 90 days.\n");
  // Whole paragraphs swapped stay a reorder.
  EXPECT_EQ(ClassOf(glossary,
                    "Deletion\nWe delete your account on request.\n\nLogs\nWe keep logs for 30 "
                    "days.\nWe keep backups for 90 days.\n"),
            ChangeClass::kReorder);
}

TEST(ChangeClassTest, ChangedWordsAreSubstantiveAndCounted) {
  std::string sells = kPolicy;
  sells.replace(sells.find("don't sell"), 10, "may sell");
  ChangeClassification result = ClassifyChange(kPolicy, sells);
  EXPECT_EQ(result.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(result.words_added, 1);    // may
  EXPECT_EQ(result.words_removed, 2);  // don, t

  const std::string more = kPolicy + "- We share data with advertisers.\n";
  result = ClassifyChange(kPolicy, more);
  EXPECT_EQ(result.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(result.words_added, 5);
  EXPECT_EQ(result.words_removed, 0);
  // A word moved from one paragraph to another: substantive (the paragraphs differ), yet no
  // word was added or removed.
  result = ClassifyChange("We collect data.\nWe never sell it.\n",
                          "We collect data never.\nWe sell it.\n");
  EXPECT_EQ(result.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(result.words_added, 0);
  EXPECT_EQ(result.words_removed, 0);
}

TEST(ChangeClassTest, NonLatinScriptsAreWords) {
  EXPECT_EQ(ClassOf("我们不出售您的数据。\n", "我们出售您的数据。\n"), ChangeClass::kSubstantive);
  EXPECT_EQ(ClassOf("Мы не продаём данные.\n", "МЫ НЕ ПРОДАЁМ ДАННЫЕ!\n"), ChangeClass::kCosmetic);
}

}  // namespace
// A date or a number at the start of a paragraph is escaped by the extractor ("15\\. März")
// and is a word: changing it is substantive, with the words counted.
TEST(ChangeClassTest, AnEscapedNumberThatStartsAParagraphIsAWord) {
  const ChangeClassification date =
      ClassifyChange("Stand:\n\n15\\. März 2026\n", "Stand:\n\n16\\. März 2026\n");
  EXPECT_EQ(date.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(date.words_added, 1);
  EXPECT_EQ(date.words_removed, 1);
}

// The backslash the extractor writes so that a paragraph's "21." or "#" is not read as a list
// or a heading is Markdown, not punctuation a reader sees: the paragraph made a heading is
// formatting, as it is without an escape. It was cosmetic (found by an analyzer's replay).
TEST(ChangeClassTest, AParagraphWithAnEscapeMadeAHeadingIsFormatting) {
  EXPECT_EQ(ClassOf("21\\. SPECIAL STATE TERMS\n\nFor residents of New York.\n",
                    "## 21. SPECIAL STATE TERMS\n\nFor residents of New York.\n"),
            ChangeClass::kFormatting);
  // A table cell's escaped pipe is the same character.
  EXPECT_EQ(ClassOf("| a \\| b | c |\n", "a | b c\n"), ChangeClass::kFormatting);
}

// Case and stretching in Turkish and Arabic: a heading put in capitals ("Veri Saklama" ->
// "VERİ SAKLAMA", "ılık" -> "ILIK") and a word stretched with kashida (tatweel) change no
// word. They were substantive: case folding turns İ into i and a combining dot, and leaves
// ı apart from i; tatweel is a letter to ICU.
TEST(ChangeClassTest, TurkishCaseAndArabicKashidaAreCosmetic) {
  EXPECT_EQ(ClassOf("## Veri Saklama\n\nKişisel verileriniz ılık tutulur.\n",
                    "## VERİ SAKLAMA\n\nKİŞİSEL verileriniz ILIK tutulur.\n"),
            ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("نحن نحمي البيانات الشخصية.\n", "نحن نحمي البيـــانات الشخصية.\n"),
            ChangeClass::kCosmetic);
  // A letter that changes is still a change.
  EXPECT_EQ(ClassOf("Veri saklama süresi bir yıl.\n", "Veri saklama süresi iki yıl.\n"),
            ChangeClass::kSubstantive);
}

// Full case folding made "Maßen" (in moderation) and "Massen" (in bulk), or Turkish "sık"
// and "sik", one word: a change of meaning was `cosmetic`, and subscribers asking only for
// `substantive` never heard of it. Case still explains them in capitals.
TEST(ChangeClassTest, SharpSAndDotlessIChangesAreWordsUnlessInCapitals) {
  const ChangeClassification masse = ClassifyChange("Wir verarbeiten Ihre Daten nur in Maßen.\n",
                                                    "Wir verarbeiten Ihre Daten nur in Massen.\n");
  EXPECT_EQ(masse.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(masse.words_added, 1);
  EXPECT_EQ(masse.words_removed, 1);
  EXPECT_EQ(ClassOf("Verileriniz sık sık silinir.\n", "Verileriniz sik sik silinir.\n"),
            ChangeClass::kSubstantive);
  EXPECT_EQ(ClassOf("Bilgiler alınır.\n", "Bilgiler alinir.\n"), ChangeClass::kSubstantive);
  EXPECT_EQ(ClassOf("Merkez İzmir.\n", "Merkez Izmir.\n"), ChangeClass::kSubstantive);
  EXPECT_EQ(ClassOf("## Maßnahmen\n\nText.\n", "## MASSNAHMEN\n\nText.\n"), ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("## Straße\n\nText.\n", "## STRAẞE\n\nText.\n"), ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("Verileriniz sık silinir.\n", "Verileriniz SIK silinir.\n"),
            ChangeClass::kCosmetic);
}

// Optional vowel marks of Hebrew and Arabic, and a number written in another script's digits,
// are the same words to a reader.
TEST(ChangeClassTest, VowelMarksAndOtherScriptsDigitsAreCosmetic) {
  EXPECT_EQ(ClassOf("نحتفظ بالبيانات لمدة تسعين يومًا.\n", "نَحْتَفِظُ بالبيانات لمدة تسعين يومًا.\n"),
            ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("אנו שומרים את המידע.\n", "אָנוּ שומרים את המידע.\n"), ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("نحتفظ بالبيانات 90 يومًا.\n", "نحتفظ بالبيانات ٩٠ يومًا.\n"),
            ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("डेटा 365 दिन रखा जाता है।\n", "डेटा ३६५ दिन रखा जाता है।\n"),
            ChangeClass::kCosmetic);
  // Another number in any digits is still a change.
  EXPECT_EQ(ClassOf("نحتفظ بالبيانات 90 يومًا.\n", "نحتفظ بالبيانات ٣٠ يومًا.\n"),
            ChangeClass::kSubstantive);
}

// Chinese and Japanese are written without spaces: a whole clause used to be one "word", so
// spaces put around a Latin name were substantive (+7 -3 words) and one changed character
// replaced the clause. Their words are ICU's dictionary words.
// Where Korean puts its spaces is spelling, applied unevenly ("제공할 수" / "제공할수"): moving
// them is cosmetic, with no word counted. A changed letter is not (있 "can" → 없 "cannot"), nor
// are Latin words joined ("a part" → "apart").
TEST(ChangeClassTest, KoreanSpacingIsCosmetic) {
  const std::string policy = "회사는 이용자의 개인정보를 제3자에게 제공할 수 있습니다.\n";
  const ChangeClassification joined =
      ClassifyChange(policy, "회사는 이용자의 개인정보를 제3자에게 제공할수 있습니다.\n");
  EXPECT_EQ(joined.change_class, ChangeClass::kCosmetic);
  EXPECT_EQ(joined.words_added, 0);
  EXPECT_EQ(joined.words_removed, 0);
  EXPECT_EQ(
      ClassOf("개인정보 보호책임자에게 문의하십시오.\n", "개인정보보호 책임자에게 문의하십시오.\n"),
      ChangeClass::kCosmetic);
  const ChangeClassification negated =
      ClassifyChange(policy, "회사는 이용자의 개인정보를 제3자에게 제공할 수 없습니다.\n");
  EXPECT_EQ(negated.change_class, ChangeClass::kSubstantive);
  EXPECT_EQ(negated.words_added, 1);
  EXPECT_EQ(negated.words_removed, 1);
  EXPECT_EQ(
      ClassOf("회사는 개인정보를 제공할 수 있습니다.\n", "회사는 개인정보를 제공할수 없습니다.\n"),
      ChangeClass::kSubstantive);
  EXPECT_EQ(ClassOf("We may share it with a part of our group.\n",
                    "We may share it with apart of our group.\n"),
            ChangeClass::kSubstantive);
  // A number and its Korean unit, joined or apart ("90일", "90 일": 90 days), the most common
  // spacing variant of the retention sentences analyzers watch; it was substantive, 2/1.
  const std::string ninety_days = "회원 탈퇴 후 90일 동안 보관합니다.\n";
  const ChangeClassification spaced =
      ClassifyChange(ninety_days, "회원 탈퇴 후 90 일 동안 보관합니다.\n");
  EXPECT_EQ(spaced.change_class, ChangeClass::kCosmetic);
  EXPECT_EQ(spaced.words_added, 0);
  EXPECT_EQ(ClassOf("회원 탈퇴 후 90 일 동안 보관합니다.\n", ninety_days), ChangeClass::kCosmetic);
  EXPECT_EQ(ClassOf("회원 탈퇴 후 90 일 동안 보관할 수 있습니다.\n",
                    "회원 탈퇴 후 90일 동안 보관할수 있습니다.\n"),
            ChangeClass::kCosmetic);
  // Digits joined to digits are another number: 1 and 2 days are not 12 days.
  EXPECT_EQ(
      ClassOf("회원 탈퇴 후 1 2일 동안 보관합니다.\n", "회원 탈퇴 후 12일 동안 보관합니다.\n"),
      ChangeClass::kSubstantive);
}

TEST(ChangeClassTest, ChineseAndJapaneseCountDictionaryWords) {
  EXPECT_EQ(ClassOf("我们使用Google Analytics分析网站的访问情况。\n",
                    "我们使用 Google Analytics 分析网站的访问情况。\n"),
            ChangeClass::kCosmetic);
  const ChangeClassification retention =
      ClassifyChange("日志数据保留九十天，然后删除。\n", "日志数据保留三十天，然后删除。\n");
  EXPECT_EQ(retention.change_class, ChangeClass::kSubstantive);
  EXPECT_GE(retention.words_added, 1);
  EXPECT_LE(retention.words_added, 2);  // not the whole clause
  EXPECT_EQ(retention.words_added, retention.words_removed);
  const ChangeClassification japanese =
      ClassifyChange("当社はお客様の個人情報を第三者に提供しません。\n",
                     "当社はお客様の個人情報を第三者に提供します。\n");
  EXPECT_EQ(japanese.change_class, ChangeClass::kSubstantive);
  EXPECT_LE(japanese.words_added, 2);
}

}  // namespace policyd
