// AddressGate: decides whether the browser may send a request, by the same address policy as
// the plain Fetcher (address_policy.h): http and https only, and every address the host
// resolves to must be public or in `allowed`, unless `allow_private`. data:, blob: and about:
// URLs are not network requests and pass. Names are resolved asynchronously (Asio's resolver);
// IP literals are not resolved.
#ifndef POLICYD_SRC_BROWSER_ADDRESS_GATE_H_
#define POLICYD_SRC_BROWSER_ADDRESS_GATE_H_

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace policyd {

class PeerAddressPolicy;  // src/fetch/address_policy.h

// The parts of an absolute URL the gate needs. Chromium hands us canonical URLs, so this is
// deliberately simple: scheme "://" [userinfo "@"] host [":" port] ...
struct UrlTarget {
  std::string scheme;  // lower-case
  std::string host;    // without IPv6 brackets
  uint16_t port = 0;   // explicit or the scheme's default
};

// nullopt when `url` is not http(s) with a host and a valid port.
std::optional<UrlTarget> ParseUrlTarget(std::string_view url);

// True for schemes that never reach the network (data, blob, about).
bool IsLocalScheme(std::string_view url);

class AddressGate {
 public:
  using Verdict = std::function<void(bool allowed)>;

  // `allowed_addresses` in ParseIpRange syntax; entries that do not parse are ignored (the
  // daemon's config validates them).
  AddressGate(boost::asio::io_context& io, bool allow_private,
              const std::vector<std::string>& allowed_addresses);

  // Calls `verdict` on the io thread, synchronously when no resolution is needed.
  void Check(const std::string& url, Verdict verdict);

  // The policy for one resolved address (and port).
  bool Allowed(const sockaddr* address) const;

 private:
  // Shared with pending resolutions, which may outlive the gate.
  boost::asio::io_context& io_;
  std::shared_ptr<const PeerAddressPolicy> policy_;
};

}  // namespace policyd

#endif  // POLICYD_SRC_BROWSER_ADDRESS_GATE_H_
