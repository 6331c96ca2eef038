#include "block_score.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "boilerplate.h"
#include "hints.h"
#include "html_tags.h"

namespace policyd::extract_internal {
namespace {

// ---- Legal documents ------------------------------------------------------------------------

// Words that name a legal document by themselves (lower case, UTF-8). "policy", "terms",
// "conditions" and "legal" alone are not here: news titles use them ("foreign policy", "in
// terms of", "weather conditions"); they count in the pairs below.
constexpr std::array<std::string_view, 33> kLegalWords = {
    "agb",
    "ccpa",
    "cgu",
    "cgv",
    "cgvu",
    "confidentialité",
    "cookie",
    "cookies",
    "datenschutz",
    "datenschutzbestimmungen",
    "datenschutzerklärung",
    "datenschutzhinweis",
    "datenschutzhinweise",
    "datenschutzinformationen",
    "datenschutzrichtlinie",
    "eula",
    "gdpr",
    "gemeinschaftsrichtlinien",
    "geschäftsbedingungen",
    "impressum",
    "imprint",
    "informativa",
    "nutzungsbedingungen",
    "privacidad",
    "privacidade",
    "privacy",
    "privatsphäre",
    "richtlinien",
    "rgpd",
    "teilnahmebedingungen",
    "tos",
    "vertragsbedingungen",
    "widerrufsbelehrung",
};

struct WordPair {
  std::string_view first;
  std::string_view second;
};
// Two consecutive words that name a legal document ("terms & conditions" is "terms
// conditions" once the '&' is gone).
constexpr std::array<WordPair, 31> kLegalPairs = {{
    {"acceptable", "use"},
    {"community", "guidelines"},
    {"community", "rules"},
    {"community", "standards"},
    {"conditions", "d"},
    {"conditions", "d’utilisation"},
    {"conditions", "generales"},
    {"conditions", "générales"},
    {"conditions", "of"},
    {"copyright", "policy"},
    {"données", "personnelles"},
    {"legal", "information"},
    {"legal", "notice"},
    {"legal", "notices"},
    {"legal", "terms"},
    {"mentions", "legales"},
    {"mentions", "légales"},
    {"protection", "des"},
    {"refund", "policy"},
    {"return", "policy"},
    {"terms", "and"},
    {"terms", "conditions"},
    {"terms", "of"},
    {"terms", "service"},
    {"terms", "use"},
    {"termini", "e"},
    {"términos", "de"},
    {"términos", "y"},
    {"user", "agreement"},
    {"aviso", "legal"},
    {"condizioni", "generali"},
}};

// Scripts written without spaces between words (or with case and inflection this file does
// not fold) are matched as fragments of the text: "プライバシーポリシー", "개인정보처리방침",
// "Политика конфиденциальности".
constexpr std::array<std::string_view, 13> kLegalFragments = {
    "プライバシー", "個人情報",      "利用規約",           "隐私",
    "隱私",         "服务条款",      "服務條款",           "개인정보",
    "이용약관",     "онфиденциальн", "ерсональных данных", "ользовательское соглашение",
    "prywatności",
};

// Calls fn(word) for the words of `text`: runs of ASCII letters and digits and of non-ASCII
// bytes (accented letters), split at ASCII punctuation, white space and the typographic
// apostrophe. ASCII and Latin-1 capitals are lowered.
template <typename Fn>
void ForEachTextWord(std::string_view text, Fn&& fn) {
  std::string word;
  auto flush = [&]() {
    if (!word.empty()) fn(std::string_view(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x99) {
      // U+2019: kept in "d’utilisation" (French elision), a separator elsewhere.
      if (word == "d") {
        word.append(text.substr(i, 3));
      } else {
        flush();
      }
      i += 2;
      continue;
    }
    if (c >= 0x80) {
      // Latin-1 capitals (U+00C0..U+00DE except U+00D7) lower-cased in their second byte.
      if (c <= 0x9E && c != 0x97 && !word.empty() &&
          static_cast<unsigned char>(word.back()) == 0xC3) {
        word.push_back(static_cast<char>(c + 0x20));
      } else {
        word.push_back(static_cast<char>(c));
      }
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word.push_back(static_cast<char>(c));
    } else if (c >= 'A' && c <= 'Z') {
      word.push_back(static_cast<char>(c + 32));
    } else if (c == '\'' && word == "d") {
      word.append("’");  // "d'utilisation" as "d’utilisation"
    } else {
      flush();
    }
    if (word.size() > 64) word.clear();  // not a word of a title
  }
  flush();
}

// ---- Related-content boxes -------------------------------------------------------------------

// How the title of a related-content box begins ("Related articles", "You may also like",
// "Leia também"), in the words of ForEachTextWord (lower case, apostrophes and punctuation
// gone). Matched at the start of an h2..h6 only: an h1 is the page's own title, and a heading
// that merely contains "popular" or "more" is often a section of the story.
constexpr std::array<std::string_view, 64> kRelatedOpenings = {
    "related",
    "you may also like",
    "you might also like",
    "you may like",
    "you might like",
    "you may also be interested",
    "you might also be interested",
    "we recommend",
    "recommended",
    "more from",
    "more stories",
    "more news",
    "more articles",
    "more on this",
    "more to explore",
    "read more",
    "read next",
    "read also",
    "also read",
    "what to read next",
    "most read",
    "most popular",
    "popular on",
    "popular posts",
    "popular stories",
    "trending",
    "latest news",
    "latest stories",
    "top stories",
    "editor s picks",
    "editors picks",
    "don t miss",
    "like this",
    "share this",
    "around the web",
    "from the web",
    "promoted stories",
    "sponsored stories",
    "você pode gostar",
    "voce pode gostar",
    "leia também",
    "leia tambem",
    "veja também",
    "veja tambem",
    "mais lidas",
    "mais lidos",
    "notícias relacionadas",
    "posts relacionados",
    "artigos relacionados",
    "noticias relacionadas",
    "artículos relacionados",
    "te puede interesar",
    "también te puede interesar",
    "lo más leído",
    "lire aussi",
    "à lire aussi",
    "sur le même sujet",
    "vous aimerez aussi",
    "articles similaires",
    "weitere artikel",
    "das könnte sie auch interessieren",
    "mehr zum thema",
    "articoli correlati",
    "leggi anche",
};
// Scripts whose capitals ForEachTextWord does not fold: matched at the start of the text.
constexpr std::array<std::string_view, 6> kRelatedOpeningFragments = {
    "Читайте также", "читайте также", "Похожие", "похожие", "По теме", "по теме",
};
constexpr size_t kMaxRelatedTitleBytes = 80;

// ---- Scores ---------------------------------------------------------------------------------

constexpr uint32_t kMinParagraphChars = 25;  // shorter blocks are labels, bylines, buttons
constexpr uint32_t kMaxTeaserChars = 400;    // longer text ending in "..." is the story's own
constexpr uint32_t kCharsPerPoint = 100;
constexpr double kMaxLengthPoints = 3;
constexpr int kAncestorLevels = 5;
constexpr double kClassWeight = 25;
constexpr double kSiblingShare = 0.2;
constexpr double kMinSiblingScore = 10;
constexpr uint32_t kSiblingParagraphChars = 80;
constexpr double kSiblingLinkDensity = 0.25;
// Exclusion inside the chosen blocks: link-heavy containers without many commas.
constexpr double kExcludedLinkDensity = 0.5;
constexpr uint32_t kProseCommas = 10;

// Words of class/id values (whole words, hints.h splitting).
constexpr std::array<std::string_view, 16> kPositiveWords = {
    "article", "articlebody", "blog",  "body",  "content", "entry",        "hentry",   "main",
    "page",    "post",        "prose", "story", "text",    "entrycontent", "postbody", "storybody"};
constexpr std::array<std::string_view, 39> kNegativeWords = {
    "ad",       "ads",       "banner",      "byline",     "caption",  "carousel", "combx",
    "comment",  "comments",  "contact",     "foot",       "footer",   "footnote", "gallery",
    "masthead", "meta",      "more",        "newsletter", "outbrain", "popular",  "promo",
    "rail",     "recommend", "recommended", "related",    "share",    "sharing",  "shopping",
    "shoutbox", "sidebar",   "skyscraper",  "slideshow",  "social",   "sponsor",  "sponsored",
    "taboola",  "tags",      "trending",    "widget"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// +-kClassWeight for each of class and id that has content or clutter words.
double ClassWeight(const GumboNode* element) {
  double weight = 0;
  for (const char* name : {"class", "id"}) {
    const char* value = GetAttr(element, name);
    if (value == nullptr) continue;
    bool positive = false;
    bool negative = false;
    ForEachWord(value, [&](std::string_view word) {
      positive |= Contains(kPositiveWords, word);
      negative |= Contains(kNegativeWords, word);
    });
    if (negative) weight -= kClassWeight;
    if (positive) weight += kClassWeight;
  }
  return weight;
}

double TagBase(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_SECTION:
      return 5;
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_BLOCKQUOTE:
      return 3;
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_FORM:
      return -3;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_TH:
      return -5;
    default:
      return 0;
  }
}

// A class or id containing "related" ("relatedposts", "jp-relatedposts-headline").
bool ClassNamesRelated(const GumboNode* element) {
  for (const char* name : {"class", "id"}) {
    const char* value = GetAttr(element, name);
    if (value != nullptr && std::string_view(value).find("related") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// Containers that may be excluded from a chosen block.
bool IsExcludable(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:  // a teaser card ("another story of the day")
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
      return true;
    default:
      return false;
  }
}

bool IsMainLike(const GumboNode* element) {
  return element->v.element.tag == GUMBO_TAG_MAIN || ElementRole(element) == Role::kMain;
}

// True when `text` ends (white space aside) in an ellipsis: "...", "…" or "[…]", the mark of
// an excerpt cut short ("Read more" teasers, news tickers).
bool EndsTruncated(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' ||
                           text.back() == '\r' || text.back() == ']' || text.back() == ')')) {
    text.remove_suffix(1);
  }
  return text.ends_with("...") || text.ends_with("\u2026");
}

// Visible characters (code points other than ASCII white space) and commas of a text.
void CountText(std::string_view text, uint32_t* chars, uint32_t* commas) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') continue;
    ++*chars;
    if (c == ',') {
      ++*commas;
    } else if (c == 0xEF && i + 2 < text.size() && text[i + 1] == '\xBC' && text[i + 2] == '\x8C') {
      ++*commas;  // U+FF0C fullwidth comma
    } else if (c == 0xE3 && i + 2 < text.size() && text[i + 1] == '\x80' && text[i + 2] == '\x81') {
      ++*commas;  // U+3001 ideographic comma
    } else if (c == 0xD8 && i + 1 < text.size() && text[i + 1] == '\x8C') {
      ++*commas;  // U+060C Arabic comma
    }
  }
}

struct Info {
  const GumboNode* node = nullptr;
  int32_t parent = -1;  // index into the walk order; -1 for the body
  uint32_t end = 0;     // index of the last descendant (preorder), inclusive
  uint32_t text = 0;    // visible characters in the subtree
  uint32_t link = 0;    // of which inside <a href>
  uint32_t commas = 0;
  uint32_t own_text = 0;  // characters of this block's own inline content
  uint32_t own_link = 0;
  uint32_t own_commas = 0;
  bool ends_truncated = false;  // its own text ends in an ellipsis ("...", "…", "[…]")
  double content = 0;           // paragraph scores received from descendants
  bool candidate = false;
  bool paragraph = false;
  bool block_children = false;  // has block elements among its children
  bool related = false;         // a related-content box: its first text is a heading naming one
  bool in_related = false;      // inside such a box (teasers are not candidates either)
  uint32_t text_start = 0;      // text characters seen in the walk before this element

