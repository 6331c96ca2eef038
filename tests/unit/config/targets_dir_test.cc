#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <memory>
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

std::string Target(const std::string& name, const std::string& type, const std::string& url) {
  return "name = \"" + name + "\"\n\n[[documents]]\ntype = \"" + type + "\"\nurl = \"" + url +
         "\"\n";
}

std::vector<std::string> Ids(const std::vector<DocumentSpec>& docs) {
  std::vector<std::string> ids;
  for (const DocumentSpec& doc : docs) ids.push_back(doc.id);
  return ids;
}

TEST(TargetsDirTest, LoadsTomlFilesSortedByName) {
  testing::ScratchDir dir;
  dir.Write("zoom.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/privacy"));
  dir.Write("airbnb.toml", Target("Airbnb", "Privacy Policy", "https://www.airbnb.com/p"));
  dir.Write("mastodon.toml", Target("Mastodon", "Terms", "https://mastodon.social/terms"));
  // None of these are target files.
  dir.Write("README.md", "not toml");
  dir.Write(".hidden.toml", "this = is not valid toml [");
  dir.Write(".zoom.toml.a1B2c3", "garbage");
  dir.Write("sub/nested.toml", Target("Nested", "P", "https://n.example/"));
  std::filesystem::create_directory(dir.path() / "folder.toml");

  std::vector<DocumentSpec> docs;
  const Status status = LoadTargetsDir(dir.path(), &docs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_THAT(Ids(docs),
              ElementsAre("airbnb/privacy-policy", "mastodon/terms", "zoom/privacy-policy"));
  EXPECT_EQ(docs[0].source_file, dir.path() / "airbnb.toml");
}

TEST(TargetsDirTest, DuplicateIdsAcrossFilesNameBothFiles) {
  testing::ScratchDir dir;
  const auto first = dir.Write("a.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/a"));
  const auto second =
      dir.Write("b.toml", "# copy\n" + Target("ZOOM", "privacy-policy", "https://zoom.us/b"));
  std::vector<DocumentSpec> docs;
  const Status status = LoadTargetsDir(dir.path(), &docs);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(), second.string() +
                                  ":4:1: duplicate document id 'zoom/privacy-policy' "
                                  "(already defined at " +
                                  first.string() + ":3:1)");
  EXPECT_THAT(docs, IsEmpty());
}

TEST(TargetsDirTest, IdsAlreadyLoadedCountAsDuplicates) {
  testing::ScratchDir bundled;
  testing::ScratchDir added;
  bundled.Write("zoom.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/a"));
  const auto again =
      added.Write("zoom.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/b"));
  std::vector<DocumentSpec> docs;
  ASSERT_TRUE(LoadTargetsDir(bundled.path(), &docs).ok());
  const Status status = LoadTargetsDir(added.path(), &docs);
  EXPECT_THAT(status.message(), StartsWith(again.string() + ":3:1: duplicate document id"));
  EXPECT_THAT(status.message(), HasSubstr((bundled.path() / "zoom.toml").string()));
  EXPECT_EQ(docs.size(), 1u);
}

TEST(TargetsDirTest, FailsOnTheFirstBadFileAndLoadsNothing) {
  testing::ScratchDir dir;
  dir.Write("a.toml", Target("A", "Privacy Policy", "https://a.example/"));
  const auto bad = dir.Write("b.toml", Target("B", "Privacy Policy", "ftp://b.example/"));
  std::vector<DocumentSpec> docs;
  const Status status = LoadTargetsDir(dir.path(), &docs);
  EXPECT_THAT(status.message(), StartsWith(bad.string() + ":5:7: url 'ftp://b.example/'"));
  EXPECT_THAT(docs, IsEmpty());
}

// A target file kept elsewhere and linked in (configuration management, a checkout) whose
// target has gone is an error naming the link: skipping it would stop watching its documents
// without a word. A link to a file that exists loads like the file.
TEST(TargetsDirTest, ALinkToAMissingTargetFileIsAnErrorNamingIt) {
  testing::ScratchDir dir;
  testing::ScratchDir elsewhere;
  const auto real = elsewhere.Write("zoom.toml", Target("Zoom", "Privacy Policy", "https://z/"));
  std::filesystem::create_symlink(real, dir.path() / "zoom.toml");
  std::vector<DocumentSpec> docs;
  ASSERT_TRUE(LoadTargetsDir(dir.path(), &docs).ok());
  EXPECT_THAT(Ids(docs), ElementsAre("zoom/privacy-policy"));

  std::filesystem::create_symlink(elsewhere.path() / "gone.toml", dir.path() / "gone.toml");
  docs.clear();
  const Status status = LoadTargetsDir(dir.path(), &docs);
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_THAT(status.message(), StartsWith((dir.path() / "gone.toml").string() +
                                           ": a symbolic link to a missing file"));
  EXPECT_THAT(docs, IsEmpty());
}

