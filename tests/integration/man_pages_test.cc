// Issue 17 item 3: the man pages agree with the programs. policyd(8) lists exactly the
// options `policyd --help` prints (daemon/policyd_options.cc, one table for parsing and help),
// each in its SYNOPSIS too; policyd.toml(5) documents exactly the keys the config reader
// accepts (DaemonConfigKeys, ListTargetFileKeys: the lists its unknown-key check uses), and
// its examples load. The pages are the ones the build made from man/*.scd.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "daemon_harness.h"
#include "policyd/config.h"
#include "test_files.h"

namespace policyd::testing {
namespace {

const std::filesystem::path kManDir = POLICYD_MAN_DIR;

// The text of a roff line without scdoc's font changes and escapes.
std::string PlainText(std::string line) {
  static const std::vector<std::pair<std::string, std::string>> kEscapes = {
      {"\\fB", ""},    {"\\fI", ""}, {"\\fR", ""},  {"\\&", ""},   {"\\(aq", "'"},
      {"\\*(Aq", "'"}, {"\\-", "-"}, {"\\e", "\\"}, {"\\\\", "\\"}};
  for (const auto& [escape, text] : kEscapes) {
    for (size_t at = line.find(escape); at != std::string::npos;
         at = line.find(escape, at + text.size())) {
      line.replace(at, escape.size(), text);
    }
  }
  return line;
}

// A man page as scdoc writes it: the lines of each section ("OPTIONS") and subsection
// ("TARGET FILES/Documents"), in order.
class ManPage {
 public:
  explicit ManPage(const std::filesystem::path& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in.good()) << "cannot read " << path << " (is the `man` target built?)";
    std::string line;
    std::string section;
    std::string subsection;
    while (std::getline(in, line)) {
      if (line.starts_with(".SH ")) {
        section = Unquote(line.substr(4));
        subsection.clear();
      } else if (line.starts_with(".SS ")) {
        subsection = Unquote(line.substr(4));
      } else {
        lines_[section].push_back(line);
        if (!subsection.empty()) lines_[section + "/" + subsection].push_back(line);
      }
    }
  }

  const std::vector<std::string>& Lines(const std::string& section) const {
    static const std::vector<std::string> kNone;
    const auto it = lines_.find(section);
    return it == lines_.end() ? kNone : it->second;
  }

  // The terms a section defines: the plain text of each bold line that starts an entry
  // ("\fB--config\fR \fIFILE\fR" -> "--config FILE"), those matching `entry`.
  std::set<std::string> Terms(const std::string& section, const std::regex& entry) const {
    std::set<std::string> terms;
    for (const std::string& line : Lines(section)) {
      std::smatch match;
      if (line.starts_with("\\fB") && std::regex_search(line, match, entry)) {
        terms.insert(PlainText(match.str(1)));
      }
    }
    return terms;
  }

  // The code blocks (.nf ... .fi) of a section, as plain text.
  std::vector<std::string> CodeBlocks(const std::string& section) const {
    std::vector<std::string> blocks;
    bool inside = false;
    for (const std::string& line : Lines(section)) {
      if (line == ".nf") {
        inside = true;
        blocks.emplace_back();
      } else if (line == ".fi") {
        inside = false;
      } else if (inside && !line.starts_with(".RS") && !line.starts_with(".RE")) {
        blocks.back() += PlainText(line) + "\n";
      }
    }
    return blocks;
  }

 private:
  static std::string Unquote(std::string text) {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
      text = text.substr(1, text.size() - 2);
    }
    return text;
  }

  std::map<std::string, std::vector<std::string>> lines_;
};

std::set<std::string> AsSet(const std::vector<std::string>& keys) {
  return {keys.begin(), keys.end()};
}

// The members of `left` missing from `right`, as "a, b" ("" when none).
std::string Missing(const std::set<std::string>& left, const std::set<std::string>& right) {
  std::string missing;
  for (const std::string& item : left) {
    if (right.count(item) == 0) missing += (missing.empty() ? "" : ", ") + item;
  }
  return missing;
}

