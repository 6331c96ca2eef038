// What a policyd binary is: its version, the commit it was built from, and the libraries it
// runs with, for `policyd --version`, `policyctl --version` and bug reports. Each binary lists
// the libraries it links: policyctl the common ones, policyd those and its own.
#ifndef POLICYD_BUILD_INFO_H_
#define POLICYD_BUILD_INFO_H_

#include <string>

namespace policyd {

// "policyd 0.1.0 (commit 7785ed1a2b3c)"; the commit is the one checked out when the build was
// configured ("unknown" outside a git checkout, "7785ed1a2b3c-dirty" with local changes).
std::string VersionLine(const std::string& program);

// One line per library: "OpenSSL 3.0.15 3 Sep 2024", "ICU 72.1", ... Versions read at run time
// where the library can say (OpenSSL), else the headers (or pkg-config) the binary was built
// with. CommonLibraryVersions: the libraries both binaries link (OpenSSL, nlohmann_json,
// toml++, ICU, Gumbo, uchardet: policyd_build_info). LibraryVersions: policyd's, libcurl,
// RocksDB, Boost, spdlog and libsystemd first (policyd_daemon_core; policyctl does not link
// it).
std::string CommonLibraryVersions();
std::string LibraryVersions();

// The commit alone ("7785ed1a2b3c", "unknown", "7785ed1a2b3c-dirty"), for the metrics'
// policyd_build_info.
std::string BuildCommit();

// This very binary: version, commit, and the executable's size and modification time
// ("0.1.0 7785ed1a2b3c-dirty 31457280 1796400000.123456789"). What a cache of this binary's own
// results is keyed by (policyd/target_file_cache.h): a rebuild changes it even when the commit
// does not, as on a developer's uncommitted changes.
std::string BinaryIdentity();

// "1.2.3".
std::string DottedVersion(int major, int minor, int patch);

}  // namespace policyd

#endif  // POLICYD_BUILD_INFO_H_
