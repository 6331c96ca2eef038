// What a policyd binary is: its version, the commit it was built from, and the libraries it
// runs with, for `policyd --version`, `policyctl --version` and bug reports.
#ifndef POLICYD_BUILD_INFO_H_
#define POLICYD_BUILD_INFO_H_

#include <string>

namespace policyd {

// "policyd 0.1.0 (commit 7785ed1a2b3c)"; the commit is the one checked out when the build was
// configured ("unknown" outside a git checkout, "7785ed1a2b3c-dirty" with local changes).
std::string VersionLine(const std::string& program);

// One line per library: "libcurl 7.88.1", "OpenSSL 3.0.15 3 Sep 2024", "RocksDB 7.8.3", ...
// Versions read at run time where the library can say (curl, OpenSSL, libsystemd's
// pkg-config version is the build's), else the headers the binary was compiled with.
std::string LibraryVersions();

}  // namespace policyd

#endif  // POLICYD_BUILD_INFO_H_
