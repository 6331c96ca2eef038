// Selector: parsing and matching of the CSS subset documented in policyd/selector.h.
//
// Parsing is a hand-written recursive-descent-free scanner (":not" cannot nest, as in
// Selectors Level 3), so no input can exhaust the stack. Matching a complex selector runs
// right to left over the element's ancestor chain with a small dynamic programme instead of
// backtracking: O(compounds x depth) per element whatever the combinators.
#include "policyd/selector.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "html_tags.h"
#include "unicode.h"

namespace policyd {

struct AttributeTest {
  enum class Op : uint8_t { kExists, kEquals, kPrefix, kSuffix, kContains, kWord, kDash };
  std::string name;  // lower case
  Op op = Op::kExists;
  std::string value;         // lower case when ignore_case
  bool ignore_case = false;  // the `i` flag: [type=a i]
};

// A structural pseudo-class: the element's position among its parent's element children (of
// its own type for the -of-type ones), counted from the first or the last, is a·n + b for
// some n >= 0; or :empty, :root.
struct PseudoTest {
  enum class Kind : uint8_t { kPosition, kEmpty, kRoot };
  Kind kind = Kind::kPosition;
  bool of_type = false;
  bool from_last = false;
  int a = 0;
  int b = 1;
};

struct Selector::Compound {
  bool any_tag = true;
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  std::string tag_name;  // lower case; compared for GUMBO_TAG_UNKNOWN only
  std::vector<std::string> ids;
  std::vector<std::string> classes;
  std::vector<AttributeTest> attributes;
  std::vector<PseudoTest> pseudos;
  // Arguments of :not(), each of which must not match, and of :is()/:where(), one of each
  // list must match. They contain no :not/:is/:where themselves (no nesting, no recursion).
  std::vector<Compound> negations;
  std::vector<std::vector<Compound>> alternatives;
};

struct Selector::Complex {
  enum class Combinator : uint8_t { kDescendant, kChild, kNextSibling, kSubsequentSibling };
  std::vector<Compound> compounds;      // left to right
  std::vector<Combinator> combinators;  // combinators[i] joins compounds[i] and [i + 1]
  bool has_sibling_combinator = false;
};

namespace {

using Compound = Selector::Compound;
using Complex = Selector::Complex;

// At most this many compounds in a complex selector with a sibling combinator (its matching
// recurses once per compound).
constexpr size_t kMaxSiblingCompounds = 32;

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool IsCssSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsNameChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || u >= 0x80;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Status ParseList(std::vector<std::shared_ptr<const Complex>>* out) {
    SkipSpace();
    while (true) {
      auto complex = std::make_shared<Complex>();
      if (Status s = ParseComplex(complex.get()); !s.ok()) return s;
      out->push_back(std::move(complex));
      SkipSpace();
      if (AtEnd()) return Status::Ok();
      if (Peek() != ',') return Error("unexpected character");
      ++pos_;
      SkipSpace();
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  bool SkipSpace() {
    const size_t start = pos_;
    while (!AtEnd() && IsCssSpace(text_[pos_])) ++pos_;
    return pos_ > start;
  }

  Status Error(std::string_view what) const {
    std::string shown(text_.substr(0, 200));
    if (text_.size() > 200) shown += "...";
    return Status::InvalidArgument("invalid selector \"" + shown + "\": " + std::string(what) +
                                   " at position " + std::to_string(pos_));
  }

  Status ParseComplex(Complex* complex) {
    complex->compounds.emplace_back();
    if (Status s = ParseCompound(&complex->compounds.back(), true); !s.ok()) return s;
    while (true) {
      const size_t before = pos_;
      const bool space = SkipSpace();
      if (AtEnd() || Peek() == ',') {
        pos_ = before;
        return Status::Ok();
      }
      Complex::Combinator combinator = Complex::Combinator::kDescendant;
      if (Peek() == '>' || Peek() == '+' || Peek() == '~') {
        combinator = Peek() == '>'   ? Complex::Combinator::kChild
                     : Peek() == '+' ? Complex::Combinator::kNextSibling
                                     : Complex::Combinator::kSubsequentSibling;
        complex->has_sibling_combinator |= Peek() != '>';
        ++pos_;
        SkipSpace();
      } else if (!space) {
        return Error("unexpected character");
      }
      // Sibling combinators are matched by a search whose depth is the number of compounds.
      if (complex->has_sibling_combinator && complex->compounds.size() >= kMaxSiblingCompounds) {
        return Error("too many compounds for a selector with + or ~");
      }
      complex->combinators.push_back(combinator);
      complex->compounds.emplace_back();
      if (Status s = ParseCompound(&complex->compounds.back(), true); !s.ok()) return s;
    }
  }

  Status ParseCompound(Compound* compound, bool allow_not) {
    bool any = false;
    if (Peek() == '*') {
      ++pos_;
      any = true;
    } else if (StartsIdentifier()) {
      std::string name;
      if (Status s = ParseIdentifier(&name); !s.ok()) return s;
      for (char& c : name) c = AsciiLower(c);
      compound->any_tag = false;
      compound->tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
      compound->tag_name = std::move(name);
      any = true;
    }
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '#' || c == '.') {
        ++pos_;
        std::string name;
        if (!StartsIdentifier()) return Error(c == '#' ? "expected an id" : "expected a class");
        if (Status s = ParseIdentifier(&name); !s.ok()) return s;
        (c == '#' ? compound->ids : compound->classes).push_back(std::move(name));
      } else if (c == '[') {
        ++pos_;
        compound->attributes.emplace_back();
        if (Status s = ParseAttribute(&compound->attributes.back()); !s.ok()) return s;
      } else if (c == ':') {
        if (Status s = ParsePseudoClass(compound, allow_not); !s.ok()) return s;
      } else {
        break;
      }
      any = true;
    }
    return any ? Status::Ok() : Error("expected a selector");
  }

