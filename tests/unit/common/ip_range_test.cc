#include "policyd/ip_range.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

namespace policyd {
namespace {

// A sockaddr for `text` (IPv4 or IPv6) and `port`, in storage big enough for either.
sockaddr_storage Address(const char* text, uint16_t port = 80) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
  } else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
  } else {
    ADD_FAILURE() << "bad test address " << text;
  }
  return storage;
}

bool Contains(const char* range, const char* address, uint16_t port = 80) {
  const auto parsed = ParseIpRange(range);
  EXPECT_TRUE(parsed) << range;
  const sockaddr_storage storage = Address(address, port);
  return parsed && parsed->Contains(reinterpret_cast<const sockaddr*>(&storage));
}

TEST(IpRangeTest, SingleAddressesMatchOnlyThemselves) {
  EXPECT_TRUE(Contains("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(Contains("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(Contains("::1", "::1"));
  EXPECT_FALSE(Contains("::1", "::2"));
}

TEST(IpRangeTest, PrefixesMatchTheirNetworks) {
  EXPECT_TRUE(Contains("10.20.0.0/16", "10.20.255.1"));
  EXPECT_FALSE(Contains("10.20.0.0/16", "10.21.0.1"));
  EXPECT_TRUE(Contains("172.16.0.0/12", "172.31.255.255"));
  EXPECT_FALSE(Contains("172.16.0.0/12", "172.32.0.0"));
  EXPECT_TRUE(Contains("fd00::/8", "fd12:3456::1"));
  EXPECT_FALSE(Contains("fd00::/8", "fe80::1"));
  EXPECT_TRUE(Contains("0.0.0.0/0", "203.0.113.9"));
  EXPECT_FALSE(Contains("0.0.0.0/0", "2001:db8::1"));  // families never mix ...
}

TEST(IpRangeTest, MappedIpv6IsComparedAsIpv4) {
  EXPECT_TRUE(Contains("127.0.0.1", "::ffff:127.0.0.1"));  // ... except for mapped addresses
  EXPECT_FALSE(Contains("127.0.0.1", "::ffff:127.0.0.2"));
  EXPECT_FALSE(Contains("127.0.0.1", "::127.0.0.1"));  // IPv4-compatible is not mapped
}

TEST(IpRangeTest, APortLimitsTheRangeToThatPort) {
  // Allowing one intranet server must not open every port of that host.
  EXPECT_TRUE(Contains("127.0.0.1:8080", "127.0.0.1", 8080));
  EXPECT_FALSE(Contains("127.0.0.1:8080", "127.0.0.1", 22));
  EXPECT_FALSE(Contains("127.0.0.1:8080", "127.0.0.2", 8080));
  EXPECT_TRUE(Contains("10.20.0.0/16:443", "10.20.3.4", 443));
  EXPECT_FALSE(Contains("10.20.0.0/16:443", "10.20.3.4", 80));
  EXPECT_TRUE(Contains("[::1]:8080", "::1", 8080));
  EXPECT_FALSE(Contains("[::1]:8080", "::1", 8081));
  EXPECT_TRUE(Contains("[fd00::/8]:443", "fd12::1", 443));
  EXPECT_FALSE(Contains("[fd00::/8]:443", "fd12::1", 444));
  EXPECT_TRUE(Contains("127.0.0.1:8080", "::ffff:127.0.0.1", 8080));  // mapped, same port
  EXPECT_FALSE(Contains("127.0.0.1:8080", "::ffff:127.0.0.1", 8081));
  // Without a port, every port.
  EXPECT_TRUE(Contains("127.0.0.1", "127.0.0.1", 22));
  EXPECT_TRUE(Contains("::1", "::1", 65535));
  EXPECT_EQ(ParseIpRange("127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(ParseIpRange("::1")->port, 0);
}

TEST(IpRangeTest, MalformedRangesAreRefused) {
  for (const char* bad : {"",
                          "localhost",
                          "10.1",
                          "10.0.0.0/",
                          "10.0.0.0/33",
                          "10.0.0.0/-1",
                          "10.0.0.0/8x",
                          "10.1.2.3/8",
                          "::1/129",
                          "fd00::1/8",
                          "010.0.0.1",
                          "10.0.0.0/ 8",
                          "1.2.3.4/8/8",
                          "127.0.0.1:",
                          "127.0.0.1:0",
                          "127.0.0.1:65536",
                          "127.0.0.1:80x",
                          "127.0.0.1:-1",
                          "[::1]",
                          "[::1]:",
                          "[::1]8080",
                          "[127.0.0.1]:80",
                          "::1:8080x",
                          "localhost:8080"}) {
    EXPECT_FALSE(ParseIpRange(bad)) << bad;
  }
  EXPECT_FALSE(ParseIpRange("10.0.0.0/8")->Contains(nullptr));
}

}  // namespace
}  // namespace policyd
