#include "policyctl/help_text.h"

#include <vector>

namespace policyd::ctl {
namespace {

constexpr std::size_t kCommandColumn = 34;  // where a command's summary starts
constexpr std::size_t kOptionColumn = 24;   // where an option's help starts

std::vector<std::string_view> SplitParagraphs(std::string_view text) {
  std::vector<std::string_view> paragraphs;
  while (!text.empty()) {
    const std::size_t end = text.find("\n\n");
    paragraphs.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 2);
  }
  return paragraphs;
}

// "  left" padded to `column`, then `right` wrapped; a `left` too long for it puts `right` on
// the next line.
std::string Row(const std::string& left, std::string_view right, std::size_t column) {
  // A synopsis too long for one line goes on over indented lines.
  std::string row = "  " + WrapText(left, 6, 2);
  if (right.empty()) return row + "\n";
  if (row.find('\n') != std::string::npos || row.size() + 2 > column) {
    row += "\n" + std::string(column, ' ');
  } else {
    row += std::string(column - row.size(), ' ');
  }
  return row + WrapText(right, column, column) + "\n";
}

std::string OptionLeft(const OptionSpec& option, std::string_view alias = {}) {
  std::string left = alias.empty() ? "" : std::string(alias) + ", ";
  left += option.name;
  if (option.TakesValue()) left += " " + std::string(option.value);
  return left;
}

std::string CommandForm(const CommandSpec& command, std::string_view synopsis) {
  std::string form(command.name);
  if (!synopsis.empty()) form += " " + std::string(synopsis);
  return form;
}

}  // namespace

std::string WrapText(std::string_view text, std::size_t indent, std::size_t first_column,
                     std::size_t width) {
  std::string out;
  bool first_paragraph = true;
  for (std::string_view paragraph : SplitParagraphs(text)) {
    if (!first_paragraph) out += "\n\n" + std::string(indent, ' ');
    std::size_t column = first_paragraph ? first_column : indent;
    first_paragraph = false;
    bool line_start = true;
    while (!paragraph.empty()) {
      const std::size_t start = paragraph.find_first_not_of(" \n");
      if (start == std::string_view::npos) break;
      paragraph.remove_prefix(start);
      const std::size_t end = paragraph.find_first_of(" \n");
      const std::string_view word = paragraph.substr(0, end);
      paragraph.remove_prefix(word.size());
      if (!line_start && column + 1 + word.size() > width) {
        out += "\n" + std::string(indent, ' ');
        column = indent;
        line_start = true;
      }
      if (!line_start) {
        out += " ";
        ++column;
      }
      out += word;
      column += word.size();
      line_start = false;
    }
  }
  return out;
}

std::string GlobalHelp() {
  std::string help = "usage: policyctl [OPTIONS] COMMAND [ARGS]\n\n";
  help += WrapText(std::string(ProgramSummary()) + ".", 0, 0) + "\n\nCommands:\n";
  for (const CommandSpec& command : Commands()) {
    if (command.hidden) continue;
    for (std::size_t i = 0; i < command.synopses.size(); ++i) {
      help += Row(CommandForm(command, command.synopses[i]), i == 0 ? command.summary : "",
                  kCommandColumn);
    }
  }
  help += "\nOptions:\n";
  for (const GlobalOptionSpec& global : GlobalOptions()) {
    help += Row(OptionLeft(global.option, global.alias), global.option.help, kOptionColumn);
  }
  help += "\nExit codes:\n";
  for (const ExitStatusSpec& status : ExitStatuses()) {
    help += Row(std::to_string(status.code), status.meaning, 6);
  }
  help += "\n" +
          WrapText(
              "`policyctl help COMMAND` (or `policyctl COMMAND --help`) describes a command "
              "and its options; man policyctl has it all.",
              0, 0) +
          "\n";
  return help;
}

std::string CommandHelp(const CommandSpec& command) {
  std::string help;
  for (std::size_t i = 0; i < command.synopses.size(); ++i) {
    help += (i == 0 ? "usage: " : "       ");
    help +=
        WrapText("policyctl [OPTIONS] " + CommandForm(command, command.synopses[i]), 11, 7) + "\n";
  }
  help += "\n" + WrapText(command.summary, 0, 0) + "\n";
  if (!command.description.empty()) help += "\n" + WrapText(command.description, 0, 0) + "\n";
  if (!command.options.empty()) {
    help += "\nOptions:\n";
    for (const OptionSpec& option : command.options) {
      help += Row(OptionLeft(option), option.help, kOptionColumn);
    }
  }
  std::string globals;
  for (const GlobalOptionSpec& global : GlobalOptions()) {
    globals += (globals.empty() ? "" : ", ") + std::string(global.option.name);
  }
  help += "\n" + WrapText("Global options (" + globals + "): see `policyctl --help`.", 0, 0) + "\n";
  return help;
}

}  // namespace policyd::ctl
