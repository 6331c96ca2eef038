// A fresh directory under the system temporary directory, removed with everything in it
// when the object goes (path() is empty if it could not be made).
#ifndef POLICYD_TESTS_SUPPORT_TEMP_DIR_H_
#define POLICYD_TESTS_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace policyd {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "policyd_test") {
    // mkdtemp(3) replaces the template's six trailing X with a unique name.
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX"));
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

#endif  // POLICYD_TESTS_SUPPORT_TEMP_DIR_H_
