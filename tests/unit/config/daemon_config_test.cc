#include <chrono>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"
#include "test_files.h"

namespace policyd {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

using DaemonConfigTest = testing::DaemonConfigFileTest;

TEST_F(DaemonConfigTest, EmptyFileKeepsTheDefaults) {
  ASSERT_TRUE(Load("# nothing\n").ok());
  const DaemonConfig defaults;
  EXPECT_EQ(config_.state_dir, "/var/lib/policyd");
  EXPECT_EQ(config_.control_socket, "/run/policyd/control.sock");
  EXPECT_EQ(config_.events_socket, "/run/policyd/events.sock");
  EXPECT_EQ(config_.targets_dir, "/etc/policyd/targets");
  EXPECT_EQ(config_.user_agent, defaults.user_agent);
  EXPECT_EQ(config_.default_interval, hours(24));
  EXPECT_EQ(config_.first_check_window, milliseconds(0));
  EXPECT_DOUBLE_EQ(config_.interval_jitter, 0.1);
  EXPECT_EQ(config_.max_concurrency, 64);
  EXPECT_EQ(config_.per_host_concurrency, 1);
  EXPECT_EQ(config_.per_host_delay, seconds(2));
  EXPECT_EQ(config_.worker_threads, 0);
  EXPECT_EQ(config_.max_body_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(config_.max_redirects, 5);
  EXPECT_EQ(config_.connect_timeout, seconds(10));
  EXPECT_EQ(config_.total_timeout, seconds(60));
  EXPECT_EQ(config_.low_speed_limit_bytes, 100);
  EXPECT_EQ(config_.low_speed_time, seconds(20));
  EXPECT_FALSE(config_.allow_private_addresses);
  EXPECT_EQ(config_.failure_threshold, 3);
  EXPECT_EQ(config_.max_subscribers, 64u);
  EXPECT_EQ(config_.max_control_clients, 16u);
  EXPECT_EQ(config_.log_level, "info");
  EXPECT_EQ(config_.source_file, path_);
}

TEST_F(DaemonConfigTest, ParsesEveryKey) {
  const Status status = Load(R"toml(
state_dir = "/srv/policyd/state"
control_socket = "/srv/policyd/c.sock"
events_socket = "/srv/policyd/e.sock"
targets_dir = "/srv/policyd/targets"
user_agent = "TestBot/1.0 (+https://example.org/bot)"
contact = "crawler-ops@example.org"
default_interval = "12h"
first_check_window = "5m"
interval_jitter = 0.25
max_concurrency = 128
per_host_concurrency = 2
per_host_delay = "1500ms"
worker_threads = 4
max_body_bytes = 2048
max_redirects = 7
connect_timeout = "3s"
total_timeout = "2m"
low_speed_limit_bytes = 10
low_speed_time = "45s"
allow_private_addresses = true
allowed_addresses = ["10.20.0.0/16", "fd00::1", "192.168.1.10:8080", "[fd00::2]:443"]
failure_threshold = 5
check_retention = "30d"
gc_interval = "6h"
max_subscribers = 8
max_control_clients = 2
log_level = "debug"
log_format = "json"
log_summary_interval = "90s"
)toml");
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(config_.state_dir, "/srv/policyd/state");
  EXPECT_EQ(config_.control_socket, "/srv/policyd/c.sock");
  EXPECT_EQ(config_.events_socket, "/srv/policyd/e.sock");
  EXPECT_EQ(config_.targets_dir, "/srv/policyd/targets");
  EXPECT_EQ(config_.user_agent, "TestBot/1.0 (+https://example.org/bot)");
  EXPECT_EQ(config_.contact, "crawler-ops@example.org");
  EXPECT_EQ(config_.default_interval, hours(12));
  EXPECT_EQ(config_.first_check_window, minutes(5));
  EXPECT_DOUBLE_EQ(config_.interval_jitter, 0.25);
  EXPECT_EQ(config_.max_concurrency, 128);
  EXPECT_EQ(config_.per_host_concurrency, 2);
  EXPECT_EQ(config_.per_host_delay, milliseconds(1500));
  EXPECT_EQ(config_.worker_threads, 4);
  EXPECT_EQ(config_.max_body_bytes, 2048u);
  EXPECT_EQ(config_.max_redirects, 7);
  EXPECT_EQ(config_.connect_timeout, seconds(3));
  EXPECT_EQ(config_.total_timeout, minutes(2));
  EXPECT_EQ(config_.low_speed_limit_bytes, 10);
  EXPECT_EQ(config_.low_speed_time, seconds(45));
  EXPECT_TRUE(config_.allow_private_addresses);
  EXPECT_EQ(
      config_.allowed_addresses,
      (std::vector<std::string>{"10.20.0.0/16", "fd00::1", "192.168.1.10:8080", "[fd00::2]:443"}));
  EXPECT_EQ(config_.failure_threshold, 5);
  EXPECT_EQ(config_.check_retention, hours(24 * 30));
  EXPECT_EQ(config_.gc_interval, hours(6));
  EXPECT_EQ(config_.max_subscribers, 8u);
  EXPECT_EQ(config_.max_control_clients, 2u);
  EXPECT_EQ(config_.log_level, "debug");
  EXPECT_EQ(config_.log_format, LogFormat::kJson);
  EXPECT_EQ(config_.log_summary_interval, seconds(90));
}

TEST_F(DaemonConfigTest, DurationsMayBeIntegerSecondsOrCompound) {
  ASSERT_TRUE(Load("default_interval = 3600\nfirst_check_window = \"1h30m\"\n"
                   "per_host_delay = 0\ninterval_jitter = 0\n")
                  .ok());
  EXPECT_EQ(config_.default_interval, hours(1));
  EXPECT_EQ(config_.first_check_window, minutes(90));
  EXPECT_EQ(config_.per_host_delay, milliseconds(0));
  EXPECT_DOUBLE_EQ(config_.interval_jitter, 0.0);
}

TEST_F(DaemonConfigTest, RelativePathsAreResolvedAgainstTheConfigFileDirectory) {
  ASSERT_TRUE(Load("state_dir = \"../state\"\n"
                   "control_socket = \"../state/control.sock\"\n"
                   "events_socket = \"run/events.sock\"\n"
                   "targets_dir = \"targets\"\n")
                  .ok());
  const std::filesystem::path etc = scratch_.path() / "etc";
  EXPECT_EQ(config_.state_dir, scratch_.path() / "state");
  EXPECT_EQ(config_.control_socket, scratch_.path() / "state" / "control.sock");
  EXPECT_EQ(config_.events_socket, etc / "run" / "events.sock");
  EXPECT_EQ(config_.targets_dir, etc / "targets");
  EXPECT_TRUE(config_.state_dir.is_absolute());
}

TEST_F(DaemonConfigTest, RelativeConfigPathGivesAbsoluteResults) {
  scratch_.Write("etc/policyd.toml", "state_dir = \"../state\"\n");
  const std::filesystem::path old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(scratch_.path());
  const Status status = LoadDaemonConfig("etc/policyd.toml", &config_);
  std::filesystem::current_path(old_cwd);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(config_.state_dir, scratch_.path() / "state");
  EXPECT_EQ(config_.source_file, scratch_.path() / "etc" / "policyd.toml");
}

TEST_F(DaemonConfigTest, MissingFileIsNotFoundNamingTheFile) {
  const std::filesystem::path missing = scratch_.path() / "nope.toml";
  const Status status = LoadDaemonConfig(missing, &config_);
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(missing.string()));
  EXPECT_THAT(status.message(), HasSubstr("No such file"));
  EXPECT_EQ(LoadDaemonConfig(scratch_.path(), &config_).code(), Status::Code::kIoError);
}

TEST_F(DaemonConfigTest, SyntaxErrorNamesFileLineAndColumn) {
  const Status status = Load("log_level = \"info\"\n\nmax_concurrency = \n");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(At(3)));
}

