#include "widgets.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "boilerplate.h"
#include "hints.h"
#include "html_tags.h"
#include "language_switcher.h"
#include "normalize.h"

namespace policyd::extract_internal {
namespace {

constexpr size_t kMaxLabelBytes = 64;          // a longer text is not a label
constexpr size_t kMaxMetadataLineBytes = 100;  // "Article number: 000123456", a date stamp
constexpr size_t kLabelNodeBudget = 48;        // nodes read to collect a label
constexpr size_t kMinTocLinks = 2;
constexpr double kTocLinkShare = 0.7;  // of the list's text inside same-page links
constexpr double kBoxLinkDensity = 0.5;
constexpr size_t kMaxRatingWidgetBytes = 300;  // "Was this article helpful? Yes No 3 of 5 ..."
constexpr size_t kMaxBoxBytes = 5000;          // no related box is larger
constexpr size_t kMaxMetadataRows = 50;
constexpr size_t kMinMetadataRows = 2;
constexpr int kMaxAncestorsRead = 16;
constexpr size_t kMinMenuItems = 3;
constexpr size_t kMaxMenuItems = 100;     // a longer list is content (or read too long)
constexpr size_t kMaxMenuItemBytes = 40;  // "Community Guidelines", "Cookie Settings"
constexpr size_t kMaxMenuItemWords = 4;
constexpr size_t kMinTeaserCards = 2;
constexpr size_t kMaxTeaserCards = 24;
constexpr size_t kMaxTeaserCardBytes = 800;  // a headline, a date, two lines of excerpt
constexpr size_t kTeaserCardNodeBudget = 200;
constexpr size_t kMaxDateLineBytes = 40;  // "Thursday, 12 September 2024 - 14:05"
constexpr size_t kMinExcerptWords = 6;
constexpr int kMinTeaserSignals = 2;

// An ad slot's label, compared whole (LabelKey form): the slot's only text until its ad loads.
constexpr std::string_view kAdLabels[] = {
    "advertisement", "advertisements", "advertising", "ad",        "ads",
    "sponsored",     "anzeige",        "werbung",     "publicité", "publicidad",
    "pubblicità",    "reklama",        "advertentie", "annonce",   "publicidade",
};
// How far up an ad label's slot is looked for (label, wrapper, slot).
constexpr int kAdSlotLevels = 3;

// Control labels, compared whole (LabelKey form). Single words that also title policy sections
// ("Details", "More", "Summary") are not here.
constexpr std::string_view kControlLabels[] = {
    // English
    "read more", "read less", "show more", "show less", "see more", "see less", "view more",
    "view less", "load more", "show all", "hide all", "view all", "see all", "see details",
    "show details", "hide details", "view details", "more details", "less details", "expand",
    "collapse", "expand all", "collapse all", "open all", "close all", "expand section",
    "collapse section", "toggle", "continue reading", "keep reading", "learn more", "back to top",
    "return to top", "go to top", "scroll to top", "top of page", "print", "print this page",
    "print page", "download", "download pdf", "download as pdf", "download the pdf", "copy link",
    "share", "share this page", "close", "sign up", "sign up now", "register", "register now",
    "join now", "log in", "login", "sign in",
    // French
    "lire la suite", "lire plus", "en savoir plus", "voir plus", "voir moins", "afficher plus",
    "afficher moins", "voir tout", "tout afficher", "tout voir", "voir les détails",
    "voir le détail", "afficher les détails", "masquer les détails", "plus de détails",
    "développer", "réduire", "tout développer", "tout réduire", "déplier", "replier",
    "tout déplier", "tout replier", "retour en haut", "haut de page", "retour en haut de page",
    "imprimer", "imprimer cette page", "télécharger", "télécharger le pdf", "télécharger en pdf",
    "partager", "fermer", "inscription", "s'inscrire", "inscrivez-vous", "connexion",
    "se connecter", "continuer la lecture",
    // German
    "weiterlesen", "mehr lesen", "mehr anzeigen", "weniger anzeigen", "alle anzeigen",
    "alles anzeigen", "mehr erfahren", "details anzeigen", "details ausblenden", "mehr details",
    "aufklappen", "zuklappen", "ausklappen", "einklappen", "alle aufklappen", "alle zuklappen",
    "alle ausklappen", "alle einklappen", "nach oben", "zurück nach oben", "zum seitenanfang",
    "seitenanfang", "drucken", "seite drucken", "herunterladen", "pdf herunterladen",
    "als pdf herunterladen", "teilen", "schließen", "registrieren", "jetzt registrieren",
    "anmelden", "einloggen",
    // Spanish, Italian, Portuguese, Dutch
    "leer más", "ver más", "ver menos", "mostrar más", "mostrar menos", "leggi di più",
    "mostra di più", "mostra altro", "ler mais", "ver mais", "mostrar mais", "lees meer",
    "meer lezen", "toon meer", "toon minder"};

// Labels of in-page contents lists, compared whole. Only ever used together with a list of
// same-page links, so words such as "contents" are safe here.
constexpr std::string_view kTocLabels[] = {"in this article",
                                           "on this page",
                                           "table of contents",
                                           "contents",
                                           "jump to section",
                                           "jump to",
                                           "skip to section",
                                           "quick links",
                                           "in this policy",
                                           "in this document",
                                           "sommaire",
                                           "table des matières",
                                           "dans cet article",
                                           "sur cette page",
                                           "aller à la section",
                                           "accès rapide",
                                           "dans cette page",
                                           "inhaltsverzeichnis",
                                           "inhalt",
                                           "auf dieser seite",
                                           "in diesem artikel",
                                           "zum abschnitt springen",
                                           "springe zu",
                                           "inhaltsübersicht",
                                           "índice",
                                           "tabla de contenidos",
                                           "en esta página",
                                           "indice",
                                           "sommario",
                                           "in questa pagina",
                                           "nesta página",
                                           "índice de conteúdos",
                                           "inhoudsopgave"};

// How help-centre and related-article boxes are titled (a LabelKey beginning with one).
constexpr std::string_view kHelpBoxLabels[] = {
    "related articles", "related topics", "related links", "related content", "related pages",
    "related questions", "recommended articles", "recommended for you", "help articles",
    "popular articles", "top articles", "articles in this section", "other articles",
    "more articles", "still need help", "need more help", "still have questions",
    "have more questions", "you may also like", "you might also like", "articles connexes",
    "articles associés", "articles liés", "articles similaires", "articles recommandés",
    "articles populaires", "articles de cette section", "articles dans cette section",
    "besoin d'aide", "besoin de plus d'aide", "vous avez d'autres questions", "vous aimerez aussi",
    "verwandte artikel", "ähnliche artikel", "weitere artikel", "empfohlene artikel",
    "beliebte artikel", "artikel in diesem abschnitt", "brauchen sie hilfe", "weitere hilfe",
    "haben sie weitere fragen", "noch fragen", "das könnte sie auch interessieren",
    // Help centres' other boxes of links to articles
    "recently viewed articles", "recently viewed", "trending now", "trending articles", "most read",
    "most read articles", "popular in the help center", "popular in help center",
    "popular in the help centre",
    // News teasers in the container
    "latest news", "news", "in the news", "news & updates", "actualités", "dernières actualités",
    "aktuelles", "neuigkeiten"};

// Rating widgets: a LabelKey beginning with one of these, or containing one of the
// kRatingFragments ("12 out of 20 found this helpful").
constexpr std::string_view kRatingLabels[] = {"was this article helpful",
                                              "was this page helpful",
                                              "was this helpful",
                                              "was this answer helpful",
                                              "was this information helpful",
                                              "did this answer your question",
                                              "did you find this helpful",
                                              "rate this article",
                                              "rate this page",
                                              "how helpful was this",
                                              "cet article vous a-t-il été utile",
                                              "cette page vous a-t-elle été utile",
                                              "cet article a-t-il été utile",
                                              "cette réponse vous a-t-elle été utile",
                                              "notez cet article",
                                              "évaluer cet article",
                                              "war dieser artikel hilfreich",
                                              "war diese seite hilfreich",
                                              "war das hilfreich",
                                              "artikel bewerten",
                                              "diesen artikel bewerten"};
constexpr std::string_view kRatingFragments[] = {
    "found this helpful",    "found this article helpful",   "found this page helpful",
    "ont trouvé cela utile", "ont trouvé cet article utile", "fanden dies hilfreich"};

// Keys of a help centre's or CMS's article metadata ("Last published | 3/1/2024"), never
// written in a policy's text.
constexpr std::string_view kMetadataKeys[] = {"article number",
                                              "article id",
                                              "article record type",
                                              "record type",
                                              "url name",
                                              "knowledge article number",
                                              "article total view count",
                                              "numéro d'article",
                                              "numéro de l'article",
                                              "artikelnummer",
                                              "artikel-id",
                                              "version number"};
// A CMS's publication date: strong in a metadata table, but on a line by itself also a
// policy's own date ("Veröffentlicht am 1. März 2024"), so a stamp only when marked.
constexpr std::string_view kPublicationKeys[] = {"last published",         "first published",
                                                 "dernière publication",   "publié le",
                                                 "zuletzt veröffentlicht", "veröffentlicht am"};
// Keys that also open a metadata table, but may be a policy's own words on a line by themselves.
constexpr std::string_view kMetadataTableKeys[] = {
    "last modified", "last modified date", "modified",     "created", "created date",
    "published",     "publication date",   "last updated", "title",   "views"};
// Openings of a date stamp ("updated on 26 October 2022"); a stamp only when the template marks
// it as one (kStampNameWords).
constexpr std::string_view kStampOpenings[] = {
    "last updated",     "updated",      "last modified",
    "modified",         "mis à jour",   "dernière mise à jour",
    "modifié le",       "aktualisiert", "zuletzt aktualisiert",
    "zuletzt geändert", "geändert am",  "stand"};
constexpr std::string_view kStampNameWords[] = {"modified", "lastmodified", "timestamp",
                                                "meta",     "metadata",     "published",
                                                "pubdate",  "dateline"};

// Month names (LabelKey form: case folded) and their usual short forms, for date lines of
// teaser cards: en, fr, de, es, it, nl, pt.
constexpr std::string_view kMonthNames[] = {
    "january",  "february",  "march",   "april",      "may",       "june",      "july",
    "august",   "september", "october", "november",   "december",  "jan",       "feb",
    "mar",      "apr",       "jun",     "jul",        "aug",       "sep",       "sept",
    "oct",      "nov",       "dec",     "janvier",    "février",   "mars",      "avril",
    "mai",      "juin",      "juillet", "août",       "septembre", "octobre",   "novembre",
    "décembre", "janv",      "févr",    "avr",        "juil",      "déc",       "januar",
    "februar",  "märz",      "juni",    "juli",       "oktober",   "dezember",  "jänner",
    "okt",      "dez",       "enero",   "febrero",    "marzo",     "abril",     "mayo",
    "junio",    "julio",     "agosto",  "septiembre", "octubre",   "noviembre", "diciembre",
    "gennaio",  "febbraio",  "aprile",  "maggio",     "giugno",    "luglio",    "settembre",
    "ottobre",  "dicembre",  "januari", "februari",   "maart",     "mei",       "augustus",
    "janeiro",  "fevereiro", "março",   "maio",       "junho",     "julho",     "setembro",
    "outubro",  "novembro",  "dezembro"};

template <size_t N>
bool IsOneOf(const std::string_view (&list)[N], std::string_view key) {
  return std::find(std::begin(list), std::end(list), key) != std::end(list);
}

// True when `key` is `phrase` or begins with it followed by a non-letter.
bool StartsWithPhrase(std::string_view key, std::string_view phrase) {
  if (!key.starts_with(phrase)) return false;
  if (key.size() == phrase.size()) return true;
  const char next = key[phrase.size()];
  return next == ' ' || next == ':' || next == '?' || next == ',' || next == '.' || next == '!';
}

template <size_t N>
bool StartsWithOneOf(const std::string_view (&list)[N], std::string_view key) {
  return std::any_of(std::begin(list), std::end(list),
                     [&](std::string_view phrase) { return StartsWithPhrase(key, phrase); });
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

size_t VisibleBytes(std::string_view text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsSpace(c); }));
}

