#include "policyd/http_url.h"

#include <memory>

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

Status SetUrl(CURLU* parsed, std::string_view url) {
  const std::string text(url);  // curl_url_set wants a NUL-terminated string
  const CURLUcode code = curl_url_set(parsed, CURLUPART_URL, text.c_str(), 0);
  if (code != CURLUE_OK) {
    return Status::InvalidArgument(std::string("bad URL: ") + curl_url_strerror(code));
  }
  return Status::Ok();
}

std::string_view WithoutWww(std::string_view host) {
  return host.starts_with("www.") ? host.substr(4) : host;
}

// Writes the parsed URL's host in A-labels when it has non-ASCII labels.
Status UseALabels(CURLU* parsed, const std::string& host) {
  if (IsAscii(host)) return Status::Ok();
  Result<std::string> ascii = HostToALabels(host);
  if (!ascii.ok()) return ascii.status();
  if (curl_url_set(parsed, CURLUPART_HOST, ascii->c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("bad URL: host '" + *ascii + "' refused");
  }
  return Status::Ok();
}

bool IsSubdomainOf(std::string_view host, std::string_view parent) {
  return host.size() > parent.size() + 1 && host.ends_with(parent) &&
         host[host.size() - parent.size() - 1] == '.';
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url, std::string_view base) {
  EnsureCurlGlobalInit();
  const CurlUrl parsed(curl_url());
  if (!parsed) return Status::InvalidArgument("out of memory parsing URL");
  if (!base.empty()) {
    // Setting a relative URL on a handle that holds an absolute one resolves it (RFC 3986).
    if (Status status = SetUrl(parsed.get(), base); !status.ok()) return status;
  }
  if (Status status = SetUrl(parsed.get(), url); !status.ok()) return status;
  HttpUrl out;
  out.scheme = AsciiLower(UrlPart(parsed.get(), CURLUPART_SCHEME, 0));
  if (out.scheme != "http" && out.scheme != "https") {
    return Status::InvalidArgument("unsupported URL scheme \"" + out.scheme + "\"");
  }
  const std::string host = UrlPart(parsed.get(), CURLUPART_HOST, 0);
  if (host.empty()) return Status::InvalidArgument("URL has no host");
  if (Status status = UseALabels(parsed.get(), host); !status.ok()) return status;
  out.host = AsciiLower(UrlPart(parsed.get(), CURLUPART_HOST, 0));
  out.port = UrlPart(parsed.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  out.url = UrlPart(parsed.get(), CURLUPART_URL, 0);
  // Matched as sent on the wire: curl keeps the URL's own percent-encoding.
  out.path_and_query = UrlPart(parsed.get(), CURLUPART_PATH, 0);
  if (out.path_and_query.empty()) out.path_and_query = "/";
  const std::string query = UrlPart(parsed.get(), CURLUPART_QUERY, 0);
  if (!query.empty()) out.path_and_query += "?" + query;
  return out;
}

std::optional<std::string> ResolveHttpUrl(std::string_view url, std::string_view base) {
  auto parsed = ParseHttpUrl(url, base);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed->url);
}

bool SameSite(std::string_view host_a, std::string_view host_b) {
  const std::string_view a = WithoutWww(host_a);
  const std::string_view b = WithoutWww(host_b);
  return !a.empty() && (a == b || IsSubdomainOf(a, b) || IsSubdomainOf(b, a));
}

}  // namespace policyd
