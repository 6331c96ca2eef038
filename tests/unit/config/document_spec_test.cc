#include <chrono>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"

namespace policyd {
namespace {

using ::testing::HasSubstr;

DocumentSpec ValidSpec() {
  DocumentSpec spec;
  spec.platform = "Coursera";
  spec.type = "Privacy Policy";
  spec.url = "https://www.coursera.org/about/privacy";
  return spec;
}

Status ValidateUrl(const std::string& url) {
  DocumentSpec spec = ValidSpec();
  spec.url = url;
  return ValidateDocumentSpec(spec);
}

TEST(ValidateDocumentSpecTest, AcceptsAValidSpec) {
  DocumentSpec spec = ValidSpec();
  EXPECT_TRUE(ValidateDocumentSpec(spec).ok());
  spec.id = "coursera/privacy-policy";
  spec.interval = std::chrono::hours(12);
  spec.select = {"main"};
  spec.remove = {".cookie-banner", "nav"};
  EXPECT_TRUE(ValidateDocumentSpec(spec).ok()) << ValidateDocumentSpec(spec).ToString();
}

TEST(ValidateDocumentSpecTest, AcceptsHttpAndHttpsUrls) {
  for (const char* url :
       {"https://example.com", "http://example.com/", "HTTPS://WWW.Example.COM/Privacy",
        "https://example.com/legal/privacy?lang=en#top", "http://127.0.0.1:8080/policy",
        "http://[::1]:8080/policy", "http://[2001:db8::7]/p", "http://[::ffff:192.0.2.1]/p",
        "http://[fe80::1%25eth0]/p", "https://example.com.:443/x", "http://localhost/p",
        "https://b\xC3\xBC"
        "cher.de/datenschutz"}) {
    EXPECT_TRUE(ValidateUrl(url).ok()) << url << ": " << ValidateUrl(url).ToString();
  }
}

TEST(ValidateDocumentSpecTest, RejectsOtherSchemes) {
  EXPECT_THAT(ValidateUrl("ftp://example.com/privacy.txt").message(),
              HasSubstr("scheme 'ftp': only http and https"));
  EXPECT_THAT(ValidateUrl("file:///etc/passwd").message(),
              HasSubstr("scheme 'file': only http and https"));
  EXPECT_EQ(ValidateUrl("javascript://x").code(), Status::Code::kInvalidArgument);
}

TEST(ValidateDocumentSpecTest, RejectsRelativeAndHostlessUrls) {
  EXPECT_THAT(ValidateUrl("/about/privacy").message(), HasSubstr("is not absolute"));
  EXPECT_THAT(ValidateUrl("www.coursera.org/about/privacy").message(),
              HasSubstr("is not absolute"));
  EXPECT_THAT(ValidateUrl("https:///about/privacy").message(), HasSubstr("has no host"));
  EXPECT_THAT(ValidateUrl("https://:8080/").message(), HasSubstr("has no host"));
  EXPECT_THAT(ValidateUrl("").message(), HasSubstr("must not be empty"));
}

TEST(ValidateDocumentSpecTest, RejectsMalformedUrls) {
  EXPECT_THAT(ValidateUrl("https://exa mple.com/").message(), HasSubstr("space"));
  EXPECT_THAT(ValidateUrl("https://example.com/\n").message(), HasSubstr("control character"));
  EXPECT_THAT(ValidateUrl("https://example..com/").message(), HasSubstr("invalid host"));
  EXPECT_THAT(ValidateUrl("https://exa$mple.com/").message(), HasSubstr("invalid host"));
  EXPECT_THAT(ValidateUrl("https://example.com:99999/").message(), HasSubstr("invalid port"));
  EXPECT_THAT(ValidateUrl("https://example.com:80a/").message(), HasSubstr("invalid port"));
  EXPECT_THAT(ValidateUrl("http://[::1/").message(), HasSubstr("unterminated IPv6 address"));
  EXPECT_THAT(ValidateUrl("http://[zz::1]/").message(), HasSubstr("invalid IPv6 address"));
  EXPECT_THAT(ValidateUrl("http://[::1]x/").message(), HasSubstr("has an invalid host"));
  // Hex digits, colons and dots that are no IPv6 address: fetched, they fail as unresolvable
  // at every check, so they are refused where the operator wrote them.
  for (const char* url : {"http://[:]/", "http://[1:2]/", "http://[1:::2]/", "http://[.]/",
                          "http://[1.2.3.4]/", "http://[::1%25]/"}) {
    EXPECT_THAT(ValidateUrl(url).message(), HasSubstr("invalid IPv6 address")) << url;
  }
  EXPECT_THAT(ValidateUrl("http://[::1]:99999/").message(), HasSubstr("invalid port '99999'"));
  EXPECT_EQ(ValidateUrl("https://exa$mple.com/").message(),
            "url 'https://exa$mple.com/' has an invalid host 'exa$mple.com'");
  EXPECT_THAT(ValidateUrl("https://user:secret@example.com/").message(),
              HasSubstr("user name or password"));
}

TEST(ValidateDocumentSpecTest, RejectsEmptyOrUnsluggablePlatformAndType) {
  DocumentSpec spec = ValidSpec();
  spec.platform = "";
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("platform must not be empty"));
  spec = ValidSpec();
  spec.type = "";
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("type must not be empty"));
  spec = ValidSpec();
  spec.type = "???";
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("letter or digit"));
  spec = ValidSpec();
  spec.platform = "\xF0\x9F\x8D\xAA";  // an emoji: no letter in any script
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("letter or digit"));
  spec = ValidSpec();
  spec.platform = "\xE7\x9F\xA5\xE4\xB9\x8E";  // Zhihu in Chinese: its slug is transliterated
  spec.id.clear();
  EXPECT_TRUE(ValidateDocumentSpec(spec).ok());
}

