#include "policyd/store.h"

#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "src/store/database.h"
#include "src/store/store_impl.h"
#include "support/as_nobody.h"
#include "support/raw_doc_state.h"
#include "support/temp_dir.h"
#include "tests/unit/store/test_commits.h"

namespace policyd {
namespace {

using nlohmann::json;
using store_internal::Cf;

std::unique_ptr<Store> OpenOrDie(const std::filesystem::path& dir, StoreOptions options = {}) {
  Result<std::unique_ptr<Store>> store = Store::Open(dir, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Number of keys in one column family, read with the store closed.
std::size_t CountKeys(const std::filesystem::path& dir, Cf family) {
  auto database = store_internal::Database::Open(dir);
  EXPECT_TRUE(database.ok()) << database.status().ToString();
  if (!database.ok()) return 0;
  const std::unique_ptr<rocksdb::Iterator> it(
      (*database)->db()->NewIterator(rocksdb::ReadOptions(), (*database)->cf(family)));
  std::size_t count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  return count;
}

// Writes meta `key` directly, bypassing the store's guard on reserved keys.
void PutRawMeta(const std::filesystem::path& dir, const std::string& key,
                const std::string& value) {
  auto database = store_internal::Database::Open(dir);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  ASSERT_TRUE(
      (*database)->db()->Put(rocksdb::WriteOptions(), (*database)->cf(Cf::kMeta), key, value).ok());
}

TEST(StoreTest, ZstdIsAvailable) {
  const auto supported = rocksdb::GetSupportedCompressions();
  EXPECT_NE(std::find(supported.begin(), supported.end(), rocksdb::kZSTD), supported.end());
}

TEST(StoreTest, BulkFamiliesSettleInZstdAfterCheapLz4Flushes) {
  TempDir dir;
  auto database = store_internal::Database::Open(dir.path());
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  for (const Cf family : {Cf::kBlobs, Cf::kVersions, Cf::kEvents}) {
    const rocksdb::Options options = (*database)->db()->GetOptions((*database)->cf(family));
    EXPECT_EQ(options.compression, rocksdb::kLZ4Compression);
    EXPECT_EQ(options.bottommost_compression, rocksdb::kZSTD);
  }
}

TEST(StoreTest, CreatesAndStampsSchema) {
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "sub" / "db");  // parent directories are created
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetMeta("schema_version").value(), std::to_string(kSchemaVersion));
  EXPECT_EQ(store->LastSequence(), 0u);
  EXPECT_TRUE(store->ReadEvents(0, 10)->empty());
  EXPECT_TRUE(store->ListDocStates()->empty());
}

TEST(StoreTest, ReopenKeepsEverything) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 1000, "v1\n")).ok());
    ASSERT_TRUE(store->SetMeta("feed_cursor", "17").ok());
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetMeta("feed_cursor").value(), "17");
  EXPECT_EQ(store->GetHistory("acme")->size(), 1u);
  EXPECT_EQ(store->GetChecks("acme", 10)->size(), 1u);
  EXPECT_EQ(store->GetDocState("acme")->last_text_hash, Sha256Hex("v1\n"));
  EXPECT_EQ(store->GetBlob(Sha256Hex("v1\n")).value(), "v1\n");
  EXPECT_EQ(store->LastSequence(), 1u);
}

TEST(StoreTest, SecondOpenWhileOpenIsIoError) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const Result<std::unique_ptr<Store>> second = Store::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kIoError);
  EXPECT_NE(second.status().message().find("in use by another process"), std::string::npos)
      << second.status().ToString();
}

// A database an earlier run as root left, its directories chowned but not its files: the
// message said "in use by another process" (no process held it) and gave no way out.
TEST(StoreTest, ADatabaseOfAnotherUserSaysWhoseItIsNotThatItIsInUse) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to leave files of another user";
  TempDir dir;
  { ASSERT_NE(OpenOrDie(dir.path() / "db"), nullptr); }
  ASSERT_EQ(::chown(dir.path().c_str(), testing::kNobody, testing::kNoGroup), 0);
  ASSERT_EQ(::chown((dir.path() / "db").c_str(), testing::kNobody, testing::kNoGroup), 0);
  const std::string message =
      testing::RunAsNobody([&dir] { return Store::Open(dir.path() / "db").status().ToString(); });
  EXPECT_EQ(message.find("in use by another process"), std::string::npos) << message;
  EXPECT_NE(message.find("cannot open database at " + (dir.path() / "db").string()),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("belongs to uid 0; policyd runs as uid 65534: chown -R the state "
                         "directory to that user)"),
            std::string::npos)
      << message;
}

