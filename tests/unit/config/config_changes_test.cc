// ChangedConfigKeys: what a reload tells the operator waits for a restart.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policyd/config.h"

namespace policyd {
namespace {

using Keys = std::vector<std::string>;

Keys Changed(const std::string& before, const std::string& after) {
  auto keys = ChangedConfigKeys(before, after);
  EXPECT_TRUE(keys.ok()) << keys.status().ToString();
  return keys.ok() ? *keys : Keys{"(error)"};
}

TEST(ChangedConfigKeys, NamesEachChangedAddedOrRemovedKeyOnce) {
  const std::string before =
      "state_dir = \"/var/lib/policyd\"\ntargets_dir = \"targets\"\nlog_level = \"info\"\n"
      "[nats]\nurls = [\"nats://a:4222\"]\nstream = \"POLICYD\"\n"
      "[[webhooks]]\nurl = \"https://hooks.example/a\"\n";
  EXPECT_EQ(Changed(before, before), Keys{});
  // Comments, spacing and order do not count.
  EXPECT_EQ(Changed(before,
                    "# the daemon\nlog_level = \"info\"\ntargets_dir = \"targets\"\n"
                    "state_dir = \"/var/lib/policyd\"\n[nats]\nstream = \"POLICYD\"\n"
                    "urls = [ \"nats://a:4222\" ]\n[[webhooks]]\n"
                    "url = \"https://hooks.example/a\"\n"),
            Keys{});
  EXPECT_EQ(Changed(before,
                    "state_dir = \"/var/lib/policyd\"\ntargets_dir = \"new\"\n"
                    "log_level = \"debug\"\ndefault_interval = \"1h\"\n"
                    "[nats]\nurls = [\"nats://b:4222\"]\nstream = \"POLICYD\"\n"
                    "[[webhooks]]\nurl = \"https://hooks.example/b\"\n"),
            (Keys{"default_interval", "log_level", "nats.urls", "targets_dir", "webhooks"}));
  // A table removed is named, as is a key that left it.
  EXPECT_EQ(Changed(before,
                    "state_dir = \"/var/lib/policyd\"\ntargets_dir = \"targets\"\n"
                    "log_level = \"info\"\n[[webhooks]]\nurl = \"https://hooks.example/a\"\n"),
            Keys{"nats"});
}

TEST(ChangedConfigKeys, AFileThatDoesNotParseIsAnError) {
  EXPECT_FALSE(ChangedConfigKeys("a = 1\n", "a = \n").ok());
  EXPECT_FALSE(ChangedConfigKeys("a = [\n", "a = 1\n").ok());
}

}  // namespace
}  // namespace policyd
