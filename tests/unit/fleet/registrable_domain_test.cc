#include "policyd/registrable_domain.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

std::string OfUrl(const std::string& url) {
  Result<std::string> domain = RegistrableDomainOfUrl(url);
  return domain.ok() ? *domain : "error: " + domain.status().message();
}

std::string OfHost(const std::string& host) {
  Result<std::string> domain = RegistrableDomainOfHost(host);
  return domain.ok() ? *domain : "error: " + domain.status().message();
}

TEST(RegistrableDomainTest, OnePartyPerDomainByThePublicSuffixList) {
  EXPECT_EQ(OfUrl("https://www.example.co.uk/privacy"), "example.co.uk");
  EXPECT_EQ(OfUrl("https://legal.example.co.uk/terms"), "example.co.uk");
  EXPECT_EQ(OfUrl("https://example.com/"), "example.com");
  EXPECT_EQ(OfUrl("https://a.b.c.example.com:8443/x?y=1"), "example.com");
  // The private section: every github.io user is a party of its own.
  EXPECT_EQ(OfUrl("https://a.b.github.io/policy"), "b.github.io");
  EXPECT_EQ(OfUrl("https://b.github.io/"), "b.github.io");
  // A wildcard rule (*.kawasaki.jp) and its exception (!city.kawasaki.jp).
  EXPECT_EQ(OfUrl("https://www.city.kawasaki.jp/"), "city.kawasaki.jp");
  EXPECT_EQ(OfUrl("https://www.shop.b.kawasaki.jp/"), "shop.b.kawasaki.jp");
  // A top-level domain the list does not know is one label of suffix (the implicit "*").
  EXPECT_EQ(OfUrl("https://www.shop.internal-tld/"), "shop.internal-tld");
}

TEST(RegistrableDomainTest, LowerCaseAndWithoutTheFinalDot) {
  EXPECT_EQ(OfUrl("HTTPS://WWW.Example.CO.UK/Privacy"), "example.co.uk");
  EXPECT_EQ(OfHost("www.example.com."), "example.com");
  EXPECT_EQ(OfHost("WWW.EXAMPLE.COM"), "example.com");
}

TEST(RegistrableDomainTest, AddressesAndNamesWithoutARegistrablePartAreTheirOwnDomain) {
  EXPECT_EQ(OfUrl("http://127.0.0.1:8080/a"), "127.0.0.1");
  EXPECT_EQ(OfUrl("http://10.1.2.3/"), "10.1.2.3");
  EXPECT_EQ(OfUrl("http://[::1]:8080/"), "[::1]");
  EXPECT_EQ(OfUrl("http://[2001:DB8::1]/"), "[2001:db8::1]");
  EXPECT_EQ(OfUrl("http://localhost:8080/"), "localhost");
  EXPECT_EQ(OfHost("co.uk"), "co.uk");
  EXPECT_EQ(OfHost("github.io"), "github.io");
  EXPECT_EQ(OfHost("com"), "com");
}

TEST(RegistrableDomainTest, InternationalisedNamesGiveTheirALabelsWhateverTheirForm) {
  EXPECT_EQ(OfUrl("https://www.bücher.de/datenschutz"), "xn--bcher-kva.de");
  EXPECT_EQ(OfUrl("https://WWW.BÜCHER.DE/"), "xn--bcher-kva.de");
  EXPECT_EQ(OfUrl("https://xn--bcher-kva.de/"), "xn--bcher-kva.de");
  // An internationalised suffix (中国, .xn--fiqs8s) and name.
  EXPECT_EQ(OfUrl("https://www.食狮.中国/"), "xn--85x722f.xn--fiqs8s");
  EXPECT_EQ(OfHost("www.xn--85x722f.xn--fiqs8s"), "xn--85x722f.xn--fiqs8s");
  // IDNA2008 keeps the sharp s (non-transitional), as curl does before it connects.
  EXPECT_EQ(OfUrl("https://faß.de/"), "xn--fa-hia.de");
}

TEST(RegistrableDomainTest, RefusesWhatIsNoHost) {
  EXPECT_FALSE(RegistrableDomainOfUrl("ftp://example.com/").ok());
  EXPECT_FALSE(RegistrableDomainOfUrl("not a url").ok());
  EXPECT_FALSE(RegistrableDomainOfUrl("").ok());
  EXPECT_FALSE(RegistrableDomainOfHost("").ok());
  EXPECT_FALSE(RegistrableDomainOfHost(".").ok());
  EXPECT_FALSE(RegistrableDomainOfHost(std::string(300, 'a')).ok());
  EXPECT_FALSE(RegistrableDomainOfHost(std::string("a\0b.com", 7)).ok());
  // Not valid UTF-8, so not a name IDNA can convert.
  const Result<std::string> bad = RegistrableDomainOfHost("www.\xff\xfe.de");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace policyd
