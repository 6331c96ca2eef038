#include "policyd/build_info.h"

#include "build_commit.h"  // POLICYD_COMMIT, generated at build time

#include <libpsl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unicode/uversion.h>

#include <nlohmann/json.hpp>

namespace policyd {

std::string DottedVersion(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string BuildCommit() { return POLICYD_COMMIT; }

std::string BinaryIdentity() {
  std::string identity = std::string(POLICYD_VERSION) + " " + POLICYD_COMMIT;
  struct stat binary {};
  if (::stat("/proc/self/exe", &binary) == 0) {
    identity += " " + std::to_string(binary.st_size) + " " + std::to_string(binary.st_mtim.tv_sec) +
                "." + std::to_string(binary.st_mtim.tv_nsec);
  }
  return identity;
}

std::string VersionLine(const std::string& program) {
  return program + " " + POLICYD_VERSION + " (commit " + POLICYD_COMMIT + ")";
}

std::string CommonLibraryVersions() {
  std::string lines;
  lines += std::string(OpenSSL_version(OPENSSL_VERSION)) + "\n";
  lines += "nlohmann_json " +
           DottedVersion(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                         NLOHMANN_JSON_VERSION_PATCH) +
           "\n";
  lines += "toml++ " + DottedVersion(TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH) + "\n";
  lines += std::string("ICU ") + U_ICU_VERSION + "\n";
  lines += std::string("Gumbo ") + POLICYD_GUMBO_VERSION + "\n";
  lines += std::string("uchardet ") + POLICYD_UCHARDET_VERSION + "\n";
  lines += std::string("libpsl ") + psl_get_version() + "\n";
  return lines;
}

}  // namespace policyd
