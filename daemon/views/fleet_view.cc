#include "fleet_view.h"

#include <chrono>
#include <optional>

#include "policyd/human_units.h"
#include "policyd/json_fields.h"
#include "policyd/json_text.h"
#include "table.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;

std::string State(const nlohmann::json& member) {
  if (FieldBool(member, "answered")) return "answered";
  return FieldBool(member, "live") ? "silent" : "dropped";
}

std::string Joined(const nlohmann::json& member) {
  const auto it = member.find("joined");
  if (it == member.end() || !it->is_boolean()) return "-";
  return it->get<bool>() ? "yes" : "no";
}

std::string Millis(const nlohmann::json& object, std::string_view key) {
  const auto value = FieldInt(object, key);
  return value ? HumanDuration(milliseconds(*value)) : "-";
}

std::string HeartbeatAge(const nlohmann::json& member) {
  const auto age = FieldInt(member, "heartbeat_age_ms");
  return age ? HumanDuration(milliseconds(*age)) + " ago" : "-";
}

// Every member has the same targets: the first answer that says how many.
std::optional<int64_t> Documents(const nlohmann::json& members) {
  for (const nlohmann::json& member : members) {
    if (const auto documents = FieldInt(member, "documents")) return documents;
  }
  return std::nullopt;
}

std::string TotalsLine(const nlohmann::json& result, const nlohmann::json& members) {
  const nlohmann::json totals = result.value("totals", nlohmann::json::object());
  std::string line = std::to_string(members.size()) + " members (" + FieldText(result, "live") +
                     " live), " + FieldText(result, "answered") + " answered in " +
                     Millis(result, "elapsed_ms") + ": " + FieldText(totals, "documents_owned");
  if (const auto documents = Documents(members)) line += " of " + std::to_string(*documents);
  line += " documents owned, " + FieldText(totals, "checks_in_flight") +
          " checks in flight, most lag " + Millis(totals, "max_lag_ms");
  return line + "\n";
}

}  // namespace

bool FleetAnswerComplete(const nlohmann::json& result) { return FieldBool(result, "complete"); }

std::string RenderFleet(const nlohmann::json& result) {
  const auto members = result.find("members");
  if (members == result.end() || !members->is_array() || members->empty()) {
    return "no members in bucket " + FieldText(result, "bucket") +
           " answered or have a heartbeat\n";
  }
  Table table({"MEMBER", "STATE", "JOINED", "OWNED", "IN FLIGHT", "LEASES", "LAG", "PUBLISH LAG",
               "HEARTBEAT", "LAST ERROR"});
  for (const nlohmann::json& member : *members) {
    table.AddRow({FieldText(member, "member_id"), State(member), Joined(member),
                  FieldText(member, "documents_owned"), FieldText(member, "checks_in_flight"),
                  FieldText(member, "leases_held"), Millis(member, "lag_ms"),
                  FieldText(member, "publish_lag"), HeartbeatAge(member),
                  FieldText(member, "last_error")});
  }
  std::string out = table.Render() + TotalsLine(result, *members);
  const auto silent = result.find("not_answering");
  if (silent != result.end() && silent->is_array() && !silent->empty()) {
    out += "not answering:";
    for (const nlohmann::json& id : *silent)
      out += " " + (id.is_string() ? id.get<std::string>() : JsonText(id));
    out += "\n";
  }
  return out;
}

}  // namespace policyd
