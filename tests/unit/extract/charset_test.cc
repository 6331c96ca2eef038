#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

// UTF-16 code units of an ASCII/Latin-1 string, little or big endian.
std::string Utf16(const std::u16string& text, bool big_endian) {
  std::string out;
  for (const char16_t unit : text) {
    const char hi = static_cast<char>(unit >> 8);
    const char lo = static_cast<char>(unit & 0xFF);
    out += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  }
  return out;
}

// Latin-1 bytes of a UTF-8 string whose characters are all below U+0100.
std::string ToLatin1(std::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(((c & 0x03) << 6) | (utf8[++i] & 0x3F)));
    }
  }
  return out;
}

const std::string kFrenchLatin1 = ToLatin1(
    "<p>La présente politique de confidentialité décrit la manière dont nous traitons vos "
    "données personnelles. Vous pouvez à tout moment exercer vos droits d'accès, de "
    "rectification et d'effacement auprès de notre délégué à la protection des données. Les "
    "données sont conservées pendant la durée nécessaire à la finalité du traitement.</p>");

TEST(DecodeToUtf8Test, EmptyInput) {
  std::string utf8 = "junk";
  EXPECT_EQ(DecodeToUtf8("", "", &utf8), "utf-8");
  EXPECT_EQ(utf8, "");
}

TEST(DecodeToUtf8Test, Utf8BomIsStripped) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("\xEF\xBB\xBF<p>caf\xC3\xA9</p>", "text/html; charset=iso-8859-1", &utf8),
            "utf-8");
  EXPECT_EQ(utf8, "<p>caf\xC3\xA9</p>");
}

TEST(DecodeToUtf8Test, Utf16LittleEndianBom) {
  std::string utf8;
  const std::string bytes = "\xFF\xFE" + Utf16(u"<p>caf\u00e9 \u20ac</p>", false);
  EXPECT_EQ(DecodeToUtf8(bytes, "text/html; charset=utf-8", &utf8), "utf-16le");
  EXPECT_EQ(utf8, "<p>caf\xC3\xA9 \xE2\x82\xAC</p>");
}

TEST(DecodeToUtf8Test, Utf16BigEndianBom) {
  std::string utf8;
  const std::string bytes = "\xFE\xFF" + Utf16(u"<p>\u00fcber</p>", true);
  EXPECT_EQ(DecodeToUtf8(bytes, "", &utf8), "utf-16be");
  EXPECT_EQ(utf8,
            "<p>\xC3\xBC"
            "ber</p>");
}

TEST(DecodeToUtf8Test, Utf16DeclaredInHeaderWithoutBom) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8(Utf16(u"<p>hi</p>", false), "text/html; charset=UTF-16LE", &utf8),
            "utf-16le");
  EXPECT_EQ(utf8, "<p>hi</p>");
}

TEST(DecodeToUtf8Test, HeaderCharset) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("<p>caf\xE9</p>", "text/html; charset=ISO-8859-1", &utf8),
            "windows-1252");  // WHATWG: ISO-8859-1 labels decode as windows-1252
  EXPECT_EQ(utf8, "<p>caf\xC3\xA9</p>");
  EXPECT_EQ(DecodeToUtf8("\x93quoted\x94", "text/html;charset=\"windows-1252\"", &utf8),
            "windows-1252");
  EXPECT_EQ(utf8, "\xE2\x80\x9Cquoted\xE2\x80\x9D");
}

