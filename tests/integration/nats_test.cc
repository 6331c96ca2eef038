// Events to JetStream end to end (issue 19 items 1 and 3): the real policyd publishes to a
// real nats-server (-js, on a free loopback port, its store in a temporary directory), and a
// consumer written with cnats (a durable pull consumer, as docs/EVENTS.md shows) reads the
// stream back. Every event must arrive once, in order, with its exact Nats-Msg-Id, across a
// daemon SIGKILL, a NATS restart, and a restart after more than the duplicate window. Tests
// skip (GTEST_SKIP) only when /usr/sbin/nats-server is not installed.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon_harness.h"
#include "nats_handles.h"  // src/nats: the RAII owners of cnats handles
#include "nats_server.h"
#include "nats_stream_reader.h"
#include "policyd/store.h"
#include "support/http_test_server.h"
#include "support/temp_dir.h"
#include "support/test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kStream[] = "POLICYD_TEST";

std::string NatsConfigFor(const NatsServer& server, const std::string& extra = "") {
  return "\n[nats]\nurls = [\"" + server.url() + "\"]\nstream = \"" + kStream +
         "\"\nstorage = \"file\"\nretry_min = \"100ms\"\nretry_max = \"500ms\"\n"
         "connect_timeout = \"1s\"\nack_timeout = \"2s\"\n" +
         extra;
}

class NatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) {
      GTEST_SKIP() << kNatsServerBin << " is not installed (Debian package nats-server, "
                   << "scripts/install-deps.sh): the JetStream tests cannot run";
    }
    ASSERT_TRUE(nats_.Start()) << nats_.log();
  }

  // Four documents on two platforms; `round` changes what three of them say.
  void Serve(int round) {
    const std::string suffix = round == 0 ? "." : " (revision " + std::to_string(round) + ").";
    server_.Set("/acme/privacy",
                HtmlResponse(SharingPolicyPage("Acme Privacy", "We never sell data" + suffix)));
    server_.Set("/acme/terms", HtmlResponse(SharingPolicyPage("Acme Terms", "Be nice" + suffix)));
    server_.Set("/globex/privacy",
                HtmlResponse(SharingPolicyPage("Globex Privacy", "We share with no one" + suffix)));
    server_.Set("/globex/cookies",
                HtmlResponse(SharingPolicyPage("Globex Cookies", "We set two cookies.")));
  }

  void WriteTargets(DaemonHarness& harness) {
    harness.WriteTarget("acme",
                        "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                        "url = \"" +
                            server_.Url("/acme/privacy") +
                            "\"\n[[documents]]\ntype = \"Terms of Service\"\nurl = \"" +
                            server_.Url("/acme/terms") + "\"\n");
    harness.WriteTarget("globex",
                        "name = \"Globex Corp.\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                        "url = \"" +
                            server_.Url("/globex/privacy") +
                            "\"\n[[documents]]\ntype = \"Cookie Policy\"\nurl = \"" +
                            server_.Url("/globex/cookies") + "\"\n");
  }

  static nlohmann::json Status(DaemonHarness& harness) {
    return harness.Control({{"cmd", "status"}})["result"];
  }
  static uint64_t LastSeq(DaemonHarness& harness) { return Status(harness)["last_seq"]; }
  // Checks every document and waits until the checks are committed.
  static void CheckAll(DaemonHarness& harness) {
    const uint64_t done = Status(harness)["checks_done"];
    ASSERT_EQ(harness.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
    ASSERT_TRUE(harness.WaitForChecks(done + 4)) << harness.log();
  }
  // Waits until the outbox has published every stored event.
  static bool CaughtUp(DaemonHarness& harness) {
    return WaitFor([&] {
      const auto nats = Status(harness)["nats"];
      return nats.is_object() && nats["connected"] == true && nats["lag"] == 0 &&
             nats["published_seq"] == nats["last_seq"];
    });
  }

  // The stream holds events 1..last of this daemon, once each, in order, exactly as stored
  // (the feed's objects), with the message id, headers and subject the contract names.
  void ExpectExactlyTheLog(DaemonHarness& harness, const std::string& durable) {
    const auto status = Status(harness);
    const uint64_t last = status["last_seq"];
    const std::string node = status["nats"]["node_id"];
    ASSERT_EQ(node.size(), 16u);
    std::string error;
    const std::vector<Received> received = ReadStream(nats_.url(), kStream, durable, &error);
    ASSERT_EQ(error, "");
    ASSERT_EQ(received.size(), last) << harness.log();
    EventSubscriber feed(harness.events_socket(), 0);
    for (uint64_t seq = 1; seq <= last; ++seq) {
      const Received& one = received[seq - 1];
      const auto event = feed.Next();
      ASSERT_TRUE(event);
      EXPECT_EQ(one.stream_seq, seq);
      EXPECT_EQ(one.event_seq, seq);
      EXPECT_EQ(one.msg_id, node + ":" + std::to_string(seq));
      EXPECT_EQ(one.body, *event);
      EXPECT_EQ(one.type, (*event)["type"]);
      const std::string platform = (*event)["platform"] == "Acme" ? "acme" : "globex-corp";
      const std::string doc_type = (*event)["doc_type"] == "Privacy Policy"     ? "privacy-policy"
                                   : (*event)["doc_type"] == "Terms of Service" ? "terms-of-service"
                                                                                : "cookie-policy";
      EXPECT_EQ(one.subject, "policyd.events." + platform + "." + doc_type + "." + node);
    }
  }

  NatsServer nats_;
  HttpTestServer server_;
};

