#include "policyctl/client.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "pager.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyd/base64.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/control_client.h"
#include "policyd/did_you_mean.h"
#include "policyd/json_text.h"
#include "policyd/sha256.h"
#include "policyd/utf8.h"

namespace policyd::ctl {
namespace {

// The socket paths, without printing anything.
Status SocketPaths(const Options& options, std::filesystem::path* control,
                   std::filesystem::path* events) {
  DaemonSocketPaths sockets;
  if (!options.socket || !options.events_socket) {
    if (const auto path = ConfigPath(options)) {
      if (Status s = LoadDaemonSocketPaths(*path, &sockets); !s.ok()) return s;
    }
  }
  *control = options.socket.value_or(sockets.control);
  *events = options.events_socket.value_or(sockets.events);
  return Status::Ok();
}

// After a refusal of `request` as not_found: when its document is none the daemon knows, the
// ids it most likely meant (a second, silent connection; nothing when that fails).
void SuggestDocuments(const Options& options, const nlohmann::json& request) {
  const auto doc = request.find("doc");
  if (doc == request.end() || !doc->is_string()) return;
  const std::string id = doc->get<std::string>();
  const auto known = KnownDocumentIds(options, options.timeout, /*include_removed=*/true);
  if (!known || std::find(known->begin(), known->end(), id) != known->end()) return;
  const std::vector<std::string> similar = SimilarDocumentIds(id, *known);
  if (!similar.empty()) {
    std::fprintf(stderr, "policyctl: did you mean %s?\n", QuotedAlternatives(similar).c_str());
  }
}

}  // namespace

std::optional<std::filesystem::path> ConfigPath(const Options& options) {
  if (options.config) return options.config;
  if (const char* env = std::getenv("POLICYD_CONFIG"); env != nullptr && *env != '\0') {
    return std::filesystem::path(env);
  }
  if (std::filesystem::exists("/etc/policyd/policyd.toml")) return "/etc/policyd/policyd.toml";
  return std::nullopt;
}

std::optional<int> ResolveSockets(const Options& options, std::filesystem::path* control,
                                  std::filesystem::path* events) {
  if (Status s = SocketPaths(options, control, events); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitConfigError;
  }
  return std::nullopt;
}

// The first string in `value` (policyctl's own request, a few levels deep) that is not UTF-8.
const std::string* FirstNonUtf8String(const nlohmann::json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    return IsValidUtf8(text) ? nullptr : &text;
  }
  if (!value.is_structured()) return nullptr;
  for (const auto& item : value) {
    if (const std::string* found = FirstNonUtf8String(item)) return found;
  }
  return nullptr;
}

int Unreachable(const Status& status) {
  if (status.code() == Status::Code::kPermissionDenied) {
    std::fprintf(stderr, "policyctl: %s\n", status.message().c_str());
  } else {
    std::fprintf(stderr, "policyctl: %s (is policyd running? use --config or --socket)\n",
                 status.message().c_str());
  }
  return kExitUnreachable;
}

std::variant<nlohmann::json, int> Call(const Options& options, nlohmann::json request) {
  // JSON holds UTF-8 text only: an argument typed in another encoding cannot be sent as is.
  if (const std::string* bad = FirstNonUtf8String(request)) {
    return UsageError("argument " + JsonText(nlohmann::json(*bad)) + " is not UTF-8 text",
                      options.command);
  }
  std::filesystem::path control;
  std::filesystem::path events;
  if (const auto code = ResolveSockets(options, &control, &events)) return *code;
  auto client = ControlClient::Connect(control, options.timeout);
  if (!client.ok()) return Unreachable(client.status());
  auto response = client->Call(request);
  if (!response.ok()) {
    if (response.status().code() == Status::Code::kCorruption) {
      // Something listens there, but not policyd's control protocol (the events socket?).
      std::fprintf(stderr,
                   "policyctl: %s is not a policyd control socket (%s); use --socket or "
                   "--config\n",
                   control.c_str(), response.status().message().c_str());
    } else if (response.status().code() == Status::Code::kBusy) {
      // The socket's read timeout: the daemon took the request and has not answered (yet).
      std::fprintf(stderr,
                   "policyctl: no answer from policyd on %s within %s; it may still be working "
                   "on the request (a long verify, gc or backup): give it longer with "
                   "--timeout\n",
                   control.c_str(), FormatDuration(options.timeout).c_str());
    } else {
      std::fprintf(stderr, "policyctl: %s\n", response.status().ToString().c_str());
    }
    return kExitUnreachable;
  }
  if (!(*response)["ok"].get<bool>()) {
    const auto& error = (*response)["error"];
    if (options.json) {
      std::cout << response->dump(2) << "\n";
    } else {
      std::fprintf(stderr, "policyctl: %s: %s\n", Str(error["code"]).c_str(),
                   Str(error["message"]).c_str());
      if (error.value("code", "") == "not_found") SuggestDocuments(options, request);
    }
    return kExitRefused;
  }
  return (*response)["result"];
}

