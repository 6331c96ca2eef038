// events: the events socket's feed, printed (or passed through as JSON lines with --json).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "events_view.h"
#include "pager.h"
#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "policyd/ascii.h"
#include "policyd/json_text.h"
#include "policyd/unix_socket.h"

namespace policyd::ctl {
namespace {

using std::chrono::milliseconds;

// How many replayed events are read before the first line is printed, so that the columns
// fit them (views/events_view.h): enough for a screen or two, bounded in memory.
constexpr std::size_t kFitBatch = 500;

// Prints events as aligned lines: the first batch of a replay is held back to size the
// columns, then lines stream (a pager, on a terminal, only when not following).
class EventPrinter {
 public:
  EventPrinter(const Options& options, bool follow)
      : json_(options.json),
        follow_(follow),
        paged_(!options.json && !follow && !options.no_pager),
        view_(TerminalWidth(STDOUT_FILENO)) {}

  void Add(const std::string& line, const nlohmann::json& event) {
    if (json_) {
      std::cout << line << std::endl;
      return;
    }
    if (!started_ && !follow_ && held_.size() < kFitBatch) {
      held_.push_back(event);
      return;
    }
    Start();
    std::cout << view_.Line(event);
    if (follow_) std::cout.flush();
  }

  // Prints what is held back (at the end of a replay, or when following catches up); a
  // replay with no event prints nothing, not even the header.
  void Flush() {
    if (json_ || (held_.empty() && !follow_ && !started_)) return;
    Start();
    std::cout.flush();
  }

  // Whatever ends the feed (its end, an error, a shutdown) still prints what was read.
  ~EventPrinter() { Flush(); }
  EventPrinter(const EventPrinter&) = delete;
  EventPrinter& operator=(const EventPrinter&) = delete;

 private:
  void Start() {
    if (started_) return;
    started_ = true;
    view_.Fit(held_);
    if (paged_ && !held_.empty()) pager_.emplace(PagerOptions{});
    std::cout << view_.Header();
    for (const nlohmann::json& event : held_) std::cout << view_.Line(event);
    held_.clear();
  }

  const bool json_;
  const bool follow_;
  const bool paged_;
  EventsView view_;
  std::vector<nlohmann::json> held_;
  bool started_ = false;
  std::optional<Pager> pager_;
};

// What the feed's messages mean to `policyctl events`, one line at a time.
class FeedReader {
 public:
  FeedReader(const Options& options, bool follow, std::filesystem::path events_path)
      : follow_(follow), events_path_(std::move(events_path)), printer_(options, follow) {}

  // One line of the feed: nullopt to read on, else the exit code.
  std::optional<int> Take(const std::string& line) {
    const auto message = nlohmann::json::parse(line, nullptr, false);
    const std::string type =
        message.is_object() && message.contains("type") && message["type"].is_string()
            ? message["type"].get<std::string>()
            : "";
    // The feed answers a subscription with feed.hello (or feed.error).
    if (!greeted_ && type != "feed.hello" && type != "feed.error") return NotTheFeed();
    greeted_ = true;
    if (!message.is_object() || type == "feed.heartbeat") return std::nullopt;
    if (type == "feed.hello" || type == "feed.error" || type == "feed.shutdown") {
      return TakeFeedNotice(type, message);
    }
    printer_.Add(line, message);
    if (message.value("seq", uint64_t{0}) >= caught_up_at_) {
      printer_.Flush();
      if (!follow_) return kExitOk;
    }
    return std::nullopt;
  }

  // The daemon closed the feed before its end (a replay not caught up, or a follow), without
  // feed.shutdown: killed, or the feed failed. Not a clean end, whatever was printed.
  int End() {
    if (!greeted_) return NotTheFeed();
    printer_.Flush();
    std::fprintf(stderr,
                 "policyctl: the events feed closed without feed.shutdown (policyd stopped "
                 "abnormally?); events after the last one printed may be missing\n");
    return kExitUnreachable;
  }

 private:
  // feed.hello (where the replay ends), feed.error or feed.shutdown.
  std::optional<int> TakeFeedNotice(const std::string& type, const nlohmann::json& message) {
    if (type == "feed.hello") {
      caught_up_at_ = message.value("last_seq", uint64_t{0});
      const bool nothing_to_replay = message.value("since", uint64_t{0}) >= caught_up_at_;
      if (nothing_to_replay && !follow_) return kExitOk;
      if (nothing_to_replay) printer_.Flush();
    } else if (type == "feed.error") {
      std::fprintf(stderr, "policyctl: %s\n", Str(message["message"]).c_str());
      return kExitRefused;
    } else {
      printer_.Flush();
      std::fprintf(stderr, "policyctl: the daemon is shutting down\n");
      return kExitOk;
    }
    return std::nullopt;
  }

  int NotTheFeed() const {
    std::fprintf(stderr,
                 "policyctl: %s is not a policyd events socket (no feed.hello); use "
                 "--events-socket or --config\n",
                 events_path_.c_str());
    return kExitUnreachable;
  }

  const bool follow_;
  const std::filesystem::path events_path_;
  EventPrinter printer_;
  bool greeted_ = false;
  uint64_t caught_up_at_ = 0;  // the last event's seq when the feed said hello
};

// The subscription request: the feed from --since (0 unless told); an exit code when
// --since is not a sequence number.
std::variant<nlohmann::json, int> SubscriptionRequest(const Options& options) {
  nlohmann::json request = {{"since", 0}};
  if (options.Has("--since")) {
    const std::optional<uint64_t> since = ParseDecimalUint64(options.One("--since"));
    if (!since) return UsageError("--since takes a sequence number", "events");
    request["since"] = *since;
  }
  return request;
}

int Events(const Options& options) {
  std::filesystem::path control;
  std::filesystem::path events_path;
  const auto request = SubscriptionRequest(options);
  if (const int* code = std::get_if<int>(&request)) return *code;
  if (const auto code = ResolveSockets(options, &control, &events_path)) return *code;
  auto socket = UnixClientSocket::Connect(events_path, options.timeout);
  if (!socket.ok()) return Unreachable(socket.status());
  if (Status s = socket->WriteAll(JsonText(std::get<nlohmann::json>(request)) + "\n"); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitUnreachable;
  }
  const bool follow = options.Has("--follow");
  if (follow) socket->SetReadTimeout(milliseconds(0));
  FeedReader reader(options, follow, events_path);
  for (;;) {
    auto line = socket->ReadLine(64u << 20);
    if (!line.ok()) {
      if (line.status().IsNotFound()) return reader.End();
      std::fprintf(stderr, "policyctl: %s\n", line.status().message().c_str());
      return kExitUnreachable;
    }
    if (const auto code = reader.Take(*line)) return *code;
  }
}

}  // namespace

int RunEvents(const Options& options) { return Events(options); }

}  // namespace policyd::ctl
