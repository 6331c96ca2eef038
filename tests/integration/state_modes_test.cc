// The daemon's state is private to its user and group whatever umask it was started with
// (issue 14, item 10): directories 0750, run-time target files 0640, and nothing under db/
// readable or writable by other users, even under umask 000.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

#include "daemon_harness.h"
#include "support/http_test_server.h"

namespace policyd::testing {
namespace {

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

// Runs the test body under `mask`, then puts the test process's umask back.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

class StateModesTest : public ::testing::TestWithParam<mode_t> {};

TEST_P(StateModesTest, StateIsPrivateWhateverTheUmask) {
  const ScopedUmask mask(GetParam());
  HttpTestServer server;
  server.Set("/privacy", {.status = 200,
                          .headers = {{"Content-Type", "text/html"}},
                          .body = "<html><body><main><h1>Privacy</h1><p>We collect your name "
                                  "and email address, and nothing else.</p></main></body></html>"});
  DaemonHarness harness;
  ASSERT_FALSE(std::filesystem::exists(harness.state_dir()));  // the daemon creates it
  ASSERT_TRUE(harness.Start()) << harness.log();
  const auto added = harness.Policyctl(
      {"add", "--platform", "Acme", "--type", "Privacy Policy", "--url", server.Url("/privacy")});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  EXPECT_EQ(harness.Stop(), 0);

  EXPECT_EQ(ModeOf(harness.state_dir()), 0750u);
  EXPECT_EQ(ModeOf(harness.state_dir() / "db"), 0750u);
  EXPECT_EQ(ModeOf(harness.state_dir() / "targets"), 0750u);
  EXPECT_EQ(ModeOf(harness.state_dir() / "targets" / "acme.toml"), 0640u);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(harness.state_dir())) {
    const mode_t mode = ModeOf(entry.path());
    // Nothing for other users, no writing for the group.
    EXPECT_EQ(mode & 0027, 0u) << entry.path() << " has mode " << std::oct << mode;
    ++files;
  }
  EXPECT_GT(files, 5);  // RocksDB's files were looked at, not an empty directory
}

INSTANTIATE_TEST_SUITE_P(Umasks, StateModesTest, ::testing::Values(mode_t{0000}, mode_t{0022}),
                         [](const auto& test_param) {
                           return test_param.param == 0 ? std::string("umask000")
                                                        : std::string("umask022");
                         });

}  // namespace
}  // namespace policyd::testing