TEST(StoreTest, NewerSchemaIsUnsupported) {
  TempDir dir;
  { ASSERT_NE(OpenOrDie(dir.path()), nullptr); }
  PutRawMeta(dir.path(), "schema_version", std::to_string(kSchemaVersion + 1));
  const Result<std::unique_ptr<Store>> store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnsupported) << store.status().ToString();
  // The refused open released the database.
  PutRawMeta(dir.path(), "schema_version", std::to_string(kSchemaVersion));
  EXPECT_NE(OpenOrDie(dir.path()), nullptr);
}

TEST(StoreTest, GarbledSchemaIsCorruption) {
  TempDir dir;
  { ASSERT_NE(OpenOrDie(dir.path()), nullptr); }
  PutRawMeta(dir.path(), "schema_version", "one");
  EXPECT_EQ(Store::Open(dir.path()).status().code(), Status::Code::kCorruption);
}

TEST(StoreTest, ReservedMetaKeysAreRefused) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SetMeta("schema_version", "9").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store->SetMeta("last_sequence", "9").code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(store->GetMeta("absent").status().IsNotFound());
}

TEST(StoreTest, WebhookCursorsSurviveReopenAndAreTheStoresOwn) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    EXPECT_TRUE(store->ListWebhookCursors()->empty());
    ASSERT_TRUE(store->PutWebhookCursor("ops", 5).ok());
    ASSERT_TRUE(store->PutWebhookCursor("chat-2", 0).ok());
    ASSERT_TRUE(store->PutWebhookCursor("ops", 41).ok());  // moves on
    ASSERT_TRUE(store->SetMeta("webhook_cursor", "free key, not a cursor").ok());
    // The prefix is reserved: a free meta key cannot forge or clobber a cursor.
    EXPECT_EQ(store->SetMeta("webhook_cursor/ops", "1").code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(store->PutWebhookCursor("", 1).code(), Status::Code::kInvalidArgument);
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto cursors = store->ListWebhookCursors();
  ASSERT_TRUE(cursors.ok()) << cursors.status().ToString();
  EXPECT_EQ(*cursors, (std::map<std::string, uint64_t>{{"chat-2", 0}, {"ops", 41}}));
}

// The crash-loop guard's marks: what a process that ended mid-processing leaves, read (and
// cleared) by the next one, with the count of interruptions in a row.
TEST(StoreTest, ProcessingMarksOutliveTheProcessAndAreTakenOnce) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->MarkProcessing("acme/privacy-policy", 0).ok());
    ASSERT_TRUE(store->MarkProcessing("globex/terms", 2).ok());
    ASSERT_TRUE(store->MarkProcessing("initech/cookies", 0).ok());
    ASSERT_TRUE(store->ClearProcessing("initech/cookies").ok());  // its processing ended
    // The prefix is the store's: a free meta key cannot forge a mark.
    EXPECT_EQ(store->SetMeta("processing/x/y", "1").code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(store->MarkProcessing("", 0).code(), Status::Code::kInvalidArgument);
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto marks = store->TakeProcessingMarks();
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  EXPECT_EQ(*marks, (std::map<std::string, int>{{"acme/privacy-policy", 1}, {"globex/terms", 3}}));
  const auto again = store->TakeProcessingMarks();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

// A check's commit deletes its document's mark in the same batch: a process killed right after
// the commit leaves no mark, so its next start does not call a stored check interrupted (it
// did, when the mark was deleted by a later, separate write). A check that commits nothing
// leaves the mark to ClearProcessing.
TEST(StoreTest, ACommittedCheckTakesItsProcessingMarkWithIt) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->MarkProcessing("acme", 0).ok());
    ASSERT_TRUE(store->MarkProcessing("globex", 1).ok());
    CheckCommit commit = ChangedCommit("acme", 1000, "v1\n");
    commit.clears_processing_mark = true;
    ASSERT_TRUE(store->CommitCheck(commit).ok());
    // globex's check committed without the flag: its mark stays (a kill here is an interruption).
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("globex", 1000, "v1\n")).ok());
  }  // no ClearProcessing: as if killed here
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto marks = store->TakeProcessingMarks();
  ASSERT_TRUE(marks.ok()) << marks.status().ToString();
  EXPECT_EQ(*marks, (std::map<std::string, int>{{"globex", 2}}));
}