TEST_F(NatsTest, ConsumerSeesEveryEventOnceInOrderWithItsMessageId) {
  Serve(0);
  DaemonHarness harness(NatsConfigFor(nats_));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(4)) << harness.log();
  Serve(1);
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 7u);  // 4 first_seen, 3 changed
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();
  ExpectExactlyTheLog(harness, "analyzer");

  const auto nats = Status(harness)["nats"];
  EXPECT_EQ(nats["state"], "connected");
  EXPECT_EQ(nats["url"], nats_.url());
  EXPECT_EQ(nats["stream"], kStream);
  EXPECT_EQ(nats["published"], 7);
  EXPECT_EQ(nats["duplicates"], 0);
  EXPECT_EQ(nats["last_error"], "");
  const CommandResult shown = harness.Policyctl({"status"});
  EXPECT_NE(shown.out.find("connected to " + nats_.url() + ", stream POLICYD_TEST, 0 to publish"),
            std::string::npos)
      << shown.out;

  // The example consumer of docs/EVENTS.md reads the same: all of it, then a replay from
  // stream sequence 5 under another durable name.
  const CommandResult all = RunCommand({NATS_CONSUMER_BIN, nats_.url(), kStream, "example"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(all.out.find("1 1 document.first_seen policyd.events."), 0u) << all.out;
  EXPECT_NE(all.out.find("\n7 7 document.changed policyd.events."), std::string::npos) << all.out;
  const CommandResult replay =
      RunCommand({NATS_CONSUMER_BIN, nats_.url(), kStream, "replay-from-5", "5"});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_EQ(replay.out.find("5 5 document.changed "), 0u) << replay.out;
  EXPECT_EQ(replay.out.find("\n4 4 "), std::string::npos) << replay.out;
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(NatsTest, KillDuringPublicationThenRestartPublishesEachEventOnce) {
  Serve(0);
  DaemonHarness harness(NatsConfigFor(nats_));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(4)) << harness.log();
  // Killed the moment its checks are committed: publication is under way or about to be,
  // and the cursor may lag what the stream holds.
  for (int round = 1; round <= 3; ++round) {
    Serve(round);
    CheckAll(harness);
    harness.Kill();
    ASSERT_TRUE(harness.Start()) << harness.log();
  }
  ASSERT_EQ(LastSeq(harness), 4u + 3 * 3);
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();
  ExpectExactlyTheLog(harness, "after-kill");
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(NatsTest, OutageDelaysPublicationAndLosesNothing) {
  Serve(0);
  DaemonHarness harness(NatsConfigFor(nats_));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(4)) << harness.log();
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();

  nats_.Stop();
  ASSERT_TRUE(WaitFor([&] { return Status(harness)["nats"]["connected"] == false; }))
      << harness.log();
  // Checks go on while NATS is down; their events wait in the log.
  Serve(1);
  CheckAll(harness);
  Serve(2);
  CheckAll(harness);
  ASSERT_EQ(LastSeq(harness), 10u);
  auto nats = Status(harness)["nats"];
  EXPECT_EQ(nats["connected"], false);
  EXPECT_EQ(nats["state"], "disconnected");
  EXPECT_EQ(nats["published_seq"], 4);
  EXPECT_EQ(nats["lag"], 6);
  EXPECT_NE(nats["last_error"], "");
  EXPECT_TRUE(nats["next_attempt"].is_string());
  const CommandResult shown = harness.Policyctl({"status"});
  EXPECT_NE(shown.out.find("6 to publish"), std::string::npos) << shown.out;
  std::this_thread::sleep_for(seconds(2));  // several failed attempts, said once
  const std::string log = harness.log();
  std::size_t warnings = 0;
  for (std::size_t at = log.find("nats: publishing stopped"); at != std::string::npos;
       at = log.find("nats: publishing stopped", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1u) << log;
  EXPECT_EQ(log.find("nats: cannot publish to"), std::string::npos) << log;

  ASSERT_TRUE(nats_.Start()) << nats_.log();
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();
  ExpectExactlyTheLog(harness, "after-outage");
  // The recovery is said as the loss was: an operator reading the log sees both.
  const std::string after = harness.log();
  const std::size_t first = after.find("info  nats: connected to ");
  ASSERT_NE(first, std::string::npos) << after;
  EXPECT_NE(after.find("info  nats: connected to ", after.find("nats: publishing stopped")),
            std::string::npos)
      << after;
  nats = Status(harness)["nats"];
  EXPECT_EQ(nats["lag"], 0);
  EXPECT_EQ(nats["last_error"], "");
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(NatsTest, RestartAfterTheDuplicateWindowPublishesNothingTwice) {
  Serve(0);
  DaemonHarness harness(NatsConfigFor(nats_, "duplicate_window = \"1s\"\n"));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(4)) << harness.log();
  Serve(1);
  CheckAll(harness);
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();
  ASSERT_EQ(harness.Stop(), 0);

  // The worst case of a crash between the PubAcks and the cursor write: the stored cursor
  // says nothing was published. Then the daemon stays down for longer than the window, so
  // JetStream no longer knows the message ids.
  {
    auto store = Store::Open(harness.state_dir() / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->SetMeta(std::string("nats_cursor/") + kStream, "0").ok());
  }
  std::this_thread::sleep_for(milliseconds(2500));

  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();
  ExpectExactlyTheLog(harness, "after-window");
  EXPECT_NE(harness.log().find("already holds this node's events up to 7 (the cursor said 0)"),
            std::string::npos)
      << harness.log();
  EXPECT_EQ(Status(harness)["nats"]["published"], 0);  // nothing was sent again
  EXPECT_EQ(harness.Stop(), 0);
}

// An event the stream refuses (its operator's max_msg_size) while it stores a later one
// must not be skipped: publishing stops at it, says why, and resumes once the stream takes it.
TEST_F(NatsTest, AnEventTheStreamRefusesIsNeverSkippedForALaterOne) {
  ASSERT_EQ(PutStream(nats_.url(), kStream, 1500, /*update=*/false), "");
  server_.Set("/big", HtmlResponse(SharingPolicyPage("Big Privacy", "We keep data.")));
  server_.Set("/small", HtmlResponse(SharingPolicyPage("Small Privacy", "We keep none.")));
  DaemonHarness harness(NatsConfigFor(nats_));
  // Event 1 carries this URL twice (url and final_url): over the stream's limit.
  harness.WriteTarget("big", "name = \"Big\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" +
                                 server_.Url("/big?" + std::string(1200, 'a')) + "\"\n");
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  ASSERT_TRUE(WaitFor([&] {
    return Status(harness)["nats"]["last_error"].get<std::string>().find("event 1 refused") !=
           std::string::npos;
  })) << harness.log();
  harness.WriteTarget("small",
                      "name = \"Small\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" +
                          server_.Url("/small") + "\"\n");
  ASSERT_EQ(harness.Control({{"cmd", "reload"}})["ok"], true) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();
  ASSERT_EQ(LastSeq(harness), 2u);
  std::this_thread::sleep_for(seconds(2));  // several reconnections
  auto nats = Status(harness)["nats"];
  EXPECT_EQ(nats["published_seq"], 0) << nats.dump() << harness.log();
  EXPECT_EQ(nats["lag"], 2) << nats.dump();
  EXPECT_NE(nats["last_error"].get<std::string>().find("event 1 refused"), std::string::npos)
      << nats.dump();
  // The refusal is said once, however many times it is tried again.
  const std::string log = harness.log();
  const std::string warning = "warning nats: publishing stopped";
  EXPECT_EQ(log.find(warning, log.find(warning) + 1), std::string::npos) << log;

  // Its operator lifts the limit: event 1 is published, and event 2 is in the stream once.
  ASSERT_EQ(PutStream(nats_.url(), kStream, -1, /*update=*/true), "");
  ASSERT_TRUE(CaughtUp(harness)) << harness.log();
  std::string error;
  const std::vector<Received> received = ReadStream(nats_.url(), kStream, "after-refusal", &error);
  ASSERT_EQ(error, "");
  std::vector<uint64_t> seqs;
  for (const Received& one : received) seqs.push_back(one.event_seq);
  std::sort(seqs.begin(), seqs.end());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2})) << harness.log();
  EXPECT_EQ(Status(harness)["nats"]["last_error"], "");
  EXPECT_EQ(harness.Stop(), 0);
}