  // A pseudo-class at pos_ (its ':'). :not(), :is() and :where() take a list of compounds
  // (`allow_logical`: not inside one of them); the structural ones take an a·n + b.
  Status ParsePseudoClass(Compound* compound, bool allow_logical) {
    const size_t start = pos_;
    ++pos_;
    std::string name;
    if (!StartsIdentifier() || !ParseIdentifier(&name).ok()) {
      pos_ = start;
      return Error("unsupported pseudo-class");
    }
    for (char& c : name) c = AsciiLower(c);
    const bool call = Peek() == '(';
    if (call) ++pos_;
    if (call && (name == "not" || name == "is" || name == "where")) {
      if (!allow_logical) {
        pos_ = start;
        return Error(":not(), :is() and :where() cannot contain :not(), :is() or :where()");
      }
      std::vector<Compound> list;
      if (Status s = ParseCompoundList(&list); !s.ok()) return s;
      if (name == "not") {
        compound->negations.insert(compound->negations.end(), list.begin(), list.end());
      } else {
        compound->alternatives.push_back(std::move(list));
      }
      return Status::Ok();
    }
    PseudoTest test;
    if (!call && (name == "first-child" || name == "first-of-type")) {
      test.of_type = name == "first-of-type";
    } else if (!call && (name == "last-child" || name == "last-of-type")) {
      test.of_type = name == "last-of-type";
      test.from_last = true;
    } else if (!call && (name == "only-child" || name == "only-of-type")) {
      test.of_type = name == "only-of-type";
      compound->pseudos.push_back(test);  // first, and (below) last
      test.from_last = true;
    } else if (!call && (name == "empty" || name == "root")) {
      test.kind = name == "empty" ? PseudoTest::Kind::kEmpty : PseudoTest::Kind::kRoot;
    } else if (call && (name == "nth-child" || name == "nth-last-child" || name == "nth-of-type" ||
                        name == "nth-last-of-type")) {
      test.of_type = name.ends_with("of-type");
      test.from_last = name.starts_with("nth-last");
      if (Status s = ParseNth(&test.a, &test.b); !s.ok()) return s;
    } else {
      pos_ = start;
      return Error("unsupported pseudo-class");
    }
    compound->pseudos.push_back(test);
    return Status::Ok();
  }

