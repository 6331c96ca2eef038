#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"
#include "test_files.h"

namespace policyd {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

class TargetFileTest : public ::testing::Test {
 protected:
  Status Load(const std::string& toml, const std::string& file_name = "coursera.toml") {
    path_ = scratch_.Write(file_name, toml);
    return LoadTargetFile(path_, &docs_);
  }
  std::string At(int line, int column) const {
    return path_.string() + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  }

  testing::ScratchDir scratch_;
  std::filesystem::path path_;
  std::vector<DocumentSpec> docs_;
};

TEST_F(TargetFileTest, LoadsEveryField) {
  const Status status = Load(R"(name = "Coursera"

[[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
interval = "12h"
select = "main"
remove = [".cookie-banner", "nav"]

[[documents]]
type = "Terms of Service"
url = "https://www.coursera.org/about/terms"
)");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(docs_.size(), 2u);
  const DocumentSpec& privacy = docs_[0];
  EXPECT_EQ(privacy.id, "coursera/privacy-policy");
  EXPECT_EQ(privacy.platform, "Coursera");
  EXPECT_EQ(privacy.type, "Privacy Policy");
  EXPECT_EQ(privacy.url, "https://www.coursera.org/about/privacy");
  EXPECT_EQ(privacy.interval, std::chrono::hours(12));
  EXPECT_THAT(privacy.select, ElementsAre("main"));
  EXPECT_THAT(privacy.remove, ElementsAre(".cookie-banner", "nav"));
  EXPECT_EQ(privacy.source_file, path_);

  const DocumentSpec& terms = docs_[1];
  EXPECT_EQ(terms.id, "coursera/terms-of-service");
  EXPECT_EQ(terms.interval, std::chrono::milliseconds(0));
  EXPECT_THAT(terms.select, IsEmpty());
  EXPECT_THAT(terms.remove, IsEmpty());
  // One path for the file's documents, not a copy each (issue 19: a million documents).
  EXPECT_EQ(terms.source_file, path_);
  EXPECT_EQ(&terms.source_file.path(), &privacy.source_file.path());
}

// ListTargetFileKeys (what policyd.toml(5) is checked against) names the keys the loader reads:
// a file setting each of them loads, and a key outside the lists is refused.
TEST_F(TargetFileTest, ListedKeysAreTheKeysTheLoaderAccepts) {
  const TargetFileKeys keys = ListTargetFileKeys();
  EXPECT_THAT(keys.file, ElementsAre("name", "documents"));
  EXPECT_THAT(keys.document,
              ElementsAre("type", "url", "interval", "select", "remove", "ignore_robots",
                          "ignore_lines", "include_link_urls", "render", "extra_urls"));
  EXPECT_THAT(keys.range, ElementsAre("startBefore", "startAfter", "endBefore", "endAfter"));
  const Status status = Load(R"(name = "Acme"
[[documents]]
type = "Privacy Policy"
url = "https://acme.example/privacy"
interval = "12h"
select = ["main", { startAfter = "#a", endBefore = "#b" }]
remove = [{ startBefore = "#c", endAfter = "#d" }]
ignore_robots = true
ignore_lines = ["^Last updated"]
include_link_urls = true
render = "static"
extra_urls = ["https://acme.example/privacy/2"]
)");
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_THAT(Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n"
                   "intervals = \"1h\"\n")
                  .message(),
              HasSubstr("unknown key 'intervals' (did you mean 'interval'?)"));
}

TEST_F(TargetFileTest, ANameBelowADocumentIsSaidToBeMisplaced) {
  const Status status = Load(
      "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\nname = \"Acme\"\n");
  EXPECT_EQ(status.message(),
            At(4, 1) +
                "unknown key 'name' in the [[documents]] table that starts at line 1: it "
                "is a top-level key, and TOML reads every key below a table header as "
                "part of that table; move it above the first table");
}

TEST_F(TargetFileTest, NameDefaultsToTheFileStem) {
  ASSERT_TRUE(Load("[[documents]]\ntype = \"Privacy Policy\"\n"
                   "url = \"https://www.coorpacademy.com/\"\n",
                   "coorpacademy.toml")
                  .ok());
  ASSERT_EQ(docs_.size(), 1u);
  EXPECT_EQ(docs_[0].platform, "coorpacademy");
  EXPECT_EQ(docs_[0].id, "coorpacademy/privacy-policy");
}

TEST_F(TargetFileTest, InlineTablesAndIntegerIntervalsWork) {
  ASSERT_TRUE(Load("name = \"Khan Academy\"\n"
                   "documents = [{type = \"Privacy Policy\", url = \"https://k.org/p\", "
                   "interval = 60}]\n")
                  .ok());
  ASSERT_EQ(docs_.size(), 1u);
  EXPECT_EQ(docs_[0].id, "khan-academy/privacy-policy");
  EXPECT_EQ(docs_[0].interval, std::chrono::minutes(1));
}

// `interval = 24` meant a day and was 24 seconds: the site was fetched every 24 s. A bare
// integer is seconds; under a minute, for an interval, it is a missing unit.
TEST_F(TargetFileTest, AnIntervalOfAFewSecondsWithoutItsUnitIsRefused) {
  const Status status = Load(
      "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n"
      "interval = 24\n");
  EXPECT_EQ(status.message(),
            At(4, 12) +
                "'interval' = 24 would be 24 seconds: write its unit, such as \"24h\" or "
                "\"24d\" (a bare number is a number of seconds, at least 60 for an "
                "interval)");
  // Written as a string it is the same number of seconds, and was let through (found by an
  // operator: interval = "24" fetched the page every 24 s).
  const Status quoted = Load(
      "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n"
      "interval = \"24\"\n");
  EXPECT_EQ(quoted.message(),
            At(4, 12) +
                "'interval' = 24 would be 24 seconds: write its unit, such as \"24h\" or "
                "\"24d\" (a bare number is a number of seconds, at least 60 for an "
                "interval)");
  EXPECT_TRUE(Load("[[documents]]\ntype = \"T\"\nurl = \"https://a.example/\"\n"
                   "interval = \"90\"\n")
                  .ok());
}

TEST_F(TargetFileTest, AppendsToExistingDocuments) {
  docs_.push_back(DocumentSpec{});
  ASSERT_TRUE(Load("[[documents]]\ntype = \"T\"\nurl = \"https://a.example/\"\n").ok());
  EXPECT_EQ(docs_.size(), 2u);
}

TEST_F(TargetFileTest, FileWithoutDocumentsLoadsNothing) {
  ASSERT_TRUE(Load("name = \"Empty\"\n").ok());
  EXPECT_THAT(docs_, IsEmpty());
}

TEST_F(TargetFileTest, MissingUrlPointsAtTheDocumentTable) {
  const Status status = Load("name = \"X\"\n\n[[documents]]\ntype = \"Privacy Policy\"\n");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), At(3, 1) + "document has no 'url'");
  EXPECT_THAT(docs_, IsEmpty());
}

