#include "policyd/fleet_status.h"

#include <algorithm>
#include <utility>

#include "policyd/fleet_options.h"
#include "policyd/json_limits.h"
#include "policyd/json_text.h"

namespace policyd {
namespace {

using nlohmann::json;

// {"live_members": [...]} is the deepest part of a reply.
constexpr std::size_t kMaxReplyDepth = 4;

json NullOr(const std::optional<uint64_t>& value) { return value ? json(*value) : json(); }

json StringOrNull(const std::string& text) { return text.empty() ? json() : json(text); }

// The cut error text: at most kMaxFleetReplyErrorBytes bytes, never inside a UTF-8 sequence.
std::string CutError(const std::string& text) {
  if (text.size() <= kMaxFleetReplyErrorBytes) return text;
  std::size_t end = kMaxFleetReplyErrorBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

bool ReadString(const json& object, const char* key, std::string* out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool ReadUnsigned(const json& object, const char* key, uint64_t* out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

bool ReadSigned(const json& object, const char* key, int64_t* out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_number_integer()) return false;
  *out = it->get<int64_t>();
  return true;
}

bool ReadBool(const json& object, const char* key, bool* out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_boolean()) return false;
  *out = it->get<bool>();
  return true;
}

bool ReadLiveMembers(const json& object, FleetMemberReport* report) {
  const auto it = object.find("live_members");
  if (it == object.end() || it->is_null()) return true;
  if (!it->is_array() || it->size() > kMaxFleetReplyLiveMembers) return false;
  for (const json& id : *it) {
    if (!id.is_string() || !IsValidFleetMemberId(id.get<std::string>())) return false;
    report->live_members.push_back(id.get<std::string>());
  }
  return true;
}

json RowJson(const FleetReportRow& row) {
  json out = {{"member_id", row.member_id},
              {"live", row.live},
              {"answered", row.answered},
              {"heartbeat_age_ms", row.heartbeat_age_ms ? json(*row.heartbeat_age_ms) : json()}};
  if (row.reply) {
    const FleetMemberReport& reply = *row.reply;
    out["joined"] = reply.joined;
    out["incarnation"] = reply.incarnation;
    out["documents"] = reply.documents;
    out["documents_owned"] = reply.documents_owned;
    out["checks_in_flight"] = reply.checks_in_flight;
    out["leases_held"] = reply.leases_held;
    out["lag_ms"] = reply.lag_ms;
    out["publish_lag"] = NullOr(reply.publish_lag);
    out["publish_state"] = StringOrNull(reply.publish_state);
    out["live_members"] = reply.live_member_count;
    out["last_error"] = StringOrNull(reply.last_error);
    out["version"] = StringOrNull(reply.version);
    return out;
  }
  // What its last heartbeat said, for a member that did not answer.
  out["joined"] = nullptr;
  out["incarnation"] = row.heartbeat ? json(row.heartbeat->incarnation) : json();
  out["documents"] = nullptr;
  out["documents_owned"] = row.heartbeat ? json(row.heartbeat->owned) : json();
  out["checks_in_flight"] = row.heartbeat ? json(row.heartbeat->in_flight) : json();
  out["leases_held"] = nullptr;
  out["lag_ms"] = row.heartbeat ? json(row.heartbeat->lag_ms) : json();
  out["publish_lag"] = nullptr;
  out["publish_state"] = nullptr;
  out["live_members"] = nullptr;
  out["last_error"] = nullptr;
  out["version"] = nullptr;
  return out;
}

}  // namespace

std::string FleetStatusSubject(std::string_view bucket) {
  return "policyd.fleet." + std::string(bucket) + ".status";
}

bool FleetStatusSubjectClashes(std::string_view subject, std::string_view subject_prefix) {
  if (subject == subject_prefix) return true;
  return subject.size() > subject_prefix.size() && subject.starts_with(subject_prefix) &&
         subject[subject_prefix.size()] == '.';
}

int64_t FleetLagMs(std::optional<int64_t> earliest_due_ms, int64_t now_ms) {
  if (!earliest_due_ms || *earliest_due_ms >= now_ms) return 0;
  return now_ms - *earliest_due_ms;
}

std::string EncodeFleetReply(const FleetMemberReport& report) {
  std::vector<std::string> live = report.live_members;
  if (live.size() > kMaxFleetReplyLiveMembers) live.resize(kMaxFleetReplyLiveMembers);
  json body = {{"member_id", report.member_id},
               {"incarnation", report.incarnation},
               {"started_ms", report.started_ms},
               {"connected", report.connected},
               {"joined", report.joined},
               {"live_members", live},
               {"live_member_count", std::max<uint64_t>(report.live_member_count, live.size())},
               {"documents", report.documents},
               {"documents_owned", report.documents_owned},
               {"checks_in_flight", report.checks_in_flight},
               {"leases_held", report.leases_held},
               {"lag_ms", report.lag_ms},
               {"publish_lag", NullOr(report.publish_lag)},
               {"publish_state", StringOrNull(report.publish_state)},
               {"last_error", StringOrNull(CutError(report.last_error))},
               {"version", StringOrNull(report.version.substr(0, 64))},
               {"now_ms", report.now_ms}};
  // Replaced invalid UTF-8 (an error text from a library) instead of an exception.
  std::string text = JsonText(body);
  if (text.size() > kMaxFleetReplyBytes) {
    // Only a pathological error text (every byte escaped) gets here: drop it.
    body["last_error"] = "(too long)";
    text = JsonText(body);
  }
  return text;
}

std::optional<FleetMemberReport> DecodeFleetReply(std::string_view body) {
  if (body.size() > kMaxFleetReplyBytes) return std::nullopt;
  Result<json> parsed = ParseJsonWithDepthLimit(body, kMaxReplyDepth);
  if (!parsed.ok() || !parsed->is_object()) return std::nullopt;
  const json& object = *parsed;
  FleetMemberReport report;
  const auto id = object.find("member_id");
  if (id == object.end() || !id->is_string()) return std::nullopt;
  report.member_id = id->get<std::string>();
  if (!IsValidFleetMemberId(report.member_id)) return std::nullopt;
  uint64_t publish_lag = 0;
  const bool has_publish_lag =
      object.contains("publish_lag") && !object.at("publish_lag").is_null();
  const bool ok = ReadUnsigned(object, "incarnation", &report.incarnation) &&
                  ReadSigned(object, "started_ms", &report.started_ms) &&
                  ReadBool(object, "connected", &report.connected) &&
                  ReadBool(object, "joined", &report.joined) && ReadLiveMembers(object, &report) &&
                  ReadUnsigned(object, "live_member_count", &report.live_member_count) &&
                  ReadUnsigned(object, "documents", &report.documents) &&
                  ReadUnsigned(object, "documents_owned", &report.documents_owned) &&
                  ReadUnsigned(object, "checks_in_flight", &report.checks_in_flight) &&
                  ReadUnsigned(object, "leases_held", &report.leases_held) &&
                  ReadSigned(object, "lag_ms", &report.lag_ms) &&
                  ReadUnsigned(object, "publish_lag", &publish_lag) &&
                  ReadString(object, "publish_state", &report.publish_state) &&
                  ReadString(object, "last_error", &report.last_error) &&
                  ReadString(object, "version", &report.version) &&
                  ReadSigned(object, "now_ms", &report.now_ms);
  if (!ok || report.lag_ms < 0) return std::nullopt;
  if (has_publish_lag) report.publish_lag = publish_lag;
  report.live_member_count =
      std::max<uint64_t>(report.live_member_count, report.live_members.size());
  return report;
}

FleetGather::FleetGather(std::vector<MemberRecord> records, std::vector<std::string> live)
    : records_(std::move(records)), live_(std::move(live)) {
  std::sort(live_.begin(), live_.end());
  live_.erase(std::unique(live_.begin(), live_.end()), live_.end());
}

bool FleetGather::Offer(std::string_view body) {
  std::optional<FleetMemberReport> reply = DecodeFleetReply(body);
  if (!reply || replies_.size() >= kMaxFleetMembers || replies_.count(reply->member_id) != 0) {
    ++rejected_;
    return false;
  }
  std::string id = reply->member_id;
  replies_.emplace(std::move(id), std::move(*reply));
  return true;
}

bool FleetGather::Complete() const {
  if (live_.empty()) return false;  // nobody to wait for: the asker waits for its timeout
  return std::all_of(live_.begin(), live_.end(),
                     [this](const std::string& id) { return replies_.count(id) != 0; });
}

FleetReport FleetGather::Report(int64_t now_ms) const {
  std::map<std::string, FleetReportRow> rows;
  for (const MemberRecord& record : records_) {
    if (rows.size() >= kMaxFleetMembers) break;
    FleetReportRow& row = rows[record.member_id];
    row.member_id = record.member_id;
    row.heartbeat = record;
    row.heartbeat_age_ms = std::max<int64_t>(0, now_ms - record.heartbeat_ms);
  }
  for (const std::string& id : live_) {
    rows[id].member_id = id;
    rows[id].live = true;
  }
  for (const auto& [id, reply] : replies_) {
    rows[id].member_id = id;
    rows[id].answered = true;
    rows[id].reply = reply;
  }
  FleetReport report;
  report.rejected_replies = rejected_;
  for (auto& [id, row] : rows) {
    if (row.live) ++report.live;
    if (row.reply) {
      ++report.answered;
      report.documents_owned += row.reply->documents_owned;
      report.checks_in_flight += row.reply->checks_in_flight;
      report.leases_held += row.reply->leases_held;
      report.max_lag_ms = std::max(report.max_lag_ms, row.reply->lag_ms);
    } else if (row.live) {
      report.not_answering.push_back(id);
    }
    report.members.push_back(std::move(row));
  }
  report.complete = report.not_answering.empty();
  return report;
}

nlohmann::json ToJson(const FleetReport& report) {
  json members = json::array();
  for (const FleetReportRow& row : report.members) members.push_back(RowJson(row));
  return {{"complete", report.complete},
          {"live", report.live},
          {"answered", report.answered},
          {"not_answering", report.not_answering},
          {"rejected_replies", report.rejected_replies},
          {"totals",
           {{"documents_owned", report.documents_owned},
            {"checks_in_flight", report.checks_in_flight},
            {"leases_held", report.leases_held},
            {"max_lag_ms", report.max_lag_ms}}},
          {"members", members}};
}

}  // namespace policyd