// Visible bytes of the text of `root` (as CollectText reads it), counting stops past `limit`.
size_t CountVisibleBytes(const GumboNode* root, size_t limit) {
  size_t bytes = 0;
  size_t visited = 0;
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty() && bytes <= limit && ++visited <= kWidgetScanBudget) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      bytes += VisibleBytes(node->v.text.text);
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT || (node != root && IsSkipped(node))) continue;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return stack.empty() ? bytes : limit + 1;  // a block too large to read is not alone
}

// True when `element`, whose text has `own_bytes` visible bytes, is all the text of its block:
// it is a block itself, or its nearest block ancestor shows nothing else.
bool StandsAlone(const GumboNode* element, size_t own_bytes) {
  const GumboNode* block = element;
  while (block != nullptr && block->type == GUMBO_NODE_ELEMENT &&
         !HasFlag(block->v.element.tag, kBlock)) {
    block = block->parent;
  }
  if (block == element) return true;
  if (block == nullptr || block->type != GUMBO_NODE_ELEMENT) return false;
  const GumboTag tag = block->v.element.tag;
  if (tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML) return false;
  return CountVisibleBytes(block, own_bytes) == own_bytes;
}

// The element sibling next to `element` in direction `step` (+1, -1), across white space and
// comments only; nullptr when text or nothing is there.
const GumboNode* AdjacentElement(const GumboNode* element, int step) {
  const GumboNode* parent = element->parent;
  if (parent == nullptr) return nullptr;
  const GumboVector& siblings = Children(parent);
  size_t i = element->index_within_parent;
  if (i >= siblings.length) return nullptr;
  while (true) {
    if (step < 0 && i == 0) return nullptr;
    i = step < 0 ? i - 1 : i + 1;
    if (i >= siblings.length) return nullptr;
    const auto* sibling = static_cast<const GumboNode*>(siblings.data[i]);
    if (sibling->type == GUMBO_NODE_WHITESPACE || sibling->type == GUMBO_NODE_COMMENT) continue;
    if (sibling->type == GUMBO_NODE_TEXT && VisibleBytes(sibling->v.text.text) == 0) continue;
    return sibling->type == GUMBO_NODE_ELEMENT ? sibling : nullptr;
  }
}

