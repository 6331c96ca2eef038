// Store::Verify, CollectGarbage, CreateCheckpoint and the size of a check record. Each
// corruption test damages the database on purpose through a raw RocksDB handle (with the store
// closed) and expects Verify to name exactly that class of problem.
#include <rocksdb/db.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/store.h"
#include "src/store/database.h"
#include "src/store/json_codec.h"
#include "src/store/keys.h"
#include "support/temp_dir.h"
#include "tests/unit/store/test_commits.h"

namespace policyd {
namespace {

using nlohmann::json;
using store_internal::Cf;
using ::testing::HasSubstr;

constexpr int64_t kDay = int64_t{24} * 3600 * 1000;
constexpr int64_t kT0 = 1'780'000'000'000;  // 2026

CheckCommit RecheckCommit(const std::string& doc_id, int64_t time_ms, const std::string& text) {
  CheckCommit commit;
  commit.doc_id = doc_id;
  commit.check.time_ms = time_ms;
  commit.check.outcome = "unchanged";
  commit.check.http_status = 200;
  commit.check.raw_hash = Sha256Hex("<html><body><main>" + text + "</main></body></html>");
  commit.check.text_hash = Sha256Hex(text);
  commit.check.duration_ms = 42;
  commit.state.last_text_hash = Sha256Hex(text);
  commit.state.last_check_ms = time_ms;
  return commit;
}

std::unique_ptr<Store> OpenOrDie(const std::filesystem::path& dir) {
  Result<std::unique_ptr<Store>> store = Store::Open(dir);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Two documents, three versions and some rechecks: a healthy database.
void Populate(const std::filesystem::path& dir) {
  auto store = OpenOrDie(dir);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitCheck(VersionCommit("acme/privacy", kT0, "one\n", "")).ok());
  ASSERT_TRUE(store->CommitCheck(RecheckCommit("acme/privacy", kT0 + 1000, "one\n")).ok());
  ASSERT_TRUE(
      store->CommitCheck(VersionCommit("acme/privacy", kT0 + 2000, "two\n", Sha256Hex("one\n")))
          .ok());
  ASSERT_TRUE(store->CommitCheck(VersionCommit("globex/terms", kT0 + 3000, "terms\n", "")).ok());
}

VerifyReport VerifyOrDie(const std::filesystem::path& dir) {
  auto store = OpenOrDie(dir);
  if (store == nullptr) return {};
  Result<VerifyReport> report = store->Verify();
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? *report : VerifyReport{};
}

std::vector<std::string> Kinds(const VerifyReport& report) {
  std::vector<std::string> kinds;
  for (const auto& problem : report.problems) kinds.push_back(problem.kind);
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  return kinds;
}

// Runs `damage` on the raw database (store closed).
template <typename Fn>
void Damage(const std::filesystem::path& dir, Fn damage) {
  auto database = store_internal::Database::Open(dir);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  damage(**database);
}

// The first key/value of `family` whose key starts with `prefix`.
std::pair<std::string, std::string> First(store_internal::Database& db, Cf family,
                                          const std::string& prefix = "") {
  const std::unique_ptr<rocksdb::Iterator> it(
      db.db()->NewIterator(rocksdb::ReadOptions(), db.cf(family)));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    if (it->key().starts_with(prefix)) return {it->key().ToString(), it->value().ToString()};
  }
  return {};
}

void Put(store_internal::Database& db, Cf family, const std::string& key,
         const std::string& value) {
  ASSERT_TRUE(db.db()->Put(rocksdb::WriteOptions(), db.cf(family), key, value).ok());
}

// Rewrites stored event `seq` with `edit` applied to its JSON.
template <typename Fn>
void EditEvent(store_internal::Database& db, uint64_t seq, Fn edit) {
  const std::string key = store_internal::EventKey(seq);
  std::string value;
  ASSERT_TRUE(db.db()->Get(rocksdb::ReadOptions(), db.cf(Cf::kEvents), key, &value).ok());
  json event = json::parse(value);
  edit(event);
  Put(db, Cf::kEvents, key, event.dump());
}

void Delete(store_internal::Database& db, Cf family, const std::string& key) {
  ASSERT_TRUE(db.db()->Delete(rocksdb::WriteOptions(), db.cf(family), key).ok());
}

TEST(VerifyTest, HealthyDatabasePasses) {
  TempDir dir;
  Populate(dir.path());
  const VerifyReport report = VerifyOrDie(dir.path());
  EXPECT_TRUE(report.ok()) << ToJson(report).dump(2);
  EXPECT_EQ(report.versions, 3u);
  EXPECT_EQ(report.events, 3u);
  EXPECT_EQ(report.last_sequence, 3u);
  EXPECT_EQ(report.docs, 2u);
  EXPECT_EQ(report.checks, 4u);
  EXPECT_EQ(report.blobs, 6u);  // three texts, three raw pages
}

TEST(VerifyTest, EmptyDatabasePasses) {
  TempDir dir;
  EXPECT_TRUE(VerifyOrDie(dir.path()).ok());
}

TEST(VerifyTest, FindsBlobWhoseBytesDoNotMatchItsHash) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    Put(db, Cf::kBlobs, Sha256Hex("one\n"), "tampered\n");
  });
  const VerifyReport report = VerifyOrDie(dir.path());
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"blob_hash_mismatch"});
  EXPECT_EQ(report.problem_count, 1u);
}