// A misspelt key and the key it should have been: the missing key comes first in the file,
// but the fix is the typo, so its did-you-mean is said too.
TEST_F(TargetFileTest, AMissingKeyNamesTheMisspeltOneBesideIt) {
  const Status status =
      Load("[[documents]]\ntype = \"Privacy Policy\"\nulr = \"https://a.example/\"\n");
  EXPECT_EQ(status.message(), At(1, 1) +
                                  "document has no 'url' (see line 3: unknown key 'ulr' (did "
                                  "you mean 'url'?))");
  EXPECT_THAT(docs_, IsEmpty());
}

TEST_F(TargetFileTest, AnIntervalUnderOneSecondIsAnError) {
  const Status status = Load(
      "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\ninterval = "
      "\"1ms\"\n");
  EXPECT_EQ(status.message(),
            At(4, 12) + "'interval' must be at least 1s (or 0 for default_interval), not 1ms");
  ASSERT_TRUE(Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n"
                   "interval = \"1s\"\n")
                  .ok());
}

TEST_F(TargetFileTest, MissingTypeIsAnError) {
  const Status status = Load("[[documents]]\nurl = \"https://a.example/\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(1, 1) + "document has no 'type'"));
}

TEST_F(TargetFileTest, NonHttpUrlsAreRejectedWithTheirLine) {
  Status status = Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = \"ftp://a.example/p\"\n");
  EXPECT_EQ(status.message(), At(3, 7) +
                                  "url 'ftp://a.example/p' has scheme 'ftp': only http and "
                                  "https are supported");
  status = Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = \"file:///etc/passwd\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(3, 7)));
  EXPECT_THAT(status.message(), HasSubstr("scheme 'file'"));
  status = Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = \"example.com/privacy\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(3, 7)));
  EXPECT_THAT(status.message(), HasSubstr("is not absolute"));
  EXPECT_THAT(docs_, IsEmpty());
}

