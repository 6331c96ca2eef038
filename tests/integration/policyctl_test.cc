// Issue 17 items 4 and 5 through the real policyctl: one command table behind its help, its
// "did you mean" hints (commands, options, document ids asked from the running daemon), and
// what it links.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

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

// ---------------------------------------------------------------------------------------
// Item 5: completion. The scripts the build generated (build/completions/), run by the shells.

const std::string kCompletions = COMPLETIONS_DIR;

// The words bash completes for `line` (the cursor at its end): the script is sourced and its
// function called as bash's programmable completion would (COMP_WORDS split the bash way:
// at spaces and at "=").
std::set<std::string> BashCompletes(const std::vector<std::string>& words) {
  std::string snippet = "source " + kCompletions + "/policyctl\nCOMP_WORDS=(" POLICYCTL_BIN;
  for (std::size_t i = 1; i < words.size(); ++i) snippet += " '" + words[i] + "'";
  snippet += ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
             "\n_policyctl\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
  const CommandResult result = RunCommand({BASH_BIN, "--norc", "-c", snippet});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> completions;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) completions.insert(line);
  }
  return completions;
}

// The words fish completes for `line` (`complete -C`), without their descriptions; policyctl
// is found on the PATH as a user's shell finds it.
std::set<std::string> FishCompletes(const std::string& line) {
  const std::string bin_dir = std::filesystem::path(POLICYCTL_BIN).parent_path().string();
  const CommandResult result =
      RunCommand({FISH_BIN, "--no-config", "-c",
                  "set -x PATH " + bin_dir + " $PATH; source " + kCompletions +
                      "/policyctl.fish; complete -C '" + line + "'"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> completions;
  std::istringstream lines(result.out);
  for (std::string entry; std::getline(lines, entry);) {
    completions.insert(entry.substr(0, entry.find('\t')));
  }
  return completions;
}

TEST_F(PolicyctlTest, BashCompletesCommandsOptionsValuesAndTheDaemonsIds) {
  if (std::string(BASH_BIN).empty()) GTEST_SKIP() << "bash is not installed";
  const std::string config = harness_.config_path().string();
  EXPECT_EQ(BashCompletes({"policyctl", "seg"}), std::set<std::string>{"segments"});
  EXPECT_TRUE(BashCompletes({"policyctl", "events", "--s"}).count("--since"));
  EXPECT_FALSE(BashCompletes({"policyctl", "events", "--s"}).count("--select"));  // extract's
  EXPECT_EQ(BashCompletes({"policyctl", "--color", "a"}),
            (std::set<std::string>{"always", "auto"}));
  // --color=a: bash splits the word at "=", the script completes the value.
  EXPECT_EQ(BashCompletes({"policyctl", "--color", "=", "n"}), std::set<std::string>{"never"});
  EXPECT_EQ(BashCompletes({"policyctl", "completion", ""}),
            (std::set<std::string>{"bash", "fish", "zsh"}));
  EXPECT_TRUE(BashCompletes({"policyctl", "help", "o"}).count("offsets"));
  EXPECT_TRUE(BashCompletes({"policyctl", "__"}).empty());  // hidden commands stay hidden
  // An option that does not repeat is not offered again; one that repeats is.
  EXPECT_TRUE(BashCompletes({"policyctl", "diff", "--word", "--w"}).empty());
  EXPECT_EQ(BashCompletes({"policyctl", "add", "--select", "main", "--sel"}),
            std::set<std::string>{"--select"});
  // Document ids come from the daemon the command line names.
  const std::set<std::string> ids = {"acme/privacy-policy", "acme/terms-of-service",
                                     "globex/privacy-policy", "globex/terms-of-service"};
  EXPECT_EQ(BashCompletes({"policyctl", "--config", config, "show", ""}), ids);
  EXPECT_EQ(BashCompletes({"policyctl", "--config", "=", config, "history", "gl"}),
            (std::set<std::string>{"globex/privacy-policy", "globex/terms-of-service"}));
  EXPECT_EQ(BashCompletes({"policyctl", "--config", config, "extract", "--doc", "acme/t"}),
            std::set<std::string>{"acme/terms-of-service"});
  // The second argument of diff is a version, not a document.
  EXPECT_TRUE(
      BashCompletes({"policyctl", "--config", config, "diff", "acme/privacy-policy", ""}).empty());
  // No daemon there: nothing, and no error on the terminal.
  EXPECT_TRUE(BashCompletes({"policyctl", "--socket", "/nonexistent.sock", "show", ""}).empty());
}

TEST_F(PolicyctlTest, FishCompletesCommandsOptionsAndTheDaemonsIds) {
  if (std::string(FISH_BIN).empty()) GTEST_SKIP() << "fish is not installed";
  EXPECT_EQ(FishCompletes("policyctl seg"), std::set<std::string>{"segments"});
  EXPECT_TRUE(FishCompletes("policyctl events --s").count("--since"));
  EXPECT_FALSE(FishCompletes("policyctl events --s").count("--select"));
  EXPECT_TRUE(FishCompletes("policyctl __").empty());
  EXPECT_EQ(FishCompletes("policyctl --color a"), (std::set<std::string>{"always", "auto"}));
  const std::string config = harness_.config_path().string();
  EXPECT_EQ(FishCompletes("policyctl --config " + config + " remove glo"),
            (std::set<std::string>{"globex/privacy-policy", "globex/terms-of-service"}));
  EXPECT_EQ(FishCompletes("policyctl --config " + config + " extract --doc acme/p"),
            std::set<std::string>{"acme/privacy-policy"});
}

// zsh's completion system runs only inside its line editor; here its builtins and helpers
// (compadd, _describe, _files, compset, compdef) are stood in for by functions that print the
// candidates they are given, unfiltered, so what is checked is the script's own reading of
// the command line: which list it offers, and the ids it asks the daemon for.
std::set<std::string> ZshOffers(const std::vector<std::string>& words) {
  std::string snippet = R"zsh(
compadd() {
  local -a offered
  while (($#)); do
    case $1 in
      -a) shift; offered+=(${(P)1}) ;;
      --) shift; offered+=("$@"); break ;;
      -*) ;;
      *) offered+=($1) ;;
    esac
    shift
  done
  print -l -- $offered
}
_describe() { local -a items; items=(${(P)${@[-1]}}); print -l -- ${items%%:*} }
_files() { print -- '<files>' }
compset() { : }
compdef() { : }
)zsh";
  snippet += "source " + kCompletions + "/_policyctl\nwords=(" POLICYCTL_BIN;
  for (std::size_t i = 1; i < words.size(); ++i) snippet += " '" + words[i] + "'";
  snippet += ")\nCURRENT=" + std::to_string(words.size()) + "\n_policyctl\n";
  const CommandResult result = RunCommand({ZSH_BIN, "-f", "-c", snippet});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err, "");
  std::set<std::string> offered;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) offered.insert(line);
  }
  return offered;
}

