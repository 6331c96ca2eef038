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

#include "policyd/config.h"

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

// A fixture for daemon config tests: Load() writes a config file and loads it into config_;
// At(line) is the "path:line:" prefix every error about that line must start with.
class DaemonConfigFileTest : public ::testing::Test {
 protected:
  // Writes `toml` as <scratch>/etc/policyd.toml and loads it into config_.
  Status Load(const std::string& toml) {
    path_ = scratch_.Write("etc/policyd.toml", toml);
    return LoadDaemonConfig(path_, &config_);
  }
  std::string At(int line) const { return path_.string() + ":" + std::to_string(line) + ":"; }

  ScratchDir scratch_;
  std::filesystem::path path_;
  DaemonConfig config_;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_UNIT_CONFIG_TEST_FILES_H_