// A server without JetStream answers no JetStream request: the reason says so, not only "No
// responders available for request".
TEST(NatsWithoutJetStreamTest, TheErrorSaysJetStreamIsNotEnabled) {
  if (!NatsServer::Installed()) GTEST_SKIP() << kNatsServerBin << " is not installed";
  NatsServer core;
  core.WithoutJetStream();
  ASSERT_TRUE(core.Start()) << core.log();
  DaemonHarness harness(NatsConfigFor(core));
  ASSERT_TRUE(harness.Start()) << harness.log();
  std::string error;
  ASSERT_TRUE(WaitFor([&] {
    const auto nats = harness.Control({{"cmd", "status"}})["result"]["nats"];
    error = nats.is_object() ? nats.value("last_error", "") : "";
    return !error.empty();
  })) << harness.log();
  EXPECT_NE(error.find("is JetStream enabled on the server"), std::string::npos) << error;
  EXPECT_EQ(harness.Stop(), 0);
}

// Done-when of issue 19 item 1: without [nats] the daemon needs no NATS and never connects.
TEST(NatsAbsentTest, DaemonWithoutNatsWorksWithNoServerAnywhere) {
  HttpTestServer server;
  server.Set("/privacy", HtmlResponse(SharingPolicyPage("Acme Privacy", "We never sell data.")));
  DaemonHarness harness;
  harness.WriteTarget("acme",
                      "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                      "url = \"" +
                          server.Url("/privacy") + "\"\n");
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  const auto status = harness.Control({{"cmd", "status"}})["result"];
  EXPECT_TRUE(status.contains("nats"));
  EXPECT_TRUE(status["nats"].is_null());
  EXPECT_EQ(status["last_seq"], 1);
  const CommandResult shown = harness.Policyctl({"status"});
  EXPECT_EQ(shown.out.find("nats"), std::string::npos) << shown.out;
  EXPECT_EQ(harness.Stop(), 0);
  EXPECT_EQ(harness.log().find("nats:"), std::string::npos) << harness.log();
}