bool IsFragmentLink(const GumboNode* element) {
  if (element->v.element.tag != GUMBO_TAG_A) return false;
  const char* href = GetAttr(element, "href");
  return href != nullptr && href[0] == '#' && href[1] != '\0';
}

// A contents list: at least kMinTocLinks same-page links holding kTocLinkShare of the text, no
// heading. Reading stops early once other text outweighs the links.
bool IsFragmentLinkList(const GumboNode* element) {
  struct Item {
    const GumboNode* node;
    bool in_fragment;
  };
  std::vector<Item> stack = {{element, false}};
  size_t visited = 0;
  size_t fragment_bytes = 0;
  size_t other_bytes = 0;
  size_t links = 0;
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    if (++visited > kWidgetScanBudget) return false;
    const GumboNode* node = item.node;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      const size_t bytes = VisibleBytes(node->v.text.text);
      (item.in_fragment ? fragment_bytes : other_bytes) += bytes;
      if (other_bytes > 40 + fragment_bytes / 4) return false;
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT || IsSkipped(node)) continue;
    if (HeadingLevel(node->v.element.tag) > 0) return false;
    bool in_fragment = item.in_fragment;
    if (IsFragmentLink(node)) {
      ++links;
      in_fragment = true;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(children.data[i]), in_fragment});
    }
  }
  const size_t total = fragment_bytes + other_bytes;
  return links >= kMinTocLinks && total > 0 &&
         static_cast<double>(fragment_bytes) >= kTocLinkShare * static_cast<double>(total);
}

bool IsListLike(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_TABLE:
      return true;
    default:
      return false;
  }
}

// A list of links to other pages (a related box's body): mostly link text, not too large.
bool IsLinkList(const GumboNode* element) {
  if (!IsListLike(element->v.element.tag)) return false;
  const SubtreeStats stats = MeasureSubtree(element, kWidgetScanBudget);
  return !stats.truncated && !stats.has_h1 && stats.text > 0 && stats.text <= kMaxBoxBytes &&
         stats.LinkDensity() >= kBoxLinkDensity;
}

// The first text of `container` as a label key, when the element holding it is short; "" else.
std::string FirstLabel(const GumboNode* container) {
  const GumboNode* node = container;
  size_t visited = 0;
  std::vector<const GumboNode*> stack = {container};
  while (!stack.empty() && ++visited <= kLabelNodeBudget) {
    node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      if (VisibleBytes(node->v.text.text) == 0) continue;
      std::string text;
      if (node->parent == container ||
          !CollectText(node->parent, kMaxLabelBytes, kLabelNodeBudget, &text)) {
        // Loose text in the container, or a long first block: no label.
        if (node->parent != container) return {};
        text = node->v.text.text;
        if (text.size() > kMaxLabelBytes) return {};
      }
      return LabelKey(text);
    }
    if (node->type != GUMBO_NODE_ELEMENT || (node != container && IsSkipped(node))) continue;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return {};
}

// True when a contents list is labelled as a site's widget: its first text ("Jump to: ...") or
// the element before it ("<p>On this page</p><ul>...") is a contents label. An unlabelled list
// of same-page links is the policy's own contents (Match Group's policies number theirs, and
// their curated texts keep it): it stays.
bool HasTableOfContentsLabel(const GumboNode* list) {
  if (IsTableOfContentsLabel(FirstLabel(list))) return true;
  const GumboNode* previous = AdjacentElement(list, -1);
  std::string text;
  return previous != nullptr && CollectText(previous, kMaxLabelBytes, kLabelNodeBudget, &text) &&
         IsTableOfContentsLabel(LabelKey(text));
}

// The element children of `element`, white space, comments and empty text skipped; nullopt when
// it holds visible text of its own.
std::optional<std::vector<const GumboNode*>> ElementChildren(const GumboNode* element) {
  std::vector<const GumboNode*> elements;
  const GumboVector& children = element->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_ELEMENT) {
      elements.push_back(child);
    } else if ((child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA) &&
               VisibleBytes(child->v.text.text) > 0) {
      return std::nullopt;
    }
  }
  return elements;
}

