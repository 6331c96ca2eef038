// RunBounded: limits, timeouts, output bounds, and that nothing is left behind.
#include "src/pdf/bounded_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>

namespace policyd::pdf_internal {
namespace {

using Outcome = ProcessResult::Outcome;

ProcessResult Shell(const std::string& script, const ProcessLimits& limits = {}) {
  return RunBounded({"/bin/sh", "-c", script}, limits);
}

// No child of this process is left, running or zombie.
void ExpectNoChildren() {
  errno = 0;
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// A process that is gone, or a zombie that is no longer ours (init reaps it).
bool IsGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'Z';
}

TEST(RunBoundedTest, CapturesOutputAndExitStatus) {
  const ProcessResult result = Shell("echo out; echo err >&2; exit 3");
  EXPECT_EQ(result.outcome, Outcome::kExited);
  EXPECT_EQ(result.exit_status, 3);
  EXPECT_EQ(result.stdout_data, "out\n");
  EXPECT_EQ(result.stderr_data, "err\n");
  ExpectNoChildren();
}

TEST(RunBoundedTest, MissingProgramIsASpawnFailure) {
  const ProcessResult result = RunBounded({"/nonexistent/pdfinfo", "x"}, {});
  EXPECT_EQ(result.outcome, Outcome::kSpawnFailed);
  EXPECT_EQ(result.spawn_errno, ENOENT);
  ExpectNoChildren();
}

TEST(RunBoundedTest, StdinIsEmpty) { EXPECT_EQ(Shell("cat; echo end").stdout_data, "end\n"); }

TEST(RunBoundedTest, TimeoutKillsTheWholeProcessGroup) {
  ProcessLimits limits;
  limits.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  // The shell prints its own pid and its background child's, then waits on both.
  const ProcessResult result = Shell("sleep 30 & echo $$ $!; wait", limits);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(result.outcome, Outcome::kTimedOut);
  EXPECT_TRUE(result.timed_out());
  EXPECT_LT(took, std::chrono::seconds(5));
  pid_t shell = 0, sleeper = 0;
  ASSERT_EQ(std::sscanf(result.stdout_data.c_str(), "%d %d", &shell, &sleeper), 2);
  EXPECT_TRUE(IsGone(shell));
  for (int i = 0; i < 100 && !IsGone(sleeper); ++i) ::usleep(10'000);  // init reaps it
  EXPECT_TRUE(IsGone(sleeper));
  ExpectNoChildren();
}

TEST(RunBoundedTest, ClosedPipesDoNotEndTheWait) {
  ProcessLimits limits;
  limits.timeout = std::chrono::milliseconds(200);
  const ProcessResult result = Shell("exec >&- 2>&-; sleep 30", limits);
  EXPECT_EQ(result.outcome, Outcome::kTimedOut);
  ExpectNoChildren();
}

TEST(RunBoundedTest, TooMuchOutputKillsTheChild) {
  ProcessLimits limits;
  limits.max_stdout_bytes = 1 << 20;
  const ProcessResult result = RunBounded({"/usr/bin/yes"}, limits);
  EXPECT_EQ(result.outcome, Outcome::kOutputExceeded);
  EXPECT_TRUE(result.output_exceeded());
  EXPECT_LE(result.stdout_data.size(), limits.max_stdout_bytes);
  ExpectNoChildren();
}

TEST(RunBoundedTest, StderrIsTruncatedNotFatal) {
  ProcessLimits limits;
  limits.max_stderr_bytes = 1000;
  const ProcessResult result = Shell("head -c 1000000 /dev/zero >&2; echo done", limits);
  EXPECT_EQ(result.outcome, Outcome::kExited);
  EXPECT_EQ(result.stderr_data.size(), 1000u);
  EXPECT_EQ(result.stdout_data, "done\n");
}

TEST(RunBoundedTest, CrashIsReportedAsASignal) {
  const ProcessResult result = Shell("kill -SEGV $$");
  EXPECT_EQ(result.outcome, Outcome::kSignaled);
  EXPECT_EQ(result.signal, SIGSEGV);
}

TEST(RunBoundedTest, ResourceLimitsAreSet) {
  ProcessLimits limits;
  limits.max_memory_bytes = 256u << 20;
  limits.timeout = std::chrono::milliseconds(2500);
  // ulimit prints kilobytes for -v, blocks for -f, seconds for -t.
  const ProcessResult result = Shell("ulimit -v; ulimit -f; ulimit -c; ulimit -t", limits);
  EXPECT_EQ(result.stdout_data, "262144\n0\n0\n4\n");
}

TEST(RunBoundedTest, ChildIsTheOomKillersFirstChoice) {
  // Under policyd.service setrlimit is refused: then memory is bounded by the unit, and a
  // converter that exhausts it must be the process the kernel kills.
  const ProcessResult result = Shell("cat /proc/self/oom_score_adj");
  EXPECT_EQ(result.stdout_data, "1000\n");
}

TEST(RunBoundedTest, MemoryLimitStopsAGreedyChild) {
  ProcessLimits limits;
  limits.max_memory_bytes = 64u << 20;
  // Building a 200 MB shell variable needs more than the limit allows.
  const ProcessResult result =
      Shell("x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}", limits);
  EXPECT_NE(result.stdout_data, "200000000\n");
  ExpectNoChildren();
}

TEST(RunBoundedTest, NoDescriptorOfTheCallerLeaks) {
  const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  const ProcessResult result = Shell("ls /proc/$$/fd");
  ::close(leaky);
  EXPECT_EQ(result.stdout_data, "0\n1\n2\n");
}

TEST(RunBoundedTest, ManyRunsLeaveNoZombiesOrDescriptors) {
  const auto count_fds = [] {
    int n = 0;
    for (int fd = 0; fd < 1024; ++fd) n += ::fcntl(fd, F_GETFD) != -1;
    return n;
  };
  const int before = count_fds();
  for (int i = 0; i < 50; ++i) Shell("echo $$");
  EXPECT_EQ(count_fds(), before);
  ExpectNoChildren();
}

}  // namespace
}  // namespace policyd::pdf_internal