// [nats] over TLS with a private certificate authority (ca_file): the server's certificate is
// made for the test by a CA of its own (/usr/bin/openssl, Debian package openssl).
class NatsTlsTest : public NatsTest {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) GTEST_SKIP() << kNatsServerBin << " is not installed";
    ASSERT_TRUE(MakeCertificates()) << "openssl: " << openssl_errors_;
    nats_.UseTls(certs_.path() / "server.pem", certs_.path() / "server.key");
    ASSERT_TRUE(nats_.Start()) << nats_.log();
    Serve(0);
  }

  // A CA, and a certificate for 127.0.0.1 that it signs.
  bool MakeCertificates() {
    const std::string dir = certs_.path().string() + "/";
    std::ofstream(dir + "server.ext") << "subjectAltName = IP:127.0.0.1\nbasicConstraints = "
                                         "CA:FALSE\nkeyUsage = digitalSignature\n"
                                         "extendedKeyUsage = serverAuth\n";
    const std::vector<std::vector<std::string>> commands = {
        {"/usr/bin/openssl",
         "req",
         "-x509",
         "-newkey",
         "ec",
         "-pkeyopt",
         "ec_paramgen_curve:prime256v1",
         "-nodes",
         "-keyout",
         dir + "ca.key",
         "-out",
         dir + "ca.pem",
         "-days",
         "2",
         "-subj",
         "/CN=policyd test CA",
         "-addext",
         "basicConstraints=critical,CA:TRUE",
         "-addext",
         "keyUsage=critical,keyCertSign"},
        {"/usr/bin/openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", dir + "server.key", "-out", dir + "server.csr", "-subj",
         "/CN=127.0.0.1"},
        {"/usr/bin/openssl", "x509", "-req", "-in", dir + "server.csr", "-CA", dir + "ca.pem",
         "-CAkey", dir + "ca.key", "-CAcreateserial", "-out", dir + "server.pem", "-days", "2",
         "-extfile", dir + "server.ext"},
    };
    for (const std::vector<std::string>& command : commands) {
      const CommandResult run = RunCommand(command);
      if (run.exit_code != 0) {
        openssl_errors_ = run.err;
        return false;
      }
    }
    return true;
  }

  TempDir certs_{"policyd-nats-tls"};
  std::string openssl_errors_;
};

