// Language switchers: the links to a page's other languages that a site shows beside its policy
// ("English | Deutsch | Français"), on some renders and not others, sometimes in another order.
// Internal to the extract component; a kind of page furniture (widgets.h, DetectWidget).
//
// A switcher is a list or block whose whole text is two or more links, each naming a language
// in that language ("Deutsch", "日本語", "Português (Brasil)": ICU's names of its locales in
// themselves, plus the forms sites write that ICU does not, such as "简体中文") or marked with
// `hreflang` (then any short text: "EN", "DE"), and at most the current language as plain
// text, between separators (| · • / , ;), after at most a switcher's label as the block's first
// text ("Other languages:", "Sprache", "言語"). The same label right before such a block goes
// with it. Any other text beside the links (a sentence: "also available in Deutsch and
// Français"), or a single language, keeps the block: it is then the policy's own words.
#ifndef POLICYD_SRC_EXTRACT_LANGUAGE_SWITCHER_H_
#define POLICYD_SRC_EXTRACT_LANGUAGE_SWITCHER_H_

#include <string_view>

#include <gumbo.h>

namespace policyd::extract_internal {

// True when `element` (an element node) is a language switcher as above. Reads a bounded
// part of its subtree and gives up at the first text that is not a language's name.
bool IsLanguageSwitcher(const GumboNode* element);

// True when `key` (a LabelKey: case folded, typography normalised) names a language in that
// language, optionally with a region or script in parentheses ("english (uk)").
bool IsLanguageName(std::string_view key);

// True when `key` (a LabelKey) is a switcher's label: "other languages", "sprache", ...
bool IsLanguageSwitcherLabel(std::string_view key);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_LANGUAGE_SWITCHER_H_
