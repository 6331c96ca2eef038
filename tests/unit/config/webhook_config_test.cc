// [[webhooks]] in the daemon config: every key, the defaults, and one test per error path,
// each naming the file and the line at fault.
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

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

class WebhookConfigTest : public testing::DaemonConfigFileTest {
 protected:
  // A webhook table with a valid name, URL and secret, then `extra` lines.
  static std::string Hook(const std::string& extra = "",
                          const std::string& url = "https://hooks.example.com/policyd") {
    return "[[webhooks]]\nname = \"ops\"\nurl = \"" + url + "\"\nsecret = \"" + kSecret + "\"\n" +
           extra;
  }
};

TEST_F(WebhookConfigTest, NoWebhooksByDefault) {
  ASSERT_TRUE(Load("").ok());
  EXPECT_TRUE(config_.webhooks.empty());
}

TEST_F(WebhookConfigTest, ParsesEveryKeyAndKeepsDefaults) {
  const Status status = Load(R"toml(log_level = "info"

[[webhooks]]
name = "analysts"
url = "https://hooks.example.com/policyd?team=1"
secret = "0123456789abcdef0123456789abcdef"
platforms = ["Coursera", "tinder"]
doc_types = "Privacy Policy"
events = ["document.changed", "document.first_seen"]
classes = ["substantive"]
format = "json"
start = "beginning"
max_attempts = 20
retry_min = "2s"
retry_max = "1h"
timeout = "15s"

[[webhooks]]
name = "chat-2"
url = "https://hooks.slack.com/services/T0/B0/XYZ"
format = "slack"
)toml");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(config_.webhooks.size(), 2u);
  const WebhookSpec& first = config_.webhooks[0];
  EXPECT_EQ(first.name, "analysts");
  EXPECT_EQ(first.url, "https://hooks.example.com/policyd?team=1");
  EXPECT_EQ(first.secret, kSecret);
  EXPECT_TRUE(first.secret_file.empty());
  EXPECT_EQ(first.platforms, (std::vector<std::string>{"Coursera", "tinder"}));
  EXPECT_EQ(first.doc_types, (std::vector<std::string>{"Privacy Policy"}));
  EXPECT_EQ(first.events, (std::vector<std::string>{"document.changed", "document.first_seen"}));
  EXPECT_EQ(first.classes, (std::vector<std::string>{"substantive"}));
  EXPECT_EQ(first.format, WebhookFormat::kJson);
  EXPECT_EQ(first.start, WebhookStart::kBeginning);
  EXPECT_EQ(first.max_attempts, 20);
  EXPECT_EQ(first.retry_min, seconds(2));
  EXPECT_EQ(first.retry_max, std::chrono::hours(1));
  EXPECT_EQ(first.timeout, seconds(15));
  EXPECT_EQ(first.line, 3u);

  const WebhookSpec& chat = config_.webhooks[1];
  EXPECT_EQ(chat.format, WebhookFormat::kSlack);
  EXPECT_TRUE(chat.secret.empty());  // a chat tool's URL is its credential
  EXPECT_EQ(chat.start, WebhookStart::kEnd);
  EXPECT_EQ(chat.max_attempts, 0);
  EXPECT_EQ(chat.retry_min, seconds(1));
  EXPECT_EQ(chat.retry_max, minutes(10));
  EXPECT_EQ(chat.timeout, seconds(30));
}

TEST_F(WebhookConfigTest, SecretFromAFileReadableByItsOwnerOnly) {
  const auto secret = scratch_.Write("etc/hook.secret", std::string(kSecret) + "\n");
  ASSERT_EQ(::chmod(secret.c_str(), 0600), 0);
  const Status status = Load(
      "[[webhooks]]\nname = \"ops\"\nurl = \"https://h.example.com/\"\n"
      "secret_file = \"hook.secret\"\n");
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(config_.webhooks[0].secret, kSecret);      // the final newline removed
  EXPECT_EQ(config_.webhooks[0].secret_file, secret);  // relative to the config file
}

