// JetStreamKv (policyd/jetstream_kv.h) against a real nats-server with JetStream on a free
// loopback port: the FleetKv contract the simulation's InMemoryKv passes (kv_contract.h), the
// bucket's max_age, kUnavailable once the server is gone, and the fleet's durable bucket of
// document records (DocumentRecords over a bucket with no max_age).
#include "policyd/jetstream_kv.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "kv_contract.h"
#include "nats_server.h"
#include "policyd/fleet_document_records.h"
#include "policyd/fleet_records.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;
using testing::NatsServer;

NatsConfig ConfigFor(const NatsServer& server) {
  NatsConfig config;
  config.enabled = true;
  config.urls = {server.url()};
  config.connect_timeout = std::chrono::seconds(2);
  return config;
}

// One server for the whole binary, stopped (and its store removed) after the last test.
std::unique_ptr<NatsServer>& SharedServerSlot() {
  static std::unique_ptr<NatsServer> server;
  return server;
}

class SharedServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { SharedServerSlot().reset(); }
};
::testing::Environment* const kSharedServerEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedServerEnvironment);  // gtest owns it

NatsServer& SharedServer() {
  std::unique_ptr<NatsServer>& server = SharedServerSlot();
  if (server == nullptr) {
    server = std::make_unique<NatsServer>();
    if (!server->Start()) ADD_FAILURE() << "nats-server did not start: " << server->log();
  }
  return *server;
}

std::string FreshBucket() {
  static std::atomic<int> next{0};
  return "contract-" + std::to_string(next++);
}

struct JetStreamSubject {
  static bool Available() { return NatsServer::Installed(); }
  JetStreamSubject() {
    JetStreamKvOptions options;
    options.bucket = FreshBucket();
    options.max_age = std::chrono::minutes(5);
    auto opened = JetStreamKv::Open(ConfigFor(SharedServer()), options);
    if (!opened.ok())
      ADD_FAILURE() << opened.status().ToString();
    else
      kv_ = std::move(opened).value();
  }
  bool ready() const { return kv_ != nullptr; }
  FleetKv& kv() { return *kv_; }
  std::unique_ptr<JetStreamKv> kv_;
};
INSTANTIATE_TYPED_TEST_SUITE_P(JetStream, KvContractTest, ::testing::Types<JetStreamSubject>);

class JetStreamKvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) GTEST_SKIP() << "no " << testing::kNatsServerBin;
    ASSERT_TRUE(server_.Start()) << server_.log();
  }
  std::unique_ptr<JetStreamKv> Open(milliseconds max_age, const std::string& bucket = "fleet") {
    JetStreamKvOptions options;
    options.bucket = bucket;
    options.max_age = max_age;
    // Generous: creating a bucket took over 500 ms at load 7; calls fail at once when the
    // server is gone, so this bound costs nothing when nothing is wrong.
    options.timeout = milliseconds(3000);
    auto opened = JetStreamKv::Open(ConfigFor(server_), options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  NatsServer server_;
};

TEST_F(JetStreamKvTest, AnEntryDisappearsOnceItsLastWriteIsOlderThanMaxAge) {
  const auto kv = Open(milliseconds(1'000));
  ASSERT_NE(kv, nullptr);
  const KvWrite written = kv->Create("members.a", "1");
  ASSERT_EQ(written.outcome, KvOutcome::kOk);
  KvEntry entry;
  ASSERT_EQ(kv->Get("members.a", &entry), KvOutcome::kOk);
  // The server expires on its own timer: wait for it, bounded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (kv->Get("members.a", &entry) == KvOutcome::kOk &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(kv->Get("members.a", &entry), KvOutcome::kNotFound);
  std::vector<std::pair<std::string, KvEntry>> listed;
  ASSERT_EQ(kv->List("members.", &listed), KvOutcome::kOk);
  EXPECT_TRUE(listed.empty());
  EXPECT_EQ(kv->Update("members.a", "2", written.revision).outcome, KvOutcome::kConflict);
  EXPECT_EQ(kv->Create("members.a", "3").outcome, KvOutcome::kOk);
}

TEST_F(JetStreamKvTest, DocumentRecordsOutliveTheLeaseBucketsMaxAgeAndKeepTheLaterCheck) {
  const auto leases = Open(milliseconds(1'000));
  const auto documents = Open(milliseconds(0), FleetDocumentBucketName("fleet"));  // no max_age
  const auto other_member = Open(milliseconds(0), FleetDocumentBucketName("fleet"));
  ASSERT_NE(leases, nullptr);
  ASSERT_NE(documents, nullptr);
  ASSERT_NE(other_member, nullptr);
  const std::string version(64, 'c');
  DocumentRecords mine(documents.get());
  DocumentRecords theirs(other_member.get());
  ASSERT_EQ(mine.Write("acme/privacy", {version, 5'000, "m1"}), DocumentWriteOutcome::kWritten);
  ASSERT_EQ(leases->Create(LeaseKey("acme/privacy"), "x").outcome, KvOutcome::kOk);
  // The lease bucket forgets its entry; the record stays.
  KvEntry entry;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (leases->Get(LeaseKey("acme/privacy"), &entry) == KvOutcome::kOk &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_EQ(leases->Get(LeaseKey("acme/privacy"), &entry), KvOutcome::kNotFound);
  const DocumentRead read = theirs.Read("acme/privacy");
  ASSERT_EQ(read.outcome, DocumentReadOutcome::kFound);
  EXPECT_EQ(read.record->version, version);
  EXPECT_EQ(read.record->by, "m1");
  // A late writer with an earlier check does not roll it back; a later check replaces it.
  EXPECT_EQ(theirs.Write("acme/privacy", {std::string(64, 'd'), 4'000, "m2"}),
            DocumentWriteOutcome::kKeptLater);
  EXPECT_EQ(theirs.Write("acme/privacy", {std::string(64, 'e'), 6'000, "m2"}),
            DocumentWriteOutcome::kWritten);
  EXPECT_EQ(mine.Read("acme/privacy").record->by, "m2");
  EXPECT_EQ(mine.Read("other/doc").outcome, DocumentReadOutcome::kAbsent);
}

TEST_F(JetStreamKvTest, TwoClientsOfOneBucketSeeEachOthersWrites) {
  const auto first = Open(std::chrono::minutes(1));
  const auto second = Open(std::chrono::minutes(1));  // binds the bucket the first created
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  const KvWrite created = first->Create("leases.doc", "first");
  ASSERT_EQ(created.outcome, KvOutcome::kOk);
  EXPECT_EQ(second->Create("leases.doc", "second").outcome, KvOutcome::kConflict);
  KvEntry entry;
  ASSERT_EQ(second->Get("leases.doc", &entry), KvOutcome::kOk);
  EXPECT_EQ(entry.value, "first");
  EXPECT_EQ(second->Update("leases.doc", "second", entry.revision).outcome, KvOutcome::kOk);
  EXPECT_EQ(first->Update("leases.doc", "again", created.revision).outcome, KvOutcome::kConflict);
}

TEST_F(JetStreamKvTest, EveryCallIsUnavailableOnceTheServerIsGone) {
  const auto kv = Open(std::chrono::minutes(1));
  ASSERT_NE(kv, nullptr);
  const KvWrite created = kv->Create("members.a", "1");
  ASSERT_EQ(created.outcome, KvOutcome::kOk);
  server_.Stop();
  KvEntry entry;
  std::vector<std::pair<std::string, KvEntry>> listed;
  EXPECT_EQ(kv->Get("members.a", &entry), KvOutcome::kUnavailable);
  EXPECT_EQ(kv->Create("members.b", "1").outcome, KvOutcome::kUnavailable);
  EXPECT_EQ(kv->Update("members.a", "2", created.revision).outcome, KvOutcome::kUnavailable);
  EXPECT_EQ(kv->Delete("members.a"), KvOutcome::kUnavailable);
  EXPECT_EQ(kv->List("members.", &listed), KvOutcome::kUnavailable);
  EXPECT_FALSE(kv->last_error().empty());
}

TEST_F(JetStreamKvTest, OpenFailsWithTheReasonWhenNoServerAnswers) {
  server_.Stop();
  JetStreamKvOptions options;
  auto opened = JetStreamKv::Open(ConfigFor(server_), options);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().ToString().find("cannot connect"), std::string::npos)
      << opened.status().ToString();
}

}  // namespace
}  // namespace policyd
