// CSS selectors over a Gumbo tree (a subset of Selectors Level 3 that declarations of legal
// pages use): type, universal `*`, `#id`, `.class`, `[attr]`, `[attr=v]`, `[attr^=v]`,
// `[attr$=v]`, `[attr*=v]`, `[attr~=v]`, `:not(simple)`, descendant (space) and child (`>`)
// combinators, and comma-separated lists. Type and attribute names match case-insensitively;
// values case-sensitively (as in HTML documents in standards mode).
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
