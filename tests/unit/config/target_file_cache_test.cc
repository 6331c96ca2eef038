// TargetFileCache: a target file whose bytes were parsed before gives, from the cache, exactly
// the documents parsing gives; anything that is not those bytes, that build or an intact cache
// file is parsed again, and the cache never makes a load fail (issue 19 item 4).
#include "policyd/target_file_cache.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"
#include "policyd/private_files.h"
#include "test_files.h"

namespace policyd {
namespace {

using ::testing::HasSubstr;
using SpecList = std::vector<std::shared_ptr<const DocumentSpec>>;

// Every key a target file may give a document, several documents, a name that is not ASCII.
constexpr char kRichTarget[] = R"(name = "Société Générale"

[[documents]]
type = "Privacy Policy"
url = "https://www.societegenerale.example/privacy"
interval = "6h"
select = ["main .legal", { startBefore = "h2#cookies", endAfter = "footer" }]
remove = [".banner", { startAfter = "#toc", endBefore = "h2" }]
ignore_lines = ["^Last updated", "Cookie settings"]
include_link_urls = true
ignore_robots = true
render = "browser"
extra_urls = ["https://www.societegenerale.example/privacy/2", "https://www.societegenerale.example/privacy/3"]

[[documents]]
type = "Terms of Service"
url = "https://www.societegenerale.example/terms"
render = "static"

  [[documents]]
  type = "Cookie Policy"
  url = "https://www.societegenerale.example/cookies"
  interval = "1d"
)";

std::string PlainTarget(const std::string& name, const std::string& path) {
  return "name = \"" + name + "\"\n\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://" +
         name + ".example" + path + "\"\n";
}

// Every field a load sets, compared.
void ExpectSameSpec(const DocumentSpec& cached, const DocumentSpec& parsed) {
  SCOPED_TRACE(parsed.id);
  EXPECT_EQ(cached.id, parsed.id);
  EXPECT_EQ(cached.platform, parsed.platform);
  EXPECT_EQ(cached.type, parsed.type);
  EXPECT_EQ(cached.url, parsed.url);
  EXPECT_EQ(cached.interval, parsed.interval);
  EXPECT_EQ(cached.select, parsed.select);
  EXPECT_EQ(cached.remove, parsed.remove);
  EXPECT_EQ(cached.ignore_robots, parsed.ignore_robots);
  EXPECT_EQ(cached.select_ranges, parsed.select_ranges);
  EXPECT_EQ(cached.remove_ranges, parsed.remove_ranges);
  EXPECT_EQ(cached.ignore_lines, parsed.ignore_lines);
  EXPECT_EQ(cached.include_link_urls, parsed.include_link_urls);
  EXPECT_EQ(cached.extra_urls, parsed.extra_urls);
  EXPECT_EQ(cached.render, parsed.render);
  EXPECT_EQ(cached.page_options.size(), parsed.page_options.size());
  EXPECT_EQ(cached.source_file, parsed.source_file);
  ASSERT_NE(cached.extraction, nullptr);
  ASSERT_NE(parsed.extraction, nullptr);
  // Documents without selectors share one compiled extraction; the others compile their own.
  EXPECT_EQ(cached.extraction == parsed.extraction,
            parsed.select.empty() && parsed.remove.empty() && parsed.select_ranges.empty() &&
                parsed.remove_ranges.empty() && parsed.ignore_lines.empty());
  EXPECT_EQ(cached.page_extractions.size(), parsed.page_extractions.size());
}

class TargetFileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    targets_.Write("societe-generale.toml", kRichTarget);
    targets_.Write("acme.toml", PlainTarget("acme", "/privacy"));
    targets_.Write("hinge.json", R"({"name": "Hinge", "terms": {"Privacy Policy": {
        "fetch": "https://hinge.co/privacy", "select": ["main"]}}})");
  }

  std::filesystem::path CachePath() const { return state_.path() / "target-cache"; }

  // One load as TargetCatalog does it, through a cache of build `build`: opened, used,
  // closed and saved when it changed. `open_status` receives what Open said.
  Status LoadThroughCache(SpecList* out, const std::string& build = "build 1",
                          Status* open_status = nullptr) {
    TargetFileCache cache(CachePath(), build);
    const Status opened = cache.Open();
    if (open_status != nullptr) *open_status = opened;
    std::vector<std::string> warnings;
    const Status status = LoadSharedTargetsDir(targets_.path(), 2, out, &warnings, &cache);
    hits_ = cache.hits();
    misses_ = cache.misses();
    changed_ = cache.Close();
    if (status.ok() && changed_) {
      const Status saved = cache.Save();
      EXPECT_TRUE(saved.ok()) << saved.ToString();
    } else {
      cache.Discard();
    }
    return status;
  }

  SpecList Parsed() {
    SpecList parsed;
    std::vector<std::string> warnings;
    const Status status = LoadSharedTargetsDir(targets_.path(), 2, &parsed, &warnings);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return parsed;
  }

  void ExpectSameDocuments(const SpecList& cached, const SpecList& parsed) {
    ASSERT_EQ(cached.size(), parsed.size());
    for (std::size_t i = 0; i < parsed.size(); ++i) ExpectSameSpec(*cached[i], *parsed[i]);
  }

  testing::ScratchDir targets_;
  testing::ScratchDir state_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  bool changed_ = false;
};

