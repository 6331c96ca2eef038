// Builders for the CheckCommit values the store tests write.
#ifndef POLICYD_TESTS_UNIT_STORE_TEST_COMMITS_H_
#define POLICYD_TESTS_UNIT_STORE_TEST_COMMITS_H_

#include <cstdint>
#include <string>

#include "policyd/store.h"

namespace policyd {

// A check that found a new version `text` of `doc_id` and announces it with an event.
inline CheckCommit ChangedCommit(const std::string& doc_id, int64_t time_ms,
                                 const std::string& text) {
  CheckCommit commit;
  commit.doc_id = doc_id;
  commit.check.time_ms = time_ms;
  commit.check.outcome = "changed";
  commit.check.http_status = 200;
  commit.check.text_hash = Sha256Hex(text);
  commit.state.last_text_hash = Sha256Hex(text);
  commit.state.last_check_ms = time_ms;
  commit.state.last_change_ms = time_ms;
  CheckCommit::NewVersion version;
  version.text = text;
  version.raw_html = "<html><body>" + text + "</body></html>";
  version.record.time_ms = time_ms;
  version.record.http_status = 200;
  version.record.url = "https://example.com/" + doc_id;
  version.record.final_url = version.record.url;
  version.record.headers = {{"content-type", "text/html"}};
  commit.version = version;
  commit.events = {nlohmann::json{{"type", "document.changed"}, {"doc_id", doc_id}}};
  return commit;
}

// A check that stores `text` as a new version of `doc_id`, announced like the daemon does.
inline CheckCommit VersionCommit(const std::string& doc_id, int64_t time_ms,
                                 const std::string& text, const std::string& previous_hash) {
  CheckCommit commit;
  commit.doc_id = doc_id;
  commit.check.time_ms = time_ms;
  commit.check.outcome = previous_hash.empty() ? "first_seen" : "changed";
  commit.check.http_status = 200;
  const std::string html = "<html><body><main>" + text + "</main></body></html>";
  commit.check.raw_hash = Sha256Hex(html);
  commit.check.text_hash = Sha256Hex(text);
  commit.state.last_text_hash = Sha256Hex(text);
  commit.state.last_check_ms = time_ms;
  CheckCommit::NewVersion version;
  version.text = text;
  version.raw_html = html;
  version.record.time_ms = time_ms;
  version.record.http_status = 200;
  version.record.url = "https://example.com/" + doc_id;
  commit.version = version;
  nlohmann::json event = {
      {"type", previous_hash.empty() ? "document.first_seen" : "document.changed"},
      {"doc", doc_id}};
  if (previous_hash.empty()) {
    event["hash"] = Sha256Hex(text);
  } else {
    event["old_hash"] = previous_hash;
    event["new_hash"] = Sha256Hex(text);
  }
  commit.events = {event};
  return commit;
}

// A check that found nothing new: no version, no event.
inline CheckCommit UnchangedCommit(const std::string& doc_id, int64_t time_ms) {
  CheckCommit commit;
  commit.doc_id = doc_id;
  commit.check.time_ms = time_ms;
  commit.check.outcome = "unchanged";
  commit.state.last_check_ms = time_ms;
  return commit;
}

}  // namespace policyd

#endif  // POLICYD_TESTS_UNIT_STORE_TEST_COMMITS_H_