// A blob whose bytes no longer match its hash is never given out as that hash's content:
// `export` wrote such a blob into a file its index listed under the hash, `diff` and the web
// view showed it as the version's text. Reading it is a Corruption naming the blob.
TEST(VerifyTest, ABlobWhoseBytesDoNotMatchItsHashIsNotGivenOut) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    Put(db, Cf::kBlobs, Sha256Hex("one\n"), "tampered\n");
  });
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Result<std::string> tampered = (*store)->GetBlob(Sha256Hex("one\n"));
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.status().code(), Status::Code::kCorruption);
  EXPECT_NE(tampered.status().message().find("blob " + Sha256Hex("one\n") +
                                             " does not match its hash (its bytes hash to " +
                                             Sha256Hex("tampered\n") + ")"),
            std::string::npos)
      << tampered.status().ToString();
  const Result<std::string> intact = (*store)->GetBlob(Sha256Hex("two\n"));
  ASSERT_TRUE(intact.ok()) << intact.status().ToString();
  EXPECT_EQ(*intact, "two\n");
}

TEST(VerifyTest, FindsVersionWhoseBlobIsMissing) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    Delete(db, Cf::kBlobs, Sha256Hex("<html><body><main>terms\n</main></body></html>"));
  });
  const VerifyReport report = VerifyOrDie(dir.path());
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"missing_blob"});
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].doc, "globex/terms");
}

TEST(VerifyTest, FindsCheckWhoseTextIsNotStored) {
  TempDir dir;
  Populate(dir.path());
  {
    auto store = OpenOrDie(dir.path());
    CheckCommit commit = RecheckCommit("globex/terms", kT0 + 9000, "never stored\n");
    commit.state.last_text_hash = Sha256Hex("terms\n");
    ASSERT_TRUE(store->CommitCheck(commit).ok());
  }
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())), std::vector<std::string>{"check_missing_blob"});
}

TEST(VerifyTest, SuspiciousCheckMayNameAnUnstoredText) {
  TempDir dir;
  Populate(dir.path());
  {
    auto store = OpenOrDie(dir.path());
    // The error-page guard held this text back: its hash is recorded, its text is not stored.
    CheckCommit commit = RecheckCommit("globex/terms", kT0 + 9000, "Error 503\n");
    commit.check.outcome = "suspicious";
    commit.state.last_text_hash = Sha256Hex("terms\n");
    ASSERT_TRUE(store->CommitCheck(commit).ok());
  }
  EXPECT_TRUE(VerifyOrDie(dir.path()).ok());
}

TEST(VerifyTest, FindsVersionPointingAtAWrongEvent) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    auto [key, value] = First(db, Cf::kVersions, "globex/terms");
    json record = json::parse(value);
    record["event_seq"] = 1;  // acme's first_seen
    Put(db, Cf::kVersions, key, record.dump());
  });
  const VerifyReport report = VerifyOrDie(dir.path());
  // Version -> event 1 is the wrong document; event 3 now has no version, event 1 two.
  EXPECT_EQ(Kinds(report),
            (std::vector<std::string>{"event_without_version", "version_event_mismatch"}));
}

