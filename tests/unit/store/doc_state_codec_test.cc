// The stored form of DocState (issue 19 item 4): binary records round-trip every field, the
// JSON records of older databases are still read (an upgrade keeps every stored state), and a
// damaged record is a clear Corruption, through the store too.
#include "src/store/doc_state_codec.h"

#include <rocksdb/db.h>

#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/store/database.h"
#include "src/store/json_codec.h"
#include "src/store/store_impl.h"
#include "support/raw_doc_state.h"
#include "support/temp_dir.h"

namespace policyd::store_internal {
namespace {

DocState FullState() {
  DocState state;
  state.last_text_hash = std::string(64, 'a');
  state.etag = "W/\"5f3c\"";
  state.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
  state.validators_key = 0xfedc'ba98'7654'3210;
  state.validators_url = "https://example.com/legal/privacy?lang=en";
  state.next_due_ms = 1'700'000'000'123;
  state.last_check_ms = -1;  // numbers keep their sign
  state.last_success_ms = std::numeric_limits<int64_t>::min();
  state.last_change_ms = std::numeric_limits<int64_t>::max();
  state.text_seen_ms = 1'700'000'000'777;
  state.suspect_since_ms = 1'700'000'000'888;
  state.consecutive_failures = 4;
  state.failure_reported = true;
  state.last_error = std::string("timeout: no \0answer \xff", 21);  // any bytes
  state.version_count = std::numeric_limits<uint64_t>::max();
  state.suspect_hash = "b";
  state.suspect_count = -7;
  state.render_choice = RenderChoice::kNeither;
  state.render_tested_ms = 1'700'000'000'004;
  return state;
}

void ExpectSame(const DocState& actual, const DocState& expected) {
  EXPECT_EQ(actual.last_text_hash, expected.last_text_hash);
  EXPECT_EQ(actual.etag, expected.etag);
  EXPECT_EQ(actual.last_modified, expected.last_modified);
  EXPECT_EQ(actual.validators_key, expected.validators_key);
  EXPECT_EQ(actual.validators_url, expected.validators_url);
  EXPECT_EQ(actual.next_due_ms, expected.next_due_ms);
  EXPECT_EQ(actual.last_check_ms, expected.last_check_ms);
  EXPECT_EQ(actual.last_success_ms, expected.last_success_ms);
  EXPECT_EQ(actual.last_change_ms, expected.last_change_ms);
  EXPECT_EQ(actual.text_seen_ms, expected.text_seen_ms);
  EXPECT_EQ(actual.suspect_since_ms, expected.suspect_since_ms);
  EXPECT_EQ(actual.consecutive_failures, expected.consecutive_failures);
  EXPECT_EQ(actual.failure_reported, expected.failure_reported);
  EXPECT_EQ(actual.last_error, expected.last_error);
  EXPECT_EQ(actual.version_count, expected.version_count);
  EXPECT_EQ(actual.suspect_hash, expected.suspect_hash);
  EXPECT_EQ(actual.suspect_count, expected.suspect_count);
  EXPECT_EQ(actual.render_choice, expected.render_choice);
  EXPECT_EQ(actual.render_tested_ms, expected.render_tested_ms);
}

// The code and message of decoding `record`, which must fail.
Status DecodeError(std::string_view record) {
  const Result<DocState> decoded = DecodeDocState(record);
  EXPECT_FALSE(decoded.ok());
  return decoded.status();
}

TEST(DocStateCodecTest, BinaryRoundTripsEveryField) {
  for (const RenderChoice choice : {RenderChoice::kUndecided, RenderChoice::kStatic,
                                    RenderChoice::kBrowser, RenderChoice::kNeither}) {
    DocState state = FullState();
    state.render_choice = choice;
    state.failure_reported = choice == RenderChoice::kStatic;
    const std::string record = EncodeDocState(state);
    EXPECT_EQ(static_cast<uint8_t>(record.front()), kDocStateFormat4);
    const Result<DocState> decoded = DecodeDocState(record);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ExpectSame(*decoded, state);
  }
  const Result<DocState> empty = DecodeDocState(EncodeDocState(DocState()));
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  ExpectSame(*empty, DocState());
}

// Format 2, written before validators were kept through a redirect and before the times a text
// was read were kept, is format 3 without those times and the validators' URL: its validators
// are read as the document's URL's own, as they were then, and the times as not known.
std::string Format2Record(const DocState& state) {
  DocState without_url = state;
  without_url.validators_url.clear();
  std::string record = EncodeDocState(without_url);
  record.resize(record.size() - 4);                // the empty last string's length
  constexpr std::size_t kTimesOffset = 1 + 7 * 8;  // after validators_key
  record.erase(kTimesOffset, 2 * 8);
  record[0] = static_cast<char>(kDocStateFormat2);
  return record;
}

TEST(DocStateCodecTest, ReadsFormat2RecordsAsTheDocumentUrlsOwnValidators) {
  const Result<DocState> decoded = DecodeDocState(Format2Record(FullState()));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  DocState expected = FullState();
  expected.validators_url.clear();
  expected.text_seen_ms = 0;
  expected.suspect_since_ms = 0;
  ExpectSame(*decoded, expected);
  // Into a state that held a URL, too (a scan reuses one DocState).
  DocState reused = FullState();
  ASSERT_TRUE(DecodeDocState(Format2Record(FullState()), &reused).ok());
  ExpectSame(reused, expected);
}

// Format 1, written before validators were keyed by their URL, is format 2 without the key: its
// states are read whole, with no validators' key known (the next request is unconditional).
TEST(DocStateCodecTest, ReadsFormat1RecordsWithNoValidatorsKey) {
  const std::string format2 = Format2Record(FullState());
  constexpr std::size_t kKeyOffset = 1 + 6 * 8;  // after the tag, five times and version_count
  std::string format1 = format2.substr(0, kKeyOffset) + format2.substr(kKeyOffset + 8);
  format1[0] = static_cast<char>(kDocStateFormat1);
  const Result<DocState> decoded = DecodeDocState(format1);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  DocState expected = FullState();
  expected.validators_key = 0;
  expected.validators_url.clear();
  expected.text_seen_ms = 0;
  expected.suspect_since_ms = 0;
  ExpectSame(*decoded, expected);
}

// States as a running daemon holds them: fresh, failing, with validators through a redirect,
// held as suspicious.
std::vector<DocState> TypicalStates() {
  std::vector<DocState> states(5);
  states[1].next_due_ms = 1'765'000'000'000;
  states[1].consecutive_failures = 2;
  states[1].last_error = "http_5xx: HTTP status 500";
  states[1].last_check_ms = 1'764'999'000'000;
  states[2] = states[1];
  states[2].consecutive_failures = 0;
  states[2].last_error.clear();
  states[2].last_text_hash = std::string(64, 'c');
  states[2].etag = "\"v1\"";
  states[2].validators_key = 0x1234'5678'9abc'def0;
  states[2].validators_url = "https://example.com/en/privacy";
  states[2].version_count = 3;
  states[2].text_seen_ms = 1'764'999'000'000;
  states[3] = states[2];
  states[3].suspect_hash = std::string(64, 'd');
  states[3].suspect_count = 1;
  states[3].suspect_since_ms = 1'764'998'000'000;
  states[4] = FullState();
  return states;
}

// Format 3 was written in two layouts (one tag, the second adding text_seen_ms and
// suspect_since_ms, in commits e07fd3d and 9f7f771 of 2026-12-07): both are read, so that a
// database written by either keeps every document's state (a policyd reading the first as
// "truncated" rebuilt every state from its history, sending a second fetch_failed for a streak
// already reported and dropping validators and holds). Now written as format 4.
TEST(DocStateCodecTest, ReadsBothLayoutsOfFormat3) {
  for (const DocState& state : TypicalStates()) {
    std::string with_times = EncodeDocState(state);
    with_times[0] = static_cast<char>(kDocStateFormat3);
    const Result<DocState> decoded = DecodeDocState(with_times);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    ExpectSame(*decoded, state);

    std::string first_layout = with_times;
    constexpr std::size_t kTimesOffset = 1 + 7 * 8;  // after validators_key
    first_layout.erase(kTimesOffset, 2 * 8);
    DocState expected = state;
    expected.text_seen_ms = 0;  // not known then
    expected.suspect_since_ms = 0;
    const Result<DocState> first = DecodeDocState(first_layout);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ExpectSame(*first, expected);
  }
  // Cut short in either layout, it is still corruption.
  std::string with_times = EncodeDocState(FullState());
  with_times[0] = static_cast<char>(kDocStateFormat3);
  EXPECT_EQ(DecodeError(with_times.substr(0, with_times.size() - 1)).code(),
            Status::Code::kCorruption);
}

TEST(DocStateCodecTest, DecodingIntoAUsedStateLeavesNothingOfTheOldOne) {
  // Store::ReadDocStates decodes every record into one DocState.
  DocState reused;
  ASSERT_TRUE(DecodeDocState(EncodeDocState(FullState()), &reused).ok());
  ExpectSame(reused, FullState());
  ASSERT_TRUE(DecodeDocState(EncodeDocState(DocState()), &reused).ok());
  ExpectSame(reused, DocState());
  ASSERT_TRUE(DecodeDocState(EncodeDocState(FullState()), &reused).ok());
  ASSERT_TRUE(DecodeDocState("{}", &reused).ok());  // an old JSON record
  ExpectSame(reused, DocState());
}

TEST(DocStateCodecTest, BinaryIsSmallerThanJson) {
  const DocState state = FullState();
  EXPECT_LT(EncodeDocState(state).size(), DumpJson(ToJson(state)).size());
}

TEST(DocStateCodecTest, ReadsTheJsonRecordsOfOlderDatabases) {
  // A record exactly as schema version 1 wrote it.
  const std::string old_record =
      R"({"consecutive_failures":2,"etag":"\"e1\"","failure_reported":true,)"
      R"("last_change_ms":1600000000000,"last_check_ms":1700000000000,)"
      R"("last_error":"http_5xx: 503","last_modified":"Tue, 01 Dec 2026 10:00:00 GMT",)"
      R"("last_success_ms":1690000000000,"last_text_hash":"abc","next_due_ms":1700000300000,)"
      R"("render_choice":"browser","render_tested_ms":1650000000000,"suspect_count":1,)"
      R"("suspect_hash":"def","version_count":3})";
  const Result<DocState> decoded = DecodeDocState(old_record);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->consecutive_failures, 2);
  EXPECT_EQ(decoded->etag, "\"e1\"");
  EXPECT_TRUE(decoded->failure_reported);
  EXPECT_EQ(decoded->last_change_ms, 1'600'000'000'000);
  EXPECT_EQ(decoded->last_check_ms, 1'700'000'000'000);
  EXPECT_EQ(decoded->last_error, "http_5xx: 503");
  EXPECT_EQ(decoded->last_modified, "Tue, 01 Dec 2026 10:00:00 GMT");
  EXPECT_EQ(decoded->last_success_ms, 1'690'000'000'000);
  EXPECT_EQ(decoded->last_text_hash, "abc");
  EXPECT_EQ(decoded->next_due_ms, 1'700'000'300'000);
  EXPECT_EQ(decoded->render_choice, RenderChoice::kBrowser);
  EXPECT_EQ(decoded->render_tested_ms, 1'650'000'000'000);
  EXPECT_EQ(decoded->suspect_count, 1);
  EXPECT_EQ(decoded->suspect_hash, "def");
  EXPECT_EQ(decoded->version_count, 3u);
  // And any state the JSON form can hold comes back as the JSON form gives it.
  DocState state = FullState();
  state.last_error = "timeout: no answer";  // JSON text is UTF-8
  const Result<DocState> from_json = DecodeDocState(DumpJson(ToJson(state)));
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  ExpectSame(*from_json, DocStateFromJson(ToJson(state)));
  EXPECT_TRUE(DecodeDocState(" \n{}").ok());  // white space before the object
}

