// Helpers shared by the files of the check component (src/check/), not part of its contract.
#ifndef POLICYD_CHECK_CHECK_INTERNAL_H_
#define POLICYD_CHECK_CHECK_INTERNAL_H_

#include <string>
#include <vector>

#include "policyd/check.h"
#include "response_class.h"

namespace policyd {

// render = "auto": the pages as served look like the shell of a script-built application and
// the browser may render them, so the check is handed back to the daemon instead of judged.
bool WantsBrowser(const CheckInput& input, const DocumentText& extracted,
                  const std::vector<const FetchResponse*>& pages);

// Appended to the message of a failed rendered page: "(rendered in Chrome/156...; 3
// request(s) of the page refused (...), the first https://10.0.0.5/app.js)".
std::string RenderedNote(const CheckInput& input);

// What RenderMode::kAuto learns from this check about the document's page (DocState).
void UpdateRenderChoice(const CheckInput& input, FailureReason reason, int64_t now_ms,
                        DocState* state);

}  // namespace policyd

#endif  // POLICYD_CHECK_CHECK_INTERNAL_H_