// A change event whose old_hash names a text stored nowhere, or another document's, breaks
// the chain of hashes a reader of the evidence follows (found by a journalist's tampering
// test: verify said "OK" on both); so does a "version" that names another place.
TEST(VerifyTest, FindsChangeEventWhoseOldHashIsNotTheVersionBefore) {
  for (const std::string& forged : {std::string(64, '1'), Sha256Hex("terms\n")}) {
    TempDir dir;
    Populate(dir.path());
    Damage(dir.path(), [&forged](store_internal::Database& db) {
      EditEvent(db, 2, [&forged](json& event) {  // acme's change "one" -> "two"
        ASSERT_EQ(event["old_hash"], Sha256Hex("one\n"));
        event["old_hash"] = forged;
      });
    });
    const VerifyReport report = VerifyOrDie(dir.path());
    ASSERT_EQ(Kinds(report), std::vector<std::string>{"version_event_mismatch"});
    EXPECT_EQ(report.problems[0].doc, "acme/privacy");
    EXPECT_THAT(report.problems[0].detail, HasSubstr("old_hash is " + forged.substr(0, 12)));
    EXPECT_THAT(report.problems[0].detail,
                HasSubstr("the version before it holds " + Sha256Hex("one\n").substr(0, 12)));
  }
}

TEST(VerifyTest, FindsVersionEventNamingAnotherPlaceInTheHistory) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    EditEvent(db, 2, [](json& event) { event["version"] = 3; });  // it is acme's second version
  });
  const VerifyReport report = VerifyOrDie(dir.path());
  ASSERT_EQ(Kinds(report), std::vector<std::string>{"version_event_mismatch"});
  EXPECT_THAT(report.problems[0].detail, HasSubstr("calls it version 3; it is version 2"));
}

TEST(VerifyTest, FindsVersionWhoseEventIsNotAVersionEvent) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    auto [key, value] = First(db, Cf::kVersions, "globex/terms");
    json record = json::parse(value);
    record["event_seq"] = 77;
    Put(db, Cf::kVersions, key, record.dump());
  });
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())),
            (std::vector<std::string>{"event_without_version", "version_event_missing"}));
}

TEST(VerifyTest, FindsEventAnnouncingAnotherHash) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    EditEvent(db, 2, [](json& event) { event["new_hash"] = Sha256Hex("something else"); });
  });
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())), std::vector<std::string>{"version_event_mismatch"});
}

TEST(VerifyTest, FindsGapInTheEventLog) {
  TempDir dir;
  Populate(dir.path());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store->AppendEvent({{"type", "document.recovered"}, {"doc", "acme/privacy"}}).ok());
  }
  Damage(dir.path(), [](store_internal::Database& db) {
    // The first_seen of globex/terms (seq 3) and its version: no dangling references, only a gap.
    Delete(db, Cf::kEvents, store_internal::EventKey(3));
    Delete(db, Cf::kVersions, First(db, Cf::kVersions, "globex/terms").first);
    Delete(db, Cf::kDocs, "globex/terms");
  });
  const VerifyReport report = VerifyOrDie(dir.path());
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"event_gap"});
}

TEST(VerifyTest, FindsMissingTailOfTheEventLog) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    Put(db, Cf::kMeta, "last_sequence", "5");  // events 4 and 5 "lost"
  });
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())), std::vector<std::string>{"event_gap"});
}

TEST(VerifyTest, FindsEventWithWrongSeqField) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    EditEvent(db, 1, [](json& event) { event["seq"] = 9; });
  });
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())), std::vector<std::string>{"event_seq_mismatch"});
}

TEST(VerifyTest, FindsDocStateDisagreeingWithHistory) {
  TempDir dir;
  Populate(dir.path());
  {
    auto store = OpenOrDie(dir.path());
    DocState state = store->GetDocState("acme/privacy").value();
    state.last_text_hash = Sha256Hex("one\n");  // the newest is "two\n"
    ASSERT_TRUE(store->PutDocState("acme/privacy", state).ok());
  }
  const VerifyReport report = VerifyOrDie(dir.path());
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"doc_state_mismatch"});
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].doc, "acme/privacy");
}

