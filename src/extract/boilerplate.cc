#include "boilerplate.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hints.h"
#include "html_tags.h"
#include "policyd/ascii.h"
#include "widgets.h"

namespace policyd::extract_internal {
namespace {

// Size limits (bytes of visible text) for the hint rules; see boilerplate.h.
constexpr size_t kTinyText = 20;      // icon rows, toggles
constexpr size_t kSmallWidget = 300;  // a banner or popup of a sentence or two
// A consent vendor's legal document holds at most this many controls ("Manage consent",
// "Withdraw consent"); its preference centre has one per purpose and vendor.
constexpr size_t kDocumentControls = 3;
constexpr size_t kLargestWidget = 5000;  // no banner is larger; wrappers of whole pages are
constexpr size_t kVisiblePopup = 1500;   // a visible popup (newsletter, app prompt) is shorter
constexpr double kNavLinkDensity = 0.5;
constexpr double kChromeLinkDensity = 0.3;

size_t VisibleBytes(std::string_view text) {
  size_t count = 0;
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') ++count;
  }
  return count;
}

bool IsControl(const GumboNode* element) {
  switch (element->v.element.tag) {
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
      return true;
    case GUMBO_TAG_A: {
      // A link to nowhere is a script's button: custom consent banners' "Accept" (href="#",
      // href="javascript:void(0)").
      const char* href = GetAttr(element, "href");
      if (href != nullptr) {
        const std::string_view target(href);
        if (target == "#" || AsciiLower(target.substr(0, 11)) == "javascript:") return true;
      }
      const char* role = GetAttr(element, "role");
      return role != nullptr && std::string_view(role) == "button";
    }
    default: {
      const char* role = GetAttr(element, "role");
      return role != nullptr && std::string_view(role) == "button";
    }
  }
}

bool IsMainLike(const GumboNode* element) {
  const GumboTag tag = element->v.element.tag;
  return tag == GUMBO_TAG_MAIN || tag == GUMBO_TAG_ARTICLE || ElementRole(element) == Role::kMain;
}

}  // namespace

SubtreeStats MeasureSubtree(const GumboNode* element, size_t node_budget) {
  SubtreeStats stats;
  struct Item {
    const GumboNode* node;
    bool in_link;
    bool in_h1;
  };
  std::vector<Item> stack = {{element, false, false}};
  size_t visited = 0;
  while (!stack.empty()) {
    const Item item = stack.back();
    stack.pop_back();
    if (++visited > node_budget) {
      stats.truncated = true;
      return stats;
    }
    const GumboNode* node = item.node;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
      const size_t bytes = VisibleBytes(node->v.text.text);
      stats.text += bytes;
      if (item.in_link) stats.link_text += bytes;
      if (item.in_h1 && bytes > 0) stats.has_h1 = true;
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (IsControl(node)) {
      ++stats.controls;
      if (node->v.element.tag != GUMBO_TAG_A) continue;  // a control's label is not text
    }
    if (HasFlag(node->v.element.tag, kNotText)) continue;
    if (node != element && IsMainLike(node)) stats.has_main = true;
    const GumboTag tag = node->v.element.tag;
    stats.headings += HeadingLevel(tag) > 0 ? 1 : 0;
    stats.paragraphs += tag == GUMBO_TAG_P ? 1 : 0;
    const bool in_link =
        item.in_link || (node->v.element.tag == GUMBO_TAG_A && GetAttr(node, "href") != nullptr);
    const bool in_h1 = item.in_h1 || node->v.element.tag == GUMBO_TAG_H1;
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(children.data[i]), in_link, in_h1});
    }
  }
  return stats;
}

namespace {

// Rule 1: elements that are never text.
bool IsNeverText(const GumboNode* element, GumboTag tag) {
  if (HasFlag(tag, kNotText) || tag == GUMBO_TAG_NAV) return true;
  return tag == GUMBO_TAG_UNKNOWN && OriginalTagName(element) == "dialog";
}

// Rule 3: what a landmark says by itself (true: boilerplate, false: content); nullopt when it
// does not decide.
std::optional<bool> LandmarkVerdict(GumboTag tag, Role role, const BoilerplateContext& context) {
  switch (role) {
    case Role::kMain:
      return false;
    case Role::kNavigation:
    case Role::kTabList:  // one without panels (IsBoilerplate)
    case Role::kDialog:
    case Role::kTicker:
      return true;
    case Role::kPageChrome:
      if (!context.in_sectioning) return true;
      break;
    case Role::kComplementary:
    case Role::kNone:
      break;
  }
  if ((tag == GUMBO_TAG_HEADER || tag == GUMBO_TAG_FOOTER) && !context.in_sectioning) return true;
  return std::nullopt;
}

// The text of the first heading (<h1> to <h6>) among the first nodes of `element`'s subtree
// (`element` itself included when `include_root`), up to 256 bytes; "" without one.
std::string FirstHeadingText(const GumboNode* element, bool include_root = false) {
  constexpr size_t kHeadingScanBudget = 2000;
  constexpr size_t kMaxHeadingBytes = 256;
  std::vector<const GumboNode*> stack = {element};
  const GumboNode* heading = nullptr;
  for (size_t visited = 0; !stack.empty() && visited < kHeadingScanBudget; ++visited) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if ((node != element || include_root) && HeadingLevel(node->v.element.tag) > 0) {
      heading = node;
      break;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  std::string text;
  if (heading == nullptr) return text;
  stack = {heading};
  while (!stack.empty() && text.size() < kMaxHeadingBytes) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT) {
      text.append(node->v.text.text).push_back(' ');
    } else if (node->type == GUMBO_NODE_ELEMENT) {
      const GumboVector& children = node->v.element.children;
      for (unsigned i = children.length; i-- > 0;) {
        stack.push_back(static_cast<const GumboNode*>(children.data[i]));
      }
    }
  }
  return text.substr(0, kMaxHeadingBytes);
}

