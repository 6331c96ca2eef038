#include "pager.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace policyd {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Sets an environment variable for one test and puts back what was there.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value == nullptr) {
      unsetenv(name);
    } else {
      setenv(name, value, 1);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class PagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-pager-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
};

TEST(PagerCommand, LessByDefaultNoneForEmptyOrCat) {
  EXPECT_EQ(PagerCommand(nullptr), "less");
  EXPECT_EQ(PagerCommand(""), std::nullopt);
  EXPECT_EQ(PagerCommand("  "), std::nullopt);
  EXPECT_EQ(PagerCommand("cat"), std::nullopt);
  EXPECT_EQ(PagerCommand("less -S"), "less -S");
  EXPECT_EQ(PagerCommand("most"), "most");
}

TEST(TerminalWidth, NoneForAPipe) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_EQ(TerminalWidth(fds[1]), std::nullopt);
  close(fds[0]);
  close(fds[1]);
}

TEST_F(PagerTest, OutputGoesThroughThePagerWithLessDefaults) {
  const auto out = dir_ / "paged.txt";
  const auto less = dir_ / "less.txt";
  const std::string script =
      "printf %s \"$LESS\" > '" + less.string() + "'; cat > '" + out.string() + "'";
  ScopedEnv pager("PAGER", script.c_str());
  ScopedEnv less_env("LESS", nullptr);
  {
    Pager paging({.terminal = true});
    ASSERT_TRUE(paging.active());
    std::cout << "through iostream\n";
    std::printf("through stdio\n");
  }  // closed: the pager has read everything and exited
  EXPECT_EQ(ReadFile(out), "through iostream\nthrough stdio\n");
  EXPECT_EQ(ReadFile(less), "FRX");
  std::cout.flush();
  EXPECT_TRUE(std::cout.good());
}

TEST_F(PagerTest, AnOperatorsLessSettingsAreKept) {
  const auto less = dir_ / "less.txt";
  const std::string script = "printf %s \"$LESS\" > '" + less.string() + "'; cat > /dev/null";
  ScopedEnv pager("PAGER", script.c_str());
  ScopedEnv less_env("LESS", "-S");
  {
    Pager paging({.terminal = true});
    ASSERT_TRUE(paging.active());
    std::cout << "x\n";
  }
  EXPECT_EQ(ReadFile(less), "-S");
}

TEST_F(PagerTest, NotForAPipeNorWhenDisabledNorForCat) {
  const auto out = dir_ / "paged.txt";
  const std::string script = "cat > '" + out.string() + "'";
  {
    ScopedEnv pager("PAGER", script.c_str());
    EXPECT_FALSE(Pager({.terminal = false}).active());
    EXPECT_FALSE(Pager({.enabled = false, .terminal = true}).active());
  }
  {
    ScopedEnv pager("PAGER", "cat");
    EXPECT_FALSE(Pager({.terminal = true}).active());
  }
  {
    ScopedEnv pager("PAGER", "");
    EXPECT_FALSE(Pager({.terminal = true}).active());
  }
  EXPECT_FALSE(std::filesystem::exists(out));  // never started
}

// The user quits at once: the rest of the output fails quietly (no SIGPIPE death, no error
// message) and policyctl's stdout works again afterwards.
TEST_F(PagerTest, APagerThatQuitsEarlyDoesNotKillOrComplain) {
  ScopedEnv pager("PAGER", "exit 0");
  ::testing::internal::CaptureStderr();
  {
    Pager paging({.terminal = true});
    ASSERT_TRUE(paging.active());
    const std::string line(1023, 'x');
    for (int i = 0; i < 2048; ++i) std::cout << line << '\n';  // 2 MiB: far past a pipe buffer
    std::printf("%s\n", line.c_str());
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_TRUE(std::cout.good());
  EXPECT_EQ(std::ferror(stdout), 0);
}

}  // namespace
}  // namespace policyd
