#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"
#include "test_files.h"

namespace policyd {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

DocumentSpec MakeDoc(const std::string& platform, const std::string& type, const std::string& url) {
  DocumentSpec doc;
  doc.platform = platform;
  doc.type = type;
  doc.id = MakeDocumentId(platform, type);
  doc.url = url;
  return doc;
}

void ExpectSameDocs(const std::vector<DocumentSpec>& actual,
                    const std::vector<DocumentSpec>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    SCOPED_TRACE(expected[i].id);
    EXPECT_EQ(actual[i].id, expected[i].id);
    EXPECT_EQ(actual[i].platform, expected[i].platform);
    EXPECT_EQ(actual[i].type, expected[i].type);
    EXPECT_EQ(actual[i].url, expected[i].url);
    EXPECT_EQ(actual[i].interval, expected[i].interval);
    EXPECT_EQ(actual[i].select, expected[i].select);
    EXPECT_EQ(actual[i].remove, expected[i].remove);
    EXPECT_EQ(actual[i].select_ranges, expected[i].select_ranges);
    EXPECT_EQ(actual[i].remove_ranges, expected[i].remove_ranges);
    EXPECT_EQ(actual[i].ignore_lines, expected[i].ignore_lines);
    EXPECT_EQ(actual[i].include_link_urls, expected[i].include_link_urls);
    EXPECT_EQ(actual[i].extra_urls, expected[i].extra_urls);
    EXPECT_EQ(actual[i].render, expected[i].render);
    EXPECT_EQ(actual[i].source_file, expected[i].source_file);
  }
}

std::vector<std::string> DirectoryEntries(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

TEST(WriteTargetFileTest, RoundTripsEveryField) {
  testing::ScratchDir dir;
  const std::filesystem::path path = dir.path() / "targets" / "coursera.toml";
  std::vector<DocumentSpec> docs = {
      MakeDoc("Coursera", "Privacy Policy", "https://www.coursera.org/about/privacy"),
      MakeDoc("Coursera", "Terms of Service", "https://www.coursera.org/about/terms?x=\"1\"#t"),
      MakeDoc("Coursera", "Cookie Policy", "https://www.coursera.org/about/cookies"),
  };
  docs[0].interval = std::chrono::hours(12);
  docs[0].select = {"main", "article#policy > div.body"};
  docs[0].remove = {".cookie-banner", "a[href=\"/x\"]", "div.x\\:y"};
  docs[1].interval = std::chrono::minutes(90) + std::chrono::milliseconds(250);
  // Control characters must be escaped (and the selector must still be CSS: it is compiled).
  docs[1].select = {"p[title=\"tab\tand\x01\"]"};
  docs[1].ignore_lines = {"multi\nline"};
  docs[2].select_ranges = {{"#a", "", "", "#b"}, {"", "h2.x", "footer", ""}};
  docs[2].remove_ranges = {{"", "#cookies", "", "#accept"}, {"h2[id=\"x\"]", "", "footer", ""}};
  docs[1].remove_ranges = {{"#only", "", "#range", ""}};  // no CSS selector beside it
  docs[2].ignore_lines = {"^Last updated: .*$", "\\d+ visitors"};
  docs[2].include_link_urls = true;
  docs[2].extra_urls = {"https://www.coursera.org/about/cookies/2"};
  docs[1].render = RenderMode::kBrowser;
  docs[2].render = RenderMode::kStatic;
  for (DocumentSpec& doc : docs) doc.source_file = SharedPath(path);

  const Status written = WriteTargetFile(path, "Coursera", docs);
  ASSERT_TRUE(written.ok()) << written.ToString();
  std::vector<DocumentSpec> loaded;
  const Status status = LoadTargetFile(path, &loaded);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ExpectSameDocs(loaded, docs);
  EXPECT_THAT(DirectoryEntries(path.parent_path()), ::testing::ElementsAre("coursera.toml"));
}

TEST(WriteTargetFileTest, RoundTripsAwkwardPlatformNames) {
  testing::ScratchDir dir;
  const std::string platform =
      "\xC3\x87"
      "a \"Va\" \\ 'Bien' '''";
  const std::filesystem::path path = dir.path() / "ca-va.toml";
  DocumentSpec doc = MakeDoc(platform, "Politique de confidentialit\xC3\xA9", "https://a.fr/");
  doc.source_file = SharedPath(path);
  ASSERT_TRUE(WriteTargetFile(path, platform, {doc}).ok());
  std::vector<DocumentSpec> loaded;
  ASSERT_TRUE(LoadTargetFile(path, &loaded).ok());
  ExpectSameDocs(loaded, {doc});
  EXPECT_EQ(loaded[0].id, "a-va-bien/politique-de-confidentialit");
}

TEST(WriteTargetFileTest, FillsInEmptyPlatformAndId) {
  testing::ScratchDir dir;
  const std::filesystem::path path = dir.path() / "zoom.toml";
  DocumentSpec doc;
  doc.type = "Privacy Policy";
  doc.url = "https://zoom.us/privacy";
  ASSERT_TRUE(WriteTargetFile(path, "Zoom", {doc}).ok());
  std::vector<DocumentSpec> loaded;
  ASSERT_TRUE(LoadTargetFile(path, &loaded).ok());
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, "zoom/privacy-policy");
  EXPECT_EQ(loaded[0].platform, "Zoom");
}