// The text of the heading right before `element` (its previous element sibling), up to 256
// bytes: an accordion panel's title; "" when that sibling is no heading.
std::string PreviousHeadingText(const GumboNode* element) {
  const GumboNode* parent = element->parent;
  if (parent == nullptr || parent->type != GUMBO_NODE_ELEMENT) return {};
  const GumboVector& siblings = parent->v.element.children;
  for (unsigned i = element->index_within_parent; i-- > 0;) {
    const auto* sibling = static_cast<const GumboNode*>(siblings.data[i]);
    if (sibling->type == GUMBO_NODE_WHITESPACE || sibling->type == GUMBO_NODE_COMMENT) continue;
    if (sibling->type != GUMBO_NODE_ELEMENT || HeadingLevel(sibling->v.element.tag) == 0) break;
    return FirstHeadingText(sibling, /*include_root=*/true);
  }
  return {};
}

bool IsTabPanel(const GumboNode* element) {
  const char* role = GetAttr(element, "role");
  return role != nullptr && std::string_view(role) == "tabpanel";
}

// The hints that only its id gives and its title gives too (its first heading, or for a
// collapsed one the heading right before it, as an accordion panel's): the id is the section's
// title's slug ("interest-based-ads" under "Interest-based ads"), not a widget's name
// ("sidebar" above "Product categories"; "footer-newsletter" above "Newsletter" still hints a
// footer). For a collapsed tab panel, every hint of its id: a tab panel is part of the page's
// content by its role.
uint32_t TitleHints(const GumboNode* element, const NameHintSet& names, bool hidden) {
  const uint32_t id_only = names.any & ~names.without_id;
  if (id_only == 0) return 0;
  if (hidden && IsTabPanel(element)) return id_only;
  uint32_t title = HintsOfText(FirstHeadingText(element));
  if (hidden) title |= HintsOfText(PreviousHeadingText(element));
  return title & id_only;
}

// Rule 5: a name hint (or a complementary landmark inside the content), confirmed by what the
// subtree contains: its size, link density, controls, visibility and the page's <h1>.
bool HintsConfirmed(const GumboNode* element, const NameHintSet& names, bool complementary,
                    const BoilerplateContext& context) {
  const uint32_t hints = names.any;
  // Size alone only condemns on class-like evidence, never on an id that may be a heading slug.
  const uint32_t strong = names.without_id;
  const SubtreeStats stats = MeasureSubtree(element);
  if (stats.truncated || stats.has_main) return false;
  const bool hidden = IsHidden(element);
  const double density = stats.LinkDensity();
  const bool widget_sized = stats.text <= kLargestWidget;
  if (complementary && density >= kNavLinkDensity) return true;
  // Popups and consent dialogs have their own <h1> titles; page wrappers and site headers
  // that hold the document's <h1> must stay.
  if ((strong & kHintPopup) && stats.text <= kSmallWidget) return true;
  // Screen-reader-only phrases ("opens in a new window") are not part of the visible text.
  if ((strong & kHintScreenReaderOnly) && stats.text <= kSmallWidget) return true;
  // A consent word with a button is a banner or a preference centre, unless it reads as a
  // section of the document: a visible "cookie-notice" or "ccpa-notice" inside the content
  // with its own heading, paragraphs and at most two buttons (OneTrust's embedded "Cookie
  // Settings", a "Do Not Sell or Share" link) is the notice itself.
  const bool reads_as_section = context.in_content && stats.headings > 0 && stats.paragraphs >= 2 &&
                                stats.controls <= 2 && stats.text > kSmallWidget;
  if ((hints & kHintConsentUi) && widget_sized &&
      (hidden || (stats.controls > 0 && !reads_as_section))) {
    return true;
  }
  if ((strong & kHintConsentUi) && stats.text <= kSmallWidget) return true;
  // A visible popup is short; a long visible block with a "modal" word is content that opens
  // one ("box article modal-enabled" around a news story, with its share buttons).
  if ((hints & kHintPopup) &&
      ((hidden && widget_sized) ||
       ((stats.controls > 0 || density >= kNavLinkDensity) && stats.text <= kVisiblePopup))) {
    return true;
  }
  if (stats.has_h1) return false;
  // Reader comments under an article: a class (never an id, which may be the slug of a
  // "Comments" section of terms of use) naming comments, on an element without the page title.
  if (strong & kHintComments) return true;
  // Ids are often the slug of a section's title: what an id says as the title of its section
  // (a list of opt-out links under "Interest-based ads", an accordion panel under "Sharing your
  // information") or of a collapsed tab panel does not condemn it, unless it holds controls (a
  // "Newsletter" sign-up form).
  const uint32_t named = hints & ~(stats.controls == 0 ? TitleHints(element, names, hidden) : 0);
  // Breadcrumbs, menus and skip links are small or mostly links; sharing widgets are mostly
  // links or icons (a "Sharing your information" section is neither).
  if ((named & kHintNavigation) &&
      (density >= kNavLinkDensity || stats.text <= kTinyText || (hidden && widget_sized))) {
    return true;
  }
  if ((strong & kHintNavigation) && stats.text <= kSmallWidget) return true;
  if ((named & kHintSharing) &&
      (density >= kNavLinkDensity || stats.text <= kTinyText || (hidden && widget_sized))) {
    return true;
  }
  // A small visible "banner" is often the page title with its "last updated" date, so size
  // alone does not condemn it.
  if ((named & kHintBanner) && widget_sized &&
      (hidden || stats.controls > 0 || density >= kNavLinkDensity)) {
    return true;
  }
  return (named & kHintChrome) && !context.in_sectioning &&
         (density >= kChromeLinkDensity || stats.controls > 0 || (hidden && widget_sized));
}