TEST_F(TargetFileCacheTest, ASecondLoadReadsEveryTargetFileFromTheCacheAndGetsTheSameDocuments) {
  SpecList first;
  ASSERT_TRUE(LoadThroughCache(&first).ok());
  EXPECT_EQ(hits_, 0u);
  EXPECT_EQ(misses_, 2u);  // the two target files; the declaration is not cached
  EXPECT_TRUE(changed_);
  ASSERT_TRUE(std::filesystem::exists(CachePath()));

  SpecList second;
  ASSERT_TRUE(LoadThroughCache(&second).ok());
  EXPECT_EQ(hits_, 2u);
  EXPECT_EQ(misses_, 0u);
  EXPECT_FALSE(changed_);  // nothing to write again

  const SpecList parsed = Parsed();
  ASSERT_EQ(parsed.size(), 5u);
  EXPECT_EQ(parsed[2]->id, "soci-t-g-n-rale/cookie-policy");  // Slugify keeps ASCII only
  EXPECT_EQ(parsed[4]->render, RenderMode::kStatic);
  ExpectSameDocuments(first, parsed);
  ExpectSameDocuments(second, parsed);
}

TEST_F(TargetFileCacheTest, TheCacheKeepsWhereEachDocumentWasWritten) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  // A second file declares a document the cached file has: the error names the cached
  // document's line and column, exactly as a parse of both files says it.
  targets_.Write("zz-copy.toml",
                 "name = \"Société Générale\"\n[[documents]]\n"
                 "type = \"cookie policy\"\nurl = \"https://copy.example/\"\n");
  std::vector<std::string> warnings;
  SpecList parsed;
  const Status expected = LoadSharedTargetsDir(targets_.path(), 2, &parsed, &warnings);
  ASSERT_FALSE(expected.ok());
  EXPECT_THAT(expected.message(), HasSubstr("societe-generale.toml:20:3"));

  SpecList again;
  const Status got = LoadThroughCache(&again);
  EXPECT_EQ(hits_, 2u);
  EXPECT_EQ(got.code(), expected.code());
  EXPECT_EQ(got.message(), expected.message());
}

TEST_F(TargetFileCacheTest, AnEditedFileOfTheSameSizeIsParsedAgain) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  // One letter of the URL changed: same size, and possibly the same modification time.
  targets_.Write("acme.toml", PlainTarget("acme", "/privacz"));
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  EXPECT_EQ(hits_, 1u);
  EXPECT_EQ(misses_, 1u);
  EXPECT_TRUE(changed_);
  EXPECT_EQ(loaded.front()->id, "acme/privacy-policy");
  EXPECT_EQ(loaded.front()->url, "https://acme.example/privacz");
  ExpectSameDocuments(loaded, Parsed());

  // The rewritten cache holds the edit.
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  EXPECT_EQ(hits_, 2u);
  EXPECT_EQ(loaded.front()->url, "https://acme.example/privacz");
}

TEST_F(TargetFileCacheTest, AFileThatNoLongerLoadsFailsAsAParseSays) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  targets_.Write("acme.toml", "name = \"acme\"\n[[documents]]\ntype = \"Privacy Policy\"\n");
  std::vector<std::string> warnings;
  SpecList parsed;
  const Status expected = LoadSharedTargetsDir(targets_.path(), 2, &parsed, &warnings);
  ASSERT_FALSE(expected.ok());
  const Status got = LoadThroughCache(&loaded);
  EXPECT_EQ(got.message(), expected.message());
  EXPECT_THAT(got.message(), HasSubstr("document has no 'url'"));
}

