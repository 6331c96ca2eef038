// White-space and invisible-character normalisation of one line of text (internal to the
// extract component; NormalizeText in policyd/extract.h applies it line by line).
#ifndef POLICYD_SRC_EXTRACT_NORMALIZE_H_
#define POLICYD_SRC_EXTRACT_NORMALIZE_H_

#include <string>
#include <string_view>

namespace policyd::extract_internal {

// Writes `text` to *out with every run of white space (ASCII and Unicode, line breaks
// included) folded into one ' ', zero-width characters, soft hyphens and control characters
// deleted, invalid UTF-8 replaced by U+FFFD, typographic quotes, hyphens and the ellipsis in
// their ASCII form (TypographicReplacement, unicode.h), the result in Unicode Normalization Form
// C (ICU), and no white space at either end. *leading and
// *trailing tell whether white space was trimmed at the start or the end (for text that
// continues a line). *out is cleared first; its capacity is reused.
void CollapseWhiteSpace(std::string_view text, std::string* out, bool* leading, bool* trailing);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_NORMALIZE_H_
