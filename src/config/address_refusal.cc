#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "address_policy.h"  // src/fetch: the fetcher's own verdict on an address
#include "policyd/ascii.h"
#include "policyd/config.h"
#include "policyd/host_labels.h"
#include "policyd/ip_range.h"

namespace policyd {
namespace {

// The host and port of an http(s) URL that CheckHttpUrl accepted ("[::1]" → "::1").
std::pair<std::string, uint16_t> HostAndPort(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const bool https = AsciiLower(url.substr(0, scheme_end)) == "https";
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    host = authority.substr(1, close - 1);
    host = host.substr(0, host.find("%25"));  // an RFC 6874 zone is not part of the address
    if (close + 1 < authority.size()) port = authority.substr(close + 2);
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  uint16_t number = https ? 443 : 80;
  if (!port.empty()) number = static_cast<uint16_t>(std::stoi(std::string(port)));
  return {AsciiLower(host), number};
}

// The socket address of a literal IPv4 or IPv6 host, if it is one. IPv4 in every form the
// resolver accepts (inet_aton: "127.1", "2130706433", "0x7f.1"), as curl connects to them.
std::optional<sockaddr_storage> LiteralAddress(const std::string& host, uint16_t port) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (inet_aton(host.c_str(), &v4->sin_addr) != 0) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return storage;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return storage;
  }
  return std::nullopt;
}

// Whether the host of `url` may be a literal address or a localhost name at all: a bracket or
// a digit first (every IPv4 form inet_aton reads starts with one), or a name ending in
// "localhost". Allocation-free: a reload runs this over every document.
bool MayBeLocalOrLiteral(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view host = url.substr(scheme_end + 3);
  host = host.substr(0, host.find_first_of("/?#"));
  if (host.empty()) return false;
  if (host.front() == '[' || (host.front() >= '0' && host.front() <= '9')) return true;
  host = host.substr(0, host.find(':'));
  if (host.ends_with('.')) host.remove_suffix(1);
  constexpr std::string_view kLocal = "localhost";
  return host.size() >= kLocal.size() &&
         AsciiLower(host.substr(host.size() - kLocal.size())) == kLocal;
}

// `url` with its internationalised host in the A-label form the fetcher connects to
// ("http://１２７.０.０.１/" is "http://127.0.0.1/": UTS #46 maps fullwidth digits and dots,
// circled letters...); "" when the host is ASCII already or not a valid name.
std::string WithALabelHost(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const std::size_t host_start = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", host_start), url.size());
  std::string_view host = url.substr(host_start, authority_end - host_start);
  std::size_t host_end = authority_end;
  if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
    host_end = host_start + colon;
  }
  if (IsAscii(host)) return "";
  const Result<std::string> ascii = HostToALabels(host);
  if (!ascii.ok()) return "";
  return std::string(url.substr(0, host_start)) + *ascii + std::string(url.substr(host_end));
}

}  // namespace

std::string HostRefusedBeforeResolution(std::string_view url, const DaemonConfig& config) {
  if (config.allow_private_addresses) return "";
  const std::string mapped = IsAscii(url) ? std::string() : WithALabelHost(url);
  if (!mapped.empty()) url = mapped;
  if (!MayBeLocalOrLiteral(url)) return "";
  auto [host, port] = HostAndPort(url);
  if (host.ends_with('.')) host.pop_back();  // "localhost." is the same name, fully qualified
  std::vector<sockaddr_storage> addresses;
  if (host == "localhost" || host.ends_with(".localhost")) {
    addresses.push_back(*LiteralAddress("127.0.0.1", port));
    addresses.push_back(*LiteralAddress("::1", port));
  } else if (auto literal = LiteralAddress(host, port)) {
    addresses.push_back(*literal);
  } else {
    return "";
  }
  for (const sockaddr_storage& storage : addresses) {
    const auto* address = reinterpret_cast<const sockaddr*>(&storage);
    if (IsPublicAddress(address)) return "";
    for (const std::string& text : config.allowed_addresses) {
      if (const auto range = ParseIpRange(text); range && range->Contains(address)) return "";
    }
  }
  return host;
}

std::string RefusedUrl::Describe() const {
  return "url '" + url + "': host '" + host +
         "' is a loopback or private address, which the address policy refuses";
}

std::optional<RefusedUrl> FirstRefusedUrl(const DocumentSpec& spec, const DaemonConfig& config) {
  if (std::string host = HostRefusedBeforeResolution(spec.url, config); !host.empty()) {
    return RefusedUrl{.url = spec.url, .host = std::move(host)};
  }
  for (const std::string& url : spec.extra_urls) {
    if (std::string host = HostRefusedBeforeResolution(url, config); !host.empty()) {
      return RefusedUrl{.url = url, .host = std::move(host)};
    }
  }
  return std::nullopt;
}

std::string TargetAddressRefusal(const DocumentSpec& spec, const DaemonConfig& config) {
  const std::optional<RefusedUrl> refused = FirstRefusedUrl(spec, config);
  if (!refused) return "";
  return refused->Describe() +
         ": every check would fail as blocked_address; set allow_private_addresses = true, or "
         "list it in allowed_addresses";
}

}  // namespace policyd