int CallAndPrint(const Options& options, nlohmann::json request,
                 const std::function<int(const nlohmann::json& result)>& print, OutputLength length,
                 const std::function<int(const nlohmann::json& result)>& json_exit_status) {
  auto outcome = Call(options, std::move(request));
  if (std::holds_alternative<int>(outcome)) return std::get<int>(outcome);
  const nlohmann::json& result = std::get<nlohmann::json>(outcome);
  if (options.json) {
    std::cout << JsonText(result, 2) << "\n";
    return json_exit_status ? json_exit_status(result) : kExitOk;
  }
  // Started once the daemon has answered: errors above reach the terminal, not the pager.
  PagerOptions paging;
  paging.enabled = length == OutputLength::kLong && !options.no_pager;
  Pager pager(paging);
  return print(result);
}

std::optional<std::vector<std::string>> KnownDocumentIds(const Options& options,
                                                         std::chrono::milliseconds timeout,
                                                         bool include_removed) {
  std::filesystem::path control;
  std::filesystem::path events;
  if (!SocketPaths(options, &control, &events).ok()) return std::nullopt;
  auto client = ControlClient::Connect(control, timeout);
  if (!client.ok()) return std::nullopt;
  std::vector<std::string> ids;
  for (const char* cmd : {"list", "removed"}) {
    if (std::string_view(cmd) == "removed" && !include_removed) break;
    auto response = client->Call({{"cmd", cmd}});
    if (!response.ok() || !response->value("ok", false)) return std::nullopt;
    const nlohmann::json& documents = (*response)["result"]["documents"];
    if (!documents.is_array()) return std::nullopt;
    for (const nlohmann::json& doc : documents) {
      if (doc.contains("id") && doc["id"].is_string()) ids.push_back(doc["id"].get<std::string>());
    }
  }
  return ids;
}

std::vector<std::string> SimilarDocumentIds(const std::string& id,
                                            const std::vector<std::string>& known) {
  constexpr std::size_t kLimit = 3;
  std::vector<std::string> similar;
  // "acme" finds acme/privacy-policy: a platform alone, or a part of the id, is what people
  // remember.
  if (id.size() >= 3) {
    for (const std::string& candidate : known) {
      if (similar.size() >= kLimit) break;
      if (candidate.find(id) != std::string::npos) similar.push_back(candidate);
    }
  }
  // Typos: a few edits, more for longer ids (one in four characters, at least two).
  for (std::string& close :
       ClosestNames(id, known, std::max<std::size_t>(2, id.size() / 4), kLimit)) {
    if (similar.size() >= kLimit) break;
    if (std::find(similar.begin(), similar.end(), close) == similar.end()) {
      similar.push_back(std::move(close));
    }
  }
  return similar;
}

std::variant<std::string, int> ReadStoredBytes(const Options& options, const std::string& doc,
                                               const std::string& hash, const std::string& what) {
  auto stored = Call(options, {{"cmd", "text"}, {"doc", doc}, {"hash", hash}});
  if (std::holds_alternative<int>(stored)) return std::get<int>(stored);
  const nlohmann::json& result = std::get<nlohmann::json>(stored);
  // Text comes as a string; other bytes (a PDF, a page in another encoding) as base64.
  std::optional<std::string> bytes = result["text"].get<std::string>();
  if (result.contains("base64")) bytes = Base64Decode(result["base64"].get<std::string>());
  if (!bytes.has_value() || Sha256Hex(*bytes) != hash) {
    std::fprintf(stderr,
                 "policyctl: the stored bytes of %s do not match their SHA-256 %s (see policyctl "
                 "verify); nothing written\n",
                 what.c_str(), hash.c_str());
    return kExitRefused;
  }
  return std::move(*bytes);
}

}  // namespace policyd::ctl