  double LinkDensity() const { return text == 0 ? 0.0 : static_cast<double>(link) / text; }
};

}  // namespace

bool NamesLegalDocument(std::string_view text) {
  for (const std::string_view fragment : kLegalFragments) {
    if (text.find(fragment) != std::string_view::npos) return true;
  }
  bool legal = false;
  std::string previous;
  ForEachTextWord(text, [&](std::string_view word) {
    if (legal) return;
    if (Contains(kLegalWords, word)) legal = true;
    for (const WordPair& pair : kLegalPairs) {
      if (pair.first == previous && pair.second == word) legal = true;
    }
    previous.assign(word);
  });
  return legal;
}

bool NamesRelatedContent(std::string_view text, bool whole) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > kMaxRelatedTitleBytes) return false;
  for (const std::string_view fragment : kRelatedOpeningFragments) {
    if (whole ? text.size() <= fragment.size() + 4 && text.starts_with(fragment)
              : text.starts_with(fragment)) {
      return true;
    }
  }
  std::string words;
  ForEachTextWord(text, [&](std::string_view word) {
    if (words.size() > kMaxRelatedTitleBytes) return;
    if (!words.empty()) words.push_back(' ');
    words.append(word);
  });
  for (const std::string_view opening : kRelatedOpenings) {
    if (words.starts_with(opening) &&
        (words.size() == opening.size() || (!whole && words[opening.size()] == ' '))) {
      return true;
    }
  }
  return false;
}

