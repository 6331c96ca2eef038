// help [COMMAND]: policyctl describing itself from its command table.
#include <iostream>

#include "policyctl/command_table.h"
#include "policyctl/exit_status.h"
#include "policyctl/handlers.h"
#include "policyctl/help_text.h"
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

}  // namespace policyd::ctl