TEST_F(TargetFileCacheTest, ARemovedFileMakesTheCacheWrittenAgain) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  std::filesystem::remove(targets_.path() / "acme.toml");
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  EXPECT_EQ(hits_, 1u);
  EXPECT_EQ(misses_, 0u);
  EXPECT_TRUE(changed_);  // the cache still held acme.toml
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  EXPECT_FALSE(changed_);
}

TEST_F(TargetFileCacheTest, AnotherBuildsCacheIsNotUsed) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded, "build 1").ok());
  Status opened;
  ASSERT_TRUE(LoadThroughCache(&loaded, "build 2", &opened).ok());
  EXPECT_EQ(opened.code(), Status::Code::kUnsupported);  // an upgrade, not damage
  EXPECT_THAT(opened.message(), HasSubstr("written by another build (build 1)"));
  EXPECT_EQ(hits_, 0u);
  EXPECT_EQ(misses_, 2u);
  ExpectSameDocuments(loaded, Parsed());
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_F(TargetFileCacheTest, ADamagedEntryIsParsedAgain) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  std::string bytes = ReadAll(CachePath());
  // The last entry is societe-generale.toml's (sorted by path): change a letter of a URL.
  const std::size_t at = bytes.rfind("privacy/3");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'P';
  WriteAll(CachePath(), bytes);
  Status opened;
  ASSERT_TRUE(LoadThroughCache(&loaded, "build 1", &opened).ok());
  EXPECT_TRUE(opened.ok());  // the file is whole; one entry's checksum does not match
  EXPECT_EQ(hits_, 1u);
  EXPECT_EQ(misses_, 1u);
  ExpectSameDocuments(loaded, Parsed());
}

TEST_F(TargetFileCacheTest, ATruncatedOrForeignCacheFileIsAnEmptyCache) {
  SpecList loaded;
  ASSERT_TRUE(LoadThroughCache(&loaded).ok());
  const std::string bytes = ReadAll(CachePath());
  for (const std::size_t size : {bytes.size() - 1, bytes.size() / 2, std::size_t{30}}) {
    SCOPED_TRACE(size);
    WriteAll(CachePath(), bytes.substr(0, size));
    Status opened;
    ASSERT_TRUE(LoadThroughCache(&loaded, "build 1", &opened).ok());
    EXPECT_EQ(opened.code(), Status::Code::kCorruption);
    EXPECT_THAT(opened.message(), HasSubstr("truncated"));
    EXPECT_EQ(hits_, 0u);
    ExpectSameDocuments(loaded, Parsed());
  }
  WriteAll(CachePath(), "name = \"not a cache\"\n");
  Status opened;
  ASSERT_TRUE(LoadThroughCache(&loaded, "build 1", &opened).ok());
  EXPECT_THAT(opened.message(), HasSubstr("not a target cache"));
  EXPECT_EQ(hits_, 0u);
  // ... and each was written again, whole.
  ASSERT_TRUE(LoadThroughCache(&loaded, "build 1", &opened).ok());
  EXPECT_TRUE(opened.ok()) << opened.ToString();
  EXPECT_EQ(hits_, 2u);
}

TEST_F(TargetFileCacheTest, TheCacheFileIsPrivateAndWrittenWhole) {
  const mode_t old_umask = ::umask(0);
  SpecList loaded;
  const Status status = LoadThroughCache(&loaded);
  ::umask(old_umask);
  ASSERT_TRUE(status.ok());
  struct stat written {};
  ASSERT_EQ(::stat(CachePath().c_str(), &written), 0);
  EXPECT_EQ(written.st_mode & 0777, kPrivateFileMode);
  // No temporary file is left beside it.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(state_.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"target-cache"});
}

TEST_F(TargetFileCacheTest, ACacheThatCannotBeWrittenLeavesTheLoadAlone) {
  // A regular file where the cache's directory should be: Save says so and names the file.
  targets_.Write("blocker", "");
  TargetFileCache blocked(targets_.path() / "blocker" / "target-cache", "build 1");
  (void)blocked.Open();
  SpecList loaded;
  std::vector<std::string> warnings;
  ASSERT_TRUE(LoadSharedTargetsDir(targets_.path(), 2, &loaded, &warnings, &blocked).ok());
  EXPECT_TRUE(blocked.Close());
  const Status saved = blocked.Save();
  EXPECT_EQ(saved.code(), Status::Code::kIoError);
  EXPECT_THAT(saved.message(), HasSubstr("blocker/target-cache"));
  ExpectSameDocuments(loaded, Parsed());
}

}  // namespace
}  // namespace policyd
