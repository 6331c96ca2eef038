// DetectTextLanguage: the language of an extracted text, with CLD2 (Debian's libcld2).
// The CLD2 header uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>

#include <climits>
#include <string>
#include <string_view>

#include "policyd/extract.h"

namespace policyd {

std::string DetectTextLanguage(std::string_view text) {
  // CLD2 reads at most INT_MAX bytes; a policy's first megabyte says which language it is in.
  constexpr std::size_t kMaxBytes = 1 << 20;
  std::string_view sample = text.substr(0, kMaxBytes);
  // Do not cut a UTF-8 sequence in two (DetectLanguageCheckUTF8 would stop there anyway).
  while (sample.size() < text.size() && !sample.empty() &&
         (static_cast<unsigned char>(text[sample.size()]) & 0xC0) == 0x80) {
    sample.remove_suffix(1);
  }
  bool reliable = false;
  int valid_prefix = 0;
  const CLD2::Language language =
      CLD2::DetectLanguageCheckUTF8(sample.data(), static_cast<int>(sample.size()),
                                    /*is_plain_text=*/true, &reliable, &valid_prefix);
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE) return "";
  return CLD2::LanguageCode(language);
}

}  // namespace policyd
