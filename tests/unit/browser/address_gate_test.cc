#include "address_gate.h"

#include <optional>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

namespace policyd {
namespace {

TEST(ParseUrlTargetTest, TakesSchemeHostAndPort) {
  auto target = ParseUrlTarget("HTTPS://user:pw@Example.COM:8443/path?q#f");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->scheme, "https");
  EXPECT_EQ(target->host, "example.com");
  EXPECT_EQ(target->port, 8443);
  target = ParseUrlTarget("http://[::1]/x");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->host, "::1");
  EXPECT_EQ(target->port, 80);
  EXPECT_FALSE(ParseUrlTarget("ftp://example.com/"));
  EXPECT_FALSE(ParseUrlTarget("file:///etc/passwd"));
  EXPECT_FALSE(ParseUrlTarget("ws://example.com/"));
  EXPECT_FALSE(ParseUrlTarget("http://example.com:0/"));
  EXPECT_FALSE(ParseUrlTarget("http://example.com:99999/"));
  EXPECT_FALSE(ParseUrlTarget("http:///x"));
}

std::optional<bool> CheckNow(AddressGate& gate, boost::asio::io_context& io,
                             const std::string& url) {
  std::optional<bool> verdict;
  gate.Check(url, [&](bool allowed) { verdict = allowed; });
  for (int i = 0; i < 500 && !verdict; ++i) {
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return verdict;
}

TEST(AddressGateTest, RefusesNonPublicAddressesUnlessListed) {
  boost::asio::io_context io;
  AddressGate gate(io, /*allow_private=*/false, {"127.0.0.1", "10.0.0.0/8:443", "bad entry"});
  EXPECT_EQ(CheckNow(gate, io, "http://127.0.0.1:1234/"), true);
  EXPECT_EQ(CheckNow(gate, io, "http://127.0.0.2/"), false);
  EXPECT_EQ(CheckNow(gate, io, "http://169.254.169.254/latest/meta-data/"), false);
  EXPECT_EQ(CheckNow(gate, io, "https://10.1.2.3/"), true);
  EXPECT_EQ(CheckNow(gate, io, "http://10.1.2.3/"), false);  // port 80, not 443
  EXPECT_EQ(CheckNow(gate, io, "http://[::1]/"), false);
  EXPECT_EQ(CheckNow(gate, io, "http://8.8.8.8/"), true);
  EXPECT_EQ(CheckNow(gate, io, "file:///etc/passwd"), false);
  EXPECT_EQ(CheckNow(gate, io, "data:text/plain,hi"), true);
  EXPECT_EQ(CheckNow(gate, io, "blob:http://127.0.0.2/uuid"), true);
  // Resolved names: "localhost" comes from /etc/hosts, never the network.
  AddressGate strict(io, /*allow_private=*/false, {});
  EXPECT_EQ(CheckNow(strict, io, "http://localhost:1234/"), false);
  EXPECT_EQ(CheckNow(strict, io, "http://127.0.0.1:1234/"), false);
}

TEST(AddressGateTest, AllowPrivateAdmitsEverythingHttp) {
  boost::asio::io_context io;
  AddressGate gate(io, /*allow_private=*/true, {});
  EXPECT_EQ(CheckNow(gate, io, "http://127.0.0.2/"), true);
  EXPECT_EQ(CheckNow(gate, io, "gopher://127.0.0.2/"), false);
}

}  // namespace
}  // namespace policyd