TEST(DocStateCodecTest, DamagedRecordsAreCorruptionSayingWhy) {
  const std::string record = EncodeDocState(FullState());
  // Every truncation, including inside a string and inside a length.
  for (std::size_t size = 1; size < record.size(); ++size) {
    const Status status = DecodeError(record.substr(0, size));
    EXPECT_EQ(status.code(), Status::Code::kCorruption) << size;
    EXPECT_NE(status.message().find("truncated"), std::string::npos) << status.message();
  }
  EXPECT_NE(DecodeError("").message().find("empty"), std::string::npos);
  EXPECT_NE(DecodeError(record + "x").message().find("1 bytes after its end"), std::string::npos);

  // The flags byte and the render choice follow the 1 + 7 * 8 + 2 * 4 bytes before them.
  constexpr std::size_t kFlagsOffset = 1 + 9 * 8 + 2 * 4;
  std::string bad_flags = record;
  bad_flags[kFlagsOffset] = '\x03';
  EXPECT_NE(DecodeError(bad_flags).message().find("unknown flags"), std::string::npos);
  std::string bad_choice = record;
  bad_choice[kFlagsOffset + 1] = '\x04';
  EXPECT_NE(DecodeError(bad_choice).message().find("unknown render choice 4"), std::string::npos);

  // A string length far past the record's end is refused before anything is allocated.
  std::string long_string = record;
  for (std::size_t i = 0; i < 4; ++i) long_string[kFlagsOffset + 2 + i] = '\xff';
  EXPECT_NE(DecodeError(long_string).message().find("truncated"), std::string::npos);

  std::string newer = record;
  newer[0] = '\x05';
  EXPECT_NE(DecodeError(newer).message().find("unknown format (tag 5"), std::string::npos);
  EXPECT_NE(DecodeError("[1, 2]").message().find("unknown format (tag 91"), std::string::npos);
  EXPECT_NE(DecodeError(" [1, 2]").message().find("not a JSON object"), std::string::npos);
  EXPECT_NE(DecodeError("{\"etag\": ").message().find("not a JSON object"), std::string::npos);
}

