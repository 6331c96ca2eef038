#include "policyd/build_info.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <rocksdb/version.h>
#include <spdlog/version.h>
#include <unicode/uversion.h>

#include <boost/version.hpp>
#include <nlohmann/json.hpp>

namespace policyd {
namespace {

std::string Dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace

std::string VersionLine(const std::string& program) {
  return program + " " + POLICYD_VERSION + " (commit " + POLICYD_COMMIT + ")";
}

std::string LibraryVersions() {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  std::string lines;
  lines += std::string("libcurl ") + (curl != nullptr ? curl->version : "?") + "\n";
  lines += std::string(OpenSSL_version(OPENSSL_VERSION)) + "\n";
  lines += "RocksDB " + Dotted(ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH) + "\n";
  lines += "Boost " +
           Dotted(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100) + "\n";
  lines += "spdlog " + Dotted(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH) + "\n";
  lines += "nlohmann_json " +
           Dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                  NLOHMANN_JSON_VERSION_PATCH) +
           "\n";
  lines += std::string("ICU ") + U_ICU_VERSION + "\n";
  lines += std::string("Gumbo ") + POLICYD_GUMBO_VERSION + "\n";
  lines += std::string("uchardet ") + POLICYD_UCHARDET_VERSION + "\n";
  lines += std::string("libsystemd ") + POLICYD_SYSTEMD_VERSION + "\n";
  return lines;
}

}  // namespace policyd
