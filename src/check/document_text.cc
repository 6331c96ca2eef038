// Phase 2 of a check: what the pages of a document become before hashing, the text a version
// would hold, or why the check fails (ExtractDocumentText).
#include "policyd/document_text.h"

#include "error_page_guard.h"
#include "policyd/extract.h"
#include "policyd/media_type.h"
#include "policyd/pdf.h"
#include "redirect_stub.h"
#include "response_class.h"

namespace policyd {
namespace {

// A failure decided by the HTTP status alone (its message says the status).
bool IsHttpStatusFailure(FailureReason reason) {
  return reason == FailureReason::kHttp4xx || reason == FailureReason::kHttp429 ||
         reason == FailureReason::kHttp5xx || reason == FailureReason::kHttpStatus;
}

// Error responses larger than this are not inspected: the vendors' pages are a few KB.
constexpr std::size_t kMaxInspectedErrorBody = 256 * 1024;

// A 401/403/405/429/503 response may be a bot challenge (Cloudflare serves its managed
// challenge with 403, DataDome and PerimeterX too, Vercel's checkpoint with 429, AWS WAF's
// captcha with 405): then the reason is `challenge`, a transient failure, instead of the
// permanent `http_4xx`. Other findings (a block page, an error page) keep the status's reason
// and only say in the message what the page was.
void RefineErrorStatus(const CompiledExtraction* extraction, const FetchResponse& page,
                       FailureReason* reason, std::string* message) {
  const long status = page.http_status;
  if (status != 401 && status != 403 && status != 405 && status != 429 && status != 503) return;
  if (page.body.size() > kMaxInspectedErrorBody ||
      !IsAcceptedMediaType(MediaType(page.content_type))) {
    return;
  }
  if (extraction == nullptr) return;
  const ExtractResult text = ExtractText(page.body, *extraction, page.content_type);
  const PageFinding finding = InspectPage(status, page.headers, page.body, text.text);
  if (!finding.refused()) return;
  if (finding.verdict == PageVerdict::kChallenge) *reason = VerdictReason(finding.verdict);
  *message += ": " + DescribeFinding(finding);
}

// The message of a `content_type` refusal: the header, or what the body turned out to be.
std::string ContentRefusal(const FetchResponse& page) {
  if (page.error == FetchError::kNone) {
    switch (SniffBody(page.body, page.content_type)) {
      case BodySniff::kPdf:
        return "refused content: the body is a PDF document, not a web page";
      case BodySniff::kBinary:
        return "refused content: the body is binary data, not text";
      case BodySniff::kText:
        break;
    }
  }
  return "refused content type '" + page.content_type + "'";
}

// Records that the document fails with `reason`, for what all its pages together are.
void FailWhole(FailureReason reason, const std::string& message, DocumentText* out) {
  out->reason = reason;
  out->failing_page = 0;
  out->message = message;
}

// Records that page `index` of `pages` fails with `reason`; the message of a multi-page
// document says which page, the first one included.
void Fail(const std::vector<const FetchResponse*>& pages, std::size_t index, FailureReason reason,
          const std::string& message, DocumentText* out) {
  FailWhole(reason,
            pages.size() == 1
                ? message
                : "page " + std::to_string(index + 1) + " (" + pages[index]->url + "): " + message,
            out);
  out->failing_page = index;
}

// Step 1: is every response a usable page at all? False (with the reason) when one is not.
// An error status whose page is a bot challenge says so (RefineErrorStatus, with `extraction`).
bool AllPagesUsable(const CompiledExtraction* extraction,
                    const std::vector<const FetchResponse*>& pages, DocumentText* out) {
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const FetchResponse& page = *pages[i];
    FailureReason reason = ClassifyResponse(page);
    if (reason == FailureReason::kNone) continue;
    std::string message = page.error_message;
    // Not requested (robots.txt unreadable, the host held): the fetcher's message says why.
    if (IsHttpStatusFailure(reason) && !page.robots_unavailable && !page.host_held) {
      message = "HTTP status " + std::to_string(page.http_status);
      if (page.http_status == 304) {
        message +=
            " (Not Modified) to a request without validators: the server, or a cache in "
            "front of it, does not send the page";
      }
      RefineErrorStatus(extraction, page, &reason, &message);
    }
    if (reason == FailureReason::kContentType) message = ContentRefusal(page);
    Fail(pages, i, reason, message, out);
    return false;
  }
  return true;
}

// A PDF page through poppler-utils (policyd/pdf.h); its failures fail the check with their
// own reasons. The conversion's time counts as extraction.
ExtractResult ExtractPdfPage(const std::vector<const FetchResponse*>& pages, std::size_t index,
                             const CompiledExtraction& extraction, DocumentText* out) {
  PdfText pdf = ExtractPdfText(pages[index]->body);
  ExtractResult result;
  result.render_us = pdf.elapsed_us;
  if (pdf.error != PdfError::kNone) {
    Fail(pages, index, FailureFromPdfError(pdf.error), "PDF: " + pdf.message, out);
  } else {
    // Selectors have no elements to choose in a PDF; ignore_lines apply to its lines alike.
    result.text = ApplyIgnoreLines(extraction, std::move(pdf.text));
  }
  return result;
}

// Step 2: extract every page with the compiled settings and join the texts; refuse what is
// not a policy (challenge walls, empty renders).
void ExtractPages(const DocumentSpec& spec, const std::vector<const FetchResponse*>& pages,
                  UrlResolver resolve_url, DocumentText* out) {
  out->extracted = true;
  // Why a text is empty when the page is not: the target's selection chose nothing.
  const auto why_empty = [](bool selected_nothing) {
    return selected_nothing ? std::string(": select matched no element of the page") : "";
  };
  bool selected_nothing = false;
  for (std::size_t i = 0; i < pages.size() && out->reason == FailureReason::kNone; ++i) {
    const FetchResponse& page = *pages[i];
    const bool pdf = IsPdf(page);
    ExtractResult page_text =
        pdf ? ExtractPdfPage(pages, i, *spec.ExtractionOfPage(i), out)
            : ExtractText(page.body, *spec.ExtractionOfPage(i), page.content_type);
    out->decode_us += page_text.decode_us;
    out->parse_us += page_text.parse_us;
    out->extract_us += page_text.render_us;
    if (out->reason != FailureReason::kNone) break;  // a PDF that could not be converted
    if (!page_text.too_large.empty()) {
      Fail(pages, i, FailureReason::kTooLarge, "the page has " + page_text.too_large, out);
      break;
    }
    // The error-page guard knows web pages; a PDF is a document someone published on purpose.
    if (const PageFinding finding =
            pdf ? PageFinding{}
                : InspectPage(page.http_status, page.headers, page.body, page_text.text);
        finding.refused()) {
      Fail(pages, i, VerdictReason(finding.verdict),
           DescribeFinding(finding) + " served with HTTP " + std::to_string(page.http_status) +
               ", not the document",
           out);
    } else if (const RedirectStub stub =
                   pdf ? RedirectStub{} : FindRedirectStub(page, page_text.text, resolve_url);
               stub.found) {
      Fail(pages, i, FailureReason::kRedirectStub,
           "redirect stub: " + stub.description + ", not the document", out);
      out->redirect_target = stub.target;
    } else if (!page_text.unmatched_range.empty()) {
      Fail(pages, i, FailureReason::kRangeUnmatched,
           page_text.unmatched_range +
               ": the range would hold nothing, so the text is not the one the settings describe "
               "(the page changed, or its select/remove needs updating)",
           out);
    } else if (pages.size() > 1 && IsNearEmpty(page_text.text)) {
      Fail(pages, i, FailureReason::kEmpty,
           "no text could be extracted" + why_empty(page_text.selected_nothing), out);
    }
    selected_nothing = selected_nothing || page_text.selected_nothing;
    if (out->text.empty()) {
      out->text = std::move(page_text.text);
    } else if (!page_text.text.empty()) {
      out->text += "\n";
      out->text += page_text.text;
    }
    out->charset = page_text.charset;
  }
  if (out->reason == FailureReason::kNone && IsNearEmpty(out->text)) {
    // An empty page is an error page or a broken render, never a new version.
    FailWhole(FailureReason::kEmpty,
              "no text could be extracted (" + std::to_string(out->text.size()) + " bytes)" +
                  why_empty(selected_nothing),
              out);
  }
}

}  // namespace

DocumentText ExtractDocumentText(const DocumentSpec& spec,
                                 const std::vector<const FetchResponse*>& pages,
                                 UrlResolver resolve_url) {
  DocumentText out;
  if (!AllPagesUsable(spec.extraction.get(), pages, &out)) return out;
  if (pages.front()->http_status == 304) return out;  // the stored text stands
  if (spec.extraction == nullptr) {
    // Every loader compiles it; a spec that reaches a check without it is a bug, and the
    // check says so rather than parsing selectors on every check.
    FailWhole(FailureReason::kExtract,
              "internal error: the document's extraction settings were not compiled", &out);
    return out;
  }
  ExtractPages(spec, pages, resolve_url, &out);
  return out;
}

}  // namespace policyd