// ReadDocStates (issue 19: a daemon starting with a million documents): the states of a sorted
// list of ids in one pass, across gaps long enough to be sought over.
TEST(StoreTest, ReadDocStatesGivesTheStatesOfTheIdsAskedInOrder) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto put = [&](const std::string& id, int64_t due) {
    DocState state;
    state.next_due_ms = due;
    state.etag = "\"" + id + "\"";
    ASSERT_TRUE(store->PutDocState(id, state).ok());
  };
  put("a/one", 1);
  put("c/three", 3);
  for (int i = 0; i < 100; ++i) put("m/" + std::to_string(1000 + i), 1000 + i);
  put("x/last", 9);

  std::vector<std::pair<std::size_t, int64_t>> seen;  // (index, next_due_ms)
  const auto read = [&](std::vector<std::string_view> ids) {
    seen.clear();
    return store->ReadDocStates(ids, [&](std::size_t index, DocState state) {
      EXPECT_EQ(state.etag, "\"" + std::string(ids[index]) + "\"");
      seen.emplace_back(index, state.next_due_ms);
    });
  };
  // Ids without a state (before, between and after the stored ones) are skipped; the gap
  // from "c/three" to "x/last" (a hundred states) is crossed.
  ASSERT_TRUE(
      read({"0/none", "a/one", "b/none", "c/three", "m/1050", "m/1051", "x/last", "z/none"}).ok());
  EXPECT_EQ(seen, (std::vector<std::pair<std::size_t, int64_t>>{
                      {1, 1}, {3, 3}, {4, 1050}, {5, 1051}, {6, 9}}));
  ASSERT_TRUE(read({"c/three", "x/last"}).ok());
  EXPECT_EQ(seen, (std::vector<std::pair<std::size_t, int64_t>>{{0, 3}, {1, 9}}));
  ASSERT_TRUE(read({"z/after", "zz/after"}).ok());
  EXPECT_TRUE(seen.empty());
  ASSERT_TRUE(read({}).ok());
  EXPECT_TRUE(seen.empty());
}

TEST(StoreTest, ReadDocStatesRefusesAnUnreadableStateOnlyIfAskedFor) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->PutDocState("a/one", DocState()).ok());
    ASSERT_TRUE(store->PutDocState("c/three", DocState()).ok());
  }
  ASSERT_TRUE(testing::PutRawDocState(dir.path(), "b/two", "{garbled").ok());
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  std::size_t visited = 0;
  const auto count = [&visited](std::size_t, DocState) { ++visited; };
  EXPECT_TRUE(store->ReadDocStates(std::vector<std::string_view>{"a/one", "c/three"}, count).ok());
  EXPECT_EQ(visited, 2u);
  const Status status =
      store->ReadDocStates(std::vector<std::string_view>{"a/one", "b/two", "c/three"}, count);
  EXPECT_EQ(status.code(), Status::Code::kCorruption);
  EXPECT_NE(status.message().find("b/two"), std::string::npos);
}

TEST(StoreTest, GarbledWebhookCursorIsCorruption) {
  TempDir dir;
  { ASSERT_NE(OpenOrDie(dir.path()), nullptr); }
  PutRawMeta(dir.path(), "webhook_cursor/ops", "forty-one");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->ListWebhookCursors().status().code(), Status::Code::kCorruption);
}

