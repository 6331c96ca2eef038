// [nats] in the daemon config: every key, the defaults, and the error paths, each naming the
// file and the line at fault (with a did-you-mean where a name was misspelt).
#include <sys/stat.h>

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
using ::testing::Not;
using ::testing::StartsWith;

class NatsConfigTest : public testing::DaemonConfigFileTest {
 protected:
  // Line 1 is "[nats]", line 2 the URL; `extra` starts at line 3.
  static std::string Nats(const std::string& extra = "") {
    return "[nats]\nurls = \"nats://127.0.0.1:4222\"\n" + extra;
  }
};

TEST_F(NatsConfigTest, OffWithoutTheTable) {
  ASSERT_TRUE(Load("log_level = \"info\"\n").ok());
  EXPECT_FALSE(config_.nats.enabled);
  EXPECT_TRUE(config_.nats.urls.empty());
}

TEST_F(NatsConfigTest, DefaultsWithOnlyAUrl) {
  ASSERT_TRUE(Load(Nats()).ok());
  const NatsConfig& nats = config_.nats;
  EXPECT_TRUE(nats.enabled);
  EXPECT_EQ(nats.urls, std::vector<std::string>{"nats://127.0.0.1:4222"});
  EXPECT_EQ(nats.stream, "POLICYD_EVENTS");
  EXPECT_EQ(nats.subject_prefix, "policyd.events");
  EXPECT_EQ(nats.retention, NatsRetention::kLimits);
  EXPECT_EQ(nats.storage, NatsStorage::kFile);
  EXPECT_EQ(nats.replicas, 1);
  EXPECT_EQ(nats.max_age, milliseconds(0));
  EXPECT_EQ(nats.max_bytes, 0);
  EXPECT_EQ(nats.duplicate_window, minutes(2));
  EXPECT_EQ(nats.connect_timeout, seconds(5));
  EXPECT_EQ(nats.ack_timeout, seconds(10));
  EXPECT_EQ(nats.retry_min, seconds(1));
  EXPECT_EQ(nats.retry_max, minutes(1));
  EXPECT_EQ(nats.start, WebhookStart::kBeginning);
  EXPECT_TRUE(nats.token.empty());
  EXPECT_EQ(nats.line, 1u);
}

TEST_F(NatsConfigTest, ParsesEveryKey) {
  const std::filesystem::path token = scratch_.Write("etc/nats.token", "s3cret-token\n");
  ASSERT_EQ(::chmod(token.c_str(), 0600), 0);
  const Status status = Load(R"toml(log_level = "info"
[nats]
urls = ["tls://nats-1.example.com:4222", "tls://[2001:db8::1]:4222"]
stream = "EVENTS_2"
subject_prefix = "corp.policyd"
retention = "interest"
storage = "memory"
replicas = 3
max_age = "30d"
max_bytes = 1073741824
duplicate_window = "10m"
token_file = "nats.token"
connect_timeout = "2s"
ack_timeout = "30s"
retry_min = "500ms"
retry_max = "5m"
start = "end"
)toml");
  ASSERT_TRUE(status.ok()) << status.ToString();
  const NatsConfig& nats = config_.nats;
  EXPECT_EQ(nats.urls.size(), 2u);
  EXPECT_EQ(nats.stream, "EVENTS_2");
  EXPECT_EQ(nats.subject_prefix, "corp.policyd");
  EXPECT_EQ(nats.retention, NatsRetention::kInterest);
  EXPECT_EQ(nats.storage, NatsStorage::kMemory);
  EXPECT_EQ(nats.replicas, 3);
  EXPECT_EQ(nats.max_age, hours(24 * 30));
  EXPECT_EQ(nats.max_bytes, int64_t{1} << 30);
  EXPECT_EQ(nats.duplicate_window, minutes(10));
  EXPECT_EQ(nats.token, "s3cret-token");  // the final newline removed
  EXPECT_EQ(nats.token_file, token);
  EXPECT_EQ(nats.connect_timeout, seconds(2));
  EXPECT_EQ(nats.ack_timeout, seconds(30));
  EXPECT_EQ(nats.retry_min, milliseconds(500));
  EXPECT_EQ(nats.retry_max, minutes(5));
  EXPECT_EQ(nats.start, WebhookStart::kEnd);
  EXPECT_EQ(nats.line, 2u);
}

