#include "webhook_filter_check.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(WebhookFilterCheckTest, FiltersThatNameNoWatchedDocumentAreNamedWithTheClosest) {
  WebhookSpec webhook;
  webhook.name = "audit";
  webhook.platforms = {"Acmee", "globex corp", "Initech"};
  webhook.doc_types = {"Privacy Policy", "Term of Service"};
  const std::set<std::string> platforms = {"Acme", "Globex Corp."};
  const std::set<std::string> doc_types = {"Privacy Policy", "Terms of Service"};
  EXPECT_EQ(UnmatchedWebhookFilters(webhook, platforms, doc_types),
            (std::vector<std::string>{
                "webhook 'audit': no watched document has platform 'Acmee' (closest: 'Acme'); "
                "nothing of it is delivered",
                "webhook 'audit': no watched document has platform 'Initech'; nothing of it is "
                "delivered",
                "webhook 'audit': no watched document has type 'Term of Service' (closest: "
                "'Terms of Service'); nothing of it is delivered"}));
  // Without filters, nothing to check.
  EXPECT_TRUE(UnmatchedWebhookFilters(WebhookSpec{}, platforms, doc_types).empty());
}

}  // namespace
}  // namespace policyd
