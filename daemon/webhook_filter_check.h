// Webhook filters that name no watched document: a misspelt platform or document type in a
// [[webhooks]] table ("Acmee") passes --check-config, and the webhook then silently never
// fires for it. Checked against the targets at each load (logged) and by --check-config.
#ifndef POLICYD_DAEMON_WEBHOOK_FILTER_CHECK_H_
#define POLICYD_DAEMON_WEBHOOK_FILTER_CHECK_H_

#include <set>
#include <string>
#include <vector>

#include "policyd/config.h"

namespace policyd {

// One warning per entry of `webhook`'s platforms and doc_types that matches none of the
// watched `platforms` / `doc_types` (compared as delivery compares them: by slug), with the
// closest watched names: "webhook 'audit': no watched document has platform 'Acmee'
// (closest: 'Acme'); nothing of it is delivered". Empty filters are not checked.
std::vector<std::string> UnmatchedWebhookFilters(const WebhookSpec& webhook,
                                                 const std::set<std::string>& platforms,
                                                 const std::set<std::string>& doc_types);

}  // namespace policyd

#endif  // POLICYD_DAEMON_WEBHOOK_FILTER_CHECK_H_