  // "a, b, ..." up to and including the closing ')'.
  Status ParseCompoundList(std::vector<Compound>* list) {
    while (true) {
      SkipSpace();
      list->emplace_back();
      if (Status s = ParseCompound(&list->back(), false); !s.ok()) return s;
      SkipSpace();
      if (Peek() == ')') {
        ++pos_;
        return Status::Ok();
      }
      if (Peek() != ',') return Error("expected ',' or ')'");
      ++pos_;
    }
  }

  // The argument of :nth-*() up to and including ')': odd, even, b, a n, a n + b (a and b
  // signed, at most 9 digits each).
  Status ParseNth(int* a, int* b) {
    SkipSpace();
    const size_t start = pos_;
    std::string token;
    while (!AtEnd() && Peek() != ')') {
      if (!IsCssSpace(Peek())) token.push_back(AsciiLower(Peek()));
      ++pos_;
    }
    if (AtEnd()) return Error("expected ')'");
    const auto invalid = [&] {
      pos_ = start;
      return Error("expected odd, even or a·n + b");
    };
    if (token == "odd" || token == "even") {
      *a = 2;
      *b = token == "odd" ? 1 : 0;
    } else {
      size_t i = 0;
      const auto number = [&](int* out, bool need_digits) {
        int sign = 1;
        if (i < token.size() && (token[i] == '+' || token[i] == '-'))
          sign = token[i++] == '-' ? -1 : 1;
        const size_t digits = i;
        int value = 0;
        while (i < token.size() && token[i] >= '0' && token[i] <= '9' && i - digits < 9) {
          value = value * 10 + (token[i++] - '0');
        }
        if (i == digits && need_digits) return false;
        *out = sign * (i == digits ? 1 : value);
        return true;
      };
      int first = 0;
      const bool has_n = token.find('n') != std::string::npos;
      if (!number(&first, !has_n)) return invalid();
      if (has_n) {
        if (i >= token.size() || token[i] != 'n') return invalid();
        ++i;
        *a = first;
        *b = 0;
        if (i < token.size()) {
          if (token[i] != '+' && token[i] != '-') return invalid();
          if (!number(b, true)) return invalid();
        }
      } else {
        *a = 0;
        *b = first;
      }
      if (i != token.size()) return invalid();
    }
    ++pos_;  // ')'
    return Status::Ok();
  }

  Status ParseAttribute(AttributeTest* test) {
    SkipSpace();
    if (!StartsIdentifier()) return Error("expected an attribute name");
    if (Status s = ParseIdentifier(&test->name); !s.ok()) return s;
    for (char& c : test->name) c = AsciiLower(c);
    SkipSpace();
    if (Peek() == ']') {
      ++pos_;
      return Status::Ok();
    }
    using Op = AttributeTest::Op;
    if (Peek() == '=') {
      test->op = Op::kEquals;
      ++pos_;
    } else {
      const char c = Peek();
      if (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '=') {
        return Error("expected ']' or an attribute operator");
      }
      switch (c) {
        case '^':
          test->op = Op::kPrefix;
          break;
        case '$':
          test->op = Op::kSuffix;
          break;
        case '*':
          test->op = Op::kContains;
          break;
        case '~':
          test->op = Op::kWord;
          break;
        case '|':
          test->op = Op::kDash;
          break;
        default:
          return Error("expected ']' or an attribute operator");
      }
      pos_ += 2;
    }
    SkipSpace();
    if (Peek() == '"' || Peek() == '\'') {
      if (Status s = ParseString(&test->value); !s.ok()) return s;
    } else if (StartsIdentifier()) {
      if (Status s = ParseIdentifier(&test->value); !s.ok()) return s;
    } else {
      return Error("expected an attribute value");
    }
    SkipSpace();
    if ((Peek() == 'i' || Peek() == 'I') && pos_ + 1 < text_.size() &&
        (IsCssSpace(text_[pos_ + 1]) || text_[pos_ + 1] == ']')) {
      ++pos_;
      test->ignore_case = true;
      for (char& c : test->value) c = AsciiLower(c);
      SkipSpace();
    }
    if (Peek() != ']') return Error("expected ']'");
    ++pos_;
    return Status::Ok();
  }

