// Webhooks end to end (issue 18 item 1): the real policyd POSTs its events to a receiver on
// 127.0.0.1 (the Boost.Beast test server) that verifies every signature with its own HMAC
// (OpenSSL's one-shot HMAC, not the daemon's EVP_MAC path), fails on demand, holds requests,
// and records what it was sent. Loopback only: allow_private_addresses = true.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "support/independent_hmac.h"
#include "support/test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kSecret[] = "s3cret-0123456789abcdef-0123456789";

// A webhook receiver at one path of the test server.
class Receiver {
 public:
  struct Seen {
    uint64_t seq = 0;
    int status = 0;  // what the receiver answered
    bool signature_ok = false;
    std::string type;  // Policyd-Event-Type
    std::string node;  // Policyd-Node
    nlohmann::json body;
  };

  Receiver(HttpTestServer& server, const std::string& path) {
    server.SetHandler(path, [this](const RecordedRequest& request) { return Answer(request); });
  }
  ~Receiver() { Release(); }

  void FailNext(int count) { fail_next_ = count; }
  void FailAlways(bool fail) { fail_always_ = fail; }
  // While held, requests wait (at most 30 s) before they are answered.
  void Hold() {
    const std::lock_guard<std::mutex> lock(mutex_);
    held_ = true;
  }
  void Release() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      held_ = false;
    }
    released_.notify_all();
  }

  std::vector<Seen> seen() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }
  std::size_t arrived() const { return arrived_; }
  // The seqs answered 2xx, in the order they were answered.
  std::vector<uint64_t> Delivered() const {
    std::vector<uint64_t> seqs;
    for (const Seen& seen : seen()) {
      if (seen.status == 200) seqs.push_back(seen.seq);
    }
    return seqs;
  }

 private:
  TestResponse Answer(const RecordedRequest& request) {
    ++arrived_;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      released_.wait_for(lock, seconds(30), [this] { return !held_; });
    }
    Seen seen;
    seen.seq = std::stoull(request.headers.at("policyd-event-seq"));
    seen.type = request.headers.at("policyd-event-type");
    if (const auto node = request.headers.find("policyd-node"); node != request.headers.end()) {
      seen.node = node->second;
    }
    const std::string timestamp = request.headers.at("policyd-timestamp");
    const auto age =
        std::chrono::system_clock::now().time_since_epoch() / seconds(1) - std::stoll(timestamp);
    // What a receiver does: recompute the HMAC over "timestamp.body", compare, and refuse
    // timestamps outside a five-minute window.
    seen.signature_ok = request.headers.count("policyd-signature") == 1 &&
                        request.headers.at("policyd-signature") ==
                            "v1=" + IndependentHmac(kSecret, timestamp + "." + request.body) &&
                        age >= -300 && age <= 300 &&
                        request.headers.at("content-type") == "application/json" &&
                        request.method == "POST";
    seen.body = nlohmann::json::parse(request.body, nullptr, false);
    bool fail = fail_always_.load();
    if (!fail && fail_next_.load() > 0) {
      --fail_next_;
      fail = true;
    }
    seen.status = fail ? 500 : 200;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      seen_.push_back(seen);
    }
    return {.status = seen.status, .body = fail ? "receiver down" : "ok"};
  }

  mutable std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;
  std::vector<Seen> seen_;
  std::atomic<int> fail_next_{0};
  std::atomic<bool> fail_always_{false};
  std::atomic<std::size_t> arrived_{0};
};

std::string Webhook(const std::string& name, const std::string& url,
                    const std::string& extra = "") {
  return "\n[[webhooks]]\nname = \"" + name + "\"\nurl = \"" + url + "\"\nsecret = \"" + kSecret +
         "\"\nretry_min = \"100ms\"\nretry_max = \"1s\"\n" + extra;
}