std::string_view TrimTrailingSpace(std::string_view text) {
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// True when a short text reads as a sentence or a clause rather than a menu entry.
bool IsSentence(std::string_view text) {
  const size_t words = CountWords(text);
  text = TrimTrailingSpace(text);
  return words > kMaxMenuItemWords || text.ends_with('.') || text.ends_with(':') ||
         text.ends_with(';') || text.ends_with(',');
}

// A link to another page or site (not a same-page fragment, not mail or telephone).
bool IsPageLink(const GumboNode* element) {
  if (element->v.element.tag != GUMBO_TAG_A) return false;
  const char* href = GetAttr(element, "href");
  if (href == nullptr || href[0] == '\0' || href[0] == '#') return false;
  const std::string_view target(href);
  return !target.starts_with("mailto:") && !target.starts_with("tel:") &&
         !target.starts_with("javascript:");
}

// True when `element` is marked as the page being shown: aria-current (any value but "false"),
// or a class word "active" / "current" (Bootstrap's and WordPress's menus).
bool MarksCurrentPage(const GumboNode* element) {
  if (const char* current = GetAttr(element, "aria-current");
      current != nullptr && std::string_view(current) != "false") {
    return true;
  }
  const char* value = GetAttr(element, "class");
  if (value == nullptr) return false;
  bool found = false;
  ForEachWord(value, [&](std::string_view word) {
    found |=
        word == "active" || word == "current" || word == "currentpage" || word == "currentmenuitem";
  });
  return found;
}

struct MenuItem {
  std::string text;  // "" when the item is not a menu entry
  bool current = false;
};

// A menu item: one link to another page, a few words, no sentence.
MenuItem ReadMenuItem(const GumboNode* item) {
  const GumboNode* link = nullptr;
  size_t visited = 0;
  std::vector<const GumboNode*> stack = {item};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (++visited > kLabelNodeBudget) return {};
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      if (VisibleBytes(node->v.text.text) == 0) continue;
      const GumboNode* ancestor = node->parent;
      while (ancestor != item && ancestor != link) ancestor = ancestor->parent;
      if (ancestor != link || link == nullptr) return {};  // text outside the link
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT || IsSkipped(node)) continue;
    const GumboTag tag = node->v.element.tag;
    if (HeadingLevel(tag) > 0 || tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL) return {};
    if (tag == GUMBO_TAG_A) {
      if (link != nullptr || !IsPageLink(node)) return {};
      link = node;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  MenuItem result;
  if (link == nullptr || !CollectText(link, kMaxMenuItemBytes, kLabelNodeBudget, &result.text)) {
    return {};
  }
  result.current = MarksCurrentPage(item) || MarksCurrentPage(link);
  return result;
}

// True when the list's class names it a row of tabs ("tabs", "nav-tabs", "tablist"): the class
// form of role=tablist, which is navigation.
bool HasTabsClass(const GumboNode* list) {
  const char* value = GetAttr(list, "class");
  if (value == nullptr) return false;
  bool found = false;
  ForEachWord(value, [&](std::string_view word) { found |= word == "tabs" || word == "tablist"; });
  return found;
}

// A site menu: a list of kMinMenuItems or more items, each only a short link to another page,
// that marks one item as the page being shown or whose class names it a row of tabs. A
// policy's own list of links (other policies, partners' notices) does neither. The tabs class
// matters because a site marks the current page only on the pages its menu links to: the same
// menu is unmarked on a page reached by another URL (AdopteUnMec's terms).
bool IsSiteMenu(const GumboNode* list) {
  const GumboTag tag = list->v.element.tag;
  if (tag != GUMBO_TAG_UL && tag != GUMBO_TAG_OL && tag != GUMBO_TAG_MENU) return false;
  const auto children = ElementChildren(list);
  if (!children || children->size() > kMaxMenuItems) return false;
  size_t items = 0;
  bool current = false;
  for (const GumboNode* child : *children) {
    if (child->v.element.tag != GUMBO_TAG_LI) return false;
    const MenuItem item = ReadMenuItem(child);
    if (item.text.empty() || IsSentence(item.text)) return false;
    current |= item.current;
    ++items;
  }
  return items >= kMinMenuItems && (current || HasTabsClass(list));
}

// A class (never an id: policies derive ids from headings such as "Related companies") naming
// a related-content box: "related-articles", "relatedPosts", "recommended".
bool HasRelatedClass(const GumboNode* element) {
  const char* value = GetAttr(element, "class");
  if (value == nullptr) return false;
  bool found = false;
  ForEachWord(value, [&](std::string_view word) {
    found |= word == "related" || word == "relatedposts" || word == "relatedarticles" ||
             word == "recommended" || word == "recommendations";
  });
  return found;
}

// A help or related box: its first text is a help label, or its class names one, and the rest
// is mostly links; or a rating widget of a few words.
bool IsHelpBox(const GumboNode* container) {
  const std::string label = FirstLabel(container);
  const bool rating = !label.empty() && IsRatingLabel(label);
  const bool labelled = rating || (!label.empty() && IsHelpBoxLabel(label));
  if (!labelled && !HasRelatedClass(container)) return false;
  const SubtreeStats stats = MeasureSubtree(container, kWidgetScanBudget);
  if (stats.truncated || stats.has_h1 || stats.has_main || stats.text > kMaxBoxBytes) {
    return false;
  }
  if (rating && stats.text <= kMaxRatingWidgetBytes) return true;
  return stats.LinkDensity() >= kBoxLinkDensity;
}

// Keys of the rows of a table (first cells) or definition list (terms), at most
// kMaxMetadataRows; empty when the structure is something else.
std::vector<std::string> RowKeys(const GumboNode* element) {
  std::vector<std::string> keys;
  std::vector<const GumboNode*> stack = {element};
  size_t visited = 0;
  const GumboTag root_tag = element->v.element.tag;
  const GumboTag row_tag = root_tag == GUMBO_TAG_DL ? GUMBO_TAG_DT : GUMBO_TAG_TR;
  while (!stack.empty() && ++visited <= kWidgetScanBudget && keys.size() < kMaxMetadataRows) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboTag tag = node->v.element.tag;
    if (node != element && (tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_DL)) continue;
    if (tag == row_tag) {
      const GumboNode* key_node = node;
      if (row_tag == GUMBO_TAG_TR) {
        key_node = nullptr;
        const GumboVector& cells = node->v.element.children;
        for (unsigned i = 0; i < cells.length && key_node == nullptr; ++i) {
          const auto* cell = static_cast<const GumboNode*>(cells.data[i]);
          if (cell->type == GUMBO_NODE_ELEMENT &&
              (cell->v.element.tag == GUMBO_TAG_TD || cell->v.element.tag == GUMBO_TAG_TH)) {
            key_node = cell;
          }
        }
        if (key_node == nullptr) continue;
      }
      std::string text;
      keys.push_back(CollectText(key_node, kMaxLabelBytes, kLabelNodeBudget, &text)
                         ? LabelKey(text)
                         : std::string());
      continue;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return keys;
}

bool IsMetadataTable(const GumboNode* element) {
  const std::vector<std::string> keys = RowKeys(element);
  size_t matches = 0;
  size_t strong = 0;
  for (const std::string& key : keys) {
    if (StartsWithOneOf(kMetadataKeys, key) || StartsWithOneOf(kPublicationKeys, key)) {
      ++matches;
      ++strong;
    } else if (IsOneOf(kMetadataTableKeys, key)) {
      ++matches;
    }
  }
  return strong > 0 && matches >= kMinMetadataRows && 2 * matches >= keys.size();
}

bool HasStampName(const GumboNode* element) {
  bool found = false;
  for (const char* name : {"class", "id"}) {
    const char* value = GetAttr(element, name);
    if (value == nullptr) continue;
    ForEachWord(value, [&](std::string_view word) { found |= IsOneOf(kStampNameWords, word); });
  }
  return found;
}

// True when `element` or one of its nearest ancestors has one of `tags`.
bool HasAncestorTag(const GumboNode* element, std::initializer_list<GumboTag> tags) {
  int depth = 0;
  for (const GumboNode* node = element;
       node != nullptr && node->type == GUMBO_NODE_ELEMENT && depth < kMaxAncestorsRead;
       node = node->parent, ++depth) {
    if (std::find(tags.begin(), tags.end(), node->v.element.tag) != tags.end()) return true;
  }
  return false;
}

// True inside a table cell or a list item: where a cookie policy lists cookie names
// ("OptanonConsent, OptanonAlertBoxClosed"), which look like class names.
bool InTableOrList(const GumboNode* element) {
  return HasAncestorTag(element,
                        {GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT});
}

// True inside a table cell, where a control's word is a datum ("Purpose: Login").
bool InTableCell(const GumboNode* element) {
  return HasAncestorTag(element, {GUMBO_TAG_TD, GUMBO_TAG_TH});
}

// True when `element` is, or holds within a few nodes, something a person clicks: a link, a
// <summary>, or an element whose role says it is a button or link.
bool HoldsControl(const GumboNode* element) {
  std::vector<const GumboNode*> stack = {element};
  for (size_t visited = 0; !stack.empty() && visited < kLabelNodeBudget; ++visited) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_SUMMARY) return true;
    if (const char* role = GetAttr(node, "role");
        role != nullptr &&
        (std::string_view(role) == "button" || std::string_view(role) == "link")) {
      return true;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return false;
}

bool HasDigit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// True when a short line is a date: it has a digit and a month name ("3 March 2024", "März
// 2024", "Sept. 12, 2023") or is digits joined by '.', '/' or '-' ("2024-03-03", "03/03/24").
bool IsDateLine(std::string_view text) {
  if (text.size() > kMaxDateLineBytes || !HasDigit(text)) return false;
  const std::string key = LabelKey(text);
  bool month = false;
  bool numeric = true;
  size_t numbers = 0;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find_first_of(" ,./-", start);
    if (end == std::string::npos) end = key.size();
    const std::string_view word = std::string_view(key).substr(start, end - start);
    if (!word.empty()) {
      const bool digits =
          std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
      numbers += digits ? 1 : 0;
      numeric &= digits;
      month |= IsOneOf(kMonthNames, word);
    }
    start = end + 1;
  }
  return month || (numeric && numbers == 3);
}

// A site's copyright notice and nothing else: "© 2026 Acme Inc. All rights reserved.",
// "Copyright © 2019-2026 Acme", "(c) 2026 Acme GmbH". Printed in a footer from the current
// year, it changes on 1 January on every page of a site read whole (no landmark): no clause
// of a policy. It opens with the mark or the word, holds a year, and is one short line (a
// terms' "Copyright" clause, a sentence about copyright law, has no year or is longer).
constexpr size_t kMaxCopyrightNoticeBytes = 160;
constexpr size_t kMaxCopyrightNoticeWords = 16;

bool IsCopyrightNotice(std::string_view text) {
  if (text.size() > kMaxCopyrightNoticeBytes || CountWords(text) > kMaxCopyrightNoticeWords) {
    return false;
  }
  const std::string key = LabelKey(text);  // case folded, "©" and "(c" trimmed at the start
  const bool opens = text.starts_with("\u00a9") || text.starts_with("(c)") ||
                     text.starts_with("(C)") || key.starts_with("copyright");
  if (!opens) return false;
  // A year: four digits from 1990 to 2099, alone or in a range.
  for (size_t i = 0; i + 4 <= text.size(); ++i) {
    const std::string_view four = text.substr(i, 4);
    const bool digits =
        std::all_of(four.begin(), four.end(), [](char c) { return c >= '0' && c <= '9'; });
    const bool bounded =
        (i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]))) &&
        (i + 4 == text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 4])));
    if (digits && bounded && (four.starts_with("19") || four.starts_with("20")) && four >= "1990") {
      return true;
    }
  }
  return false;
}