// The labels browsers know, decoded as browsers do (found by a researcher: "latin5" lost
// windows-1254's quotes, "korean" was read as windows-1252, "x-euc-jp" as UTF-8, "Shift-JIS"
// without the NEC characters). Each label's page equals the one labelled canonically.
TEST(DecodeToUtf8Test, EveryWhatwgLabelDecodesAsItsEncoding) {
  struct Case {
    std::string bytes;
    std::string canonical;
    std::vector<std::string> labels;
  };
  const std::vector<Case> cases = {
      {"\x93\xD6nemli\x94 \x85 l\xFCtfen",
       "windows-1254",
       {"latin5", "l5", "csisolatin5", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
        "iso_8859-9:1989", "x-cp1254"}},
      {"\xC8\xB8\xBB\xE7\xB4\xC2 \x8C\x63",
       "euc-kr",  // 회사는 and an extended syllable
       {"korean", "ksc5601", "ksc_5601", "ks_c_5601-1989", "csksc56011987", "iso-ir-149"}},
      {"\xA5\xD7\xA5\xE9\xA5\xA4\xA5\xD0\xA5\xB7\xA1\xBC",
       "euc-jp",  // プライバシー
       {"x-euc-jp", "cseucpkdfmtjapanese"}},
      {"\x87\x40 \x82\xD0", "shift_jis", {"shift-jis", "Shift-JIS", "ms_kanji"}},  // ① ひ
      {"\xA6\x62\xAD\xBB", "big5", {"cn-big5", "csbig5", "x-x-big5"}},
      {"\xBC\x75vre \xA4", "iso-8859-15", {"l9", "csisolatin9"}},  // Œuvre €
      {"\xAF\xF3\xB3\xE6", "windows-1250", {"x-cp1250"}},          // Żółć
      {"\xA1\xD2 \x96", "windows-874", {"dos-874", "iso8859-11", "iso885911"}},
  };
  for (const Case& c : cases) {
    std::string expected;
    ASSERT_EQ(
        DecodeToUtf8("<p>" + c.bytes + "</p>", "text/html; charset=" + c.canonical, &expected),
        c.canonical);
    ASSERT_EQ(expected.find("\xEF\xBF\xBD"), std::string::npos) << c.canonical << ": " << expected;
    for (const std::string& label : c.labels) {
      std::string utf8;
      EXPECT_EQ(DecodeToUtf8("<p>" + c.bytes + "</p>", "text/html; charset=" + label, &utf8),
                c.canonical)
          << label;
      EXPECT_EQ(utf8, expected) << label;
    }
  }
}

// ISO-2022-JP is 7-bit, so it is always valid UTF-8: its label used to be ignored and the page
// stored as escape codes.
TEST(DecodeToUtf8Test, Iso2022JpIsReadByItsLabel) {
  const std::string bytes = "<p>\x1B$B%W%i%$%P%7!<\x1B(B policy</p>";  // プライバシー
  for (const std::string& content_type : {std::string("text/html; charset=iso-2022-jp"),
                                          std::string("text/html; charset=csISO2022JP")}) {
    std::string utf8;
    EXPECT_EQ(DecodeToUtf8(bytes, content_type, &utf8), "iso-2022-jp") << content_type;
    EXPECT_EQ(utf8,
              "<p>\xE3\x83\x97\xE3\x83\xA9\xE3\x82\xA4\xE3\x83\x90\xE3\x82\xB7\xE3\x83\xBC "
              "policy</p>");
  }
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("<meta charset=\"iso-2022-jp\">" + bytes, "text/html", &utf8),
            "iso-2022-jp");
  EXPECT_NE(utf8.find("\xE3\x83\x97\xE3\x83\xA9"), std::string::npos) << utf8;
  // Plain ASCII under that label is what it is.
  EXPECT_EQ(DecodeToUtf8("<p>policy</p>", "text/html; charset=iso-2022-jp", &utf8), "utf-8");
}

// Mac Cyrillic, as browsers read it (WHATWG's x-mac-cyrillic, with the euro at 0xFF), under
// both its labels: iconv knows neither, so the label used to be ignored and the page guessed.
TEST(DecodeToUtf8Test, MacCyrillicIsReadByItsLabels) {
  const std::string bytes = "<p>\x8F\xEE\xEB\xE8\xF2\xE8\xEA\xE0 \xFF \xA2\xB6</p>";
  for (const std::string label : {"x-mac-cyrillic", "x-mac-ukrainian", "X-Mac-Cyrillic"}) {
    std::string utf8;
    EXPECT_EQ(DecodeToUtf8(bytes, "text/html; charset=" + label, &utf8), "x-mac-cyrillic") << label;
    EXPECT_EQ(utf8, "<p>Политика € Ґґ</p>") << label;
  }
}

