#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"

namespace policyd {
namespace {

using ::testing::HasSubstr;

DocumentSpec SpecAt(const std::string& url) {
  DocumentSpec spec;
  spec.platform = "Acme";
  spec.type = "Privacy Policy";
  spec.url = url;
  return spec;
}

TEST(HostRefusedBeforeResolutionTest, NamesTheLiteralOrLocalHostThePolicyRefuses) {
  const DaemonConfig config;  // public addresses only
  EXPECT_EQ(HostRefusedBeforeResolution("http://127.0.0.1:8080/p", config), "127.0.0.1");
  EXPECT_EQ(HostRefusedBeforeResolution("http://2130706433/p", config), "2130706433");
  EXPECT_EQ(HostRefusedBeforeResolution("https://[::1]/p", config), "::1");
  EXPECT_EQ(HostRefusedBeforeResolution("https://[fe80::1%25eth0]/p", config), "fe80::1");
  EXPECT_EQ(HostRefusedBeforeResolution("http://LOCALHOST./p", config), "localhost");
  EXPECT_EQ(HostRefusedBeforeResolution("http://10.1.2.3/p", config), "10.1.2.3");
  // Public literals, and names only resolution can judge.
  EXPECT_EQ(HostRefusedBeforeResolution("http://93.184.215.14/p", config), "");
  EXPECT_EQ(HostRefusedBeforeResolution("http://[2606:4700::1]/p", config), "");
  EXPECT_EQ(HostRefusedBeforeResolution("https://intranet.example/p", config), "");
  // Hosts that IDNA maps to a loopback name or address, as curl connects to them: `add` and
  // --check-config accepted them, and every check failed as blocked_address.
  EXPECT_EQ(HostRefusedBeforeResolution(
                "http://\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x97.\xEF\xBC\x90.\xEF\xBC\x90."
                "\xEF\xBC\x91:8080/p",
                config),
            "127.0.0.1");  // fullwidth digits
  EXPECT_EQ(HostRefusedBeforeResolution("http://127\xE3\x80\x82"
                                        "0\xE3\x80\x82"
                                        "0\xE3\x80\x82"
                                        "1/p",
                                        config),
            "127.0.0.1");  // ideographic full stops
  EXPECT_EQ(
      HostRefusedBeforeResolution("http://\xE2\x93\x9B\xE2\x93\x9E\xE2\x93\x92\xE2\x93\x90"
                                  "\xE2\x93\x9B\xE2\x93\x97\xE2\x93\x9E\xE2\x93\xA2\xE2\x93\xA3/p",
                                  config),
      "localhost");  // circled letters
  EXPECT_EQ(HostRefusedBeforeResolution("https://b\xC3\xBC"
                                        "cher.example/p",
                                        config),
            "");
}

TEST(HostRefusedBeforeResolutionTest, TheOperatorsAllowancesApply) {
  DaemonConfig config;
  config.allowed_addresses = {"10.0.0.0/8"};
  EXPECT_EQ(HostRefusedBeforeResolution("http://10.1.2.3/p", config), "");
  EXPECT_EQ(HostRefusedBeforeResolution("http://192.168.1.1/p", config), "192.168.1.1");
  config.allow_private_addresses = true;
  EXPECT_EQ(HostRefusedBeforeResolution("http://192.168.1.1/p", config), "");
}

TEST(TargetAddressRefusalTest, NamesTheFirstRefusedPageOfADocument) {
  const DaemonConfig config;
  EXPECT_EQ(TargetAddressRefusal(SpecAt("https://acme.example/privacy"), config), "");
  DocumentSpec combined = SpecAt("https://acme.example/privacy");
  combined.extra_urls.push_back("https://acme.example/cookies");
  combined.extra_urls.push_back("http://192.168.0.9/annex");
  EXPECT_EQ(TargetAddressRefusal(combined, config),
            "url 'http://192.168.0.9/annex': host '192.168.0.9' is a loopback or private "
            "address, which the address policy refuses: every check would fail as "
            "blocked_address; set allow_private_addresses = true, or list it in "
            "allowed_addresses");
  EXPECT_THAT(TargetAddressRefusal(SpecAt("http://localhost:3000/"), config),
              HasSubstr("host 'localhost'"));
}

}  // namespace
}  // namespace policyd
