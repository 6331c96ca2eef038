// The daemon as systemd sees it: the sd_notify protocol (READY, STATUS, WATCHDOG, STOPPING)
// on a NOTIFY_SOCKET owned by the test, and a bounded, clean stop on SIGTERM.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "daemon_harness.h"
#include "support/http_test_server.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

// A datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    timeval timeout{.tv_sec = 0, .tv_usec = 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { close(fd_); }

  // Collects messages until one contains `needle` or `timeout` passes; true if seen.
  bool WaitFor(const std::string& needle, milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      const std::string message(buffer, static_cast<std::size_t>(n));
      messages_.push_back(message);
      if (message.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

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

}  // namespace
}  // namespace policyd::testing