// Expects `page` (what a man page documents) and `code` (what the program accepts) to be the
// same set, naming what each lacks.
void ExpectSameTerms(const std::set<std::string>& code, const std::set<std::string>& page,
                     const std::string& what) {
  EXPECT_FALSE(code.empty()) << what;
  EXPECT_EQ(Missing(code, page), "") << what << ": accepted by the program, not documented";
  EXPECT_EQ(Missing(page, code), "") << what << ": documented, unknown to the program";
}

// The options of `policyd --help` ("--config FILE", "-h, --help").
std::set<std::string> HelpOptions(const std::string& help) {
  static const std::regex kOption(R"(^  (-[^ ,]+(, -[^ ]+)?( [A-Z][A-Z_]*)?)( {2,}|$))");
  std::set<std::string> options;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_search(line, match, kOption)) options.insert(match.str(1));
  }
  return options;
}

TEST(ManPagesTest, PolicydManPageListsExactlyTheOptionsOfHelp) {
  const CommandResult help = RunCommand({POLICYD_BIN, "--help"});
  ASSERT_EQ(help.exit_code, 0) << help.err;
  const std::set<std::string> from_help = HelpOptions(help.out);
  ASSERT_GE(from_help.size(), 7u) << help.out;

  const ManPage page(kManDir / "policyd.8");
  const std::set<std::string> from_page = page.Terms("OPTIONS", std::regex(R"(^(\\fB-.*?)\s*$)"));
  ExpectSameTerms(from_help, from_page, "`policyd --help` and the OPTIONS of policyd(8)");

  // Every option is in the SYNOPSIS, and the help points at the pages.
  std::string synopsis;
  for (const std::string& line : page.Lines("SYNOPSIS")) synopsis += PlainText(line) + " ";
  for (const std::string& option : from_help) {
    const std::string name =
        option.substr(option.rfind(", ") == std::string::npos ? 0 : option.rfind(", ") + 2);
    EXPECT_NE(synopsis.find(name.substr(0, name.find(' '))), std::string::npos)
        << option << " is not in the SYNOPSIS of policyd(8)";
  }
  for (const char* reference : {"policyd(8)", "policyd.toml(5)", "policyctl(1)"}) {
    EXPECT_NE(help.out.find(reference), std::string::npos) << reference;
  }
}

TEST(ManPagesTest, PolicydManPageHasTheSectionsAnOperatorLooksFor) {
  const ManPage page(kManDir / "policyd.8");
  for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS",
                              "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"}) {
    EXPECT_FALSE(page.Lines(section).empty()) << "policyd(8) has no " << section;
  }
  // The exit statuses policyd_main.cc returns.
  const std::set<std::string> statuses =
      page.Terms("EXIT STATUS", std::regex(R"(^\\fB([0-9]+)\\fR\s*$)"));
  EXPECT_EQ(statuses, (std::set<std::string>{"0", "64", "70", "78"}));
  const std::set<std::string> signals = page.Terms("SIGNALS", std::regex(R"(^(\\fBSIG.*?)\s*$)"));
  EXPECT_EQ(signals, (std::set<std::string>{"SIGHUP", "SIGTERM, SIGINT"}));
}

TEST(ManPagesTest, ConfigManPageDocumentsExactlyTheKeysTheReaderAccepts) {
  const ManPage page(kManDir / "policyd.toml.5");
  const std::regex key_entry(R"(^(\\fB[A-Za-z_]+\\fR) \()");
  ExpectSameTerms(AsSet(DaemonConfigKeys()), page.Terms("DAEMON CONFIGURATION", key_entry),
                  "daemon config keys (LoadDaemonConfig, DAEMON CONFIGURATION)");
  const TargetFileKeys target_keys = ListTargetFileKeys();
  ExpectSameTerms(AsSet(target_keys.file), page.Terms("TARGET FILES/Top level", key_entry),
                  "target file keys (TARGET FILES, Top level)");
  ExpectSameTerms(AsSet(target_keys.document), page.Terms("TARGET FILES/Documents", key_entry),
                  "[[documents]] keys (TARGET FILES, Documents)");
  ExpectSameTerms(AsSet(target_keys.range), page.Terms("TARGET FILES/Ranges", key_entry),
                  "range table keys (TARGET FILES, Ranges)");
}