TEST_F(PolicyctlTest, ZshOffersCommandsOptionsValuesAndTheDaemonsIds) {
  if (std::string(ZSH_BIN).empty()) GTEST_SKIP() << "zsh is not installed";
  const std::set<std::string> commands = ZshOffers({"policyctl", "seg"});
  EXPECT_TRUE(commands.count("segments"));
  EXPECT_TRUE(commands.count("status"));
  EXPECT_FALSE(commands.count("__complete-ids"));
  const std::set<std::string> options = ZshOffers({"policyctl", "events", "--s"});
  EXPECT_TRUE(options.count("--since"));
  EXPECT_TRUE(options.count("--json"));
  EXPECT_FALSE(options.count("--select"));
  EXPECT_EQ(ZshOffers({"policyctl", "--color", ""}),
            (std::set<std::string>{"auto", "always", "never"}));
  EXPECT_EQ(ZshOffers({"policyctl", "export", ""}), std::set<std::string>{"<files>"});
  const std::string config = harness_.config_path().string();
  EXPECT_EQ(ZshOffers({"policyctl", "--config", config, "check", ""}),
            (std::set<std::string>{"acme/privacy-policy", "acme/terms-of-service",
                                   "globex/privacy-policy", "globex/terms-of-service"}));
  EXPECT_EQ(ZshOffers({"policyctl", "--config=" + config, "extract", "--doc", ""}).size(), 4u);
}

TEST(PolicyctlCompletionTest, IdsAreSilentAndSucceedWithoutADaemon) {
  const CommandResult result =
      RunCommand({POLICYCTL_BIN, "--socket", "/nonexistent.sock", "__complete-ids"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "");
  const CommandResult bad_config =
      RunCommand({POLICYCTL_BIN, "--config", "/nonexistent.toml", "__complete-ids"});
  EXPECT_EQ(bad_config.exit_code, 0);
  EXPECT_EQ(bad_config.out + bad_config.err, "");
}

TEST(PolicyctlCompletionTest, TheBuiltScriptsAreTheCommandsOutput) {
  for (const auto& [shell, file] : std::vector<std::pair<std::string, std::string>>{
           {"bash", "policyctl"}, {"zsh", "_policyctl"}, {"fish", "policyctl.fish"}}) {
    const CommandResult printed = RunCommand({POLICYCTL_BIN, "completion", shell});
    EXPECT_EQ(printed.exit_code, 0) << shell;
    std::ifstream in(kCompletions + "/" + file);
    const std::string built((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(printed.out, built) << shell;
    EXPECT_NE(built.find("segments"), std::string::npos) << shell;
  }
  const CommandResult unknown = RunCommand({POLICYCTL_BIN, "completion", "bsh"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("(did you mean 'bash'?)"), std::string::npos) << unknown.err;
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
