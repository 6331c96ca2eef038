#include "policyd/private_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace policyd {
namespace {

Status ChangeMode(const std::filesystem::path& dir, mode_t mode) {
  if (::chmod(dir.c_str(), mode) != 0) {
    return Status::IoError("cannot set the mode of " + dir.string() + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

Status CreatePrivateDirectory(const std::filesystem::path& dir, ExistingDirectory existing,
                              mode_t mode) {
  // The missing directories, outermost first.
  std::vector<std::filesystem::path> missing;
  std::error_code error;
  for (std::filesystem::path at = dir; !at.empty() && !std::filesystem::exists(at, error);
       at = at.parent_path()) {
    missing.insert(missing.begin(), at);
    if (at == at.parent_path()) break;
  }
  for (const auto& path : missing) {
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
      return Status::IoError("cannot create " + path.string() + ": " + std::strerror(errno));
    }
    if (Status s = ChangeMode(path, mode); !s.ok()) return s;
  }
  if (!std::filesystem::is_directory(dir, error)) {
    return Status::IoError("cannot create " + dir.string() + ": not a directory");
  }
  if (missing.empty() && existing == ExistingDirectory::kEnforceMode) return ChangeMode(dir, mode);
  return Status::Ok();
}

}  // namespace policyd