TEST(VerifyTest, FindsTheSameTextTwiceInARow) {
  TempDir dir;
  Populate(dir.path());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_TRUE(store
                    ->CommitCheck(
                        VersionCommit("globex/terms", kT0 + 5000, "terms\n", Sha256Hex("terms\n")))
                    .ok());
  }
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())),
            std::vector<std::string>{"duplicate_consecutive_version"});
}

TEST(VerifyTest, FindsUnreadableRecords) {
  TempDir dir;
  Populate(dir.path());
  Damage(dir.path(), [](store_internal::Database& db) {
    Put(db, Cf::kChecks, First(db, Cf::kChecks, "acme/privacy").first, "{not json");
  });
  EXPECT_EQ(Kinds(VerifyOrDie(dir.path())), std::vector<std::string>{"unreadable_record"});
}

// A damaged block (a flipped byte in a table file): Verify stopped with "internal:
// corruption: scanning versions: ... block checksum mismatch", naming nothing else. It is a
// problem of the report now, and the other families are still checked.
TEST(VerifyTest, ADamagedBlockIsReportedAndTheRestIsStillChecked) {
  TempDir dir;
  Populate(dir.path());
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->CompactForTest().ok());
  }
  // The versions family's table file.
  std::filesystem::path damaged;
  Damage(dir.path(), [&damaged](store_internal::Database& db) {
    std::vector<rocksdb::LiveFileMetaData> files;
    db.db()->GetLiveFilesMetaData(&files);
    for (const rocksdb::LiveFileMetaData& file : files) {
      if (file.column_family_name == db.cf(Cf::kVersions)->GetName()) {
        damaged = std::filesystem::path(file.db_path) / file.name.substr(file.name.find('/') + 1);
      }
    }
  });
  ASSERT_FALSE(damaged.empty());
  {
    std::fstream file(damaged, std::ios::binary | std::ios::in | std::ios::out);
    file.seekg(20);
    char byte = 0;
    file.get(byte);
    file.seekp(20);
    file.put(static_cast<char>(byte ^ 0x5A));
  }
  const VerifyReport report = VerifyOrDie(dir.path());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"unreadable_data"}) << ToJson(report).dump(2);
  EXPECT_EQ(report.problems[0].where, "versions");
  EXPECT_NE(report.problems[0].detail.find("restore the database from a backup"),
            std::string::npos);
  // The families after it were read: every check and doc state was counted.
  EXPECT_EQ(report.checks, 4u);
  EXPECT_EQ(report.docs, 2u);
  EXPECT_EQ(report.blobs, 6u);
}

TEST(GarbageCollectionTest, DeletesOldChecksExceptThoseThatMadeVersions) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string doc = "acme/privacy";
  ASSERT_TRUE(store->CommitCheck(VersionCommit(doc, kT0, "one\n", "")).ok());
  for (int i = 1; i <= 10; ++i) {
    ASSERT_TRUE(store->CommitCheck(RecheckCommit(doc, kT0 + i * kDay, "one\n")).ok());
  }
  CheckCommit failed = RecheckCommit(doc, kT0 + 11 * kDay, "one\n");
  failed.check.outcome = "failed";
  failed.check.text_hash.clear();
  ASSERT_TRUE(store->CommitCheck(failed).ok());
  ASSERT_TRUE(
      store->CommitCheck(VersionCommit(doc, kT0 + 12 * kDay, "two\n", Sha256Hex("one\n"))).ok());
  ASSERT_TRUE(store->CommitCheck(RecheckCommit(doc, kT0 + 13 * kDay, "two\n")).ok());

  // Keep 5 days as seen from day 15: unchanged checks of days 1..9 go; day 0 and 12 made
  // versions; days 10, 11 (failed) and 13 are recent.
  GcOptions options;
  options.check_retention_ms = 5 * kDay;
  options.now_ms = kT0 + 15 * kDay;
  const Result<GcReport> report = store->CollectGarbage(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->checks_scanned, 14u);
  EXPECT_EQ(report->checks_deleted, 9u);
  EXPECT_EQ(report->blobs_deleted, 0u);
  const auto checks = store->GetChecks(doc, 100);
  ASSERT_TRUE(checks.ok());
  std::vector<std::string> outcomes;
  for (const auto& check : *checks) outcomes.push_back(check.outcome);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"unchanged", "changed", "failed", "unchanged",
                                                "first_seen"}));
  EXPECT_EQ(store->GetHistory(doc)->size(), 2u);
  EXPECT_TRUE(store->Verify()->ok());
}

