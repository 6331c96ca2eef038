#include "address_gate.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <memory>
#include <utility>

#include <boost/asio/ip/tcp.hpp>

#include "address_policy.h"
#include "policyd/ascii.h"

namespace policyd {
namespace {

// Splits "host[:port]" (host possibly "[v6]") into `target`; false when malformed.
bool ParseAuthority(std::string_view authority, UrlTarget& target) {
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    target.host = std::string(authority.substr(1, close - 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    target.host = AsciiLower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (target.host.empty()) return false;
  if (port_text.empty()) return true;
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.begin(), port_text.end(), port);
  if (error != std::errc() || end != port_text.end() || port == 0 || port > 65535) return false;
  target.port = static_cast<uint16_t>(port);
  return true;
}

// An IP literal as a socket address, or nothing.
bool LiteralAddress(const UrlTarget& target, sockaddr_storage& storage) {
  storage = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  if (::inet_pton(AF_INET, target.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(target.port);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET6, target.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(target.port);
    return true;
  }
  return false;
}

}  // namespace

std::optional<UrlTarget> ParseUrlTarget(std::string_view url) {
  const std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  UrlTarget target;
  target.scheme = AsciiLower(url.substr(0, colon));
  if (target.scheme == "http") {
    target.port = 80;
  } else if (target.scheme == "https") {
    target.port = 443;
  } else {
    return std::nullopt;
  }
  std::string_view rest = url.substr(colon + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (!ParseAuthority(rest, target)) return std::nullopt;
  return target;
}

bool IsLocalScheme(std::string_view url) {
  const std::string scheme = AsciiLower(url.substr(0, url.find(':')));
  return scheme == "data" || scheme == "blob" || scheme == "about";
}

AddressGate::AddressGate(boost::asio::io_context& io, bool allow_private,
                         const std::vector<std::string>& allowed_addresses)
    : io_(io) {
  policy_ = std::make_shared<const PeerAddressPolicy>(allow_private, allowed_addresses);
}

bool AddressGate::Allowed(const sockaddr* address) const { return policy_->Allows(address); }

void AddressGate::Check(const std::string& url, Verdict verdict) {
  if (IsLocalScheme(url)) return verdict(true);
  const std::optional<UrlTarget> target = ParseUrlTarget(url);
  if (!target) return verdict(false);
  sockaddr_storage literal;
  if (LiteralAddress(*target, literal)) {
    return verdict(policy_->Allows(reinterpret_cast<const sockaddr*>(&literal)));
  }
  using boost::asio::ip::tcp;
  auto resolver = std::make_shared<tcp::resolver>(io_);
  resolver->async_resolve(
      target->host, std::to_string(target->port), tcp::resolver::numeric_service,
      [policy = policy_, resolver, verdict = std::move(verdict)](
          const boost::system::error_code& error, const tcp::resolver::results_type& results) {
        // A name that does not resolve is refused: the browser would fail it anyway.
        bool allowed = !error && !results.empty();
        for (const auto& entry : results) {
          if (!policy->Allows(entry.endpoint().data())) allowed = false;
        }
        verdict(allowed);
      });
}

}  // namespace policyd
