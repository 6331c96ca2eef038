// Which peer addresses a crawler may connect to. The check runs on the address curl is about
// to connect to (after DNS, on every redirect and every reconnect), so a public name that
// resolves to an internal address, or rebinds to one, is refused too.
#ifndef POLICYD_SRC_FETCH_ADDRESS_POLICY_H_
#define POLICYD_SRC_FETCH_ADDRESS_POLICY_H_

#include <sys/socket.h>

#include <string>
#include <vector>

#include "policyd/ip_range.h"

namespace policyd {

// True when `address` is a globally routable unicast IPv4 or IPv6 address. False for
// nullptr, other families, and for: unspecified / "this network" (0/8, ::), loopback (127/8,
// ::1), private (10/8, 172.16/12, 192.168/16, fc00::/7), CGNAT (100.64/10), link-local
// (169.254/16, fe80::/10), multicast (224/4, ff00::/8), reserved and broadcast (240/4),
// IETF/documentation/benchmark ranges (192.0.0/24, 192.0.2/24, 198.18/15, 198.51.100/24,
// 203.0.113/24, 2001:db8::/32, 100::/64), deprecated site-local fec0::/10, Teredo 2001::/32,
// local NAT64 64:ff9b:1::/48, and IPv6 forms that embed a non-public IPv4 address
// (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, IPv4-translated ::ffff:0:a.b.c.d,
// NAT64 64:ff9b::/96, 6to4 2002::/16).
bool IsPublicAddress(const sockaddr* address);

// The peers one component may connect to: public addresses (IsPublicAddress), plus the
// operator's `allowed_addresses` ranges, or any address with `allow_private_addresses`. The
// one rule behind the fetcher, the browser's request gate and the webhooks.
class PeerAddressPolicy {
 public:
  PeerAddressPolicy() = default;  // public addresses only
  // `allowed_addresses` in ParseIpRange syntax; entries that do not parse are ignored (the
  // config reader has refused them already).
  PeerAddressPolicy(bool allow_private_addresses,
                    const std::vector<std::string>& allowed_addresses);

  bool Allows(const sockaddr* address) const;

 private:
  bool allow_private_ = false;
  std::vector<IpRange> allowed_;  // a few entries at most
};

// "203.0.113.7" / "2001:db8::1" for messages; "?" for anything else.
std::string AddressToString(const sockaddr* address);

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_ADDRESS_POLICY_H_