TEST_F(DaemonConfigTest, UnknownKeyIsAnErrorWithASuggestion) {
  const Status status = Load("log_level = \"info\"\nmax_concurency = 8\n");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(status.message(),
            At(2) + "1: unknown key 'max_concurency' (did you mean 'max_concurrency'?)");
}

// TOML puts every key written after a table header into that table: a top-level key added at
// the end of a file with [[webhooks]] or [nats] is said to be misplaced, not unknown.
TEST_F(DaemonConfigTest, ATopLevelKeyBelowATableIsSaidToBeMisplaced) {
  Status status = Load(
      "max_concurrency = 8\n[[webhooks]]\nname = \"ops\"\nurl = \"https://hooks.example/x\"\n"
      "format = \"slack\"\nlog_level = \"debug\"\n");
  EXPECT_EQ(status.message(),
            At(6) +
                "1: unknown key 'log_level' in the [[webhooks]] table that starts at line 2: "
                "it is a top-level key, and TOML reads every key below a table header as "
                "part of that table; move it above the first table");
  status = Load("[nats]\nurls = \"nats://127.0.0.1:4222\"\ntargets_dir = \"targets\"\n");
  EXPECT_EQ(status.message(),
            At(3) +
                "1: unknown key 'targets_dir' in the [nats] table that starts at line 1: it "
                "is a top-level key, and TOML reads every key below a table header as part "
                "of that table; move it above the first table");
  // A key known nowhere keeps its did-you-mean.
  status = Load("[nats]\nurls = \"nats://127.0.0.1:4222\"\nstreem = \"x\"\n");
  EXPECT_EQ(status.message(), At(3) + "1: unknown key 'streem' (did you mean 'stream'?)");
}

