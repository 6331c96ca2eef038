// help [COMMAND], completion SHELL, __complete-ids and __man: policyctl describing itself from
// its command table.
#include <algorithm>
#include <iostream>

#include "policyctl/client.h"
#include "policyctl/completion_scripts.h"

#include "policyctl/command_table.h"
#include "policyctl/exit_status.h"
#include "policyctl/handlers.h"
#include "policyctl/help_text.h"
#include "policyctl/man_page.h"
#include "policyd/did_you_mean.h"

namespace policyd::ctl {

int RunHelp(const Options& options) {
  if (options.positional.empty()) {
    std::cout << GlobalHelp();
    return kExitOk;
  }
  const std::string& name = options.positional[0];
  const CommandSpec* command = FindCommand(name);
  if (command == nullptr || command->hidden) {
    return UsageError("no command '" + name + "'" +
                      DidYouMean(ClosestNames(name, VisibleCommandNames(), 2, 3)));
  }
  std::cout << CommandHelp(*command);
  return kExitOk;
}

int RunCompletion(const Options& options) {
  const std::string& shell = options.positional[0];
  const auto script = CompletionScript(shell);
  if (!script) {
    return UsageError("no completion for '" + shell + "': bash, zsh or fish" +
                          DidYouMean(ClosestNames(shell, {"bash", "zsh", "fish"}, 2, 1)),
                      "completion");
  }
  std::cout << *script;
  return kExitOk;
}

int RunCompleteIds(const Options& options) {
  // A shell waits for this on every TAB: a daemon that does not answer soon gives nothing.
  constexpr std::chrono::milliseconds kMaxWait{2000};
  const auto ids =
      KnownDocumentIds(options, std::min(options.timeout, kMaxWait), /*include_removed=*/false);
  if (ids) {
    for (const std::string& id : *ids) std::cout << id << "\n";
  }
  return kExitOk;
}

int RunManPage(const Options&) {
  std::cout << ManPageScdoc();
  return kExitOk;
}

}  // namespace policyd::ctl