// A database as schema version 1 left it: JSON states, schema_version "1".
void WriteVersion1Database(const std::filesystem::path& dir,
                           const std::vector<std::pair<std::string, DocState>>& states) {
  auto database = Database::Open(dir);
  ASSERT_TRUE(database.ok()) << database.status().ToString();
  rocksdb::DB* db = (*database)->db();
  ASSERT_TRUE(
      db->Put(rocksdb::WriteOptions(), (*database)->cf(Cf::kMeta), kSchemaVersionKey, "1").ok());
  for (const auto& [id, state] : states) {
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), (*database)->cf(Cf::kDocs), id, DumpJson(ToJson(state)))
            .ok());
  }
}

std::string RawDocState(const std::filesystem::path& dir, const std::string& id) {
  auto database = Database::Open(dir);
  EXPECT_TRUE(database.ok()) << database.status().ToString();
  std::string value;
  EXPECT_TRUE(
      (*database)->db()->Get(rocksdb::ReadOptions(), (*database)->cf(Cf::kDocs), id, &value).ok());
  return value;
}

TEST(DocStateStoreTest, AnUpgradedDatabaseKeepsEveryStateAndWritesBinaryAfter) {
  TempDir dir;
  std::vector<std::pair<std::string, DocState>> old_states;
  for (int i = 0; i < 5; ++i) {
    DocState state;
    state.last_text_hash = "hash-" + std::to_string(i);
    state.next_due_ms = 1'000 + i;
    state.version_count = static_cast<uint64_t>(i);
    state.render_choice = RenderChoice::kStatic;
    old_states.emplace_back("acme/doc-" + std::to_string(i), state);
  }
  WriteVersion1Database(dir.path(), old_states);
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->GetMeta(kSchemaVersionKey).value(), std::to_string(kSchemaVersion));
    auto listed = (*store)->ListDocStates();
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), old_states.size());
    std::vector<std::string_view> ids;
    for (const auto& [id, state] : old_states) {
      ExpectSame(listed->at(id), state);
      ids.push_back(id);
    }
    std::size_t read = 0;
    ASSERT_TRUE((*store)
                    ->ReadDocStates(ids,
                                    [&](std::size_t index, DocState state) {
                                      ExpectSame(state, old_states[index].second);
                                      ++read;
                                    })
                    .ok());
    EXPECT_EQ(read, old_states.size());
    // A state written now is binary, beside the JSON ones.
    DocState updated = old_states[2].second;
    updated.version_count = 9;
    ASSERT_TRUE((*store)->PutDocState(old_states[2].first, updated).ok());
    old_states[2].second = updated;
  }
  EXPECT_EQ(static_cast<uint8_t>(RawDocState(dir.path(), old_states[2].first).front()),
            kDocStateFormat4);
  EXPECT_EQ(RawDocState(dir.path(), old_states[1].first).front(), '{');
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  for (const auto& [id, state] : old_states) {
    const Result<DocState> read = (*store)->GetDocState(id);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    ExpectSame(*read, state);
  }
}

TEST(DocStateStoreTest, ADamagedStateIsCorruptionNamingTheDocument) {
  TempDir dir;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->PutDocState("acme/privacy", FullState()).ok());
  }
  {
    std::string damaged = RawDocState(dir.path(), "acme/privacy");
    damaged.resize(damaged.size() - 1);
    const Status put = testing::PutRawDocState(dir.path(), "acme/privacy", damaged);
    ASSERT_TRUE(put.ok()) << put.ToString();
  }
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Result<DocState> read = (*store)->GetDocState("acme/privacy");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(read.status().message(),
            "unreadable doc state of acme/privacy: binary doc state is truncated");
  EXPECT_EQ((*store)->ListDocStates().status().message(), read.status().message());
}

}  // namespace
}  // namespace policyd::store_internal
