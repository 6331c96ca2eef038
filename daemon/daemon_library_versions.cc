// The libraries only policyd links (the HTTP stack, the database, logging, systemd, NATS),
// before those it shares with policyctl.
#include <curl/curl.h>
#include <nats/nats.h>
#include <rocksdb/version.h>
#include <spdlog/version.h>

#include <boost/version.hpp>

#include "policyd/build_info.h"

namespace policyd {

std::string LibraryVersions() {
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  std::string lines;
  lines += std::string("libcurl ") + (curl != nullptr ? curl->version : "?") + "\n";
  lines += "RocksDB " + DottedVersion(ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH) + "\n";
  lines += "Boost " +
           DottedVersion(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100) +
           "\n";
  lines += "spdlog " + DottedVersion(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH) + "\n";
  lines += std::string("libsystemd ") + POLICYD_SYSTEMD_VERSION + "\n";
  lines += std::string("cnats ") + nats_GetVersion() + "\n";
  return lines + CommonLibraryVersions();
}

}  // namespace policyd