TEST_F(WebhookConfigTest, SecretFileReadableByOthersIsRefused) {
  const auto secret = scratch_.Write("etc/hook.secret", kSecret);
  ASSERT_EQ(::chmod(secret.c_str(), 0644), 0);
  const Status status = Load(
      "[[webhooks]]\nname = \"ops\"\nurl = \"https://h.example.com/\"\n"
      "secret_file = \"hook.secret\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(4)));
  EXPECT_THAT(status.message(), HasSubstr("mode 0644"));
  EXPECT_THAT(status.message(), HasSubstr("chmod 600"));
  EXPECT_THAT(status.message(), Not(HasSubstr(kSecret)));
}

TEST_F(WebhookConfigTest, MissingSecretFileIsNamed) {
  const Status status = Load(
      "[[webhooks]]\nname = \"ops\"\nurl = \"https://h.example.com/\"\n"
      "secret_file = \"/nonexistent/hook.secret\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(4)));
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/hook.secret: cannot read"));
}

TEST_F(WebhookConfigTest, BothSecretAndSecretFileIsAnError) {
  const Status status = Load(Hook("secret_file = \"x\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("not both"));
}

TEST_F(WebhookConfigTest, JsonFormatNeedsASecret) {
  const Status status = Load("\n[[webhooks]]\nname = \"ops\"\nurl = \"https://h.example.com/\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("has no 'secret' or 'secret_file'"));
}

TEST_F(WebhookConfigTest, ShortSecretIsRefusedWithoutShowingIt) {
  const Status status = Load(
      "[[webhooks]]\nname = \"ops\"\nurl = \"https://h.example.com/\"\nsecret = \"hunter2\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(4)));
  EXPECT_THAT(status.message(), HasSubstr("16 to 1024 bytes, not 7"));
  EXPECT_THAT(status.message(), Not(HasSubstr("hunter2")));
}

TEST_F(WebhookConfigTest, MissingNameAndUrl) {
  EXPECT_THAT(
      Load("[[webhooks]]\nurl = \"https://h.example.com/\"\nformat = \"slack\"\n").message(),
      HasSubstr("webhook has no 'name'"));
  EXPECT_THAT(Load("[[webhooks]]\nname = \"x\"\nformat = \"slack\"\n").message(),
              HasSubstr("webhook has no 'url'"));
}

TEST_F(WebhookConfigTest, NameMustBeLowerCaseLettersDigitsAndDashes) {
  const Status status = Load(
      "[[webhooks]]\nname = \"Ops Team\"\nurl = \"https://h.example.com/\"\nformat = \"slack\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(2)));
  EXPECT_THAT(status.message(), HasSubstr("a-z, 0-9 and '-'"));
}

TEST_F(WebhookConfigTest, DuplicateNamesPointAtTheFirst) {
  const Status status = Load(Hook() + "\n" + Hook());
  EXPECT_THAT(status.message(), StartsWith(At(6)));
  EXPECT_THAT(status.message(), HasSubstr("duplicate webhook name 'ops' (first defined at " +
                                          path_.string() + ":1:"));
}

TEST_F(WebhookConfigTest, UrlMustBeHttpOrHttps) {
  const Status status = Load(Hook("", "ftp://h.example.com/"));
  EXPECT_THAT(status.message(), StartsWith(At(3)));
  EXPECT_THAT(status.message(), HasSubstr("only http and https"));
}

TEST_F(WebhookConfigTest, PrivateAddressRefusedUnlessAllowed) {
  for (const std::string url :
       {"http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://10.1.2.3/hook",
        "http://localhost:9000/", "http://169.254.169.254/latest",
        // The other spellings of loopback that curl resolves as one (inet_aton's forms), and
        // a fully qualified localhost.
        "http://2130706433:8080/", "http://0x7f.1/", "http://127.1/", "http://0/",
        "http://LOCALHOST.:9000/"}) {
    const Status status = Load(Hook("", url));
    EXPECT_THAT(status.message(), StartsWith(At(3))) << url;
    EXPECT_THAT(status.message(), HasSubstr("loopback or private address")) << url;
    EXPECT_THAT(status.message(), HasSubstr("allow_private_addresses")) << url;
  }
  EXPECT_TRUE(Load("allow_private_addresses = true\n" + Hook("", "http://127.0.0.1:8080/")).ok());
  EXPECT_TRUE(Load("allowed_addresses = [\"10.1.2.3\"]\n" + Hook("", "http://10.1.2.3/hook")).ok());
  // allowed_addresses with a port admits that port only.
  EXPECT_FALSE(
      Load("allowed_addresses = [\"10.1.2.3:443\"]\n" + Hook("", "http://10.1.2.3/hook")).ok());
  // Names are judged at connection time, after DNS (WebhookClient).
  EXPECT_TRUE(Load(Hook("", "https://hooks.example.com/x")).ok());
}

TEST_F(WebhookConfigTest, UnknownKeyHasADidYouMean) {
  const Status status = Load(Hook("platform = \"Coursera\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("unknown key 'platform' (did you mean 'platforms'?)"));
}

TEST_F(WebhookConfigTest, UnknownEventTypeHasADidYouMean) {
  const Status status = Load(Hook("events = [\"document.changed\",\n  \"document.change\"]\n"));
  EXPECT_THAT(status.message(), StartsWith(At(6)));
  EXPECT_THAT(status.message(), HasSubstr("unknown event type 'document.change' in 'events' "
                                          "(did you mean 'document.changed'?)"));
}

TEST_F(WebhookConfigTest, UnknownChangeClassHasADidYouMean) {
  const Status status = Load(Hook("classes = \"substantial\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("(did you mean 'substantive'?)"));
  EXPECT_THAT(status.message(), HasSubstr("substantive, cosmetic, formatting, reorder"));
}

TEST_F(WebhookConfigTest, UnknownFormatAndStart) {
  Status status = Load(Hook("format = \"slak\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("'format' must be one of json, slack, discord, matrix, "
                                          "not 'slak' (did you mean 'slack'?)"));
  // A chat webhook needs no secret: its misspelt format is what is wrong, not a missing secret.
  status = Load(
      "[[webhooks]]\nname = \"chat\"\nurl = \"https://hooks.example.com/x\"\n"
      "format = \"slak\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(4)));
  EXPECT_THAT(status.message(), HasSubstr("(did you mean 'slack'?)"));
  EXPECT_THAT(status.message(), Not(HasSubstr("secret")));
  status = Load(Hook("start = \"begining\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("(did you mean 'beginning'?)"));
}

TEST_F(WebhookConfigTest, RetryBounds) {
  Status status = Load(Hook("retry_min = \"10ms\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("'retry_min' must be between"));
  status = Load(Hook("retry_min = \"2m\"\nretry_max = \"1m\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  EXPECT_THAT(status.message(), HasSubstr("must not be longer than 'retry_max'"));
  status = Load(Hook("max_attempts = -1\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
  status = Load(Hook("timeout = \"0s\"\n"));
  EXPECT_THAT(status.message(), StartsWith(At(5)));
}

TEST_F(WebhookConfigTest, WebhooksMustBeAnArrayOfTables) {
  Status status = Load("webhooks = \"https://h.example.com/\"\n");
  EXPECT_THAT(status.message(), StartsWith(At(1)));
  EXPECT_THAT(status.message(), HasSubstr("array of tables ([[webhooks]])"));
  status = Load("webhooks = [1]\n");
  EXPECT_THAT(status.message(), HasSubstr("'webhooks' entries must be tables"));
}

TEST_F(WebhookConfigTest, AtMostThirtyTwoWebhooks) {
  std::string toml;
  for (int i = 0; i < 33; ++i) {
    toml += "[[webhooks]]\nname = \"w" + std::to_string(i) +
            "\"\nurl = \"https://h.example.com/\"\nformat = \"slack\"\n";
  }
  EXPECT_THAT(Load(toml).message(), HasSubstr("at most 32 [[webhooks]]"));
}

TEST_F(WebhookConfigTest, FormatNamesRoundTrip) {
  for (const WebhookFormat format : {WebhookFormat::kJson, WebhookFormat::kSlack,
                                     WebhookFormat::kDiscord, WebhookFormat::kMatrix}) {
    EXPECT_EQ(ParseWebhookFormat(WebhookFormatName(format)), format);
  }
  EXPECT_EQ(ParseWebhookFormat("teams"), std::nullopt);
}

}  // namespace
}  // namespace policyd
