// libFuzzer target: the in-process half of PDF conversion. Poppler runs in bounded child
// processes (src/pdf/bounded_process.h); what it prints (pdftotext -bbox-layout XHTML, whose
// words a hostile PDF chooses) is parsed here, in the daemon. Any bytes must give the output
// contract (no CR, no leading/trailing blank line, final '\n') without a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bbox_layout.h"
#include "layout_text.h"
#include "page_furniture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xhtml(reinterpret_cast<const char*>(data), size);
  std::vector<policyd::pdf_internal::LayoutPage> pages =
      policyd::pdf_internal::ParseBboxLayout(xhtml);
  policyd::pdf_internal::DropPageFurniture(&pages);
  const std::string text = policyd::pdf_internal::LayoutToText(pages);
  if (text.find('\r') != std::string::npos) std::abort();
  if (!text.empty() && (text.back() != '\n' || text.front() == '\n')) std::abort();
  if (text.size() >= 2 && text[text.size() - 2] == '\n') std::abort();
  return 0;
}
