#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "policyd/config.h"
#include "policyd/feed.h"
#include "policyd/webhook.h"

namespace policyd {
namespace {

// True when `names` is empty or holds `value`, both compared as slugs ("Privacy Policy" =
// "privacy-policy"): operators may write the display name or the one in document ids.
bool SlugListed(const std::vector<std::string>& names, const std::string& value) {
  if (names.empty()) return true;
  const std::string slug = Slugify(value);
  return std::any_of(names.begin(), names.end(),
                     [&](const std::string& name) { return Slugify(name) == slug; });
}

std::string StringField(const nlohmann::json& event, const char* key) {
  const auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool WebhookWants(const WebhookSpec& spec, std::string_view event_line) {
  if (spec.platforms.empty() && spec.doc_types.empty() && spec.events.empty() &&
      spec.classes.empty()) {
    return true;
  }
  const auto event = nlohmann::json::parse(event_line, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object()) return false;
  if (!SlugListed(spec.platforms, StringField(event, "platform"))) return false;
  if (!SlugListed(spec.doc_types, StringField(event, "doc_type"))) return false;
  if (!spec.events.empty() && std::find(spec.events.begin(), spec.events.end(),
                                        StringField(event, "type")) == spec.events.end()) {
    return false;
  }
  // The feed's own rule, so that a webhook and a subscriber asking for the same classes see
  // the same events.
  return EventWanted(event_line, std::set<std::string>(spec.classes.begin(), spec.classes.end()));
}

}  // namespace policyd
