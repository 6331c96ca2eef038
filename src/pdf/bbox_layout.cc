#include "bbox_layout.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "policyd/ascii.h"
#include "policyd/extract.h"
#include "policyd/gumbo_document.h"

namespace policyd::pdf_internal {
namespace {

// The lower-case tag name of an element, also for tags HTML does not know (all of these).
std::string TagName(const GumboElement& element) {
  if (element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(element.tag);
  GumboStringPiece piece = element.original_tag;
  gumbo_tag_from_original_text(&piece);
  return AsciiLower(std::string(piece.data, piece.length));
}

double NumberAttribute(const GumboElement& element, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&element.attributes, name);
  return attribute == nullptr ? 0.0 : std::strtod(attribute->value, nullptr);
}

const GumboElement* AsElement(const void* child) {
  const auto* node = static_cast<const GumboNode*>(child);
  return node->type == GUMBO_NODE_ELEMENT ? &node->v.element : nullptr;
}

std::string TextOf(const GumboElement& element) {
  std::string text;
  for (unsigned i = 0; i < element.children.length; ++i) {
    const auto* node = static_cast<const GumboNode*>(element.children.data[i]);
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE) {
      text += node->v.text.text;
    }
  }
  return text;
}

void ReadLine(const GumboElement& line_element, LayoutBlock* block) {
  LayoutLine line;
  for (unsigned i = 0; i < line_element.children.length; ++i) {
    const GumboElement* word = AsElement(line_element.children.data[i]);
    if (word == nullptr || TagName(*word) != "word") continue;
    LayoutWord out{NumberAttribute(*word, "xmin"), NumberAttribute(*word, "ymin"),
                   NumberAttribute(*word, "xmax"), NumberAttribute(*word, "ymax"), TextOf(*word)};
    if (!out.text.empty()) line.words.push_back(std::move(out));
  }
  if (!line.words.empty()) block->lines.push_back(std::move(line));
}

void ReadFlow(const GumboElement& flow, LayoutPage* page) {
  for (unsigned i = 0; i < flow.children.length; ++i) {
    const GumboElement* block_element = AsElement(flow.children.data[i]);
    if (block_element == nullptr || TagName(*block_element) != "block") continue;
    LayoutBlock block;
    for (unsigned j = 0; j < block_element->children.length; ++j) {
      const GumboElement* line = AsElement(block_element->children.data[j]);
      if (line != nullptr && TagName(*line) == "line") ReadLine(*line, &block);
    }
    if (!block.lines.empty()) page->blocks.push_back(std::move(block));
  }
}

// Walks html > body > doc > page > flow ... without recursion into anything else.
const GumboElement* FindChild(const GumboElement& parent, const char* name) {
  for (unsigned i = 0; i < parent.children.length; ++i) {
    const GumboElement* child = AsElement(parent.children.data[i]);
    if (child != nullptr && TagName(*child) == name) return child;
  }
  return nullptr;
}

}  // namespace

double LineTop(const LayoutLine& line) {
  double top = line.words.front().y_min;
  for (const LayoutWord& word : line.words) top = std::min(top, word.y_min);
  return top;
}

double LineBottom(const LayoutLine& line) {
  double bottom = line.words.front().y_max;
  for (const LayoutWord& word : line.words) bottom = std::max(bottom, word.y_max);
  return bottom;
}

double LineHeight(const LayoutLine& line) {
  double height = 0;
  for (const LayoutWord& word : line.words) height = std::max(height, word.y_max - word.y_min);
  return height;
}

std::string LineText(const LayoutLine& line) {
  std::string text;
  for (const LayoutWord& word : line.words) {
    if (!text.empty()) text += ' ';
    text += word.text;
  }
  return text;
}

std::vector<LayoutPage> ParseBboxLayout(std::string_view xhtml) {
  std::string utf8;
  DecodeToUtf8(xhtml, "application/xhtml+xml; charset=utf-8", &utf8);
  const GumboDocument document(std::move(utf8));
  std::vector<LayoutPage> pages;
  const GumboNode* body = document.body();
  if (body == nullptr) return pages;
  const GumboElement* doc = FindChild(body->v.element, "doc");
  if (doc == nullptr) return pages;
  for (unsigned i = 0; i < doc->children.length; ++i) {
    const GumboElement* page_element = AsElement(doc->children.data[i]);
    if (page_element == nullptr || TagName(*page_element) != "page") continue;
    LayoutPage page;
    page.width = NumberAttribute(*page_element, "width");
    page.height = NumberAttribute(*page_element, "height");
    for (unsigned j = 0; j < page_element->children.length; ++j) {
      const GumboElement* flow = AsElement(page_element->children.data[j]);
      if (flow != nullptr && TagName(*flow) == "flow") ReadFlow(*flow, &page);
    }
    pages.push_back(std::move(page));
  }
  return pages;
}

}  // namespace policyd::pdf_internal
