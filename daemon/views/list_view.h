// policyctl's human `list`: the daemon's `list` result (docs/CONTROL.md) as an aligned table,
// one document per row: DOCUMENT, VERSIONS, LAST CHECK, LAST CHANGE, NEXT DUE, STATUS ("ok",
// "pending" before the first check, "failing xN: reason: message", "suspicious: ..." while a new
// text is held back, "retrying: reason: message" after a check its host's rest held). A filtered
// list says how many of the watched documents it shows; an empty one says so in words.
#ifndef POLICYD_DAEMON_VIEWS_LIST_VIEW_H_
#define POLICYD_DAEMON_VIEWS_LIST_VIEW_H_

#include <string>

#include <nlohmann/json.hpp>

namespace policyd {

std::string RenderList(const nlohmann::json& list);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_LIST_VIEW_H_
