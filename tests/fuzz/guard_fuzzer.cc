// libFuzzer target: the error-page guard reads the markup and text of hostile pages (its own
// tag stripper, title finder and character references). InspectPage must never crash, hang or
// read out of bounds on any bytes, and a refusal always names its reason, vendor and page.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "error_page_guard.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first byte picks the status and headers; the second how much of the end of the body
  // is also given as the extracted text (up to 8 KiB, so that both sides of the short-text
  // limit are explored).
  const uint8_t mode = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::size_t text_size = std::min(body.size(), std::size_t{data[1]} * 32);
  const std::string_view text = body.substr(body.size() - text_size);
  static constexpr long kStatuses[] = {200, 401, 403, 405, 429, 503, 404, 522};
  std::map<std::string, std::string> headers;
  if (mode & 8) headers["server"] = "nginx";
  if (mode & 16) headers["x-datadome"] = "protected";
  if (mode & 32) headers["cf-mitigated"] = "challenge";
  const policyd::PageFinding finding =
      policyd::InspectPage(kStatuses[mode & 7], headers, body, text);
  if (finding.refused() !=
      (policyd::VerdictReason(finding.verdict) != policyd::FailureReason::kNone))
    std::abort();
  if (finding.refused() && (finding.vendor.empty() || finding.what.empty())) std::abort();
  if (finding.refused() && policyd::DescribeFinding(finding).empty()) std::abort();
  return 0;
}
