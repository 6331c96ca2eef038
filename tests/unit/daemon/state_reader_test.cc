// ReadStoredStates (issue 19 item 4): the states of many documents read on several threads,
// each document getting its own, whatever the split.
#include "state_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

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
    auto states = ReadStoredStates(**store, views, threads);
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
  auto none = ReadStoredStates(**store, {}, 4);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace policyd
