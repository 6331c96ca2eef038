#include "status_view.h"

#include <gtest/gtest.h>

#include "policyd/clock.h"

namespace policyd {
namespace {

// A status as the daemon sends it (docs/CONTROL.md), during the first pass.
nlohmann::json Status() {
  return nlohmann::json::parse(R"({
    "version": "0.1.0", "pid": 4242, "started": "2026-11-22T10:00:00.000Z",
    "uptime_seconds": 7500, "state_dir": "/var/lib/policyd", "documents": 674, "failing": 12,
    "failure_reported": 3, "checks_in_progress": 5, "fetches_running": 3, "fetches_queued": 10,
    "browser": {"enabled": false}, "processing": 2, "processing_peak": 4, "checks_done": 1234,
    "first_pass": {"checked": 312, "total": 674, "complete": false, "duration_ms": 130000},
    "check_waits": 0, "subscribers": 2, "last_seq": 12345,
    "next_due": "2026-11-22T12:08:00.000Z", "database_bytes": 1288490189,
    "storage_error": null, "stages_us": {"checks": 1}})");
}

const int64_t kNow = *ParseTimestamp("2026-11-22T12:05:00.000Z");

TEST(RenderStatus, HumanUnitsAndTheFirstPassWhileItRuns) {
  EXPECT_EQ(RenderStatus(Status(), kNow),
            "policyd     0.1.0 (pid 4242), up 2h 5m since 2026-11-22T10:00:00.000Z\n"
            "documents   674 watched, 12 failing (3 reported)\n"
            "first pass  312/674, 2m 10s so far\n"
            "checks      1234 done, 5 in progress (3 fetching, 10 waiting for their host, 2 "
            "being processed)\n"
            "next due    in 3m (2026-11-22T12:08:00.000Z)\n"
            "events      last 12345, 2 subscribers\n"
            "database    1.2 GiB in /var/lib/policyd\n"
            "browser     disabled\n"
            "storage     ok\n");
}

// [fleet] A member checks only the documents of the sites it owns: the others, left to their
// owners, are part of its pass too, or the pass would never complete.
TEST(RenderStatus, AFleetMembersFirstPassCountsTheDocumentsLeftToOtherMembers) {
  nlohmann::json status = Status();
  status["first_pass"] = {{"checked", 14},
                          {"left_to_other_members", 10},
                          {"total", 30},
                          {"complete", false},
                          {"duration_ms", 60000}};
  EXPECT_NE(RenderStatus(status, kNow)
                .find("first pass  24/30 (10 left to other members of the fleet), 1m so far\n"),
            std::string::npos)
      << RenderStatus(status, kNow);
  status["first_pass"]["checked"] = 20;
  status["first_pass"]["complete"] = true;
  EXPECT_NE(RenderStatus(status, kNow)
                .find("first pass  30/30 (10 left to other members of the fleet) in 1m\n"),
            std::string::npos)
      << RenderStatus(status, kNow);
}

// Hosts whose pages are held are named with why and for how long, one line each.
TEST(RenderStatus, HeldHostsAreNamedWithWhyAndHowLong) {
  nlohmann::json status = Status();
  status["held_hosts"] = nlohmann::json::parse(R"([
    {"host": "shop.example:443", "kind": "rest", "seconds_left": 245,
     "why": "the server is struggling: 3 requests in a row failed, the last HTTP 503 for https://shop.example/terms"},
    {"host": "busy.example:443", "kind": "asked", "seconds_left": 30,
     "why": "https://busy.example/privacy was answered 429 with Retry-After 30"}])");
  const std::string rendered = RenderStatus(status, kNow);
  EXPECT_NE(rendered.find("held host   shop.example:443 rests 4m 5s more: the server is "
                          "struggling: 3 requests in a row failed, the last HTTP 503 for "
                          "https://shop.example/terms\n"),
            std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("held host   busy.example:443 waits 30s more: https://busy.example/"
                          "privacy was answered 429 with Retry-After 30\n"),
            std::string::npos)
      << rendered;
  EXPECT_EQ(RenderStatus(Status(), kNow).find("held host"), std::string::npos);
}

TEST(RenderStatus, NatsLineSaysStateLagAndTheErrorWhileDisconnected) {
  nlohmann::json status = Status();
  status["nats"] = {{"state", "connected"},
                    {"connected", true},
                    {"url", "nats://10.0.0.5:4222"},
                    {"stream", "POLICYD_EVENTS"},
                    {"published_seq", 12345},
                    {"lag", 0},
                    {"last_error", ""}};
  const std::string connected = RenderStatus(status, kNow);
  EXPECT_NE(connected.find("nats        connected to nats://10.0.0.5:4222, stream POLICYD_EVENTS, "
                           "0 to publish (published up to event 12345)\n"),
            std::string::npos)
      << connected;
  status["nats"]["state"] = "disconnected";
  status["nats"]["connected"] = false;
  status["nats"]["published_seq"] = 12300;
  status["nats"]["lag"] = 45;
  status["nats"]["last_error"] = "cannot connect: No Server";
  const std::string down = RenderStatus(status, kNow);
  EXPECT_NE(down.find("nats        disconnected, stream POLICYD_EVENTS, last error: cannot "
                      "connect: No Server, 45 to publish (published up to event 12300)\n"),
            std::string::npos)
      << down;
  // Without [nats] the daemon sends null: no line.
  status["nats"] = nullptr;
  EXPECT_EQ(RenderStatus(status, kNow).find("nats"), std::string::npos);
}