namespace {

// ---- The phases of ScoreBlocks --------------------------------------------------------------

// True when the page's <title>, in the <head> beside `body`, names a legal document.
bool TitleNamesLegalDocument(const GumboNode* body) {
  const GumboNode* html = body->parent;
  if (html == nullptr || html->type != GUMBO_NODE_ELEMENT) return false;
  const GumboVector& children = html->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* head = static_cast<const GumboNode*>(children.data[i]);
    if (head->type != GUMBO_NODE_ELEMENT || head->v.element.tag != GUMBO_TAG_HEAD) continue;
    const GumboVector& items = head->v.element.children;
    for (unsigned k = 0; k < items.length; ++k) {
      const auto* title = static_cast<const GumboNode*>(items.data[k]);
      if (title->type != GUMBO_NODE_ELEMENT || title->v.element.tag != GUMBO_TAG_TITLE ||
          title->v.element.children.length == 0) {
        continue;
      }
      const auto* text = static_cast<const GumboNode*>(title->v.element.children.data[0]);
      if (text->type == GUMBO_NODE_TEXT && NamesLegalDocument(text->v.text.text)) return true;
    }
  }
  return false;
}

// The title of a related-content box: an h2..h6 naming one, or a short text naming one
// ("<b>You may also like...</b>") that is the first text of its element.
struct RelatedTitle {
  uint32_t element;  // the heading, or the text's parent element
  uint32_t chars;    // the title's characters (0: the heading's whole text)
  uint32_t start;    // text characters before it
};

