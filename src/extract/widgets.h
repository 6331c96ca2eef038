// Page furniture inside the document's own container: the widgets a site shows around a
// policy on some renders and not on others, which change the text's hash without a word of
// the policy changing (issue 16, items 1 and 2). Internal to the extract component; applied by
// IsBoilerplate (boilerplate.h), so block scoring and rendering see the same text.
//
// Each kind is recognised by structure and a label, never by a site's names:
//  - control labels: an element whose whole text is a control's label ("Show more", "Read
//    more", "See details", "Expand all", "Lire la suite", "Weiterlesen", "Télécharger", ...)
//    and that stands alone in its block. A sentence that merely contains those words is
//    never a control: the label must be the block's only text.
//  - tables of contents: a list or block whose text is (at least 70%) the text of two or more
//    same-page links (href="#..."), labelled by its first text or the element before it ("In
//    this article", "On this page", "Table of contents", "Sommaire", "Inhaltsverzeichnis",
//    ...), and that label. The sections the list points to are the policy and stay. An
//    unlabelled contents list is the policy's own (curated texts keep it) and stays too.
//  - help and related boxes: a container whose first text is a help-centre label ("Related
//    articles", "Articles in this section", "Help articles", "Articles connexes", "Verwandte
//    Artikel", ...) or whose class names one ("related-articles", "recommended"; never an
//    id, which may be a heading's slug), and that is mostly links beyond it; the same label right
//    before a list that is mostly links (both go); rating widgets ("Was this article helpful?",
//    "Rate this article", "Cet article vous a-t-il été utile ?") up to 300 bytes.
//  - page metadata: a table or definition list whose keys are a CMS's ("Last published",
//    "Article number", "Article record type", ...), a standalone "Article number: 123" line,
//    and a date stamp ("updated on 26 October 2022", "mis à jour le ...") that the template
//    marks as one (class or id words modified/timestamp/meta/published). A policy's own
//    "Last updated" line, written in its text, carries no such class and stays.
//  - site menus: a list of three or more items, each only a short link (four words at most, not
//    a sentence) to another page, one of which is marked as the page being shown
//    (aria-current, or a class word active/current), or whose class names it a row of tabs
//    ("tabs", "tablist": role=tablist's class form): the help centre's or legal section's
//    menu beside the policy. A policy's own list of links (its other notices, partners'
//    policies) does neither, so it stays; an unmarked, unclassed menu stays too.
//  - teaser groups: two or more sibling cards, nothing else, each headed by a link to another
//    page (all its links point there) and showing two of a date line, an excerpt cut short
//    and a "Read more" link: a news or blog box without a label. A policy's list of its other
//    notices (whole sentences, no dates) or of its past versions (dates inside the links)
//    stays.
//  - ad labels: an element whose whole text is an ad slot's label ("Advertisement",
//    "Sponsored", "Anzeige", "Publicité", ...), standing alone, not in a table or a list, inside
//    an element named as an ad or banner within three levels (class or id words ad, ads,
//    advert, banner, promo; Google Publisher Tag's "gpt"). The same word as a heading or as
//    the policy's own paragraph stays.
//  - class names leaked as text: a standalone text that is a comma-separated list of CSS class
//    names ("slds-col, slds-size_1-of-1, cTermsBody").
//  - language switchers: see language_switcher.h.
// Headings are never dropped, except the label of a table of contents.
// Every check reads a bounded part of the tree (a few dozen nodes for labels, at most
// kWidgetScanBudget for a list).
#ifndef POLICYD_SRC_EXTRACT_WIDGETS_H_
#define POLICYD_SRC_EXTRACT_WIDGETS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <gumbo.h>

namespace policyd::extract_internal {

enum class Widget : uint8_t {
  kNone,
  kControlLabel,
  kTableOfContents,
  kHelpBox,
  kPageMetadata,
  kLeakedClassNames,
  kSiteMenu,
  kTeaserGroup,
  kAdLabel,
  kLanguageSwitcher,  // language_switcher.h
};

inline constexpr size_t kWidgetScanBudget = 2000;  // nodes read for one list or box

// What `element` is, as page furniture (kNone: not recognised; the element is content).
Widget DetectWidget(const GumboNode* element);

// True for a <button> that opens a section (aria-expanded or aria-controls) and whose text is
// not a control's words ("Show more", "Expand all"): the title of a div-based accordion's
// section, which the renderer keeps like a heading's button. At most 300 bytes of text.
bool IsAccordionTrigger(const GumboNode* button);

// Helpers shared by the detectors of page furniture (widgets.cc, language_switcher.cc):
// True for an element the renderer drops with its subtree (scripts, media, form controls,
// buttons).
bool IsSkipped(const GumboNode* element);
// The text of `element` as the renderer shows it (scripts, media and buttons skipped), into
// *text; false when it is longer than `max_bytes`, reads more than `budget` nodes or contains
// a heading (a label never does).
bool CollectText(const GumboNode* element, size_t max_bytes, size_t budget, std::string* text);
// The runs of characters between white space in `text`.
size_t CountWords(std::string_view text);

// The form labels are compared in: white space and typography as NormalizeText, case folded
// (ICU), characters other than letters removed at both ends ("» Read more…" -> "read more").
std::string LabelKey(std::string_view text);

// Predicates on a LabelKey, exposed for tests.
bool IsControlLabel(std::string_view key);
bool IsTableOfContentsLabel(std::string_view key);
bool IsHelpBoxLabel(std::string_view key);  // "related articles", ...; ratings included
bool IsRatingLabel(std::string_view key);   // "was this article helpful", ...
// True for text (not a key: case kept) that is a comma-separated list of CSS class names: at
// least two names, each marked ('-', '_' or a camelCase hump), most of them hyphenated (a
// cookie policy's lists of cookie names are not: "_ga, _gid, _gat_UA-12345").
bool IsLeakedClassNames(std::string_view text);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_WIDGETS_H_
