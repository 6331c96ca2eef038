#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <string>
#include <string_view>

#include "policyd/config.h"

namespace policyd {

namespace {

std::string AsciiSlug(std::string_view text) {
  std::string slug;
  slug.reserve(text.size());
  bool pending_separator = false;
  for (const char c : text) {
    // Only ASCII is kept so that slugs are safe as file names, URL path segments and keys.
    const bool is_lower = c >= 'a' && c <= 'z';
    const bool is_upper = c >= 'A' && c <= 'Z';
    const bool is_digit = c >= '0' && c <= '9';
    if (!is_lower && !is_upper && !is_digit) {
      pending_separator = true;
      continue;
    }
    if (pending_separator && !slug.empty()) slug.push_back('-');
    pending_separator = false;
    slug.push_back(is_upper ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return slug;
}

// `text` in Latin letters, accents dropped (ICU's "Any-Latin; Latin-ASCII"): "туту.ру" ->
// "tutu.ru", "知乎" -> "zhī hū" -> "zhi hu". "" when ICU cannot make the transliterator.
std::string Transliterated(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  // Made per call: only names without an ASCII letter or digit come here, and ICU's
  // transliterators are not to be shared between threads (targets load on several).
  std::unique_ptr<icu::Transliterator> latin(
      icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, status));
  if (U_FAILURE(status) || latin == nullptr) return "";
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  latin->transliterate(unicode);
  std::string out;
  unicode.toUTF8String(out);
  return out;
}

}  // namespace

std::string Slugify(std::string_view text) {
  std::string slug = AsciiSlug(text);
  // A name written only in another script still makes an id. Names with an ASCII letter or
  // digit never get here, so their ids are as they always were.
  if (slug.empty() && !text.empty()) slug = AsciiSlug(Transliterated(text));
  return slug;
}

std::string MakeDocumentId(std::string_view platform, std::string_view type) {
  return Slugify(platform) + "/" + Slugify(type);
}

}  // namespace policyd
