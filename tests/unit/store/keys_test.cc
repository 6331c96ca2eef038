#include "src/store/keys.h"

#include <gtest/gtest.h>

namespace policyd::store_internal {
namespace {

TEST(KeysTest, BigEndianRoundTripAndOrder) {
  for (const uint64_t value : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256},
                               uint64_t{0x0102030405060708}, ~uint64_t{0}}) {
    EXPECT_EQ(DecodeBigEndian64(EventKey(value)), value);
  }
  EXPECT_LT(EventKey(255), EventKey(256));
  EXPECT_LT(EventKey(1), EventKey(1ull << 40));
  EXPECT_EQ(DecodeBigEndian64("short"), std::nullopt);
}

TEST(KeysTest, DocTimeKeysSortByTimeThenN) {
  EXPECT_LT(DocTimeKey("doc", 999, 5), DocTimeKey("doc", 1000, 0));
  EXPECT_LT(DocTimeKey("doc", 1000, 0), DocTimeKey("doc", 1000, 1));
  EXPECT_EQ(DocTimeKey("doc", -5, 0), DocTimeKey("doc", 0, 0));
}

TEST(KeysTest, DocBoundsSeparateDocuments) {
  // "a" must not see the keys of "a0" or "ab", and the other way round.
  for (const char* other : {"a0", "ab", "a\x01"}) {
    const std::string key = DocTimeKey(other, 5, 5);
    EXPECT_FALSE(key >= DocKeyBegin("a") && key < DocKeyEnd("a")) << other;
  }
  const std::string own = DocTimeKey("a", 5, 5);
  EXPECT_TRUE(own >= DocKeyBegin("a") && own < DocKeyEnd("a"));
  const std::string max_key = DocTimeKey("a", INT64_MAX, UINT64_MAX);
  EXPECT_LT(max_key, DocKeyEnd("a"));
}

TEST(KeysTest, ValidDocIds) {
  EXPECT_TRUE(IsValidDocId("google-privacy"));
  EXPECT_FALSE(IsValidDocId(""));
  EXPECT_FALSE(IsValidDocId(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace policyd::store_internal
