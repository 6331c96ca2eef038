// ReadStoredStates (issue 19 item 4): the states of many documents read on several threads,
// each document getting its own, whatever the split; an unreadable one repaired in its place.
#include "state_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/sha256.h"
#include "support/raw_doc_state.h"
#include "support/temp_dir.h"

namespace policyd {
namespace {

std::string Id(int i) {
  char id[32];
  std::snprintf(id, sizeof(id), "platform/doc-%06d", i);
  return id;
}

TEST(StateReaderTest, EveryDocumentGetsItsOwnStateOnAnyNumberOfThreads) {
  TempDir dir;
  auto store = Store::Open(dir.path() / "db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // 30,000 documents (several parts of the list), every third with a stored state.
  std::vector<std::string> ids;
  for (int i = 0; i < 30'000; ++i) {
    ids.push_back(Id(i));
    if (i % 3 != 0) continue;
    DocState state;
    state.next_due_ms = 1'000'000 + i;
    state.last_text_hash = std::to_string(i);
    ASSERT_TRUE((*store)->PutDocState(ids.back(), state).ok());
  }
  const std::vector<std::string_view> views(ids.begin(), ids.end());
  for (const std::size_t threads : {1u, 2u, 3u, 8u}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    auto states = ReadStoredStates(**store, views, threads, 0);
    ASSERT_TRUE(states.ok()) << states.status().ToString();
    ASSERT_EQ(states->size(), ids.size());
    for (int i = 0; i < 30'000; ++i) {
      const auto& state = (*states)[static_cast<std::size_t>(i)];
      if (i % 3 != 0) {
        ASSERT_TRUE(state.empty()) << i;
        continue;
      }
      ASSERT_FALSE(state.empty()) << i;
      ASSERT_EQ(state.next_due_ms(), 1'000'000 + i);
      ASSERT_EQ(state.Unpack().last_text_hash, std::to_string(i));
    }
  }
  auto none = ReadStoredStates(**store, {}, 4, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// A document with one version, "text of <id>".
void StoreDocumentWithOneVersion(Store& store, const std::string& id) {
  CheckCommit commit;
  commit.doc_id = id;
  commit.check.time_ms = 7'000;
  commit.check.outcome = "first_seen";
  commit.state.last_text_hash = Sha256Hex("text of " + id);
  commit.state.version_count = 1;
  CheckCommit::NewVersion version;
  version.text = "text of " + id;
  version.raw_html = "<p>text of " + id + "</p>";
  version.record.time_ms = 7'000;
  commit.version = version;
  commit.events = {
      {{"type", "document.first_seen"}, {"doc", id}, {"hash", Sha256Hex(version.text)}}};
  ASSERT_TRUE(store.CommitCheck(commit).ok());
}

TEST(StateReaderTest, UnreadableStatesAreRepairedInTheirPlaceOnAnyNumberOfThreads) {
  TempDir dir;
  std::vector<std::string> ids;
  for (int i = 0; i < 30'000; ++i) ids.push_back(Id(i));
  const std::vector<int> damaged = {5, 29'998};  // in the first part and the last
  {
    auto store = Store::Open(dir.path() / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int i = 0; i < 30'000; i += 2) {
      DocState state;
      state.last_text_hash = std::to_string(i);
      ASSERT_TRUE((*store)->PutDocState(ids[static_cast<std::size_t>(i)], state).ok());
    }
    for (const int i : damaged) {
      StoreDocumentWithOneVersion(**store, ids[static_cast<std::size_t>(i)]);
    }
  }
  for (const int i : damaged) {  // their states damaged behind the store's back
    ASSERT_TRUE(
        testing::PutRawDocState(dir.path() / "db", ids[static_cast<std::size_t>(i)], "{not json")
            .ok());
  }
  auto store = Store::Open(dir.path() / "db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::vector<std::string_view> views(ids.begin(), ids.end());
  for (const std::size_t threads : {3u, 1u}) {  // repaired by the first read, read by the second
    SCOPED_TRACE("threads " + std::to_string(threads));
    auto states = ReadStoredStates(**store, views, threads, 1'234);
    ASSERT_TRUE(states.ok()) << states.status().ToString();
    for (int i = 0; i < 30'000; ++i) {
      const auto& state = (*states)[static_cast<std::size_t>(i)];
      const std::string& id = ids[static_cast<std::size_t>(i)];
      if (i == damaged[0] || i == damaged[1]) {
        ASSERT_FALSE(state.empty()) << i;
        EXPECT_EQ(state.Unpack().last_text_hash, Sha256Hex("text of " + id)) << i;
        EXPECT_EQ(state.Unpack().version_count, 1u) << i;
        EXPECT_EQ((*store)->GetMeta("unreadable_doc_state/" + id + "@1234").value(), "{not json");
      } else if (i % 2 == 0) {
        ASSERT_EQ(state.Unpack().last_text_hash, std::to_string(i)) << i;
      } else {
        ASSERT_TRUE(state.empty()) << i;
      }
    }
  }
}

}  // namespace
}  // namespace policyd