TEST_F(TargetFileTest, NamesLongerThan200BytesAreRejectedWithTheirLine) {
  const std::string document =
      "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n";
  EXPECT_TRUE(Load("name = \"" + std::string(200, 'A') + "\"\n" + document).ok());
  Status status = Load("name = \"" + std::string(201, 'A') + "\"\n" + document);
  EXPECT_EQ(status.message(), At(1, 8) + "'name' must be at most 200 bytes, not 201");
  status = Load("[[documents]]\ntype = \"" + std::string(300, 'T') +
                "\"\nurl = \"https://a.example/\"\n");
  EXPECT_EQ(status.message(), At(2, 8) + "'type' must be at most 200 bytes, not 300");
  EXPECT_EQ(docs_.size(), 1u);  // the first file's only
}

TEST_F(TargetFileTest, ControlCharactersInNamesAreRejectedWithTheirLine) {
  const std::string document =
      "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n";
  Status status = Load("name = \"Acme\\nInc\"\n" + document);
  EXPECT_EQ(status.message(), At(1, 8) + "'name' must not contain control characters");
  status = Load("[[documents]]\ntype = \"Privacy\\tPolicy\"\nurl = \"https://a.example/\"\n");
  EXPECT_EQ(status.message(), At(2, 8) + "'type' must not contain control characters");
}