// A document's newest check is the proof that it was verified, and when: `show` lists it and
// an analyst cites it ("unchanged as of ..."). However old (a long interval, a daemon stopped
// for months, `gc --check-retention 0s`), it is kept.
TEST(GarbageCollectionTest, KeepsEachDocumentsNewestCheck) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  for (const std::string doc : {"acme/privacy", "globex/terms"}) {
    ASSERT_TRUE(store->CommitCheck(VersionCommit(doc, kT0, "one\n", "")).ok());
    for (int i = 1; i <= 3; ++i) {
      ASSERT_TRUE(store->CommitCheck(RecheckCommit(doc, kT0 + i * kDay, "one\n")).ok());
    }
  }
  GcOptions options;
  options.check_retention_ms = 0;
  options.now_ms = kT0 + 400 * kDay;
  const Result<GcReport> report = store->CollectGarbage(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->checks_deleted, 4u);  // days 1 and 2 of each
  for (const std::string doc : {"acme/privacy", "globex/terms"}) {
    const auto checks = store->GetChecks(doc, 100);
    ASSERT_TRUE(checks.ok());
    ASSERT_EQ(checks->size(), 2u) << doc;
    EXPECT_EQ((*checks)[0].time_ms, kT0 + 3 * kDay) << doc;  // the newest, unchanged
    EXPECT_EQ((*checks)[1].outcome, "first_seen") << doc;
  }
  EXPECT_TRUE(store->Verify()->ok());
}

TEST(GarbageCollectionTest, DeletesOnlyUnreferencedBlobs) {
  TempDir dir;
  Populate(dir.path());
  const std::string orphan = "<html>a raw page nobody refers to</html>";
  Damage(dir.path(),
         [&](store_internal::Database& db) { Put(db, Cf::kBlobs, Sha256Hex(orphan), orphan); });
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  GcOptions options;  // default retention (90 days), "now" one day after the checks
  options.now_ms = kT0 + kDay;
  const Result<GcReport> report = store->CollectGarbage(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blobs_scanned, 7u);
  EXPECT_EQ(report->blobs_deleted, 1u);
  EXPECT_EQ(report->checks_deleted, 0u);
  EXPECT_TRUE(store->GetBlob(Sha256Hex(orphan)).status().IsNotFound());
  EXPECT_TRUE(store->GetBlob(Sha256Hex("one\n")).ok());
  const Result<VerifyReport> verify = store->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok()) << ToJson(*verify).dump(2);
  EXPECT_EQ(verify->blobs, 6u);
}

TEST(GarbageCollectionTest, CommitAfterCollectionStillStoresItsBlobs) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitCheck(VersionCommit("a/b", kT0, "one\n", "")).ok());
  ASSERT_TRUE(store->CollectGarbage().ok());
  ASSERT_TRUE(store->CommitCheck(VersionCommit("c/d", kT0 + 1, "one\n", "")).ok());
  EXPECT_TRUE(store->Verify()->ok());
}

