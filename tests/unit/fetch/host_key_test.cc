#include "host_key.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

std::string Key(const std::string& url) {
  Result<std::string> key = HostKeyForUrl(url);
  return key.ok() ? *key : "error: " + key.status().message();
}

TEST(HostKey, LowerCaseHostAndEffectivePort) {
  EXPECT_EQ(Key("https://Example.COM/privacy"), "example.com:443");
  EXPECT_EQ(Key("http://example.com/terms?x=1"), "example.com:80");
  EXPECT_EQ(Key("http://example.com:80/"), "example.com:80");
  EXPECT_EQ(Key("https://example.com:8443/"), "example.com:8443");
  EXPECT_EQ(Key("HTTP://127.0.0.1:8080/a"), "127.0.0.1:8080");
  EXPECT_EQ(Key("http://[::1]:8080/"), "[::1]:8080");
  EXPECT_EQ(Key("https://user:pw@example.com/"), "example.com:443");
}

TEST(HostKey, RejectsWhatCannotBeFetched) {
  EXPECT_FALSE(HostKeyForUrl("ftp://example.com/file").ok());
  EXPECT_FALSE(HostKeyForUrl("file:///etc/passwd").ok());
  EXPECT_FALSE(HostKeyForUrl("gopher://example.com/").ok());
  EXPECT_FALSE(HostKeyForUrl("example.com/no-scheme").ok());
  EXPECT_FALSE(HostKeyForUrl("").ok());
  EXPECT_FALSE(HostKeyForUrl("http://").ok());
  EXPECT_FALSE(HostKeyForUrl("http://exa mple.com/").ok());
  EXPECT_FALSE(HostKeyForUrl("http://example.com:99999/").ok());
}

}  // namespace
}  // namespace policyd
