#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/store.h"
#include "src/store/keys.h"
#include "support/temp_dir.h"
#include "tests/unit/store/test_commits.h"

namespace policyd {
namespace {

using nlohmann::json;

constexpr int kThreads = 8;
constexpr int kCommitsPerThread = 200;

// Runs body(0) .. body(count - 1) at once, one thread each, and waits for all of them.
template <typename Body>
void RunOnThreads(int count, Body body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < count; ++t) threads.emplace_back(body, t);
  for (std::thread& thread : threads) thread.join();
}

TEST(StoreConcurrencyTest, SequencesAreContiguousAndInCommitOrder) {
  TempDir dir;
  StoreOptions options;
  options.sync_on_version = false;  // 1,600 fsyncs would only slow the test down
  auto opened = Store::Open(dir.path(), options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;

  std::vector<std::vector<uint64_t>> per_thread(kThreads);
  RunOnThreads(kThreads, [&store, &per_thread](int t) {
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

// Group commit: with synced commits racing, the leader merges the queued batches into one
// write. Every commit still gets its own contiguous numbers, in the order the writer saw,
// and everything it wrote (events, versions, blobs, checks, state) is readable afterwards.
TEST(StoreConcurrencyTest, SyncedConcurrentCommitsAreGroupedAndAllReadable) {
  constexpr int kWriters = 6;
  constexpr int kCommits = 40;
  TempDir dir;
  auto opened = Store::Open(dir.path());  // sync_on_version: every commit below is synced
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;

  std::vector<std::vector<uint64_t>> per_thread(kWriters);
  RunOnThreads(kWriters, [&store, &per_thread](int t) {
    const std::string doc = "group" + std::to_string(t);
    for (int i = 0; i < kCommits; ++i) {
      const std::string text = doc + " text " + std::to_string(i);
      CheckCommit commit = ChangedCommit(doc, 5000 + i, text);
      if (i % 3 == 0) {
        // Some with the caller's hashes (the daemon's path), some hashed by the store.
        commit.version->text_hash = Sha256Hex(commit.version->text);
        commit.version->raw_hash = Sha256Hex(commit.version->raw_html);
      }
      commit.events.front()["thread"] = t;
      commit.events.front()["i"] = i;
      if (i % 4 == 1) {
        // Two events in one commit: both numbers must be adjacent.
        commit.events.insert(commit.events.begin(),
                             json{{"type", "document.recovered"}, {"thread", t}, {"i", -i}});
      }
      if (i % 5 == 2) {
        // The daemon's marked processing: its commit deletes the mark, in a group too (a
        // merged group refused the delete, failing every commit in it).
        ASSERT_TRUE(store.MarkProcessing(doc, 0).ok());
        commit.clears_processing_mark = true;
      }
      const auto result = store.CommitCheck(commit);
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      ASSERT_EQ(result->size(), commit.events.size());
      if (result->size() == 2) {
        EXPECT_EQ((*result)[1].seq, (*result)[0].seq + 1);
      }
      per_thread[t].push_back(result->back().seq);
    }
  });

  const auto events = store.ReadEvents(0, 100000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), store.LastSequence());
  for (std::size_t i = 0; i < events->size(); ++i) {
    ASSERT_EQ((*events)[i].seq, i + 1);  // contiguous from 1
    EXPECT_EQ(json::parse((*events)[i].json)["seq"], i + 1);
  }
  for (int t = 0; t < kWriters; ++t) {
    const std::vector<uint64_t>& seqs = per_thread[t];
    for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]);
    const std::string doc = "group" + std::to_string(t);
    const auto history = store.GetHistory(doc);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), static_cast<std::size_t>(kCommits));
    for (int i = 0; i < kCommits; ++i) {
      const VersionRecord& version = (*history)[i];
      EXPECT_EQ(version.event_seq, seqs[i]);
      const std::string text = doc + " text " + std::to_string(i);
      EXPECT_EQ(version.text_hash, Sha256Hex(text));
      const auto blob = store.GetBlob(version.text_hash);
      ASSERT_TRUE(blob.ok());
      EXPECT_EQ(*blob, text);
      const auto raw = store.GetBlob(version.raw_hash);
      ASSERT_TRUE(raw.ok());
      EXPECT_EQ(*raw, "<html><body>" + text + "</body></html>");
    }
    const auto state = store.GetDocState(doc);
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->last_check_ms, 5000 + kCommits - 1);
  }
  const auto marks = store.TakeProcessingMarks();
  ASSERT_TRUE(marks.ok());
  EXPECT_TRUE(marks->empty());
  // Six writers each waiting for an fsync: some of them shared one.
  EXPECT_LT(store.CommitWriteCount(), static_cast<uint64_t>(kWriters * kCommits));
  EXPECT_GT(store.CommitWriteCount(), 0u);
}

// A commit with no event and a version (possible through the API) probes for a free version
// key; two such commits of one document in the same millisecond, in one group, must not
// overwrite each other.
TEST(StoreConcurrencyTest, VersionsWithoutEventsInOneGroupKeepDistinctKeys) {
  TempDir dir;
  auto opened = Store::Open(dir.path());
  ASSERT_TRUE(opened.ok());
  Store& store = **opened;
  constexpr int kRacers = 4;
  constexpr int kEach = 10;
  RunOnThreads(kRacers, [&store](int t) {
    for (int i = 0; i < kEach; ++i) {
      CheckCommit commit =
          ChangedCommit("same", 7000, "text " + std::to_string(t) + "/" + std::to_string(i));
      commit.events.clear();
      ASSERT_TRUE(store.CommitCheck(commit).ok());
    }
  });
  const auto history = store.GetHistory("same");
  ASSERT_TRUE(history.ok());
  std::set<std::string> texts;
  for (const VersionRecord& version : *history) texts.insert(version.text_hash);
  EXPECT_EQ(history->size(), static_cast<std::size_t>(kRacers * kEach));
  EXPECT_EQ(texts.size(), static_cast<std::size_t>(kRacers * kEach));
}

}  // namespace
}  // namespace policyd