// Relative time stamps ("Updated over a week ago", "Last updated: 3 days ago", "1 month ago",
// "il y a 3 jours", "vor 2 Tagen aktualisiert", "hace 3 días", "3 giorni fa", "3 dagen
// geleden"): help centres (Intercom, Zendesk) print them from the article's date, so they
// change with time alone. Words as LabelKey gives them (a leading count is cut off there),
// with punctuation at their ends dropped ("updated:").
constexpr std::string_view kRelativeOpeners[] = {
    "last", "updated", "posted", "edited", "modified", "published", "mis", "à", "jour", "publié",
    "modifié", "aktualisiert", "geändert", "bearbeitet", "actualizado", "publicado", "aggiornato",
    "atualizado", "pubblicato", "bijgewerkt", "gewijzigd",
    // Russian, Polish, Swedish, Turkish
    "обновлено", "опубликовано", "изменено", "zaktualizowano", "opublikowano", "zmieniono",
    "uppdaterad", "uppdaterades", "publicerad", "ändrad", "güncellendi", "yayınlandı",
    "değiştirildi"};
constexpr std::string_view kRelativeQualifiers[] = {
    "over",   "about", "almost", "nearly",  "more",   "than",  "less",    "under", "around",
    "a",      "an",    "one",    "few",     "couple", "of",    "plus",    "d'une", "d'un",
    "moins",  "über",  "einer",  "einem",   "etwa",   "mehr",  "als",     "más",   "de",
    "una",    "un",    "oltre",  "più",     "mais",   "uma",   "um",      "meer",  "dan",
    "een",    "ruim",  "более",  "больше",  "около",  "почти", "менее",   "ponad", "około",
    "prawie", "för",   "över",   "ungefär", "nästan", "bir",   "yaklaşık"};
constexpr std::string_view kRelativeUnits[] = {
    "second",    "seconds", "minute",  "minutes",  "min",      "mins",     "hour",    "hours",
    "hr",        "hrs",     "day",     "days",     "week",     "weeks",    "wk",      "wks",
    "month",     "months",  "mo",      "mos",      "year",     "years",    "yr",      "yrs",
    "jour",      "jours",   "heure",   "heures",   "semaine",  "semaines", "mois",    "an",
    "ans",       "tag",     "tagen",   "stunde",   "stunden",  "woche",    "wochen",  "monat",
    "monaten",   "jahr",    "jahren",  "minuten",  "sekunden", "día",      "días",    "dia",
    "dias",      "semana",  "semanas", "mes",      "meses",    "año",      "años",    "ano",
    "anos",      "hora",    "horas",   "minuto",   "minutos",  "giorno",   "giorni",  "settimana",
    "settimane", "mese",    "mesi",    "anno",     "anni",     "ora",      "ore",     "minuti",
    "dag",       "dagen",   "weken",   "maand",    "maanden",  "jaar",     "jaren",   "uur",
    "секунду",   "секунды", "секунд",  "минуту",   "минуты",   "минут",    "час",     "часа",
    "часов",     "день",    "дня",     "дней",     "неделю",   "недели",   "недель",  "месяц",
    "месяца",    "месяцев", "год",     "года",     "лет",      "sekundę",  "sekundy", "sekund",
    "minutę",    "minuty",  "godzinę", "godziny",  "godzin",   "dzień",    "dni",     "tydzień",
    "tygodnie",  "tygodni", "miesiąc", "miesiące", "miesięcy", "rok",      "lata",    "lat",
    "sekunder",  "minuter", "timme",   "timmar",   "dagar",    "vecka",    "veckor",  "månad",
    "månader",   "år",      "saniye",  "dakika",   "saat",     "gün",      "hafta",   "ay",
    "yıl"};
// Before the amount ("il y a", "vor", "hace", "há") or after its unit ("ago", "fa", "geleden").
constexpr std::string_view kRelativeBefore[] = {"vor", "hace", "há", "ha"};
constexpr std::string_view kRelativeAfter[] = {"ago",  "fa",    "geleden", "назад",
                                               "temu", "sedan", "önce"};
// A count and a short unit in one word: "2d", "3h", "1w", "5mo", "2yr".
constexpr std::string_view kRelativeUnitSuffixes[] = {"s", "m", "h", "d", "w", "mo", "y", "yr"};

