// CSS selectors over a Gumbo tree (Selectors Level 3, with Level 4's :not()/:is()/:where()
// lists and the `i` attribute flag, as declarations of legal pages use them): type,
// universal `*`, `#id`, `.class`, `[attr]`, `[attr=v]`, `[attr^=v]`, `[attr$=v]`,
// `[attr*=v]`, `[attr~=v]`, `[attr|=v]`, `[attr=v i]`; `:first-child`, `:last-child`,
// `:only-child`, the `-of-type` ones, `:nth-child()`, `:nth-last-child()`, `:nth-of-type()`,
// `:nth-last-of-type()` (odd, even, a·n + b), `:empty`, `:root`; `:not(a, b)`, `:is(a, b)` and
// `:where(a, b)` of compounds (not nested in each other); descendant (space), child (`>`),
// next-sibling (`+`) and subsequent-sibling (`~`) combinators; comma-separated lists. Type and
// attribute names match case-insensitively; values case-sensitively unless flagged `i` (as in
// HTML documents in standards mode).
//
// Deviations, refused with InvalidArgument at load: `:has()`, pseudo-elements, user-action and
// form-state pseudo-classes (`:hover`, `:checked`: a fetched page has no user), complex
// selectors inside `:not()`/`:is()` (Level 4 allows `:not(div p)`), `:nth-child(an+b of S)`,
// namespaces. `:where()` is `:is()` (specificity does not matter here).
#ifndef POLICYD_SELECTOR_H_
#define POLICYD_SELECTOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gumbo.h>

#include "policyd/status.h"

namespace policyd {

class Selector {
 public:
  // Parses `text`; returns InvalidArgument naming the selector and the position on error.
  static Result<Selector> Parse(std::string_view text);

  // True when `element` (a GUMBO_NODE_ELEMENT) matches any selector of the list.
  bool Matches(const GumboNode* element) const;

  // Every element under `root` (root included) that matches, in document order.
  // Iterative: safe on arbitrarily deep trees.
  std::vector<const GumboNode*> SelectAll(const GumboNode* root) const;

  const std::string& text() const { return text_; }

  struct Compound;  // implementation detail
  struct Complex;   // implementation detail

 private:
  std::string text_;
  std::vector<std::shared_ptr<const Complex>> alternatives_;
};

}  // namespace policyd

#endif  // POLICYD_SELECTOR_H_