TEST_F(NatsConfigTest, OnlyNatsAndTlsUrlsWithoutCredentials) {
  for (const char* url : {"http://127.0.0.1:4222", "127.0.0.1:4222", "ws://host:443"}) {
    const Status bad = Load(std::string("[nats]\nurls = [\"nats://ok:4222\", \"") + url + "\"]\n");
    ASSERT_FALSE(bad.ok()) << url;
    EXPECT_THAT(bad.message(), StartsWith(At(2)));
    EXPECT_THAT(bad.message(), HasSubstr("must start with nats:// or tls://"));
  }
  Status status = Load("[nats]\nurls = \"nats://user:pass@127.0.0.1:4222\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("token_file or credentials_file"));
  EXPECT_THAT(status.message(), Not(HasSubstr("pass@")));
  status = Load("[nats]\nurls = \"nats://127.0.0.1:99999\"\n");
  EXPECT_THAT(status.message(), HasSubstr("invalid port"));
  status = Load("[nats]\nurls = \"nats://127.0.0.1:4222/path\"\n");
  EXPECT_THAT(status.message(), HasSubstr("without a path"));
  status = Load("[nats]\nurls = [\"nats://a:4222\", \"tls://b:4222\"]\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("all nats:// or all tls://"));
  // An empty list is a mistake to name, not a crash (it was SIGSEGV in --check-config, at
  // reload and in policyctl).
  status = Load("[nats]\nurls = []\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("'urls' must name at least one server"));
}

TEST_F(NatsConfigTest, MissingUrlsAndUnknownKeysAreErrorsAtTheirLine) {
  Status status = Load("log_level = \"info\"\n[nats]\nstream = \"X\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("[nats] has no 'urls'"));

  status = Load(Nats("retension = \"limits\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("did you mean 'retention'?"));

  status = Load(Nats("retention = \"limit\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(),
              HasSubstr("'retention' must be one of limits, interest, workqueue"));
  EXPECT_THAT(status.message(), HasSubstr("did you mean 'limits'?"));

  status = Load(Nats("storage = \"disk\"\n"));
  EXPECT_THAT(status.message(), HasSubstr("'storage' must be one of file, memory"));

  status = Load("nats = \"nats://127.0.0.1:4222\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(1)));
  EXPECT_THAT(status.message(), HasSubstr("'nats' must be a table ([nats])"));
}

TEST_F(NatsConfigTest, StreamNamesAndPrefixesNatsWouldRefuse) {
  for (const char* name : {"has.dot", "has space", "star*", "gt>"}) {
    const Status status = Load(Nats(std::string("stream = \"") + name + "\"\n"));
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_THAT(status.message(), StartsWith(At(3)));
    EXPECT_THAT(status.message(), HasSubstr("'stream' must be 1 to 64 characters"));
  }
  for (const char* prefix : {"a..b", ".a", "a.", "a.*", "a.>", "a b"}) {
    const Status status = Load(Nats(std::string("subject_prefix = \"") + prefix + "\"\n"));
    ASSERT_FALSE(status.ok()) << prefix;
    EXPECT_THAT(status.message(), StartsWith(At(3)));
    EXPECT_THAT(status.message(), HasSubstr("'subject_prefix' must be dot-separated tokens"));
  }
}

TEST_F(NatsConfigTest, LimitsAndTimesAreChecked) {
  Status status = Load(Nats("replicas = 7\n"));
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  status = Load(Nats("max_age = \"1m\"\nduplicate_window = \"2m\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(4)));
  EXPECT_THAT(status.message(), HasSubstr("'duplicate_window' must not be longer than 'max_age'"));
  status = Load(Nats("duplicate_window = \"10ms\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  // Against the default window too: JetStream would refuse to create the stream, for ever.
  status = Load(Nats("max_age = \"1m\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(),
              HasSubstr("'max_age' must not be shorter than 'duplicate_window' (2m by default)"));
  status = Load(Nats("retry_min = \"10m\"\nretry_max = \"1m\"\n"));
  EXPECT_THAT(status.message(), HasSubstr("'retry_min' must not be longer than 'retry_max'"));
  status = Load(Nats("max_bytes = -1\n"));
  EXPECT_THAT(status.message(), StartsWith(At(3)));
}

TEST_F(NatsConfigTest, SecretFilesMustBeTheOwnersOnlyAndOneOfThem) {
  const std::filesystem::path token = scratch_.Write("etc/nats.token", "tok\n");
  ASSERT_EQ(::chmod(token.c_str(), 0644), 0);
  Status status = Load(Nats("token_file = \"nats.token\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("mode 0644"));
  EXPECT_THAT(status.message(), HasSubstr("chmod 600"));

  const std::filesystem::path creds = scratch_.Write("etc/policyd.creds", "-----BEGIN...\n");
  ASSERT_EQ(::chmod(creds.c_str(), 0400), 0);
  ASSERT_TRUE(Load(Nats("credentials_file = \"policyd.creds\"\n")).ok());
  EXPECT_EQ(config_.nats.credentials_file, creds);

  ASSERT_EQ(::chmod(token.c_str(), 0600), 0);
  status = Load(Nats("token_file = \"nats.token\"\ncredentials_file = \"policyd.creds\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("set 'token_file' or 'credentials_file', not both"));

  status = Load(Nats("credentials_file = \"missing.creds\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("missing.creds"));
}

TEST_F(NatsConfigTest, TlsFilesForAPrivateAuthorityAndAClientCertificate) {
  const std::string kCertificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const std::filesystem::path ca = scratch_.Write("etc/ca.pem", kCertificate);
  const std::filesystem::path certificate = scratch_.Write("etc/client.pem", kCertificate);
  const std::filesystem::path key = scratch_.Write(
      "etc/client.key", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
  const std::string tls = "[nats]\nurls = \"tls://nats.internal:4222\"\n";
  ASSERT_TRUE(
      Load(tls + "ca_file = \"ca.pem\"\ncert_file = \"client.pem\"\nkey_file = \"client.key\"\n")
          .ok());
  EXPECT_EQ(config_.nats.ca_file, ca);
  EXPECT_EQ(config_.nats.cert_file, certificate);
  EXPECT_EQ(config_.nats.key_file, key);

  // Each at its line: not for nats:// servers; a key readable by others; a certificate without
  // its key; a file that is not PEM; a missing file.
  Status status = Load(Nats("ca_file = \"ca.pem\"\n"));
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("'ca_file' applies to tls:// urls only"));

  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  status = Load(tls + "cert_file = \"client.pem\"\nkey_file = \"client.key\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(4)));
  EXPECT_THAT(status.message(), HasSubstr("mode 0644"));

  status = Load(tls + "cert_file = \"client.pem\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("set 'cert_file' and 'key_file' together"));

  scratch_.Write("etc/not-pem.txt", "just text\n");
  status = Load(tls + "ca_file = \"not-pem.txt\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("holds no PEM '-----BEGIN CERTIFICATE-----'"));

  status = Load(tls + "ca_file = \"missing.pem\"\n");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("missing.pem"));
}

}  // namespace
}  // namespace policyd
