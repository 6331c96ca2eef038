// events: the events socket's feed, printed (or passed through as JSON lines with --json).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "events_view.h"
#include "pager.h"
#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
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

int Events(const Options& options) {
  std::filesystem::path control;
  std::filesystem::path events_path;
  if (const auto code = ResolveSockets(options, &control, &events_path)) return *code;
  auto socket = UnixClientSocket::Connect(events_path, options.timeout);
  if (!socket.ok()) return Unreachable(socket.status());
  nlohmann::json request = {{"since", 0}};
  if (options.Has("--since")) {
    const std::string since = options.One("--since");
    if (since.empty() || since.find_first_not_of("0123456789") != std::string::npos) {
      return UsageError("--since takes a sequence number");
    }
    request["since"] = std::stoull(since);
  }
  const bool follow = options.Has("--follow");
  if (Status s = socket->WriteAll(request.dump() + "\n"); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitUnreachable;
  }
  if (follow) socket->SetReadTimeout(milliseconds(0));
  uint64_t caught_up_at = 0;
  EventPrinter printer(options, follow);
  bool greeted = false;  // the feed answers a subscription with feed.hello (or feed.error)
  const auto not_the_feed = [&]() {
    std::fprintf(stderr,
                 "policyctl: %s is not a policyd events socket (no feed.hello); use "
                 "--events-socket or --config\n",
                 events_path.c_str());
    return kExitUnreachable;
  };
  for (;;) {
    auto line = socket->ReadLine(64u << 20);
    if (!line.ok()) {
      if (line.status().IsNotFound()) return greeted ? kExitOk : not_the_feed();
      std::fprintf(stderr, "policyctl: %s\n", line.status().message().c_str());
      return kExitUnreachable;
    }
    const auto message = nlohmann::json::parse(*line, nullptr, false);
    const std::string type =
        message.is_object() && message.contains("type") && message["type"].is_string()
            ? message["type"].get<std::string>()
            : "";
    if (!greeted && type != "feed.hello" && type != "feed.error") return not_the_feed();
    greeted = true;
    if (!message.is_object()) continue;
    if (type == "feed.hello") {
      caught_up_at = message.value("last_seq", uint64_t{0});
      if (!follow && message.value("since", uint64_t{0}) >= caught_up_at) return kExitOk;
      if (follow && message.value("since", uint64_t{0}) >= caught_up_at) printer.Flush();
      continue;
    }
    if (type == "feed.error") {
      std::fprintf(stderr, "policyctl: %s\n", Str(message["message"]).c_str());
      return kExitRefused;
    }
    if (type == "feed.shutdown") {
      printer.Flush();
      std::fprintf(stderr, "policyctl: the daemon is shutting down\n");
      return kExitOk;
    }
    if (type == "feed.heartbeat") continue;
    printer.Add(*line, message);
    const uint64_t seq = message.value("seq", uint64_t{0});
    if (seq >= caught_up_at) {
      printer.Flush();
      if (!follow) return kExitOk;
    }
  }
}

}  // namespace

int RunEvents(const Options& options) { return Events(options); }

}  // namespace policyd::ctl