// A name makes the document's id, its run-time target file's name and its export directory:
// beyond 200 bytes a file system refuses it (NAME_MAX is 255 with the temporary suffix).
TEST(ValidateDocumentSpecTest, RejectsPlatformAndTypeNamesLongerThan200Bytes) {
  DocumentSpec spec = ValidSpec();
  spec.platform = std::string(200, 'A');
  spec.type = std::string(200, 'T');
  EXPECT_TRUE(ValidateDocumentSpec(spec).ok()) << ValidateDocumentSpec(spec).ToString();
  spec.platform = std::string(201, 'A');
  EXPECT_THAT(ValidateDocumentSpec(spec).message(),
              HasSubstr("platform must be at most 200 bytes, not 201"));
  spec = ValidSpec();
  spec.type = "";
  for (int i = 0; i < 67; ++i) spec.type += "\xE6\x97\xA5";  // 67 CJK characters: 201 bytes
  spec.type += "x";
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("type must be at most 200 bytes"));
}

// A name is shown in tables, events, chat messages and file names: a line break or another
// control character in it breaks each of them (`show` printed a second row).
TEST(ValidateDocumentSpecTest, RejectsControlCharactersInNames) {
  for (const std::string& bad :
       {std::string("Line\nBreak"), std::string("Tab\there"), std::string("Nul\0x", 5),
        std::string("Del\x7f"), std::string("C1 \xc2\x85 next line")}) {
    DocumentSpec spec = ValidSpec();
    spec.platform = "Acme " + bad;
    spec.id.clear();
    EXPECT_THAT(ValidateDocumentSpec(spec).message(),
                HasSubstr("platform must not contain control characters"))
        << testing::PrintToString(bad);
    spec = ValidSpec();
    spec.type = "Privacy " + bad;
    spec.id.clear();
    EXPECT_THAT(ValidateDocumentSpec(spec).message(),
                HasSubstr("type must not contain control characters"))
        << testing::PrintToString(bad);
  }
  DocumentSpec accented = ValidSpec();
  accented.type = "Politique de confidentialit\xc3\xa9 \xe2\x80\x94 \xe6\x97\xa5";
  accented.id.clear();
  EXPECT_TRUE(ValidateDocumentSpec(accented).ok()) << ValidateDocumentSpec(accented).ToString();
}

TEST(ValidateDocumentSpecTest, RejectsBadIntervals) {
  DocumentSpec spec = ValidSpec();
  spec.interval = std::chrono::milliseconds(-1);
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("must not be negative"));
  spec.interval = std::chrono::hours(24 * 366);
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("at most 365d"));
  // The scheduler's shortest interval is one second: "1ms" was shown as 1ms and run at 1 s.
  spec.interval = std::chrono::milliseconds(1);
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("at least 1s"));
  spec.interval = std::chrono::milliseconds(0);  // the config's default_interval
  EXPECT_TRUE(ValidateDocumentSpec(spec).ok());
  spec.interval = std::chrono::seconds(1);
  EXPECT_TRUE(ValidateDocumentSpec(spec).ok());
}

