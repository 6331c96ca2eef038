// PDF documents -> the extraction output contract (policyd/extract.h): headings "# "/"## "/
// "### ", one paragraph per line, blocks separated by one blank line, ending with '\n'.
//
// Licence and isolation: policyd does not link Poppler (GPL). It runs Debian's poppler-utils
// programs as child processes, each under hard limits (time, memory, output size, no files
// written; src/pdf/bounded_process.h), so a hostile PDF (a decompression bomb, deep object
// nesting, a page tree claiming millions of pages) can at worst kill a child:
//   1. `pdfinfo FILE`: the page count (refused past max_pages before anything is converted),
//      encryption ("Incorrect password" -> kEncrypted), unreadable files (kMalformed);
//   2. `pdftotext -bbox-layout -enc UTF-8 -l max_pages FILE -`: XHTML with every word's box,
//      in Poppler's reading order (flows, blocks, lines; a two-column page comes out column by
//      column), parsed with Gumbo.
// The words then become text (src/pdf/layout_text.h): running headers, footers and page
// numbers dropped (lines in the top or bottom 8% of a page that, digits masked, repeat on at
// least half of the pages, and lone page numbers there), so a re-issued PDF with the same
// words hashes the same; headings recovered from font size (lines markedly larger than the
// body text, short, without a final period; ranked by size); a block of lines joined into one
// paragraph with line-end hyphenation undone ("informa-" "tion" -> "information", while
// "COVID-" "19" keeps its hyphen); a paragraph cut by a page break joined again. The outline
// (bookmarks) is not used.
//
// Encryption: a PDF that needs a user password to open fails with kEncrypted. One encrypted
// with only an owner password (an empty user password: anyone can open it, "rights" such as
// copying are restricted) is extracted: it is readable by every visitor, and it is still the
// published policy.
#ifndef POLICYD_PDF_H_
#define POLICYD_PDF_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace policyd {

enum class PdfError { kNone, kEncrypted, kNoText, kMalformed, kTooLarge, kTimeout, kUnavailable };

// The stable reason used in check records: "pdf_encrypted", "pdf_no_text" (no text layer: a
// scan), "pdf_malformed", "pdf_too_large" (pages, output or memory limit), "pdf_timeout",
// "pdf_unavailable" (poppler-utils missing or not runnable); "" for kNone.
const char* PdfErrorReason(PdfError error);

struct PdfOptions {
  int max_pages = 1000;  // more pages -> kTooLarge (pdfinfo's count)
  // pdfinfo's wall clock, and all pdftotext runs' together; a child still running is SIGKILLed.
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_memory_bytes = 1024u << 20;  // RLIMIT_AS of each child
  std::size_t max_output_bytes = 32u << 20;    // pdftotext's stdout in all beyond -> kTooLarge
  // pdftotext runs over a few pages at a time, and each run's XHTML is read before the next:
  // Gumbo's tree costs about 20 bytes per byte of it, so this bounds the caller's memory (about
  // 80 MB per conversion, where one 32 MB output cost 600 MB). A run past it is split; a single
  // page past it -> kTooLarge.
  std::size_t max_run_output_bytes = 4u << 20;
  std::filesystem::path tools_dir = "/usr/bin";  // where pdfinfo and pdftotext live
};

struct PdfText {
  PdfError error = PdfError::kNone;
  std::string message;  // human detail for failures (from the child's stderr, trimmed, bounded)
  std::string text;     // the output-contract text, "" on failure
  int pages = 0;        // pdfinfo's page count (0 when it could not be read)
  int64_t elapsed_us = 0;
};

// Converts `pdf_bytes` (a whole PDF file). Thread-safe; blocking (runs the two children one
// after the other, each bounded by `options`). The bytes go to a private temporary file (mode
// 0600 in $TMPDIR or /tmp, removed before returning). Never returns kNone with an empty text:
// a PDF without words (a scanned image) is kNoText.
PdfText ExtractPdfText(std::string_view pdf_bytes, const PdfOptions& options = {});

}  // namespace policyd

#endif  // POLICYD_PDF_H_