TEST(StoreTest, CommitWritesVersionBlobsAndContiguousEvents) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const std::vector<std::string> texts = {"# Terms\nv1\n", "# Terms\nv2\n", "# Terms\nv3\n"};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto result =
        store->CommitCheck(ChangedCommit("acme", 1000 + static_cast<int64_t>(i), texts[i]));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_EQ(result->size(), 1u);
    EXPECT_EQ(result->front().seq, i + 1);
    const json event = json::parse(result->front().json);
    EXPECT_EQ(event["seq"], i + 1);
    EXPECT_EQ(event["type"], "document.changed");
    EXPECT_EQ(result->front().json.find('\n'), std::string::npos);
  }
  EXPECT_EQ(store->LastSequence(), 3u);
  EXPECT_EQ(store->GetMeta("last_sequence").value(), "3");

  const auto history = store->GetHistory("acme");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const VersionRecord& version = (*history)[i];  // oldest first
    EXPECT_EQ(version.time_ms, 1000 + static_cast<int64_t>(i));
    EXPECT_EQ(version.event_seq, i + 1);
    EXPECT_EQ(version.text_hash, Sha256Hex(texts[i]));
    EXPECT_EQ(version.url, "https://example.com/acme");
    EXPECT_EQ(version.headers.at("content-type"), "text/html");
    EXPECT_EQ(store->GetBlob(version.text_hash).value(), texts[i]);
    EXPECT_EQ(store->GetBlob(version.raw_hash).value(),
              "<html><body>" + texts[i] + "</body></html>");
  }

  const auto events = store->ReadEvents(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  for (std::size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*events)[i].seq, i + 1);
  EXPECT_TRUE(store->GetBlob(std::string(64, '0')).status().IsNotFound());
}

TEST(StoreTest, HashesComeFromTheBytesNotTheCaller) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  CheckCommit commit = ChangedCommit("acme", 1, "text");
  commit.version->record.text_hash = "bogus";
  commit.version->record.raw_hash = "bogus";
  commit.version->record.event_seq = 777;
  ASSERT_TRUE(store->CommitCheck(commit).ok());
  const VersionRecord version = store->GetHistory("acme")->at(0);
  EXPECT_EQ(version.text_hash, Sha256Hex("text"));
  EXPECT_EQ(version.raw_hash, Sha256Hex(commit.version->raw_html));
  EXPECT_EQ(version.event_seq, 1u);
}

TEST(StoreTest, BlobsAreStoredOnce) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    // The same text (and page) captured twice, e.g. a revert or two documents sharing a text.
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 1, "same\n")).ok());
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 2, "same\n")).ok());
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("other", 3, "same\n")).ok());
    const auto history = store->GetHistory("acme");
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].text_hash, (*history)[1].text_hash);
    EXPECT_EQ(store->GetBlob((*history)[0].text_hash).value(), "same\n");
  }
  EXPECT_EQ(CountKeys(dir.path(), Cf::kBlobs), 2u);  // one text + one raw page
}

TEST(StoreTest, VersionWithoutEventGetsItsOwnKey) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  // Two event-less versions in the same millisecond must both be kept.
  for (const char* text : {"a", "b"}) {
    CheckCommit commit = ChangedCommit("acme", 5, text);
    commit.events.clear();
    const auto result = store->CommitCheck(commit);
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(result->empty());
  }
  const auto history = store->GetHistory("acme");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].event_seq, 0u);
  EXPECT_EQ(store->LastSequence(), 0u);
}

TEST(StoreTest, EventsSurviveReopenAndSequenceContinues) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 1, "v1")).ok());
    ASSERT_TRUE(store->AppendEvent(json{{"type", "document.fetch_failed"}}).ok());
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LastSequence(), 2u);
  const auto appended = store->AppendEvent(json{{"type", "daemon.started"}});
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->seq, 3u);
  const auto committed = store->CommitCheck(ChangedCommit("acme", 2, "v2"));
  ASSERT_EQ(committed->size(), 1u);
  EXPECT_EQ(committed->front().seq, 4u);
  const auto events = store->ReadEvents(0, 10);
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ(json::parse((*events)[1].json)["type"], "document.fetch_failed");
  EXPECT_EQ(json::parse((*events)[2].json)["seq"], 3);
}

