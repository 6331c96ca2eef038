// What a config path may name besides a config file: a device, a FIFO, a directory, a file far
// too large. `policyd --check-config` must refuse each at once with exit 78 and the reason,
// never block or read without end (issue 14, item 9). `timeout` stops a hang so that it fails
// the test as exit 124 instead of stalling the suite.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "daemon_harness.h"

namespace policyd::testing {
namespace {

CommandResult CheckConfig(const std::filesystem::path& config) {
  return RunCommand(
      {"/usr/bin/timeout", "60", POLICYD_BIN, "--check-config", "--config", config.string()});
}

TEST(ConfigFiles, DevicesAreRefusedNotReadForever) {
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    const auto result = CheckConfig(device);
    EXPECT_EQ(result.exit_code, 78) << device << ": " << result.err;
    EXPECT_NE(result.err.find(std::string(device) +
                              ": cannot read: is not a regular file (a character device)"),
              std::string::npos)
        << result.err;
  }
}

TEST(ConfigFiles, AFifoIsRefusedWithoutWaitingForAWriter) {
  DaemonHarness harness;
  const auto fifo = harness.dir() / "config.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const auto result = CheckConfig(fifo);
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("is not a regular file (a FIFO)"), std::string::npos) << result.err;
}

TEST(ConfigFiles, ADirectoryIsRefused) {
  DaemonHarness harness;
  const auto result = CheckConfig(harness.targets_dir());
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("is a directory"), std::string::npos) << result.err;
}

TEST(ConfigFiles, AHugeFileIsRefusedBeforeParsing) {
  DaemonHarness harness;
  const auto huge = harness.dir() / "huge.toml";
  {
    std::ofstream out(huge, std::ios::binary);
    const std::string comment_line = "#" + std::string(1023, 'x') + "\n";
    for (int i = 0; i < 17 * 1024; ++i) out << comment_line;  // 17 MiB of comments
  }
  const auto result = CheckConfig(huge);
  EXPECT_EQ(result.exit_code, 78) << result.err;
  EXPECT_NE(result.err.find("larger than 16777216 bytes"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace policyd::testing