  bool StartsIdentifier() const {
    if (AtEnd()) return false;
    const char c = text_[pos_];
    return IsNameChar(c) || (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n');
  }

  // An escape after the backslash at pos_: hex digits (+ one optional space) or one character.
  void ParseEscape(std::string* out) {
    ++pos_;  // the backslash
    if (AtEnd()) {
      extract_internal::AppendUtf8(extract_internal::kReplacementChar, out);
      return;
    }
    if (IsHex(Peek())) {
      char32_t cp = 0;
      for (int k = 0; k < 6 && !AtEnd() && IsHex(Peek()); ++k) {
        const char h = AsciiLower(text_[pos_++]);
        cp = cp * 16 + static_cast<char32_t>(h <= '9' ? h - '0' : h - 'a' + 10);
      }
      if (!AtEnd() && IsCssSpace(Peek())) ++pos_;
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        cp = extract_internal::kReplacementChar;
      }
      extract_internal::AppendUtf8(cp, out);
      return;
    }
    const size_t start = pos_;
    extract_internal::NextCodePoint(text_, &pos_);
    out->append(text_.substr(start, pos_ - start));
  }

  Status ParseIdentifier(std::string* out) {
    out->clear();
    while (!AtEnd()) {
      const char c = Peek();
      if (c == '\\') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') break;
        ParseEscape(out);
      } else if (IsNameChar(c)) {
        out->push_back(c);
        ++pos_;
      } else {
        break;
      }
    }
    return out->empty() ? Error("expected an identifier") : Status::Ok();
  }

  Status ParseString(std::string* out) {
    const char quote = text_[pos_++];
    out->clear();
    while (!AtEnd()) {
      const char c = Peek();
      if (c == quote) {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\\') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
          pos_ += 2;  // escaped newline: line continuation
          continue;
        }
        ParseEscape(out);
      } else if (c == '\n') {
        return Error("newline in string");
      } else {
        out->push_back(c);
        ++pos_;
      }
    }
    return Error("unterminated string");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

bool HasToken(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsCssSpace(list[i])) ++i;
    const size_t start = i;
    while (i < list.size() && !IsCssSpace(list[i])) ++i;
    if (i > start && list.substr(start, i - start) == token) return true;
  }
  return false;
}

bool MatchAttribute(const AttributeTest& test, const GumboNode* element) {
  const char* raw = extract_internal::GetAttr(element, test.name.c_str());
  if (raw == nullptr) return false;
  std::string lowered;
  if (test.ignore_case) {
    lowered = raw;
    for (char& c : lowered) c = AsciiLower(c);
  }
  const std::string_view value = test.ignore_case ? std::string_view(lowered) : raw;
  using Op = AttributeTest::Op;
  switch (test.op) {
    case Op::kExists:
      return true;
    case Op::kEquals:
      return value == test.value;
    case Op::kPrefix:
      return !test.value.empty() && value.starts_with(test.value);
    case Op::kSuffix:
      return !test.value.empty() && value.ends_with(test.value);
    case Op::kContains:
      return !test.value.empty() && value.find(test.value) != std::string_view::npos;
    case Op::kWord:
      return !test.value.empty() && test.value.find_first_of(" \t\n\r\f") == std::string::npos &&
             HasToken(value, test.value);
    case Op::kDash:
      return value == test.value ||
             (value.size() > test.value.size() && value.starts_with(test.value) &&
              value[test.value.size()] == '-');
  }
  return false;
}

