#include "host_key.h"


#include "curl_handles.h"
#include "policyd/ascii.h"

namespace policyd {
namespace {

// Reads one part of a parsed URL; empty when absent.
std::string UrlPart(CURLU* url, CURLUPart part, unsigned int flags) {
  char* raw = nullptr;
  if (curl_url_get(url, part, &raw, flags) != CURLUE_OK) return {};
  const CurlString owned(raw);
  return owned ? std::string(owned.get()) : std::string();
}

}  // namespace

Result<std::string> HostKeyForUrl(std::string_view url) {
  EnsureCurlGlobalInit();
  const CurlUrl parsed(curl_url());
  if (!parsed) return Status::InvalidArgument("out of memory parsing URL");
  const std::string text(url);  // curl_url_set wants a NUL-terminated string
  const CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0);
  if (code != CURLUE_OK) {
    return Status::InvalidArgument(std::string("bad URL: ") + curl_url_strerror(code));
  }
  const std::string scheme = AsciiLower(UrlPart(parsed.get(), CURLUPART_SCHEME, 0));
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument("unsupported URL scheme \"" + scheme + "\"");
  }
  const std::string host = AsciiLower(UrlPart(parsed.get(), CURLUPART_HOST, 0));
  if (host.empty()) return Status::InvalidArgument("URL has no host");
  const std::string port = UrlPart(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return host + ":" + port;
}

}  // namespace policyd