TEST_F(TargetFileTest, WrongTypesNameTheKey) {
  Status status = Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = 42\n");
  EXPECT_EQ(status.message(), At(3, 7) + "'url' must be a string, not an integer");
  status = Load("[[documents]]\ntype = \"P\"\nurl = \"https://a.example/\"\nselect = [\"a\", 1]\n");
  EXPECT_THAT(status.message(), StartsWith(At(4, 16)));
  EXPECT_THAT(status.message(), HasSubstr("'select' must be a string or an array of strings"));
  status = Load("name = 3\n");
  EXPECT_EQ(status.message(), At(1, 8) + "'name' must be a string, not an integer");
  status = Load("[documents]\ntype = \"P\"\n");
  EXPECT_THAT(status.message(), HasSubstr("'documents' must be an array of tables"));
  status = Load("documents = [1]\n");
  EXPECT_THAT(status.message(), HasSubstr("'documents' entries must be tables, not an integer"));
  status = Load("[[documents]]\ntype = \"P\"\nurl = \"https://a.example/\"\ninterval = \"soon\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(4, 12)));
  EXPECT_THAT(status.message(), HasSubstr("'interval' must be a duration"));
}

TEST_F(TargetFileTest, RenderModeDefaultsToAutoAndIsChecked) {
  Status status = Load(R"([[documents]]
type = "Privacy Policy"
url = "https://a.example/privacy"

[[documents]]
type = "Terms"
url = "https://a.example/terms"
render = "browser"

[[documents]]
type = "Cookies"
url = "https://a.example/cookies"
render = "static"
)");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(docs_.size(), 3u);
  EXPECT_EQ(docs_[0].render, RenderMode::kAuto);
  EXPECT_EQ(docs_[1].render, RenderMode::kBrowser);
  EXPECT_EQ(docs_[2].render, RenderMode::kStatic);

  docs_.clear();
  status = Load("[[documents]]\ntype = \"P\"\nurl = \"https://a.example/\"\nrender = \"js\"\n");
  EXPECT_EQ(status.message(),
            At(4, 10) + "'render' must be \"auto\", \"static\" or \"browser\"; not 'js'");
}

TEST_F(TargetFileTest, UnknownKeysAreErrors) {
  Status status =
      Load("[[documents]]\ntype = \"P\"\nurl = \"https://a.example/\"\nselcet = \"x\"\n");
  EXPECT_EQ(status.message(), At(4, 1) + "unknown key 'selcet' (did you mean 'select'?)");
  status = Load("title = \"X\"\n");
  EXPECT_EQ(status.message(), At(1, 1) + "unknown key 'title'");
  status = Load("[[document]]\ntype = \"P\"\n");
  EXPECT_THAT(status.message(), HasSubstr("unknown key 'document' (did you mean 'documents'?)"));
}

TEST_F(TargetFileTest, DuplicateIdsInOneFileNameBothLines) {
  const Status status = Load(R"(name = "X"
[[documents]]
type = "Privacy Policy"
url = "https://a.example/1"
[[documents]]
type = "privacy  policy"
url = "https://a.example/2"
)");
  EXPECT_EQ(status.message(), At(5, 1) +
                                  "duplicate document id 'x/privacy-policy' (first defined at " +
                                  path_.string() + ":2:1)");
  EXPECT_THAT(docs_, IsEmpty());
}

TEST_F(TargetFileTest, TypeAndNameMustMakeASlug) {
  Status status = Load("[[documents]]\ntype = \"???\"\nurl = \"https://a.example/\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2, 8)));
  EXPECT_THAT(status.message(), HasSubstr("letter or digit"));
  status = Load("name = \"!!\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(1, 8)));
  status = Load("[[documents]]\ntype = \"\"\nurl = \"https://a.example/\"\n");
  EXPECT_EQ(status.message(), At(2, 8) + "'type' must not be empty");
  // Without a name, the file's name must make the slug: "🍪.toml" would make the id
  // "/privacy-policy". ("日本.toml" makes "ri-ben/privacy-policy": SlugifyTest.)
  status = Load("[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://a.example/\"\n",
                "\xF0\x9F\x8D\xAA.toml");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ":1:1: "));
  EXPECT_THAT(status.message(), HasSubstr("has no letter or digit"));
  EXPECT_THAT(docs_, IsEmpty());
}

TEST_F(TargetFileTest, SyntaxErrorNamesTheLine) {
  const Status status = Load("name = \"X\"\n[[documents]]\ntype = \"P\nurl = \"https://a/\"\n");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ":3:"));
}

TEST_F(TargetFileTest, MissingFileIsNotFound) {
  const std::filesystem::path missing = scratch_.path() / "missing.toml";
  const Status status = LoadTargetFile(missing, &docs_);
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(missing.string()));
}