class WebhookTest : public ::testing::Test {
 protected:
  void Serve(const std::string& acme, const std::string& terms, const std::string& globex) {
    server_.Set("/acme/privacy", HtmlResponse(SharingPolicyPage("Acme Privacy", acme)));
    server_.Set("/acme/terms", HtmlResponse(SharingPolicyPage("Acme Terms", terms)));
    server_.Set("/globex/privacy", HtmlResponse(SharingPolicyPage("Globex Privacy", globex)));
  }

  void WriteTargets(DaemonHarness& harness) {
    harness.WriteTarget("acme",
                        "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                        "url = \"" +
                            server_.Url("/acme/privacy") +
                            "\"\n[[documents]]\ntype = \"Terms of Service\"\n"
                            "url = \"" +
                            server_.Url("/acme/terms") + "\"\n");
    harness.WriteTarget("globex",
                        "name = \"Globex\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                        "url = \"" +
                            server_.Url("/globex/privacy") + "\"\n");
  }

  static uint64_t ChecksDone(DaemonHarness& harness) {
    return harness.Control({{"cmd", "status"}})["result"]["checks_done"];
  }
  static uint64_t LastSeq(DaemonHarness& harness) {
    return harness.Control({{"cmd", "status"}})["result"]["last_seq"];
  }
  static nlohmann::json Hook(DaemonHarness& harness, const std::string& name) {
    const auto response = harness.Control({{"cmd", "webhooks"}});
    for (const auto& hook : response["result"]["webhooks"]) {
      if (hook["name"] == name) return hook;
    }
    return nullptr;
  }
  // Waits until webhook `name` has handled every stored event.
  static bool CaughtUp(DaemonHarness& harness, const std::string& name) {
    return WaitFor([&] {
      const auto hook = Hook(harness, name);
      return !hook.is_null() && hook["cursor"] == LastSeq(harness) && !hook["in_flight"];
    });
  }
  static void CheckAll(DaemonHarness& harness) {
    const uint64_t done = ChecksDone(harness);
    ASSERT_EQ(harness.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
    ASSERT_TRUE(harness.WaitForChecks(done + 3)) << harness.log();
  }

  HttpTestServer server_;
};

TEST_F(WebhookTest, ReceiverFailsThenRecoversAndGetsEveryEventInOrder) {
  Receiver receiver(server_, "/hook");
  receiver.FailNext(4);
  Serve("We never sell data.", "Be nice.", "We share with no one.");
  DaemonHarness harness(Webhook("ops", server_.Url("/hook")));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  Serve("We sell data to advertisers and brokers.", "Be nice.", "We share with partners now.");
  CheckAll(harness);
  const uint64_t last = LastSeq(harness);
  ASSERT_EQ(last, 5u);
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();

  // Every event answered 2xx exactly once, in sequence order; the failures were all retries
  // of event 1, which held the later events back.
  EXPECT_EQ(receiver.Delivered(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  const auto seen = receiver.seen();
  ASSERT_EQ(seen.size(), 9u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_TRUE(seen[i].signature_ok) << "request " << i;
    if (i > 0) {
      EXPECT_LE(seen[i - 1].seq, seen[i].seq);
    }
    if (i < 4) {
      EXPECT_EQ(seen[i].seq, 1u);
    }
  }
  // The body is the event as stored: the feed replays the same objects.
  EventSubscriber feed(harness.events_socket(), 0);
  for (uint64_t seq = 1; seq <= last; ++seq) {
    const auto event = feed.Next();
    ASSERT_TRUE(event);
    const auto delivered = std::find_if(seen.begin(), seen.end(), [&](const Receiver::Seen& s) {
      return s.seq == seq && s.status == 200;
    });
    ASSERT_NE(delivered, seen.end());
    EXPECT_EQ(delivered->body, *event);
    EXPECT_EQ(delivered->type, (*event)["type"]);
  }

  const auto hook = Hook(harness, "ops");
  EXPECT_EQ(hook["cursor"], 5);
  EXPECT_EQ(hook["last_seq"], 5);
  EXPECT_EQ(hook["lag"], 0);
  EXPECT_EQ(hook["state"], "ok");
  EXPECT_EQ(hook["delivered"], 5);
  EXPECT_EQ(hook["failed_attempts"], 4);
  EXPECT_EQ(hook["last_http_status"], 200);
  EXPECT_EQ(hook["last_error"], "");
  EXPECT_EQ(hook["url"], server_.Url("/hook"));
  EXPECT_TRUE(hook["last_attempt"].is_string());
  // One warning when it started failing, one line when it recovered: not one per retry.
  const std::string log = harness.log();
  std::size_t warnings = 0;
  for (std::size_t at = log.find("delivery of event"); at != std::string::npos;
       at = log.find("delivery of event", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;
  EXPECT_NE(log.find("webhook 'ops': delivering again (event 1) after 4 failed attempt(s)"),
            std::string::npos)
      << log;
  // The secret is never logged or shown.
  EXPECT_EQ(log.find(kSecret), std::string::npos);
  EXPECT_EQ(harness.Control({{"cmd", "webhooks"}}).dump().find(kSecret), std::string::npos);
  const auto status = harness.Control({{"cmd", "status"}})["result"]["webhooks"];
  EXPECT_EQ(status, (nlohmann::json{{"count", 1}, {"max_lag", 0}, {"failing", 0}}));
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(WebhookTest, KillDuringAnOutageLosesNothing) {
  Receiver receiver(server_, "/hook");
  Serve("We never sell data.", "Be nice.", "We share with no one.");
  DaemonHarness harness(Webhook("ops", server_.Url("/hook")));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  EXPECT_EQ(receiver.Delivered(), (std::vector<uint64_t>{1, 2, 3}));

  // The receiver goes down; two more events wait behind the failing one.
  receiver.FailAlways(true);
  Serve("We sell data to advertisers and brokers.", "Be nice.", "We share with partners now.");
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 5u);
  ASSERT_TRUE(WaitFor([&] { return Hook(harness, "ops")["state"] == "failing"; }));
  EXPECT_EQ(Hook(harness, "ops")["cursor"], 3);
  EXPECT_EQ(Hook(harness, "ops")["lag"], 2);
  EXPECT_EQ(harness.Control({{"cmd", "status"}})["result"]["webhooks"]["failing"], 1);
  harness.Kill();  // kill -9, mid-outage

  // Back up: the stored cursor (3) is where delivery resumes, although a new webhook would
  // start at the log's end.
  receiver.FailAlways(false);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  EXPECT_EQ(receiver.Delivered(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  for (const auto& seen : receiver.seen()) EXPECT_TRUE(seen.signature_ok);
  EXPECT_EQ(Hook(harness, "ops")["cursor"], 5);
  EXPECT_EQ(harness.Stop(), 0);

  // A graceful stop keeps the cursor too: nothing is sent again after a restart.
  const std::size_t before = receiver.seen().size();
  ASSERT_TRUE(harness.Start()) << harness.log();
  EXPECT_EQ(Hook(harness, "ops")["cursor"], 5);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(receiver.seen().size(), before);
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(WebhookTest, FiltersDeliverExactlyTheMatchingEvents) {
  Receiver acme_changes(server_, "/acme-changes");
  Receiver substantive(server_, "/substantive");
  Serve("We never sell data.", "Be nice to each other.", "We share with no one.");
  DaemonHarness harness(
      Webhook("acme-changes", server_.Url("/acme-changes"),
              "platforms = [\"acme\"]\nevents = [\"document.changed\"]\nstart = \"beginning\"\n") +
      Webhook("substantive", server_.Url("/substantive"),
              "classes = [\"substantive\"]\nstart = \"beginning\"\n"));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  // Acme's privacy policy changes in substance, its terms only in punctuation (cosmetic),
  // Globex's in substance.
  Serve("We sell data to advertisers.", "Be nice to each other!", "We share with partners.");
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 6u);
  ASSERT_TRUE(CaughtUp(harness, "acme-changes")) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "substantive")) << harness.log();

  // The expected seqs, read from the log with the filters applied here.
  std::vector<uint64_t> want_acme;
  std::vector<uint64_t> want_substantive;
  EventSubscriber feed(harness.events_socket(), 0);
  std::set<std::string> classes;
  for (uint64_t seq = 1; seq <= 6; ++seq) {
    const auto event = feed.Next();
    ASSERT_TRUE(event);
    const bool changed = (*event)["type"] == "document.changed";
    if (changed) classes.insert((*event)["change_class"].get<std::string>());
    if (changed && (*event)["platform"] == "Acme") want_acme.push_back(seq);
    if (!changed || (*event)["change_class"] == "substantive") want_substantive.push_back(seq);
  }
  ASSERT_EQ(classes, (std::set<std::string>{"cosmetic", "substantive"}));  // both kinds seen
  ASSERT_EQ(want_acme.size(), 2u);
  ASSERT_EQ(want_substantive.size(), 5u);
  EXPECT_EQ(acme_changes.Delivered(), want_acme);
  EXPECT_EQ(substantive.Delivered(), want_substantive);
  // Filtered-out events still move the cursor.
  EXPECT_EQ(Hook(harness, "acme-changes")["cursor"], 6);
  EXPECT_EQ(Hook(harness, "acme-changes")["delivered"], 2);
  EXPECT_EQ(Hook(harness, "acme-changes")["filters"]["platforms"], nlohmann::json({"acme"}));
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(WebhookTest, ASlowReceiverDoesNotHoldChecksBack) {
  Receiver receiver(server_, "/hook");
  receiver.Hold();
  Serve("We never sell data.", "Be nice.", "We share with no one.");
  DaemonHarness harness(Webhook("ops", server_.Url("/hook")));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  ASSERT_TRUE(WaitFor([&] { return receiver.arrived() == 1; })) << harness.log();
  ASSERT_EQ(Hook(harness, "ops")["in_flight"], true);

  // While event 1's request waits at the receiver, a check runs and its event is stored.
  Serve("We sell data to advertisers and brokers.", "Be nice.", "We share with no one.");
  const uint64_t done = ChecksDone(harness);
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}})["ok"], true);
  ASSERT_TRUE(harness.WaitForChecks(done + 1)) << harness.log();
  EXPECT_EQ(LastSeq(harness), 4u);
  const auto hook = Hook(harness, "ops");
  EXPECT_EQ(hook["in_flight"], true);  // still the same request
  EXPECT_EQ(hook["cursor"], 0);
  EXPECT_EQ(receiver.arrived(), 1u);

  receiver.Release();
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  EXPECT_EQ(receiver.Delivered(), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(WebhookTest, TestCommandSendsASignedSyntheticEvent) {
  Receiver receiver(server_, "/hook");
  Serve("We never sell data.", "Be nice.", "We share with no one.");
  DaemonHarness harness(Webhook("ops", server_.Url("/hook")) +
                        Webhook("down", server_.Url("/nowhere")));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  const auto before = Hook(harness, "ops");

  const auto response = harness.Control({{"cmd", "webhooks_test"}, {"name", "ops"}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["result"]["name"], "ops");
  EXPECT_EQ(response["result"]["outcome"], "delivered");
  EXPECT_EQ(response["result"]["http_status"], 200);
  EXPECT_EQ(response["result"]["error"], "");
  const auto seen = receiver.seen();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen.back().seq, 0u);
  EXPECT_EQ(seen.back().type, "webhook.test");
  EXPECT_EQ(seen.back().body["type"], "webhook.test");
  EXPECT_EQ(seen.back().body["webhook"], "ops");
  EXPECT_TRUE(seen.back().signature_ok);
  // Not in the log, not counted: the webhook's position is untouched.
  EXPECT_EQ(LastSeq(harness), 3u);
  EXPECT_EQ(Hook(harness, "ops")["delivered"], before["delivered"]);
  EXPECT_EQ(Hook(harness, "ops")["cursor"], before["cursor"]);

  const auto failed = harness.Control({{"cmd", "webhooks_test"}, {"name", "down"}});
  ASSERT_EQ(failed["ok"], true) << failed.dump();
  EXPECT_EQ(failed["result"]["outcome"], "rejected");
  EXPECT_EQ(failed["result"]["http_status"], 404);
  EXPECT_EQ(failed["result"]["error"], "HTTP 404: not found");

  const auto unknown = harness.Control({{"cmd", "webhooks_test"}, {"name", "nope"}});
  EXPECT_EQ(unknown["error"]["code"], "not_found");
  const auto missing = harness.Control({{"cmd", "webhooks_test"}});
  EXPECT_EQ(missing["error"]["code"], "invalid_argument");

  // The same through policyctl: the table, and `webhooks test NAME` with its exit status.
  for (int i = 0; i < 500 && Hook(harness, "down")["state"] != "failing"; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  const auto table = harness.Policyctl({"webhooks"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream rows(table.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(rows, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << table.out;
  EXPECT_EQ(lines[0].rfind("NAME ", 0), 0u) << table.out;
  EXPECT_EQ(lines[1].rfind("ops ", 0), 0u) << table.out;
  EXPECT_NE(lines[1].find(" ok "), std::string::npos) << table.out;
  EXPECT_NE(lines[1].find(" 3/3 "), std::string::npos) << table.out;
  EXPECT_EQ(lines[2].rfind("down ", 0), 0u) << table.out;
  EXPECT_NE(lines[2].find(" failing "), std::string::npos) << table.out;
  EXPECT_NE(lines[2].find("HTTP 404"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find(kSecret), std::string::npos);

  const auto delivered = harness.Policyctl({"webhooks", "test", "ops"});
  EXPECT_EQ(delivered.exit_code, 0) << delivered.err;
  EXPECT_EQ(delivered.out.rfind("delivered: HTTP 200 in ", 0), 0u) << delivered.out;
  const auto rejected = harness.Policyctl({"webhooks", "test", "down"});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_EQ(rejected.out.rfind("rejected: HTTP 404: not found in ", 0), 0u) << rejected.out;
  EXPECT_EQ(harness.Policyctl({"--json", "webhooks", "test", "down"}).exit_code, 1);
  EXPECT_EQ(harness.Policyctl({"webhooks", "test"}).exit_code, 2);
  const auto unknown_cli = harness.Policyctl({"webhooks", "test", "nope"});
  EXPECT_EQ(unknown_cli.exit_code, 1);
  EXPECT_NE(unknown_cli.err.find("not_found"), std::string::npos) << unknown_cli.err;
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(WebhookTest, NewWebhooksStartAtTheEndUnlessToldAndRemovedOnesKeepTheirPlace) {
  Receiver late(server_, "/late");
  Receiver history(server_, "/history");
  Serve("We never sell data.", "Be nice.", "We share with no one.");
  DaemonHarness harness;
  const std::string base = [&] {
    std::ifstream in(harness.config_path());
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  const auto configure = [&](const std::string& webhooks) {
    std::ofstream(harness.config_path(), std::ios::trunc) << base << webhooks;
  };
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  ASSERT_EQ(harness.Stop(), 0);

  // Two webhooks appear after three events: one from the end (the default), one from the
  // beginning.
  const std::string late_hook = Webhook("late", server_.Url("/late"));
  const std::string history_hook =
      Webhook("history", server_.Url("/history"), "start = \"beginning\"\n");
  configure(late_hook + history_hook);
  ASSERT_TRUE(harness.Start()) << harness.log();
  EXPECT_EQ(Hook(harness, "late")["cursor"], 3);
  Serve("We sell data to advertisers and brokers.", "Be nice.", "We share with no one.");
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 4u);
  ASSERT_TRUE(CaughtUp(harness, "late")) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "history")) << harness.log();
  EXPECT_EQ(late.Delivered(), (std::vector<uint64_t>{4}));
  EXPECT_EQ(history.Delivered(), (std::vector<uint64_t>{1, 2, 3, 4}));
  ASSERT_EQ(harness.Stop(), 0);

  // "late" leaves the config while an event happens; put back, it sends what it missed.
  configure(history_hook);
  ASSERT_TRUE(harness.Start()) << harness.log();
  Serve("We sell data to advertisers and brokers.", "Be nice.", "We share with partners now.");
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 5u);
  ASSERT_TRUE(CaughtUp(harness, "history")) << harness.log();
  EXPECT_NE(harness.log().find("webhook 'late' is not in the config; its cursor (4) is kept"),
            std::string::npos)
      << harness.log();
  ASSERT_EQ(harness.Stop(), 0);
  configure(late_hook + history_hook);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "late")) << harness.log();
  EXPECT_EQ(late.Delivered(), (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(history.Delivered(), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(harness.Stop(), 0);
}

// A backup opened in place of the database continues the event numbers from the backup's last
// one: a receiver that de-duplicated by Policyd-Event-Seq alone dropped the restored
// database's new events until they passed the original's highest number. Each database names
// itself in Policyd-Node (a backup gets a name of its own), so (node, seq) tells them apart.
TEST_F(WebhookTest, ARestoredBackupsEventsCarryANodeOfTheirOwn) {
  Receiver receiver(server_, "/hook");
  Serve("We never sell data.", "Be nice.", "We share with no one.");
  DaemonHarness harness(Webhook("ops", server_.Url("/hook")));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  ASSERT_EQ(harness.Stop(), 0);  // the cursor (3) stored: the backup holds it
  ASSERT_TRUE(harness.Start()) << harness.log();
  const std::filesystem::path backup = harness.dir() / "backup";
  const CommandResult backed_up = harness.Policyctl({"backup", backup.string()});
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.err;
  Serve("We sell data to advertisers and brokers.", "Be nice.", "We share with partners now.");
  CheckAll(harness);
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  ASSERT_EQ(harness.Stop(), 0);

  ASSERT_TRUE(harness.Start({}, {"--state-dir", backup.string()})) << harness.log();
  Serve("We sell data to everyone.", "Be nice.", "We share with partners now.");
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 5u);
  ASSERT_TRUE(CaughtUp(harness, "ops")) << harness.log();
  EXPECT_EQ(harness.Stop(), 0);

  EXPECT_EQ(receiver.Delivered(), (std::vector<uint64_t>{1, 2, 3, 4, 5, 4, 5}));
  const std::vector<Receiver::Seen> seen = receiver.seen();
  ASSERT_EQ(seen.size(), 7u);
  const std::string original = seen[0].node;
  const std::string restored = seen[5].node;
  EXPECT_EQ(original.size(), 16u) << original;
  EXPECT_EQ(restored.size(), 16u) << restored;
  EXPECT_NE(original, restored);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].node, i < 5 ? original : restored) << "request " << i;
    EXPECT_TRUE(seen[i].signature_ok) << "request " << i;
  }
  EXPECT_NE(seen[3].body, seen[5].body);  // another event 4: the restored database's own
}

TEST_F(WebhookTest, PrivateAddressIsRefusedAtConfigLoad) {
  // The harness allows private addresses; this config does not.
  DaemonHarness harness("allow_private_addresses = false\n" + Webhook("ops", server_.Url("/hook")));
  const CommandResult result =
      RunCommand({POLICYD_BIN, "--config", harness.config_path().string()});
  EXPECT_EQ(result.exit_code, 78);
  // The error names the line of the webhook's url in the file.
  int url_line = 0;
  std::ifstream config(harness.config_path());
  for (std::string line; std::getline(config, line);) {
    ++url_line;
    if (line.starts_with("url = ")) break;
  }
  EXPECT_NE(result.err.find(harness.config_path().string() + ":" + std::to_string(url_line) + ":"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("loopback or private address"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find(kSecret), std::string::npos);
}

}  // namespace
}  // namespace policyd::testing
