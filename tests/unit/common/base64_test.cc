// Base64: the RFC 4648 test vectors, and any bytes back exactly.
#include "policyd/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

TEST(Base64, Rfc4648TestVectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64Encode(bytes), text);
    EXPECT_EQ(Base64Decode(text), std::optional<std::string>(bytes)) << text;
  }
}

TEST(Base64, EveryByteRoundTripsAndGarbageIsRefused) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  for (std::size_t size = 0; size <= bytes.size(); size += 17) {
    const std::string part = bytes.substr(0, size);
    EXPECT_EQ(Base64Decode(Base64Encode(part)), std::optional<std::string>(part)) << size;
  }
  EXPECT_FALSE(Base64Decode("Zm9"));
  EXPECT_FALSE(Base64Decode("Zm9*"));
}

}  // namespace
}  // namespace policyd
