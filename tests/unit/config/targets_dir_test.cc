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

}  // namespace
}  // namespace policyd
