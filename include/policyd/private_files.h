// The daemon's own files and directories are private to its user and group, whatever umask it
// was started with: directories 0750, files 0640. Under systemd the unit's UMask=0027 gives
// the same; started by hand under umask 022 (or 000), the database would otherwise be readable
// (or writable) by every local user.
#ifndef POLICYD_PRIVATE_FILES_H_
#define POLICYD_PRIVATE_FILES_H_

#include <sys/types.h>

#include <filesystem>

#include "policyd/status.h"

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

}  // namespace policyd

#endif  // POLICYD_PRIVATE_FILES_H_