TEST(DecodeToUtf8Test, HeaderCharsetBeatsMeta) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("<meta charset=koi8-r><p>caf\xE9</p>", "text/html; charset=latin1", &utf8),
            "windows-1252");
  EXPECT_EQ(utf8, "<meta charset=koi8-r><p>caf\xC3\xA9</p>");
}

TEST(DecodeToUtf8Test, MetaCharset) {
  std::string utf8;
  EXPECT_EQ(
      DecodeToUtf8("<html><head><meta charset=\"ISO-8859-15\"></head><p>\xA4 5</p>", "", &utf8),
      "iso-8859-15");
  EXPECT_NE(utf8.find("\xE2\x82\xAC 5"), std::string::npos);  // 0xA4 is the euro sign there
}

TEST(DecodeToUtf8Test, MetaHttpEquivContentType) {
  std::string utf8;
  const std::string html =
      "<!-- <meta charset=koi8-r> --><meta content='text/html; charset=windows-1251' "
      "http-equiv=\"Content-Type\"><p>\xCF\xF0\xE8\xE2\xE5\xF2</p>";
  EXPECT_EQ(DecodeToUtf8(html, "text/html", &utf8), "windows-1251");
  EXPECT_NE(utf8.find("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"), std::string::npos);
}

TEST(DecodeToUtf8Test, MetaBeyondFirstFourKilobytesIsIgnored) {
  std::string utf8;
  const std::string html =
      "<p>" + std::string(5000, 'x') + "</p><meta charset=koi8-r>" + kFrenchLatin1;
  EXPECT_NE(DecodeToUtf8(html, "", &utf8), "koi8-r");
}

TEST(DecodeToUtf8Test, ValidUtf8WinsOverALegacyLabel) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("<p>caf\xC3\xA9</p>", "text/html; charset=iso-8859-1", &utf8), "utf-8");
  EXPECT_EQ(utf8, "<p>caf\xC3\xA9</p>");
}

TEST(DecodeToUtf8Test, UndeclaredLatin1IsDetected) {
  std::string utf8;
  const std::string charset = DecodeToUtf8(kFrenchLatin1, "", &utf8);
  EXPECT_NE(charset, "utf-8");
  EXPECT_NE(utf8.find("confidentialit\xC3\xA9"), std::string::npos);
  EXPECT_NE(utf8.find("\xC3\xA0 tout moment"), std::string::npos);
}

TEST(DecodeToUtf8Test, Latin1MislabelledAsUtf8IsDetected) {
  std::string utf8;
  const std::string charset = DecodeToUtf8(kFrenchLatin1, "text/html; charset=utf-8", &utf8);
  EXPECT_NE(charset, "utf-8");
  EXPECT_NE(utf8.find("d\xC3\xA9l\xC3\xA9gu\xC3\xA9"), std::string::npos);
  EXPECT_EQ(utf8.find("\xEF\xBF\xBD"), std::string::npos);  // no replacement characters
}

// A stray byte in UTF-8 text (a Latin-1 include, a quote pasted from a word processor) is read
// as windows-1252, where such bytes come from: 0xFF is ÿ, 0xC3 before a space Ã.
TEST(DecodeToUtf8Test, InvalidBytesInUtf8AreReadAsWindows1252) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("<p>caf\xC3\xA9 \xFF na\xC3\xAFve \xC3 </p>", "", &utf8), "utf-8");
  EXPECT_EQ(utf8, "<p>caf\xC3\xA9 \xC3\xBF na\xC3\xAFve \xC3\x83 </p>");
}

