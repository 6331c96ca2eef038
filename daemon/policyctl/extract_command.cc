// extract: the text policyd would store for saved pages, offline, through the daemon's own
// decision (ExtractDocumentText).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/handlers.h"
#include "policyd/config.h"
#include "policyd/did_you_mean.h"
#include "policyd/document_text.h"
#include "policyd/extract.h"
#include "policyd/file_read.h"
#include "policyd/json_text.h"
#include "policyd/sha256.h"

namespace policyd::ctl {
namespace {

// `extract` refuses as the daemon does: the reason class it would record, exit 4.
int Refused(const Options& options, const std::string& reason, const std::string& message) {
  if (options.json) {
    std::cout << JsonText(
                     nlohmann::json{{"refused", true}, {"reason", reason}, {"message", message}}, 2)
              << "\n";
  } else {
    std::fprintf(stderr, "policyctl: refused: %s: %s\n", reason.c_str(), message.c_str());
  }
  return kExitInput;
}

// Reads a saved page: stdin for "-", else a regular file (a directory, FIFO or device is
// refused before reading). More than `max_bytes` is refused as the daemon refuses a larger
// body (`too_large`, its max_body_bytes).
std::variant<std::string, int> ReadPage(const Options& options, const std::string& file,
                                        std::size_t max_bytes) {
  const auto too_large = [&] {
    return Refused(
        options, "too_large",
        file + " holds more than max_body_bytes (" + std::to_string(max_bytes) + " bytes)");
  };
  if (file != "-") {
    auto read = ReadRegularFile(file, max_bytes);
    if (read.ok()) return std::move(*read);
    if (read.status().code() == Status::Code::kInvalidArgument) return too_large();
    std::fprintf(stderr, "policyctl: %s\n", read.status().message().c_str());
    return kExitInput;
  }
  std::string bytes;
  char buffer[65536];
  while (bytes.size() <= max_bytes) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
    if (n == 0) break;
    bytes.append(buffer, n);
  }
  if (std::ferror(stdin)) {
    std::fprintf(stderr, "policyctl: cannot read standard input: %s\n", std::strerror(errno));
    return kExitInput;
  }
  if (bytes.size() > max_bytes) return too_large();
  return bytes;
}

// The spec of `id` as the daemon loads it: run-time targets (<state_dir>/targets, written by
// `add`) override the bundled ones of targets_dir. `state_dir` is the config's, or the one
// the daemon was started with (--state-dir, as for a restored backup).
std::variant<DocumentSpec, int> FindDocumentSpec(const DaemonConfig& config,
                                                 const std::filesystem::path& state_dir,
                                                 const std::string& id) {
  std::vector<DocumentSpec> bundled;
  std::vector<DocumentSpec> runtime;
  std::vector<std::string> warnings;  // the daemon logs them; extract needs none of them
  const std::filesystem::path runtime_dir = state_dir / "targets";
  Status status = LoadTargetsDir(config.targets_dir, &bundled, &warnings);
  std::error_code error;
  if (status.ok() && std::filesystem::is_directory(runtime_dir, error)) {
    status = LoadTargetsDir(runtime_dir, &runtime, &warnings);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", status.message().c_str());
    return kExitConfigError;
  }
  std::vector<std::string> ids;
  for (auto* specs : {&runtime, &bundled}) {
    for (DocumentSpec& spec : *specs) {
      if (spec.id == id) return std::move(spec);
      ids.push_back(spec.id);
    }
  }
  std::fprintf(stderr, "policyctl: no document '%s' in %s or %s%s%s\n", id.c_str(),
               config.targets_dir.c_str(), runtime_dir.c_str(),
               DidYouMean(SimilarDocumentIds(id, ids)).c_str(),
               state_dir == config.state_dir
                   ? " (a daemon started with --state-dir DIR reads DIR/targets: give the same "
                     "--state-dir)"
                   : "");
  return kExitInput;
}

// The document `extract` applies: --doc's whole spec from the targets, else --select/--remove.
std::variant<DocumentSpec, int> ExtractSpec(const Options& options, const DaemonConfig& config) {
  if (options.Has("--doc")) {
    if (options.Has("--select") || options.Has("--remove")) {
      return UsageError("--doc applies the document's own selectors: drop --select/--remove");
    }
    const std::filesystem::path state_dir = options.Has("--state-dir")
                                                ? std::filesystem::path(options.One("--state-dir"))
                                                : config.state_dir;
    return FindDocumentSpec(config, state_dir, options.One("--doc"));
  }
  DocumentSpec spec;
  spec.select = options.All("--select");
  spec.remove = options.All("--remove");
  if (Status s = CompileDocumentExtraction(&spec); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitInput;
  }
  return spec;
}

}  // namespace

// extract [--doc ID] FILE...: the text the daemon would store for these saved pages (one per
// page of the document: url, then extra_urls), through the daemon's own decision
// (ExtractDocumentText), or its refusal with exit 4.
int RunExtract(const Options& options) {
  DaemonConfig config;
  const auto config_path = ConfigPath(options);
  if (options.Has("--doc") && !config_path) return UsageError("--doc needs --config");
  if (config_path) {
    if (Status s = LoadDaemonConfig(*config_path, &config); !s.ok()) {
      std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
      return kExitConfigError;
    }
  }
  auto found = ExtractSpec(options, config);
  if (std::holds_alternative<int>(found)) return std::get<int>(found);
  const DocumentSpec& spec = std::get<DocumentSpec>(found);
  const std::size_t page_count = 1 + spec.extra_urls.size();
  if (options.positional.size() != page_count) {
    return UsageError(page_count == 1 ? "extract takes one FILE (or -)"
                                      : "'" + spec.id + "' has " + std::to_string(page_count) +
                                            " pages (url, extra_urls): give one FILE per page");
  }
  std::vector<FetchResponse> responses(page_count);
  for (std::size_t i = 0; i < page_count; ++i) {
    auto read = ReadPage(options, options.positional[i], config.max_body_bytes);
    if (std::holds_alternative<int>(read)) return std::get<int>(read);
    FetchResponse& page = responses[i];
    page.http_status = 200;
    page.url = page.final_url = i == 0 ? spec.url : spec.extra_urls[i - 1];
    page.content_type = options.One("--content-type");
    if (!page.content_type.empty()) page.headers["content-type"] = page.content_type;
    page.body = std::move(std::get<std::string>(read));
  }
  std::vector<const FetchResponse*> pages;
  for (const FetchResponse& page : responses) pages.push_back(&page);
  // No URL resolver: policyctl links no HTTP code (curl's URL parser is the daemon's), so a
  // redirect stub's refusal names its target as the page writes it.
  const DocumentText result = ExtractDocumentText(spec, pages, /*resolve_url=*/nullptr);
  if (result.reason != FailureReason::kNone) {
    return Refused(options, std::string(FailureReasonName(result.reason)), result.message);
  }
  if (options.json) {
    nlohmann::json extracted = {
        {"sha256", Sha256Hex(result.text)},
        {"charset", result.charset},
        {"lang", DetectTextLanguage(result.text)},
        {"lines", std::count(result.text.begin(), result.text.end(), '\n')}};
    if (!options.Has("--hash")) extracted["text"] = result.text;  // --hash: all but the text
    std::cout << JsonText(extracted, 2) << "\n";
  } else if (options.Has("--hash")) {
    std::cout << Sha256Hex(result.text) << "\n";
  } else {
    std::cout << result.text;
  }
  return kExitOk;
}

}  // namespace policyd::ctl
