// Issue 17 items 4 and 5 through the real policyctl: one command table behind its help, its
// "did you mean" hints (commands, options, document ids asked from the running daemon), and
// what it links.
#include <gtest/gtest.h>

#include <fstream>

#include "daemon_harness.h"
#include "support/http_test_server.h"

namespace policyd::testing {
namespace {

std::string Target(const std::string& platform, const std::string& url) {
  return "name = \"" + platform + "\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" + url +
         "\"\n[[documents]]\ntype = \"Terms of Service\"\nurl = \"" + url + "\"\n";
}

class PolicyctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Set("/p", {.status = 200,
                       .headers = {{"Content-Type", "text/html"}},
                       .body = "<main><h1>Policy</h1><p>We keep nothing at all.</p></main>"});
    harness_.WriteTarget("acme", Target("Acme", server_.Url("/p")));
    harness_.WriteTarget("globex", Target("Globex", server_.Url("/p")));
    ASSERT_TRUE(harness_.Start()) << harness_.log();
  }

  HttpTestServer server_;
  DaemonHarness harness_;
};

TEST_F(PolicyctlTest, AnUnknownDocumentSuggestsTheClosestIds) {
  const CommandResult typo = harness_.Policyctl({"show", "acme/privacy-polcy"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_NE(typo.err.find("not_found"), std::string::npos) << typo.err;
  EXPECT_NE(typo.err.find("policyctl: did you mean 'acme/privacy-policy'?\n"), std::string::npos)
      << typo.err;
  // A part of an id finds the documents that contain it.
  const CommandResult part = harness_.Policyctl({"history", "globex"});
  EXPECT_EQ(part.exit_code, 1);
  EXPECT_NE(part.err.find("did you mean 'globex/privacy-policy' or 'globex/terms-of-service'?"),
            std::string::npos)
      << part.err;
  // Nothing alike: the refusal alone.
  const CommandResult far = harness_.Policyctl({"check", "zzz/qqq"});
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_EQ(far.err.find("did you mean"), std::string::npos) << far.err;
  // --json keeps stdout the daemon's response and adds nothing.
  const CommandResult json = harness_.Policyctl({"--json", "show", "acme/privacy-polcy"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(json.err.find("did you mean"), std::string::npos) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["error"]["code"], "not_found");
}

TEST_F(PolicyctlTest, ExtractDocSuggestsFromTheTargets) {
  const auto page = harness_.dir() / "page.html";
  std::ofstream(page) << "<main><p>Some text here.</p></main>";
  const CommandResult result =
      harness_.Policyctl({"extract", "--doc", "acme/terms-of-servic", page.string()});
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_NE(result.err.find("(did you mean 'acme/terms-of-service'?)"), std::string::npos)
      << result.err;
}

TEST(PolicyctlHelpTest, EveryCommandHasItsHelpThreeWays) {
  const CommandResult overall = RunCommand({POLICYCTL_BIN, "--help"});
  ASSERT_EQ(overall.exit_code, 0);
  EXPECT_EQ(RunCommand({POLICYCTL_BIN, "help"}).out, overall.out);
  for (const char* command : {"status", "diff", "extract", "add", "events", "help"}) {
    const CommandResult help = RunCommand({POLICYCTL_BIN, "help", command});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_TRUE(help.out.starts_with(std::string("usage: policyctl [OPTIONS] ") + command))
        << help.out;
    EXPECT_EQ(RunCommand({POLICYCTL_BIN, command, "--help"}).out, help.out) << command;
    EXPECT_EQ(RunCommand({POLICYCTL_BIN, "-h", command}).out, help.out) << command;
  }
  const CommandResult unknown = RunCommand({POLICYCTL_BIN, "help", "dif"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no command 'dif' (did you mean 'diff'?)"), std::string::npos)
      << unknown.err;
}

TEST(PolicyctlHelpTest, UsageErrorsNameTheCommandAndTheClosestNames) {
  const CommandResult command = RunCommand({POLICYCTL_BIN, "segmnets", "acme/privacy-policy"});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_EQ(command.err,
            "policyctl: unknown command 'segmnets' (did you mean 'segments'?)\n"
            "(see policyctl --help)\n");
  const CommandResult option = RunCommand({POLICYCTL_BIN, "events", "--sinse", "3"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err,
            "policyctl: unknown option '--sinse' for events (did you mean '--since'?)\n"
            "(see policyctl help events)\n");
  const CommandResult elsewhere = RunCommand({POLICYCTL_BIN, "history", "acme/x", "--word"});
  EXPECT_EQ(elsewhere.exit_code, 2);
  EXPECT_EQ(elsewhere.err,
            "policyctl: history does not take --word (an option of diff)\n"
            "(see policyctl help history)\n");
}

// Item 4: policyctl links only what it needs. Its ELF needs no HTTP stack, database, logging
// or systemd library, and none of their code (nor Asio's) is linked in statically.
TEST(PolicyctlLinkTest, NeitherRocksDbCurlAsioSpdlogNorSystemd) {
  const CommandResult dynamic = RunCommand({READELF_BIN, "-d", POLICYCTL_BIN});
  ASSERT_EQ(dynamic.exit_code, 0) << dynamic.err;
  ASSERT_NE(dynamic.out.find("(NEEDED)"), std::string::npos) << dynamic.out;
  for (const char* library : {"librocksdb", "libcurl", "libspdlog", "libsystemd", "libfmt"}) {
    EXPECT_EQ(dynamic.out.find(library), std::string::npos) << library << "\n" << dynamic.out;
  }
  const CommandResult symbols = RunCommand({NM_BIN, "-C", POLICYCTL_BIN});
  ASSERT_EQ(symbols.exit_code, 0) << symbols.err;
  ASSERT_NE(symbols.out.find("policyd::ctl::ParseCommandLine"), std::string::npos);
  for (const char* code : {"boost::asio", "rocksdb::", "spdlog::", " curl_", "sd_notify"}) {
    EXPECT_EQ(symbols.out.find(code), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace policyd::testing
