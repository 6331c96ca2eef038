// PackedState (issue 19 item 4): a document's state kept in one allocation gives back exactly
// the DocState packed.
#include "packed_state.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

// Every field set, to values that differ from the defaults and from each other.
DocState FullState() {
  DocState state;
  state.last_text_hash = std::string(64, 'a');
  state.etag = "W/\"5f3a-1b2c\"";
  state.validators_key = 0x8000'0000'0000'0001;
  state.validators_url = "https://example.org/en/privacy";
  state.text_seen_ms = 1'700'000'000'555;
  state.suspect_since_ms = 1'700'000'000'666;
  state.last_modified = "Tue, 02 Dec 2025 10:00:00 GMT";
  state.next_due_ms = 1'765'000'000'001;
  state.last_check_ms = 1'765'000'000'002;
  state.last_success_ms = 1'765'000'000'003;
  state.last_change_ms = 1'765'000'000'004;
  state.consecutive_failures = 5;
  state.failure_reported = true;
  state.last_error = "http_5xx: HTTP 503 (caf\xC3\xA9)";
  state.last_error.push_back('\0');  // bytes, not C strings
  state.version_count = 1ULL << 40;
  state.suspect_hash = std::string(64, 'b');
  state.suspect_count = 2;
  state.render_choice = RenderChoice::kNeither;
  state.render_tested_ms = -7;
  return state;
}

void ExpectSame(const DocState& a, const DocState& b) {
  EXPECT_EQ(a.last_text_hash, b.last_text_hash);
  EXPECT_EQ(a.etag, b.etag);
  EXPECT_EQ(a.validators_key, b.validators_key);
  EXPECT_EQ(a.validators_url, b.validators_url);
  EXPECT_EQ(a.text_seen_ms, b.text_seen_ms);
  EXPECT_EQ(a.suspect_since_ms, b.suspect_since_ms);
  EXPECT_EQ(a.last_modified, b.last_modified);
  EXPECT_EQ(a.next_due_ms, b.next_due_ms);
  EXPECT_EQ(a.last_check_ms, b.last_check_ms);
  EXPECT_EQ(a.last_success_ms, b.last_success_ms);
  EXPECT_EQ(a.last_change_ms, b.last_change_ms);
  EXPECT_EQ(a.consecutive_failures, b.consecutive_failures);
  EXPECT_EQ(a.failure_reported, b.failure_reported);
  EXPECT_EQ(a.last_error, b.last_error);
  EXPECT_EQ(a.version_count, b.version_count);
  EXPECT_EQ(a.suspect_hash, b.suspect_hash);
  EXPECT_EQ(a.suspect_count, b.suspect_count);
  EXPECT_EQ(a.render_choice, b.render_choice);
  EXPECT_EQ(a.render_tested_ms, b.render_tested_ms);
}

TEST(PackedStateTest, UnpackGivesBackEveryField) {
  const DocState full = FullState();
  const PackedState packed(full);
  EXPECT_FALSE(packed.empty());
  ExpectSame(packed.Unpack(), full);
  EXPECT_EQ(packed.next_due_ms(), full.next_due_ms);
  EXPECT_EQ(packed.last_check_ms(), full.last_check_ms);
  EXPECT_EQ(packed.consecutive_failures(), 5);
  EXPECT_TRUE(packed.failure_reported());
}

TEST(PackedStateTest, EmptyStringsAndTheDefaultStateSurvive) {
  DocState sparse;
  sparse.etag = "\"only-this\"";
  sparse.version_count = 1;
  ExpectSame(PackedState(sparse).Unpack(), sparse);
  ExpectSame(PackedState(DocState()).Unpack(), DocState());
  const PackedState none;
  EXPECT_TRUE(none.empty());
  ExpectSame(none.Unpack(), DocState());
  EXPECT_EQ(none.next_due_ms(), 0);
  EXPECT_EQ(none.last_check_ms(), 0);
  EXPECT_EQ(none.consecutive_failures(), 0);
  EXPECT_FALSE(none.failure_reported());
}

TEST(PackedStateTest, MovingKeepsTheState) {
  PackedState first(FullState());
  PackedState second = std::move(first);
  ExpectSame(second.Unpack(), FullState());
  first = std::move(second);
  ExpectSame(first.Unpack(), FullState());
}

}  // namespace
}  // namespace policyd
