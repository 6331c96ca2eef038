// A fresh directory per test, removed with everything in it afterwards.
#ifndef POLICYD_TESTS_UNIT_STORE_TEMP_DIR_H_
#define POLICYD_TESTS_UNIT_STORE_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace policyd {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "policyd_store_XXXXXX");
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace policyd

#endif  // POLICYD_TESTS_UNIT_STORE_TEMP_DIR_H_
