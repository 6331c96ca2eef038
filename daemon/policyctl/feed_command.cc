// feed: the Atom feed of a document, a platform or everything (the daemon's `atom` command),
// printed as XML (with --json, the daemon's result object).
#include <iostream>
#include <string>

#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/handlers.h"
#include "policyd/ascii.h"
#include "policyd/atom.h"

namespace policyd::ctl {

int RunFeed(const Options& options) {
  nlohmann::json request = {{"cmd", "atom"}};
  if (!options.positional.empty() && options.Has("--platform")) {
    return UsageError("feed takes a DOC or --platform NAME, not both", "feed");
  }
  if (!options.positional.empty()) request["doc"] = options.positional[0];
  if (options.Has("--platform")) request["platform"] = options.One("--platform");
  if (options.Has("--limit")) {
    const std::string limit = options.One("--limit");
    const std::optional<uint64_t> entries = ParseDecimalUint64(limit);
    if (!entries || *entries == 0 || *entries > kMaxAtomEntries) {
      return UsageError(
          "bad --limit '" + limit + "' (1 to " + std::to_string(kMaxAtomEntries) + " entries)",
          "feed");
    }
    request["limit"] = *entries;
  }
  return CallAndPrint(options, request, [](const nlohmann::json& result) {
    std::cout << result.value("xml", std::string());
    return kExitOk;
  });
}

}  // namespace policyd::ctl
