// Issue 17 items 4 and 5 through the real policyctl: one command table behind its help, its
// "did you mean" hints (commands, options, document ids asked from the running daemon), and
// what it links.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "support/temp_dir.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

class PolicyctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Set("/p", {.status = 200,
                       .headers = {{"Content-Type", "text/html"}},
                       .body = "<main><h1>Policy</h1><p>We keep nothing at all.</p></main>"});
    harness_.WriteTarget("acme", TargetFile("Acme", {{"Privacy Policy", server_.Url("/p")},
                                                     {"Terms of Service", server_.Url("/p")}}));
    harness_.WriteTarget("globex", TargetFile("Globex", {{"Privacy Policy", server_.Url("/p")},
                                                         {"Terms of Service", server_.Url("/p")}}));
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

// Arguments reach the daemon as JSON, which holds UTF-8 text only: one that is not (a Latin-1
// terminal's "Café") is a usage error naming it, not an abort of policyctl.
TEST_F(PolicyctlTest, AnArgumentThatIsNotUtf8IsAUsageError) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"show", "acme/\xff"},
        std::vector<std::string>{"add", "--platform", "Caf\xe9", "--type", "Privacy Policy",
                                 "--url", server_.Url("/p")}}) {
    const CommandResult result = harness_.Policyctl(args);
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find("is not UTF-8 text"), std::string::npos) << result.err;
  }
  // Nothing was added, and the daemon answers as before.
  const CommandResult list = harness_.Policyctl({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find("Caf"), std::string::npos) << list.out;
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

// A Unix socket listening at `path` (-1 on failure): a stand-in for the daemon's.
int ListenAt(const std::string& path) {
  const int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  if (listener < 0) return -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0 ||
      ::listen(listener, 4) != 0) {
    ::close(listener);
    return -1;
  }
  return listener;  // connections wait in the backlog until accepted
}

