#include "list_filter.h"

#include <algorithm>
#include <utility>

#include "policyd/control.h"
#include "policyd/did_you_mean.h"

namespace policyd {
namespace {

// How many names a refusal suggests.
constexpr std::size_t kSuggestions = 3;

Status ReadName(const nlohmann::json& request, const char* key, std::string* out) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) {
    return Status::InvalidArgument(std::string("\"") + key + "\" must be a string");
  }
  const std::string& value = it->get_ref<const std::string&>();
  if (value.empty()) return Status::InvalidArgument(std::string("\"") + key + "\" is empty");
  if (value.size() > kMaxFilterValueBytes) {
    return Status::InvalidArgument(std::string("\"") + key + "\" is longer than " +
                                   std::to_string(kMaxFilterValueBytes) + " bytes");
  }
  *out = value;
  return Status::Ok();
}

}  // namespace

Result<ListFilter> ParseListFilter(const nlohmann::json& request) {
  ListFilter filter;
  if (const auto failing = request.find("failing");
      failing != request.end() && !failing->is_null()) {
    if (!failing->is_boolean()) return Status::InvalidArgument("\"failing\" must be true or false");
    filter.failing = failing->get<bool>();
  }
  if (Status s = ReadName(request, "platform", &filter.platform); !s.ok()) return s;
  if (Status s = ReadName(request, "type", &filter.type); !s.ok()) return s;
  return filter;
}

bool NameMatches(std::string_view wanted, std::string_view name) {
  if (wanted == name) return true;
  const std::string slug = Slugify(wanted);
  return !slug.empty() && slug == Slugify(name);
}

bool PassesListFilter(const ListFilter& filter, const DocumentSpec& spec, const DocState& state) {
  if (filter.failing && state.consecutive_failures == 0) return false;
  if (!filter.platform.empty() && !NameMatches(filter.platform, spec.platform)) return false;
  if (!filter.type.empty() && !NameMatches(filter.type, spec.type)) return false;
  return true;
}

std::vector<std::string> ClosestFilterValues(std::string_view wanted,
                                             const std::set<std::string>& names,
                                             std::size_t max_count) {
  const std::string wanted_slug = Slugify(wanted);
  // Plausible typos only: a few edits for the length, or one name inside the other
  // ("goog" for "Google", "coursera-org" for "Coursera").
  const std::size_t max_distance = std::max<std::size_t>(2, wanted_slug.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> ranked;
  for (const std::string& name : names) {
    const std::string slug = Slugify(name);
    const std::size_t distance = EditDistance(wanted_slug, slug);
    const bool contained = !wanted_slug.empty() && !slug.empty() &&
                           (slug.find(wanted_slug) != std::string::npos ||
                            wanted_slug.find(slug) != std::string::npos);
    if (distance <= max_distance || contained) ranked.emplace_back(distance, name);
  }
  const std::size_t count = std::min(max_count, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(count),
                    ranked.end());
  std::vector<std::string> closest;
  for (std::size_t i = 0; i < count; ++i) closest.push_back(std::move(ranked[i].second));
  return closest;
}

nlohmann::json UnknownNameError(std::string_view field, std::string_view wanted,
                                const std::set<std::string>& names) {
  const std::vector<std::string> closest = ClosestFilterValues(wanted, names, kSuggestions);
  std::string message =
      "no watched document has " + std::string(field) + " '" + std::string(wanted) + "'";
  if (names.empty()) {
    message += " (no documents are watched)";
  } else if (closest.empty()) {
    message += " (none is close to it: `policyctl list` shows every document)";
  } else {
    message += " (closest: ";
    for (std::size_t i = 0; i < closest.size(); ++i) {
      message += (i == 0 ? "'" : ", '") + closest[i] + "'";
    }
    message += ")";
  }
  nlohmann::json error = ControlError("not_found", message);
  error["error"]["suggestions"] = closest;
  return error;
}

}  // namespace policyd