bool IsCount(std::string_view word) {
  return !word.empty() &&
         std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsCountWithUnit(std::string_view word) {
  const std::size_t digits = word.find_first_not_of("0123456789");
  return digits != 0 && digits != std::string_view::npos &&
         IsOneOf(kRelativeUnitSuffixes, word.substr(digits));
}

// The words of `key`, each without the punctuation at its ends ("updated:" reads "updated").
std::vector<std::string_view> StampWords(std::string_view key) {
  std::vector<std::string_view> words;
  for (std::size_t start = 0; start < key.size();) {
    std::size_t end = key.find(' ', start);
    if (end == std::string_view::npos) end = key.size();
    std::string_view word = key.substr(start, end - start);
    while (!word.empty() &&
           std::string_view(":,.;·-").find(word.back()) != std::string_view::npos) {
      word.remove_suffix(1);
    }
    if (!word.empty()) words.push_back(word);
    start = end + 1;
  }
  return words;
}

bool IsRelativeTimeStamp(std::string_view key) {
  std::vector<std::string_view> words = StampWords(key);
  std::size_t i = 0;
  while (i < words.size() && IsOneOf(kRelativeOpeners, words[i])) ++i;
  const std::size_t openers = i;
  // The verb after the amount ("vor 3 Tagen aktualisiert", "3 dagen geleden bijgewerkt").
  while (words.size() > i + 1 && IsOneOf(kRelativeOpeners, words.back())) words.pop_back();
  const auto rest = [&](std::size_t from) {
    std::string joined;
    for (std::size_t k = from; k < words.size(); ++k)
      joined += (k > from ? " " : "") + std::string(words[k]);
    return joined;
  };
  if (const std::string tail = rest(i);
      tail == "yesterday" || tail == "today" || tail == "just now" || tail == "hier" ||
      tail == "aujourd'hui" || tail == "gestern" || tail == "heute") {
    return i > 0 || words.size() <= 2;
  }
  // "Updated this week", "Updated last month" ("last" was read as an opener).
  const bool calendar_unit =
      i + 1 == words.size() && (words[i] == "week" || words[i] == "month" || words[i] == "year");
  if (calendar_unit && openers >= 2 && words[i - 1] == "last") return true;
  if (openers >= 1 && i + 2 == words.size() && words[i] == "this" &&
      (words[i + 1] == "week" || words[i + 1] == "month" || words[i + 1] == "year")) {
    return true;
  }
  // French "il y a N jours", German "vor N Tagen", Spanish "hace", Portuguese "há": before.
  if (i + 3 <= words.size() && words[i] == "il" && words[i + 1] == "y" && words[i + 2] == "a") {
    i += 3;
  } else if (i < words.size() && IsOneOf(kRelativeBefore, words[i])) {
    ++i;
  } else {
    // English "ago", Italian "fa", Dutch "geleden": [qualifiers] [count] unit, then the word.
    if (words.size() < i + 2 || !IsOneOf(kRelativeAfter, words.back())) return false;
    words.pop_back();
  }
  while (i < words.size() && (IsOneOf(kRelativeQualifiers, words[i]) || IsCount(words[i]))) ++i;
  return i + 1 == words.size() && (IsOneOf(kRelativeUnits, words[i]) || IsCountWithUnit(words[i]));
}

// The words of a page-view counter once its counts are gone: Drupal's "1,204 views",
// WordPress's "Post Views: 1,204", "Viewed 1204 times", Joomla's "Hits: 1204", a blog's
// "3.2K views · 5 min read". The count changes at every visit.
constexpr std::string_view kViewCounterShapes[] = {"views",
                                                   "view",
                                                   "post views",
                                                   "page views",
                                                   "viewed times",
                                                   "hits",
                                                   "aufrufe",
                                                   "vues",
                                                   "visitas",
                                                   "visualizzazioni",
                                                   "views min read",
                                                   "views min",
                                                   "read times",
                                                   "people are viewing this page",
                                                   "people are viewing this",
                                                   "viewing now"};

// A count: digits, or digits with a K or M suffix ("3.2K" reads "3", "2k").
bool IsCountWord(std::string_view word) {
  if (word.empty() || word[0] < '0' || word[0] > '9') return false;
  const std::string_view digits =
      (word.back() == 'k' || word.back() == 'm') ? word.substr(0, word.size() - 1) : word;
  return IsCount(digits);
}

// True when `element` or one of its kAdSlotLevels nearest ancestors is named as an ad or a
// banner (class or id words: ad, ads, advert, advertisement, banner, promo, ...; "gpt-slot",
// "div-gpt-ad-1").
bool InAdSlot(const GumboNode* element) {
  const GumboNode* node = element;
  for (int level = 0; level < kAdSlotLevels && node != nullptr && node->type == GUMBO_NODE_ELEMENT;
       ++level, node = node->parent) {
    if ((NameHints(node).any & kHintBanner) != 0) return true;
    const char* classes = GetAttr(node, "class");
    if (classes != nullptr && std::string_view(classes).find("gpt") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// True when `text` is a page-view counter and nothing else (kViewCounterShapes).
bool IsViewCounter(std::string_view text) {
  if (!HasDigit(text)) return false;
  std::string shape;
  std::string word;
  bool counted = false;
  const auto flush = [&]() {
    if (word.empty()) return;
    if (IsCountWord(word)) {
      counted = true;
    } else {
      if (!shape.empty()) shape.push_back(' ');
      shape += word;
    }
    word.clear();
  };
  for (const char c : text) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c + 32));
    } else if (alnum) {
      word.push_back(c);
    } else {
      flush();  // spaces, punctuation, "·" and other non-ASCII bytes separate words
    }
  }
  flush();
  return counted && IsOneOf(kViewCounterShapes, shape);
}

