// libFuzzer target: Selector::Parse on any text must return an error or a selector, and a
// parsed selector must match over a document without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policyd/gumbo_document.h"
#include "policyd/selector.h"

namespace {

const policyd::GumboDocument& Document() {
  static const policyd::GumboDocument* document = new policyd::GumboDocument(
      "<!DOCTYPE html><html><body><main id=\"m\" class=\"a b\"><h1 lang=\"en\">T</h1>"
      "<section data-x=\"1-2\"><p>x</p><ul><li><a href=\"/p?q=1\">l</a></li></ul></section>"
      "</main><footer role=\"contentinfo\"><my-widget hidden>w</my-widget></footer></body>"
      "</html>");
  return *document;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  policyd::Result<policyd::Selector> selector = policyd::Selector::Parse(text);
  if (!selector.ok()) return 0;
  const auto matches = selector.value().SelectAll(Document().document());
  (void)matches;
  return 0;
}
