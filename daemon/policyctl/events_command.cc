// events: the events socket's feed, printed (or passed through as JSON lines with --json).
#include <cstdio>
#include <iostream>

#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "policyd/unix_socket.h"

namespace policyd::ctl {
namespace {

using std::chrono::milliseconds;

std::string EventSummary(const nlohmann::json& e) {
  const std::string type = e.value("type", "");
  std::string line = Str(e["seq"]) + "  " + Str(e["time"]) + "  " + type + "  " + Str(e["doc"]);
  if (type == "document.changed" || type == "document.reread") {
    line += "  +" + Str(e["lines_added"]) + " -" + Str(e["lines_removed"]) + "  " +
            Short(e["old_hash"]) + " -> " + Short(e["new_hash"]);
    if (e.contains("change_class")) line += "  " + Str(e["change_class"]);
  } else if (type == "document.first_seen") {
    line += "  " + Short(e["hash"]);
  } else if (type == "document.fetch_failed") {
    line += "  " + Str(e["reason"]) + ": " + Str(e["message"]);
  }
  return line;
}

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
      continue;
    }
    if (type == "feed.error") {
      std::fprintf(stderr, "policyctl: %s\n", Str(message["message"]).c_str());
      return kExitRefused;
    }
    if (type == "feed.shutdown") {
      std::fprintf(stderr, "policyctl: the daemon is shutting down\n");
      return kExitOk;
    }
    if (type == "feed.heartbeat") continue;
    std::cout << (options.json ? *line : EventSummary(message)) << std::endl;
    if (!follow && message.value("seq", uint64_t{0}) >= caught_up_at) return kExitOk;
  }
}

}  // namespace

int RunEvents(const Options& options) { return Events(options); }

}  // namespace policyd::ctl