TEST(ValidateDocumentSpecTest, RejectsEmptySelectors) {
  DocumentSpec spec = ValidSpec();
  spec.select = {"main", ""};
  EXPECT_THAT(ValidateDocumentSpec(spec).message(), HasSubstr("selectors must not be empty"));
  spec = ValidSpec();
  spec.remove = {""};
  EXPECT_FALSE(ValidateDocumentSpec(spec).ok());
}

TEST(ValidateDocumentSpecTest, RejectsRangesWithoutOneStartAndOneEnd) {
  DocumentSpec spec = ValidSpec();
  spec.remove_ranges = {SelectRange{"#a", "", "#b", ""}, SelectRange{"#a", "", "", ""}};
  EXPECT_THAT(ValidateDocumentSpec(spec).message(),
              HasSubstr("a remove range needs exactly one of startBefore/startAfter"));
  spec = ValidSpec();
  spec.select_ranges = {SelectRange{"#a", "#b", "#c", ""}};
  EXPECT_THAT(ValidateDocumentSpec(spec).message(),
              HasSubstr("a select range needs exactly one of startBefore/startAfter"));
}

TEST(CompileDocumentExtractionTest, RemoveRangesAreCompiledAndApplied) {
  DocumentSpec spec = ValidSpec();
  spec.select = {"main"};
  spec.remove_ranges = {SelectRange{"", "h1", "#keep", ""}};
  ASSERT_TRUE(CompileDocumentExtraction(&spec).ok());
  EXPECT_EQ(MakeExtractOptions(spec).remove_ranges, spec.remove_ranges);
  EXPECT_EQ(
      ExtractText("<main><h1>T</h1><p>Gone</p><p id=keep>Kept</p></main>", *spec.extraction, "")
          .text,
      "# T\n\nKept\n");
  spec.remove_ranges.push_back(SelectRange{"p:hover", "", "#keep", ""});
  ExtractEntry failed;
  const Status status = CompileDocumentExtraction(&spec, &failed);
  EXPECT_THAT(status.message(), HasSubstr("remove range: invalid selector \"p:hover\""));
  EXPECT_EQ(failed.list, ExtractEntry::List::kRemoveRanges);
  EXPECT_EQ(failed.index, 1u);
}

TEST(CompileDocumentExtractionTest, CompilesEverySettingOrSaysWhichEntryIsBad) {
  DocumentSpec spec = ValidSpec();
  spec.select_ranges = {SelectRange{"#intro", "", "footer", ""}};
  spec.remove = {".ad"};
  spec.ignore_lines = {"^Generated"};
  spec.include_link_urls = true;
  ASSERT_TRUE(CompileDocumentExtraction(&spec).ok());
  ASSERT_NE(spec.extraction, nullptr);
  EXPECT_EQ(ExtractText("<main><p>Before</p><p id=intro>Hi <a href='/x?utm_source=y'>link</a>"
                        "</p><p>Generated now</p><div class=ad>Ad</div><footer>F</footer></main>",
                        *spec.extraction, "")
                .text,
            "Hi [link](/x)\n");

  const auto kept = spec.extraction;
  spec.ignore_lines = {"^ok", "(unclosed"};
  ExtractEntry failed;
  const Status status = CompileDocumentExtraction(&spec, &failed);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("'(unclosed'"));
  EXPECT_EQ(failed.list, ExtractEntry::List::kIgnoreLines);
  EXPECT_EQ(failed.index, 1u);
  EXPECT_EQ(spec.extraction, kept);  // left alone on failure
}

TEST(ValidateDocumentSpecTest, RejectsAnIdThatDoesNotMatchPlatformAndType) {
  DocumentSpec spec = ValidSpec();
  spec.id = "coursera/terms";
  EXPECT_THAT(ValidateDocumentSpec(spec).message(),
              HasSubstr("expected 'coursera/privacy-policy'"));
}

}  // namespace
}  // namespace policyd
