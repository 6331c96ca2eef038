#include "webhook_filter_check.h"

#include <algorithm>

#include "list_filter.h"

namespace policyd {
namespace {

constexpr std::size_t kSuggestions = 3;

void CheckNames(const WebhookSpec& webhook, const char* field,
                const std::vector<std::string>& wanted, const std::set<std::string>& watched,
                std::vector<std::string>* warnings) {
  for (const std::string& name : wanted) {
    if (std::any_of(watched.begin(), watched.end(),
                    [&name](const std::string& one) { return NameMatches(name, one); })) {
      continue;
    }
    std::string warning =
        "webhook '" + webhook.name + "': no watched document has " + field + " '" + name + "'";
    const std::vector<std::string> closest = ClosestFilterValues(name, watched, kSuggestions);
    for (std::size_t i = 0; i < closest.size(); ++i) {
      warning += (i == 0 ? " (closest: '" : ", '") + closest[i] + "'";
    }
    if (!closest.empty()) warning += ")";
    warnings->push_back(warning + "; nothing of it is delivered");
  }
}

}  // namespace

std::vector<std::string> UnmatchedWebhookFilters(const WebhookSpec& webhook,
                                                 const std::set<std::string>& platforms,
                                                 const std::set<std::string>& doc_types) {
  std::vector<std::string> warnings;
  CheckNames(webhook, "platform", webhook.platforms, platforms, &warnings);
  CheckNames(webhook, "type", webhook.doc_types, doc_types, &warnings);
  return warnings;
}

}  // namespace policyd
