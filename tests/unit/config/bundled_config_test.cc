// Checks the files shipped in config/: the quick-start and system daemon configs and the
// bundled target files.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "policyd/config.h"
#include "test_files.h"

namespace policyd {
namespace {

using ::testing::Contains;

const std::filesystem::path kSourceDir = POLICYD_SOURCE_DIR;
const std::filesystem::path kConfigDir = kSourceDir / "config";

// Every DaemonConfig field, i.e. every key a daemon config may hold.
const std::set<std::string> kAllDaemonKeys = {"state_dir",
                                              "control_socket",
                                              "events_socket",
                                              "targets_dir",
                                              "user_agent",
                                              "contact",
                                              "default_interval",
                                              "first_check_window",
                                              "interval_jitter",
                                              "max_concurrency",
                                              "per_host_concurrency",
                                              "per_host_delay",
                                              "worker_threads",
                                              "max_body_bytes",
                                              "max_redirects",
                                              "max_crawl_delay",
                                              "strained_host_pause",
                                              "full_fetch_interval",
                                              "shrink_guard",
                                              "shrink_confirmations",
                                              "check_retention",
                                              "gc_interval",
                                              "connect_timeout",
                                              "total_timeout",
                                              "low_speed_limit_bytes",
                                              "low_speed_time",
                                              "allow_private_addresses",
                                              "allowed_addresses",
                                              "failure_threshold",
                                              "browser_enabled",
                                              "browser_concurrency",
                                              "browser_command",
                                              "browser_socket",
                                              "browser_page_timeout",
                                              "browser_memory_limit_bytes",
                                              "render_retest_interval",
                                              "max_subscribers",
                                              "max_control_clients",
                                              "web_listen",
                                              "web_allow_remote",
                                              "max_web_clients",
                                              "log_level",
                                              "log_format",
                                              "log_summary_interval"};
// Keys that hold tables ([[webhooks]], [nats], [fleet]): the bundled configs show them commented
// out.
const std::set<std::string> kDaemonTableKeys = {"webhooks", "nats", "fleet"};

std::set<std::string> KeysOf(const std::filesystem::path& path) {
  std::set<std::string> keys;
  try {
    const toml::table table = toml::parse_file(path.string());
    for (const auto& [key, value] : table) keys.emplace(key.str());
  } catch (const toml::parse_error& error) {
    ADD_FAILURE() << path << ": " << error.description();
  }
  return keys;
}

// DaemonConfigKeys (what policyd.toml(5) is checked against) is the reader's own list: the
// keys it asks for, which are the keys the bundled configs show.
TEST(BundledConfigTest, DaemonConfigKeysAreEveryKeyTheReaderAsksFor) {
  const std::vector<std::string> keys = DaemonConfigKeys();
  std::set<std::string> expected = kAllDaemonKeys;
  expected.insert(kDaemonTableKeys.begin(), kDaemonTableKeys.end());
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), expected);
  EXPECT_EQ(keys.size(), expected.size()) << "a key is listed twice";
}

TEST(BundledConfigTest, QuickStartConfigLoadsWithPathsInTheCheckout) {
  DaemonConfig config;
  const Status status = LoadDaemonConfig(kConfigDir / "policyd.toml", &config);
  ASSERT_TRUE(status.ok()) << status.ToString();
  const std::filesystem::path root = kSourceDir.lexically_normal();
  EXPECT_EQ(config.state_dir, root / "state");
  EXPECT_EQ(config.control_socket, root / "state" / "control.sock");
  EXPECT_EQ(config.events_socket, root / "state" / "events.sock");
  EXPECT_EQ(config.targets_dir, root / "config" / "targets");
  EXPECT_EQ(config.first_check_window, std::chrono::minutes(5));
  EXPECT_FALSE(config.allow_private_addresses);
  EXPECT_EQ(KeysOf(kConfigDir / "policyd.toml"), kAllDaemonKeys) << "every key must be shown";
}