// A socket that takes the request and never answers (a daemon busy with a long verify, or
// stopped with SIGSTOP): the message says so and how to wait longer, not "busy: timed out",
// which reads like the daemon's own refusal.
TEST(PolicyctlTimeoutTest, NoAnswerInTimeNamesTheSocketAndTheOption) {
  TempDir dir;
  const std::string path = (dir.path() / "silent.sock").string();
  const int listener = ListenAt(path);  // connections wait in the backlog, never answered
  ASSERT_GE(listener, 0);
  const CommandResult result =
      RunCommand({POLICYCTL_BIN, "--socket", path, "--timeout", "1s", "status"});
  ::close(listener);
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("no answer from policyd on " + path + " within 1s"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("--timeout"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("busy"), std::string::npos) << result.err;
}

// The daemon writes a backup in its own view of the file system. Under the systemd unit its
// /tmp is private (PrivateTmp=yes) and goes when the service stops, so a backup the daemon
// reports into a directory policyctl cannot see is no backup the operator has: policyctl
// says so and exits 1 instead of printing "written to". (A one-shot stand-in for the daemon
// answers with such a directory; policyctl used to print success and exit 0.)
TEST(PolicyctlBackupTest, ABackupPolicyctlCannotSeeIsAFailure) {
  TempDir dir;
  const std::string path = (dir.path() / "control.sock").string();
  const int listener = ListenAt(path);
  ASSERT_GE(listener, 0);
  const std::filesystem::path elsewhere = dir.path() / "private-tmp" / "backup";
  std::string request;
  std::thread daemon([&] {
    const int client = ::accept(listener, nullptr, nullptr);
    if (client < 0) return;
    char byte = 0;
    while (::read(client, &byte, 1) == 1 && byte != '\n') request.push_back(byte);
    const nlohmann::json answer = {
        {"id", 1},
        {"ok", true},
        {"result",
         {{"last_seq", 7}, {"db", (elsewhere / "db").string()}, {"dir", elsewhere.string()}}}};
    const std::string line = answer.dump() + "\n";
    EXPECT_EQ(::write(client, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    ::close(client);
  });
  const CommandResult result = RunCommand(
      {POLICYCTL_BIN, "--socket", path, "--timeout", "10s", "backup", elsewhere.string()});
  daemon.join();
  ::close(listener);
  EXPECT_EQ(nlohmann::json::parse(request)["cmd"], "backup") << request;
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.out.find("written to"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find((elsewhere / "db").string() + " is not there"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("PrivateTmp"), std::string::npos) << result.err;
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

// ---------------------------------------------------------------------------------------
// Item 3: the policyctl(1) man page and the help say the same.

// What a help text or a man page documents: the commands, the global options, and each
// command's own options.
struct Documented {
  std::set<std::string> commands;
  std::set<std::string> global_options;
  std::map<std::string, std::set<std::string>> command_options;
};

// The option names ("-h", "--help") at the start of a line like "  -h, --help   print ...".
std::set<std::string> OptionNamesAt(const std::string& line) {
  std::set<std::string> names;
  std::istringstream words(line);
  for (std::string word; words >> word;) {
    if (word.back() == ',') word.pop_back();
    if (!word.starts_with("-")) break;
    names.insert(word);
    if (line.find(word + ",") == std::string::npos) break;  // no second spelling follows
  }
  return names;
}

// The lines of `text` under the heading line `heading`, up to the next blank line.
std::vector<std::string> Section(const std::string& text, const std::string& heading) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (inside && line.empty()) break;
    if (inside) lines.push_back(line);
    if (line == heading) inside = true;
  }
  return lines;
}

// `policyctl --help`, then `policyctl help CMD` for each command it lists.
Documented FromHelp() {
  Documented documented;
  const CommandResult overall = RunCommand({POLICYCTL_BIN, "--help"});
  EXPECT_EQ(overall.exit_code, 0);
  for (const std::string& line : Section(overall.out, "Commands:")) {
    // "  diff DOC [A [B]] [--word]   summary": a command; deeper lines continue one.
    if (line.size() > 2 && line.starts_with("  ") && line[2] != ' ') {
      documented.commands.insert(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  for (const std::string& line : Section(overall.out, "Options:")) {
    if (line.starts_with("  -")) documented.global_options.merge(OptionNamesAt(line));
  }
  for (const std::string& command : documented.commands) {
    const CommandResult help = RunCommand({POLICYCTL_BIN, "help", command});
    EXPECT_EQ(help.exit_code, 0) << command;
    auto& options = documented.command_options[command];
    for (const std::string& line : Section(help.out, "Options:")) {
      if (line.starts_with("  -")) options.merge(OptionNamesAt(line));
    }
  }
  return documented;
}

// The scdoc source of the man page: "*diff* _DOC_ ..." lines under COMMANDS, their options on
// lines indented once ("\t*--word*"), and "*--config* _FILE_" lines under GLOBAL OPTIONS.
Documented FromManPage(const std::string& scdoc) {
  Documented documented;
  std::istringstream in(scdoc);
  std::string section;
  std::string command;
  const auto bold_words = [](const std::string& line) {
    std::set<std::string> words;
    for (std::size_t start = line.find('*'); start != std::string::npos;) {
      const std::size_t end = line.find('*', start + 1);
      if (end == std::string::npos) break;
      words.insert(line.substr(start + 1, end - start - 1));
      start = line.find('*', end + 1);
    }
    return words;
  };
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# ")) {
      section = line.substr(2);
      continue;
    }
    if (section == "COMMANDS" && line.starts_with("*")) {
      command = line.substr(1, line.find('*', 1) - 1);
      documented.commands.insert(command);
      documented.command_options[command];
    } else if (section == "COMMANDS" && line.starts_with("\t*-")) {
      const std::string term = line.substr(1);
      documented.command_options[command].insert(*bold_words(term).begin());
    } else if (section == "GLOBAL OPTIONS" && line.starts_with("*-")) {
      for (std::string word : bold_words(line)) {
        if (word.starts_with("-")) documented.global_options.insert(word);
      }
    }
  }
  return documented;
}

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(PolicyctlManPageTest, DocumentsExactlyWhatTheHelpDoes) {
  const std::string scdoc = ReadWhole(MAN_SCDOC);
  ASSERT_FALSE(scdoc.empty()) << MAN_SCDOC;
  // The build made it with this policyctl.
  EXPECT_TRUE(scdoc == RunCommand({POLICYCTL_BIN, "__man"}).out) << MAN_SCDOC << " is stale";
  const Documented help = FromHelp();
  const Documented man = FromManPage(scdoc);
  EXPECT_GE(help.commands.size(), 18u);
  EXPECT_TRUE(help.commands.count("segments"));
  EXPECT_TRUE(help.global_options.count("--json") && help.global_options.count("-h"));
  EXPECT_EQ(help.command_options.at("extract"),
            (std::set<std::string>{"--select", "--remove", "--content-type", "--hash", "--doc",
                                   "--state-dir"}));
  EXPECT_EQ(man.commands, help.commands);
  EXPECT_EQ(man.global_options, help.global_options);
  EXPECT_EQ(man.command_options, help.command_options);
  for (const char* section :
       {"# NAME", "# SYNOPSIS", "# DESCRIPTION", "# COMMANDS", "# GLOBAL OPTIONS", "# EXIT STATUS",
        "# ENVIRONMENT", "# FILES", "# EXAMPLES", "# SEE ALSO"}) {
    EXPECT_NE(scdoc.find(std::string("\n") + section + "\n"), std::string::npos) << section;
  }
  EXPECT_NE(scdoc.find("*policyd*(8), *policyd.toml*(5)"), std::string::npos);
}

TEST(PolicyctlManPageTest, TheScdocSourceBuildsIntoACleanManPage) {
  const std::string scdoc = ReadWhole(MAN_SCDOC);
  ASSERT_FALSE(scdoc.empty());
  const auto dir =
      std::filesystem::temp_directory_path() / ("policyctl-man-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const CommandResult built =
      RunCommand({"/bin/sh", "-c",
                  std::string(SCDOC_BIN) + " < " + MAN_SCDOC + " > " + (dir / "p.1").string()});
  EXPECT_EQ(built.exit_code, 0) << built.err;
  EXPECT_EQ(built.err, "");
  const std::string roff = ReadWhole((dir / "p.1").string());
  EXPECT_NE(roff.find(".TH \"policyctl\" \"1\""), std::string::npos) << roff.substr(0, 300);
  EXPECT_EQ(roff, ReadWhole(MAN_PAGE));  // what the build installs
  // groff finds nothing to warn about (bad escapes, unknown macros, lines it cannot fill).
  if (!std::string(GROFF_BIN).empty()) {
    const CommandResult lint = RunCommand({GROFF_BIN, "-man", "-ww", "-z", (dir / "p.1").string()});
    EXPECT_EQ(lint.exit_code, 0);
    EXPECT_EQ(lint.err, "");
  }
  std::filesystem::remove_all(dir);
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
