#include "policyd/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace policyd {
namespace {

std::string OwnerHint(std::string_view what, uid_t owner) {
  return " (" + std::string(what) + " belongs to uid " + std::to_string(owner) +
         "; policyd runs as uid " + std::to_string(::geteuid()) +
         ": chown -R the state directory to that user)";
}

Status ChangeMode(const std::filesystem::path& dir, mode_t mode) {
  if (::chmod(dir.c_str(), mode) != 0) {
    const int error_number = errno;
    std::string message =
        "cannot set the mode of " + dir.string() + ": " + std::strerror(error_number);
    // Most often the directory was made by an earlier run as another user (root).
    struct stat info {};
    if (error_number == EPERM && ::stat(dir.c_str(), &info) == 0 && info.st_uid != ::geteuid()) {
      message += OwnerHint("it", info.st_uid);
    }
    return Status::IoError(message);
  }
  return Status::Ok();
}

std::string ErrnoMessage(int error_number) { return std::generic_category().message(error_number); }

}  // namespace

std::string ForeignOwnerHint(const std::filesystem::path& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0 && info.st_uid != ::geteuid()) {
    return OwnerHint(dir.string(), info.st_uid);
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (::lstat(entry.path().c_str(), &info) == 0 && info.st_uid != ::geteuid()) {
      return OwnerHint(entry.path().filename().string(), info.st_uid);
    }
  }
  return "";
}

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

Result<std::unique_ptr<PrivateFileWriter>> PrivateFileWriter::Create(
    const std::filesystem::path& path) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return Status::IoError(path.string() + ": cannot create directory: " + error.message());
  }
  // mkstemp(3) replaces the six trailing X with a unique suffix and creates the file 0600.
  std::string temp_name = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  UniqueFd fd(::mkstemp(temp_name.data()));
  if (fd.get() < 0) {
    return Status::IoError(path.string() +
                           ": cannot create temporary file: " + ErrnoMessage(errno));
  }
  return std::unique_ptr<PrivateFileWriter>(
      new PrivateFileWriter(path, std::move(temp_name), std::move(fd)));
}

PrivateFileWriter::PrivateFileWriter(std::filesystem::path path, std::string temp_name, UniqueFd fd)
    : path_(std::move(path)), temp_name_(std::move(temp_name)), fd_(std::move(fd)) {}

PrivateFileWriter::~PrivateFileWriter() {
  if (committed_) return;
  fd_.Close();
  ::unlink(temp_name_.c_str());
}

Status PrivateFileWriter::Fail(std::string_view what) {
  const int saved_errno = errno;
  return Status::IoError(path_.string() + ": " + std::string(what) + ": " +
                         ErrnoMessage(saved_errno));
}

Status PrivateFileWriter::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t result = ::write(fd_.get(), bytes.data(), bytes.size());
    if (result < 0) {
      if (errno == EINTR) continue;
      return Fail("cannot write");
    }
    bytes.remove_prefix(static_cast<std::size_t>(result));
  }
  return Status::Ok();
}

Status PrivateFileWriter::Commit() {
  // Private like the rest of the state, whatever the umask (mkstemp makes it 0600).
  if (::fchmod(fd_.get(), kPrivateFileMode) != 0) return Fail("cannot set permissions");
  if (::fsync(fd_.get()) != 0) return Fail("cannot sync");
  if (!fd_.Close()) return Fail("cannot close");
  if (::rename(temp_name_.c_str(), path_.c_str()) != 0) return Fail("cannot rename into place");
  committed_ = true;
  // Make the rename itself durable. Failure here is not worth failing the write for.
  const std::filesystem::path dir =
      path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  return Status::Ok();
}

Status WritePrivateFileAtomically(const std::filesystem::path& path, std::string_view text) {
  auto writer = PrivateFileWriter::Create(path);
  if (!writer.ok()) return writer.status();
  if (Status status = (*writer)->Append(text); !status.ok()) return status;
  return (*writer)->Commit();
}

}  // namespace policyd