// Documents added after the first pass completed (a reload, `add`) do not reopen it: the line
// said "200/300 in 5m 12s", which reads as an unfinished pass.
TEST(RenderStatus, DocumentsAddedAfterACompletePassAreNamedAsSuch) {
  nlohmann::json status = Status();
  status["first_pass"] = {
      {"checked", 210}, {"total", 300}, {"complete", true}, {"duration_ms", 312'000}};
  EXPECT_NE(RenderStatus(status, kNow)
                .find("first pass  complete in 5m 12s; 90 documents added since, not checked "
                      "yet (210/300)\n"),
            std::string::npos)
      << RenderStatus(status, kNow);
}

// After a restart the documents checked before it are named, not counted as work left.
TEST(RenderStatus, DocumentsCheckedBeforeThisStartAreNamed) {
  const auto line = [](nlohmann::json pass) {
    nlohmann::json status = Status();
    status["first_pass"] = std::move(pass);
    const std::string text = RenderStatus(status, kNow);
    const std::size_t at = text.find("first pass  ");
    return text.substr(at + 12, text.find('\n', at) - at - 12);
  };
  EXPECT_EQ(line({{"checked", 674},
                  {"checked_before_start", 674},
                  {"total", 674},
                  {"complete", true},
                  {"duration_ms", 3}}),
            "674/674, all checked before this start");
  EXPECT_EQ(line({{"checked", 672},
                  {"checked_before_start", 670},
                  {"total", 674},
                  {"complete", false},
                  {"duration_ms", 130'000}}),
            "672/674, 2m 10s so far (670 checked before this start)");
  EXPECT_EQ(line({{"checked", 674},
                  {"checked_before_start", 670},
                  {"total", 674},
                  {"complete", true},
                  {"duration_ms", 312'000}}),
            "674/674 in 5m 12s (670 checked before this start)");
  EXPECT_EQ(line({{"checked", 674},
                  {"checked_before_start", 674},
                  {"total", 675},
                  {"complete", true},
                  {"duration_ms", 9}}),
            "complete before this start; 1 document added since, not checked yet (674/675)");
}

TEST(RenderStatus, CompletedPassBrowserAndStorageError) {
  nlohmann::json status = Status();
  status["first_pass"] = {
      {"checked", 674}, {"total", 674}, {"complete", true}, {"duration_ms", 312'000}};
  status["failing"] = 0;
  status["failure_reported"] = 0;
  status["fetches_queued"] = 0;
  status["processing"] = 0;
  status["subscribers"] = 1;
  status["next_due"] = "2026-11-22T12:04:00.000Z";  // overdue: due now
  status["browser"] = {{"enabled", true},      {"running", true},     {"version", "Chromium/120"},
                       {"rendering", 1},       {"queued", 0},         {"restarts", 0},
                       {"pages_rendered", 42}, {"render_failures", 2}};
  status["web"] = {{"listen", "127.0.0.1:8470"}, {"connections", 1}};
  status["storage_error"] = {{"since", "2026-11-22T12:00:00.000Z"},
                             {"message", "No space left on device"},
                             {"failed_commits", 7},
                             {"documents_to_recheck", 4}};
  EXPECT_EQ(RenderStatus(status, kNow),
            "policyd     0.1.0 (pid 4242), up 2h 5m since 2026-11-22T10:00:00.000Z\n"
            "documents   674 watched, 0 failing\n"
            "first pass  674/674 in 5m 12s\n"
            "checks      1234 done, 5 in progress (3 fetching)\n"
            "next due    now (2026-11-22T12:04:00.000Z)\n"
            "events      last 12345, 1 subscriber\n"
            "database    1.2 GiB in /var/lib/policyd\n"
            "browser     Chromium/120: 1 rendering, 0 queued, 42 pages rendered, 2 failures, 0 "
            "restarts\n"
            "web view    http on 127.0.0.1:8470, 1 connection\n"
            "storage     ERROR since 2026-11-22T12:00:00.000Z: No space left on device (7 "
            "commits failed, 4 documents to recheck; checks paused)\n");
}

// Why recovery keeps failing (too little space freed, a corrupt database that needs a restore)
// was only in --json and the log: the storage line shows the last attempt's error too.
TEST(RenderStatus, TheStorageLineSaysWhyRecoveryFails) {
  nlohmann::json status = Status();
  status["storage_error"] = {
      {"since", "2026-11-22T12:00:00.000Z"},
      {"message", "Corruption: block checksum mismatch in 000509.sst"},
      {"failed_commits", 2},
      {"documents_to_recheck", 1},
      {"recovery_attempts", 3},
      {"last_attempt_error", "the database is corrupt (...): run `policyctl verify`"},
      {"next_attempt", "2026-11-22T12:06:00.000Z"}};
  const std::string text = RenderStatus(status, kNow);
  EXPECT_NE(text.find("storage     ERROR since 2026-11-22T12:00:00.000Z: Corruption: block "
                      "checksum mismatch in 000509.sst (2 commits failed, 1 documents to "
                      "recheck; checks paused); 3 recovery attempts, the last: the database is "
                      "corrupt (...): run `policyctl verify`; next at 2026-11-22T12:06:00.000Z\n"),
            std::string::npos)
      << text;
}

TEST(RenderStatus, AnOlderDaemonsStatusLeavesOutWhatItLacks) {
  const nlohmann::json old = {{"version", "0.0.9"},
                              {"pid", 1},
                              {"documents", 3},
                              {"checks_done", 9},
                              {"next_due", nullptr}};
  EXPECT_EQ(RenderStatus(old, kNow),
            "policyd    0.0.9 (pid 1)\n"
            "documents  3 watched\n"
            "checks     9 done, - in progress\n"
            "next due   nothing scheduled\n"
            "events     last -\n"
            "database   -\n"
            "storage    ok\n");
}

}  // namespace
}  // namespace policyd