// The one walk over the body, iterative: an Info per element in preorder (infos()[0] is the
// body), with subtree sums added on each element's exit and each text's own characters given
// to its nearest block; the titles of related-content boxes; the hidden microdata met on the
// way (into `hidden_metadata`). Boilerplate, buttons and what `removal` removes are skipped.
class BlockWalk {
 public:
  BlockWalk(const Removal& removal, std::unordered_set<const GumboNode*>* hidden_metadata)
      : removal_(removal), hidden_metadata_(hidden_metadata) {}

  // Walks `body`. False, and the walk stops, when its headings name a legal document: an h1
  // doing so, or two h2/h3 section headings.
  bool Run(const GumboNode* body);

  std::vector<Info>& infos() { return infos_; }
  const std::vector<RelatedTitle>& related_titles() const { return related_titles_; }

 private:
  struct Frame {
    const GumboNode* node;
    uint32_t index;
    unsigned next_child;
    int32_t block;  // index of the nearest block element (itself included)
    bool in_link;
    bool in_sectioning;
    bool in_content;
    bool heading;     // an h1..h6 whose text is collected
    bool in_heading;  // inside such a heading
  };

  void VisitText(const Frame& parent, std::string_view text);
  // Pushes the frame of `child` unless it is left out of the scoring.
  void VisitElement(Frame parent, const GumboNode* child);
  // Ends `done`'s element: its sums go to its parent. False when headings name a legal
  // document.
  bool Leave(const Frame& done);

  const Removal& removal_;
  std::unordered_set<const GumboNode*>* hidden_metadata_;
  std::vector<Info> infos_;
  std::vector<Frame> stack_;
  std::vector<RelatedTitle> related_titles_;
  std::string heading_text_;
  int legal_headings_ = 0;
  uint32_t seen_text_ = 0;
};