// Storage budget: an unchanged recheck must cost at most 200 bytes on disk once compacted.
TEST(StorageTest, UnchangedRecheckCostsAtMost200Bytes) {
  TempDir dir;
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  const std::string doc = "coursera/privacy-policy";
  const std::string text(20'000, 'x');
  ASSERT_TRUE(store->CommitCheck(VersionCommit(doc, kT0, text, "")).ok());
  // Other documents interleave in a real database; one keeps the baseline honest.
  ASSERT_TRUE(store->CommitCheck(VersionCommit("other/terms", kT0, "other\n", "")).ok());
  ASSERT_TRUE(store->CompactForTest().ok());
  const uint64_t before = store->ApproximateSizeBytes();
  constexpr int kChecks = 1000;
  for (int i = 1; i <= kChecks; ++i) {
    // A realistic spread of check times (hours apart, some ms jitter) and durations.
    CheckCommit commit = RecheckCommit(doc, kT0 + int64_t{i} * 3'600'000 + (i * 7919) % 1000, text);
    commit.check.duration_ms = 100 + (i * 31) % 900;
    // Pages with per-request tokens give a new raw hash on every fetch: the worst case.
    commit.check.raw_hash = Sha256Hex("raw " + std::to_string(i));
    ASSERT_TRUE(store->CommitCheck(commit).ok());
  }
  ASSERT_TRUE(store->CompactForTest().ok());
  const uint64_t after = store->ApproximateSizeBytes();
  const double per_check = static_cast<double>(after - before) / kChecks;
  std::printf("bytes per unchanged recheck: %.1f (%llu -> %llu)\n", per_check,
              static_cast<unsigned long long>(before), static_cast<unsigned long long>(after));
  RecordProperty("bytes_per_unchanged_recheck", std::to_string(per_check));
  EXPECT_LE(per_check, 200.0);
  // Readers still see every field.
  const auto checks = store->GetChecks(doc, 1);
  ASSERT_TRUE(checks.ok());
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_EQ((*checks)[0].outcome, "unchanged");
  EXPECT_EQ((*checks)[0].text_hash, Sha256Hex(text));
  EXPECT_EQ((*checks)[0].http_status, 200);
}

TEST(CheckpointTest, CopyOpensWithTheSameHistory) {
  TempDir dir;
  Populate(dir.path() / "live");
  auto store = OpenOrDie(dir.path() / "live");
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->CommitCheck(RecheckCommit("acme/privacy", kT0 + 9000, "two\n")).ok());
  std::filesystem::create_directories(dir.path() / "backup");
  const Status created = store->CreateCheckpoint(dir.path() / "backup" / "db");
  ASSERT_TRUE(created.ok()) << created.ToString();
  EXPECT_EQ(store->CreateCheckpoint(dir.path() / "backup" / "db").code(),
            Status::Code::kInvalidArgument);            // never overwrites
  auto copy = OpenOrDie(dir.path() / "backup" / "db");  // while the original is still open
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->LastSequence(), 3u);
  EXPECT_EQ(copy->GetHistory("acme/privacy")->size(), 2u);
  EXPECT_EQ(copy->GetChecks("acme/privacy", 10)->size(), 4u);
  EXPECT_TRUE(copy->Verify()->ok());
}

TEST(CheckpointTest, LargeBodiesLiveInBlobFilesAndTheCopyHasThem) {
  // Page-sized texts go to RocksDB blob files (compactions then move references, not pages);
  // a checkpoint must carry those files, or the copy's history would point at nothing.
  TempDir dir;
  auto store = OpenOrDie(dir.path() / "live");
  ASSERT_NE(store, nullptr);
  std::string text;
  for (int i = 0; text.size() < 64 * 1024; ++i) {
    text += "Section " + std::to_string(i) + ": we keep your data only as long as needed.\n";
  }
  ASSERT_TRUE(store->CommitCheck(VersionCommit("acme/privacy", kT0, text, "")).ok());
  std::filesystem::create_directories(dir.path() / "backup");
  const Status created = store->CreateCheckpoint(dir.path() / "backup" / "db");
  ASSERT_TRUE(created.ok()) << created.ToString();
  auto blob_files = [](const std::filesystem::path& db) {
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(db)) {
      if (entry.path().extension() == ".blob") ++count;
    }
    return count;
  };
  EXPECT_GE(blob_files(dir.path() / "live"), 1);  // the checkpoint flushed the memtable
  EXPECT_GE(blob_files(dir.path() / "backup" / "db"), 1);
  auto copy = OpenOrDie(dir.path() / "backup" / "db");
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(copy->GetBlob(Sha256Hex(text)).value(), text);
  EXPECT_TRUE(copy->Verify()->ok());
}

}  // namespace
}  // namespace policyd
