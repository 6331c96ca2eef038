// BrowserProcess: what a killed browser leaves behind, and ProcessGroupMemory, what the
// browser's memory limit measures. Chromium's dozen processes share their binary and much of
// their heap; summing their resident sizes counted those pages once per process and killed a
// browser using a third of the limit.
#include "browser_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace policyd {
namespace {

constexpr std::size_t kShared = std::size_t{64} << 20;
constexpr int kProcesses = 4;

// A process group of kProcesses processes sharing kShared bytes (written once, before the
// forks: copy-on-write pages, resident in each, held once). Returns once all are up.
pid_t StartSharingGroup() {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  const pid_t leader = ::fork();
  if (leader != 0) {
    ::close(ready[1]);
    char byte = 0;
    const bool up = ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    return up ? leader : -1;
  }
  ::setpgid(0, 0);
  std::vector<char> memory(kShared);
  std::memset(memory.data(), 1, memory.size());
  for (int i = 1; i < kProcesses; ++i) {
    if (::fork() == 0) {
      ::pause();
      ::_exit(0);
    }
  }
  ::write(ready[1], "x", 1);
  ::pause();
  ::_exit(0);
}

TEST(ProcessGroupMemory, SharedPagesCountOnce) {
  const pid_t group = StartSharingGroup();
  ASSERT_GT(group, 0);
  const std::size_t measured = ProcessGroupMemory(group);
  ::kill(-group, SIGKILL);
  ::waitpid(group, nullptr, 0);
  EXPECT_GE(measured, kShared * 3 / 4);
  EXPECT_LT(measured, kShared * 2)
      << "summed resident sizes count shared pages " << kProcesses << " times";
}

// Chromium keeps files in $TMPDIR (org.chromium.Chromium.*) that it removes only when it exits
// cleanly; a browser policyd kills (a render past its time, over its memory limit) left one
// behind at each restart, filling the daemon's temp directory.
TEST(BrowserProcess, KilledBrowserLeavesNothingInTmpdir) {
  const std::filesystem::path tmp = std::filesystem::temp_directory_path() /
                                    ("policyd-browser-process-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp / "daemon-tmp");
  const std::filesystem::path report = tmp / "report";
  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir != nullptr ? old_tmpdir : "";
  ::setenv("TMPDIR", (tmp / "daemon-tmp").c_str(), 1);

  // Stands in for chromium: makes its scratch directory in $TMPDIR, reports its path (written
  // to a side file, then renamed, so the test never reads half a line), then waits to be killed.
  auto process = BrowserProcess::Spawn(
      {"/bin/sh", "-c",
       "mktemp -d \"${TMPDIR:-/tmp}/org.chromium.Chromium.XXXXXX\" > \"$0.writing\" && "
       "mv \"$0.writing\" \"$0\" && exec sleep 60",
       report.string()});
  if (old_tmpdir != nullptr) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  ASSERT_TRUE(process.ok()) << process.status().ToString();
  for (int i = 0; i < 500 && !std::filesystem::exists(report); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::ifstream in(report);
  std::string scratch;
  ASSERT_TRUE(std::getline(in, scratch)) << "the stand-in browser did not start";
  EXPECT_TRUE(std::filesystem::is_directory(scratch));

  (*process)->Kill();
  EXPECT_FALSE(std::filesystem::exists(scratch)) << scratch << " outlived the browser";
  EXPECT_TRUE(std::filesystem::is_empty(tmp / "daemon-tmp"));
  std::filesystem::remove_all(tmp);
}

}  // namespace
}  // namespace policyd
