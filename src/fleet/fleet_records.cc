#include "policyd/fleet_records.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "policyd/fleet_options.h"
#include "policyd/json_text.h"

namespace policyd {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxRecordBytes = 1024;

// The JSON object in `text`, or a discarded value.
json ParseObject(std::string_view text) {
  if (text.size() > kMaxRecordBytes) return json(json::value_t::discarded);
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return json(json::value_t::discarded);
  return parsed;
}

bool ReadString(const json& object, const char* key, std::string* out) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

bool ReadUnsigned(const json& object, const char* key, uint64_t* out) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

bool ReadSigned(const json& object, const char* key, int64_t* out) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return false;
  *out = it->get<int64_t>();
  return true;
}

bool IsSha256Hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string FleetKeyToken(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string token;
  token.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_') {
      token.push_back(c);
    } else {
      token.push_back('=');
      token.push_back(kHex[byte >> 4]);
      token.push_back(kHex[byte & 0x0f]);
    }
  }
  return token;
}

std::string MemberKey(std::string_view member_id) {
  return std::string(kFleetMemberPrefix) + FleetKeyToken(member_id);
}

std::string LeaseKey(std::string_view document_id) {
  return std::string(kFleetLeasePrefix) + FleetKeyToken(document_id);
}

std::string DocumentKey(std::string_view document_id) {
  return std::string(kFleetDocumentPrefix) + FleetKeyToken(document_id);
}

std::string FleetDocumentBucketName(std::string_view bucket) {
  return std::string(bucket) + "-docs";
}

std::string EncodeMemberRecord(const MemberRecord& record) {
  return JsonText(json{{"member", record.member_id},
                       {"incarnation", record.incarnation},
                       {"heartbeat_ms", record.heartbeat_ms},
                       {"started_ms", record.started_ms},
                       {"owned", record.owned},
                       {"in_flight", record.in_flight},
                       {"lag_ms", record.lag_ms}});
}

std::optional<MemberRecord> DecodeMemberRecord(std::string_view text) {
  const json object = ParseObject(text);
  if (object.is_discarded()) return std::nullopt;
  MemberRecord record;
  if (!ReadString(object, "member", &record.member_id) || !IsValidFleetMemberId(record.member_id) ||
      !ReadUnsigned(object, "incarnation", &record.incarnation) ||
      !ReadSigned(object, "heartbeat_ms", &record.heartbeat_ms) ||
      !ReadSigned(object, "started_ms", &record.started_ms)) {
    return std::nullopt;
  }
  // For people only: a member of an older build may not send them.
  ReadUnsigned(object, "owned", &record.owned);
  ReadUnsigned(object, "in_flight", &record.in_flight);
  ReadSigned(object, "lag_ms", &record.lag_ms);
  return record;
}

std::string EncodeLeaseRecord(const LeaseRecord& record) {
  return JsonText(json{{"holder", record.holder},
                       {"incarnation", record.incarnation},
                       {"expires_ms", record.expires_ms}});
}

std::optional<LeaseRecord> DecodeLeaseRecord(std::string_view text) {
  const json object = ParseObject(text);
  if (object.is_discarded()) return std::nullopt;
  LeaseRecord record;
  if (!ReadString(object, "holder", &record.holder) ||
      !ReadUnsigned(object, "incarnation", &record.incarnation) ||
      !ReadSigned(object, "expires_ms", &record.expires_ms)) {
    return std::nullopt;
  }
  if (!record.holder.empty() && !IsValidFleetMemberId(record.holder)) return std::nullopt;
  return record;
}

std::string EncodeDocumentRecord(const DocumentRecord& record) {
  return JsonText(
      json{{"version", record.version}, {"checked_ms", record.checked_ms}, {"by", record.by}});
}

std::optional<DocumentRecord> DecodeDocumentRecord(std::string_view text) {
  const json object = ParseObject(text);
  if (object.is_discarded()) return std::nullopt;
  DocumentRecord record;
  if (!ReadString(object, "version", &record.version) || !IsSha256Hex(record.version) ||
      !ReadSigned(object, "checked_ms", &record.checked_ms) || record.checked_ms < 0 ||
      !ReadString(object, "by", &record.by) || !IsValidFleetMemberId(record.by)) {
    return std::nullopt;
  }
  return record;
}

}  // namespace policyd
