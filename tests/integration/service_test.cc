// The daemon as systemd sees it: the sd_notify protocol (READY, STATUS, WATCHDOG, STOPPING)
// on a NOTIFY_SOCKET owned by the test, and a bounded, clean stop on SIGTERM.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "support/notify_socket.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

TEST(Service, NotifiesReadyFeedsTheWatchdogAndStopsCleanly) {
  HttpTestServer server;
  server.Set("/p", {.status = 200,
                    .headers = {{"Content-Type", "text/html"}},
                    .body = "<main><h1>Policy</h1><p>We collect nothing at all.</p></main>"});
  DaemonHarness harness;
  harness.WriteTarget(
      "acme", "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" + server.Url("/p") + "\"\n");
  NotifySocket notify(harness.dir() / "notify.sock");
  ASSERT_TRUE(harness.Start(
      {"NOTIFY_SOCKET=" + (harness.dir() / "notify.sock").string(), "WATCHDOG_USEC=400000"}))
      << harness.log();
  ASSERT_TRUE(notify.WaitFor("READY=1", milliseconds(5000))) << harness.log();
  EXPECT_NE(notify.messages().back().find("STATUS="), std::string::npos);
  // The watchdog is fed from the event loop at half the period: several pings in a second.
  int pings = 0;
  for (int i = 0; i < 3; ++i) pings += notify.WaitFor("WATCHDOG=1", milliseconds(1000));
  EXPECT_EQ(pings, 3);
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();

  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(harness.Stop(milliseconds(12'000)), 0) << harness.log();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(11));
  EXPECT_TRUE(notify.WaitFor("STOPPING=1", milliseconds(1000)));
}

TEST(Service, SigtermDuringSlowFetchesStopsWithinTheBound) {
  HttpTestServer server;
  // Every page hangs: the daemon must abort the transfers rather than wait for them.
  server.Set("/slow", {.hang = true});
  DaemonHarness harness;
  std::string targets;
  for (int i = 0; i < 5; ++i) {
    targets += "[[documents]]\ntype = \"Doc " + std::to_string(i) + "\"\nurl = \"" +
               server.Url("/slow") + "?n=" + std::to_string(i) + "\"\n";
  }
  harness.WriteTarget("slow", targets);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.Control({{"cmd", "check"}, {"all", true}})["ok"] == true);
  std::this_thread::sleep_for(milliseconds(300));  // transfers are now in flight
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(harness.Stop(milliseconds(12'000)), 0) << harness.log();
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  // Nothing half-done was recorded: the next start sees no checks and no versions.
  ASSERT_TRUE(harness.Start()) << harness.log();
  const auto list = harness.Control({{"cmd", "list"}});
  for (const auto& doc : list["result"]["documents"]) {
    EXPECT_EQ(doc["versions"], 0);
    EXPECT_TRUE(doc["last_check"].is_null());
  }
  EXPECT_EQ(harness.Stop(), 0);
  server.Stop();
}

// SIGTERM sent again while the daemon stops (an impatient operator's second Ctrl-C) changes
// nothing: the stop goes on to its end and exits 0. Before, a signal that came while the
// store was closing, after the signal handler was gone, killed the process (exit 143).
TEST(Service, RepeatedSigtermsStillStopCleanly) {
  HttpTestServer server;
  server.Set("/p", {.status = 200,
                    .headers = {{"Content-Type", "text/html"}},
                    .body = "<main><h1>Policy</h1><p>We collect nothing at all.</p></main>"});
  for (int round = 0; round < 5; ++round) {
    DaemonHarness harness;
    harness.WriteTarget(
        "acme", "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" + server.Url("/p") + "\"\n");
    ASSERT_TRUE(harness.Start()) << harness.log();
    ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
    ASSERT_EQ(harness.StopWithRepeatedSignals(milliseconds(12'000)), 0) << "round " << round << "\n"
                                                                        << harness.log();
    EXPECT_NE(harness.log().find("stopped after 1 checks"), std::string::npos) << harness.log();
  }
}

// A file-size limit (systemd's LimitFSIZE=, a container's ulimit) reached by the database is
// a storage error the daemon says and survives, not a silent death by SIGXFSZ.
TEST(Service, AFileSizeLimitIsAStorageErrorNotADeath) {
  HttpTestServer server;
  const auto page = [](int round) {
    std::string body = "<main><h1>Policy</h1>";
    for (int i = 0; i < 2000; ++i) {
      body += "<p>Clause " + std::to_string(i) + " of revision " + std::to_string(round) +
              ": we keep your data only as long as this policy says.</p>";
    }
    return TestResponse{.status = 200, .headers = {{"Content-Type", "text/html"}}, .body = body};
  };
  server.Set("/p", page(0));
  DaemonHarness harness;
  harness.WriteTarget(
      "acme", "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" + server.Url("/p") + "\"\n");
  // The daemon inherits a 1 MiB limit; this process gets its own back at once.
  rlimit original{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &original), 0);
  rlimit limited = original;
  limited.rlim_cur = 1 << 20;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  const bool started = harness.Start();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &original), 0);
  ASSERT_TRUE(started) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  nlohmann::json status;
  for (int round = 1; round <= 8; ++round) {
    server.Set("/p", page(round));
    const auto checked = harness.Control({{"cmd", "check"}, {"all", true}, {"wait", true}},
                                         std::chrono::seconds(30));
    ASSERT_EQ(checked["ok"], true) << checked.dump() << harness.log();
    status = harness.Control({{"cmd", "status"}})["result"];
    if (!status["storage_error"].is_null()) break;
  }
  EXPECT_TRUE(harness.running());
  EXPECT_TRUE(status["storage_error"].is_object()) << status.dump() << harness.log();
  EXPECT_NE(harness.log().find("File too large"), std::string::npos) << harness.log();
  EXPECT_EQ(harness.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing
