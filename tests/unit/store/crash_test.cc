// "Never lose history, even on kill -9": a child process commits until SIGKILL; everything it
// was told had been committed must be there afterwards, with contiguous sequences.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "policyd/store.h"
#include "support/temp_dir.h"

extern char** environ;

namespace policyd {
namespace {

// Runs the helper on `dir` until it has reported `target` commits, calls `before_kill` (with
// the helper still running), then kills it with SIGKILL. Returns the last sequence reported.
uint64_t RunAndKill(
    const std::filesystem::path& dir, uint64_t target,
    const std::function<void()>& before_kill = [] {}) {
  int fds[2];
  if (pipe(fds) != 0) return 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::string program = POLICYD_STORE_CRASH_HELPER;
  std::string dir_arg = dir.string();
  char* argv[] = {program.data(), dir_arg.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    ADD_FAILURE() << "cannot start " << program;
    return 0;
  }

  uint64_t last = 0;
  FILE* out = fdopen(fds[0], "r");
  unsigned long long seq = 0;
  while (last < target && out != nullptr && std::fscanf(out, "%llu", &seq) == 1) last = seq;
  before_kill();
  kill(pid, SIGKILL);
  int wait_status = 0;
  waitpid(pid, &wait_status, 0);
  if (out != nullptr) std::fclose(out);
  EXPECT_TRUE(WIFSIGNALED(wait_status)) << "helper exited early";
  return last;
}

TEST(StoreCrashTest, KillNineLosesNothingCommitted) {
  TempDir dir;
  uint64_t reported = 0;
  for (const uint64_t target : {150u, 300u}) {  // two crashes in a row, the second on replay
    reported = RunAndKill(dir.path(), target);
    ASSERT_GE(reported, target);

    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const uint64_t last = (*store)->LastSequence();
    EXPECT_GE(last, reported);
    const auto events = (*store)->ReadEvents(0, 100000);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), last);
    for (uint64_t i = 0; i < last; ++i) ASSERT_EQ((*events)[i].seq, i + 1);
    // Every event came with a version in the same batch: neither exists without the other.
    std::size_t versions = 0;
    for (int d = 0; d < 7; ++d) {
      const auto history = (*store)->GetHistory("doc" + std::to_string(d));
      ASSERT_TRUE(history.ok());
      versions += history->size();
      for (const VersionRecord& version : *history) {
        EXPECT_TRUE((*store)->GetBlob(version.text_hash).ok());
        EXPECT_TRUE((*store)->GetBlob(version.raw_hash).ok());
      }
    }
    EXPECT_EQ(versions, last);
  }
  // The sequence carries on after the crashes.
  auto store = Store::Open(dir.path());
  ASSERT_TRUE(store.ok());
  const uint64_t before = (*store)->LastSequence();
  EXPECT_EQ((*store)->AppendEvent(nlohmann::json::object())->seq, before + 1);
}

TEST(StoreCrashTest, OpenWhileAnotherProcessHoldsTheDatabaseIsIoError) {
  TempDir dir;
  RunAndKill(dir.path(), 1, [&dir] {
    const Result<std::unique_ptr<Store>> store = Store::Open(dir.path());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), Status::Code::kIoError);
    EXPECT_NE(store.status().message().find("in use by another process"), std::string::npos)
        << store.status().ToString();
  });
}

}  // namespace
}  // namespace policyd