TEST_F(NatsTlsTest, EventsArePublishedToAServerWhoseCertificateThePrivateCaSigned) {
  DaemonHarness harness(
      NatsConfigFor(nats_, "ca_file = \"" + (certs_.path() / "ca.pem").string() + "\"\n"));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(4)) << harness.log();
  ASSERT_TRUE(CaughtUp(harness)) << Status(harness).dump() << harness.log();
  const nlohmann::json nats = Status(harness)["nats"];
  EXPECT_EQ(nats["url"], nats_.url()) << nats.dump();
  EXPECT_EQ(nats["published_seq"], LastSeq(harness));
  EXPECT_GE(LastSeq(harness), 4u);  // a first_seen per document at least
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(NatsTlsTest, AServerTheSystemDoesNotTrustIsAnOutageThatSaysWhy) {
  // Without ca_file the system's authorities judge the certificate, and none signed it.
  DaemonHarness harness(NatsConfigFor(nats_));
  WriteTargets(harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(4)) << harness.log();
  nlohmann::json nats;
  ASSERT_TRUE(WaitFor([&] {
    nats = Status(harness)["nats"];
    return nats.is_object() && nats["consecutive_failures"].get<int>() >= 2;
  })) << nats.dump();
  EXPECT_EQ(nats["connected"], false) << nats.dump();
  EXPECT_EQ(nats["published_seq"], 0) << nats.dump();
  EXPECT_GE(nats["lag"].get<uint64_t>(), 4u) << nats.dump();
  // The reason names the TLS failure (cnats: "SSL handshake error" / certificate verify).
  const std::string error = nats["last_error"];
  EXPECT_TRUE(error.find("SSL") != std::string::npos ||
              error.find("certificate") != std::string::npos)
      << error;
  // The daemon goes on checking and storing.
  EXPECT_GE(LastSeq(harness), 4u);
  EXPECT_EQ(harness.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing
