#include "event_bounds.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

std::size_t Bytes(const nlohmann::json& event) {
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

nlohmann::json Changed() {
  return {{"type", "document.changed"},
          {"doc", "acme/privacy-policy"},
          {"url", "https://acme.example/privacy"},
          {"final_url", "https://acme.example/privacy"},
          {"lines_added", 1},
          {"lines_removed", 1},
          {"sections", {"## Sharing"}},
          {"sections_truncated", 0}};
}

TEST(BoundEventSizeTest, SmallEventIsUnchanged) {
  nlohmann::json event = Changed();
  BoundEventSize(&event);
  EXPECT_EQ(event, Changed());
}

TEST(BoundEventSizeTest, LongFieldsAreCutButIdentitiesAreNot) {
  nlohmann::json event = Changed();
  event["final_url"] = "https://acme.example/?" + std::string(100'000, 'q');
  event["doc"] = "acme/" + std::string(3000, 'd');
  BoundEventSize(&event);
  const std::string final_url = event["final_url"];
  EXPECT_EQ(final_url.size(), kMaxEventFieldBytes);
  EXPECT_TRUE(final_url.ends_with("\u2026"));
  EXPECT_EQ(event["doc"], "acme/" + std::string(3000, 'd'));
  EXPECT_EQ(event["sections"], nlohmann::json({"## Sharing"}));
}

// Sections of control characters: each byte is 6 in JSON ("\u0001"), so 64 names of 256
// bytes are about 100 KB of JSON. Sections leave from the end, each one counted.
TEST(BoundEventSizeTest, SectionsAreDroppedAndCountedUntilTheEventFits) {
  nlohmann::json event = Changed();
  nlohmann::json sections = nlohmann::json::array();
  for (int i = 0; i < 64; ++i) sections.push_back(std::to_string(i) + std::string(250, '\x01'));
  event["sections"] = sections;
  event["sections_truncated"] = 5;  // already left out by the summary
  BoundEventSize(&event);
  EXPECT_LE(Bytes(event), kMaxEventBytes - kEventSeqReserve);
  const std::size_t kept = event["sections"].size();
  EXPECT_GT(kept, 20u);
  EXPECT_LT(kept, 64u);
  EXPECT_EQ(event["sections"][0], sections[0]);
  EXPECT_EQ(event["sections"][kept - 1], sections[kept - 1]);
  EXPECT_EQ(event["sections_truncated"], 5 + 64 - static_cast<int>(kept));
}

// A thousand changed clauses with long section paths: segment changes leave from the end,
// counted, before any section does.
TEST(BoundEventSizeTest, SegmentChangesLeaveFirstAndAreCounted) {
  nlohmann::json event = Changed();
  event["sections"] = {"## Sharing", "## Retention"};
  nlohmann::json segments = nlohmann::json::array();
  for (int i = 0; i < 1000; ++i) {
    const std::string id = "s-" + std::to_string(100000000000 + i);
    segments.push_back({{"change", "modified"},
                        {"old_ids", {id}},
                        {"new_ids", {id}},
                        {"section_path", {"Privacy Policy", std::string(80, 'x')}}});
  }
  event["segments"] = segments;
  event["segments_truncated"] = 0;
  BoundEventSize(&event);
  EXPECT_LE(Bytes(event), kMaxEventBytes - kEventSeqReserve);
  const std::size_t kept = event["segments"].size();
  EXPECT_GT(kept, 200u);
  EXPECT_LT(kept, 1000u);
  EXPECT_EQ(event["segments"][kept - 1], segments[kept - 1]);  // the first ones, unchanged
  EXPECT_EQ(event["segments_truncated"], 1000 - static_cast<int>(kept));
  EXPECT_EQ(event["sections"].size(), 2u);
  EXPECT_FALSE(event.contains("sections_truncated") && event["sections_truncated"] != 0);
}

TEST(BoundEventSizeTest, ManyLongFieldsAreHalvedUntilTheEventFits) {
  nlohmann::json event = {{"type", "document.fetch_failed"}, {"doc", "acme/privacy-policy"}};
  for (int i = 0; i < 40; ++i) {
    event["field" + std::to_string(i)] = std::string(kMaxEventFieldBytes, 'x');
  }
  BoundEventSize(&event);
  EXPECT_LE(Bytes(event), kMaxEventBytes - kEventSeqReserve);
  EXPECT_EQ(event["type"], "document.fetch_failed");
  EXPECT_FALSE(event.contains("sections_truncated"));  // no sections, none counted
}

}  // namespace
}  // namespace policyd
