#include "policyd/pdf.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "bbox_layout.h"
#include "bounded_process.h"
#include "layout_text.h"
#include "page_furniture.h"
#include "temp_file.h"

namespace policyd {
namespace {

using pdf_internal::ProcessLimits;
using pdf_internal::ProcessResult;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxMessageBytes = 300;
constexpr std::size_t kMaxInfoBytes = 1u << 20;  // pdfinfo prints a few hundred bytes

struct Failure {
  PdfError error = PdfError::kNone;
  std::string message;
};

// The first lines of a child's stderr as one bounded line: Poppler repeats its complaints.
std::string Summarize(const std::string& stderr_data) {
  std::string out;
  std::size_t start = 0;
  for (int lines = 0; lines < 3 && start < stderr_data.size(); ++lines) {
    std::size_t end = stderr_data.find('\n', start);
    if (end == std::string::npos) end = stderr_data.size();
    std::string line = stderr_data.substr(start, end - start);
    start = end + 1;
    if (line.empty() || out.find(line) != std::string::npos) continue;
    if (!out.empty()) out += "; ";
    out += line;
  }
  if (out.size() > kMaxMessageBytes) {
    std::size_t cut = kMaxMessageBytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

// What a child that did not exit 0 means. `tool` names it in the message.
Failure ClassifyRun(const char* tool, const ProcessResult& run, const PdfOptions& options) {
  using Outcome = ProcessResult::Outcome;
  const std::string detail = Summarize(run.stderr_data);
  const std::string suffix = detail.empty() ? "" : ": " + detail;
  switch (run.outcome) {
    case Outcome::kSpawnFailed:
      return {PdfError::kUnavailable,
              std::string("cannot run ") + tool + ": " + std::strerror(run.spawn_errno)};
    case Outcome::kTimedOut:
      return {PdfError::kTimeout, std::string(tool) + " took longer than " +
                                      std::to_string(options.timeout.count()) + " ms"};
    case Outcome::kOutputExceeded:
      return {PdfError::kTooLarge, std::string(tool) + " printed more than " +
                                       std::to_string(options.max_output_bytes) + " bytes"};
    case Outcome::kSignaled:
      if (run.signal == SIGXCPU) {
        return {PdfError::kTimeout, std::string(tool) + " used up its CPU time"};
      }
      if (detail.find("Out of memory") != std::string::npos ||
          detail.find("bad_alloc") != std::string::npos) {
        return {PdfError::kTooLarge, std::string(tool) + " ran out of memory" + suffix};
      }
      return {PdfError::kMalformed,
              std::string(tool) + " crashed with signal " + std::to_string(run.signal) + suffix};
    case Outcome::kExited:
      break;
  }
  if (run.exit_status == 0) return {};
  if (detail.find("Incorrect password") != std::string::npos) {
    return {PdfError::kEncrypted, "the PDF needs a password to open"};
  }
  if (detail.find("Out of memory") != std::string::npos) {
    return {PdfError::kTooLarge, std::string(tool) + " ran out of memory" + suffix};
  }
  return {PdfError::kMalformed, std::string(tool) + " cannot read the file (exit " +
                                    std::to_string(run.exit_status) + ")" + suffix};
}

// The "Pages:" field of pdfinfo's output, or -1.
int PageCount(const std::string& info) {
  std::size_t at = info.rfind("\nPages:");
  at = at == std::string::npos ? (info.starts_with("Pages:") ? 0 : at) : at + 1;
  if (at == std::string::npos) return -1;
  const char* digits = info.c_str() + at + 6;
  char* end = nullptr;
  errno = 0;
  const long pages = std::strtol(digits, &end, 10);
  if (end == digits || errno == ERANGE || pages < 0 || pages > INT32_MAX) return -1;
  return static_cast<int>(pages);
}

ProcessLimits LimitsFor(const PdfOptions& options, std::size_t max_stdout) {
  ProcessLimits limits;
  limits.timeout = options.timeout;
  limits.max_memory_bytes = options.max_memory_bytes;
  limits.max_stdout_bytes = max_stdout;
  return limits;
}

// pdfinfo: may the file be converted at all? Sets result->pages.
Failure CheckInfo(const std::string& tool, const std::string& file, const PdfOptions& options,
                  PdfText* result) {
  const ProcessResult run =
      pdf_internal::RunBounded({tool, file}, LimitsFor(options, kMaxInfoBytes));
  if (Failure failure = ClassifyRun("pdfinfo", run, options); failure.error != PdfError::kNone) {
    return failure;
  }
  result->pages = std::max(0, PageCount(run.stdout_data));
  if (PageCount(run.stdout_data) < 0) {
    return {PdfError::kMalformed, "pdfinfo printed no page count"};
  }
  if (result->pages > options.max_pages) {
    return {PdfError::kTooLarge, "the PDF has " + std::to_string(result->pages) +
                                     " pages, more than the limit of " +
                                     std::to_string(options.max_pages)};
  }
  return {};
}

// Pages converted by one pdftotext run at first; fewer when a run prints too much.
constexpr int kPagesPerRun = 32;

// Fewer words than this per page on average, page furniture left out, is no text layer: a
// scanned document whose only text is a typed title, a stamp or a scanner's watermark.
constexpr std::size_t kMinWordsPerPage = 4;

std::size_t CountWords(const std::vector<pdf_internal::LayoutPage>& pages) {
  std::size_t words = 0;
  for (const pdf_internal::LayoutPage& page : pages) {
    for (const pdf_internal::LayoutBlock& block : page.blocks) {
      for (const pdf_internal::LayoutLine& line : block.lines) words += line.words.size();
    }
  }
  return words;
}

// pdftotext -bbox-layout over pages [first, last], its XHTML read into `pages`. `used` counts
// the bytes printed by every run so far. Sets *split when the run printed more than one run may
// (options.max_run_output_bytes) over more than one page: the caller tries fewer.
Failure ConvertRun(const std::string& tool, const std::string& file, int first, int last,
                   const PdfOptions& options, SteadyClock::time_point deadline, std::size_t* used,
                   bool* split, std::vector<pdf_internal::LayoutPage>* pages) {
  *split = false;
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  if (left <= std::chrono::milliseconds::zero()) {
    return {PdfError::kTimeout,
            "pdftotext took longer than " + std::to_string(options.timeout.count()) + " ms"};
  }
  const std::size_t total_left =
      options.max_output_bytes - std::min(*used, options.max_output_bytes);
  const bool run_bound = options.max_run_output_bytes < total_left;
  ProcessLimits limits = LimitsFor(options, run_bound ? options.max_run_output_bytes : total_left);
  limits.timeout = left;
  const ProcessResult run =
      pdf_internal::RunBounded({tool, "-bbox-layout", "-enc", "UTF-8", "-f", std::to_string(first),
                                "-l", std::to_string(last), file, "-"},
                               limits);
  if (run.outcome == ProcessResult::Outcome::kOutputExceeded && run_bound) {
    if (first < last) {
      *split = true;
      return {};
    }
    return {PdfError::kTooLarge, "page " + std::to_string(first) + " alone made pdftotext print " +
                                     "more than " + std::to_string(options.max_run_output_bytes) +
                                     " bytes"};
  }
  if (run.outcome == ProcessResult::Outcome::kTimedOut) {
    return {PdfError::kTimeout,
            "pdftotext took longer than " + std::to_string(options.timeout.count()) + " ms"};
  }
  if (Failure failure = ClassifyRun("pdftotext", run, options); failure.error != PdfError::kNone) {
    return failure;
  }
  *used += run.stdout_data.size();
  std::vector<pdf_internal::LayoutPage> read = pdf_internal::ParseBboxLayout(run.stdout_data);
  for (pdf_internal::LayoutPage& page : read) pages->push_back(std::move(page));
  return {};
}

// pdftotext -bbox-layout over every page, a few at a time (ConvertRun), then words -> text.
Failure ConvertText(const std::string& tool, const std::string& file, const PdfOptions& options,
                    PdfText* result) {
  const auto deadline = SteadyClock::now() + options.timeout;
  const int page_count = std::min(result->pages, options.max_pages);
  std::vector<pdf_internal::LayoutPage> pages;
  std::size_t used = 0;
  for (int first = 1, per_run = kPagesPerRun; first <= page_count;) {
    const int last = std::min(page_count, first + per_run - 1);
    bool split = false;
    if (Failure failure =
            ConvertRun(tool, file, first, last, options, deadline, &used, &split, &pages);
        failure.error != PdfError::kNone) {
      return failure;
    }
    if (split) {
      per_run = std::max(1, (last - first + 1) / 2);
      continue;
    }
    first = last + 1;
  }
  pdf_internal::DropPageFurniture(&pages);
  const std::size_t words = CountWords(pages);
  if (words < kMinWordsPerPage * static_cast<std::size_t>(std::max(1, page_count))) {
    // A scan with a typed title or a stamp: that line is not the document, and storing it as
    // the text would make every later scan "unchanged".
    return {PdfError::kNoText, "the PDF has no text layer (" + std::to_string(words) +
                                   " words on " + std::to_string(result->pages) +
                                   " pages: a scanned document?)"};
  }
  result->text = pdf_internal::LayoutToText(pages);
  if (result->text.empty()) {
    return {PdfError::kNoText, "the PDF has no text layer (" + std::to_string(result->pages) +
                                   " pages without words: a scanned document?)"};
  }
  return {};
}

Failure Extract(std::string_view pdf_bytes, const PdfOptions& options, PdfText* result) {
  const std::string pdfinfo = (options.tools_dir / "pdfinfo").string();
  const std::string pdftotext = (options.tools_dir / "pdftotext").string();
  for (const std::string* tool : {&pdfinfo, &pdftotext}) {
    if (::access(tool->c_str(), X_OK) != 0) {
      return {PdfError::kUnavailable,
              "cannot run " + *tool + ": " + std::strerror(errno) + " (install poppler-utils)"};
    }
  }
  auto file = pdf_internal::TempFile::Create(pdf_bytes);
  if (!file.ok()) return {PdfError::kUnavailable, file.status().message()};
  if (Failure failure = CheckInfo(pdfinfo, file->path(), options, result);
      failure.error != PdfError::kNone) {
    return failure;
  }
  return ConvertText(pdftotext, file->path(), options, result);
}

}  // namespace

const char* PdfErrorReason(PdfError error) {
  switch (error) {
    case PdfError::kNone:
      return "";
    case PdfError::kEncrypted:
      return "pdf_encrypted";
    case PdfError::kNoText:
      return "pdf_no_text";
    case PdfError::kMalformed:
      return "pdf_malformed";
    case PdfError::kTooLarge:
      return "pdf_too_large";
    case PdfError::kTimeout:
      return "pdf_timeout";
    case PdfError::kUnavailable:
      return "pdf_unavailable";
  }
  return "pdf_malformed";
}

PdfText ExtractPdfText(std::string_view pdf_bytes, const PdfOptions& options) {
  const auto start = SteadyClock::now();
  PdfText result;
  Failure failure = Extract(pdf_bytes, options, &result);
  if (failure.error != PdfError::kNone) {
    result.error = failure.error;
    result.message = std::move(failure.message);
    result.text.clear();
  }
  result.elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
  return result;
}

}  // namespace policyd
