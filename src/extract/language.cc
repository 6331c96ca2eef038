// DetectTextLanguage: the language of an extracted text, with CLD2 (Debian's libcld2).
// The CLD2 header uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>

#include <climits>
#include <string>
#include <string_view>

#include "policyd/extract.h"

namespace policyd {
namespace {

// CLD2 keeps two codes ISO 639-1 has since replaced: Hebrew "iw" (now "he") and Javanese
// "jw" (now "jv"). Its other codes are ISO 639-1, or BCP 47 with a script ("zh-Hant").
std::string Iso6391(std::string_view cld2_code) {
  if (cld2_code == "iw") return "he";
  if (cld2_code == "jw") return "jv";
  return std::string(cld2_code);
}

}  // namespace

std::string DetectTextLanguage(std::string_view text) {
  // CLD2 reads at most INT_MAX bytes; a policy's first megabyte says which language it is in.
  constexpr std::size_t kMaxBytes = 1 << 20;
  std::string_view sample = text.substr(0, kMaxBytes);
  // Do not cut a UTF-8 sequence in two (DetectLanguageCheckUTF8 would stop there anyway).
  while (sample.size() < text.size() && !sample.empty() &&
         (static_cast<unsigned char>(text[sample.size()]) & 0xC0) == 0x80) {
    sample.remove_suffix(1);
  }
  // The top three languages by share of the text. CLD2's own summary pick prefers a second
  // language over English, French, German, Italian or Spanish ("the interesting one"), which
  // named an English policy with a Chinese address paragraph "zh": the largest share decides.
  CLD2::Language top3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE};
  int percent3[3] = {0, 0, 0};
  double scores3[3] = {0, 0, 0};
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  CLD2::ExtDetectLanguageSummaryCheckUTF8(
      sample.data(), static_cast<int>(sample.size()), /*is_plain_text=*/true,
      /*cld_hints=*/nullptr, /*flags=*/0, top3, percent3, scores3, /*resultchunkvector=*/nullptr,
      &text_bytes, &reliable, &valid_prefix);
  const CLD2::Language language = top3[0];
  if (!reliable || language == CLD2::UNKNOWN_LANGUAGE) return "";
  return Iso6391(CLD2::LanguageCode(language));
}

}  // namespace policyd
