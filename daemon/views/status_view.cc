#include "status_view.h"

#include <utility>
#include <vector>

#include "policyd/clock.h"
#include "policyd/human_units.h"
#include "policyd/json_fields.h"
#include "text_width.h"
#include "webhooks_view.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;

// Labelled lines, the labels padded to the widest.
class Lines {
 public:
  void Add(std::string label, std::string value) {
    lines_.emplace_back(std::move(label), std::move(value));
  }
  std::string Render() const {
    std::size_t width = 0;
    for (const auto& [label, value] : lines_) width = std::max(width, DisplayWidth(label));
    std::string out;
    for (const auto& [label, value] : lines_) out += PadRight(label, width + 2) + value + "\n";
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

std::string Plural(int64_t count, const char* one, const char* many) {
  return std::to_string(count) + " " + (count == 1 ? one : many);
}

std::string DaemonLine(const nlohmann::json& s) {
  std::string line = FieldText(s, "version") + " (pid " + FieldText(s, "pid") + ")";
  if (const auto uptime = FieldInt(s, "uptime_seconds")) {
    line += ", up " + HumanDuration(milliseconds(*uptime * 1000));
  }
  if (s.contains("started")) line += " since " + FieldText(s, "started");
  return line;
}

std::string DocumentsLine(const nlohmann::json& s) {
  std::string line = FieldText(s, "documents") + " watched";
  if (const auto failing = FieldInt(s, "failing")) {
    line += ", " + std::to_string(*failing) + " failing";
    if (const auto reported = FieldInt(s, "failure_reported"); reported && *reported > 0) {
      line += " (" + std::to_string(*reported) + " reported)";
    }
  }
  return line;
}

// "312/674, 2m 10s so far" while it runs; "674/674 in 5m 12s" once complete; the documents
// checked before this start named, "674/674, all checked before this start" when that is all.
std::string FirstPassLine(const nlohmann::json& pass) {
  // [fleet] Documents left to the members that own their sites count as passed.
  const int64_t elsewhere = FieldInt(pass, "left_to_other_members").value_or(0);
  const int64_t checked = FieldInt(pass, "checked").value_or(0) + elsewhere;
  const int64_t total = FieldInt(pass, "total").value_or(0);
  const int64_t before = FieldInt(pass, "checked_before_start").value_or(0);
  std::string line = HumanCount(static_cast<uint64_t>(std::max<int64_t>(0, checked)),
                                static_cast<uint64_t>(std::max<int64_t>(0, total)));
  if (elsewhere > 0) {
    line += " (" + std::to_string(elsewhere) + " left to other members of the fleet)";
  }
  if (before > 0 && before == total) return line + ", all checked before this start";
  const std::string earlier =
      before > 0 ? " (" + std::to_string(before) + " checked before this start)" : "";
  const auto duration = FieldInt(pass, "duration_ms");
  // A pass whose every check predates this start took no time of this run's.
  const std::string took = before > 0 && before == checked ? " before this start"
                           : duration ? " in " + HumanDuration(milliseconds(*duration))
                                      : "";
  if (FieldBool(pass, "complete") && checked < total) {
    // Documents added after the pass completed (a reload, `add`) do not reopen it.
    return "complete" + took + "; " + Plural(total - checked, "document", "documents") +
           " added since, not checked yet (" + line + ")";
  }
  if (FieldBool(pass, "complete")) return line + took + earlier;
  if (duration) line += ", " + HumanDuration(milliseconds(*duration)) + " so far";
  return line + earlier;
}

std::string ChecksLine(const nlohmann::json& s) {
  std::string line =
      FieldText(s, "checks_done") + " done, " + FieldText(s, "checks_in_progress") + " in progress";
  std::vector<std::string> parts;
  if (const auto running = FieldInt(s, "fetches_running")) {
    parts.push_back(std::to_string(*running) + " fetching");
  }
  if (const auto queued = FieldInt(s, "fetches_queued"); queued && *queued > 0) {
    parts.push_back(std::to_string(*queued) + " waiting for their host");
  }
  if (const auto processing = FieldInt(s, "processing"); processing && *processing > 0) {
    parts.push_back(std::to_string(*processing) + " being processed");
  }
  if (!parts.empty()) {
    line += " (";
    for (std::size_t i = 0; i < parts.size(); ++i) line += (i == 0 ? "" : ", ") + parts[i];
    line += ")";
  }
  return line;
}

std::string NextDueLine(const nlohmann::json& s, int64_t now_ms) {
  const std::string due = FieldString(s, "next_due");
  if (due.empty()) return "nothing scheduled";
  const auto due_ms = ParseTimestamp(due);
  if (!due_ms) return due;
  if (*due_ms <= now_ms) return "now (" + due + ")";
  return HumanAge(milliseconds(now_ms - *due_ms)) + " (" + due + ")";
}

// "shop.example:443 rests 4m more: the server is struggling: ..." (or "waits", when the
// server asked for it).
std::string HeldHostLine(const nlohmann::json& host) {
  const int64_t left = FieldInt(host, "seconds_left").value_or(0);
  return FieldText(host, "host") + (FieldText(host, "kind") == "rest" ? " rests " : " waits ") +
         HumanDuration(milliseconds(left * 1000)) + " more: " + FieldText(host, "why");
}

std::string BrowserLine(const nlohmann::json& browser) {
  if (!FieldBool(browser, "enabled")) return "disabled";
  if (!FieldBool(browser, "running")) {
    return "enabled, not running (" + FieldText(browser, "pages_rendered") + " pages rendered, " +
           FieldText(browser, "render_failures") + " failures)";
  }
  return FieldText(browser, "version") + ": " + FieldText(browser, "rendering") + " rendering, " +
         FieldText(browser, "queued") + " queued, " + FieldText(browser, "pages_rendered") +
         " pages rendered, " + FieldText(browser, "render_failures") + " failures, " +
         FieldText(browser, "restarts") + " restarts";
}

// "connected to nats://127.0.0.1:4222, stream POLICYD_EVENTS, 0 to publish (published up to
// event 42)"; when not connected, the last error instead of the URL.
std::string NatsLine(const nlohmann::json& nats) {
  const std::string state = FieldText(nats, "state");
  std::string line = state;
  if (state == "connected") line += " to " + FieldText(nats, "url");
  line += ", stream " + FieldText(nats, "stream");
  if (state != "connected") {
    if (const std::string error = FieldString(nats, "last_error"); !error.empty()) {
      line += ", last error: " + error;
    }
  }
  return line + ", " + FieldText(nats, "lag") + " to publish (published up to event " +
         FieldText(nats, "published_seq") + ")";
}

std::string StorageLine(const nlohmann::json& s) {
  const auto it = s.find("storage_error");
  if (it == s.end() || !it->is_object()) return "ok";
  const nlohmann::json& error = *it;
  std::string line = "ERROR since " + FieldText(error, "since") + ": " +
                     FieldText(error, "message") + " (" + FieldText(error, "failed_commits") +
                     " commits failed, " + FieldText(error, "documents_to_recheck") +
                     " documents to recheck; checks paused)";
  // Why recovery keeps failing: too little space freed, or a corrupt database to restore.
  if (const std::string attempt = FieldString(error, "last_attempt_error"); !attempt.empty()) {
    line +=
        "; " + FieldText(error, "recovery_attempts") + " recovery attempts, the last: " + attempt;
    if (const std::string next = FieldString(error, "next_attempt"); !next.empty()) {
      line += "; next at " + next;
    }
  }
  return line;
}

}  // namespace

std::string RenderStatus(const nlohmann::json& status, int64_t now_ms) {
  Lines lines;
  lines.Add("policyd", DaemonLine(status));
  lines.Add("documents", DocumentsLine(status));
  if (const auto pass = status.find("first_pass"); pass != status.end() && pass->is_object()) {
    lines.Add("first pass", FirstPassLine(*pass));
  }
  lines.Add("checks", ChecksLine(status));
  lines.Add("next due", NextDueLine(status, now_ms));
  if (const auto held = status.find("held_hosts"); held != status.end() && held->is_array()) {
    for (const nlohmann::json& host : *held) lines.Add("held host", HeldHostLine(host));
  }
  std::string events = "last " + FieldText(status, "last_seq");
  if (const auto subscribers = FieldInt(status, "subscribers")) {
    events += ", " + Plural(*subscribers, "subscriber", "subscribers");
  }
  lines.Add("events", events);
  std::string database = "-";
  if (const auto bytes = FieldInt(status, "database_bytes")) database = HumanBytes(*bytes);
  if (status.contains("state_dir")) database += " in " + FieldText(status, "state_dir");
  lines.Add("database", database);
  if (const auto browser = status.find("browser");
      browser != status.end() && browser->is_object()) {
    lines.Add("browser", BrowserLine(*browser));
  }
  if (const auto webhooks = status.find("webhooks");
      webhooks != status.end() && webhooks->is_object()) {
    lines.Add("webhooks", WebhooksStatusLine(*webhooks));
  }
  if (const auto nats = status.find("nats"); nats != status.end() && nats->is_object()) {
    lines.Add("nats", NatsLine(*nats));
  }
  if (const auto web = status.find("web"); web != status.end() && web->is_object()) {
    lines.Add("web view",
              "http on " + FieldText(*web, "listen") + ", " +
                  Plural(FieldInt(*web, "connections").value_or(0), "connection", "connections"));
  }
  lines.Add("storage", StorageLine(status));
  return lines.Render();
}

}  // namespace policyd