TEST(BundledConfigTest, SystemConfigLoadsWithFhsPaths) {
  DaemonConfig config;
  const Status status = LoadDaemonConfig(kConfigDir / "policyd.system.toml", &config);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(config.state_dir, "/var/lib/policyd");
  EXPECT_EQ(config.control_socket, "/run/policyd/control.sock");
  EXPECT_EQ(config.events_socket, "/run/policyd/events.sock");
  EXPECT_EQ(config.targets_dir, "/etc/policyd/targets");
  // The system install renders pages in the socket-activated browser unit, not as a child of
  // the daemon's own (stricter) sandbox.
  EXPECT_EQ(config.browser_socket, "/run/policyd-browser/browser.sock");
  EXPECT_EQ(KeysOf(kConfigDir / "policyd.system.toml"), kAllDaemonKeys);
}

TEST(BundledConfigTest, SystemConfigWebhookExampleLoadsWhenUncommented) {
  // The commented [[webhooks]] example at the end of the system config, uncommented, with its
  // secret file pointed at a real one: what an operator gets by removing the '#'s.
  std::ifstream in(kConfigDir / "policyd.system.toml");
  std::string line;
  std::string example;
  bool inside = false;
  while (std::getline(in, line)) {
    inside = inside || line == "# [[webhooks]]";
    if (inside && line.starts_with("# ")) example += line.substr(2) + "\n";
  }
  ASSERT_FALSE(example.empty()) << "no commented [[webhooks]] example";
  testing::ScratchDir scratch;
  const auto secret = scratch.Write("analysts.secret", "0123456789abcdef0123456789abcdef\n");
  std::filesystem::permissions(
      secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string from = "/etc/policyd/analysts.secret";
  ASSERT_NE(example.find(from), std::string::npos);
  example.replace(example.find(from), from.size(), secret.string());
  DaemonConfig config;
  const Status status = LoadDaemonConfig(scratch.Write("policyd.toml", example), &config);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << example;
  ASSERT_EQ(config.webhooks.size(), 1u);
  const WebhookSpec defaults;
  EXPECT_EQ(config.webhooks[0].name, "analysts");
  EXPECT_EQ(config.webhooks[0].max_attempts, defaults.max_attempts);
  EXPECT_EQ(config.webhooks[0].retry_min, defaults.retry_min);
  EXPECT_EQ(config.webhooks[0].retry_max, defaults.retry_max);
  EXPECT_EQ(config.webhooks[0].timeout, defaults.timeout);
  EXPECT_EQ(config.webhooks[0].start, defaults.start);
  EXPECT_EQ(config.webhooks[0].format, defaults.format);
}

TEST(BundledConfigTest, SystemConfigFleetExampleLoadsWhenUncommented) {
  // The commented [fleet] example of the system config, uncommented: the defaults but for
  // enabled and member_id.
  std::ifstream in(kConfigDir / "policyd.system.toml");
  std::string line;
  std::string example;
  bool inside = false;
  while (std::getline(in, line)) {
    inside = (inside || line == "# [fleet]") && line.starts_with("# ");
    if (inside) example += line.substr(2) + "\n";
  }
  ASSERT_FALSE(example.empty()) << "no commented [fleet] example";
  example = "[nats]\nurls = [\"nats://127.0.0.1:4222\"]\n" + example;  // a fleet needs it
  testing::ScratchDir scratch;
  DaemonConfig config;
  const Status status = LoadDaemonConfig(scratch.Write("policyd.toml", example), &config);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << example;
  const FleetConfig defaults;
  EXPECT_TRUE(config.fleet.enabled);
  EXPECT_EQ(config.fleet.member_id, "web1");
  EXPECT_EQ(config.fleet.bucket, defaults.bucket);
  EXPECT_EQ(config.fleet.timing.heartbeat_interval, defaults.timing.heartbeat_interval);
  EXPECT_EQ(config.fleet.timing.member_ttl, defaults.timing.member_ttl);
  EXPECT_EQ(config.fleet.timing.lease_ttl, defaults.timing.lease_ttl);
  EXPECT_EQ(config.fleet.timing.max_clock_skew, defaults.timing.max_clock_skew);
}

TEST(BundledConfigTest, SystemConfigNatsExampleLoadsWhenUncommentedWithTheDefaults) {
  // The commented [nats] table of the system config, uncommented: the documented defaults.
  std::ifstream in(kConfigDir / "policyd.system.toml");
  std::string line;
  std::string example;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "# [nats]") inside = true;
    if (inside && !line.starts_with("# ")) break;
    if (inside) example += line.substr(2) + "\n";
  }
  ASSERT_FALSE(example.empty()) << "no commented [nats] example";
  testing::ScratchDir scratch;
  DaemonConfig config;
  const Status status = LoadDaemonConfig(scratch.Write("policyd.toml", example), &config);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << example;
  const NatsConfig defaults;
  const NatsConfig& nats = config.nats;
  EXPECT_TRUE(nats.enabled);
  EXPECT_EQ(nats.urls, std::vector<std::string>{"nats://127.0.0.1:4222"});
  EXPECT_EQ(nats.stream, defaults.stream);
  EXPECT_EQ(nats.subject_prefix, defaults.subject_prefix);
  EXPECT_EQ(nats.retention, defaults.retention);
  EXPECT_EQ(nats.storage, defaults.storage);
  EXPECT_EQ(nats.replicas, defaults.replicas);
  EXPECT_EQ(nats.max_age, defaults.max_age);
  EXPECT_EQ(nats.max_bytes, defaults.max_bytes);
  EXPECT_EQ(nats.duplicate_window, defaults.duplicate_window);
  EXPECT_EQ(nats.start, defaults.start);
  EXPECT_EQ(nats.connect_timeout, defaults.connect_timeout);
  EXPECT_EQ(nats.ack_timeout, defaults.ack_timeout);
  EXPECT_EQ(nats.retry_min, defaults.retry_min);
  EXPECT_EQ(nats.retry_max, defaults.retry_max);
}