TEST(StoreTest, LastSequenceComesFromEventsEvenIfMetaIsStale) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store->AppendEvent(json{{"i", i}}).ok());
  }
  PutRawMeta(dir.path(), "last_sequence", "2");
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LastSequence(), 5u);
  EXPECT_EQ(store->AppendEvent(json::object())->seq, 6u);
}

TEST(StoreTest, UnchangedCheckWritesNoEventAndNoVersion) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto result = store->CommitCheck(UnchangedCommit("acme", 10));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->empty());
  EXPECT_EQ(store->LastSequence(), 0u);
  EXPECT_TRUE(store->GetHistory("acme")->empty());
  EXPECT_EQ(store->GetChecks("acme", 5)->size(), 1u);
  EXPECT_EQ(store->GetDocState("acme")->last_check_ms, 10);
}

TEST(StoreTest, BadInputIsRefusedWithoutUsingASequence) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  CheckCommit commit = ChangedCommit("acme", 1, "v1");
  commit.events = {json::array({1, 2})};
  EXPECT_EQ(store->CommitCheck(commit).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store->AppendEvent(json("text")).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store->CommitCheck(ChangedCommit("", 1, "v")).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store->CommitCheck(ChangedCommit(std::string("a\0b", 3), 1, "v")).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store->LastSequence(), 0u);
  EXPECT_EQ(store->AppendEvent(json::object())->seq, 1u);
}

TEST(StoreTest, InvalidUtf8InEventsIsStoredNotThrown) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const auto stored = store->AppendEvent(json{{"title", std::string("caf\xe9")}});
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(json::parse(stored->json, nullptr, false).is_discarded());
}

TEST(StoreTest, GetChecksNewestFirstWithLimit) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  for (const int64_t time : {300, 100, 500, 200, 400}) {
    ASSERT_TRUE(store->CommitCheck(UnchangedCommit("acme", time)).ok());
  }
  // Neighbouring ids must not leak into "acme"'s range.
  ASSERT_TRUE(store->CommitCheck(UnchangedCommit("acme0", 900)).ok());
  ASSERT_TRUE(store->CommitCheck(UnchangedCommit("acm", 950)).ok());
  ASSERT_TRUE(store->CommitCheck(UnchangedCommit("acmf", 990)).ok());

  const auto three = store->GetChecks("acme", 3);
  ASSERT_TRUE(three.ok());
  ASSERT_EQ(three->size(), 3u);
  EXPECT_EQ((*three)[0].time_ms, 500);
  EXPECT_EQ((*three)[1].time_ms, 400);
  EXPECT_EQ((*three)[2].time_ms, 300);
  EXPECT_EQ(store->GetChecks("acme", 100)->size(), 5u);
  EXPECT_EQ(store->GetChecks("acme", 100)->back().time_ms, 100);
  EXPECT_TRUE(store->GetChecks("acme", 0)->empty());
  EXPECT_TRUE(store->GetChecks("nobody", 10)->empty());
  EXPECT_EQ(store->GetChecks("acm", 10)->size(), 1u);
}

TEST(StoreTest, SameMillisecondChecksAreAllKept) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->CommitCheck(UnchangedCommit("acme", 7)).ok());
  EXPECT_EQ(store->GetChecks("acme", 10)->size(), 3u);
}

TEST(StoreTest, ReadEventsPaging) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(store->AppendEvent(json{{"n", i}}).ok());
  std::vector<uint64_t> seen;
  uint64_t after = 0;
  std::size_t pages = 0;
  while (true) {
    const auto page = store->ReadEvents(after, 4);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    ++pages;
    for (const StoredEvent& event : *page) {
      seen.push_back(event.seq);
      EXPECT_EQ(json::parse(event.json)["n"], event.seq);
    }
    after = page->back().seq;
  }
  EXPECT_EQ(pages, 3u);
  EXPECT_EQ(seen, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(store->ReadEvents(7, 100)->front().seq, 8u);
  EXPECT_TRUE(store->ReadEvents(10, 100)->empty());
  EXPECT_TRUE(store->ReadEvents(UINT64_MAX, 100)->empty());
  EXPECT_TRUE(store->ReadEvents(0, 0)->empty());
}