TEST(ManPagesTest, ConfigManPageExamplesLoad) {
  const ManPage page(kManDir / "policyd.toml.5");
  const std::vector<std::string> examples = page.CodeBlocks("EXAMPLES");
  ASSERT_GE(examples.size(), 2u);
  ScratchDir scratch;
  DaemonConfig config;
  const Status config_status =
      LoadDaemonConfig(scratch.Write("policyd.toml", examples[0]), &config);
  EXPECT_TRUE(config_status.ok()) << config_status.ToString() << "\n" << examples[0];
  EXPECT_EQ(config.state_dir, scratch.path() / "state");
  std::vector<DocumentSpec> documents;
  const Status target_status =
      LoadTargetFile(scratch.Write("targets/example.toml", examples[1]), &documents);
  EXPECT_TRUE(target_status.ok()) << target_status.ToString() << "\n" << examples[1];
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[1].id, "example/terms-of-service");
  EXPECT_EQ(documents[1].extra_urls.size(), 1u);
  EXPECT_EQ(documents[1].remove_ranges.size(), 1u);
}

// The options table drives the parsing too: what --help lists is what policyd accepts.
TEST(PolicydCommandLineTest, UsageErrorsExit64WithTheUsage) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{POLICYD_BIN, "--bogus"},
        std::vector<std::string>{POLICYD_BIN, "--config"},
        std::vector<std::string>{POLICYD_BIN, "--log-format", "xml"},
        std::vector<std::string>{POLICYD_BIN, "--state-dir", ""},
        std::vector<std::string>{POLICYD_BIN, "--check-config", "--config", ""},
        std::vector<std::string>{POLICYD_BIN, "--state-dir", "--check-config"}}) {
    const CommandResult result = RunCommand(argv);
    EXPECT_EQ(result.exit_code, 64) << argv.back();
    EXPECT_NE(result.err.find("usage: policyd "), std::string::npos) << result.err;
  }
  EXPECT_NE(RunCommand({POLICYD_BIN, "--bogus"}).err.find("unknown argument '--bogus'"),
            std::string::npos);
  EXPECT_NE(RunCommand({POLICYD_BIN, "--state-dir"}).err.find("--state-dir needs a value"),
            std::string::npos);
  // An option in the value's place is not a path (it started a daemon on "./--check-config").
  EXPECT_NE(RunCommand({POLICYD_BIN, "--state-dir", "--check-config"})
                .err.find("--state-dir needs a value, not the option '--check-config'"),
            std::string::npos);
  // An empty path used to end in an uncaught filesystem_error (abort, status 134).
  EXPECT_NE(RunCommand({POLICYD_BIN, "--state-dir", ""}).err.find("--state-dir must not be empty"),
            std::string::npos);
  const CommandResult help = RunCommand({POLICYD_BIN, "-h"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_EQ(help.out, RunCommand({POLICYD_BIN, "--help"}).out);
  for (const std::string& line : {std::string("usage: policyd"), std::string("Options:")}) {
    EXPECT_NE(help.out.find(line), std::string::npos) << help.out;
  }
  // Every line fits a terminal of 80 columns.
  std::istringstream lines(help.out);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;
}

// `--option=value`, as policyctl takes it and as GNU programs do, was "unknown argument".
TEST(PolicydCommandLineTest, AnOptionsValueMayFollowAnEqualsSign) {
  const CommandResult level = RunCommand({POLICYD_BIN, "--log-level=chatty", "--check-config"});
  EXPECT_EQ(level.exit_code, 64);
  EXPECT_NE(level.err.find("--log-level must be trace, debug, info, warn, error, critical or off, "
                           "not 'chatty'"),
            std::string::npos)
      << level.err;
  const CommandResult missing =
      RunCommand({POLICYD_BIN, "--check-config", "--config=/nonexistent/policyd.toml"});
  EXPECT_EQ(missing.exit_code, 78) << missing.err;
  EXPECT_NE(missing.err.find("/nonexistent/policyd.toml"), std::string::npos) << missing.err;
  const CommandResult flag = RunCommand({POLICYD_BIN, "--check-config=yes"});
  EXPECT_EQ(flag.exit_code, 64);
  EXPECT_NE(flag.err.find("--check-config takes no value"), std::string::npos) << flag.err;
}

TEST(PolicydCommandLineTest, CheckConfigLoadsTheGivenConfigAndRefusesABadLogLevel) {
  ScratchDir scratch;
  scratch.Write("targets/acme.toml",
                "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"https://acme.example/p\"\n");
  const std::filesystem::path config = scratch.Write("policyd.toml", "targets_dir = \"targets\"\n");
  const CommandResult result = RunCommand(
      {POLICYD_BIN, "--check-config", "--config", config.string(), "--log-level", "error"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("OK, 1 document in "), std::string::npos) << result.out;
  // A state_dir that is a file passed, and the daemon then failed to start (exit 70).
  scratch.Write("state", "not a directory\n");
  const std::filesystem::path filed =
      scratch.Write("filed.toml", "targets_dir = \"targets\"\nstate_dir = \"state\"\n");
  const CommandResult file_state =
      RunCommand({POLICYD_BIN, "--check-config", "--config", filed.string()});
  EXPECT_EQ(file_state.exit_code, 78) << file_state.out;
  EXPECT_NE(file_state.err.find("state_dir " + (scratch.path() / "state").string() +
                                " is not a directory"),
            std::string::npos)
      << file_state.err;
  // A bad value on the command line is a usage error (64), as for --log-format, and takes the
  // names log_level takes: spdlog's own "warning" is refused there, so it is here.
  for (const char* level : {"loud", "warning"}) {
    const CommandResult bad_level = RunCommand(
        {POLICYD_BIN, "--check-config", "--config", config.string(), "--log-level", level});
    EXPECT_EQ(bad_level.exit_code, 64) << level << ": " << bad_level.err;
    EXPECT_NE(bad_level.err.find("--log-level must be trace, debug, info, warn, error, critical "
                                 "or off, not '" +
                                 std::string(level) + "'"),
              std::string::npos)
        << bad_level.err;
  }
}

// A webhook filter naming a platform or type no target has (a typo) is said, with the closest
// name: the webhook would silently never fire for it.
TEST(PolicydCommandLineTest, CheckConfigNamesWebhookFiltersNoTargetMatches) {
  ScratchDir scratch;
  scratch.Write("targets/acme.toml",
                "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\n"
                "url = \"https://acme.example/p\"\n");
  const std::filesystem::path config =
      scratch.Write("policyd.toml",
                    "targets_dir = \"targets\"\n[[webhooks]]\nname = \"audit\"\n"
                    "url = \"https://hooks.example.org/policyd\"\nsecret = \"0123456789abcdef\"\n"
                    "platforms = [\"Acmee\", \"acme\"]\ndoc_types = [\"Privacy policy\"]\n");
  const CommandResult result =
      RunCommand({POLICYD_BIN, "--check-config", "--config", config.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;  // a warning: the target may come later
  EXPECT_NE(result.err.find("policyd: warning: webhook 'audit': no watched document has "
                            "platform 'Acmee' (closest: 'Acme'); nothing of it is delivered"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("'acme'"), std::string::npos) << result.err;  // its slug matches
  EXPECT_EQ(result.err.find("Privacy policy"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace policyd::testing