bool BlockWalk::Run(const GumboNode* body) {
  infos_.push_back({});
  infos_[0].node = body;
  stack_.push_back({body, 0, 0, 0, false, false, false, false, false});
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    const GumboVector& children = Children(top.node);
    if (top.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      if (removal_.Removes(child)) continue;
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA) {
        VisitText(top, child->v.text.text);
      } else if (child->type == GUMBO_NODE_ELEMENT || child->type == GUMBO_NODE_TEMPLATE) {
        VisitElement(top, child);  // a copy: the push invalidates `top`
      }
      continue;
    }
    const Frame done = top;
    stack_.pop_back();
    if (!Leave(done)) return false;
  }
  return true;
}

void BlockWalk::VisitText(const Frame& parent, std::string_view text) {
  uint32_t chars = 0;
  uint32_t commas = 0;
  CountText(text, &chars, &commas);
  if (chars > 0 && !parent.in_heading && !parent.in_link &&
      infos_[parent.index].text_start == seen_text_ && NamesRelatedContent(text, true)) {
    related_titles_.push_back({parent.index, chars, seen_text_});
  }
  seen_text_ += chars;
  Info& owner = infos_[parent.index];
  owner.text += chars;
  owner.commas += commas;
  if (parent.in_link) owner.link += chars;
  Info& block = infos_[static_cast<size_t>(parent.block)];
  block.own_text += chars;
  block.own_commas += commas;
  if (parent.in_link) block.own_link += chars;
  if (chars > 0) block.ends_truncated = EndsTruncated(text);
  if (parent.in_heading && heading_text_.size() < 300) {
    heading_text_.append(text);
    heading_text_.push_back(' ');
  }
}

void BlockWalk::VisitElement(Frame parent, const GumboNode* child) {
  if (IsBoilerplate(child, {parent.in_sectioning, parent.in_content})) return;
  const GumboTag tag =
      child->type == GUMBO_NODE_ELEMENT ? child->v.element.tag : GUMBO_TAG_TEMPLATE;
  if (tag == GUMBO_TAG_BUTTON) return;  // controls, as the renderer drops them
  if (tag != GUMBO_TAG_TEMPLATE && IsNotRendered(child) && GetAttr(child, "itemscope") != nullptr) {
    // Hidden microdata (schema.org NewsArticle copies of the headline, dates, image URLs
    // and often the whole story): metadata for machines, never shown.
    hidden_metadata_->insert(child);
    return;
  }
  const auto index = static_cast<uint32_t>(infos_.size());
  if (HasFlag(tag, kBlock)) infos_[parent.index].block_children = true;
  infos_.push_back({});
  infos_.back().node = child;
  infos_.back().parent = static_cast<int32_t>(parent.index);
  infos_.back().text_start = seen_text_;
  const bool main_like = child->type == GUMBO_NODE_ELEMENT && IsMainLike(child);
  const int level = HeadingLevel(tag);
  const Frame frame{child,
                    index,
                    0,
                    HasFlag(tag, kBlock) ? static_cast<int32_t>(index) : parent.block,
                    parent.in_link || (tag == GUMBO_TAG_A && GetAttr(child, "href") != nullptr),
                    parent.in_sectioning || main_like || HasFlag(tag, kSectioning),
                    parent.in_content || main_like || tag == GUMBO_TAG_ARTICLE,
                    !parent.in_heading && level >= 1,
                    parent.in_heading || level >= 1};
  if (frame.heading) heading_text_.clear();
  stack_.push_back(frame);
}

bool BlockWalk::Leave(const Frame& done) {
  Info& info = infos_[done.index];
  info.end = static_cast<uint32_t>(infos_.size() - 1);
  if (done.heading) {
    const int level = HeadingLevel(done.node->v.element.tag);
    if (level <= 3 && NamesLegalDocument(heading_text_)) {
      // A title naming a legal document, or two section headings doing so.
      legal_headings_ += level == 1 ? 2 : 1;
      if (legal_headings_ >= 2) return false;
    }
    if (level >= 2 && (NamesRelatedContent(heading_text_, false) || ClassNamesRelated(done.node))) {
      related_titles_.push_back({done.index, 0, info.text_start});
    }
    heading_text_.clear();
  }
  if (info.parent >= 0) {
    Info& parent = infos_[static_cast<size_t>(info.parent)];
    parent.text += info.text;
    parent.link += info.link;
    parent.commas += info.commas;
  }
  return true;
}