// Pages are bounded in bytes too (the feed's replay of large events), but never empty.
TEST(StoreTest, ReadEventsByteBound) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  for (int i = 1; i <= 6; ++i) {
    ASSERT_TRUE(store->AppendEvent(json{{"pad", std::string(1000, 'x')}}).ok());
  }
  const std::size_t one = store->ReadEvents(0, 1)->front().json.size();
  EXPECT_GT(one, 1000u);
  // Two events fit in 2.5 events' worth of bytes, the third does not.
  auto page = store->ReadEvents(0, 100, one * 5 / 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ(page->back().seq, 2u);
  page = store->ReadEvents(2, 100, one * 2);  // exactly two
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ(page->back().seq, 4u);
  page = store->ReadEvents(4, 100, 10);  // one event is larger than the bound: still returned
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().seq, 5u);
}

TEST(StoreTest, DocStateRoundTripListAndDelete) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->GetDocState("acme").status().IsNotFound());
  DocState state;
  state.etag = "\"x\"";
  state.next_due_ms = 123;
  state.consecutive_failures = 2;
  state.failure_reported = true;
  state.version_count = 3;
  ASSERT_TRUE(store->PutDocState("acme", state).ok());
  ASSERT_TRUE(store->PutDocState("beta", DocState()).ok());
  const DocState back = store->GetDocState("acme").value();
  EXPECT_EQ(back.etag, "\"x\"");
  EXPECT_EQ(back.next_due_ms, 123);
  EXPECT_EQ(back.consecutive_failures, 2);
  EXPECT_TRUE(back.failure_reported);
  EXPECT_EQ(back.version_count, 3u);

  const auto all = store->ListDocStates();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at("acme").next_due_ms, 123);

  // Deleting the state keeps history.
  ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 1, "v1")).ok());
  ASSERT_TRUE(store->DeleteDocState("acme").ok());
  EXPECT_TRUE(store->GetDocState("acme").status().IsNotFound());
  EXPECT_EQ(store->ListDocStates()->size(), 1u);
  EXPECT_EQ(store->GetHistory("acme")->size(), 1u);
  EXPECT_EQ(store->GetChecks("acme", 10)->size(), 1u);
  EXPECT_TRUE(store->GetBlob(Sha256Hex("v1")).ok());
  EXPECT_EQ(store->PutDocState("", DocState()).code(), Status::Code::kInvalidArgument);
}

TEST(StoreTest, ApproximateSizeGrowsWithData) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const uint64_t before = store->ApproximateSizeBytes();
  std::string big;
  for (int i = 0; big.size() < 200000; ++i) big += "line " + std::to_string(i * 7919) + "\n";
  ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 1, big)).ok());
  EXPECT_GT(store->ApproximateSizeBytes(), before + 200000);
}

// Once flushed, raw pages and texts live in blob files: the size counts them. It left them out,
// so `status` fell from 9.7 MiB to 851 KiB at a restart with the same data.
TEST(StoreTest, ApproximateSizeCountsBlobFilesAcrossAReopen) {
  TempDir dir;
  std::string big;  // hex: compresses at most about twice
  for (int i = 0; big.size() < 400000; ++i) big += Sha256Hex(std::to_string(i));
  uint64_t written = 0;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CommitCheck(ChangedCommit("acme", 1, big)).ok());
    written = store->ApproximateSizeBytes();
  }
  auto reopened = OpenOrDie(dir.path());
  ASSERT_NE(reopened, nullptr);
  EXPECT_GT(reopened->ApproximateSizeBytes(), 150000u) << "before the reopen: " << written;
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

TEST(StoreTest, OneCommitCanCarrySeveralEventsInOrder) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  CheckCommit commit = ChangedCommit("acme", 1, "v1");
  commit.events.insert(commit.events.begin(), json{{"type", "document.recovered"}});
  const auto result = store->CommitCheck(commit);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].seq, 1u);
  EXPECT_EQ((*result)[1].seq, 2u);
  EXPECT_EQ(json::parse((*result)[0].json)["type"], "document.recovered");
  // The version points at the event that announced it, not at the recovery.
  const auto history = store->GetHistory("acme");
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].event_seq, 2u);
  EXPECT_EQ(store->LastSequence(), 2u);
}

}  // namespace
}  // namespace policyd
