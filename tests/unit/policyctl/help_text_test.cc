// The help rendered from the command table.
#include "policyctl/help_text.h"

#include <gtest/gtest.h>

#include <sstream>

namespace policyd::ctl {
namespace {

std::size_t LongestLine(const std::string& text) {
  std::size_t longest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) longest = std::max(longest, line.size());
  return longest;
}

TEST(WrapText, FillsLinesUpToTheWidthWithIndentAndParagraphs) {
  EXPECT_EQ(WrapText("one two three four", 2, 0, 9), "one two\n  three\n  four");
  EXPECT_EQ(WrapText("a b\n\nc", 4, 4, 80), "a b\n\n    c");
  // A word longer than the width stands alone rather than being cut.
  EXPECT_EQ(WrapText("x averyveryverylongword y", 0, 0, 10), "x\naveryveryverylongword\ny");
  EXPECT_EQ(WrapText("", 0, 0, 10), "");
}

TEST(GlobalHelp, ListsEveryVisibleCommandAndGlobalOptionWithin80Columns) {
  const std::string help = GlobalHelp();
  for (const CommandSpec& command : Commands()) {
    const bool listed = help.find("\n  " + std::string(command.name)) != std::string::npos;
    EXPECT_EQ(listed, !command.hidden) << command.name;
  }
  for (const GlobalOptionSpec& global : GlobalOptions()) {
    EXPECT_NE(help.find(std::string(global.option.name)), std::string::npos);
  }
  for (const ExitStatusSpec& status : ExitStatuses()) {
    EXPECT_NE(help.find("\n  " + std::to_string(status.code) + " "), std::string::npos);
  }
  EXPECT_LE(LongestLine(help), 80u);
}

TEST(CommandHelp, ShowsEveryFormAndOption) {
  for (const CommandSpec& command : Commands()) {
    const std::string help = CommandHelp(command);
    EXPECT_TRUE(help.starts_with("usage: policyctl [OPTIONS] " + std::string(command.name)))
        << help;
    for (const OptionSpec& option : command.options) {
      EXPECT_NE(help.find("\n  " + std::string(option.name)), std::string::npos)
          << command.name << " " << option.name;
    }
    EXPECT_LE(LongestLine(help), 80u) << command.name;
  }
}

}  // namespace
}  // namespace policyd::ctl
