// Crash safety, proven on the real binary: policyd crawls 240 documents served on 127.0.0.1
// whose pages change between passes, and is SIGKILLed at random moments of its crawls more
// than 20 times. After every restart the database must open; at the end `policyctl verify`
// passes, the event log is contiguous without duplicates, every version has exactly one
// first_seen/changed event, no document holds the same text twice in a row, and checks go on.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "daemon_harness.h"
#include "policyd/store.h"
#include "support/http_test_server.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

constexpr int kDocs = 240;
constexpr int kPlatforms = 24;  // 10 documents each
constexpr int kKills = 22;

// The page of document `doc` at `generation`: about a third of the documents change their
// policy text at each generation; every page re-renders its chrome every time (not a change).
std::string Page(int doc, int generation) {
  const int revision = (generation + doc) / 3;
  std::string body = "<!doctype html><html><head><title>Policy " + std::to_string(doc) +
                     "</title><script>var t='" + std::to_string(generation) +
                     "';</script></head><body><nav><a href='/'>Home " + std::to_string(generation) +
                     "</a></nav><main><h1>Policy " + std::to_string(doc) + "</h1>";
  for (int section = 0; section < 8; ++section) {
    body += "<h2>Section " + std::to_string(section) + "</h2><p>We process data of kind " +
            std::to_string(section) + " for document " + std::to_string(doc) + ".</p>";
  }
  body += "<h2>Changes</h2><p>Revision " + std::to_string(revision) +
          " of this policy.</p></main><footer>" + std::to_string(generation) +
          "</footer></body></html>";
  return body;
}

class CrashTest : public ::testing::Test {
 protected:
  CrashTest() : harness_("per_host_concurrency = 8\nmax_concurrency = 32\n") {}

  void SetUp() override {
    for (int doc = 0; doc < kDocs; ++doc) {
      server_.SetHandler("/p" + std::to_string(doc), [this, doc](const RecordedRequest&) {
        return TestResponse{.status = 200,
                            .headers = {{"Content-Type", "text/html; charset=utf-8"}},
                            .body = Page(doc, generation_.load())};
      });
    }
    for (int platform = 0; platform < kPlatforms; ++platform) {
      std::string toml = "name = \"Platform " + std::to_string(platform) + "\"\n";
      for (int doc = platform; doc < kDocs; doc += kPlatforms) {
        toml += "[[documents]]\ntype = \"Policy " + std::to_string(doc) + "\"\nurl = \"" +
                server_.Url("/p" + std::to_string(doc)) + "\"\n";
      }
      harness_.WriteTarget("platform" + std::to_string(platform), toml);
    }
  }

  uint64_t ChecksDone() {
    const auto status = harness_.Control({{"cmd", "status"}});
    return status["ok"] == true ? status["result"]["checks_done"].get<uint64_t>() : 0;
  }

  HttpTestServer server_;
  DaemonHarness harness_;
  std::atomic<int> generation_{0};
};

TEST_F(CrashTest, KilledDuringCrawlsLosesNothingAndDuplicatesNothing) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> kill_after_ms(20, 700);
  int kills = 0;
  for (int round = 0; round < kKills; ++round) {
    ASSERT_TRUE(harness_.Start()) << "restart " << round << " failed (database unopenable?)\n"
                                  << harness_.log().substr(0, 20000);
    ++generation_;  // the next crawl sees new pages for some documents
    ASSERT_EQ(harness_.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
    std::this_thread::sleep_for(milliseconds(kill_after_ms(rng)));
    harness_.Kill();
    ++kills;
  }
  EXPECT_GE(kills, 20);

  // The last life: a full pass must complete, verify must pass, and checks continue.
  ASSERT_TRUE(harness_.Start()) << harness_.log().substr(0, 20000);
  ++generation_;
  const uint64_t before = ChecksDone();
  ASSERT_EQ(harness_.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
  ASSERT_TRUE(harness_.WaitForChecks(before + kDocs, std::chrono::seconds(90)))
      << "checks did not continue after the last restart";
  const CommandResult verify = harness_.Policyctl({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("OK: no problems found"), std::string::npos) << verify.out;
  const auto list = harness_.Control({{"cmd", "list"}});
  ASSERT_EQ(list["ok"], true);
  ASSERT_EQ(list["result"]["documents"].size(), static_cast<std::size_t>(kDocs));
  for (const auto& doc : list["result"]["documents"]) {
    EXPECT_FALSE(doc["last_check"].is_null()) << doc["id"];
    EXPECT_FALSE(doc["next_due"].is_null()) << doc["id"];  // still scheduled
  }
  ASSERT_EQ(harness_.Stop(), 0);

  // The database itself, read directly with the daemon stopped.
  auto opened = Store::Open(harness_.state_dir() / "db");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  Store& store = **opened;
  const Result<VerifyReport> report = store.Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok()) << ToJson(*report).dump(2);

  // Events: 1..LastSequence, each once; version events indexed by seq.
  std::map<uint64_t, nlohmann::json> version_events;
  uint64_t expected = 1;
  for (;;) {
    auto batch = store.ReadEvents(expected - 1, 1000);
    ASSERT_TRUE(batch.ok());
    if (batch->empty()) break;
    for (const StoredEvent& event : *batch) {
      ASSERT_EQ(event.seq, expected) << "gap or duplicate in the event log";
      const auto j = nlohmann::json::parse(event.json);
      EXPECT_EQ(j["seq"], event.seq);
      const std::string type = j["type"];
      if (type == "document.first_seen" || type == "document.changed")
        version_events[event.seq] = j;
      ++expected;
    }
  }
  EXPECT_EQ(expected - 1, store.LastSequence());

  // Every version has exactly one announcing event and vice versa; no text twice in a row.
  std::set<uint64_t> announced;
  uint64_t versions = 0;
  const auto states = store.ListDocStates();
  ASSERT_TRUE(states.ok());
  EXPECT_EQ(states->size(), static_cast<std::size_t>(kDocs));
  for (const auto& [doc, state] : *states) {
    const auto history = store.GetHistory(doc);
    ASSERT_TRUE(history.ok());
    ASSERT_FALSE(history->empty()) << doc;
    for (std::size_t i = 0; i < history->size(); ++i) {
      const VersionRecord& version = (*history)[i];
      ++versions;
      if (i > 0) {
        EXPECT_NE(version.text_hash, (*history)[i - 1].text_hash) << doc;
      }
      EXPECT_TRUE(announced.insert(version.event_seq).second) << doc << " shares an event";
      const auto event = version_events.find(version.event_seq);
      ASSERT_NE(event, version_events.end()) << doc << " version without event";
      EXPECT_EQ(event->second["doc"], doc);
      EXPECT_EQ(event->second.value(i == 0 ? "hash" : "new_hash", ""), version.text_hash);
      EXPECT_TRUE(store.GetBlob(version.text_hash).ok());
    }
    EXPECT_EQ(state.last_text_hash, history->back().text_hash) << doc;
  }
  EXPECT_EQ(versions, version_events.size()) << "an event announces no stored version";
  // The pages did change between passes: the history has more than the first versions.
  EXPECT_GT(versions, static_cast<uint64_t>(kDocs));
  std::printf("crash test: %d kills, %llu versions, %llu events\n", kills,
              static_cast<unsigned long long>(versions),
              static_cast<unsigned long long>(store.LastSequence()));
}

}  // namespace
}  // namespace policyd::testing
