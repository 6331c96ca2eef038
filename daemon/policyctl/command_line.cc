#include "policyctl/command_line.h"

#include "policyd/did_you_mean.h"

namespace policyd::ctl {
namespace {

constexpr std::size_t kMaxTypoEdits = 2;
constexpr std::size_t kMaxSuggestions = 3;

bool LooksLikeOption(const std::string& arg) {
  return arg == "-h" || (arg.size() > 2 && arg.starts_with("--"));
}

// Collects the first error in the order the words are read.
class FirstError {
 public:
  void Add(std::string message) {
    if (message_.empty()) message_ = std::move(message);
  }
  bool empty() const { return message_.empty(); }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

// Phase 1: words into options, command and arguments. Command options are stored by name and
// checked against the command in phase 2 (a command option may come before the command).
void ReadWords(const std::vector<std::string>& args, CommandLine* line, FirstError* error) {
  Options& options = line->options;
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!options_ended && arg == "--") {
      options_ended = true;
      continue;
    }
    if (options_ended || !LooksLikeOption(arg)) {
      if (options.command.empty()) {
        options.command = arg;
        line->command = FindCommand(arg);
      } else {
        options.positional.push_back(arg);
      }
      continue;
    }
    std::string name = arg;
    std::string value;
    bool joined_value = false;
    if (const auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      joined_value = true;
    }
    const GlobalOptionSpec* global = FindGlobalOption(name);
    const OptionSpec* spec = global != nullptr ? &global->option : nullptr;
    if (spec == nullptr && line->command != nullptr) spec = line->command->FindOption(name);
    if (spec == nullptr) spec = FindAnyCommandOption(name);  // checked against the command later
    if (spec != nullptr && spec->TakesValue() && !joined_value) {
      if (i + 1 >= args.size()) {
        error->Add(name + " needs a value");
        continue;
      }
      value = args[++i];
    } else if (spec != nullptr && !spec->TakesValue() && joined_value) {
      error->Add(name + " takes no value");
      continue;
    }
    if (global != nullptr) {
      if (auto refused = global->apply(value, &options)) error->Add(std::move(*refused));
    } else {
      options.flags[name].push_back(value);
    }
  }
}

std::vector<std::string> OptionNames(const CommandSpec& command) {
  std::vector<std::string> names;
  for (const OptionSpec& option : command.options) names.emplace_back(option.name);
  for (const GlobalOptionSpec& global : GlobalOptions()) names.emplace_back(global.option.name);
  return names;
}

// "diff", "add or extract": the commands that have `option`.
std::string CommandsTaking(const std::string& option) {
  std::vector<std::string> names;
  for (const CommandSpec& command : Commands()) {
    if (!command.hidden && command.FindOption(option) != nullptr) names.emplace_back(command.name);
  }
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " or " : ", ";
    list += names[i];
  }
  return list;
}

// Phase 2: the command exists, its options are its own, its arguments fit.
void CheckAgainstCommand(const CommandSpec& command, const Options& options, FirstError* error) {
  const std::string name(command.name);
  for (const auto& [flag, values] : options.flags) {
    if (command.FindOption(flag) != nullptr) continue;
    if (FindAnyCommandOption(flag) != nullptr) {
      error->Add(name + " does not take " + flag + " (an option of " + CommandsTaking(flag) + ")");
    } else {
      error->Add(
          "unknown option '" + flag + "' for " + name +
          DidYouMean(ClosestNames(flag, OptionNames(command), kMaxTypoEdits, kMaxSuggestions)));
    }
  }
  const std::size_t given = options.positional.size();
  const auto max = command.MaxArguments();
  if (given < command.MinArguments() || (max && given > *max)) {
    error->Add(name + (max == 0u ? " takes no arguments" : " takes " + command.ArgumentSynopsis()));
  }
}

}  // namespace

CommandLine ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine line;
  FirstError error;
  ReadWords(args, &line, &error);
  const Options& options = line.options;
  const bool unknown_command = !options.command.empty() && line.command == nullptr;
  if (options.version) {
    line.outcome = ParseOutcome::kVersion;
    return line;
  }
  if (options.help && !unknown_command) {
    line.outcome = ParseOutcome::kHelp;
    return line;
  }
  if (options.command.empty()) {
    error.Add("no command given");
  } else if (unknown_command) {
    error.Add("unknown command '" + options.command + "'" +
              DidYouMean(ClosestNames(options.command, VisibleCommandNames(), kMaxTypoEdits,
                                      kMaxSuggestions)));
  } else {
    CheckAgainstCommand(*line.command, options, &error);
  }
  if (!error.empty()) {
    line.error = error.message();
    line.outcome = ParseOutcome::kUsageError;
    return line;
  }
  line.outcome = ParseOutcome::kRun;
  return line;
}

}  // namespace policyd::ctl
