// UTF-8 well-formedness (The Unicode Standard, §3.9, D92), as ICU's U8_NEXT reads it: no
// overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut short. One check for
// every place that must know whether bytes are text: a page's charset decision, a target
// file's strings (TOML requires UTF-8), an argument policyctl sends as JSON.
#ifndef POLICYD_UTF8_H_
#define POLICYD_UTF8_H_

#include <string_view>

namespace policyd {

// True when `text` is well-formed UTF-8 (NUL and a literal U+FFFD count as valid).
bool IsValidUtf8(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_UTF8_H_