TEST(TargetsDirTest, MissingDirectoryIsAnIoErrorNamingIt) {
  testing::ScratchDir dir;
  std::vector<DocumentSpec> docs;
  const Status status = LoadTargetsDir(dir.path() / "absent", &docs);
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_THAT(status.message(), HasSubstr((dir.path() / "absent").string()));
}

TEST(TargetsDirTest, EmptyDirectoryLoadsNothing) {
  testing::ScratchDir dir;
  std::vector<DocumentSpec> docs;
  EXPECT_TRUE(LoadTargetsDir(dir.path(), &docs).ok());
  EXPECT_THAT(docs, IsEmpty());
}

// LoadSharedTargetsDir (the daemon's, issue 19): the files read on several threads, the specs
// shared and sorted by id; what it loads and refuses is LoadTargetsDir's.

// A platform with three documents whose types are not in id order.
std::string ThreeDocuments(int platform) {
  std::string text = "name = \"Platform " + std::to_string(platform) + "\"\n";
  for (const char* type : {"Zeta", "Alpha", "Mid"}) {
    text += std::string("\n[[documents]]\ntype = \"") + type + "\"\nurl = \"https://p" +
            std::to_string(platform) + ".example/" + type + "\"\n";
  }
  return text;
}

// "p07.toml": file names in the same order as their numbers.
std::string FileName(int number, const char* extension = ".toml") {
  char name[16];
  std::snprintf(name, sizeof(name), "p%02d%s", number, extension);
  return name;
}

// Both loaders on `dir`: the same status, and the same documents and warnings (the shared
// ones sorted by id).
void ExpectBothLoadersAgree(const std::filesystem::path& dir, Status* status) {
  std::vector<DocumentSpec> sequential;
  std::vector<std::string> sequential_warnings;
  const Status expected = LoadTargetsDir(dir, &sequential, &sequential_warnings);
  for (const std::size_t threads : {1u, 2u, 4u, 16u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    std::vector<std::shared_ptr<const DocumentSpec>> shared;
    std::vector<std::string> warnings;
    const Status got = LoadSharedTargetsDir(dir, threads, &shared, &warnings);
    EXPECT_EQ(got.code(), expected.code());
    EXPECT_EQ(got.message(), expected.message());
    EXPECT_EQ(warnings, sequential_warnings);
    std::vector<std::string> ids;
    for (const auto& spec : shared) ids.push_back(spec->id);
    std::vector<std::string> expected_ids = Ids(sequential);
    std::sort(expected_ids.begin(), expected_ids.end());
    EXPECT_EQ(ids, expected_ids);
    for (const auto& spec : shared) {
      const auto same = std::find_if(sequential.begin(), sequential.end(),
                                     [&](const DocumentSpec& doc) { return doc.id == spec->id; });
      ASSERT_NE(same, sequential.end());
      EXPECT_EQ(spec->url, same->url);
      EXPECT_EQ(spec->source_file, same->source_file);
      EXPECT_NE(spec->extraction, nullptr);
    }
  }
  *status = expected;
}

TEST(SharedTargetsDirTest, LoadsWhatLoadTargetsDirLoadsSortedById) {
  testing::ScratchDir dir;
  for (int i = 0; i < 40; ++i) dir.Write(FileName(i), ThreeDocuments(i));
  dir.Write(FileName(40, ".json"), R"({"name": "Hinge", "terms": {"Privacy Policy": {
      "fetch": "https://hinge.co/privacy", "filter": ["removeTrackingLinks"]}}})");
  dir.Write(FileName(41, ".json"), R"({"name": "Bumble", "terms": {"Terms": {
      "fetch": "https://bumble.com/terms", "filter": ["cleanUp"]}}})");
  Status status;
  ExpectBothLoadersAgree(dir.path(), &status);
  ASSERT_TRUE(status.ok()) << status.ToString();

  std::vector<std::shared_ptr<const DocumentSpec>> shared = {nullptr};  // replaced, not kept
  std::vector<std::string> warnings;
  ASSERT_TRUE(LoadSharedTargetsDir(dir.path(), 3, &shared, &warnings).ok());
  ASSERT_EQ(shared.size(), 122u);
  EXPECT_EQ(shared.front()->id, "bumble/terms");
  EXPECT_EQ(shared[1]->id, "hinge/privacy-policy");
  EXPECT_EQ(shared[2]->id, "platform-0/alpha");
  EXPECT_EQ(shared.back()->id, "platform-9/zeta");
  // The declarations' warnings, in file order.
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[0], HasSubstr("removeTrackingLinks"));
  EXPECT_THAT(warnings[1], HasSubstr("cleanUp"));
}

