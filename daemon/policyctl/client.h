// policyctl's side of the daemon's sockets: which config and sockets to use, one control
// request with its errors reported the documented way (exit 1 refused, 3 unreachable, 78 bad
// config), and hints for a mistyped document id.
#ifndef POLICYD_DAEMON_POLICYCTL_CLIENT_H_
#define POLICYD_DAEMON_POLICYCTL_CLIENT_H_

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyctl/options.h"
#include "policyd/status.h"

namespace policyd::ctl {

// Which daemon config to read socket paths from, if any: --config, else $POLICYD_CONFIG, else
// /etc/policyd/policyd.toml when it exists.
std::optional<std::filesystem::path> ConfigPath(const Options& options);

// Resolves both socket paths (--socket and --events-socket override the config's); returns an
// exit status (after printing why) when the config cannot be read.
std::optional<int> ResolveSockets(const Options& options, std::filesystem::path* control,
                                  std::filesystem::path* events);

// Says why a socket could not be reached: a permission problem names the group to join;
// anything else most likely means no daemon listens there. Returns kExitUnreachable.
int Unreachable(const Status& status);

// Sends one request; prints errors (a refused request whose document is unknown also gets the
// closest document ids); returns the result object or an exit status.
std::variant<nlohmann::json, int> Call(const Options& options, nlohmann::json request);

// The stored bytes whose SHA-256 is `hash` (one of `doc`'s texts or raw captures), checked
// against it; or an exit status, after printing why (the daemon's refusal; bytes that do not
// match their hash: kExitRefused, naming `what`, e.g. "version 3 of acme/privacy").
std::variant<std::string, int> ReadStoredBytes(const Options& options, const std::string& doc,
                                               const std::string& hash, const std::string& what);

// How long a command's human output can be: kLong goes through the pager on a terminal
// (views/pager.h) unless --no-pager; JSON never does.
enum class OutputLength { kShort, kLong };

// Sends `request` and prints the result: with --json as JSON, else with `print` (whose return
// value is the exit status), paged when `length` is kLong. With --json the exit status is
// `json_exit_status(result)` when given (a result that reports a failure), else 0.
int CallAndPrint(const Options& options, nlohmann::json request,
                 const std::function<int(const nlohmann::json& result)>& print,
                 OutputLength length = OutputLength::kShort,
                 const std::function<int(const nlohmann::json& result)>& json_exit_status = {});

// The ids of every document the daemon knows (watched, then removed ones whose history is
// kept), asked within `timeout`; nullopt when the daemon cannot be asked. Prints nothing.
std::optional<std::vector<std::string>> KnownDocumentIds(const Options& options,
                                                         std::chrono::milliseconds timeout,
                                                         bool include_removed);

// The ids most like `id` (those containing it, then those a few edits away), at most three.
std::vector<std::string> SimilarDocumentIds(const std::string& id,
                                            const std::vector<std::string>& known);

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_CLIENT_H_
