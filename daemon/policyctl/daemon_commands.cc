// The daemon and its watch list: status, list, check, add, remove, reload.
#include <iostream>

#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "table.h"

namespace policyd::ctl {
namespace {

void PrintStatus(const nlohmann::json& r) {
  Table table({"KEY", "VALUE"});
  for (const char* key :
       {"version", "pid", "started", "uptime_seconds", "state_dir", "documents", "failing",
        "failure_reported", "checks_in_progress", "fetches_running", "fetches_queued", "processing",
        "checks_done", "subscribers", "last_seq", "next_due", "database_bytes"}) {
    table.AddRow({key, Str(r[key])});
  }
  // null while the store takes writes; during a storage error (a full disk): what and since.
  const auto storage = r.find("storage_error");
  if (storage != r.end() && storage->is_object()) {
    table.AddRow(
        {"storage_error", "since " + Str((*storage)["since"]) + ": " + Str((*storage)["message"]) +
                              " (" + Str((*storage)["failed_commits"]) + " commits failed, " +
                              Str((*storage)["documents_to_recheck"]) + " documents to recheck)"});
  } else {
    table.AddRow({"storage_error", "none"});
  }
  std::cout << table.Render();
}

void PrintList(const nlohmann::json& r) {
  Table table({"DOCUMENT", "VERSIONS", "LAST CHECK", "LAST CHANGE", "NEXT DUE", "STATUS"});
  for (const auto& doc : r["documents"]) {
    const std::string status =
        doc["consecutive_failures"].get<int>() > 0
            ? "failing x" + Str(doc["consecutive_failures"]) + ": " + Str(doc["last_error"])
            : (doc["last_check"].is_null() ? "pending" : "ok");
    table.AddRow({Str(doc["id"]), Str(doc["versions"]), Str(doc["last_check"]),
                  Str(doc["last_change"]), Str(doc["next_due"]), status});
  }
  std::cout << table.Render();
}

}  // namespace

int RunStatus(const Options& options) {
  return CallAndPrint(options, {{"cmd", "status"}}, [](const nlohmann::json& result) {
    PrintStatus(result);
    return kExitOk;
  });
}

int RunList(const Options& options) {
  return CallAndPrint(options, {{"cmd", "list"}}, [](const nlohmann::json& result) {
    PrintList(result);
    return kExitOk;
  });
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
  return CallAndPrint(options, request, [](const nlohmann::json& result) {
    std::cout << "scheduled " << Str(result["scheduled"]) << " check(s)\n";
    return kExitOk;
  });
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
    std::cout << "watching " << Str(result["id"]) << " (saved in " << Str(result["source_file"])
              << ")\n";
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
    std::cout << "reloaded: " << Str(result["documents"]) << " documents\n";
    return kExitOk;
  });
}

}  // namespace policyd::ctl
