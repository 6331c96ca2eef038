// Internal to the config component: the checks behind ValidateDocumentSpec, shared with the
// target-file loader (which adds file:line:col to their messages) and writer.
#ifndef POLICYD_SRC_CONFIG_DOCUMENT_CHECKS_H_
#define POLICYD_SRC_CONFIG_DOCUMENT_CHECKS_H_

#include <chrono>
#include <string_view>

#include "policyd/status.h"

namespace policyd::config_internal {

// Per-document intervals above a year are surely mistakes, and the bound keeps time arithmetic
// in other components (nanosecond clocks) far from overflow.
inline constexpr std::chrono::milliseconds kMaxDocumentInterval = std::chrono::hours(24 * 365);
// The scheduler checks a document at most once a second (0 means default_interval).
inline constexpr std::chrono::milliseconds kMinDocumentInterval = std::chrono::seconds(1);

// OK, or InvalidArgument("url '...' <reason>") when `url` is not an absolute http(s) URL with
// a host. A hand check on purpose: the fetcher's URL parser is the real authority; this only
// catches configuration mistakes early and with a clear message.
Status CheckHttpUrl(std::string_view url);

// Whether a platform or type name holds a control character (C0, DEL, or C1 in UTF-8): names
// are shown in tables, events, chat messages and file names, which a line break would break.
bool HasControlCharacter(std::string_view name);

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_DOCUMENT_CHECKS_H_
