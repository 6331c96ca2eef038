// Test helpers: a scratch directory that cleans up after itself, and file writing.
#ifndef POLICYD_TESTS_UNIT_CONFIG_TEST_FILES_H_
#define POLICYD_TESTS_UNIT_CONFIG_TEST_FILES_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <gtest/gtest.h>

namespace policyd::testing {

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "policyd-config-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::filesystem::path& path() const { return path_; }

  // Writes `contents` to `relative` (creating parent directories) and returns its full path.
  std::filesystem::path Write(const std::filesystem::path& relative,
                              std::string_view contents) const {
    const std::filesystem::path full = path_ / relative;
    std::filesystem::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary);
    out << contents;
    EXPECT_TRUE(out.good()) << "cannot write " << full;
    return full;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_UNIT_CONFIG_TEST_FILES_H_
