// The command table's invariants: what the parser, the help, the completion scripts and the
// man page rely on when they read it.
#include "policyctl/command_table.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace policyd::ctl {
namespace {

// The --options a synopsis names.
std::set<std::string> OptionsIn(std::string_view synopsis) {
  std::set<std::string> names;
  std::istringstream words{std::string(synopsis)};
  for (std::string word; words >> word;) {
    const std::size_t start = word.find("--");
    if (start == std::string::npos) continue;
    const std::size_t end = word.find_first_of("]|. ", start);
    names.insert(word.substr(start, end == std::string::npos ? end : end - start));
  }
  return names;
}

TEST(CommandTable, NamesAreUniqueAndEveryCommandIsDocumented) {
  std::set<std::string_view> names;
  for (const CommandSpec& command : Commands()) {
    EXPECT_TRUE(names.insert(command.name).second) << command.name;
    EXPECT_NE(command.handler, nullptr) << command.name;
    EXPECT_FALSE(command.name.starts_with("-")) << command.name;
    if (command.hidden) continue;
    EXPECT_FALSE(command.summary.empty()) << command.name;
    EXPECT_FALSE(command.description.empty()) << command.name;
    EXPECT_FALSE(command.synopses.empty()) << command.name;
    std::set<std::string_view> options;
    for (const OptionSpec& option : command.options) {
      EXPECT_TRUE(options.insert(option.name).second) << command.name << " " << option.name;
      EXPECT_TRUE(option.name.starts_with("--")) << option.name;
      EXPECT_FALSE(option.help.empty()) << command.name << " " << option.name;
      EXPECT_EQ(option.completion == Completion::kChoice, !option.choices.empty()) << option.name;
      EXPECT_EQ(FindGlobalOption(option.name), nullptr) << option.name << " is a global option";
    }
  }
}

TEST(CommandTable, SynopsesNameExactlyTheCommandsOptions) {
  for (const CommandSpec& command : Commands()) {
    if (command.hidden) continue;
    std::set<std::string> in_synopses;
    for (std::string_view synopsis : command.synopses) in_synopses.merge(OptionsIn(synopsis));
    std::set<std::string> own;
    for (const OptionSpec& option : command.options) own.emplace(option.name);
    EXPECT_EQ(in_synopses, own) << command.name;
  }
}

TEST(CommandTable, AnOptionNameMeansTheSameInEveryCommand) {
  for (const CommandSpec& command : Commands()) {
    for (const OptionSpec& option : command.options) {
      const OptionSpec* first = FindAnyCommandOption(option.name);
      ASSERT_NE(first, nullptr);
      EXPECT_EQ(first->TakesValue(), option.TakesValue()) << command.name << " " << option.name;
      EXPECT_EQ(first->repeatable, option.repeatable) << command.name << " " << option.name;
    }
  }
}

TEST(CommandTable, ArgumentsAreRequiredThenOptionalAndOnlyTheLastRepeats) {
  for (const CommandSpec& command : Commands()) {
    bool optional_seen = false;
    for (std::size_t i = 0; i < command.arguments.size(); ++i) {
      const ArgumentSpec& argument = command.arguments[i];
      EXPECT_FALSE(optional_seen && !argument.optional) << command.name << " " << argument.name;
      optional_seen = optional_seen || argument.optional;
      EXPECT_FALSE(argument.repeats && i + 1 != command.arguments.size()) << command.name;
    }
  }
}

TEST(CommandTable, ArgumentSynopsisAndCounts) {
  const CommandSpec* diff = FindCommand("diff");
  ASSERT_NE(diff, nullptr);
  EXPECT_EQ(diff->ArgumentSynopsis(), "DOC [A [B]]");
  EXPECT_EQ(diff->MinArguments(), 1u);
  EXPECT_EQ(diff->MaxArguments(), 3u);
  const CommandSpec* extract = FindCommand("extract");
  ASSERT_NE(extract, nullptr);
  EXPECT_EQ(extract->ArgumentSynopsis(), "[FILE...]");
  EXPECT_EQ(extract->MaxArguments(), std::nullopt);
  const CommandSpec* status = FindCommand("status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->ArgumentSynopsis(), "");
  EXPECT_EQ(status->MaxArguments(), 0u);
}

TEST(CommandTable, GlobalOptionsAreFoundByNameAndAlias) {
  ASSERT_NE(FindGlobalOption("--help"), nullptr);
  EXPECT_EQ(FindGlobalOption("-h"), FindGlobalOption("--help"));
  EXPECT_EQ(FindGlobalOption("--word"), nullptr);
  for (const GlobalOptionSpec& global : GlobalOptions()) {
    EXPECT_NE(global.apply, nullptr) << global.option.name;
    EXPECT_FALSE(global.option.help.empty()) << global.option.name;
  }
  EXPECT_EQ(FindCommand("nope"), nullptr);
  EXPECT_EQ(FindAnyCommandOption("--nope"), nullptr);
}

}  // namespace
}  // namespace policyd::ctl
