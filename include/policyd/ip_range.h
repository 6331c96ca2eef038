// IpRange: an IPv4 or IPv6 address prefix in CIDR notation ("10.20.0.0/16", "fd00::/8"), or a
// single address ("192.168.1.10", "::1"), as operators write them in `allowed_addresses`,
// optionally limited to one TCP port: "127.0.0.1:8080", "10.20.0.0/16:443", and for IPv6
// in brackets as in URLs (RFC 3986), "[::1]:8080" or "[fd00::/8]:443".
// Parsing uses inet_pton (RFC 4291 text forms for IPv6, dotted quad for IPv4: no octal,
// no shortened "10.1"); a prefix length is decimal, at most 32 or 128; a port is decimal,
// 1-65535.
#ifndef POLICYD_IP_RANGE_H_
#define POLICYD_IP_RANGE_H_

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace policyd {

struct IpRange {
  int family = AF_UNSPEC;           // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};  // network byte order; IPv4 uses the first 4
  int prefix_length = 0;
  uint16_t port = 0;  // 0: every port

  // True when `address` (AF_INET or AF_INET6) lies in this range and, if the range names a
  // port, has that port. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is compared as the
  // IPv4 address it carries, so "127.0.0.1" also admits a dual-stack socket's view of it.
  // False for nullptr and other families.
  bool Contains(const sockaddr* address) const;
};

// Parses `text`; nullopt when it is not an address or prefix as described above. Bits
// beyond the prefix must be zero ("10.1.2.3/8" is refused: it is almost always a typo).
std::optional<IpRange> ParseIpRange(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_IP_RANGE_H_
