#include "language_switcher.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <array>
#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "html_tags.h"
#include "widgets.h"

namespace policyd::extract_internal {
namespace {

constexpr std::size_t kSwitcherNodeBudget = 300;  // nodes read for one block
constexpr std::size_t kLinkNodeBudget = 16;       // nodes read for one link's text
constexpr std::size_t kMaxNameBytes = 48;         // "Português (Brasil)", "Bahasa Indonesia"
constexpr std::size_t kMaxCodeWords = 3;          // an hreflang link's text: "EN", "Deutsch (CH)"
constexpr std::size_t kMinLinks = 2;
constexpr std::size_t kMaxPlainNames = 1;  // the current language, not linked
// A longer text between two links is no switcher's: it is not split to find out.
constexpr std::size_t kMaxTextBytes = 4 * kMaxNameBytes;

// Names sites write for a language that ICU's names of its locales in themselves do not give
// (ICU says "norsk bokmål", "Indonesia", "中文（简体）"), in LabelKey form.
constexpr std::string_view kSiteLanguageNames[] = {
    "norsk",    "bahasa indonesia", "bahasa melayu", "简体中文", "繁體中文",
    "繁体中文", "中文简体",         "中文繁體",      "正體中文", "pilipino",
};

// A switcher's label, in LabelKey form: its first text, or the element right before it.
constexpr std::string_view kSwitcherLabels[] = {
    "language",
    "languages",
    "other languages",
    "select language",
    "select your language",
    "choose language",
    "choose your language",
    "change language",
    "available languages",
    "also available in",
    "read this in",
    "in other languages",
    "translations",
    "other translations",
    "sprache",
    "sprachen",
    "andere sprachen",
    "sprache wählen",
    "langue",
    "langues",
    "autres langues",
    "choisir la langue",
    "idioma",
    "idiomas",
    "otros idiomas",
    "seleccionar idioma",
    "outros idiomas",
    "lingua",
    "lingue",
    "altre lingue",
    "taal",
    "talen",
    "andere talen",
    "język",
    "inne języki",
    "språk",
    "sprog",
    "kieli",
    "jazyk",
    "язык",
    "другие языки",
    "语言",
    "語言",
    "其他语言",
    "言語",
    "他の言語",
    "언어",
};

// Separators between a switcher's entries, besides white space.
constexpr std::array<std::string_view, 10> kSeparators = {
    "|", "/", ",", ";", "\u00B7", "\u2022", "\u2013", "\u2014", "\u2219", "\u30FB"};

// The name without a region or script in parentheses ("english (uk)" -> "english"), trimmed.
std::string_view BaseName(std::string_view key) {
  std::size_t cut = key.size();
  for (const std::string_view open : {std::string_view("("), std::string_view("\uFF08")}) {
    cut = std::min(cut, key.find(open));
  }
  std::string_view base = key.substr(0, cut);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return base;
}

std::unordered_set<std::string> BuildLanguageNames() {
  std::unordered_set<std::string> names;
  const auto add = [&names](const icu::UnicodeString& name) {
    std::string utf8;
    name.toUTF8String(utf8);
    const std::string key = LabelKey(utf8);
    if (!key.empty()) names.emplace(BaseName(key));
  };
  int32_t count = 0;
  const icu::Locale* locales = icu::Locale::getAvailableLocales(count);
  for (int32_t i = 0; i < count; ++i) {
    icu::UnicodeString name;
    add(locales[i].getDisplayLanguage(locales[i], name));
  }
  for (const std::string_view name : kSiteLanguageNames) names.emplace(name);
  return names;
}

const std::unordered_set<std::string>& LanguageNames() {
  static const std::unordered_set<std::string> names = BuildLanguageNames();
  return names;
}

// The pieces of a text between separators, as they are (ReadEntry's LabelKey trims them, and
// reads one of white space alone as a separator).
std::vector<std::string_view> SplitAtSeparators(std::string_view text) {
  std::vector<std::string_view> pieces;
  std::size_t begin = 0;
  const auto push = [&](std::size_t end) { pieces.push_back(text.substr(begin, end - begin)); };
  for (std::size_t i = 0; i < text.size();) {
    std::size_t matched = 0;
    for (const std::string_view separator : kSeparators) {
      if (text.substr(i).starts_with(separator)) matched = separator.size();
    }
    if (matched == 0) {
      ++i;
      continue;
    }
    push(i);
    i += matched;
    begin = i;
  }
  push(text.size());
  return pieces;
}

bool HasLanguageAttribute(const GumboNode* link) {
  for (const char* name : {"hreflang", "lang"}) {
    const char* value = GetAttr(link, name);
    if (value != nullptr && value[0] != '\0') return true;
  }
  return false;
}

// What one piece of a block's text is, as an entry of a switcher.
enum class Entry { kSeparator, kLanguage, kLabel, kOther };

// `text` is a piece of a text node of at most kMaxTextBytes, white space around it included.
Entry ReadEntry(std::string_view text) {
  const std::string key = LabelKey(text);
  if (key.empty()) return Entry::kSeparator;  // white space or punctuation only
  if (key.size() > kMaxNameBytes) return Entry::kOther;
  if (IsLanguageName(key)) return Entry::kLanguage;
  return IsLanguageSwitcherLabel(key) ? Entry::kLabel : Entry::kOther;
}

// A link of a switcher: a language's name, or a short text marked with hreflang or lang.
// A link without text (a flag's picture) adds nothing to the page's text and is passed over.
Entry ReadLink(const GumboNode* link) {
  std::string text;
  if (!CollectText(link, kMaxNameBytes, kLinkNodeBudget, &text)) return Entry::kOther;
  const std::string key = LabelKey(text);
  if (key.empty()) return Entry::kSeparator;
  if (IsLanguageName(key)) return Entry::kLanguage;
  if (IsLanguageSwitcherLabel(key)) return Entry::kOther;  // "Languages" as a link: a menu's
  return HasLanguageAttribute(link) && CountWords(key) <= kMaxCodeWords ? Entry::kLanguage
                                                                        : Entry::kOther;
}

bool MayHoldSwitcher(GumboTag tag) {
  return tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL || tag == GUMBO_TAG_MENU ||
         tag == GUMBO_TAG_P || tag == GUMBO_TAG_DIV;
}

}  // namespace

bool IsLanguageSwitcherLabel(std::string_view key) {
  for (const std::string_view label : kSwitcherLabels) {
    if (key == label) return true;
  }
  return false;
}

bool IsLanguageName(std::string_view key) {
  return LanguageNames().contains(std::string(BaseName(key)));
}

bool IsLanguageSwitcher(const GumboNode* element) {
  if (element->type != GUMBO_NODE_ELEMENT || !MayHoldSwitcher(element->v.element.tag)) {
    return false;
  }
  std::size_t links = 0;
  std::size_t plain_names = 0;
  bool text_seen = false;  // a label is the block's first text
  std::size_t visited = 0;
  // Called for every block: the stack's memory is kept between calls (one per thread).
  thread_local std::vector<const GumboNode*> stack;
  stack.assign(1, element);
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (++visited > kSwitcherNodeBudget) return false;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      if (std::string_view(node->v.text.text).size() > kMaxTextBytes) return false;
      for (const std::string_view piece : SplitAtSeparators(node->v.text.text)) {
        const Entry entry = ReadEntry(piece);
        if (entry == Entry::kOther || (entry == Entry::kLabel && text_seen)) return false;
        if (entry == Entry::kLanguage && ++plain_names > kMaxPlainNames) return false;
        text_seen |= entry != Entry::kSeparator;
      }
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT || (node != element && IsSkipped(node))) continue;
    const GumboTag tag = node->v.element.tag;
    if (HeadingLevel(tag) > 0) return false;
    if (tag == GUMBO_TAG_A) {
      const Entry entry = ReadLink(node);
      if (entry == Entry::kOther) return false;
      if (entry == Entry::kLanguage) ++links;
      text_seen |= entry != Entry::kSeparator;
      continue;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return links >= kMinLinks;
}

}  // namespace policyd::extract_internal
