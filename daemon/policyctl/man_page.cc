#include "policyctl/man_page.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "policyctl/command_table.h"

namespace policyd::ctl {
namespace {

// Escapes scdoc's markup characters in plain text.
std::string Escape(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '*' || c == '_' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '+';
}

std::string Bold(std::string_view text) { return "*" + Escape(text) + "*"; }
std::string Underlined(std::string_view text) { return "_" + Escape(text) + "_"; }

// Paragraphs ("\n\n" apart) as scdoc paragraphs, each line indented by `indent` tabs.
std::string Paragraphs(std::string_view text, int indent) {
  const std::string tabs(static_cast<std::size_t>(indent), '\t');
  std::string out;
  while (!text.empty()) {
    const std::size_t end = text.find("\n\n");
    out += tabs + ScdocText(text.substr(0, end)) + "\n";
    if (end == std::string_view::npos) break;
    out += "\n";
    text.remove_prefix(end + 2);
  }
  return out;
}

std::string OptionTerm(const OptionSpec& option, std::string_view alias = {}) {
  std::string term = alias.empty() ? "" : Bold(alias) + ", ";
  term += Bold(option.name);
  if (option.TakesValue()) term += " " + Underlined(option.value);
  return term;
}

// "sentence" -> "Sentence." for a summary standing alone.
std::string Sentence(std::string_view summary) {
  std::string sentence(summary);
  if (!sentence.empty()) {
    sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(sentence[0])));
    if (sentence.back() != '.') sentence += '.';
  }
  return sentence;
}

std::string CommandsSection() {
  std::string out = "# COMMANDS\n\n";
  for (const CommandSpec& command : Commands()) {
    if (command.hidden) continue;
    for (std::size_t i = 0; i < command.synopses.size(); ++i) {
      out += Bold(command.name);
      if (!command.synopses[i].empty()) out += " " + ScdocSynopsis(command.synopses[i]);
      out += i + 1 < command.synopses.size() ? "++\n" : "\n";
    }
    out += "\t" + ScdocText(Sentence(command.summary)) + "\n\n";
    out += Paragraphs(command.description, 1) + "\n";
    for (const OptionSpec& option : command.options) {
      out += "\t" + OptionTerm(option) + "\n\t\t" + ScdocText(option.help) + "\n\n";
    }
  }
  return out;
}

std::string GlobalOptionsSection() {
  std::string out = "# GLOBAL OPTIONS\n\n";
  for (const GlobalOptionSpec& global : GlobalOptions()) {
    out +=
        OptionTerm(global.option, global.alias) + "\n\t" + ScdocText(global.option.help) + "\n\n";
  }
  return out;
}

std::string ExitStatusSection() {
  std::string out = "# EXIT STATUS\n\n";
  for (const ExitStatusSpec& status : ExitStatuses()) {
    out +=
        Bold(std::to_string(status.code)) + "\n\t" + ScdocText(Sentence(status.meaning)) + "\n\n";
  }
  return out;
}

std::string EnvironmentSection() {
  std::string out = "# ENVIRONMENT\n\n";
  for (const EnvironmentSpec& variable : EnvironmentVariables()) {
    out += Bold(variable.name) + "\n\t" + ScdocText(Sentence(variable.meaning)) + "\n\n";
  }
  return out;
}

constexpr std::string_view kFiles = R"(# FILES

_/etc/policyd/policyd.toml_
	The daemon config policyctl reads the socket paths from when neither --config nor
	$POLICYD\_CONFIG names another (control\_socket, events\_socket; for extract --doc also
	targets\_dir and state\_dir).

_/run/policyd/control.sock_
	The control socket by default: JSON lines, one request and one response at a time. Its
	group (policyd) may use it.

_/run/policyd/events.sock_
	The events socket by default, read by events.

)";

constexpr std::string_view kExamples = R"(# EXAMPLES

What the daemon is doing, and which documents fail:

```
policyctl status
policyctl list
```

What changed in a document, word by word, and where its clauses are now:

```
policyctl history coursera/privacy-policy
policyctl diff --word coursera/privacy-policy
policyctl segments coursera/privacy-policy
```

Follow the changes as they are found, as JSON lines for a script:

```
policyctl --json events --follow
```

Watch one more document, and check it now:

```
policyctl add --platform Acme --type "Privacy Policy" --url https://acme.example/privacy
policyctl check acme/privacy-policy
```

What policyd would store for a page saved from a browser, with that document's settings:

```
policyctl extract --doc acme/privacy-policy saved.html
```

A copy of the database and every version as files:

```
policyctl backup /var/lib/policyd/backup-2024-06-01
policyctl export /srv/policies
```

Completion in the current shell:

```
source <(policyctl completion bash)
```

)";

}  // namespace

std::string ScdocText(std::string_view text) {
  // A line starting with "-" or "." would start a list.
  std::string out = text.starts_with("-") || text.starts_with(".") ? "\\" : "";
  while (!text.empty()) {
    const std::size_t open = text.find('`');
    const std::size_t close = open == std::string_view::npos ? open : text.find('`', open + 1);
    if (close == std::string_view::npos) {
      out += Escape(text);
      break;
    }
    out += Escape(text.substr(0, open)) + Bold(text.substr(open + 1, close - open - 1));
    text.remove_prefix(close + 1);
  }
  return out;
}

std::string ScdocSynopsis(std::string_view synopsis) {
  std::string out;
  std::size_t i = 0;
  while (i < synopsis.size()) {
    if (!IsWordChar(synopsis[i])) {
      out += Escape(synopsis.substr(i, 1));
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < synopsis.size() && IsWordChar(synopsis[end])) ++end;
    const std::string_view word = synopsis.substr(i, end - i);
    const bool placeholder = std::isupper(static_cast<unsigned char>(word[0])) != 0 &&
                             std::none_of(word.begin(), word.end(), [](char c) {
                               return std::islower(static_cast<unsigned char>(c)) != 0;
                             });
    out += placeholder ? Underlined(word) : Bold(word);
    i = end;
  }
  return out;
}

std::string ManPageScdoc() {
  std::string page = "policyctl(1) \"policyd " POLICYD_VERSION "\" \"policyd manual\"\n\n";
  page += "# NAME\n\npolicyctl - " + ScdocText(ProgramSummary()) + "\n\n";
  page += "# SYNOPSIS\n\n*policyctl* [_OPTIONS_] _COMMAND_ [_ARGS_]\n\n";
  page += "# DESCRIPTION\n\n" + Paragraphs(ProgramDescription(), 0) + "\n";
  page +=
      "Each command below is shown with the arguments and options of each of its forms; the "
      "global options apply to all of them.\n\n";
  page += CommandsSection();
  page += GlobalOptionsSection();
  page += ExitStatusSection();
  page += EnvironmentSection();
  page += kFiles;
  page += kExamples;
  page += "# SEE ALSO\n\n*policyd*(8), *policyd.toml*(5)\n";
  return page;
}

}  // namespace policyd::ctl
