#include "address_policy.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

namespace policyd {
namespace {

// Parses an IPv4 or IPv6 literal into a sockaddr_storage (the test's own parser: inet_pton).
sockaddr_storage Address(const std::string& text) {
  sockaddr_storage storage{};
  if (text.find(':') == std::string::npos) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, text.c_str(), &v4->sin_addr), 1) << text;
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr), 1) << text;
  }
  return storage;
}

bool IsPublic(const std::string& text) {
  const sockaddr_storage storage = Address(text);
  return IsPublicAddress(reinterpret_cast<const sockaddr*>(&storage));
}

TEST(AddressPolicy, PublicAddressesPass) {
  for (const char* text :
       {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.0", "172.15.255.255",
        "172.32.0.0", "169.253.255.255", "192.167.255.255", "223.255.255.255", "11.0.0.0",
        "126.255.255.255", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8",
        "64:ff9b::808:808", "2002:808:808::1", "::ffff:0:8.8.8.8"}) {
    EXPECT_TRUE(IsPublic(text)) << text;
  }
}

TEST(AddressPolicy, IPv4NonPublicRanges) {
  for (const char* text : {
           "0.0.0.0",         "0.255.255.255",                  // this network / unspecified
           "127.0.0.1",       "127.255.255.254",                // loopback
           "10.0.0.1",        "10.255.255.255",                 // private
           "172.16.0.1",      "172.31.255.255",                 // private
           "192.168.0.1",     "192.168.255.255",                // private
           "169.254.169.254", "169.254.0.1",                    // link-local, cloud metadata
           "100.64.0.1",      "100.127.255.255",                // CGNAT
           "224.0.0.1",       "239.255.255.255",                // multicast
           "240.0.0.1",       "255.255.255.255",                // reserved, broadcast
           "192.0.0.8",       "192.0.2.1",       "198.18.0.1",  // IETF, TEST-NET-1, benchmarking
           "198.19.255.255",  "198.51.100.7",    "203.0.113.9",
       }) {
    EXPECT_FALSE(IsPublic(text)) << text;
  }
}

TEST(AddressPolicy, IPv6NonPublicRanges) {
  for (const char* text : {
           "::", "::1",                // unspecified, loopback
           "fc00::1", "fd12:3456::1",  // unique local
           "fe80::1", "febf::1",       // link-local
           "fec0::1",                  // site-local (deprecated)
           "ff02::1", "ff0e::1",       // multicast
           "2001:db8::1",              // documentation
           "2001::1",                  // Teredo
           "100::1",                   // discard-only
           "64:ff9b:1::1",             // local-use NAT64
       }) {
    EXPECT_FALSE(IsPublic(text)) << text;
  }
}

TEST(AddressPolicy, IPv6FormsEmbeddingNonPublicIPv4) {
  for (const char* text : {
           "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254",  // mapped
           "::ffff:0.0.0.0", "::ffff:192.168.1.1", "::ffff:255.255.255.255", "::127.0.0.1",
           "::10.0.0.1",                                // compatible
           "64:ff9b::7f00:1", "64:ff9b::a00:1",         // NAT64 of 127.0.0.1, 10.0.0.1
           "2002:7f00:1::1", "2002:c0a8:101::1",        // 6to4 of 127.0.0.1, 192.168.1.1
           "::ffff:0:127.0.0.1", "::ffff:0:a9fe:a9fe",  // SIIT IPv4-translated (RFC 2765)
       }) {
    EXPECT_FALSE(IsPublic(text)) << text;
  }
}

TEST(AddressPolicy, OtherFamiliesAndNull) {
  EXPECT_FALSE(IsPublicAddress(nullptr));
  sockaddr_storage storage{};
  storage.ss_family = AF_UNIX;
  EXPECT_FALSE(IsPublicAddress(reinterpret_cast<const sockaddr*>(&storage)));
}

TEST(AddressPolicy, AddressToString) {
  const sockaddr_storage v4 = Address("203.0.113.7");
  EXPECT_EQ(AddressToString(reinterpret_cast<const sockaddr*>(&v4)), "203.0.113.7");
  const sockaddr_storage v6 = Address("2001:db8::1");
  EXPECT_EQ(AddressToString(reinterpret_cast<const sockaddr*>(&v6)), "2001:db8::1");
  EXPECT_EQ(AddressToString(nullptr), "?");
}

}  // namespace
}  // namespace policyd
