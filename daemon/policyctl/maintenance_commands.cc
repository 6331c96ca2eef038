// The database: verify, gc, backup (export has a file of its own).
#include <chrono>
#include <filesystem>
#include <iostream>

#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/human_units.h"
#include "policyd/json_text.h"
#include "table.h"

namespace policyd::ctl {
namespace {

// Exit 1 when the database has any problem: scripts and timers can alert on it.
int PrintVerify(const nlohmann::json& r) {
  std::cout << "scanned " << Str(r["blobs"]) << " blobs, " << Str(r["versions"]) << " versions, "
            << Str(r["checks"]) << " checks, " << Str(r["events"]) << " events (last seq "
            << Str(r["last_sequence"]) << "), " << Str(r["docs"]) << " documents in "
            << HumanDuration(
                   std::chrono::milliseconds(static_cast<int64_t>(r.value("seconds", 0.0) * 1000)))
            << "\n";
  if (r.value("ok", false)) {
    std::cout << "OK: no problems found\n";
    return kExitOk;
  }
  Table table({"PROBLEM", "DOCUMENT", "WHERE", "DETAIL"});
  for (const auto& p : r["problems"]) {
    table.AddRow({Str(p["kind"]), Str(p["doc"]), Str(p["where"]), Str(p["detail"])});
  }
  std::cout << table.Render();
  const uint64_t count = r.value("problem_count", uint64_t{0});
  if (count > r["problems"].size()) {
    std::cout << "(" << count - r["problems"].size() << " more not listed)\n";
  }
  std::cout << "FAILED: " << count << " problem(s)\n";
  return kExitRefused;
}

}  // namespace

int RunVerify(const Options& options) {
  auto outcome = Call(options, {{"cmd", "verify"}});
  if (std::holds_alternative<int>(outcome)) return std::get<int>(outcome);
  const nlohmann::json& result = std::get<nlohmann::json>(outcome);
  if (options.json) {
    std::cout << JsonText(result, 2) << "\n";
    return result.value("ok", false) ? kExitOk : kExitRefused;
  }
  return PrintVerify(result);
}

int RunGc(const Options& options) {
  nlohmann::json request = {{"cmd", "gc"}};
  if (options.Has("--check-retention")) {
    const std::string retention = options.One("--check-retention");
    if (!ParseDuration(retention)) {
      return UsageError(
          "bad --check-retention '" + retention + "' (" + std::string(kDurationShape) + ")", "gc");
    }
    if (const auto parsed = ParseDuration(retention);
        *parsed < kMinCheckRetention || *parsed > kMaxCheckRetention) {
      return UsageError("--check-retention must be between " + FormatDuration(kMinCheckRetention) +
                            " and " + FormatDuration(kMaxCheckRetention) + ", not " + retention,
                        "gc");
    }
    request["check_retention"] = retention;
  }
  return CallAndPrint(options, request, [](const nlohmann::json& result) {
    std::cout << "deleted " << Str(result["checks_deleted"]) << " of "
              << Str(result["checks_scanned"]) << " check record(s) older than "
              << Str(result["check_retention"]) << " and " << Str(result["blobs_deleted"]) << " of "
              << Str(result["blobs_scanned"]) << " blob(s); "
              << HumanBytes(result.value("bytes_freed", int64_t{0}))
              << " freed in all; database now ~"
              << HumanBytes(result.value("database_bytes", int64_t{0})) << "\n";
    return kExitOk;
  });
}

// The daemon writes the backup in its own view of the file system. Under the systemd unit its
// /tmp and /var/tmp are private (PrivateTmp=yes) and go when the service stops: a backup that
// policyctl cannot see there is none the operator holds, so it is a failure, not a success.
int BackupVisibleHere(const nlohmann::json& result) {
  const std::string db = Str(result["db"]);
  std::error_code error;
  if (std::filesystem::is_directory(db, error)) return kExitOk;
  std::cerr << "policyctl: the daemon reports the backup written, but " << db
            << " is not there in policyctl's view of the file system: the daemon sees "
               "another one (under systemd, the service's /tmp and /var/tmp are its own, "
               "PrivateTmp=yes, and go when it stops). Back up into a directory both see and "
               "the service may write, such as one below its state directory.\n";
  return kExitRefused;
}

int RunBackup(const Options& options) {
  std::error_code error;
  const std::filesystem::path dir = std::filesystem::absolute(options.positional[0], error);
  if (error) return UsageError("bad directory '" + options.positional[0] + "'", "backup");
  const nlohmann::json request = {{"cmd", "backup"}, {"dir", dir.lexically_normal().string()}};
  return CallAndPrint(
      options, request,
      [](const nlohmann::json& result) {
        if (const int status = BackupVisibleHere(result); status != kExitOk) return status;
        std::cout << "backup of events 1.." << Str(result["last_seq"]) << " written to "
                  << Str(result["db"]) << " (open it with policyd --state-dir "
                  << Str(result["dir"]) << ")\n";
        return kExitOk;
      },
      OutputLength::kShort, BackupVisibleHere);
}

}  // namespace policyd::ctl
