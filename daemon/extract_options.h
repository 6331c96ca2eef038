// How a document's target settings become extraction options: the one place that maps
// DocumentSpec fields (select, remove, and whatever extraction settings targets gain) to
// ExtractOptions, so the daemon and tools extract a document the same way.
#ifndef POLICYD_DAEMON_EXTRACT_OPTIONS_H_
#define POLICYD_DAEMON_EXTRACT_OPTIONS_H_

#include <string>

#include "policyd/config.h"
#include "policyd/extract.h"

namespace policyd {

ExtractOptions MakeExtractOptions(const DocumentSpec& spec, const std::string& content_type);

}  // namespace policyd

#endif  // POLICYD_DAEMON_EXTRACT_OPTIONS_H_
