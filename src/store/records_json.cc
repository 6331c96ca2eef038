// JSON forms of the stored records. Field names are the struct members'. Readers take what
// they find and keep defaults for missing or mistyped fields, so records written by older
// versions (with fewer fields) still load; nothing here throws.
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "policyd/store.h"

namespace policyd {
namespace {

using nlohmann::json;

void Read(const json& j, const char* key, std::string* out) {
  const auto it = j.find(key);  // end() when `j` is not an object
  if (it != j.end() && it->is_string()) *out = it->get<std::string>();
}

void Read(const json& j, const char* key, bool* out) {
  const auto it = j.find(key);
  if (it != j.end() && it->is_boolean()) *out = it->get<bool>();
}

template <typename Int>
void ReadInt(const json& j, const char* key, Int* out) {
  const auto it = j.find(key);
  if (it != j.end() && it->is_number_integer()) *out = it->get<Int>();
}

void Read(const json& j, const char* key, std::map<std::string, std::string>* out) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return;
  for (const auto& [name, value] : it->items()) {
    if (value.is_string()) (*out)[name] = value.get<std::string>();
  }
}

}  // namespace

const char* RenderChoiceName(RenderChoice choice) {
  switch (choice) {
    case RenderChoice::kUndecided:
      return "";
    case RenderChoice::kStatic:
      return "static";
    case RenderChoice::kBrowser:
      return "browser";
    case RenderChoice::kNeither:
      return "neither";
  }
  return "";
}

const char* FetcherKindName(FetcherKind kind) {
  return kind == FetcherKind::kBrowser ? "browser" : "http";
}

json ToJson(const DocState& state) {
  return {
      {"last_text_hash", state.last_text_hash},
      {"etag", state.etag},
      {"last_modified", state.last_modified},
      {"validators_key", state.validators_key},
      {"validators_url", state.validators_url},
      {"next_due_ms", state.next_due_ms},
      {"last_check_ms", state.last_check_ms},
      {"last_success_ms", state.last_success_ms},
      {"last_change_ms", state.last_change_ms},
      {"text_seen_ms", state.text_seen_ms},
      {"consecutive_failures", state.consecutive_failures},
      {"failure_reported", state.failure_reported},
      {"last_error", state.last_error},
      {"version_count", state.version_count},
      {"suspect_hash", state.suspect_hash},
      {"suspect_count", state.suspect_count},
      {"suspect_since_ms", state.suspect_since_ms},
      {"render_choice", RenderChoiceName(state.render_choice)},
      {"render_tested_ms", state.render_tested_ms},
  };
}

json ToJson(const CheckRecord& check) {
  json record = {
      {"time_ms", check.time_ms},         {"outcome", check.outcome},
      {"reason", check.reason},           {"message", check.message},
      {"http_status", check.http_status}, {"raw_hash", check.raw_hash},
      {"text_hash", check.text_hash},     {"duration_ms", check.duration_ms},
  };
  if (!check.final_url.empty()) record["final_url"] = check.final_url;  // redirected only
  return record;
}

json ToJson(const VersionRecord& version) {
  json record = {
      {"time_ms", version.time_ms},
      {"text_hash", version.text_hash},
      {"raw_hash", version.raw_hash},
      {"http_status", version.http_status},
      {"url", version.url},
      {"final_url", version.final_url},
      {"headers", version.headers},
      {"event_seq", version.event_seq},
      {"policyd_version", version.policyd_version},
      {"fetcher", FetcherKindName(version.fetcher)},
      {"browser_version", version.browser_version},
      {"lang", version.lang},
      {"reread", version.reread},
      {"segment_ids_hash", version.segment_ids_hash},
      {"segment_rules", version.segment_rules},
  };
  // Only when known or held: the records of other versions stay as they were.
  if (version.previous_seen_ms != 0) record["previous_seen_ms"] = version.previous_seen_ms;
  if (version.held_since_ms != 0) record["held_since_ms"] = version.held_since_ms;
  // Only on adopted versions ([fleet]): every other record stays as it was.
  if (!version.adopted_from.empty()) record["adopted_from"] = version.adopted_from;
  return record;
}

DocState DocStateFromJson(const json& j) {
  DocState state;
  Read(j, "last_text_hash", &state.last_text_hash);
  Read(j, "etag", &state.etag);
  Read(j, "last_modified", &state.last_modified);
  ReadInt(j, "validators_key", &state.validators_key);
  Read(j, "validators_url", &state.validators_url);
  ReadInt(j, "next_due_ms", &state.next_due_ms);
  ReadInt(j, "last_check_ms", &state.last_check_ms);
  ReadInt(j, "last_success_ms", &state.last_success_ms);
  ReadInt(j, "last_change_ms", &state.last_change_ms);
  ReadInt(j, "text_seen_ms", &state.text_seen_ms);
  ReadInt(j, "consecutive_failures", &state.consecutive_failures);
  Read(j, "failure_reported", &state.failure_reported);
  Read(j, "last_error", &state.last_error);
  ReadInt(j, "version_count", &state.version_count);
  Read(j, "suspect_hash", &state.suspect_hash);
  ReadInt(j, "suspect_count", &state.suspect_count);
  ReadInt(j, "suspect_since_ms", &state.suspect_since_ms);
  std::string choice;
  Read(j, "render_choice", &choice);
  for (const RenderChoice known :
       {RenderChoice::kStatic, RenderChoice::kBrowser, RenderChoice::kNeither}) {
    if (choice == RenderChoiceName(known)) state.render_choice = known;
  }
  ReadInt(j, "render_tested_ms", &state.render_tested_ms);
  return state;
}

CheckRecord CheckRecordFromJson(const json& j) {
  CheckRecord check;
  ReadInt(j, "time_ms", &check.time_ms);
  Read(j, "outcome", &check.outcome);
  Read(j, "reason", &check.reason);
  Read(j, "message", &check.message);
  ReadInt(j, "http_status", &check.http_status);
  Read(j, "raw_hash", &check.raw_hash);
  Read(j, "text_hash", &check.text_hash);
  ReadInt(j, "duration_ms", &check.duration_ms);
  Read(j, "final_url", &check.final_url);
  return check;
}

VersionRecord VersionRecordFromJson(const json& j) {
  VersionRecord version;
  ReadInt(j, "time_ms", &version.time_ms);
  ReadInt(j, "previous_seen_ms", &version.previous_seen_ms);
  ReadInt(j, "held_since_ms", &version.held_since_ms);
  Read(j, "text_hash", &version.text_hash);
  Read(j, "raw_hash", &version.raw_hash);
  ReadInt(j, "http_status", &version.http_status);
  Read(j, "url", &version.url);
  Read(j, "final_url", &version.final_url);
  Read(j, "headers", &version.headers);
  ReadInt(j, "event_seq", &version.event_seq);
  Read(j, "policyd_version", &version.policyd_version);
  std::string fetcher;
  Read(j, "fetcher", &fetcher);
  if (fetcher == FetcherKindName(FetcherKind::kBrowser)) version.fetcher = FetcherKind::kBrowser;
  Read(j, "browser_version", &version.browser_version);
  Read(j, "lang", &version.lang);
  Read(j, "reread", &version.reread);
  Read(j, "segment_ids_hash", &version.segment_ids_hash);
  ReadInt(j, "segment_rules", &version.segment_rules);
  Read(j, "adopted_from", &version.adopted_from);
  return version;
}

}  // namespace policyd
