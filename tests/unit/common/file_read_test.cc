#include "policyd/file_read.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

namespace policyd {
namespace {

class FileReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-file-read-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path Write(const std::string& name, const std::string& bytes) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(FileReadTest, ReadsARegularFileExactly) {
  const std::string bytes = std::string("a = 1\n\0b", 8) + std::string(100'000, 'z');
  auto read = ReadRegularFile(Write("x.toml", bytes), 1 << 20);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, bytes);
  auto empty = ReadRegularFile(Write("empty.toml", ""), 16);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST_F(FileReadTest, TheCapIsExact) {
  EXPECT_TRUE(ReadRegularFile(Write("at.toml", std::string(64, 'x')), 64).ok());
  const auto over = ReadRegularFile(Write("over.toml", std::string(65, 'x')), 64);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().message(),
            (dir_ / "over.toml").string() + ": cannot read: larger than 64 bytes");
}

TEST_F(FileReadTest, NonRegularFilesAreRefusedWithTheirKind) {
  const auto fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(ReadRegularFile(fifo, 64).status().message(),
            fifo.string() + ": cannot read: is not a regular file (a FIFO)");
  EXPECT_EQ(ReadRegularFile("/dev/zero", 64).status().message(),
            "/dev/zero: cannot read: is not a regular file (a character device)");
  EXPECT_EQ(ReadRegularFile(dir_, 64).status().message(),
            dir_.string() + ": cannot read: is a directory");
  const auto missing = ReadRegularFile(dir_ / "missing", 64);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(),
            (dir_ / "missing").string() + ": cannot read: No such file or directory");
}

}  // namespace
}  // namespace policyd
