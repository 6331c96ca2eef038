#include "hints.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "html_tags.h"

namespace policyd::extract_internal {
namespace {

// Word classes. A consent word and a UI word in the same element make kHintConsentUi.
enum WordClass : uint32_t {
  kWordVendor = 1u << 0,  // a consent platform (onetrust) or a chat widget (intercom, tidio)
  kWordConsent = 1u << 1,
  kWordUi = 1u << 2,
  kWordNavigation = 1u << 3,
  kWordSharing = 1u << 4,
  kWordPopup = 1u << 5,
  kWordBanner = 1u << 6,
  kWordChrome = 1u << 7,
  kWordLanguage = 1u << 8,
  kWordSwitcher = 1u << 9,       // with a language word: a language picker
  kWordScreenReader = 1u << 10,  // from word pairs: sr-only, visually-hidden, screen-reader
  kWordComments = 1u << 11,      // reader comments under an article
  kWordDocument = 1u << 12,      // with a vendor word: the legal document a vendor writes
};

struct WordEntry {
  std::string_view word;
  uint32_t classes;
};

// Sorted by word (checked below).
constexpr std::array<WordEntry, 118> kWords = {{
    {"ad", kWordBanner},
    {"ads", kWordBanner},
    {"adsbygoogle", kWordBanner},
    {"advert", kWordBanner},
    {"advertisement", kWordBanner},
    {"alert", kWordUi},
    {"axeptio", kWordVendor},
    {"banner", kWordUi | kWordBanner},
    {"bar", kWordUi},
    {"borlabs", kWordVendor},
    {"bottombar", kWordChrome},
    {"breadcrumb", kWordNavigation},
    {"breadcrumbs", kWordNavigation},
    {"carousel", kWordBanner},
    {"ccpa", kWordConsent},
    {"chatbot", kWordVendor},
    {"chooser", kWordSwitcher},
    {"cky", kWordVendor},
    {"cmp", kWordConsent},
    {"cmpbox", kWordVendor},
    {"cmplz", kWordVendor},
    {"comment", kWordComments},
    {"commentlist", kWordComments},
    {"comments", kWordComments},
    {"consent", kWordConsent},
    {"consentmanager", kWordVendor},
    {"cookie", kWordConsent},
    {"cookiebanner", kWordConsent | kWordUi},
    {"cookiebar", kWordConsent | kWordUi},
    {"cookiebot", kWordVendor},
    {"cookieconsent", kWordConsent | kWordUi},
    {"cookiefirst", kWordVendor},
    {"cookienotice", kWordConsent | kWordUi},
    {"cookies", kWordConsent},
    {"cookieyes", kWordVendor},
    {"copyright", kWordChrome},
    {"crisp", kWordVendor},
    {"cybot", kWordVendor},
    {"declaration", kWordDocument},
    {"dialog", kWordUi | kWordPopup},
    {"didomi", kWordVendor},
    {"disqus", kWordComments},
    {"document", kWordDocument},
    {"drawer", kWordUi | kWordPopup},
    {"dropdown", kWordSwitcher},
    {"flyout", kWordPopup},
    {"follow", kWordSharing},
    {"footer", kWordChrome},
    {"gdpr", kWordConsent},
    {"header", kWordChrome},
    {"intercom", kWordVendor},
    {"iubenda", kWordVendor},
    {"klaro", kWordVendor},
    {"lang", kWordLanguage},
    {"language", kWordLanguage},
    {"languages", kWordLanguage},
    {"layer", kWordUi},
    {"legal", kWordDocument},
    {"lightbox", kWordPopup},
    {"livechat", kWordVendor},
    {"locale", kWordLanguage},
    {"masthead", kWordChrome},
    {"megamenu", kWordNavigation},
    {"menu", kWordNavigation | kWordSwitcher},
    {"menubar", kWordNavigation},
    {"modal", kWordUi | kWordPopup},
    {"nav", kWordNavigation},
    {"navbar", kWordNavigation},
    {"navigation", kWordNavigation},
    {"newsletter", kWordSharing},
    {"notice", kWordUi},
    {"notification", kWordUi},
    {"offcanvas", kWordPopup},
    {"olark", kWordVendor},
    {"onetrust", kWordVendor},
    {"osano", kWordVendor},
    {"overlay", kWordUi},
    {"pager", kWordNavigation},
    {"pagination", kWordNavigation},
    {"picker", kWordSwitcher},
    {"policy", kWordDocument},
    {"pop", kWordUi | kWordPopup},
    {"popup", kWordUi | kWordPopup},
    {"promo", kWordBanner},
    {"promotion", kWordBanner},
    {"prompt", kWordUi},
    {"rotator", kWordBanner},
    {"selector", kWordSwitcher},
    {"share", kWordSharing},
    {"sharer", kWordSharing},
    {"sharing", kWordSharing},
    {"sidebar", kWordNavigation},
    {"sidenav", kWordNavigation},
    {"skiplink", kWordNavigation},
    {"slick", kWordBanner},
    {"slider", kWordBanner},
    {"slideshow", kWordBanner},
    {"snackbar", kWordUi | kWordPopup},
    {"social", kWordSharing},
    {"sronly", kWordScreenReader},
    {"statement", kWordDocument},
    {"subnav", kWordNavigation},
    {"subscribe", kWordSharing},
    {"swiper", kWordBanner},
    {"switcher", kWordSwitcher},
    {"tarteaucitron", kWordVendor},
    {"tawk", kWordVendor},
    {"ticker", kWordBanner},
    {"tidio", kWordVendor},
    {"toast", kWordUi | kWordPopup},
    {"toc", kWordNavigation},
    {"topbar", kWordChrome},
    {"trustarc", kWordVendor},
    {"truste", kWordVendor},
    {"usercentrics", kWordVendor},
    {"visuallyhidden", kWordScreenReader},
    {"webchat", kWordVendor},
    {"zopim", kWordVendor},
}};
static_assert(std::is_sorted(kWords.begin(), kWords.end(),
                             [](const WordEntry& a, const WordEntry& b) {
                               return a.word < b.word;
                             }));

constexpr std::array<std::string_view, 5> kSkipTargets = {"content", "link", "main", "nav", "to"};

uint32_t WordClasses(std::string_view word) {
  const auto it =
      std::lower_bound(kWords.begin(), kWords.end(), word,
                       [](const WordEntry& e, std::string_view w) { return e.word < w; });
  return (it != kWords.end() && it->word == word) ? it->classes : 0;
}

// Word classes of one attribute value, with the word-pair rules applied: "skip link" /
// "skip to content", "table of contents", "back to top" / "scroll top" are navigation;
// "sr-only", "visually-hidden", "screen-reader-text" mark text for screen readers only.
uint32_t AttributeClasses(const char* value) {
  if (value == nullptr) return 0;
  uint32_t classes = 0;
  // The last two words, copied because ForEachWord reuses its buffer.
  char previous_buffer[32];
  char before_previous_buffer[32];
  std::string_view previous;
  std::string_view before_previous;
  ForEachWord(value, [&](std::string_view word) {
    if (previous == "skip" &&
        std::find(kSkipTargets.begin(), kSkipTargets.end(), word) != kSkipTargets.end()) {
      classes |= kWordNavigation;
    }
    if ((word == "content" || word == "contents") && previous == "of" &&
        before_previous == "table") {
      classes |= kWordNavigation;
    }
    if (word == "top" &&
        (previous == "scroll" || previous == "back" ||
         (previous == "to" && (before_previous == "scroll" || before_previous == "back")))) {
      classes |= kWordNavigation;
    }
    if ((word == "only" && previous == "sr") || (word == "hidden" && previous == "visually") ||
        (word == "reader" && previous == "screen")) {
      classes |= kWordScreenReader;
    }
    classes |= WordClasses(word);
    std::copy(previous.begin(), previous.end(), before_previous_buffer);
    before_previous = std::string_view(before_previous_buffer, previous.size());
    std::copy(word.begin(), word.end(), previous_buffer);
    previous = std::string_view(previous_buffer, word.size());
  });
  return classes;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

// True when `haystack`, ignoring white space and ASCII case, contains `needle` (lower case,
// no white space). Inline styles are short, so the simple quadratic scan is fine.
bool ContainsIgnoringSpace(std::string_view haystack, std::string_view needle) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  };
  for (size_t start = 0; start < haystack.size(); ++start) {
    size_t i = start;
    size_t k = 0;
    while (k < needle.size() && i < haystack.size()) {
      char c = haystack[i++];
      if (is_space(c)) continue;
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (c != needle[k]) break;
      ++k;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace

namespace {

uint32_t HintsFromWords(uint32_t classes) {
  uint32_t hints = 0;
  if (classes & kWordVendor) hints |= kHintVendorConsent;
  if ((classes & kWordVendor) && (classes & kWordDocument)) hints |= kHintVendorDocument;
  if ((classes & kWordConsent) && (classes & kWordUi)) hints |= kHintConsentUi;
  if (classes & kWordNavigation) hints |= kHintNavigation;
  if ((classes & kWordLanguage) && (classes & kWordSwitcher)) hints |= kHintNavigation;
  if (classes & kWordSharing) hints |= kHintSharing;
  if (classes & kWordPopup) hints |= kHintPopup;
  if (classes & kWordBanner) hints |= kHintBanner;
  if (classes & kWordChrome) hints |= kHintChrome;
  if (classes & kWordScreenReader) hints |= kHintScreenReaderOnly;
  if (classes & kWordComments) hints |= kHintComments;
  return hints;
}

}  // namespace

bool LooksGenerated(std::string_view run) {
  if (run.size() < 5 || run.size() > 8) return false;
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  if (std::none_of(run.begin(), run.end(), upper) || std::none_of(run.begin(), run.end(), lower)) {
    return false;
  }
  // Letter runs as ForEachWord cuts them (at a capital after a small letter, and at digits).
  for (size_t start = 0; start < run.size();) {
    if (!upper(run[start]) && !lower(run[start])) {
      ++start;
      continue;
    }
    size_t end = start + 1;
    while (end < run.size() && (lower(run[end]) || (upper(run[end]) && !lower(run[end - 1])))) {
      ++end;
    }
    const std::string_view letters = run.substr(start, end - start);
    const bool acronym = std::all_of(letters.begin(), letters.end(), upper);  // "footerWP"
    if (letters.size() == 1 ||
        (!acronym && std::any_of(letters.begin() + 1, letters.end(), upper))) {
      return true;
    }
    start = end;
  }
  return false;
}

uint32_t HintsOfText(std::string_view text) {
  const std::string terminated(text);
  return HintsFromWords(AttributeClasses(terminated.c_str()));
}

NameHintSet NameHints(const GumboNode* element) {
  uint32_t classes = AttributeClasses(GetAttr(element, "class")) |
                     AttributeClasses(GetAttr(element, "aria-label"));
  if (element->v.element.tag == GUMBO_TAG_UNKNOWN) {
    const std::string_view name = OriginalTagName(element);
    if (name.find('-') != std::string_view::npos) {  // custom elements only
      char buffer[64];
      const size_t length = std::min(name.size(), sizeof(buffer) - 1);
      std::memcpy(buffer, name.data(), length);
      buffer[length] = '\0';
      classes |= AttributeClasses(buffer);
    }
  }
  const uint32_t id_classes = AttributeClasses(GetAttr(element, "id"));
  return {HintsFromWords(classes | id_classes), HintsFromWords(classes)};
}

Role ElementRole(const GumboNode* element) {
  const char* role = GetAttr(element, "role");
  if (role == nullptr) return Role::kNone;
  // The first recognised token wins, as ARIA specifies for role fallback lists.
  Role result = Role::kNone;
  ForEachWord(role, [&](std::string_view word) {
    if (result != Role::kNone) return;
    if (word == "main") {
      result = Role::kMain;
    } else if (word == "navigation" || word == "menu" || word == "menubar" || word == "search" ||
               word == "toolbar") {
      result = Role::kNavigation;
    } else if (word == "tablist") {
      result = Role::kTabList;
    } else if (word == "dialog" || word == "alertdialog") {
      result = Role::kDialog;
    } else if (word == "marquee" || word == "timer") {
      result = Role::kTicker;
    } else if (word == "banner" || word == "contentinfo") {
      result = Role::kPageChrome;
    } else if (word == "complementary") {
      result = Role::kComplementary;
    }
  });
  return result;
}

bool IsNotRendered(const GumboNode* element) {
  if (GetAttr(element, "hidden") != nullptr) return true;
  const char* style = GetAttr(element, "style");
  if (style == nullptr) return false;
  return ContainsIgnoringSpace(style, "display:none") ||
         ContainsIgnoringSpace(style, "visibility:hidden");
}

bool IsHidden(const GumboNode* element) {
  if (const char* aria = GetAttr(element, "aria-hidden"); aria && EqualsNoCase(aria, "true")) {
    return true;
  }
  return IsNotRendered(element);
}

}  // namespace policyd::extract_internal