bool IsElement(const GumboNode* node) {
  return node != nullptr && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

bool SameType(const GumboNode* a, const GumboNode* b) {
  return a->v.element.tag == b->v.element.tag &&
         (a->v.element.tag != GUMBO_TAG_UNKNOWN ||
          EqualsNoCase(extract_internal::OriginalTagName(a), extract_internal::OriginalTagName(b)));
}

bool MatchPseudo(const PseudoTest& test, const GumboNode* element) {
  const GumboNode* parent = element->parent;
  if (test.kind == PseudoTest::Kind::kRoot) {
    return parent != nullptr && parent->type == GUMBO_NODE_DOCUMENT;
  }
  if (test.kind == PseudoTest::Kind::kEmpty) {
    const GumboVector& children = extract_internal::Children(element);
    for (unsigned i = 0; i < children.length; ++i) {
      const auto* child = static_cast<const GumboNode*>(children.data[i]);
      if (child->type != GUMBO_NODE_COMMENT) return false;  // whitespace counts, as in browsers
    }
    return true;
  }
  // The element's 1-based position among its parent's element children (of its type).
  int position = 1;
  if (parent != nullptr) {
    const GumboVector& siblings = extract_internal::Children(parent);
    int before = 0;
    int after = 0;
    bool seen = false;
    for (unsigned i = 0; i < siblings.length; ++i) {
      const auto* sibling = static_cast<const GumboNode*>(siblings.data[i]);
      if (sibling == element) {
        seen = true;
        continue;
      }
      if (!IsElement(sibling) || (test.of_type && !SameType(sibling, element))) continue;
      ++(seen ? after : before);
    }
    position = 1 + (test.from_last ? after : before);
  }
  if (test.a == 0) return position == test.b;
  const int steps = position - test.b;
  return steps % test.a == 0 && steps / test.a >= 0;
}

bool MatchCompound(const Compound& compound, const GumboNode* element) {
  if (!compound.any_tag) {
    const GumboTag tag = element->v.element.tag;
    if (compound.tag != tag) return false;
    if (tag == GUMBO_TAG_UNKNOWN &&
        !EqualsNoCase(extract_internal::OriginalTagName(element), compound.tag_name)) {
      return false;
    }
  }
  if (!compound.ids.empty()) {
    const char* id = extract_internal::GetAttr(element, "id");
    if (id == nullptr) return false;
    for (const std::string& wanted : compound.ids) {
      if (wanted != id) return false;
    }
  }
  if (!compound.classes.empty()) {
    const char* classes = extract_internal::GetAttr(element, "class");
    if (classes == nullptr) return false;
    for (const std::string& wanted : compound.classes) {
      if (!HasToken(classes, wanted)) return false;
    }
  }
  for (const AttributeTest& test : compound.attributes) {
    if (!MatchAttribute(test, element)) return false;
  }
  for (const PseudoTest& test : compound.pseudos) {
    if (!MatchPseudo(test, element)) return false;
  }
  for (const Compound& negation : compound.negations) {
    if (MatchCompound(negation, element)) return false;
  }
  for (const std::vector<Compound>& list : compound.alternatives) {
    if (std::none_of(list.begin(), list.end(),
                     [element](const Compound& one) { return MatchCompound(one, element); })) {
      return false;
    }
  }
  return true;
}

const GumboNode* ParentElement(const GumboNode* node) {
  return IsElement(node->parent) ? node->parent : nullptr;
}

const GumboNode* PreviousElementSibling(const GumboNode* node) {
  if (node->parent == nullptr) return nullptr;
  const GumboVector& siblings = extract_internal::Children(node->parent);
  for (unsigned i = node->index_within_parent; i-- > 0;) {
    const auto* sibling = static_cast<const GumboNode*>(siblings.data[i]);
    if (IsElement(sibling)) return sibling;
  }
  return nullptr;
}

// With sibling combinators the candidates for the compounds to the left are no longer one
// ancestor chain: a search, right to left, remembering the (compound, element) pairs that
// failed, so every pair is tried once. Depth: the number of compounds (kMaxSiblingCompounds).
using FailedPairs = std::set<std::pair<size_t, const GumboNode*>>;

bool MatchLeftOf(const Complex& complex, size_t i, const GumboNode* element, FailedPairs* failed) {
  if (!MatchCompound(complex.compounds[i], element)) return false;
  if (i == 0) return true;
  if (failed->contains({i, element})) return false;
  using Combinator = Complex::Combinator;
  const Combinator combinator = complex.combinators[i - 1];
  // Up the ancestors or back along the siblings; the child and next-sibling combinators take
  // one step only.
  const bool up = combinator == Combinator::kChild || combinator == Combinator::kDescendant;
  const bool one_step = combinator == Combinator::kChild || combinator == Combinator::kNextSibling;
  const auto step = up ? ParentElement : PreviousElementSibling;
  bool matched = false;
  for (const GumboNode* candidate = step(element); candidate != nullptr && !matched;
       candidate = one_step ? nullptr : step(candidate)) {
    matched = MatchLeftOf(complex, i - 1, candidate, failed);
  }
  if (!matched) failed->insert({i, element});
  return matched;
}

bool MatchComplex(const Complex& complex, const GumboNode* element) {
  const size_t k = complex.compounds.size();
  if (complex.has_sibling_combinator) {
    FailedPairs failed;
    return MatchLeftOf(complex, k - 1, element, &failed);
  }
  if (!MatchCompound(complex.compounds[k - 1], element)) return false;
  if (k == 1) return true;
  // path[0] is the element, path[j] its j-th ancestor element.
  std::vector<const GumboNode*> path;
  for (const GumboNode* node = element; IsElement(node); node = node->parent) {
    path.push_back(node);
  }
  const size_t n = path.size();
  // matched[j]: compounds [i, k) match with compound i at path[j].
  std::vector<char> matched(n, 0);
  std::vector<char> next(n, 0);
  matched[0] = 1;
  for (size_t i = k - 1; i-- > 0;) {
    const bool child = complex.combinators[i] == Complex::Combinator::kChild;
    bool any = false;
    bool reachable = false;
    next.assign(n, 0);
    for (size_t j = 1; j < n; ++j) {
      reachable = child ? matched[j - 1] != 0 : (reachable || matched[j - 1] != 0);
      if (reachable && MatchCompound(complex.compounds[i], path[j])) {
        next[j] = 1;
        any = true;
      }
    }
    if (!any) return false;
    matched.swap(next);
  }
  return true;
}

}  // namespace

Result<Selector> Selector::Parse(std::string_view text) {
  Selector selector;
  selector.text_ = std::string(text);
  Parser parser(text);
  if (Status s = parser.ParseList(&selector.alternatives_); !s.ok()) return s;
  return selector;
}

bool Selector::Matches(const GumboNode* element) const {
  if (!IsElement(element)) return false;
  for (const auto& complex : alternatives_) {
    if (MatchComplex(*complex, element)) return true;
  }
  return false;
}

std::vector<const GumboNode*> Selector::SelectAll(const GumboNode* root) const {
  std::vector<const GumboNode*> matches;
  if (root == nullptr) return matches;
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (IsElement(node) && Matches(node)) matches.push_back(node);
    if (node->type == GUMBO_NODE_TEMPLATE) continue;  // inert content
    const GumboVector& children = extract_internal::Children(node);
    for (unsigned i = children.length; i-- > 0;) {
      const auto* child = static_cast<const GumboNode*>(children.data[i]);
      if (child->type == GUMBO_NODE_ELEMENT || child->type == GUMBO_NODE_TEMPLATE) {
        stack.push_back(child);
      }
    }
  }
  return matches;
}

}  // namespace policyd
