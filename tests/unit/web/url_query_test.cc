#include "policyd/url_query.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(UrlQueryTest, DecodesPairsInOrderAsFormsSendThem) {
  auto params = ParseQuery("doc=coursera%2Fprivacy-policy&a=1&b=&layout&q=a+b%20c");
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  const QueryParams expected = {
      {"doc", "coursera/privacy-policy"}, {"a", "1"}, {"b", ""}, {"layout", ""}, {"q", "a b c"}};
  EXPECT_EQ(*params, expected);
  ASSERT_NE(FindQueryParam(*params, "doc"), nullptr);
  EXPECT_EQ(*FindQueryParam(*params, "doc"), "coursera/privacy-policy");
  EXPECT_EQ(FindQueryParam(*params, "missing"), nullptr);
}

TEST(UrlQueryTest, EmptyPairsAreSkippedAndMalformedEscapesKept) {
  auto params = ParseQuery("&&a=%zz&&b=%4");
  ASSERT_TRUE(params.ok());
  const QueryParams expected = {{"a", "%zz"}, {"b", "%4"}};
  EXPECT_EQ(*params, expected);
  EXPECT_TRUE(ParseQuery("")->empty());
}

TEST(UrlQueryTest, RefusesNulBytesAndTooManyPairs) {
  EXPECT_FALSE(ParseQuery("doc=a%00b").ok());
  EXPECT_FALSE(ParseQuery("a=1&b=2&c=3", 2).ok());
  EXPECT_TRUE(ParseQuery("a=1&b=2", 2).ok());
}

TEST(UrlQueryTest, EncodingRoundTripsEveryByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all += static_cast<char>(c);
  const std::string encoded = EncodeQuery({{"doc", "a/b c&d=e"}, {"raw", all}});
  ASSERT_EQ(encoded.substr(0, 26), "doc=a%2Fb%20c%26d%3De&raw=");
  EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-._~%",
                                      26),
            std::string::npos);
  auto back = ParseQuery(encoded);
  ASSERT_TRUE(back.ok());
  const QueryParams expected = {{"doc", "a/b c&d=e"}, {"raw", all}};
  EXPECT_EQ(*back, expected);
  EXPECT_EQ(EncodeQueryComponent("coursera/privacy-policy"), "coursera%2Fprivacy-policy");
  EXPECT_EQ(EncodeQuery({}), "");
}

}  // namespace
}  // namespace policyd