TEST(WriteTargetFileTest, ReplacesAnExistingFile) {
  testing::ScratchDir dir;
  const auto path = dir.Write("zoom.toml", "name = \"Old\"\n");
  ASSERT_TRUE(WriteTargetFile(path, "Zoom", {MakeDoc("Zoom", "Terms", "https://zoom.us/t")}).ok());
  std::vector<DocumentSpec> loaded;
  ASSERT_TRUE(LoadTargetFile(path, &loaded).ok());
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, "zoom/terms");
  EXPECT_THAT(DirectoryEntries(dir.path()), ::testing::ElementsAre("zoom.toml"));
}

TEST(WriteTargetFileTest, WritesAPlatformWithoutDocuments) {
  testing::ScratchDir dir;
  const std::filesystem::path path = dir.path() / "empty.toml";
  ASSERT_TRUE(WriteTargetFile(path, "Empty", {}).ok());
  std::vector<DocumentSpec> loaded;
  ASSERT_TRUE(LoadTargetFile(path, &loaded).ok());
  EXPECT_THAT(loaded, IsEmpty());
}

TEST(WriteTargetFileTest, RejectsInvalidDocumentsAndWritesNothing) {
  testing::ScratchDir dir;
  const std::filesystem::path path = dir.path() / "x.toml";
  struct Case {
    std::string platform;
    std::vector<DocumentSpec> docs;
    const char* expected;
  };
  const Case cases[] = {
      {"X", {MakeDoc("X", "Privacy Policy", "ftp://x.example/")}, "scheme 'ftp'"},
      {"X", {MakeDoc("X", "Privacy Policy", "file:///etc/passwd")}, "scheme 'file'"},
      {"", {}, "platform must not be empty"},
      {"X", {MakeDoc("Y", "Privacy Policy", "https://y.example/")}, "belongs to platform 'Y'"},
      {"X",
       {MakeDoc("X", "Privacy Policy", "https://x.example/1"),
        MakeDoc("X", "privacy policy", "https://x.example/2")},
       "duplicate document id 'x/privacy-policy'"},
      {"X\xFF", {}, "not valid UTF-8"},
      {"X", {MakeDoc("X", "Terms \xC0\xAF", "https://x.example/")}, "not valid UTF-8"},
  };
  for (const Case& c : cases) {
    const Status status = WriteTargetFile(path, c.platform, c.docs);
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << c.expected;
    EXPECT_THAT(status.message(), HasSubstr(c.expected));
  }
  DocumentSpec wrong_id = MakeDoc("X", "Privacy Policy", "https://x.example/");
  wrong_id.id = "x/other";
  EXPECT_THAT(WriteTargetFile(path, "X", {wrong_id}).message(), HasSubstr("does not match"));
  EXPECT_THAT(DirectoryEntries(dir.path()), IsEmpty());
}

TEST(WriteTargetFileTest, UnwritableDirectoryIsAnIoError) {
  testing::ScratchDir dir;
  const auto blocker = dir.Write("file", "not a directory");
  const Status status =
      WriteTargetFile(blocker / "x.toml", "X", {MakeDoc("X", "T", "https://x.example/")});
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_THAT(status.message(), HasSubstr((blocker / "x.toml").string()));
}

}  // namespace
}  // namespace policyd
