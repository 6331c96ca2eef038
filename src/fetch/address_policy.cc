#include "address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace policyd {
namespace {

struct V4Range {
  uint32_t network;
  int prefix;
};

constexpr uint32_t V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | uint32_t{d};
}

constexpr std::array<V4Range, 14> kNonPublicV4 = {{
    {V4(0, 0, 0, 0), 8},        // "this network", includes 0.0.0.0
    {V4(10, 0, 0, 0), 8},       // private
    {V4(100, 64, 0, 0), 10},    // carrier-grade NAT
    {V4(127, 0, 0, 0), 8},      // loopback
    {V4(169, 254, 0, 0), 16},   // link-local (and cloud metadata services)
    {V4(172, 16, 0, 0), 12},    // private
    {V4(192, 0, 0, 0), 24},     // IETF protocol assignments
    {V4(192, 0, 2, 0), 24},     // TEST-NET-1
    {V4(192, 168, 0, 0), 16},   // private
    {V4(198, 18, 0, 0), 15},    // benchmarking
    {V4(198, 51, 100, 0), 24},  // TEST-NET-2
    {V4(203, 0, 113, 0), 24},   // TEST-NET-3
    {V4(224, 0, 0, 0), 4},      // multicast
    {V4(240, 0, 0, 0), 4},      // reserved, includes the broadcast address 255.255.255.255
}};

bool IsPublicV4(uint32_t host_order) {
  for (const V4Range& range : kNonPublicV4) {
    const uint32_t mask = ~uint32_t{0} << (32 - range.prefix);
    if ((host_order & mask) == range.network) return false;
  }
  return true;
}

uint32_t V4At(const uint8_t* bytes) { return V4(bytes[0], bytes[1], bytes[2], bytes[3]); }

bool AllZero(const uint8_t* bytes, int count) {
  for (int i = 0; i < count; ++i) {
    if (bytes[i] != 0) return false;
  }
  return true;
}

bool IsPublicV6(const uint8_t* b) {
  // Forms that carry an IPv4 address inherit its verdict.
  if (AllZero(b, 10) && b[10] == 0xff && b[11] == 0xff) return IsPublicV4(V4At(b + 12));  // mapped
  if (AllZero(b, 12)) return IsPublicV4(V4At(b + 12));  // compatible; also :: and ::1
  if (AllZero(b, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) {
    return IsPublicV4(V4At(b + 12));  // SIIT IPv4-translated ::ffff:0:a.b.c.d (RFC 2765)
  }
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (AllZero(b + 4, 8)) return IsPublicV4(V4At(b + 12));  // NAT64 64:ff9b::/96
    if (b[4] == 0x00 && b[5] == 0x01) return false;          // local-use NAT64 64:ff9b:1::/48
  }
  if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(V4At(b + 2));  // 6to4 2002::/16

  if ((b[0] & 0xfe) == 0xfc) return false;                  // unique local fc00::/7
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return false;  // link-local fe80::/10
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return false;  // site-local fec0::/10
  if (b[0] == 0xff) return false;                           // multicast ff00::/8
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // 2001:db8::/32
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return false;  // Teredo
  if (b[0] == 0x01 && AllZero(b + 1, 7)) return false;  // discard-only 100::/64
  return true;
}

}  // namespace

bool IsPublicAddress(const sockaddr* address) {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);  // the caller's storage may not be aligned for it
    return IsPublicV4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    return IsPublicV6(v6.sin6_addr.s6_addr);
  }
  return false;
}

std::string AddressToString(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address == nullptr) return text;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
  }
  return text;
}

PeerAddressPolicy::PeerAddressPolicy(bool allow_private_addresses,
                                     const std::vector<std::string>& allowed_addresses)
    : allow_private_(allow_private_addresses) {
  for (const std::string& text : allowed_addresses) {
    if (auto range = ParseIpRange(text)) allowed_.push_back(*range);
  }
}

bool PeerAddressPolicy::Allows(const sockaddr* address) const {
  if (allow_private_ || IsPublicAddress(address)) return true;
  for (const IpRange& range : allowed_) {
    if (range.Contains(address)) return true;
  }
  return false;
}

}  // namespace policyd
