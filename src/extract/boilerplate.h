// Boilerplate removal without per-site rules: which elements (with their subtrees) are site
// chrome, navigation, consent banners, popups and the like rather than the document's text.
// Internal to the extract component.
//
// Decisions, in order (the first that applies wins):
//  1. Never text: script, style, noscript, template (except declarative shadow roots), svg,
//     canvas, iframe, object, embed, media, images, form controls except buttons (see
//     markdown.cc), <head> content, <dialog>, <nav>, <marquee>.
//  2. Explicit content (html, body, main, article, role=main) is never boilerplate.
//  3. <header>/<footer> and role=banner/contentinfo outside sectioning content (article, aside,
//     main, nav, section) are site chrome (the ARIA mapping rule); <aside> and
//     role=complementary are dropped at page level and, inside main content, only when
//     link-dense. role=navigation/menu/menubar/tablist/search/toolbar, role=dialog and
//     alertdialog, role=marquee and timer are dropped.
//  4. Page furniture inside the document, recognised by structure and labels (widgets.h):
//     labelled in-page contents lists, help and related-article boxes, rating widgets,
//     control labels, page metadata, class names leaked as text, site menus that mark the
//     current page.
//  5. Name hints (hints.h) only drop an element when its subtree also looks the part, because
//     legal pages name real sections "cookies", "sharing", "consent" or "social media" (often
//     as slug ids): navigation/sharing hints need link density >= 0.5 (or almost no text);
//     consent banners, popups and promo banners need form controls, hiding or link density;
//     being small (a sentence or two) suffices for navigation, popup and consent hints from
//     class names but never from ids; header/footer hints apply at page level only and need
//     links or controls. Short screen-reader-only text (class sr-only, visually-hidden,
//     screen-reader-text: "opens in a new window") is not part of the visible document.
//     Reader comments (class words comment/comments/disqus, never from ids) go. Known
//     consent-platform containers (OneTrust, Cookiebot, Didomi, ...) always go. Headings
//     and elements containing an <h1>, <main> or <article> are never dropped by hints.
//
// Hidden content (the `hidden` attribute, aria-hidden="true", inline display:none or
// visibility:hidden) is deliberately NOT dropped by itself: collapsed accordions and inactive
// tabs hide whole policy sections that way, and "the whole legal document" matters more than
// what one screen shows. Hiding only strengthens a hint (a hidden element with a navigation,
// popup, banner or consent hint is dropped).
#ifndef POLICYD_SRC_EXTRACT_BOILERPLATE_H_
#define POLICYD_SRC_EXTRACT_BOILERPLATE_H_

#include <cstddef>

#include <gumbo.h>

namespace policyd::extract_internal {

// Where an element sits, as far as boilerplate rules care.
struct BoilerplateContext {
  bool in_sectioning = false;  // inside article/aside/main/nav/section or a chosen root
  bool in_content = false;     // inside main/article/role=main or a chosen root
};

// What a subtree contains (visible text only: scripts, styles, ... are skipped).
struct SubtreeStats {
  size_t text = 0;         // non-white-space bytes of text
  size_t link_text = 0;    // of which inside <a href>
  size_t controls = 0;     // buttons, inputs, selects, text areas, role=button
  bool has_h1 = false;     // an <h1> with text
  size_t headings = 0;     // <h1> to <h6> elements
  size_t paragraphs = 0;   // <p> elements
  bool has_main = false;   // a <main>, <article> or role=main element
  bool truncated = false;  // larger than the node budget: treat as real content

  double LinkDensity() const {
    return text == 0 ? 0.0 : static_cast<double>(link_text) / static_cast<double>(text);
  }
};

// Measures the subtree of `element`, visiting at most `node_budget` nodes. Iterative.
SubtreeStats MeasureSubtree(const GumboNode* element, size_t node_budget = 20000);

// True when `element` and its subtree are boilerplate (see the rules above).
bool IsBoilerplate(const GumboNode* element, const BoilerplateContext& context);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_BOILERPLATE_H_
