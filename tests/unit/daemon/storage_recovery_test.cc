// The daemon through a full disk (issue 14, item 5): the real Daemon in this process, its real
// Store on a file system that fails writes on demand, a loopback page, the control socket and
// an sd_notify socket owned by the test. While the disk is full the check's commit fails and
// `status`, the STATUS line and the log say so; once writes pass again the store recovers
// without a restart and the document is checked again, its first_seen stored exactly once.
#include "daemon.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include "policyd/control.h"
#include "support/fault_file_system.h"
#include "support/http_test_server.h"
#include "support/notify_socket.h"
#include "support/raw_doc_state.h"
#include "support/temp_dir.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;
using testing::FaultFileSystem;
using testing::HttpTestServer;
using testing::NotifySocket;

constexpr char kDocId[] = "acme/privacy-policy";

// Keeps what the daemon logs (the payload of each line).
class LogCapture : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> Lines() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  std::size_t Count(const std::string& needle) {
    std::size_t count = 0;
    for (const std::string& line : Lines()) count += line.find(needle) != std::string::npos;
    return count;
  }
  std::string Find(const std::string& needle) {
    for (const std::string& line : Lines()) {
      if (line.find(needle) != std::string::npos) return line;
    }
    return "";
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    lines_.emplace_back(message.payload.data(), message.payload.size());
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

class DaemonStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(temp_.path().empty());
    dir_ = temp_.path();  // short: the sockets' paths must fit sun_path
    std::filesystem::create_directories(dir_ / "targets");
    std::filesystem::create_directories(dir_ / "run");
    server_.Set("/privacy",
                {.status = 200,
                 .headers = {{"Content-Type", "text/html; charset=utf-8"}},
                 .body = "<html><body><main><h1>Privacy</h1><p>We keep your data "
                         "for thirty days and never sell it.</p></main></body></html>"});
    std::ofstream(dir_ / "targets" / "acme.toml")
        << "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \""
        << server_.Url("/privacy") << "\"\n";
    config_.state_dir = dir_ / "state";
    config_.targets_dir = dir_ / "targets";
    config_.control_socket = dir_ / "run" / "control.sock";
    config_.events_socket = dir_ / "run" / "events.sock";
    config_.default_interval = std::chrono::hours(1);
    config_.first_check_window = milliseconds(50);
    config_.per_host_delay = milliseconds(0);
    config_.allow_private_addresses = true;
    config_.worker_threads = 2;
    config_.gc_interval = milliseconds(0);
    spdlog::default_logger()->sinks().push_back(log_);
    setenv("NOTIFY_SOCKET", (dir_ / "notify.sock").c_str(), 1);
  }
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log_), sinks.end());
  }

  nlohmann::json Status() {
    const nlohmann::json response = Call({{"cmd", "status"}});
    return response.is_object() ? response["result"] : nlohmann::json();
  }

  // One control request; its whole response, or null when none came.
  nlohmann::json Call(const nlohmann::json& request, milliseconds timeout = milliseconds(2000)) {
    auto client = ControlClient::Connect(config_.control_socket, timeout);
    if (!client.ok()) return nullptr;
    auto response = client->Call(request);
    return response.ok() ? *response : nlohmann::json();
  }

  // Polls `status` until `done` holds for it (false after 30 s).
  template <typename Predicate>
  bool WaitForStatus(Predicate done, nlohmann::json* last) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      *last = Status();
      if (last->is_object() && done(*last)) return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }

  // Creates the database before the daemon starts, as it is in every deployment after the
  // first start (its memtables then start empty).
  void CreateTheDatabaseFirst() {
    auto store = Store::Open(config_.state_dir / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }

  // Starts the daemon on the fault file system, arms `faults` before the first check can be
  // committed, runs `scenario` while the daemon runs, then stops it with SIGTERM.
  void RunDaemon(FaultFileSystem::Faults faults, const std::function<void()>& scenario) {
    StoreOptions store_options;
    store_options.file_system = fs_;
    Daemon daemon(config_, "", store_options);
    ASSERT_TRUE(daemon.Start().ok());
    fs_->Arm(std::move(faults));
    int exit_code = -1;
    std::thread runner([&] { exit_code = daemon.Run(); });
    scenario();
    // Nobody reads it any more: closed, so that sd_notify cannot block the daemon's loop.
    notify_.reset();
    std::raise(SIGTERM);
    runner.join();
    EXPECT_EQ(exit_code, 0);
  }

  // The database holds one version of the document, announced by event 1 (its only event,
  // a first_seen), and check records with `outcomes` (newest first); it verifies clean.
  void ExpectStoredOnce(const std::vector<std::string>& outcomes) {
    auto store = Store::Open(config_.state_dir / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto events = (*store)->ReadEvents(0, 100);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    const nlohmann::json event = nlohmann::json::parse(events->front().json);
    EXPECT_EQ(events->front().seq, 1u);
    EXPECT_EQ(event["type"], "document.first_seen");
    EXPECT_EQ(event["doc"], kDocId);
    auto history = (*store)->GetHistory(kDocId);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ(history->front().event_seq, 1u);
    EXPECT_EQ(history->front().text_hash, event["hash"]);
    auto checks = (*store)->GetChecks(kDocId, 10);
    ASSERT_TRUE(checks.ok());
    std::vector<std::string> stored;
    for (const CheckRecord& check : *checks) stored.push_back(check.outcome);
    EXPECT_EQ(stored, outcomes);
    auto report = (*store)->Verify();
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(report->ok()) << ToJson(*report).dump();
  }

  TempDir temp_;
  std::filesystem::path dir_;
  HttpTestServer server_;
  std::optional<NotifySocket> notify_;  // NOTIFY_SOCKET of the daemon while it runs
  DaemonConfig config_;
  std::shared_ptr<FaultFileSystem> fs_ = std::make_shared<FaultFileSystem>();
  std::shared_ptr<LogCapture> log_ = std::make_shared<LogCapture>();
};

TEST_F(DaemonStorageTest, DiskFullPausesReportsRecoversAndRechecksTheDocumentOnce) {
  // Before the store recovered by reopening, this aborted the daemon inside RocksDB.
  CreateTheDatabaseFirst();
  notify_.emplace(dir_ / "notify.sock");
  RunDaemon(FaultFileSystem::Faults{}, [&] {
    // The episode: the check's commit failed, nothing was stored, and status says so.
    nlohmann::json status;
    const bool reported = WaitForStatus(
        [](const nlohmann::json& s) { return s["storage_error"].is_object(); }, &status);
    EXPECT_TRUE(reported) << status.dump();
    if (reported) {
      const nlohmann::json& error = status["storage_error"];
      EXPECT_NE(error["message"].get<std::string>().find("No space left on device"),
                std::string::npos)
          << error.dump();
      EXPECT_EQ(error["failed_commits"], 1);
      EXPECT_EQ(error["documents_to_recheck"], 1);
      EXPECT_TRUE(error["since"].is_string());
      EXPECT_EQ(status["last_seq"], 0);
      EXPECT_EQ(status["checks_done"], 1);
    }
    EXPECT_TRUE(notify_->WaitFor("STATUS=STORAGE ERROR since ", milliseconds(5000)));
    EXPECT_EQ(server_.RequestCount("/privacy"), 1u);  // checking is paused

    // Space is back: the store recovers by itself, the document is checked again.
    fs_->Disarm();
    const bool recovered = WaitForStatus(
        [](const nlohmann::json& s) {
          return s["storage_error"].is_null() && s["last_seq"] == 1 && s["checks_done"] == 2;
        },
        &status);
    EXPECT_TRUE(recovered) << status.dump();
    EXPECT_TRUE(notify_->WaitFor("STATUS=1 documents, 0 failing", milliseconds(5000)));
    EXPECT_EQ(server_.RequestCount("/privacy"), 2u);
  });

  // One episode in the log, as a pair, whatever the number of refused commits.
  EXPECT_EQ(log_->Count("daemon.storage_error "), 1u);
  EXPECT_EQ(log_->Count("daemon.storage_recovered "), 1u);
  const std::string recovered = log_->Find("daemon.storage_recovered ");
  EXPECT_NE(recovered.find(" failed_commits=1 rechecks=1 "), std::string::npos) << recovered;
  EXPECT_NE(recovered.find(" method=reopen replayed_events=0"), std::string::npos) << recovered;

  // Stored: the recheck's first_seen as event 1, and nothing of the refused commit.
  ExpectStoredOnce({"first_seen"});
}

// While checks are paused by a storage error, `check --wait` used to wait out its timeout and
// answer "timed_out: still running" for a check that was not running. It is answered at once.
TEST_F(DaemonStorageTest, CheckWaitDuringAStorageErrorIsAnsweredAtOnce) {
  CreateTheDatabaseFirst();
  RunDaemon(FaultFileSystem::Faults{}, [&] {
    nlohmann::json status;
    EXPECT_TRUE(WaitForStatus(
        [](const nlohmann::json& s) { return s["storage_error"].is_object(); }, &status))
        << status.dump();
    const auto asked = std::chrono::steady_clock::now();
    const nlohmann::json answer =
        Call({{"cmd", "check"}, {"doc", kDocId}, {"wait", true}, {"timeout", "3s"}});
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(2));
    const nlohmann::json outcome = answer.is_object() && answer["ok"] == true
                                       ? answer["result"]["outcomes"][0]
                                       : nlohmann::json::object();
    EXPECT_EQ(outcome.value("result", ""), "not_recorded") << answer.dump();
    EXPECT_NE(outcome.value("message", "").find("checks are paused by a storage error since "),
              std::string::npos)
        << answer.dump();
    fs_->Disarm();
  });
}

// A `check --wait` asked just before the disk fills: the checks it waits for that had not
// started when the first commit was refused are paused with every other check. They used to
// wait out the timeout and answer "timed_out: still running" while nothing ran; every one is
// answered `not_recorded` as soon as the episode begins.
TEST_F(DaemonStorageTest, AWaitAskedBeforeTheDiskFillsIsAnsweredWhenChecksPause) {
  // Four pages of one host: two checks run at once (its share), two wait behind them.
  for (const char* page : {"terms", "cookies", "imprint"}) {
    server_.Set(std::string("/") + page,
                {.status = 200,
                 .headers = {{"Content-Type", "text/html; charset=utf-8"}},
                 .body = std::string("<html><body><main><h1>") + page +
                         "</h1><p>These terms apply to every account and every visit of "
                         "our site, whatever the country.</p></main></body></html>"});
    std::ofstream(dir_ / "targets" / (std::string(page) + ".toml"))
        << "name = \"" << page << "\"\n[[documents]]\ntype = \"Terms\"\nurl = \""
        << server_.Url(std::string("/") + page) << "\"\n";
  }
  config_.per_host_concurrency = 1;
  CreateTheDatabaseFirst();
  RunDaemon({.suffix = ".never-written"}, [&] {
    nlohmann::json status;
    ASSERT_TRUE(WaitForStatus(
        [](const nlohmann::json& s) { return s["last_seq"] == 4 && s["checks_done"] == 4; },
        &status))
        << status.dump();
    fs_->Arm(FaultFileSystem::Faults{});  // the disk is full from now on
    const auto asked = std::chrono::steady_clock::now();
    const nlohmann::json answer = Call(
        {{"cmd", "check"}, {"all", true}, {"wait", true}, {"timeout", "8s"}}, milliseconds(12'000));
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(6));
    ASSERT_TRUE(answer.is_object() && answer["ok"] == true) << answer.dump();
    EXPECT_EQ(answer["result"]["complete"], true) << answer.dump();
    ASSERT_EQ(answer["result"]["outcomes"].size(), 4u) << answer.dump();
    for (const nlohmann::json& outcome : answer["result"]["outcomes"]) {
      EXPECT_EQ(outcome.value("result", ""), "not_recorded") << answer.dump();
    }
    fs_->Disarm();
  });
}

// A backup onto a nearly full disk fails, and its checkpoint's flush leaves the store refusing
// writes; `status` said "ok" (and the metric 0) until the next 30 s status tick, or the next
// check. The episode begins as soon as the command's answer is sent.
TEST_F(DaemonStorageTest, AStorageErrorABackupMetIsInStatusAtOnce) {
  CreateTheDatabaseFirst();
  RunDaemon({.suffix = ".never-written"}, [&] {
    nlohmann::json status;
    ASSERT_TRUE(WaitForStatus([](const nlohmann::json& s) { return s["last_seq"] == 1; }, &status))
        << status.dump();
    fs_->Arm(FaultFileSystem::Faults{});
    const nlohmann::json backup =
        Call({{"cmd", "backup"}, {"dir", (dir_ / "backup").string()}}, milliseconds(10'000));
    EXPECT_EQ(backup.value("ok", true), false) << backup.dump();
    status = Status();
    EXPECT_TRUE(status["storage_error"].is_object()) << status.dump();
    fs_->Disarm();
  });
}

TEST_F(DaemonStorageTest, CommitReplayedByReopenIsPublishedAndNotAnnouncedAgain) {
  // The WAL takes the commit's bytes but not its fsync, and no new WAL can be created: the
  // resume is refused, so is the reopen, until the faults go. The reopen then replays the
  // commit reported as failed: it is committed after all.
  RunDaemon({.create = true, .append = false, .sync = true, .suffix = ".log"}, [&] {
    nlohmann::json status;
    const bool refused = WaitForStatus(
        [](const nlohmann::json& s) {
          return s["storage_error"].is_object() &&
                 s["storage_error"]["last_attempt_error"].is_string();
        },
        &status);
    EXPECT_TRUE(refused) << status.dump();
    EXPECT_EQ(status["last_seq"], 0);
    EXPECT_EQ(status["database_bytes"], 0);  // closed: the reopen failed

    fs_->Disarm();
    const bool recovered = WaitForStatus(
        [](const nlohmann::json& s) {
          return s["storage_error"].is_null() && s["checks_done"] == 2;
        },
        &status);
    EXPECT_TRUE(recovered) << status.dump();
    EXPECT_EQ(status["last_seq"], 1);
  });

  EXPECT_EQ(log_->Count("daemon.storage_error "), 1u);
  const std::string recovered = log_->Find("daemon.storage_recovered ");
  EXPECT_NE(recovered.find(" failed_commits=1 rechecks=1 "), std::string::npos) << recovered;
  EXPECT_NE(recovered.find(" method=reopen replayed_events=1"), std::string::npos) << recovered;
  // The recheck compared with the replayed version: unchanged, no second first_seen.
  ExpectStoredOnce({"unchanged", "first_seen"});
}

TEST_F(DaemonStorageTest, AReopenReadsTheRecheckedStatesPastADamagedRecordElsewhere) {
  // A document no longer watched left a state that cannot be decoded. Reading the states
  // back after the reopen must not fail on it: the recheck would then compare with the
  // daemon's memory, where the replayed commit is missing, and announce it a second time.
  CreateTheDatabaseFirst();
  ASSERT_TRUE(
      testing::PutRawDocState(config_.state_dir / "db", "globex/old-terms", "{damaged").ok());
  RunDaemon({.create = true, .append = false, .sync = true, .suffix = ".log"}, [&] {
    nlohmann::json status;
    EXPECT_TRUE(WaitForStatus(
        [](const nlohmann::json& s) {
          return s["storage_error"].is_object() &&
                 s["storage_error"]["last_attempt_error"].is_string();
        },
        &status))
        << status.dump();
    fs_->Disarm();
    EXPECT_TRUE(WaitForStatus(
        [](const nlohmann::json& s) {
          return s["storage_error"].is_null() && s["checks_done"] == 2;
        },
        &status))
        << status.dump();
  });
  EXPECT_NE(log_->Find(" method=reopen replayed_events=1"), "");
  EXPECT_EQ(log_->Find("after reopening the store"), "");
  auto store = Store::Open(config_.state_dir / "db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto events = (*store)->ReadEvents(0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);  // the replayed first_seen, announced once
  EXPECT_EQ(nlohmann::json::parse(events->front().json)["type"], "document.first_seen");
  auto checks = (*store)->GetChecks(kDocId, 10);
  ASSERT_TRUE(checks.ok());
  std::vector<std::string> outcomes;
  for (const CheckRecord& check : *checks) outcomes.push_back(check.outcome);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"unchanged", "first_seen"}));
}

// A run-time add reads only the new document's stored state. When that read fails (here the
// state is damaged and the write of its repair is refused: a full disk), the add is refused
// while the catalog already holds the document; the next add then syncs the whole table, so
// the document is watched from then on without a reload.
// A `remove` on a full disk answered a raw "internal: I/O error: writing meta removed_targets:
// ... File too large", and `status` said the storage was fine until a check's commit failed
// too. The store's refusal now begins the storage error at once, and the answer says what to do.
TEST_F(DaemonStorageTest, ARemoveTheStoreRefusesSaysHowToRecoverAndStatusShowsTheError) {
  CreateTheDatabaseFirst();
  RunDaemon({.create = false, .append = false, .sync = false}, [&] {
    nlohmann::json status;
    ASSERT_TRUE(WaitForStatus([](const nlohmann::json& s) { return s["last_seq"] == 1; }, &status))
        << status.dump();
    fs_->Arm({});  // every write refused
    const nlohmann::json refused = Call({{"cmd", "remove"}, {"doc", kDocId}});
    EXPECT_EQ(refused["ok"], false) << refused.dump();
    EXPECT_NE(refused["error"]["message"].get<std::string>().find("free space, then try again"),
              std::string::npos)
        << refused.dump();
    EXPECT_FALSE(Status()["storage_error"].is_null()) << Status().dump();
    fs_->Disarm();
    EXPECT_TRUE(WaitForStatus([](const nlohmann::json& s) { return s["storage_error"].is_null(); },
                              &status))
        << status.dump();
    EXPECT_EQ(Call({{"cmd", "remove"}, {"doc", kDocId}})["ok"], true);
  });
}

TEST_F(DaemonStorageTest, ADocumentWhoseAddFailedIsWatchedFromTheNextAdd) {
  constexpr char kInitech[] = "initech/privacy-policy";
  CreateTheDatabaseFirst();
  ASSERT_TRUE(testing::PutRawDocState(config_.state_dir / "db", kInitech, "{damaged").ok());
  const auto add = [this](const std::string& platform) {
    return Call({{"cmd", "add"},
                 {"platform", platform},
                 {"type", "Privacy Policy"},
                 {"url", server_.Url("/privacy")}});
  };
  RunDaemon({.create = false, .append = false, .sync = false}, [&] {
    nlohmann::json status;
    ASSERT_TRUE(WaitForStatus([](const nlohmann::json& s) { return s["last_seq"] == 1; }, &status))
        << status.dump();
    fs_->Arm({});  // every write refused
    const nlohmann::json refused = add("Initech");
    EXPECT_EQ(refused["ok"], false) << refused.dump();
    EXPECT_NE(refused.dump().find("repairing it failed"), std::string::npos) << refused.dump();
    fs_->Disarm();
    // The refused write left the store in its error: the next commit fails, and the daemon
    // recovers it (reopening) and checks the document again (3 checks: first, failed, again).
    EXPECT_EQ(Call({{"cmd", "check"}, {"doc", kDocId}})["ok"], true);
    EXPECT_TRUE(WaitForStatus(
        [](const nlohmann::json& s) {
          return s["storage_error"].is_null() && s["checks_done"] == 3;
        },
        &status))
        << status.dump();

    const nlohmann::json added = add("Hooli");
    EXPECT_EQ(added["ok"], true) << added.dump();
    EXPECT_EQ(Status()["documents"], 3);
    const nlohmann::json shown = Call({{"cmd", "show"}, {"doc", kInitech}});
    EXPECT_EQ(shown["ok"], true) << shown.dump();
    EXPECT_EQ(Call({{"cmd", "check"}, {"doc", kInitech}})["ok"], true);
  });
  EXPECT_NE(log_->Find("rebuilt from its history"), "");
}

}  // namespace
}  // namespace policyd