// A page declared UTF-8 whose one pasted quote is windows-1252 reads "don’t", and still reads
// "don’t" once an edit elsewhere adds a real UTF-8 character: a paragraph nobody touched must
// not change (a detector took the first page for mac-centraleurope, "donít", and the second
// for UTF-8 with errors, "don�t": a false change).
TEST(DecodeToUtf8Test, AStrayQuoteReadsTheSameWhateverElseThePageHolds) {
  const std::string quote = "<p>We don\x92t sell your data.</p>";
  std::string alone;
  std::string with_utf8;
  DecodeToUtf8(quote + "<p>Contact us in Berlin.</p>", "text/html; charset=utf-8", &alone);
  EXPECT_EQ(DecodeToUtf8(quote + "<p>Contact us in Z\xC3\xBCrich.</p>", "text/html; charset=utf-8",
                         &with_utf8),
            "utf-8");
  EXPECT_NE(alone.find("We don\xE2\x80\x99t sell"), std::string::npos) << alone;
  EXPECT_NE(with_utf8.find("We don\xE2\x80\x99t sell"), std::string::npos) << with_utf8;
  EXPECT_NE(with_utf8.find("Z\xC3\xBCrich"), std::string::npos) << with_utf8;
}

TEST(DecodeToUtf8Test, TruncatedMultibyteSequenceAtTheEnd) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("\xC3\xA9t\xC3\xA9 \xE2\x82", "", &utf8), "utf-8");
  EXPECT_EQ(utf8, "\xC3\xA9t\xC3\xA9 \xEF\xBF\xBD");
}

TEST(DecodeToUtf8Test, NulBytesAreDropped) {
  std::string utf8;
  const std::string bytes("<p>a\0b</p>\0", 11);
  EXPECT_EQ(DecodeToUtf8(bytes, "", &utf8), "utf-8");
  EXPECT_EQ(utf8, "<p>ab</p>");
  // NUL bytes in a legacy charset too.
  EXPECT_EQ(DecodeToUtf8(std::string("caf\xE9\0", 5), "text/html; charset=windows-1252", &utf8),
            "windows-1252");
  EXPECT_EQ(utf8, "caf\xC3\xA9");
}

TEST(DecodeToUtf8Test, UnknownAndHostileCharsetNamesAreIgnored) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("<p>caf\xC3\xA9</p>", "text/html; charset=x-klingon", &utf8), "utf-8");
  EXPECT_EQ(DecodeToUtf8(kFrenchLatin1, "text/html; charset=utf-8//IGNORE", &utf8).find('/'),
            std::string::npos);
  EXPECT_NE(utf8.find("confidentialit\xC3\xA9"), std::string::npos);
  EXPECT_NE(DecodeToUtf8(kFrenchLatin1, "text/html; charset=", &utf8), "");
  EXPECT_NE(DecodeToUtf8(kFrenchLatin1, "text/html; charset=\"unterminated", &utf8), "");
}

TEST(DecodeToUtf8Test, UndefinedWindows1252BytesBecomeReplacementCharacters) {
  std::string utf8;
  EXPECT_EQ(DecodeToUtf8("a\x81"
                         "b",
                         "text/html; charset=windows-1252", &utf8),
            "windows-1252");
  EXPECT_EQ(utf8,
            "a\xEF\xBF\xBD"
            "b");
}

TEST(DecodeToUtf8Test, OutputIsAlwaysValidUtf8OnArbitraryBytes) {
  // A cheap deterministic "fuzz": every byte value in several charsets.
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  bytes += bytes;
  for (const char* type : {"", "text/html; charset=utf-8", "text/html; charset=shift_jis",
                           "text/html; charset=utf-16be", "text/html; charset=euc-kr",
                           "text/html; charset=iso-2022-jp"}) {
    std::string utf8;
    DecodeToUtf8(bytes, type, &utf8);
    EXPECT_EQ(NormalizeText(utf8).find('\0'), std::string::npos) << type;
    // Re-normalising must not find invalid sequences (they would turn into new U+FFFD).
    const std::string normalized = NormalizeText(utf8);
    EXPECT_EQ(NormalizeText(normalized), normalized) << type;
  }
}

TEST(ExtractTextCharsetTest, ResultReportsCharset) {
  ExtractResult result;
  ExtractOptions options;
  options.content_type = "text/html; charset=windows-1252";
  ASSERT_TRUE(ExtractText("<p>Caf\xE9</p>", options, &result).ok());
  EXPECT_EQ(result.charset, "windows-1252");
  EXPECT_EQ(result.text, "Caf\xC3\xA9\n");
}

}  // namespace
}  // namespace policyd