TEST_F(TargetFileTest, SelectRangesIgnoreLinesLinkUrlsAndExtraUrls) {
  const Status status = Load(R"(
[[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
select = ["main", { startAfter = "#intro", endBefore = "footer" }]
ignore_lines = ["^Last updated", "visitors today$"]
include_link_urls = true
extra_urls = ["https://www.coursera.org/about/privacy/2"]

[[documents]]
type = "Terms"
url = "https://www.coursera.org/about/terms"
select = { startBefore = "h1", endAfter = "#end" }
)");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(docs_.size(), 2u);
  EXPECT_THAT(docs_[0].select, ElementsAre("main"));
  EXPECT_THAT(docs_[0].select_ranges, ElementsAre(SelectRange{"", "#intro", "footer", ""}));
  EXPECT_THAT(docs_[0].ignore_lines, ElementsAre("^Last updated", "visitors today$"));
  EXPECT_TRUE(docs_[0].include_link_urls);
  EXPECT_THAT(docs_[0].extra_urls, ElementsAre("https://www.coursera.org/about/privacy/2"));
  EXPECT_THAT(docs_[1].select, IsEmpty());
  EXPECT_THAT(docs_[1].select_ranges, ElementsAre(SelectRange{"h1", "", "", "#end"}));
}

TEST_F(TargetFileTest, BadIgnoreLinesExpressionIsAFileLineError) {
  const Status status = Load(R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
ignore_lines = ["fine", "(unclosed"]
)");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(At(4, 25)));  // the entry itself
  EXPECT_THAT(status.message(), HasSubstr("(unclosed"));
}

// Issue 14 item 11: a selector that does not parse used to pass loading and then fail every
// check of the document with reason `extract`.
TEST_F(TargetFileTest, SelectorThatDoesNotParseIsAnErrorAtItsEntry) {
  const std::string head = R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
)";
  Status status = Load(head + "select = [\"main\", \"div[[[\"]\n");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(At(4, 19) + "select: invalid selector \"div[[[\""));
  EXPECT_TRUE(docs_.empty());

  status = Load(head + "select = \"div[[[\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(4, 10) + "select: invalid selector"));
  status = Load(head + "remove = [\".ad\", \"nav\", \"a:hover\"]\n");
  EXPECT_EQ(status.message(),
            At(4, 25) +
                "remove: invalid selector \"a:hover\": unsupported pseudo-class at "
                "position 1");
  status = Load(head + "select = [{ startAfter = \"#a\", endBefore = \"#b\" },\n" +
                "          { startAfter = \"h1\", endBefore = \"p >\" }]\n");
  EXPECT_THAT(status.message(), StartsWith(At(5, 11) + "select range: invalid selector"));
  // The second document is reported, not the first.
  status = Load(head + "select = \"main\"\n[[documents]]\ntype = \"Terms\"\nurl = \"" +
                "https://www.coursera.org/terms\"\nremove = \"[\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(8, 10) + "remove: invalid selector"));
}

TEST_F(TargetFileTest, ExtractionIsCompiledOnceWhenLoaded) {
  const Status status = Load(R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
select = [{ startBefore = "#intro", endBefore = "footer" }]
remove = ".ad"
ignore_lines = ["^Generated"]

[[documents]]
type = "Terms"
url = "https://www.coursera.org/terms"

[[documents]]
type = "Cookies"
url = "https://www.coursera.org/cookies"
)");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(docs_.size(), 3u);
  for (const DocumentSpec& doc : docs_) ASSERT_NE(doc.extraction, nullptr) << doc.id;
  // Documents with no extraction settings share one compiled instance.
  EXPECT_EQ(docs_[1].extraction, docs_[2].extraction);
  EXPECT_NE(docs_[0].extraction, docs_[1].extraction);
  const ExtractResult result = ExtractText(
      "<main><p>Before</p><p id=intro>Hi</p><p>Generated now</p><p>Kept text.</p>"
      "<div class=ad>Ad</div><footer>F</footer></main>",
      *docs_[0].extraction, "text/html");
  EXPECT_EQ(result.text, "Hi\n\nKept text.\n");
}

TEST_F(TargetFileTest, BadRangesAreErrors) {
  for (const char* select : {"[{ startBefore = \"h1\" }]",
                             "[{ startBefore = \"h1\", startAfter = \"h2\", endBefore = \"x\" }]",
                             "[{ startBefore = \"h1\", endBefore = \"x\", middle = \"y\" }]",
                             "[{ startBefore = \"\", endBefore = \"x\" }]", "[42]"}) {
    const Status status = Load(std::string(R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
select = )") + select + "\n");
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << select;
    EXPECT_THAT(status.message(), StartsWith(path_.string() + ":4:")) << select;
  }
}

// Issue 16 item 6: `remove` entries may be ranges, written like those of `select`.
TEST_F(TargetFileTest, RemoveRanges) {
  const Status status = Load(R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
select = "main"
remove = [".ad", { startBefore = "#cookie-banner", endBefore = "footer" },
          { startAfter = "h1", endAfter = "#intro" }]

[[documents]]
type = "Terms"
url = "https://www.coursera.org/terms"
remove = { startAfter = "#summary", endBefore = "#terms" }
)");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(docs_.size(), 2u);
  EXPECT_THAT(docs_[0].remove, ElementsAre(".ad"));
  EXPECT_THAT(docs_[0].remove_ranges, ElementsAre(SelectRange{"#cookie-banner", "", "footer", ""},
                                                  SelectRange{"", "h1", "", "#intro"}));
  EXPECT_THAT(docs_[0].select_ranges, IsEmpty());
  EXPECT_THAT(docs_[1].remove, IsEmpty());
  EXPECT_THAT(docs_[1].remove_ranges, ElementsAre(SelectRange{"", "#summary", "#terms", ""}));
  const std::string html =
      "<main><h1>Privacy</h1><p>Gone.</p><p id=intro>Gone too.</p><p>Kept.</p>"
      "<div class=ad>Ad</div><h2 id=cookie-banner>Cookies</h2><p>Accept</p></main>"
      "<footer>F</footer>";
  EXPECT_EQ(ExtractText(html, *docs_[0].extraction, "text/html").text, "# Privacy\n\nKept.\n");
}

TEST_F(TargetFileTest, BadRemoveRangesAreErrorsAtTheirEntry) {
  const std::string head = R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
)";
  // A selector that does not parse: at the range's table.
  Status status = Load(head +
                       "remove = [\".ad\",\n          { startAfter = \"h1\", endBefore = "
                       "\"p >\" }]\n");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(At(5, 11) + "remove range: invalid selector \"p >\""));
  EXPECT_TRUE(docs_.empty());
  // No end: at the table.
  status = Load(head + "remove = [{ startBefore = \"#a\" }]\n");
  EXPECT_EQ(status.message(),
            At(4, 11) +
                "a 'remove' range needs exactly one of startBefore/startAfter and one of "
                "endBefore/endAfter");
  // Two starts.
  status =
      Load(head + "remove = { startBefore = \"#a\", startAfter = \"#b\", endAfter = \"#c\" }\n");
  EXPECT_THAT(status.message(), StartsWith(At(4, 10) + "a 'remove' range needs exactly one"));
  // An unknown key and an empty selector: at the key.
  status = Load(head + "remove = [{ startBefore = \"#a\", endBefore = \"#b\", until = \"#c\" }]\n");
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ":4:"));
  EXPECT_THAT(status.message(), HasSubstr("until"));
  status = Load(head + "remove = [{ startBefore = \"\", endBefore = \"#b\" }]\n");
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ":4:"));
  // Neither a string nor a table.
  status = Load(head + "remove = [\".ad\", 42]\n");
  EXPECT_EQ(status.message(), At(4, 18) +
                                  "'remove' must be a string or an array of strings (CSS "
                                  "selectors) or range tables, not an integer");
  status = Load(head + "remove = [\".ad\", \"\"]\n");
  EXPECT_EQ(status.message(), At(4, 18) + "'remove' entries must not be empty");
}

TEST_F(TargetFileTest, BadExtraUrlIsAnError) {
  const Status status = Load(R"([[documents]]
type = "Privacy Policy"
url = "https://www.coursera.org/about/privacy"
extra_urls = ["ftp://example.com/2"]
)");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("ftp"));
}

}  // namespace
}  // namespace policyd
