// Reading policyctl's command line with its table: what runs, what is help, and the usage
// errors with their hints.
#include "policyctl/command_line.h"

#include <gtest/gtest.h>

namespace policyd::ctl {
namespace {

CommandLine Parse(std::vector<std::string> args) { return ParseCommandLine(args); }

std::string ErrorOf(std::vector<std::string> args) {
  const CommandLine line = Parse(std::move(args));
  EXPECT_EQ(line.outcome, ParseOutcome::kUsageError);
  return line.error;
}

TEST(ParseCommandLine, GlobalOptionsGoAnywhere) {
  const CommandLine line = Parse({"show", "acme/privacy", "--json", "--timeout", "2s"});
  ASSERT_EQ(line.outcome, ParseOutcome::kRun) << line.error;
  EXPECT_EQ(line.command, FindCommand("show"));
  EXPECT_TRUE(line.options.json);
  EXPECT_EQ(line.options.timeout, std::chrono::seconds(2));
  EXPECT_EQ(line.options.positional, std::vector<std::string>{"acme/privacy"});

  const CommandLine before = Parse({"--config", "/x.toml", "--color=never", "status"});
  ASSERT_EQ(before.outcome, ParseOutcome::kRun) << before.error;
  EXPECT_EQ(before.options.config, std::filesystem::path("/x.toml"));
  EXPECT_EQ(before.options.color, "never");
}

TEST(ParseCommandLine, ValuesFollowOrAreJoinedAndRepeatableOptionsCollect) {
  const CommandLine line = Parse({"add", "--platform=Acme", "--type", "Terms", "--url", "u",
                                  "--select", "main", "--select=article"});
  ASSERT_EQ(line.outcome, ParseOutcome::kRun) << line.error;
  EXPECT_EQ(line.options.One("--platform"), "Acme");
  EXPECT_EQ(line.options.One("--type"), "Terms");
  EXPECT_EQ(line.options.All("--select"), (std::vector<std::string>{"main", "article"}));
  // A command's option may come before the command.
  const CommandLine early = Parse({"--word", "diff", "acme/privacy"});
  ASSERT_EQ(early.outcome, ParseOutcome::kRun) << early.error;
  EXPECT_TRUE(early.options.Has("--word"));
}

TEST(ParseCommandLine, SingleDashWordsAreArgumentsAndDoubleDashEndsOptions) {
  const CommandLine refs = Parse({"diff", "acme/privacy", "-2", "-1"});
  ASSERT_EQ(refs.outcome, ParseOutcome::kRun) << refs.error;
  EXPECT_EQ(refs.options.positional, (std::vector<std::string>{"acme/privacy", "-2", "-1"}));
  const CommandLine stdin_page = Parse({"extract", "-", "--hash"});
  ASSERT_EQ(stdin_page.outcome, ParseOutcome::kRun) << stdin_page.error;
  EXPECT_EQ(stdin_page.options.positional, std::vector<std::string>{"-"});
  const CommandLine ended = Parse({"extract", "--", "--page.html"});
  ASSERT_EQ(ended.outcome, ParseOutcome::kRun) << ended.error;
  EXPECT_EQ(ended.options.positional, std::vector<std::string>{"--page.html"});
  EXPECT_TRUE(ended.options.flags.empty());
}

TEST(ParseCommandLine, HelpForTheProgramOrTheCommand) {
  EXPECT_EQ(Parse({"--help"}).outcome, ParseOutcome::kHelp);
  EXPECT_EQ(Parse({"--help"}).command, nullptr);
  EXPECT_EQ(Parse({"-h"}).outcome, ParseOutcome::kHelp);
  const CommandLine diff = Parse({"diff", "--help"});
  EXPECT_EQ(diff.outcome, ParseOutcome::kHelp);
  EXPECT_EQ(diff.command, FindCommand("diff"));
  // Help wins over the command's other mistakes, not over an unknown command.
  EXPECT_EQ(Parse({"-h", "diff", "--wrod"}).outcome, ParseOutcome::kHelp);
  EXPECT_EQ(Parse({"frobnicate", "--help"}).outcome, ParseOutcome::kUsageError);
  EXPECT_EQ(Parse({"status", "--version", "--bogus"}).outcome, ParseOutcome::kVersion);
}

TEST(ParseCommandLine, UnknownCommandsAndOptionsSuggestTheClosest) {
  EXPECT_EQ(ErrorOf({"stauts"}), "unknown command 'stauts' (did you mean 'status'?)");
  EXPECT_EQ(ErrorOf({"frobnicate"}), "unknown command 'frobnicate'");
  EXPECT_EQ(ErrorOf({"diff", "d", "--wrod"}),
            "unknown option '--wrod' for diff (did you mean '--word'?)");
  EXPECT_EQ(ErrorOf({"list", "--jsn"}), "unknown option '--jsn' for list (did you mean '--json'?)");
  EXPECT_EQ(ErrorOf({"list", "--bogus"}), "unknown option '--bogus' for list");
  EXPECT_EQ(ErrorOf({}), "no command given");
}

TEST(ParseCommandLine, AnotherCommandsOptionNamesTheCommand) {
  EXPECT_EQ(ErrorOf({"show", "d", "--word"}), "show does not take --word (an option of diff)");
  EXPECT_EQ(ErrorOf({"--select", "main", "show", "d"}),
            "show does not take --select (an option of add or extract)");
}

TEST(ParseCommandLine, ArgumentCountsAndValues) {
  EXPECT_EQ(ErrorOf({"status", "extra"}), "status takes no arguments");
  EXPECT_EQ(ErrorOf({"diff"}), "diff takes DOC [A [B]]");
  EXPECT_EQ(ErrorOf({"diff", "a", "1", "2", "3"}), "diff takes DOC [A [B]]");
  EXPECT_EQ(ErrorOf({"export"}), "export takes DIR");
  EXPECT_EQ(ErrorOf({"events", "--since"}), "--since needs a value");
  EXPECT_EQ(ErrorOf({"events", "--follow=yes"}), "--follow takes no value");
  EXPECT_EQ(ErrorOf({"--color", "sometimes", "status"}), "--color takes auto, always or never");
  EXPECT_EQ(ErrorOf({"--timeout", "soon", "status"}),
            "bad --timeout 'soon' (a duration such as 90s, 15m, 12h, 7d or 1h30m, more than 0)");
  // 0 would wait for ever on a daemon that does not answer.
  EXPECT_EQ(ErrorOf({"--timeout", "0s", "status"}),
            "bad --timeout '0s' (a duration such as 90s, 15m, 12h, 7d or 1h30m, more than 0)");
  // The first mistake in reading order is the one reported.
  EXPECT_EQ(ErrorOf({"--color", "x", "frobnicate"}), "--color takes auto, always or never");
}

}  // namespace
}  // namespace policyd::ctl