TEST_F(DaemonConfigTest, ADefaultIntervalOfAFewSecondsWithoutItsUnitIsRefused) {
  const Status status = Load("default_interval = 12\n");
  EXPECT_EQ(status.message(),
            At(1) +
                "20: 'default_interval' = 12 would be 12 seconds: write its unit, such as "
                "\"12h\" or \"12d\" (a bare number is a number of seconds, at least 60 for "
                "an interval)");
  EXPECT_EQ(Load("default_interval = \"30\"\n").message(),
            At(1) +
                "20: 'default_interval' = 30 would be 30 seconds: write its unit, such as "
                "\"30h\" or \"30d\" (a bare number is a number of seconds, at least 60 for "
                "an interval)");
}

TEST_F(DaemonConfigTest, TablesAreUnknownKeys) {
  const Status status = Load("[fetch]\nmax_redirects = 3\n");
  EXPECT_THAT(status.message(), StartsWith(At(1)));
  EXPECT_THAT(status.message(), HasSubstr("unknown key 'fetch'"));
}

TEST_F(DaemonConfigTest, WrongTypeNamesKeyAndExpectedType) {
  Status status = Load("\nmax_concurrency = \"64\"\n");
  EXPECT_EQ(status.message(), At(2) + "19: 'max_concurrency' must be an integer, not a string");
  status = Load("allow_private_addresses = \"yes\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(1)));
  EXPECT_THAT(status.message(), HasSubstr("'allow_private_addresses' must be a boolean"));
  status = Load("state_dir = 42\n");
  EXPECT_THAT(status.message(), HasSubstr("'state_dir' must be a string, not an integer"));
  status = Load("default_interval = true\n");
  EXPECT_THAT(status.message(), HasSubstr("'default_interval' must be a duration string"));
  status = Load("interval_jitter = \"0.1\"\n");
  EXPECT_THAT(status.message(), HasSubstr("'interval_jitter' must be a number, not a string"));
}

TEST_F(DaemonConfigTest, OutOfRangeValuesAreRejected) {
  struct Case {
    const char* toml;
    const char* expected;
  };
  const Case cases[] = {
      {"max_concurrency = 0", "'max_concurrency' must be between 1 and 4096, not 0"},
      {"max_concurrency = 5000", "'max_concurrency' must be between 1 and 4096, not 5000"},
      {"per_host_concurrency = 0", "'per_host_concurrency' must be between 1 and 4096, not 0"},
      {"interval_jitter = 0.7", "'interval_jitter' must be between 0 and 0.5, not 0.7"},
      {"interval_jitter = -0.1", "'interval_jitter' must be between 0 and 0.5"},
      {"interval_jitter = nan", "'interval_jitter' must be between 0 and 0.5"},
      {"max_body_bytes = 100", "'max_body_bytes' must be between 1024 and 1073741824, not 100"},
      {"max_redirects = -1", "'max_redirects' must be between 0 and 50, not -1"},
      {"worker_threads = -2", "'worker_threads' must be between 0 and 1024"},
      {"failure_threshold = 0", "'failure_threshold' must be between 1 and 1000"},
      {"max_subscribers = 0", "'max_subscribers' must be between 1 and 65536"},
      {"max_control_clients = 0", "'max_control_clients' must be between 1 and 65536"},
      {"low_speed_limit_bytes = -5", "'low_speed_limit_bytes' must be between 0"},
      {"default_interval = \"0s\"", "'default_interval' must be between 1s and 365d, not 0s"},
      {"default_interval = \"400d\"", "'default_interval' must be between 1s and 365d, not 400d"},
      {"default_interval = 99999999999", "'default_interval' must be at most 365d"},
      {"per_host_delay = -5", "'per_host_delay' must not be negative"},
      {"allowed_addresses = [\"intranet\"]",
       "'allowed_addresses' entry 'intranet' is not an IP address or CIDR prefix"},
      {"allowed_addresses = [\"10.1.2.3/8\"]", "'allowed_addresses' entry '10.1.2.3/8'"},
      {"allowed_addresses = [\"10.1.2.3:99999\"]",
       "'allowed_addresses' entry '10.1.2.3:99999' is not an IP address or CIDR prefix, with an "
       "optional port"},
      {"check_retention = \"1h\"", "'check_retention' must be between 1d and"},
      {"connect_timeout = \"10ms\"", "'connect_timeout' must be between 100ms and 1h"},
      {"total_timeout = \"2d\"", "'total_timeout' must be between 1s and 1d, not 2d"},
      {"first_check_window = \"12x\"", "'first_check_window' must be a duration such as"},
      {"low_speed_time = \"-5s\"", "'low_speed_time' must be a duration such as"},
      {"gc_interval = \"30m1h\"",
       "'gc_interval' must be a duration such as \"90s\", \"15m\", \"12h\", \"7d\" or "
       "\"1h30m\" (each unit once, the largest first), not \"30m1h\""},
      {"log_level = \"verbose\"",
       "'log_level' must be one of trace, debug, info, warn, error, "
       "critical, off; not 'verbose'"},
      {"log_format = \"xml\"", "'log_format' must be \"text\" or \"json\", not 'xml'"},
      {"log_summary_interval = \"0s\"", "'log_summary_interval' must be between 1s and 1d"},
      {"user_agent = \"\"", "'user_agent' must not be empty"},
      {"user_agent = \"Bot\\r\\nX-Evil: 1\"", "'user_agent' must not contain control characters"},
      {"contact = \"webmaster\"",
       "'contact' must be one email address, like \"webmaster@example.org\" (it is sent as the "
       "From header), not 'webmaster'"},
      {"contact = \"ops@example.org\\r\\nX-Evil: 1\"", "'contact' must be one email address"},
      {"contact = \"Ops <ops@example.org>\"", "'contact' must be one email address"},
      {"contact = \"a@example.org, b@example.org\"", "'contact' must be one email address"},
      {"contact = \"@example.org\"", "'contact' must be one email address"},
      {"contact = \"ops@\"", "'contact' must be one email address"},
      {"state_dir = \"\"", "'state_dir' must not be empty"},
      {"targets_dir = \"~/targets\"", "'targets_dir' starts with '~', which is not expanded"},
  };
  for (const Case& c : cases) {
    const Status status = Load(std::string("\n") + c.toml + "\n");
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << c.toml;
    EXPECT_THAT(status.message(), StartsWith(At(2))) << c.toml;
    EXPECT_THAT(status.message(), HasSubstr(c.expected)) << c.toml;
  }
}

TEST_F(DaemonConfigTest, SocketsMustDifferAndFitInSunPath) {
  Status status = Load("control_socket = \"/run/x.sock\"\nevents_socket = \"/run/x.sock\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("must be different paths"));

  status = Load("control_socket = \"/" + std::string(120, 'a') + "\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(1)));
  EXPECT_THAT(status.message(), HasSubstr("longer than the 107 bytes a Unix socket path"));
}

TEST_F(DaemonConfigTest, WebViewIsOffByDefaultAndListensOnLoopbackOrASocket) {
  ASSERT_TRUE(Load("# nothing\n").ok());
  EXPECT_EQ(config_.web_address, "");
  EXPECT_EQ(config_.web_socket, "");
  EXPECT_FALSE(config_.web_allow_remote);
  EXPECT_EQ(config_.max_web_clients, 64u);

  ASSERT_TRUE(Load("web_listen = \"127.0.0.1:8470\"\nmax_web_clients = 8\n").ok());
  EXPECT_EQ(config_.web_address, "127.0.0.1");
  EXPECT_EQ(config_.web_port, 8470);
  EXPECT_EQ(config_.max_web_clients, 8u);
  ASSERT_TRUE(Load("web_listen = \"[::1]:0\"\n").ok());
  EXPECT_EQ(config_.web_address, "::1");
  EXPECT_EQ(config_.web_port, 0);
  ASSERT_TRUE(Load("web_listen = \"run/web.sock\"\n").ok());
  EXPECT_EQ(config_.web_socket, path_.parent_path() / "run/web.sock");
  EXPECT_EQ(config_.web_address, "");
  ASSERT_TRUE(Load("web_listen = \"\"\n").ok());
  EXPECT_EQ(config_.web_socket, "");
}

TEST_F(DaemonConfigTest, WebViewRefusesRemoteAddressesUnlessAllowedAndBadListens) {
  Status status = Load("\nweb_listen = \"0.0.0.0:8470\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("not loopback"));
  EXPECT_THAT(status.message(), HasSubstr("web_allow_remote"));
  ASSERT_TRUE(Load("web_allow_remote = true\nweb_listen = \"192.0.2.7:80\"\n").ok());
  EXPECT_EQ(config_.web_address, "192.0.2.7");
  EXPECT_TRUE(config_.web_allow_remote);

  for (const char* bad : {"localhost:8470", "127.0.0.1", "::1:8470", "127.0.0.1:65536",
                          "127.0.0.1:http", "10.0.0.0/8:80", "[127.0.0.1]x:1"}) {
    status = Load(std::string("web_listen = \"") + bad + "\"\n");
    EXPECT_THAT(status.message(), HasSubstr("IP address and port")) << bad;
  }
  status = Load("control_socket = \"/run/c.sock\"\nweb_listen = \"/run/c.sock\"\n");
  EXPECT_THAT(status.message(), HasSubstr("another path than control_socket"));
  status = Load("web_listen = 8470\n");
  EXPECT_THAT(status.message(), HasSubstr("web_listen"));
}

TEST_F(DaemonConfigTest, ReportsTheEarliestErrorInFileOrder) {
  // Keys are checked in a fixed order unrelated to the file; the message must still point at
  // the first problem in the file.
  const Status status = Load("zzz = 1\nlog_level = \"loud\"\nmax_concurrency = 0\n");
  EXPECT_EQ(status.message(), At(1) + "1: unknown key 'zzz'");
}

TEST_F(DaemonConfigTest, LeavesTheConfigUntouchedOnError) {
  config_.max_concurrency = 7;
  ASSERT_FALSE(Load("max_concurrency = 9\nlog_level = \"loud\"\n").ok());
  EXPECT_EQ(config_.max_concurrency, 7);
  EXPECT_EQ(config_.source_file, "");
}

TEST_F(DaemonConfigTest, KeysMissingFromTheFileGetDefaultsNotPreviousValues) {
  config_.max_concurrency = 7;
  ASSERT_TRUE(Load("log_level = \"warn\"\n").ok());
  EXPECT_EQ(config_.max_concurrency, 64);
  EXPECT_EQ(config_.log_level, "warn");
}

TEST_F(DaemonConfigTest, FleetIsOffByDefault) {
  ASSERT_TRUE(Load("# nothing\n").ok());
  const FleetTiming defaults;
  EXPECT_FALSE(config_.fleet.enabled);
  EXPECT_EQ(config_.fleet.member_id, "");  // the daemon derives it from host and database
  EXPECT_EQ(config_.fleet.bucket, "policyd-fleet");
  EXPECT_EQ(config_.fleet.timing.heartbeat_interval, seconds(5));
  EXPECT_EQ(config_.fleet.timing.member_ttl, seconds(20));
  EXPECT_EQ(config_.fleet.timing.lease_ttl, seconds(20));
  EXPECT_EQ(config_.fleet.timing.max_clock_skew, seconds(1));
  EXPECT_EQ(config_.fleet.timing.member_ttl, defaults.member_ttl);
}

TEST_F(DaemonConfigTest, FleetTableIsRead) {
  ASSERT_TRUE(Load("log_level = \"info\"\n"
                   "[nats]\n"
                   "urls = [\"nats://127.0.0.1:4222\"]\n"
                   "[fleet]\n"
                   "enabled = true\n"
                   "member_id = \"web-1_a\"\n"
                   "bucket = \"policy_fleet-2\"\n"
                   "heartbeat_interval = \"2s\"\n"
                   "ttl = \"10s\"\n"
                   "lease_ttl = \"30s\"\n"
                   "max_clock_skew = \"250ms\"\n")
                  .ok());
  EXPECT_TRUE(config_.fleet.enabled);
  EXPECT_EQ(config_.fleet.member_id, "web-1_a");
  EXPECT_EQ(config_.fleet.bucket, "policy_fleet-2");
  EXPECT_EQ(config_.fleet.timing.heartbeat_interval, seconds(2));
  EXPECT_EQ(config_.fleet.timing.member_ttl, seconds(10));
  EXPECT_EQ(config_.fleet.timing.lease_ttl, seconds(30));
  EXPECT_EQ(config_.fleet.timing.max_clock_skew, milliseconds(250));
  // Integer seconds, as every duration.
  ASSERT_TRUE(Load("[fleet]\nttl = 60\n").ok());
  EXPECT_EQ(config_.fleet.timing.member_ttl, seconds(60));
}

TEST_F(DaemonConfigTest, FleetErrorsNameFileLineAndKey) {
  Status status = Load("[fleet]\nenabled = true\nheartbeat_intervall = \"5s\"\n");
  EXPECT_EQ(status.message(), At(3) +
                                  "1: unknown key 'heartbeat_intervall' (did you mean "
                                  "'heartbeat_interval'?)");
  status = Load("[fleet]\nenabled = \"yes\"\n");
  EXPECT_EQ(status.message(),
            At(2) + "11: 'enabled' must be a boolean (true or false), not a string");
  status = Load("[fleet]\nmember_id = \"web.1\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("'member_id' must be 1 to 64 characters"));
  status = Load("[fleet]\nmember_id = \"\"\n");
  EXPECT_THAT(status.message(), HasSubstr("'member_id' must not be empty"));
  status = Load("[fleet]\nbucket = \"policyd.fleet\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("a JetStream bucket name"));
  status = Load("[fleet]\nheartbeat_interval = \"10ms\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("'heartbeat_interval' must be between 100ms and 10m"));
  status = Load("fleet = true\n");
  EXPECT_EQ(status.message(), At(1) + "9: 'fleet' must be a table ([fleet]), not a boolean");
}

TEST_F(DaemonConfigTest, AnEnabledFleetNeedsNats) {
  Status status = Load("[fleet]\nenabled = true\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("'enabled' needs a [nats] table"));
  // [nats] anywhere in the file will do; a disabled fleet needs none.
  EXPECT_TRUE(Load("[fleet]\nenabled = true\n[nats]\nurls = [\"nats://127.0.0.1:4222\"]\n").ok());
  EXPECT_TRUE(Load("[fleet]\nenabled = false\n").ok());
}

TEST_F(DaemonConfigTest, TheFleetStatusSubjectMustStayOutOfTheEventsStream) {
  // subject_prefix "policyd" makes the events stream take "policyd.>", which holds the
  // status requests of `policyctl fleet` ("policyd.fleet.<bucket>.status").
  Status status = Load(
      "[nats]\nurls = [\"nats://127.0.0.1:4222\"]\nsubject_prefix = \"policyd\"\n"
      "[fleet]\nenabled = true\n");
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(),
              HasSubstr("the fleet's status subject 'policyd.fleet.policyd-fleet.status' is "
                        "under [nats] subject_prefix 'policyd'"));
  EXPECT_TRUE(Load("[nats]\nurls = [\"nats://127.0.0.1:4222\"]\nsubject_prefix = "
                   "\"acme.events\"\n[fleet]\nenabled = true\n")
                  .ok());
  // Without a fleet the prefix is free.
  EXPECT_TRUE(
      Load("[nats]\nurls = [\"nats://127.0.0.1:4222\"]\nsubject_prefix = \"policyd\"\n").ok());
}

TEST_F(DaemonConfigTest, FleetTimingsMustKeepTheRules) {
  // ttl must exceed two heartbeats: reported at ttl's line.
  Status status = Load("[fleet]\nheartbeat_interval = \"5s\"\nttl = \"10s\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(),
              HasSubstr("'ttl' (10s) must be longer than twice 'heartbeat_interval' (5s)"));
  // The rule's key left at its default: reported at [fleet].
  status = Load("\n[fleet]\nheartbeat_interval = \"15s\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("'ttl' (20s)"));
  // The skew bound must leave a margin inside a lease.
  status = Load("[fleet]\nlease_ttl = \"3s\"\nmax_clock_skew = \"1s\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("'max_clock_skew' (1s) must be shorter than a third"));
  EXPECT_TRUE(Load("[fleet]\nlease_ttl = \"3s\"\nmax_clock_skew = \"999ms\"\n").ok());
  // No rule is checked on durations already refused one by one.
  status = Load("[fleet]\nttl = \"2h\"\n");
  EXPECT_THAT(status.message(), HasSubstr("'ttl' must be between 1s and 1h"));
}

}  // namespace
}  // namespace policyd
