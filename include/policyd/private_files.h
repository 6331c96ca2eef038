// The daemon's own files and directories are private to its user and group, whatever umask it
// was started with: directories 0750, files 0640. Under systemd the unit's UMask=0027 gives
// the same; started by hand under umask 022 (or 000), the database would otherwise be readable
// (or writable) by every local user.
#ifndef POLICYD_PRIVATE_FILES_H_
#define POLICYD_PRIVATE_FILES_H_

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "policyd/status.h"
#include "policyd/unique_fd.h"

namespace policyd {

inline constexpr mode_t kPrivateDirectoryMode = 0750;
inline constexpr mode_t kPrivateFileMode = 0640;
// Set by policyd at start, so that files created by libraries (RocksDB's) are 0640 too.
inline constexpr mode_t kDaemonUmask = 0027;

enum class ExistingDirectory {
  kKeepMode,     // a directory the operator may have prepared (state_dir): left as it is
  kEnforceMode,  // a directory only policyd writes (db/, targets/): set to `mode` every time
};

// Creates `dir` and its missing parents, each with exactly `mode` (mkdir's mode is masked by
// the umask, so every directory created is chmod'ed after). An existing `dir` gets `mode`
// only with kEnforceMode. IoError naming the directory on failure.
Status CreatePrivateDirectory(const std::filesystem::path& dir, ExistingDirectory existing,
                              mode_t mode = kPrivateDirectoryMode);

// When `dir` or a file directly in it belongs to another user than the one policyd runs as
// (an earlier run as root, then a chown of the directories only): " (LOCK belongs to uid 0;
// policyd runs as uid 998: chown -R the state directory to that user)", to end a "permission
// denied" message with what to do; "" otherwise.
std::string ForeignOwnerHint(const std::filesystem::path& dir);

// Writes `text` to `path` with kPrivateFileMode, through a hidden temporary file next to it
// (".<name>." and mkstemp's six random characters: a directory reader that skips hidden names, like
// the target loader, never picks it up), synced and renamed over `path`, the directory synced
// after: readers, and a crash, see the old file or the new one, never a partial one. Creates the
// missing directory. IoError naming `path` and what failed.
Status WritePrivateFileAtomically(const std::filesystem::path& path, std::string_view text);

// WritePrivateFileAtomically in parts, for files too large to build in memory first: Create,
// Append any number of times, Commit. Destroyed without a successful Commit, the temporary
// file is removed and `path` is left as it was.
class PrivateFileWriter {
 public:
  static Result<std::unique_ptr<PrivateFileWriter>> Create(const std::filesystem::path& path);
  ~PrivateFileWriter();
  PrivateFileWriter(const PrivateFileWriter&) = delete;
  PrivateFileWriter& operator=(const PrivateFileWriter&) = delete;

  Status Append(std::string_view bytes);
  Status Commit();

 private:
  PrivateFileWriter(std::filesystem::path path, std::string temp_name, UniqueFd fd);
  Status Fail(std::string_view what);  // IoError "<path>: <what>: <errno's message>"

  std::filesystem::path path_;
  std::string temp_name_;
  UniqueFd fd_;
  bool committed_ = false;
};

}  // namespace policyd

#endif  // POLICYD_PRIVATE_FILES_H_
