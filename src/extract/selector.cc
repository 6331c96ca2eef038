// Selector: parsing and matching of the CSS subset documented in policyd/selector.h.
//
// Parsing is a hand-written recursive-descent-free scanner (":not" cannot nest, as in
// Selectors Level 3), so no input can exhaust the stack. Matching a complex selector runs
// right to left over the element's ancestor chain with a small dynamic programme instead of
// backtracking: O(compounds x depth) per element whatever the combinators.
#include "policyd/selector.h"

#include <cstdint>
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
  std::string value;
};

struct Selector::Compound {
  bool any_tag = true;
  GumboTag tag = GUMBO_TAG_UNKNOWN;
  std::string tag_name;  // lower case; compared for GUMBO_TAG_UNKNOWN only
  std::vector<std::string> ids;
  std::vector<std::string> classes;
  std::vector<AttributeTest> attributes;
  std::vector<Compound> negations;  // arguments of :not(), which contain no :not themselves
};

struct Selector::Complex {
  enum class Combinator : uint8_t { kDescendant, kChild };
  std::vector<Compound> compounds;      // left to right
  std::vector<Combinator> combinators;  // combinators[i] joins compounds[i] and [i + 1]
};

namespace {

using Compound = Selector::Compound;
using Complex = Selector::Complex;

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
      if (Peek() == '>') {
        ++pos_;
        SkipSpace();
        combinator = Complex::Combinator::kChild;
      } else if (Peek() == '+' || Peek() == '~') {
        return Error("unsupported combinator");
      } else if (!space) {
        return Error("unexpected character");
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
        if (!allow_not) return Error(":not() cannot contain pseudo-classes");
        if (!EqualsNoCase(text_.substr(pos_, 5), ":not(")) return Error("unsupported pseudo-class");
        pos_ += 5;
        SkipSpace();
        compound->negations.emplace_back();
        if (Status s = ParseCompound(&compound->negations.back(), false); !s.ok()) return s;
        SkipSpace();
        if (Peek() != ')') return Error("expected ')'");
        ++pos_;
      } else {
        break;
      }
      any = true;
    }
    return any ? Status::Ok() : Error("expected a selector");
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
  const std::string_view value(raw);
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
  for (const Compound& negation : compound.negations) {
    if (MatchCompound(negation, element)) return false;
  }
  return true;
}

bool MatchComplex(const Complex& complex, const GumboNode* element) {
  const size_t k = complex.compounds.size();
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
