// The pure parts of the NATS outbox (include/policyd/nats.h): subjects, message ids, where
// publishing resumes, how an existing stream differs, and the status object.
#include <gtest/gtest.h>

#include "policyd/nats.h"

namespace policyd {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr char kNode[] = "0123456789abcdef";

TEST(NatsSubjectTest, TokensAreSlugsWithoutDotsWildcardsOrSpaces) {
  EXPECT_EQ(NatsSubjectToken("Coursera"), "coursera");
  EXPECT_EQ(NatsSubjectToken("Privacy Policy"), "privacy-policy");
  EXPECT_EQ(NatsSubjectToken("example.com"), "example-com");
  EXPECT_EQ(NatsSubjectToken("a.*.>  b\tc"), "a-b-c");
  EXPECT_EQ(NatsSubjectToken("Globex Corp."), "globex-corp");
  // Another script is transliterated, as in document ids (Slugify).
  EXPECT_EQ(NatsSubjectToken("隐私政策"), "yin-si-zheng-ce");
  // No letter or digit to keep: the token is "_", as a NATS subject token may not be empty.
  // (Target files refuse such names, since the document id is made of the same slugs.)
  EXPECT_EQ(NatsSubjectToken("\xF0\x9F\x8D\xAA"), "_");
  EXPECT_EQ(NatsSubjectToken(""), "_");
  for (const std::string& name : {std::string(300, 'x'), std::string(63, 'y') + " z tail"}) {
    const std::string token = NatsSubjectToken(name);
    EXPECT_LE(token.size(), kNatsTokenMaxBytes);
    EXPECT_FALSE(token.empty());
    EXPECT_NE(token.back(), '-');
  }
}

TEST(NatsSubjectTest, SubjectIsPrefixPlatformTypeAndNode) {
  EXPECT_EQ(NatsSubject("policyd.events", kNode,
                        R"({"seq":3,"type":"document.changed","platform":"Acme Inc.",)"
                        R"("doc_type":"Terms of Service"})"),
            "policyd.events.acme-inc.terms-of-service.0123456789abcdef");
  // A stored event always has both names; a missing or non-string one, or a line that is not
  // an object, still gets a valid subject, with "_" for what is missing.
  EXPECT_EQ(NatsSubject("p", kNode, R"({"seq":1,"platform":7})"), "p._._.0123456789abcdef");
  EXPECT_EQ(NatsSubject("p", kNode, "not json"), "p._._.0123456789abcdef");
  EXPECT_EQ(NatsNodeFilter("policyd.events", kNode), "policyd.events.*.*.0123456789abcdef");
}

TEST(NatsMsgIdTest, IsNodeAndSeqAndParsesBackOnlyForThisNode) {
  EXPECT_EQ(NatsMsgId(kNode, 42), "0123456789abcdef:42");
  EXPECT_EQ(NatsMsgIdSeq("0123456789abcdef:42", kNode), 42u);
  EXPECT_EQ(NatsMsgIdSeq("0123456789abcdef:18446744073709551615", kNode), 18446744073709551615ull);
  EXPECT_FALSE(NatsMsgIdSeq("fedcba9876543210:42", kNode));  // another daemon's
  EXPECT_FALSE(NatsMsgIdSeq("0123456789abcdef:", kNode));
  EXPECT_FALSE(NatsMsgIdSeq("0123456789abcdef:0", kNode));
  EXPECT_FALSE(NatsMsgIdSeq("0123456789abcdef:4x", kNode));
  EXPECT_FALSE(NatsMsgIdSeq("0123456789abcdef:18446744073709551616", kNode));
  EXPECT_FALSE(NatsMsgIdSeq("0123456789abcdef42", kNode));
  EXPECT_FALSE(NatsMsgIdSeq("", kNode));
}

TEST(NatsResumeTest, AfterWhicheverIsFurtherButNeverPastTheLog) {
  EXPECT_EQ(NatsResumePosition(10, std::nullopt, 20), 10u);  // the stream holds none of ours
  EXPECT_EQ(NatsResumePosition(10, 15, 20), 15u);            // acked but the cursor write was lost
  EXPECT_EQ(NatsResumePosition(10, 4, 20), 10u);             // older messages aged out or purged
  EXPECT_EQ(NatsResumePosition(10, 25, 20), 20u);            // the stream is ahead of this log
  EXPECT_EQ(NatsResumePosition(0, std::nullopt, 0), 0u);
}

TEST(NatsResumeTest, NeverPastAnEventTheStreamRefusedWhileStoringLaterOnes) {
  // Event 11 was refused (max_msg_size), 12 stored: the stream's last is 12, 11 is missing.
  EXPECT_EQ(NatsResumePosition(10, 12, 20, 11), 10u);
  EXPECT_EQ(NatsResumePosition(10, 15, 20, 14), 13u);  // 11..13 acked, cursor write lost
  EXPECT_EQ(NatsResumePosition(10, 15, 20, 9), 15u);   // an old refusal, stored since
  EXPECT_EQ(NatsResumePosition(10, 15, 20, 0), 15u);   // none
}

TEST(NatsStreamSettingsTest, DifferencesAreNamedOneByOne) {
  NatsConfig config;
  config.subject_prefix = "corp.policyd";
  config.retention = NatsRetention::kLimits;
  config.max_age = hours(24);
  config.duplicate_window = minutes(2);
  const NatsStreamSettings wanted = WantedStreamSettings(config);
  EXPECT_EQ(wanted.subjects, std::vector<std::string>{"corp.policyd.>"});
  EXPECT_TRUE(StreamDifferences(wanted, wanted).empty());

  NatsStreamSettings existing = wanted;
  existing.retention = NatsRetention::kInterest;
  existing.replicas = 3;
  existing.max_age = milliseconds(0);
  const std::vector<std::string> differences = StreamDifferences(wanted, existing);
  ASSERT_EQ(differences.size(), 3u);
  EXPECT_EQ(differences[0], "retention: limits configured, interest in the stream");
  EXPECT_EQ(differences[1], "replicas: 1 configured, 3 in the stream");
  EXPECT_EQ(differences[2], "max_age: 1d configured, none in the stream");
}

TEST(NatsStatusTest, JsonShowsStateLagAndTimes) {
  NatsStatus status;
  status.state = NatsState::kDisconnected;
  status.url = "nats://127.0.0.1:4222";
  status.stream = "POLICYD_EVENTS";
  status.node_id = kNode;
  status.published_seq = 40;
  status.last_seq = 52;
  status.last_error = "cannot connect: No Server";
  status.last_error_ms = 1'700'000'000'000;
  status.next_attempt_ms = 1'700'000'001'000;
  const nlohmann::json json = ToJson(status);
  EXPECT_EQ(json["state"], "disconnected");
  EXPECT_EQ(json["connected"], false);
  EXPECT_EQ(json["lag"], 12);
  EXPECT_EQ(json["published_seq"], 40);
  EXPECT_EQ(json["last_error"], "cannot connect: No Server");
  EXPECT_EQ(json["last_error_time"], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(json["next_attempt"], "2023-11-14T22:13:21.000Z");
  EXPECT_TRUE(json["connected_since"].is_null());
  status.state = NatsState::kConnected;
  status.published_seq = 60;  // the log moved on after the status was taken: no underflow
  EXPECT_EQ(ToJson(status)["lag"], 0);
  EXPECT_TRUE(ToJson(status)["next_attempt"].is_null());
  EXPECT_EQ(ToJson(status)["connected"], true);
}

}  // namespace
}  // namespace policyd
