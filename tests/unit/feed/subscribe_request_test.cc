#include <gtest/gtest.h>

#include <string>

#include "policyd/feed.h"

namespace policyd {
namespace {

TEST(SubscribeRequest, SinceIsASequenceOrLiveOnly) {
  auto replay = ParseSubscribeRequest(R"({"since": 41})");
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(*replay, std::optional<uint64_t>(41));
  auto zero = ParseSubscribeRequest(R"({"since":0})");
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(*zero, std::optional<uint64_t>(0));
  for (const char* live : {R"({"since": null})", "{}", R"({"classes": null})"}) {
    auto parsed = ParseSubscribeRequest(live);
    ASSERT_TRUE(parsed.ok()) << live;
    EXPECT_FALSE(parsed->has_value()) << live;
  }
}

TEST(SubscribeRequest, AnythingElseIsRefusedWithTheReason) {
  EXPECT_EQ(ParseSubscribeRequest(R"({"since": -1})").status().message(),
            "\"since\" must be a non-negative integer or null");
  EXPECT_EQ(ParseSubscribeRequest(R"({"since": "7"})").status().message(),
            "\"since\" must be a non-negative integer or null");
  EXPECT_EQ(ParseSubscribeRequest(R"({"since": 1.5})").status().message(),
            "\"since\" must be a non-negative integer or null");
  EXPECT_EQ(ParseSubscribeRequest("[1]").status().message(),
            R"(expected {"since": N} or {"since": null})");
  EXPECT_EQ(ParseSubscribeRequest("this is not json").status().message().rfind("not JSON (", 0),
            0u);
}

// A misspelt key is an error, not a live-only subscription that skips the backlog (found by an
// analyzer: {"sinse": 1500} got a normal hello and then only live events).
TEST(SubscribeRequest, AMisspeltKeyIsRefusedNotIgnored) {
  EXPECT_EQ(ParseSubscription(R"({"sinse": 1500})").status().message(),
            "unknown key 'sinse' (did you mean 'since'?); a subscription has only \"since\" and "
            "\"classes\"");
  EXPECT_EQ(ParseSubscription(R"({"Since": 1500})").status().message(),
            "unknown key 'Since' (did you mean 'since'?); a subscription has only \"since\" and "
            "\"classes\"");
  EXPECT_EQ(ParseSubscription(R"({"since": 3, "class": ["substantive"]})").status().message(),
            "unknown key 'class' (did you mean 'classes'?); a subscription has only \"since\" and "
            "\"classes\"");
  // A command sent to the wrong socket is said to be one.
  EXPECT_EQ(ParseSubscription(R"({"id": 1, "cmd": "status"})").status().message(),
            "a control command sent to the events socket: commands go to the control socket; a "
            "subscription is {\"since\": N}");
  EXPECT_EQ(ParseSubscription(R"({"since": 3, "other": [1, 2]})").status().message(),
            "unknown key 'other'; a subscription has only \"since\" and \"classes\"");
}

TEST(SubscribeRequest, NestingIsBoundedBeforeAnythingIsBuilt) {
  // Within the 4 KiB request line, 2,000 levels; refused at the fifth.
  const std::string deep =
      R"({"since":1,"x":)" + std::string(2000, '[') + std::string(2000, ']') + "}";
  auto parsed = ParseSubscribeRequest(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind("JSON nested deeper than 4 levels", 0), 0u)
      << parsed.status().message();
  // Within the bound, the key is judged: there is no "x".
  EXPECT_EQ(ParseSubscribeRequest(R"({"since":1,"x":[[[]]]})")
                .status()
                .message()
                .rfind("unknown key 'x'", 0),
            0u);
}

}  // namespace
}  // namespace policyd
