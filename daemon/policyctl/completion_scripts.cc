#include "policyctl/completion_scripts.h"

#include <algorithm>

namespace policyd::ctl {
namespace completion_internal {
namespace {

// The names of the options (global and every command's) for which `wanted` holds, each once,
// in table order.
template <typename Predicate>
std::vector<std::string> OptionNamesWhere(Predicate wanted) {
  std::vector<std::string> names;
  const auto add = [&](const OptionSpec& option) {
    if (!wanted(option)) return;
    if (std::find(names.begin(), names.end(), option.name) == names.end()) {
      names.emplace_back(option.name);
    }
  };
  for (const GlobalOptionSpec& global : GlobalOptions()) add(global.option);
  for (const CommandSpec& command : Commands()) {
    for (const OptionSpec& option : command.options) add(option);
  }
  return names;
}

}  // namespace

std::string_view KindName(Completion completion) {
  switch (completion) {
    case Completion::kNone:
      return "";
    case Completion::kDocumentId:
      return "document";
    case Completion::kFile:
      return "file";
    case Completion::kDirectory:
      return "directory";
    case Completion::kChoice:
      return "choice";
    case Completion::kDuration:
      return "duration";
    case Completion::kCommand:
      return "command";
  }
  return "";
}

std::vector<std::string> ValuedOptionNames() {
  return OptionNamesWhere([](const OptionSpec& option) { return option.TakesValue(); });
}

std::vector<std::string> RepeatableOptionNames() {
  return OptionNamesWhere([](const OptionSpec& option) { return option.repeatable; });
}

std::string_view DurationExamples() { return "30s 5m 1h 6h 1d 7d 90d"; }

std::string Join(const std::vector<std::string>& words, std::string_view separator) {
  std::string joined;
  for (const std::string& word : words) {
    if (!joined.empty()) joined += separator;
    joined += word;
  }
  return joined;
}

std::string Join(const std::vector<std::string_view>& words, std::string_view separator) {
  return Join(std::vector<std::string>(words.begin(), words.end()), separator);
}

}  // namespace completion_internal

std::optional<std::string> CompletionScript(std::string_view shell) {
  if (shell == "bash") return BashCompletionScript();
  if (shell == "zsh") return ZshCompletionScript();
  if (shell == "fish") return FishCompletionScript();
  return std::nullopt;
}

}  // namespace policyd::ctl
