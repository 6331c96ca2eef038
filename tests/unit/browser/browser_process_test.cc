// ProcessGroupMemory: what the browser's memory limit measures. Chromium's dozen processes
// share their binary and much of their heap; summing their resident sizes counted those pages
// once per process and killed a browser using a third of the limit.
#include "browser_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
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

}  // namespace
}  // namespace policyd
