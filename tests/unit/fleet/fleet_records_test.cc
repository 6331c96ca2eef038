#include "policyd/fleet_records.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

TEST(FleetRecordsTest, KeysAreValidNatsKeysWithOneTokenPerDocument) {
  EXPECT_EQ(LeaseKey("coursera/privacy-policy"), "leases.coursera=2Fprivacy-policy");
  EXPECT_EQ(LeaseKey("a.b c"), "leases.a=2Eb=20c");
  EXPECT_EQ(LeaseKey("x=y"), "leases.x=3Dy");  // the escape byte itself is escaped
  EXPECT_EQ(LeaseKey("é"), "leases.=C3=A9");
  EXPECT_EQ(MemberKey("web1-3fa2b9c1"), "members.web1-3fa2b9c1");
  // Distinct ids never share a key.
  EXPECT_NE(FleetKeyToken("a/b"), FleetKeyToken("a=2Fb"));
  for (const std::string& id : {std::string("a/b.c d"), std::string("\x01\xff")}) {
    const std::string key = LeaseKey(id);
    EXPECT_EQ(
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=."),
        std::string::npos)
        << key;
    EXPECT_EQ(key.find('.', 7), std::string::npos) << key;  // the prefix's dot only
  }
}

TEST(FleetRecordsTest, MemberRecordsRoundTrip) {
  const MemberRecord record{
      "web1-3fa2b9c1", 1732270403456123ULL, 1732270410000, 1732270403456, 12345, 3, 250};
  const std::optional<MemberRecord> decoded = DecodeMemberRecord(EncodeMemberRecord(record));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->member_id, record.member_id);
  EXPECT_EQ(decoded->incarnation, record.incarnation);
  EXPECT_EQ(decoded->heartbeat_ms, record.heartbeat_ms);
  EXPECT_EQ(decoded->started_ms, record.started_ms);
  EXPECT_EQ(decoded->owned, 12345u);
  EXPECT_EQ(decoded->in_flight, 3u);
  EXPECT_EQ(decoded->lag_ms, 250);
  // The counts for people are optional: an older member may not send them.
  const auto minimal =
      DecodeMemberRecord(R"({"member":"m1","incarnation":7,"heartbeat_ms":1000,"started_ms":900})");
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->owned, 0u);
}

TEST(FleetRecordsTest, LeaseRecordsRoundTripAndFreeIsAnEmptyHolder) {
  const auto held = DecodeLeaseRecord(EncodeLeaseRecord({"m1", 7, 123456}));
  ASSERT_TRUE(held);
  EXPECT_EQ(held->holder, "m1");
  EXPECT_EQ(held->incarnation, 7u);
  EXPECT_EQ(held->expires_ms, 123456);
  EXPECT_FALSE(held->free());
  const auto released = DecodeLeaseRecord(EncodeLeaseRecord({}));
  ASSERT_TRUE(released);
  EXPECT_TRUE(released->free());
}

TEST(FleetRecordsTest, AnythingButTheDocumentedObjectIsUnreadable) {
  EXPECT_FALSE(DecodeMemberRecord(""));
  EXPECT_FALSE(DecodeMemberRecord("[]"));
  EXPECT_FALSE(DecodeMemberRecord("{"));
  EXPECT_FALSE(DecodeMemberRecord(R"({"member":"m1"})"));
  EXPECT_FALSE(DecodeMemberRecord(
      R"({"member":"m1","incarnation":-1,"heartbeat_ms":1000,"started_ms":900})"));
  EXPECT_FALSE(DecodeMemberRecord(
      R"({"member":"m1","incarnation":1,"heartbeat_ms":"1000","started_ms":900})"));
  EXPECT_FALSE(DecodeMemberRecord(
      R"({"member":"bad id","incarnation":1,"heartbeat_ms":1000,"started_ms":900})"));
  EXPECT_FALSE(DecodeLeaseRecord(R"({"holder":"m1","incarnation":1})"));
  EXPECT_FALSE(DecodeLeaseRecord(R"({"holder":"a.b","incarnation":1,"expires_ms":5})"));
  // Bounded: a value over 1 KiB is not read at all.
  const std::string padded =
      R"({"holder":"m1","incarnation":1,"expires_ms":5,"x":")" + std::string(1100, 'x') + "\"}";
  EXPECT_FALSE(DecodeLeaseRecord(padded));
}

const std::string kHashA(64, 'a');

TEST(FleetRecordsTest, DocumentRecordsLiveInTheirOwnBucketUnderOneKeyPerDocument) {
  EXPECT_EQ(DocumentKey("coursera/privacy-policy"), "docs.coursera=2Fprivacy-policy");
  EXPECT_EQ(FleetDocumentBucketName("policyd-fleet"), "policyd-fleet-docs");
  const auto decoded = DecodeDocumentRecord(EncodeDocumentRecord({kHashA, 1732270410000, "m1"}));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->version, kHashA);
  EXPECT_EQ(decoded->checked_ms, 1732270410000);
  EXPECT_EQ(decoded->by, "m1");
}

TEST(FleetRecordsTest, AnUnreadableDocumentRecordIsRefused) {
  const auto record = [](const std::string& version, const std::string& checked,
                         const std::string& by) {
    return "{\"version\":\"" + version + "\",\"checked_ms\":" + checked + ",\"by\":\"" + by + "\"}";
  };
  EXPECT_TRUE(DecodeDocumentRecord(record(kHashA, "5", "m1")));
  EXPECT_FALSE(DecodeDocumentRecord(record(std::string(63, 'a'), "5", "m1")));  // not a sha256
  EXPECT_FALSE(DecodeDocumentRecord(record(std::string(64, 'A'), "5", "m1")));  // upper case
  EXPECT_FALSE(DecodeDocumentRecord(record(std::string(64, 'g'), "5", "m1")));
  EXPECT_FALSE(DecodeDocumentRecord(record(kHashA, "-5", "m1")));
  EXPECT_FALSE(DecodeDocumentRecord(record(kHashA, "\"5\"", "m1")));
  EXPECT_FALSE(DecodeDocumentRecord(record(kHashA, "5", "")));  // nobody holds it
  EXPECT_FALSE(DecodeDocumentRecord(record(kHashA, "5", "a b")));
  EXPECT_FALSE(DecodeDocumentRecord(R"({"version":"x"})"));
  EXPECT_FALSE(DecodeDocumentRecord("null"));
  // Bounded like the other records: over 1 KiB is not read.
  const std::string padded = R"({"version":")" + kHashA + R"(","checked_ms":5,"by":"m1","x":")" +
                             std::string(1100, 'x') + "\"}";
  EXPECT_FALSE(DecodeDocumentRecord(padded));
}

}  // namespace
}  // namespace policyd