// A related title names the smallest container that begins with it and holds more than it
// (wrappers of the title alone are climbed through). Only that one: the container above
// may begin with the box too (a sidebar before the story) and still hold the story. Marks
// those boxes `related` and everything inside them `in_related`.
void MarkRelatedBoxes(const std::vector<RelatedTitle>& titles, std::vector<Info>* infos) {
  std::vector<Info>& all = *infos;
  for (const RelatedTitle& title : titles) {
    const uint32_t chars = title.chars == 0 ? all[title.element].text : title.chars;
    // A text title must be its element's only text ("<b>Related</b>", not "<p>Read more:
    // <a>...</a></p>", a link inside the story).
    if (all[title.element].text != chars) continue;
    auto box = static_cast<int32_t>(title.element);
    while (box > 0 && all[static_cast<size_t>(box)].text <= chars) {
      box = all[static_cast<size_t>(box)].parent;
    }
    if (box > 0 && all[static_cast<size_t>(box)].text_start == title.start) {
      all[static_cast<size_t>(box)].related = true;
    }
  }
  for (size_t i = 1; i < all.size(); ++i) {
    const Info& parent = all[static_cast<size_t>(all[i].parent)];
    all[i].in_related = parent.related || parent.in_related;
  }
}

// Marks the paragraphs (blocks with enough text of their own, headings aside) and lets each
// one's score flow to five ancestors, which become candidates. Excerpts cut short are teasers
// (into `teasers`): they score like links.
void ScoreParagraphs(std::vector<Info>* infos, std::unordered_set<const GumboNode*>* teasers) {
  std::vector<Info>& all = *infos;
  for (size_t i = 0; i < all.size(); ++i) {
    Info& info = all[i];
    if (info.own_text < kMinParagraphChars) continue;
    if (info.node->type != GUMBO_NODE_ELEMENT || HeadingLevel(info.node->v.element.tag) > 0) {
      continue;
    }
    info.paragraph = true;
    const double length_points =
        std::min(kMaxLengthPoints, static_cast<double>(info.own_text / kCharsPerPoint));
    // An excerpt cut short is a teaser for another page: it scores like a link.
    const bool teaser = info.ends_truncated && info.own_text <= kMaxTeaserChars;
    if (teaser) teasers->insert(info.node);
    const double own_density = teaser ? 1.0 : static_cast<double>(info.own_link) / info.own_text;
    const double score = (1.0 + info.own_commas + length_points) * (1.0 - own_density);
    // A container with inline text beside block children (text, then a <div>): the text is an
    // anonymous paragraph inside it, so the container itself receives the full score.
    int32_t ancestor = info.block_children ? static_cast<int32_t>(i) : info.parent;
    for (int level = 0; level < kAncestorLevels && ancestor >= 0; ++level) {
      Info& target = all[static_cast<size_t>(ancestor)];
      const double divider = level == 0 ? 1.0 : level == 1 ? 2.0 : 3.0 * level;
      target.content += score / divider;
      target.candidate = true;
      ancestor = target.parent;
    }
  }
}

struct Candidates {
  std::vector<double> final_score;  // per Info: 0 unless a candidate outside related boxes
  std::vector<double> weight;       // per Info: the element's class and id weight
  int32_t best = -1;                // the highest final score; -1 when there is none
};

// Each candidate's final score: what its paragraphs gave it, its tag's and class's weights,
// discounted by its link density. Related boxes and what they hold are never candidates.
Candidates ScoreCandidates(const std::vector<Info>& infos) {
  Candidates result;
  result.final_score.assign(infos.size(), 0.0);
  result.weight.assign(infos.size(), 0.0);
  for (size_t i = 0; i < infos.size(); ++i) {
    const Info& info = infos[i];
    if (info.node->type != GUMBO_NODE_ELEMENT) continue;
    result.weight[i] = ClassWeight(info.node);
    if (!info.candidate || info.related || info.in_related) continue;
    result.final_score[i] = (info.content + TagBase(info.node->v.element.tag) + result.weight[i]) *
                            (1.0 - info.LinkDensity());
    if (result.best < 0 ||
        result.final_score[i] > result.final_score[static_cast<size_t>(result.best)]) {
      result.best = static_cast<int32_t>(i);
    }
  }
  return result;
}

