// The daemon and its watch list: status, list, check, add, remove, reload, webhooks, metrics,
// fleet.
#include <chrono>
#include <iostream>

#include "check_view.h"
#include "fleet_view.h"
#include "list_view.h"
#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "policyd/check_wait.h"
#include "policyd/clock.h"
#include "status_view.h"
#include "webhooks_view.h"

namespace policyd::ctl {
namespace {

// `check --wait`'s own bound when --wait-timeout is not given (the daemon's default too).
constexpr std::chrono::minutes kDefaultWaitTimeout{10};

// 0 when every waited-for check ended with a text (stored or unchanged), 1 when one failed,
// was held as suspicious, or did not finish within the wait. The results are named as the
// daemon stores them (docs/CONTROL.md, `check` with "wait").
int CheckOutcomesExitStatus(const nlohmann::json& result) {
  if (!result.value("complete", false)) return kExitRefused;
  const auto outcomes = result.find("outcomes");
  if (outcomes == result.end() || !outcomes->is_array()) return kExitRefused;
  for (const nlohmann::json& outcome : *outcomes) {
    const std::string name = outcome.is_object() ? outcome.value("result", "") : "";
    if (name != "first_seen" && name != "changed" && name != "reread" && name != "adopted" &&
        name != "unchanged" && name != "not_modified") {
      return kExitRefused;
    }
  }
  return kExitOk;
}

}  // namespace

int RunStatus(const Options& options) {
  return CallAndPrint(options, {{"cmd", "status"}}, [](const nlohmann::json& result) {
    std::cout << RenderStatus(result, NowUnixMillis());
    return kExitOk;
  });
}

int RunList(const Options& options) {
  nlohmann::json request = {{"cmd", "list"}};
  if (options.Has("--failing")) request["failing"] = true;
  if (options.Has("--platform")) request["platform"] = options.One("--platform");
  if (options.Has("--type")) request["type"] = options.One("--type");
  return CallAndPrint(
      options, request,
      [](const nlohmann::json& result) {
        std::cout << RenderList(result);
        return kExitOk;
      },
      OutputLength::kLong);
}

int RunCheck(const Options& options) {
  if (options.Has("--all") == (options.positional.size() == 1)) {
    return UsageError("check takes one DOC or --all", "check");
  }
  nlohmann::json request = {{"cmd", "check"}};
  if (options.Has("--all")) {
    request["all"] = true;
  } else {
    request["doc"] = options.positional[0];
  }
  if (options.Has("--wait-timeout") && !options.Has("--wait")) {
    return UsageError("--wait-timeout needs --wait", "check");
  }
  if (!options.Has("--wait")) {
    return CallAndPrint(options, request, [](const nlohmann::json& result) {
      std::cout << "scheduled " << Str(result["scheduled"]) << " check(s)\n";
      return kExitOk;
    });
  }
  std::chrono::milliseconds wait = kDefaultWaitTimeout;
  if (options.Has("--wait-timeout")) {
    const auto parsed = ParseDuration(options.One("--wait-timeout"));
    if (!parsed || *parsed <= std::chrono::milliseconds::zero()) {
      return UsageError("bad --wait-timeout '" + options.One("--wait-timeout") + "' (" +
                            std::string(kDurationShape) + ", more than 0)",
                        "check");
    }
    if (*parsed > kMaxCheckWait) {  // said of the flag typed, not of the daemon's "timeout"
      return UsageError("--wait-timeout must be at most " + FormatDuration(kMaxCheckWait) +
                            ", not " + options.One("--wait-timeout"),
                        "check");
    }
    wait = *parsed;
  }
  request["wait"] = true;
  request["timeout"] = FormatDuration(wait);
  // The daemon answers when the checks are done or `wait` has passed: policyctl waits that
  // long plus its own --timeout for the answer.
  Options waiting = options;
  waiting.timeout = options.timeout + wait;
  return CallAndPrint(
      waiting, request,
      [](const nlohmann::json& result) {
        std::cout << RenderCheckOutcomes(result);
        return CheckOutcomesExitStatus(result);
      },
      OutputLength::kLong, CheckOutcomesExitStatus);
}

int RunAdd(const Options& options) {
  for (const char* flag : {"--platform", "--type", "--url"}) {
    if (options.One(flag).empty()) return UsageError(std::string("add needs ") + flag, "add");
  }
  nlohmann::json request = {{"cmd", "add"},
                            {"platform", options.One("--platform")},
                            {"type", options.One("--type")},
                            {"url", options.One("--url")},
                            {"select", options.All("--select")},
                            {"remove", options.All("--remove")}};
  if (options.Has("--interval")) request["interval"] = options.One("--interval");
  if (options.Has("--render")) request["render"] = options.One("--render");
  return CallAndPrint(options, request, [](const nlohmann::json& result) {
    std::cout << "watching " << Str(result["id"])
              << (result.value("declared", false) ? " (as declared in " : " (saved in ")
              << Str(result["source_file"]) << ")\n";
    return kExitOk;
  });
}

int RunRemove(const Options& options) {
  return CallAndPrint(options, {{"cmd", "remove"}, {"doc", options.positional[0]}},
                      [](const nlohmann::json& result) {
                        std::cout << "removed " << Str(result["removed"]) << " (history kept)\n";
                        return kExitOk;
                      });
}

int RunReload(const Options& options) {
  return CallAndPrint(options, {{"cmd", "reload"}}, [](const nlohmann::json& result) {
    std::string changes;
    for (const auto& [key, label] : {std::pair<const char*, const char*>{"added", " added"},
                                     {"removed", " removed"},
                                     {"url_changed", " with a new URL"},
                                     {"settings_changed", " with new settings"},
                                     {"relabelled", " relabelled"}}) {
      const uint64_t count = result.value(key, uint64_t{0});
      if (count > 0) changes += (changes.empty() ? "" : ", ") + std::to_string(count) + label;
    }
    std::cout << "reloaded: " << Str(result["documents"]) << " documents ("
              << (changes.empty() ? std::string("unchanged") : changes) << ")\n";
    if (const auto waiting = result.find("restart_needed");
        waiting != result.end() && waiting->is_array() && !waiting->empty()) {
      std::string keys;
      for (const nlohmann::json& key : *waiting) keys += (keys.empty() ? "" : ", ") + Str(key);
      std::cout << "changed in the config file, applied at the next restart: " << keys << "\n";
    }
    return kExitOk;
  });
}

int RunMetrics(const Options& options) {
  // The exposition as it is: a file for node_exporter's textfile collector, or a pipe.
  return CallAndPrint(options, {{"cmd", "metrics"}}, [](const nlohmann::json& result) {
    std::cout << result.value("text", "");
    return kExitOk;
  });
}

int RunFleet(const Options& options) {
  nlohmann::json request = {{"cmd", "fleet"}};
  Options asking = options;
  if (options.Has("--reply-timeout")) {
    const auto parsed = ParseDuration(options.One("--reply-timeout"));
    if (!parsed || *parsed <= std::chrono::milliseconds::zero() ||
        *parsed > std::chrono::seconds(30)) {
      return UsageError(
          "bad --reply-timeout '" + options.One("--reply-timeout") + "' (a duration up to 30s)",
          "fleet");
    }
    request["timeout"] = FormatDuration(*parsed);
    // The daemon answers once the members did or the timeout passed: policyctl waits that
    // long plus its own --timeout.
    asking.timeout = options.timeout + *parsed;
  }
  const auto exit_status = [](const nlohmann::json& result) {
    return FleetAnswerComplete(result) ? kExitOk : kExitRefused;
  };
  return CallAndPrint(
      asking, request,
      [&](const nlohmann::json& result) {
        std::cout << RenderFleet(result);
        return exit_status(result);
      },
      OutputLength::kShort, exit_status);
}

int RunWebhooks(const Options& options) {
  if (options.positional.empty()) {
    return CallAndPrint(options, {{"cmd", "webhooks"}}, [](const nlohmann::json& result) {
      std::cout << RenderWebhooks(result);
      return kExitOk;
    });
  }
  if (options.positional[0] != "test" || options.positional.size() != 2) {
    return UsageError("webhooks takes nothing, or test NAME", "webhooks");
  }
  nlohmann::json request = {{"cmd", "webhooks_test"}, {"name", options.positional[1]}};
  const auto delivered = [](const nlohmann::json& result) {
    return result.value("outcome", "") == "delivered" ? kExitOk : kExitRefused;
  };
  return CallAndPrint(
      options, request,
      [&](const nlohmann::json& result) {
        std::cout << RenderWebhookTest(result);
        return delivered(result);
      },
      OutputLength::kShort, delivered);
}

}  // namespace policyd::ctl
