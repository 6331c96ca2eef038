// What an element's id, class, role and aria-label attributes say about it: navigation,
// consent banner, popup, ... ("hints"). Internal to the extract component.
//
// Names are split into words on '-', '_', white space, other punctuation, lower-to-upper case
// changes (camelCase) and letter/digit changes, then compared as whole lower-case words, so
// "cookieBanner" and "cookie-banner" hint a banner while "navigator" or "menubutton-label"
// hint nothing. A hint alone never decides; see boilerplate.h.
#ifndef POLICYD_SRC_EXTRACT_HINTS_H_
#define POLICYD_SRC_EXTRACT_HINTS_H_

#include <cstdint>
#include <string_view>

#include <gumbo.h>

namespace policyd::extract_internal {

enum Hint : uint32_t {
  kHintVendorConsent = 1u << 0,     // container of a known consent platform or chat widget
  kHintConsentUi = 1u << 1,         // cookie/consent/gdpr word together with banner/bar/modal/...
  kHintNavigation = 1u << 2,        // nav, menu, breadcrumb, sidebar, toc, skip link, pagination
  kHintSharing = 1u << 3,           // share, social, newsletter, subscribe, follow
  kHintPopup = 1u << 4,             // modal, popup, dialog, lightbox, drawer, toast
  kHintBanner = 1u << 5,            // banner, promo, advert, carousel, slider, ticker
  kHintChrome = 1u << 6,            // header, footer, masthead, topbar, copyright
  kHintScreenReaderOnly = 1u << 7,  // sr-only, visually-hidden: "(opens in new window)"
  kHintComments = 1u << 8,          // comment, comments, disqus: reader comments
  // A consent platform's name with document, declaration, statement, policy or legal: the
  // policy it writes into the page (cmplz-document, iubenda_legal_document).
  kHintVendorDocument = 1u << 9,
};

// Hints from the words of `class`, `id`, `aria-label` and, for custom elements such as
// <cookie-consent-banner>, of the tag name. Ids are reported apart because legal pages derive
// ids from section headings ("navigation-data", "cookies", "sharing"), so an id word is
// weaker evidence than a class word.
struct NameHintSet {
  uint32_t any = 0;         // from all the names
  uint32_t without_id = 0;  // from all but the id
};
NameHintSet NameHints(const GumboNode* element);

// The hints that the words of a text give, read as names: a heading "Interest-based ads" hints
// a banner as an id "interest-based-ads" does. For telling a name that is its section's title
// from a widget's.
uint32_t HintsOfText(std::string_view text);

// Calls `fn(word)` for every lower-case word of `name` (words longer than 31 bytes skipped).
template <typename Fn>
void ForEachWord(std::string_view name, Fn&& fn);

// ARIA roles that matter for boilerplate removal.
enum class Role : uint8_t {
  kNone,
  kMain,          // main
  kNavigation,    // navigation, menu, menubar, search, toolbar
  kTabList,       // tablist: navigation, unless it holds its panels (an accordion)
  kDialog,        // dialog, alertdialog
  kTicker,        // marquee, timer: content that changes by itself
  kPageChrome,    // banner, contentinfo
  kComplementary  // complementary
};
Role ElementRole(const GumboNode* element);

// True when the element is hidden from users as rendered: the `hidden` attribute,
// aria-hidden="true", or an inline style with display:none / visibility:hidden.
bool IsHidden(const GumboNode* element);

// True when the element is not rendered at all: the `hidden` attribute or an inline style with
// display:none / visibility:hidden. (aria-hidden content is shown, only not read aloud: pull
// quotes, decorative copies.)
bool IsNotRendered(const GumboNode* element);

// ---------------------------------------------------------------------------------------------

// True for a run of letters and digits that a CSS-in-JS library (styled-components, emotion,
// CSS modules) generated: 5 to 8 characters, both cases, and not camelCase words (a letter
// run of one character, or a capital after its first in a run that is not all capitals:
// "bPopQx", "adMUmR", "kucClE", "3kP1x"). Such a hash changes at every deploy and holds words
// ("pop", "ad", "nav") only by chance; "navBar", "adSlot", "popUp" and "footerWP" are words
// (so, by chance, is a hash like "pvhPOP").
bool LooksGenerated(std::string_view run);

template <typename Fn>
void ForEachWord(std::string_view name, Fn&& fn) {
  char word[32];
  size_t length = 0;
  bool too_long = false;
  auto flush = [&]() {
    if (length > 0 && !too_long) fn(std::string_view(word, length));
    length = 0;
    too_long = false;
  };
  const auto is_alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  for (size_t start = 0; start < name.size();) {
    if (!is_alnum(name[start])) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < name.size() && is_alnum(name[end])) ++end;
    const std::string_view run = name.substr(start, end - start);
    start = end;
    if (LooksGenerated(run)) continue;
    char previous = '\0';
    for (const char c : run) {
      const bool upper = c >= 'A' && c <= 'Z';
      const bool digit = c >= '0' && c <= '9';
      const bool prev_lower = previous >= 'a' && previous <= 'z';
      const bool prev_digit = previous >= '0' && previous <= '9';
      const bool prev_alpha = prev_lower || (previous >= 'A' && previous <= 'Z');
      if ((upper && prev_lower) || (digit && prev_alpha) || (!digit && prev_digit)) flush();
      if (length < sizeof(word)) {
        word[length++] = upper ? static_cast<char>(c + 32) : c;
      } else {
        too_long = true;
      }
      previous = c;
    }
    flush();
  }
}

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_HINTS_H_