// The chosen blocks, in preorder: the best candidate (climbed to the wrapper that holds only
// its text) and those of its siblings that score near it or are long prose paragraphs.
// `candidates.best` is above 0 (neither none nor the body).
std::vector<size_t> ChooseRoots(const std::vector<Info>& infos, const Candidates& candidates) {
  int32_t best = candidates.best;
  // A block that is its parent's only text: the parent is the same block with its wrapper.
  while (true) {
    const Info& info = infos[static_cast<size_t>(best)];
    if (info.parent <= 0) break;
    if (infos[static_cast<size_t>(info.parent)].text != info.text) break;
    best = info.parent;
  }
  const std::vector<double>& final_score = candidates.final_score;
  const double best_score = final_score[static_cast<size_t>(best)];
  const double threshold = std::max(kMinSiblingScore, best_score * kSiblingShare);
  const int32_t parent = infos[static_cast<size_t>(best)].parent;
  std::vector<size_t> roots;
  // Children of `parent` in preorder: the first follows it, each next one follows the
  // previous one's last descendant.
  const size_t parent_end = infos[static_cast<size_t>(parent)].end;
  for (size_t i = static_cast<size_t>(parent) + 1; i <= parent_end; i = infos[i].end + 1) {
    const Info& info = infos[i];
    bool keep = static_cast<int32_t>(i) == best;
    if (!keep && info.text > 0 && !info.related) {
      if (info.candidate && final_score[i] >= threshold) keep = true;
      if (info.paragraph && info.own_text == info.text && info.text > kSiblingParagraphChars &&
          info.LinkDensity() < kSiblingLinkDensity) {
        keep = true;
      }
    }
    if (keep) roots.push_back(i);
  }
  return roots;
}

// Puts the roots into `result` with, inside them, the subtrees to leave out: related boxes,
// link lists and negatively weighted clutter holding at most one paragraph.
void ExcludeClutter(const std::vector<Info>& infos, const std::vector<size_t>& roots,
                    const std::vector<double>& weight, ScoredBlocks* result) {
  // Paragraph counts per subtree (preorder ranges) for the exclusion rule.
  std::vector<uint32_t> paragraphs_before(infos.size() + 1, 0);
  for (size_t i = 0; i < infos.size(); ++i) {
    paragraphs_before[i + 1] = paragraphs_before[i] + (infos[i].paragraph ? 1 : 0);
  }
  for (const size_t root : roots) {
    result->roots.insert(infos[root].node);
    for (size_t i = root + 1; i <= infos[root].end;) {
      const Info& info = infos[i];
      const bool element = info.node->type == GUMBO_NODE_ELEMENT;
      if (info.related) {
        result->excluded.insert(info.node);
        i = info.end + 1;
        continue;
      }
      if (element && IsExcludable(info.node->v.element.tag) && info.commas < kProseCommas) {
        const uint32_t paragraphs = paragraphs_before[info.end + 1] - paragraphs_before[i];
        const bool link_list = info.LinkDensity() > kExcludedLinkDensity;
        const bool clutter = weight[i] < 0 && paragraphs <= 1;
        if (link_list || clutter) {
          result->excluded.insert(info.node);
          i = info.end + 1;
          continue;
        }
      }
      ++i;
    }
  }
}

// What a page that names itself a legal document scores: no roots, nothing left out.
ScoredBlocks LegalPage() {
  ScoredBlocks legal;
  legal.legal = true;
  return legal;
}

}  // namespace

ScoredBlocks ScoreBlocks(const GumboNode* body, const Removal& removal) {
  ScoredBlocks result;
  if (body == nullptr || body->type != GUMBO_NODE_ELEMENT) return result;
  if (TitleNamesLegalDocument(body)) return LegalPage();
  BlockWalk walk(removal, &result.hidden_metadata);
  if (!walk.Run(body)) return LegalPage();
  std::vector<Info>& infos = walk.infos();
  MarkRelatedBoxes(walk.related_titles(), &infos);
  ScoreParagraphs(&infos, &result.teasers);
  const Candidates candidates = ScoreCandidates(infos);
  for (const Info& info : infos) {
    if (info.related && !info.in_related) result.related.insert(info.node);
  }
  if (candidates.best <= 0) return result;  // nothing to score, or the body itself
  ExcludeClutter(infos, ChooseRoots(infos, candidates), candidates.weight, &result);
  return result;
}

}  // namespace policyd::extract_internal
