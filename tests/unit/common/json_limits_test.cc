#include "policyd/json_limits.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

std::string Nested(std::size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(JsonLimits, AcceptsUpToTheDepthAndRefusesOneMore) {
  auto at_limit = ParseJsonWithDepthLimit(Nested(4), 4);
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->dump(), "[[[[]]]]");
  auto past = ParseJsonWithDepthLimit(Nested(5), 4);
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(past.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(past.status().message(), "JSON nested deeper than 4 levels");
}

TEST(JsonLimits, ObjectsAndArraysCountAlike) {
  EXPECT_TRUE(ParseJsonWithDepthLimit(R"({"a":{"b":[1,{"c":2}]}})", 4).ok());
  EXPECT_FALSE(ParseJsonWithDepthLimit(R"({"a":{"b":[1,{"c":[]}]}})", 4).ok());
  // Siblings do not add up: depth is nesting, not count.
  EXPECT_TRUE(ParseJsonWithDepthLimit(R"([[1],[2],[3],{"a":4}])", 2).ok());
  EXPECT_FALSE(ParseJsonWithDepthLimit(R"([[1],[2],[3],{"a":[4]}])", 2).ok());
  EXPECT_TRUE(ParseJsonWithDepthLimit("42", 0).ok());
  EXPECT_FALSE(ParseJsonWithDepthLimit("[]", 0).ok());
}

TEST(JsonLimits, HugeNestingIsRefusedWithoutBuildingIt) {
  // Far deeper than any stack could copy recursively; unterminated too.
  auto deep = ParseJsonWithDepthLimit(std::string(1'000'000, '['), 16);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "JSON nested deeper than 16 levels");
}

TEST(JsonLimits, SyntaxErrorsSaySo) {
  for (const char* text : {"", "{", "{\"a\":}", "[1,]", "nul", "{} trailing"}) {
    auto parsed = ParseJsonWithDepthLimit(text, 16);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().message().rfind("not JSON (", 0), 0u) << parsed.status().message();
  }
  // Brackets inside strings are text, not nesting.
  auto quoted = ParseJsonWithDepthLimit(R"({"a":"[[[[[[[[[[{{{{{{{{"})", 1);
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ((*quoted)["a"], "[[[[[[[[[[{{{{{{{{");
}

}  // namespace
}  // namespace policyd
