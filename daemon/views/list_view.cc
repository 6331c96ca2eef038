#include "list_view.h"

#include "policyd/json_fields.h"
#include "table.h"

namespace policyd {
namespace {

std::string DocumentStatus(const nlohmann::json& doc) {
  const int64_t failures = FieldInt(doc, "consecutive_failures").value_or(0);
  // `status` is the daemon's word for the row (policyd/document_status.h); a daemon older than
  // it sends none, and its rows read from the failure count alone.
  const std::string status = FieldString(doc, "status");
  if (failures > 0 || status == "failing") {
    return "failing x" + std::to_string(failures) + ": " + FieldText(doc, "last_error");
  }
  if (status == "suspicious") return FieldText(doc, "last_error");  // "suspicious: why"
  if (status == "retrying") return "retrying: " + FieldText(doc, "last_error");
  if (status == "other_member") return "checked by the fleet member that owns its site";
  if (!status.empty()) return status;
  return FieldString(doc, "last_check").empty() ? "pending" : "ok";
}

}  // namespace

std::string RenderList(const nlohmann::json& list) {
  const auto documents = list.find("documents");
  const std::size_t shown =
      documents != list.end() && documents->is_array() ? documents->size() : 0;
  const auto total = FieldInt(list, "total");
  if (shown == 0) {
    return total && *total > 0 ? "no document matches (" + std::to_string(*total) + " watched)\n"
                               : "no documents are watched\n";
  }
  Table table({"DOCUMENT", "VERSIONS", "LAST CHECK", "LAST CHANGE", "NEXT DUE", "STATUS"});
  for (const auto& doc : *documents) {
    table.AddRow({FieldText(doc, "id"), FieldText(doc, "versions"), FieldText(doc, "last_check"),
                  FieldText(doc, "last_change"), FieldText(doc, "next_due"), DocumentStatus(doc)});
  }
  std::string out = table.Render();
  if (total && static_cast<std::size_t>(*total) != shown) {
    out += std::to_string(shown) + " of " + std::to_string(*total) + " documents\n";
  }
  return out;
}

}  // namespace policyd
