#include "policyctl/exit_status.h"

#include <cstdio>

namespace policyd::ctl {

int UsageError(const std::string& message, std::string_view command) {
  if (command.empty()) {
    std::fprintf(stderr, "policyctl: %s\n(see policyctl --help)\n", message.c_str());
  } else {
    std::fprintf(stderr, "policyctl: %s\n(see policyctl help %.*s)\n", message.c_str(),
                 static_cast<int>(command.size()), command.data());
  }
  return kExitUsage;
}

}  // namespace policyd::ctl
