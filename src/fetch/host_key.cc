#include "policyd/host_key.h"

#include "policyd/http_url.h"

namespace policyd {

Result<std::string> HostKeyForUrl(std::string_view url) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  return parsed->host + ":" + parsed->port;
}

}  // namespace policyd
