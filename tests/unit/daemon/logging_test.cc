// The structured log fields: the journal entry and the JSON line of one log line.
#include "logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace policyd {
namespace {

using Entry = std::vector<std::string>;

TEST(LoggingTest, JournalEntryCarriesTheDocumentFieldsThatAreSet) {
  const LogFields fields{"coursera/privacy-policy", "http_5xx", 503};
  EXPECT_EQ(JournalEntry("coursera/privacy-policy: check failed (http_5xx): HTTP 503", 4, fields),
            (Entry{"MESSAGE=coursera/privacy-policy: check failed (http_5xx): HTTP 503",
                   "PRIORITY=4", "SYSLOG_IDENTIFIER=policyd", "DOC_ID=coursera/privacy-policy",
                   "REASON=http_5xx", "HTTP_STATUS=503"}));
  // A transfer error has no status; a line about no document has no fields at all.
  EXPECT_EQ(
      JournalEntry("x", 4, LogFields{"a/b", "dns", 0}),
      (Entry{"MESSAGE=x", "PRIORITY=4", "SYSLOG_IDENTIFIER=policyd", "DOC_ID=a/b", "REASON=dns"}));
  EXPECT_EQ(JournalEntry("summary", 6, LogFields{}),
            (Entry{"MESSAGE=summary", "PRIORITY=6", "SYSLOG_IDENTIFIER=policyd"}));
}

TEST(LoggingTest, JsonLineHasTimeLevelMessageAndTheFieldsThatAreSet) {
  const std::string line = JsonLogLine(1'764'907'200'123, spdlog::level::warn, "a/b: failed",
                                       LogFields{"a/b", "http_5xx", 502});
  EXPECT_EQ(line, R"({"time":"2025-12-05T04:00:00.123Z","level":"warning","message":"a/b: failed",)"
                  R"("doc_id":"a/b","reason":"http_5xx","http_status":502})");
  EXPECT_EQ(JsonLogLine(0, spdlog::level::info, "hello", LogFields{}),
            R"({"time":"1970-01-01T00:00:00.000Z","level":"info","message":"hello"})");
}

TEST(LoggingTest, JsonLineReplacesInvalidUtf8InsteadOfThrowing) {
  const std::string line =
      JsonLogLine(0, spdlog::level::err, "bad \xff byte", LogFields{"a/b", "", 0});
  const auto parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["message"], "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(parsed["level"], "error");
  EXPECT_FALSE(parsed.contains("reason"));
}

}  // namespace
}  // namespace policyd
