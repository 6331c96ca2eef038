#include "policyd/host_key.h"

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

// A host written in Unicode and the same host in A-labels share one politeness key, so that
// the per-host limits hold whichever way a target file spells it.
TEST(HostKey, AnInternationalisedHostIsKeyedByItsALabels) {
  EXPECT_EQ(Key("https://www.b\xC3\xBC"
                "cher.de/agb"),
            "www.xn--bcher-kva.de:443");
  EXPECT_EQ(Key("https://WWW.B\xC3\x9C"
                "CHER.DE/"),
            "www.xn--bcher-kva.de:443");
  EXPECT_EQ(Key("https://www.xn--bcher-kva.de/"), "www.xn--bcher-kva.de:443");
  EXPECT_EQ(Key("http://fa\xC3\x9F.de/"), "xn--fa-hia.de:80");  // non-transitional: ß kept
  // A label may not start with a combining mark (U+0300): no IDNA name.
  EXPECT_FALSE(HostKeyForUrl("http://\xCC\x80"
                             "a.de/")
                   .ok());
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
