#include "temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "policyd/unique_fd.h"

namespace policyd::pdf_internal {

Result<TempFile> TempFile::Create(std::string_view bytes) {
  // $TMPDIR, else /tmp (policyd.service's own, with PrivateTmp).
  std::error_code error;
  const std::filesystem::path root = std::filesystem::temp_directory_path(error);
  const std::string pattern = (error ? std::filesystem::path("/tmp") : root) / "policyd-pdf-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  UniqueFd fd(::mkostemp(name.data(), O_CLOEXEC));  // mkstemp files are 0600
  if (!fd.valid()) {
    return Status::IoError("cannot create a temporary file " + pattern + ": " +
                           std::strerror(errno));
  }
  TempFile file(name.data());  // from here on the destructor removes it
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return Status::IoError("cannot write " + file.path_ + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return file;
}

TempFile::~TempFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::exchange(other.path_, std::string())) {}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) ::unlink(path_.c_str());
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

}  // namespace policyd::pdf_internal