// True when a text reads as an excerpt cut short: enough words, ending in an ellipsis or in
// the middle of a sentence (no closing punctuation).
bool IsCutExcerpt(std::string_view text) {
  const size_t words = CountWords(text);
  text = TrimTrailingSpace(text);
  if (words < kMinExcerptWords || text.empty()) return false;
  if (text.ends_with("...") || text.ends_with("\xE2\x80\xA6")) return true;  // "…"
  const char last = text.back();
  return (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') || last == ',';
}

// What a teaser card shows, read in one bounded walk.
struct TeaserCard {
  bool readable = false;          // within the budgets, no h1, lists or tables
  bool headline_is_link = false;  // its first text is inside a link to another page
  std::string href;               // the one page every link of the card points to
  int signals = 0;                // a date line, an excerpt cut short, a "Read more" link
};

// The text of each block of `card`, in order, and whether all of it is link text.
struct CardBlock {
  const GumboNode* block = nullptr;
  std::string text;
  bool all_link = true;
};

// ReadTeaserCard's walk: every link to another page must point to one href (`result->href`);
// the texts are gathered per nearest block ancestor (`blocks`). False when the card cannot be
// a teaser: over a budget, an h1, a list, a table or a form in it, or links to several pages.
bool WalkTeaserCard(const GumboNode* card, TeaserCard* result, std::vector<CardBlock>* blocks) {
  struct Item {
    const GumboNode* node;
    const GumboNode* block;
    const GumboNode* link;
  };
  std::vector<Item> stack = {{card, card, nullptr}};
  size_t visited = 0;
  size_t bytes = 0;
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    if (++visited > kTeaserCardNodeBudget) return false;
    const GumboNode* node = item.node;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      const std::string_view text = node->v.text.text;
      const size_t visible = VisibleBytes(text);
      if (visible == 0) continue;
      bytes += visible;
      if (bytes > kMaxTeaserCardBytes) return false;
      if (blocks->empty()) result->headline_is_link = item.link != nullptr;
      if (blocks->empty() || blocks->back().block != item.block)
        blocks->push_back({item.block, {}, true});
      blocks->back().text.append(text);
      blocks->back().all_link &= item.link != nullptr;
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT || (node != card && IsSkipped(node))) continue;
    const GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_UL || tag == GUMBO_TAG_OL ||
        tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_FORM) {
      return false;
    }
    const GumboNode* link = item.link;
    if (IsPageLink(node)) {
      const std::string_view href = GetAttr(node, "href");
      if (!result->href.empty() && result->href != href) return false;  // about several pages
      result->href = href;
      link = node;
    }
    const GumboNode* block = node != card && HasFlag(tag, kBlock) ? node : item.block;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(children.data[i]), block, link});
    }
  }
  return true;
}

// How many of a teaser's signs a card's blocks show: a date line, an excerpt cut short, a
// "Read more" link (a block that is all link text).
int TeaserSignals(const std::vector<CardBlock>& blocks) {
  bool date = false;
  bool excerpt = false;
  bool read_more = false;
  for (const CardBlock& block : blocks) {
    std::string text;
    bool leading = false;
    bool trailing = false;
    CollapseWhiteSpace(block.text, &text, &leading, &trailing);
    if (block.all_link) {
      read_more |= text.size() <= kMaxLabelBytes && IsControlLabel(LabelKey(text));
    } else {
      date |= IsDateLine(text);
      excerpt |= IsCutExcerpt(text);
    }
  }
  return int{date} + int{excerpt} + int{read_more};
}

// Reads a card in one bounded walk; not readable unless it links to exactly one other page
// and shows some text.
TeaserCard ReadTeaserCard(const GumboNode* card) {
  TeaserCard result;
  std::vector<CardBlock> blocks;
  if (!WalkTeaserCard(card, &result, &blocks) || result.href.empty() || blocks.empty()) {
    return {};
  }
  result.readable = true;
  result.signals = TeaserSignals(blocks);
  return result;
}

// A group of teaser cards: two or more sibling elements of one tag, nothing else, each a card
// whose first text is a link to another page (its headline), whose links all point to that
// page, and which shows two of: a date line, an excerpt cut short, a "Read more" link. A news
// or blog box beside the policy ("Acme opens a new plant / 3 March 2024 / The new plant will
// employ 300 people and ... / Read more"), unlabelled; it changes with every post. A
// policy's own list of its other notices has no dates and whole sentences; a list of its past
// versions has the dates inside the links; both stay.
bool IsTeaserGroup(const GumboNode* group) {
  const GumboTag tag = group->v.element.tag;
  if (tag != GUMBO_TAG_DIV && tag != GUMBO_TAG_SECTION && tag != GUMBO_TAG_ASIDE &&
      tag != GUMBO_TAG_UL && tag != GUMBO_TAG_OL) {
    return false;
  }
  const auto children = ElementChildren(group);
  if (!children || children->size() < kMinTeaserCards || children->size() > kMaxTeaserCards) {
    return false;
  }
  const GumboTag card_tag = children->front()->v.element.tag;
  for (const GumboNode* child : *children) {
    if (child->v.element.tag != card_tag) return false;
    const TeaserCard card = ReadTeaserCard(child);
    if (!card.readable || !card.headline_is_link || card.signals < kMinTeaserSignals) return false;
  }
  return true;
}

// Rules on the element's own short text: labels and metadata lines.
Widget DetectByText(const GumboNode* element, bool heading) {
  std::string raw;
  if (!CollectText(element, kMaxMetadataLineBytes * 2, kLabelNodeBudget, &raw)) {
    return Widget::kNone;
  }
  std::string text;
  bool leading = false;
  bool trailing = false;
  CollapseWhiteSpace(raw, &text, &leading, &trailing);
  if (text.empty() || text.size() > kMaxMetadataLineBytes) return Widget::kNone;
  const std::string key = LabelKey(text);
  if (key.empty()) return Widget::kNone;
  const bool label_sized = text.size() <= kMaxLabelBytes;
  if (label_sized && IsTableOfContentsLabel(key)) {
    const GumboNode* next = AdjacentElement(element, +1);
    if (next != nullptr && IsFragmentLinkList(next)) return Widget::kTableOfContents;
  }
  if (label_sized) {
    const GumboNode* next = AdjacentElement(element, +1);
    if (next != nullptr && IsListLike(next->v.element.tag) && IsHelpBoxLabel(key) &&
        !IsRatingLabel(key) && IsLinkList(next)) {
      return Widget::kHelpBox;
    }
  }
  if (label_sized && IsLanguageSwitcherLabel(key)) {
    const GumboNode* next = AdjacentElement(element, +1);
    if (next != nullptr && IsLanguageSwitcher(next)) return Widget::kLanguageSwitcher;
  }
  if (heading) return Widget::kNone;
  const size_t own_bytes = VisibleBytes(text);
  // In a table cell the words are data ("Purpose: Login") unless something there is clicked.
  if (label_sized && IsControlLabel(key) && StandsAlone(element, own_bytes) &&
      (!InTableCell(element) || HoldsControl(element))) {
    return Widget::kControlLabel;
  }
  if (IsRatingLabel(key) && StandsAlone(element, own_bytes)) return Widget::kHelpBox;
  if (label_sized && IsRelativeTimeStamp(key) &&
      (element->v.element.tag == GUMBO_TAG_TIME || StandsAlone(element, own_bytes))) {
    return Widget::kPageMetadata;
  }
  if (label_sized && IsOneOf(kAdLabels, key) && !InTableOrList(element) &&
      StandsAlone(element, own_bytes) && InAdSlot(element)) {
    return Widget::kAdLabel;
  }
  if (label_sized && IsViewCounter(text) && !InTableCell(element) &&
      StandsAlone(element, own_bytes)) {
    return Widget::kPageMetadata;
  }
  if (IsLeakedClassNames(text) && !InTableOrList(element) && StandsAlone(element, own_bytes)) {
    return Widget::kLeakedClassNames;
  }
  if (IsCopyrightNotice(text) && !InTableOrList(element) && StandsAlone(element, own_bytes)) {
    return Widget::kPageMetadata;
  }
  if (HasDigit(text) && StandsAlone(element, own_bytes)) {
    if (StartsWithOneOf(kMetadataKeys, key)) return Widget::kPageMetadata;
    if ((StartsWithOneOf(kStampOpenings, key) || StartsWithOneOf(kPublicationKeys, key)) &&
        HasStampName(element)) {
      return Widget::kPageMetadata;
    }
  }
  return Widget::kNone;
}

}  // namespace

