#include "policyd/ip_range.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <utility>

namespace policyd {

namespace {

// True when bits [prefix_length, bit_count) of `bytes` are all zero.
bool HostBitsAreZero(const std::array<uint8_t, 16>& bytes, int prefix_length, int bit_count) {
  for (int bit = prefix_length; bit < bit_count; ++bit) {
    if ((bytes[bit / 8] >> (7 - bit % 8)) & 1) return false;
  }
  return true;
}

bool PrefixMatches(const uint8_t* address, const std::array<uint8_t, 16>& network,
                   int prefix_length) {
  const int whole = prefix_length / 8;
  if (std::memcmp(address, network.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix_length % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (address[whole] & mask) == (network[whole] & mask);
}

// "a.b.c.d[/n][:port]" or "[v6[/n]]:port" -> the range part and the port (0 when absent);
// nullopt when the port is malformed. A bare IPv6 range has colons of its own and no port.
std::optional<std::pair<std::string_view, uint16_t>> SplitPort(std::string_view text) {
  std::string_view range = text;
  std::string_view digits;
  if (text.starts_with('[')) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") return std::nullopt;
    range = text.substr(1, close - 1);
    digits = text.substr(close + 2);
  } else if (const std::size_t colon = text.find(':');
             colon != std::string_view::npos &&
             text.find(':', colon + 1) == std::string_view::npos) {
    range = text.substr(0, colon);  // one colon: IPv4 with a port (IPv6 has at least two)
    digits = text.substr(colon + 1);
  } else {
    return std::pair(range, uint16_t{0});
  }
  unsigned port = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, port);
  if (digits.empty() || ec != std::errc() || ptr != end || port == 0 || port > 65535) {
    return std::nullopt;
  }
  return std::pair(range, static_cast<uint16_t>(port));
}

}  // namespace

std::optional<IpRange> ParseIpRange(std::string_view text) {
  const auto split = SplitPort(text);
  if (!split) return std::nullopt;
  const auto [range_text, port] = *split;
  const std::size_t slash = range_text.find('/');
  const std::string address(range_text.substr(0, slash));
  IpRange range;
  range.port = port;
  if (inet_pton(AF_INET, address.c_str(), range.bytes.data()) == 1) {
    range.family = AF_INET;
    if (text.starts_with('[')) return std::nullopt;  // brackets are for IPv6 only
  } else if (inet_pton(AF_INET6, address.c_str(), range.bytes.data()) == 1) {
    range.family = AF_INET6;
  } else {
    return std::nullopt;
  }
  const int bit_count = range.family == AF_INET ? 32 : 128;
  range.prefix_length = bit_count;
  if (slash != std::string_view::npos) {
    const std::string_view digits = range_text.substr(slash + 1);
    const char* end = digits.data() + digits.size();
    int length = -1;
    const auto [ptr, ec] = std::from_chars(digits.data(), end, length);
    if (digits.empty() || ec != std::errc() || ptr != end || length < 0 || length > bit_count) {
      return std::nullopt;
    }
    range.prefix_length = length;
  }
  if (!HostBitsAreZero(range.bytes, range.prefix_length, bit_count)) return std::nullopt;
  return range;
}

bool IpRange::Contains(const sockaddr* address) const {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    if (family != AF_INET) return false;
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    if (port != 0 && ntohs(v4.sin_port) != port) return false;
    return PrefixMatches(reinterpret_cast<const uint8_t*>(&v4.sin_addr.s_addr), bytes,
                         prefix_length);
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    if (port != 0 && ntohs(v6.sin6_port) != port) return false;
    const uint8_t* raw = v6.sin6_addr.s6_addr;
    if (family == AF_INET6) return PrefixMatches(raw, bytes, prefix_length);
    static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    return std::memcmp(raw, kMappedPrefix, sizeof kMappedPrefix) == 0 &&
           PrefixMatches(raw + 12, bytes, prefix_length);
  }
  return false;
}

}  // namespace policyd