// Files whose ids interleave (one platform split over several files, its types in no order):
// the files' sorted runs overlap, so they cannot simply be put end to end by their first ids.
TEST(SharedTargetsDirTest, FilesWhoseIdsInterleaveAreSortedAsOne) {
  testing::ScratchDir dir;
  const auto documents = [](std::initializer_list<const char*> types) {
    std::string text = "name = \"Zoom\"\n";
    for (const char* type : types) {
      text += std::string("\n[[documents]]\ntype = \"") + type + "\"\nurl = \"https://zoom.us/" +
              type + "\"\n";
    }
    return text;
  };
  dir.Write("a.toml", documents({"Mid", "Alpha", "Yak"}));
  dir.Write("b.toml", documents({"Beta", "Zeta"}));
  dir.Write("c.toml", documents({"Nu", "Echo"}));
  for (int i = 0; i < 6; ++i) dir.Write(FileName(i), ThreeDocuments(i));  // disjoint runs too
  Status status;
  ExpectBothLoadersAgree(dir.path(), &status);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<std::shared_ptr<const DocumentSpec>> shared;
  ASSERT_TRUE(LoadSharedTargetsDir(dir.path(), 2, &shared, nullptr).ok());
  ASSERT_EQ(shared.size(), 25u);
  EXPECT_EQ(shared[0]->id, "platform-0/alpha");
  EXPECT_EQ(shared[18]->id, "zoom/alpha");
  EXPECT_EQ(shared[19]->id, "zoom/beta");
  EXPECT_EQ(shared[20]->id, "zoom/echo");
  EXPECT_EQ(shared.back()->id, "zoom/zeta");
}

TEST(SharedTargetsDirTest, TheFirstProblemInFileOrderIsTheError) {
  testing::ScratchDir dir;
  for (int i = 0; i < 40; ++i) dir.Write(FileName(i), ThreeDocuments(i));
  // Later problems that a thread may well meet first.
  dir.Write(FileName(30), "this is [ not toml");
  dir.Write(FileName(20), Target("Platform 3", "Mid", "ftp://bad.example/"));
  const auto copy = dir.Write(FileName(10), Target("Platform 3", "Mid", "https://copy.example/"));
  Status status;
  ExpectBothLoadersAgree(dir.path(), &status);
  EXPECT_EQ(status.message(), copy.string() +
                                  ":3:1: duplicate document id 'platform-3/mid' (already "
                                  "defined at " +
                                  (dir.path() / FileName(3)).string() + ":11:1)");

  dir.Write(FileName(10), ThreeDocuments(10));
  ExpectBothLoadersAgree(dir.path(), &status);
  EXPECT_THAT(status.message(),
              StartsWith((dir.path() / FileName(20)).string() + ":5:7: url 'ftp://"));

  dir.Write(FileName(20), ThreeDocuments(20));
  ExpectBothLoadersAgree(dir.path(), &status);
  EXPECT_THAT(status.message(), StartsWith((dir.path() / FileName(30)).string() + ":1:"));

  // A bad file before a duplicate: the bad file.
  dir.Write(FileName(35), Target("Platform 1", "Zeta", "https://again.example/"));
  dir.Write(FileName(5), "[[documents]]\ntype = 3\n");
  ExpectBothLoadersAgree(dir.path(), &status);
  EXPECT_THAT(status.message(), StartsWith((dir.path() / FileName(5)).string() + ":"));
}

TEST(SharedTargetsDirTest, AnIdDefinedThreeTimesNamesItsSecondDefinition) {
  testing::ScratchDir dir;
  const auto first = dir.Write("a.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/a"));
  const auto second = dir.Write("b.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/b"));
  dir.Write("c.toml", Target("Zoom", "Privacy Policy", "https://zoom.us/c"));
  Status status;
  ExpectBothLoadersAgree(dir.path(), &status);
  EXPECT_EQ(status.message(), second.string() +
                                  ":3:1: duplicate document id 'zoom/privacy-policy' "
                                  "(already defined at " +
                                  first.string() + ":3:1)");
}

}  // namespace
}  // namespace policyd