size_t CountWords(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    if (IsSpace(c)) {
      in_word = false;
    } else if (!in_word) {
      in_word = true;
      ++words;
    }
  }
  return words;
}

bool IsSkipped(const GumboNode* element) {
  const GumboTag tag = element->v.element.tag;
  return HasFlag(tag, kNotText) || tag == GUMBO_TAG_BUTTON;  // the renderer drops both
}

bool CollectText(const GumboNode* element, size_t max_bytes, size_t budget, std::string* text) {
  text->clear();
  // Called for every element: the stack's memory is kept between calls (one per thread).
  thread_local std::vector<const GumboNode*> stack;
  stack.assign(1, element);
  size_t visited = 0;
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (++visited > budget) return false;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      text->append(node->v.text.text);
      if (text->size() > max_bytes) return false;
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node != element && IsSkipped(node)) continue;
    if (node != element && HeadingLevel(node->v.element.tag) > 0) return false;
    if (HasFlag(node->v.element.tag, kBlock)) text->push_back(' ');
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return true;
}

std::string LabelKey(std::string_view text) {
  std::string collapsed;
  bool leading = false;
  bool trailing = false;
  CollapseWhiteSpace(text, &collapsed, &leading, &trailing);
  if (std::all_of(collapsed.begin(), collapsed.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    // Most labels are ASCII: fold and trim without converting to UTF-16.
    auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    size_t start = 0;
    size_t end = collapsed.size();
    while (start < end && !is_letter(collapsed[start])) ++start;
    while (end > start && !is_letter(collapsed[end - 1])) --end;
    std::string key = collapsed.substr(start, end - start);
    for (char& c : key) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return key;
  }
  icu::UnicodeString folded =
      icu::UnicodeString::fromUTF8(
          icu::StringPiece(collapsed.data(), static_cast<int32_t>(collapsed.size())))
          .foldCase();
  int32_t start = 0;
  int32_t end = folded.length();
  while (start < end && !u_isalpha(folded.char32At(start))) start = folded.moveIndex32(start, 1);
  while (end > start) {
    const int32_t previous = folded.moveIndex32(end, -1);
    if (u_isalpha(folded.char32At(previous))) break;
    end = previous;
  }
  std::string key;
  folded.tempSubStringBetween(start, end).toUTF8String(key);
  return key;
}

bool IsControlLabel(std::string_view key) { return IsOneOf(kControlLabels, key); }

bool IsAccordionTrigger(const GumboNode* button) {
  if (GetAttr(button, "aria-expanded") == nullptr && GetAttr(button, "aria-controls") == nullptr) {
    return false;
  }
  std::string text;
  if (!CollectText(button, kMaxMetadataLineBytes * 3, kLabelNodeBudget, &text)) return false;
  const std::string key = LabelKey(text);
  return !key.empty() && !IsControlLabel(key);
}

bool IsTableOfContentsLabel(std::string_view key) { return IsOneOf(kTocLabels, key); }

bool IsRatingLabel(std::string_view key) {
  if (StartsWithOneOf(kRatingLabels, key)) return true;
  return std::any_of(std::begin(kRatingFragments), std::end(kRatingFragments),
                     [&](std::string_view f) { return key.find(f) != std::string_view::npos; });
}

bool IsHelpBoxLabel(std::string_view key) {
  return StartsWithOneOf(kHelpBoxLabels, key) || IsRatingLabel(key);
}

bool IsLeakedClassNames(std::string_view text) {
  size_t names = 0;
  // Most CSS class names are hyphenated ("slds-col"); cookie names ("_ga, _gid, _gat_UA-1",
  // "OptanonConsent, eupubconsent-v2") mostly are not, and a cookie policy lists them.
  size_t hyphenated = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view name = text.substr(start, end - start);
    while (!name.empty() && IsSpace(name.front())) name.remove_prefix(1);
    while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
    if (name.empty()) return false;
    const char first = name.front();
    if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '_' ||
          first == '-')) {
      return false;
    }
    bool marked = false;  // '-', '_' or a camelCase hump: not an ordinary word
    char previous = '\0';
    for (const char c : name) {
      const bool lower = c >= 'a' && c <= 'z';
      const bool upper = c >= 'A' && c <= 'Z';
      const bool digit = c >= '0' && c <= '9';
      if (!lower && !upper && !digit && c != '-' && c != '_') return false;
      if (c == '-' || c == '_' || (upper && previous >= 'a' && previous <= 'z')) marked = true;
      previous = c;
    }
    if (!marked) return false;
    if (name.find('-') != std::string_view::npos) ++hyphenated;
    ++names;
    start = end + 1;
  }
  return names >= 2 && 2 * hyphenated > names;
}

Widget DetectWidget(const GumboNode* element) {
  if (element->type != GUMBO_NODE_ELEMENT) return Widget::kNone;
  const GumboTag tag = element->v.element.tag;
  if (tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_MAIN ||
      tag == GUMBO_TAG_ARTICLE || IsSkipped(element)) {
    return Widget::kNone;
  }
  const bool heading = HeadingLevel(tag) > 0;
  if (const Widget by_text = DetectByText(element, heading); by_text != Widget::kNone) {
    return by_text;
  }
  if (heading || !IsListLike(tag)) return Widget::kNone;
  if (IsFragmentLinkList(element) && HasTableOfContentsLabel(element)) {
    return Widget::kTableOfContents;
  }
  if (IsHelpBox(element)) return Widget::kHelpBox;
  // A list of links right after a help label (the label goes too, see DetectByText).
  if (const GumboNode* previous = AdjacentElement(element, -1); previous != nullptr) {
    std::string text;
    if (CollectText(previous, kMaxLabelBytes, kLabelNodeBudget, &text)) {
      const std::string key = LabelKey(text);
      if (!key.empty() && IsHelpBoxLabel(key) && !IsRatingLabel(key) && IsLinkList(element)) {
        return Widget::kHelpBox;
      }
    }
  }
  if (IsSiteMenu(element)) return Widget::kSiteMenu;
  if (IsLanguageSwitcher(element)) return Widget::kLanguageSwitcher;
  if (IsTeaserGroup(element)) return Widget::kTeaserGroup;
  if ((tag == GUMBO_TAG_TABLE || tag == GUMBO_TAG_DL) && IsMetadataTable(element)) {
    return Widget::kPageMetadata;
  }
  return Widget::kNone;
}

}  // namespace policyd::extract_internal
