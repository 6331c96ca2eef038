#include "support/pdf_writer.h"

#include <cstdio>
#include <sstream>

namespace policyd::testing {
namespace {

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

std::string EscapeText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string ContentStream(const PdfPage& page) {
  std::string ops;
  for (const PdfRect& r : page.rects) {
    ops += Number(r.x) + " " + Number(r.y) + " " + Number(r.width) + " " + Number(r.height) +
           " re f\n";
  }
  for (const PdfTextRun& run : page.texts) {
    ops += "BT /F1 " + Number(run.size) + " Tf " + Number(run.x) + " " + Number(run.y) + " Td (" +
           EscapeText(run.text) + ") Tj ET\n";
  }
  return ops;
}

}  // namespace

std::string AssemblePdf(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[24];
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", offset);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\n";
  out += "startxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

std::string WritePdf(const std::vector<PdfPage>& pages) {
  // 1 catalog, 2 page tree, 3 font, then per page: page object, content stream.
  std::vector<std::string> objects(3);
  std::string kids;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const std::size_t page_id = 4 + 2 * i;
    kids += std::to_string(page_id) + " 0 R ";
    const std::string content = ContentStream(pages[i]);
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + Number(pages[i].width) +
                      " " + Number(pages[i].height) + "] /Resources << /Font << /F1 3 0 R >> >> " +
                      "/Contents " + std::to_string(page_id + 1) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content +
                      "endstream");
  }
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] =
      "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  objects[2] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  return AssemblePdf(objects);
}

double AddParagraphs(const std::vector<std::string>& paragraphs, double x, double top, double size,
                     double leading, std::size_t chars_per_line, PdfPage* page) {
  double y = top;
  for (const std::string& paragraph : paragraphs) {
    std::istringstream words(paragraph);
    std::string line;
    std::string word;
    while (words >> word) {
      if (!line.empty() && line.size() + 1 + word.size() > chars_per_line) {
        page->texts.push_back({x, y, size, line});
        y -= leading;
        line.clear();
      }
      line += line.empty() ? word : " " + word;
    }
    if (!line.empty()) {
      page->texts.push_back({x, y, size, line});
      y -= leading;
    }
    y -= leading;  // an empty line between paragraphs
  }
  return y;
}

}  // namespace policyd::testing