TEST(BundledConfigTest, BundledConfigValuesOtherThanPathsMatchTheDefaults) {
  // The bundled file is the reference: its values must not drift from the documented defaults
  // (first_check_window is deliberately short for the quick start).
  DaemonConfig config;
  ASSERT_TRUE(LoadDaemonConfig(kConfigDir / "policyd.toml", &config).ok());
  const DaemonConfig defaults;
  EXPECT_EQ(config.user_agent, defaults.user_agent);
  EXPECT_EQ(config.default_interval, defaults.default_interval);
  EXPECT_DOUBLE_EQ(config.interval_jitter, defaults.interval_jitter);
  EXPECT_EQ(config.max_concurrency, defaults.max_concurrency);
  EXPECT_EQ(config.per_host_concurrency, defaults.per_host_concurrency);
  EXPECT_EQ(config.per_host_delay, defaults.per_host_delay);
  EXPECT_EQ(config.worker_threads, defaults.worker_threads);
  EXPECT_EQ(config.max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(config.max_redirects, defaults.max_redirects);
  EXPECT_EQ(config.connect_timeout, defaults.connect_timeout);
  EXPECT_EQ(config.total_timeout, defaults.total_timeout);
  EXPECT_EQ(config.low_speed_limit_bytes, defaults.low_speed_limit_bytes);
  EXPECT_EQ(config.low_speed_time, defaults.low_speed_time);
  EXPECT_EQ(config.allow_private_addresses, defaults.allow_private_addresses);
  EXPECT_EQ(config.failure_threshold, defaults.failure_threshold);
  EXPECT_EQ(config.full_fetch_interval, defaults.full_fetch_interval);
  EXPECT_EQ(config.browser_enabled, defaults.browser_enabled);
  EXPECT_EQ(config.browser_concurrency, defaults.browser_concurrency);
  EXPECT_EQ(config.browser_command, defaults.browser_command);
  EXPECT_EQ(config.browser_socket, defaults.browser_socket);
  EXPECT_EQ(config.browser_page_timeout, defaults.browser_page_timeout);
  EXPECT_EQ(config.browser_memory_limit_bytes, defaults.browser_memory_limit_bytes);
  EXPECT_EQ(config.render_retest_interval, defaults.render_retest_interval);
  EXPECT_EQ(config.max_subscribers, defaults.max_subscribers);
  EXPECT_EQ(config.max_control_clients, defaults.max_control_clients);
  EXPECT_EQ(config.log_level, defaults.log_level);
  EXPECT_EQ(config.log_format, defaults.log_format);
  EXPECT_EQ(config.log_summary_interval, defaults.log_summary_interval);
}

TEST(BundledConfigTest, BundledTargetsAreValidAndCoverAtLeast300Platforms) {
  std::vector<DocumentSpec> docs;
  const Status status = LoadTargetsDir(kConfigDir / "targets", &docs);
  ASSERT_TRUE(status.ok()) << status.ToString();

  std::map<std::string, std::vector<const DocumentSpec*>> by_file;  // file stem -> documents
  std::set<std::string> ids;
  for (const DocumentSpec& doc : docs) {
    SCOPED_TRACE(doc.source_file.string());
    EXPECT_TRUE(ValidateDocumentSpec(doc).ok()) << ValidateDocumentSpec(doc).ToString();
    EXPECT_TRUE(ids.insert(doc.id).second) << doc.id;
    EXPECT_EQ(doc.url.rfind("https://", 0), 0u) << "bundled targets use https: " << doc.url;
    // The file stem is the platform slug, so ids and file names agree.
    const std::string stem = doc.source_file.path().stem().string();
    EXPECT_EQ(Slugify(doc.platform), stem);
    by_file[stem].push_back(&doc);
  }
  EXPECT_GE(by_file.size(), 300u);
  for (const auto& [stem, platform_docs] : by_file) {
    const bool has_privacy_policy =
        std::any_of(platform_docs.begin(), platform_docs.end(),
                    [](const DocumentSpec* doc) { return doc->type == "Privacy Policy"; });
    EXPECT_TRUE(has_privacy_policy) << stem << " has no Privacy Policy";
  }
  EXPECT_THAT(ids, Contains("coursera/privacy-policy"));
  EXPECT_THAT(ids, Contains("coursera/terms-of-service"));
  EXPECT_THAT(ids, Contains("coorpacademy/privacy-policy"));
  EXPECT_THAT(ids, Contains("coorpacademy/terms-of-service"));
}

TEST(BundledConfigTest, BundledTargetFilesRoundTripThroughWriteTargetFile) {
  // What the daemon writes for run-time targets must be what it reads; the bundled files are a
  // varied sample. Every fourth file only: each write is fsync'ed, which is slow on some disks.
  std::vector<DocumentSpec> docs;
  ASSERT_TRUE(LoadTargetsDir(kConfigDir / "targets", &docs).ok());
  std::map<std::filesystem::path, std::vector<DocumentSpec>> by_file;
  for (const DocumentSpec& doc : docs) by_file[doc.source_file.path()].push_back(doc);

  testing::ScratchDir scratch;
  size_t index = 0;
  for (const auto& [file, platform_docs] : by_file) {
    if (index++ % 4 != 0) continue;
    const std::filesystem::path copy = scratch.path() / file.filename();
    ASSERT_TRUE(WriteTargetFile(copy, platform_docs.front().platform, platform_docs).ok()) << file;
    std::vector<DocumentSpec> reloaded;
    ASSERT_TRUE(LoadTargetFile(copy, &reloaded).ok()) << file;
    ASSERT_EQ(reloaded.size(), platform_docs.size()) << file;
    for (size_t i = 0; i < reloaded.size(); ++i) {
      EXPECT_EQ(reloaded[i].id, platform_docs[i].id);
      EXPECT_EQ(reloaded[i].url, platform_docs[i].url);
      EXPECT_EQ(reloaded[i].interval, platform_docs[i].interval);
    }
  }
}

}  // namespace
}  // namespace policyd
