#include "policyd/private_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "support/as_nobody.h"

namespace policyd {
namespace {

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class PrivateFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_umask_ = ::umask(0);  // the worst case: mkdir's mode is taken as is
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-private-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override {
    ::umask(previous_umask_);
    std::filesystem::remove_all(dir_);
  }

  mode_t previous_umask_ = 0;
  std::filesystem::path dir_;
};

TEST_F(PrivateFilesTest, EveryCreatedLevelGetsTheModeWhateverTheUmask) {
  ASSERT_TRUE(CreatePrivateDirectory(dir_ / "a" / "b", ExistingDirectory::kKeepMode).ok());
  EXPECT_EQ(ModeOf(dir_), 0750u);
  EXPECT_EQ(ModeOf(dir_ / "a"), 0750u);
  EXPECT_EQ(ModeOf(dir_ / "a" / "b"), 0750u);
  ::umask(0077);  // stricter than asked: still exactly the mode
  ASSERT_TRUE(CreatePrivateDirectory(dir_ / "c", ExistingDirectory::kKeepMode).ok());
  EXPECT_EQ(ModeOf(dir_ / "c"), 0750u);
}

TEST_F(PrivateFilesTest, AnExistingDirectoryKeepsItsModeUnlessEnforced) {
  std::filesystem::create_directories(dir_);
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_TRUE(CreatePrivateDirectory(dir_, ExistingDirectory::kKeepMode).ok());
  EXPECT_EQ(ModeOf(dir_), 0755u);  // the operator's choice
  ASSERT_TRUE(CreatePrivateDirectory(dir_, ExistingDirectory::kEnforceMode).ok());
  EXPECT_EQ(ModeOf(dir_), 0750u);
}

TEST_F(PrivateFilesTest, AFileInTheWayIsAnError) {
  std::filesystem::create_directories(dir_);
  { std::ofstream(dir_ / "file") << "x"; }
  const Status status = CreatePrivateDirectory(dir_ / "file", ExistingDirectory::kEnforceMode);
  EXPECT_EQ(status.code(), Status::Code::kIoError);
  EXPECT_EQ(status.message(), "cannot create " + (dir_ / "file").string() + ": not a directory");
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> Names(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// After policyd ran once as root, its state directory is root's: a start as the policyd user
// said only "cannot set the mode of ...: Operation not permitted".
TEST_F(PrivateFilesTest, ADirectoryOfAnotherUserIsNamedAsSuch) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to make a directory of another user";
  ASSERT_TRUE(CreatePrivateDirectory(dir_, ExistingDirectory::kKeepMode).ok());
  ::chmod(dir_.c_str(), 0755);
  const std::string message = testing::RunAsNobody(
      [this] { return CreatePrivateDirectory(dir_, ExistingDirectory::kEnforceMode).ToString(); });
  EXPECT_NE(message.find("cannot set the mode of " + dir_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("(it belongs to uid 0; policyd runs as uid 65534: chown -R the state "
                         "directory to that user)"),
            std::string::npos)
      << message;
}

TEST_F(PrivateFilesTest, AFileWrittenInPartsAppearsWholeAndPrivateAtCommit) {
  const std::filesystem::path path = dir_ / "state" / "cache";
  ASSERT_TRUE(WritePrivateFileAtomically(path, "old").ok());
  auto writer = PrivateFileWriter::Create(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Append("new, ").ok());
  ASSERT_TRUE((*writer)->Append("in two parts").ok());
  EXPECT_EQ(ReadAll(path), "old");  // not before the commit
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(ReadAll(path), "new, in two parts");
  EXPECT_EQ(ModeOf(path), kPrivateFileMode);
  EXPECT_EQ(Names(path.parent_path()), std::vector<std::string>{"cache"});
}

TEST_F(PrivateFilesTest, AWriterNotCommittedLeavesTheFileAsItWas) {
  const std::filesystem::path path = dir_ / "cache";
  ASSERT_TRUE(WritePrivateFileAtomically(path, "old").ok());
  {
    auto writer = PrivateFileWriter::Create(path);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("half of the new").ok());
  }
  EXPECT_EQ(ReadAll(path), "old");
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"cache"});  // no temporary file left
}

}  // namespace
}  // namespace policyd