// A consent platform's or chat widget's container: its banner or dialog anywhere, but inside the
// page's content only a hidden one or a widget-sized one with controls (a banner, a preference
// centre). Complianz, Cookiebot and iubenda also write the policy itself into the page, under their
// own class names, sometimes with a "Manage consent" button in it.
bool IsVendorWidget(const GumboNode* element, const NameHintSet& names,
                    const BoilerplateContext& context) {
  if (IsHidden(element)) return true;
  const bool named_document = (names.any & kHintVendorDocument) != 0;
  if (!context.in_content && !named_document) return true;
  const SubtreeStats stats = MeasureSubtree(element);
  if (stats.truncated) return false;
  // Named as the document: a "Manage consent" button or two is part of it; a preference
  // centre has a switch per purpose.
  if (named_document) return stats.controls > kDocumentControls;
  return stats.controls > 0 && stats.text <= kLargestWidget;
}

// True when `element` holds a tab panel or a heading within the first nodes: a "tablist" that
// is an accordion (jQuery UI, Bootstrap 3 panel groups, Elementor toggles put the role on the
// container of the titles and their panels), not a row of tabs.
bool HoldsPanels(const GumboNode* element) {
  constexpr size_t kPanelScanBudget = 2000;
  std::vector<const GumboNode*> stack = {element};
  for (size_t visited = 0; !stack.empty() && visited < kPanelScanBudget; ++visited) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    if (node != element) {
      if (HeadingLevel(node->v.element.tag) > 0) return true;
      if (const char* role = GetAttr(node, "role");
          role != nullptr && std::string_view(role) == "tabpanel") {
        return true;
      }
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return false;
}

}  // namespace

bool IsBoilerplate(const GumboNode* element, const BoilerplateContext& context) {
  if (element->type == GUMBO_NODE_TEMPLATE) {
    // Templates are inert, except declarative shadow roots, which browsers render in place.
    return GetAttr(element, "shadowrootmode") == nullptr &&
           GetAttr(element, "shadowroot") == nullptr;
  }
  if (element->type != GUMBO_NODE_ELEMENT) return false;
  const GumboTag tag = element->v.element.tag;
  // 1. Never text.
  if (IsNeverText(element, tag)) return true;
  // 2. Explicit content.
  if (tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_MAIN ||
      tag == GUMBO_TAG_ARTICLE) {
    return false;
  }
  // 3. Landmarks.
  Role role = ElementRole(element);
  if (role == Role::kTabList && HoldsPanels(element)) role = Role::kNone;
  if (const std::optional<bool> landmark = LandmarkVerdict(tag, role, context)) return *landmark;
  const bool complementary = tag == GUMBO_TAG_ASIDE || role == Role::kComplementary;
  if (complementary && !context.in_content) return true;
  // 4. Page furniture inside the document: contents lists, help boxes, control labels,
  // page metadata (widgets.h).
  if (DetectWidget(element) != Widget::kNone) return true;
  // 5. Name hints, confirmed by what the subtree contains.
  const NameHintSet names = NameHints(element);
  if (names.any == 0 && !complementary) return false;
  if ((names.any & kHintVendorConsent) && IsVendorWidget(element, names, context)) return true;
  if (HeadingLevel(tag) > 0) return false;
  return HintsConfirmed(element, names, complementary, context);
}

}  // namespace policyd::extract_internal
