#include "policyd/registrable_domain.h"

#include <arpa/inet.h>
#include <libpsl.h>

#include <string>

#include "policyd/ascii.h"
#include "policyd/http_url.h"

namespace policyd {
namespace {

constexpr std::size_t kMaxHostBytes = 253;  // RFC 1035's limit on a name's text form

bool IsIpAddress(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return true;  // IPv6
  in_addr ipv4{};
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1;
}

const psl_ctx_t* BuiltInList() {
  // Static data inside libpsl: nothing to free.
  static const psl_ctx_t* const list = psl_builtin();
  return list;
}

}  // namespace

Result<std::string> RegistrableDomainOfHost(std::string_view host_text) {
  std::string host(host_text);
  if (host.ends_with('.')) host.pop_back();
  if (host.empty()) return Status::InvalidArgument("empty host");
  if (host.size() > kMaxHostBytes) {
    return Status::InvalidArgument("host longer than " + std::to_string(kMaxHostBytes) + " bytes");
  }
  if (host.find('\0') != std::string::npos) {
    return Status::InvalidArgument("host contains a NUL character");
  }
  if (IsIpAddress(host)) return AsciiLower(host);
  Result<std::string> ascii = HostToALabels(host);
  if (!ascii.ok()) return ascii.status();
  host = std::move(*ascii);
  const psl_ctx_t* list = BuiltInList();
  if (list == nullptr) {
    return Status::Unsupported("libpsl was built without its built-in Public Suffix List");
  }
  // A pointer into `host`, or null for a public suffix (and a single label, which the list's
  // implicit "*" rule makes one).
  const char* registrable = psl_registrable_domain(list, host.c_str());
  if (registrable == nullptr) return host;
  return std::string(registrable);
}

Result<std::string> RegistrableDomainOfUrl(std::string_view url) {
  Result<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  return RegistrableDomainOfHost(parsed->host);
}

}  // namespace policyd
