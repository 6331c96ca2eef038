// Which validators the next conditional request carries (RFC 9110 §13.1): those of the
// response whose text is the document's current version (sent to the URL that response came
// from), only strong ones, and only while the document's URL and extraction settings are those
// they were taken under.
#include <curl/curl.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "policyd/check.h"
#include "policyd/json_text.h"
#include "policyd/sha256.h"

namespace policyd {
namespace {

// RFC 9110 §8.8.2.2: a Last-Modified less than this before the response's Date is weak.
constexpr std::time_t kStrongLastModifiedAgeSeconds = 60;

// An HTTP-date (curl reads every form RFC 9110 §5.6.7 allows), or nullopt.
std::optional<std::time_t> ParseHttpDate(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const std::time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return when;
}

// A page edited twice within one second keeps its Last-Modified, so a server comparing
// If-Modified-Since with it answers 304 to the second edit. Last-Modified is trusted only when
// it is at least a minute before the response's Date (our clock when the server sent none),
// as §8.8.2.2 allows a client to deduce; one that does not parse is not trusted at all.
bool IsStrongLastModified(const FetchResponse& response, int64_t now_ms) {
  const std::optional<std::time_t> modified = ParseHttpDate(response.last_modified);
  if (!modified) return false;
  const auto date_header = response.headers.find("date");
  std::optional<std::time_t> date;
  if (date_header != response.headers.end()) date = ParseHttpDate(date_header->second);
  const std::time_t sent = date.value_or(static_cast<std::time_t>(now_ms / 1000));
  return *modified <= sent - kStrongLastModifiedAgeSeconds;
}

// Which `period`-long window `time_ms` falls in, for document `doc_id`: the windows of one
// document start at its own offset, stable across restarts and builds.
int64_t WindowOf(std::string_view doc_id, int64_t period, int64_t time_ms) {
  const uint64_t hash = Sha256Prefix64(doc_id) >> 4;  // the first 60 bits, as always
  const auto offset = static_cast<int64_t>(hash % static_cast<uint64_t>(period));
  return (time_ms + offset) / period;
}

}  // namespace

uint64_t ValidatorsKey(const DocumentSpec& spec) {
  const ExtractOptions options = MakeExtractOptions(spec);
  nlohmann::json ranges[2];
  for (const auto& [list, out] :
       {std::pair{&options.ranges, &ranges[0]}, std::pair{&options.remove_ranges, &ranges[1]}}) {
    *out = nlohmann::json::array();
    for (const RangeSelector& range : *list) {
      out->push_back({range.start_before, range.start_after, range.end_before, range.end_after});
    }
  }
  const nlohmann::json keyed = {
      spec.url,  options.select,       options.remove,           ranges[0],
      ranges[1], options.ignore_lines, options.include_link_urls};
  // Target files hold UTF-8 (they are refused otherwise); replace is for a spec built by hand.
  const uint64_t key = Sha256Prefix64(JsonText(keyed));
  return key != 0 ? key : 1;
}

bool MaySendValidators(const DocState& state, const DocumentSpec& spec,
                       std::chrono::milliseconds full_fetch_interval, int64_t now_ms) {
  const int64_t period = full_fetch_interval.count();
  if (period <= 0 || state.last_success_ms <= 0) return false;
  // Nothing to send: no key to compute (this runs on the network thread, at every check).
  if (state.etag.empty() && state.last_modified.empty()) return false;
  if (state.validators_key != ValidatorsKey(spec)) return false;
  return WindowOf(spec.id, period, now_ms) == WindowOf(spec.id, period, state.last_success_ms);
}

void ForgetValidators(DocState* state) {
  state->etag.clear();
  state->last_modified.clear();
  state->validators_key = 0;
  state->validators_url.clear();
}

void AdoptValidators(const FetchResponse& response, const DocumentSpec& spec, bool via_interstitial,
                     int64_t now_ms, DocState* state) {
  if (via_interstitial) {
    ForgetValidators(state);
    return;
  }
  // A 304 describes the version already held: it may refresh a validator, never drop one.
  const bool not_modified = response.http_status == 304;
  if (!not_modified || !response.etag.empty()) state->etag = response.etag;
  if (!not_modified || !response.last_modified.empty()) {
    state->last_modified = IsStrongLastModified(response, now_ms) ? response.last_modified : "";
  }
  state->validators_key = ValidatorsKey(spec);
  const bool redirected = response.redirects > 0 && response.final_url != spec.url;
  state->validators_url = redirected ? response.final_url : "";
}

}  // namespace policyd
