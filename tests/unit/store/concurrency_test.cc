#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/store.h"
#include "src/store/keys.h"
#include "tests/unit/store/temp_dir.h"
#include "tests/unit/store/test_commits.h"

namespace policyd {
namespace {

using nlohmann::json;

constexpr int kThreads = 8;
constexpr int kCommitsPerThread = 200;

TEST(StoreConcurrencyTest, SequencesAreContiguousAndInCommitOrder) {
  TempDir dir;
  StoreOptions options;
  options.sync_on_version = false;  // 1,600 fsyncs would only slow the test down
  auto opened = Store::Open(dir.path(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;

  std::vector<std::vector<uint64_t>> per_thread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &per_thread, t] {
      const std::string doc = "doc" + std::to_string(t);
      for (int i = 0; i < kCommitsPerThread; ++i) {
        // Every other commit is a change with a version; the rest are stand-alone events.
        if (i % 2 == 0) {
          CheckCommit commit = ChangedCommit(doc, 1000 + i, doc + " v" + std::to_string(i));
          commit.events.front()["thread"] = t;
          commit.events.front()["i"] = i;
          const auto result = store.CommitCheck(commit);
          ASSERT_TRUE(result.ok()) << result.status().ToString();
          ASSERT_EQ(result->size(), 1u);
          per_thread[t].push_back(result->front().seq);
        } else {
          const auto result = store.AppendEvent(json{{"thread", t}, {"i", i}});
          ASSERT_TRUE(result.ok()) << result.status().ToString();
          per_thread[t].push_back(result->seq);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  constexpr uint64_t kTotal = kThreads * kCommitsPerThread;
  EXPECT_EQ(store.LastSequence(), kTotal);
  // Each thread saw its own commits numbered in the order it made them.
  std::set<uint64_t> all;
  for (const auto& seqs : per_thread) {
    ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kCommitsPerThread));
    for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]);
    all.insert(seqs.begin(), seqs.end());
  }
  EXPECT_EQ(all.size(), kTotal);  // no duplicates

  const auto events = store.ReadEvents(0, 10 * kTotal);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), kTotal);
  for (uint64_t i = 0; i < kTotal; ++i) {
    const StoredEvent& event = (*events)[i];
    ASSERT_EQ(event.seq, i + 1);
    const json body = json::parse(event.json);
    EXPECT_EQ(body["seq"], event.seq);
    // The event stored under this number is the one its committer was told about.
    EXPECT_EQ(per_thread[body["thread"].get<int>()][body["i"].get<std::size_t>()], event.seq);
  }

  // Each version points at the event that announced it.
  for (int t = 0; t < kThreads; ++t) {
    const auto history = store.GetHistory("doc" + std::to_string(t));
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), static_cast<std::size_t>(kCommitsPerThread / 2));
    for (std::size_t v = 0; v < history->size(); ++v) {
      EXPECT_EQ((*history)[v].event_seq, per_thread[t][2 * v]);
    }
  }
}

}  // namespace
}  // namespace policyd
