#include "policyd_options.h"

#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace policyd {
namespace {

enum class OptionId { kConfig, kStateDir, kLogLevel, kLogFormat, kCheckConfig, kVersion, kHelp };

struct OptionSpec {
  OptionId id;
  std::string_view name;        // "--config"
  std::string_view short_name;  // "-h", or "" when there is none
  std::string_view value;       // the value's name in the help ("FILE"), "" for a flag
  std::string_view help;
};

// Every option policyd accepts, in the order --help lists them. man/policyd.8.scd lists the
// same ones (tested).
constexpr std::array<OptionSpec, 7> kOptions = {{
    {OptionId::kConfig, "--config", "", "FILE",
     "daemon config (default /etc/policyd/policyd.toml)"},
    {OptionId::kStateDir, "--state-dir", "", "DIR",
     "override state_dir from the config (database, run-time targets)"},
    {OptionId::kLogLevel, "--log-level", "", "LEVEL",
     "override log_level (trace, debug, info, warn, error, critical, off)"},
    {OptionId::kLogFormat, "--log-format", "", "FORMAT",
     "override log_format: text (the journal under systemd, else stderr) or json (one JSON "
     "object per line on stderr)"},
    {OptionId::kCheckConfig, "--check-config", "", "",
     "load the config and the targets, report, and exit (0, or 78 on an error)"},
    {OptionId::kVersion, "--version", "", "",
     "print the version, the commit and the libraries' versions, and exit"},
    {OptionId::kHelp, "--help", "-h", "", "print this help and exit"},
}};

constexpr std::string_view kAbout =
    "Watches privacy policies and terms of service and publishes their changes.\n"
    "Control it with policyctl(1); see policyd(8) and policyd.toml(5).\n";

constexpr size_t kWidth = 80;
constexpr size_t kHelpColumn = 24;  // where the help text of each option starts

const OptionSpec* FindOption(std::string_view arg) {
  for (const OptionSpec& option : kOptions) {
    if (arg == option.name || (!option.short_name.empty() && arg == option.short_name)) {
      return &option;
    }
  }
  return nullptr;
}

// "-h, --help" or "--config FILE": how an option is shown in --help (and in the man page).
std::string OptionLabel(const OptionSpec& option) {
  std::string label;
  if (!option.short_name.empty()) label.append(option.short_name).append(", ");
  label.append(option.name);
  if (!option.value.empty()) label.append(" ").append(option.value);
  return label;
}

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    const size_t end = text.find(' ');
    if (end != 0) words.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return words;
}

// Appends `words` to `out` separated by spaces, the first line continuing after
// `first_line_used` columns, the next ones indented by `indent`, none past kWidth (a longer
// word gets a line of its own), and a final newline.
void AppendWrapped(const std::vector<std::string>& words, size_t first_line_used, size_t indent,
                   std::string* out) {
  size_t column = first_line_used;
  bool line_empty = true;
  for (const std::string& word : words) {
    if (!line_empty && column + 1 + word.size() > kWidth) {
      out->append("\n").append(indent, ' ');
      column = indent;
      line_empty = true;
    }
    if (!line_empty) {
      out->push_back(' ');
      ++column;
    }
    out->append(word);
    column += word.size();
    line_empty = false;
  }
  out->push_back('\n');
}

Status ApplyValue(const OptionSpec& option, std::string_view value, PolicydCommandLine* out) {
  switch (option.id) {
    case OptionId::kConfig:
    case OptionId::kStateDir:
      if (value.empty()) {
        return Status::InvalidArgument(std::string(option.name) + " must not be empty");
      }
      if (option.id == OptionId::kConfig) {
        out->config_path = std::string(value);
      } else {
        out->state_dir = std::string(value);
      }
      break;
    case OptionId::kLogLevel:
      // The names log_level takes (spdlog alone would also take "warning" and "err").
      if (!IsLogLevelName(value)) {
        return Status::InvalidArgument(
            "--log-level must be trace, debug, info, warn, error, critical or off, not '" +
            std::string(value) + "'");
      }
      out->log_level = std::string(value);
      break;
    case OptionId::kLogFormat:
      if (value == "text") {
        out->log_format = LogFormat::kText;
      } else if (value == "json") {
        out->log_format = LogFormat::kJson;
      } else {
        return Status::InvalidArgument("--log-format must be text or json, not '" +
                                       std::string(value) + "'");
      }
      break;
    case OptionId::kCheckConfig:
    case OptionId::kVersion:
    case OptionId::kHelp:
      break;  // flags: no value
  }
  return Status::Ok();
}

}  // namespace

Status ParsePolicydCommandLine(int argc, const char* const* argv, PolicydCommandLine* out) {
  PolicydCommandLine parsed;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    // "--config=FILE" as well as "--config FILE".
    std::optional<std::string_view> attached;
    if (const std::size_t equals = arg.find('='); arg.starts_with("--") && equals != arg.npos) {
      attached = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    }
    const OptionSpec* option = FindOption(arg);
    if (option == nullptr) {
      return Status::InvalidArgument("unknown argument '" + std::string(argv[i]) + "'");
    }
    const bool flag = option->id == OptionId::kVersion || option->id == OptionId::kHelp ||
                      option->id == OptionId::kCheckConfig;
    if (flag && attached) {
      return Status::InvalidArgument(std::string(option->name) + " takes no value");
    }
    if (option->id == OptionId::kVersion || option->id == OptionId::kHelp) {
      parsed.action = option->id == OptionId::kVersion ? PolicydCommandLine::Action::kVersion
                                                       : PolicydCommandLine::Action::kHelp;
      break;
    }
    if (option->id == OptionId::kCheckConfig) {
      parsed.action = PolicydCommandLine::Action::kCheckConfig;
      continue;
    }
    if (attached) {
      if (Status status = ApplyValue(*option, *attached, &parsed); !status.ok()) return status;
      continue;
    }
    if (i + 1 >= argc) return Status::InvalidArgument(std::string(option->name) + " needs a value");
    if (const std::string_view value = argv[i + 1]; value.starts_with("--")) {
      // "--state-dir --check-config" is an option left without its value, not a path: read as
      // one, it started a second daemon on a new, empty database named "--check-config".
      return Status::InvalidArgument(
          std::string(option->name) + " needs a value, not the option '" + std::string(value) +
          "' (a path that starts with \"--\" is " + std::string(option->name) + "=PATH)");
    }
    if (Status status = ApplyValue(*option, argv[++i], &parsed); !status.ok()) return status;
  }
  *out = std::move(parsed);
  return Status::Ok();
}

std::string PolicydUsage() {
  constexpr std::string_view kLead = "usage: policyd ";
  // One bracketed option is one word for the wrapping: "[--config FILE]" stays together.
  std::vector<std::string> synopsis;
  for (const OptionSpec& option : kOptions) {
    if (option.id == OptionId::kHelp) continue;  // implied, as in every program's usage line
    synopsis.push_back("[" + OptionLabel(option) + "]");
  }
  std::string text(kLead);
  AppendWrapped(synopsis, kLead.size(), kLead.size(), &text);
  text.append("\n").append(kAbout).append("\nOptions:\n");
  for (const OptionSpec& option : kOptions) {
    const std::string label = "  " + OptionLabel(option);
    text.append(label);
    if (label.size() + 2 <= kHelpColumn) {
      text.append(kHelpColumn - label.size(), ' ');
    } else {  // too long to share the line with its help
      text.append("\n").append(kHelpColumn, ' ');
    }
    AppendWrapped(SplitWords(option.help), kHelpColumn, kHelpColumn, &text);
  }
  return text;
}

}  // namespace policyd
