// Extraction: raw HTML bytes of a policy page -> the policy's main text as normalised,
// Markdown-like lines. Pure computation: no I/O, no event loop, safe to call from any
// thread concurrently (no shared mutable state).
//
// Pipeline: charset decision (BOM, Content-Type, <meta charset>/http-equiv, then detection;
// UTF-8 with a few invalid bytes stays UTF-8, each stray byte read as windows-1252, and a page
// of ASCII with a few stray bytes is windows-1252, never a detector's guess) -> UTF-8 (what
// cannot be decoded is U+FFFD) -> Gumbo tree -> `remove` selectors drop
// subtrees and `remove_ranges` the nodes between their boundaries -> `select` selectors and
// `ranges` choose subtrees (document order; automatic main-content choice when neither is
// given) -> boilerplate removal (script, style, nav,
// header, footer, cookie/consent banners, reader comments, ...) -> Markdown-like lines ->
// whitespace normalisation -> `ignore_lines` removal. A text/plain body is read as plain text,
// unless it opens an HTML document ("<!DOCTYPE html" or "<html", after a BOM and white
// space): a page mislabelled once by a server or CDN edge reads as the same page, not as its
// markup (a substantive change there and back).
//
// Output contract (what is hashed and stored):
//  - headings "# ", "## ", ... by level; paragraphs as one line each; list items "- "
//    (nested lists indented by two spaces per level); table rows "| a | b |";
//  - a line of the page's own text that would read as a Markdown heading ("# of requests")
//    or code fence ("```", "~~~") starts with a backslash, as Markdown escapes it;
//  - blocks separated by exactly one blank line; no leading/trailing blank lines; the text
//    ends with a single '\n' unless it is empty;
//  - runs of Unicode white space inside a line become one ' ', except a run holding a line
//    break of the source between two wide (Chinese, Japanese) characters, which is none, as
//    in a browser (CSS Text 3; within one text node); lines are trimmed;
//    zero-width characters and soft hyphens removed; CRLF never appears;
//  - typographic variants in one form: curly single quotes and primes as ', curly double
//    quotes as ", the hyphen and non-breaking hyphen (U+2010, U+2011) as -, the ellipsis as
//    "..." (en and em dashes are kept); the text in Unicode Normalization Form C;
//  - a <br> is a space (as the newline it replaces in re-wrapped paragraphs), a run of two
//    or more separates blocks, a <br> inside <pre> ends the line;
//  - page furniture inside the document's container is left out: in-page tables of contents
//    (lists of same-page links), related/help-article boxes and rating widgets, control labels
//    ("Show more", "Lire la suite"; in a table cell only when it is a link or button), page
//    metadata ("Last published", "Article number") and class names leaked as text
//    (docs/EXTRACTION.md, "False-change classes").
// Hence a re-render of the same text (other markup, attribute order, whitespace, scripts,
// typography, widgets around the text) yields the same bytes and the same hash.
#ifndef POLICYD_EXTRACT_H_
#define POLICYD_EXTRACT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/status.h"

namespace policyd {

// A range of the document between two boundary elements, as in Open Terms Archive
// declarations ({"startBefore": css, "endAfter": css}, ...): exactly one of start_before /
// start_after and exactly one of end_before / end_after are set. The boundaries are the first
// element (document order) matching each selector. "before" X = from/up to the start tag of X
// (X included for a start, excluded for an end); "after" X = from/up to the end of X (X
// excluded for a start, included for an end). As a DOM Range set with setStartBefore/
// setStartAfter/setEndBefore/setEndAfter (what OTA's engine does), its boundaries lie between
// nodes, never inside a text: the range holds every node wholly inside it, and an element that
// straddles a boundary (an ancestor of a boundary element) only through its children inside
// it. A range whose boundary is missing or whose end precedes its start holds nothing.
//  - In `ranges` (select): those nodes are chosen. Boundaries are looked for in the document
//    after `remove` and `remove_ranges` (OTA removes, then selects): an element in removed
//    content is never a boundary of a select range.
//  - In `remove_ranges`: those nodes are dropped, text included (the text between two
//    headings of one <div> goes, the <div>'s text outside the range stays). Boundaries are
//    looked for in the whole document, `remove` matches included (OTA resolves every remove
//    range before it removes anything). Overlapping ranges drop the union of their nodes.
// Deviation from OTA: its engine fails the whole extraction when a boundary has no match;
// policyd then selects or removes nothing, without a warning (extraction has no log; the
// text that was not removed shows up as a change of the document).
struct RangeSelector {
  std::string start_before;
  std::string start_after;
  std::string end_before;
  std::string end_after;
  bool operator==(const RangeSelector&) const = default;
};

struct ExtractOptions {
  std::vector<std::string> select;  // CSS selectors; empty (and no ranges) = automatic choice
  std::vector<std::string> remove;  // CSS selectors dropped before anything else
  std::string content_type;         // the HTTP Content-Type header, for its charset (may be "")
  // Ranges selected in addition to `select`; what both choose is rendered in document order.
  std::vector<RangeSelector> ranges;
  // Ranges dropped with `remove`, before selection, scoring and rendering (`remove` entries
  // that are ranges in target files and OTA declarations).
  std::vector<RangeSelector> remove_ranges;
  // Regular expressions in ICU's syntax (src/extract/line_patterns.h); an output line in which
  // one of them matches (a search: anchor with ^...$ for whole lines) is removed, for text that
  // changes on every render ("Page generated in 0.2 s", visitor counters, tokens). Blank-line
  // structure is re-normalised afterwards. Bounded in time per line and per text (an
  // expression past its budget matches nothing more); lines longer than kMaxIgnoredLineBytes
  // are never matched (such lines are paragraphs, not noise).
  std::vector<std::string> ignore_lines;
  // Links as "[text](url)" instead of their text only, with tracking and cache-busting query
  // parameters removed from the URL (StripTrackingParameters). The URL is kept as written
  // (relative stays relative); javascript: URLs are dropped.
  bool include_link_urls = false;

  bool operator==(const ExtractOptions&) const = default;
};

inline constexpr std::size_t kMaxIgnoredLineBytes = 4096;

// Which entry of ExtractOptions could not be compiled: `index` counts within its list
// (select, remove, ranges, remove_ranges or ignore_lines).
struct ExtractEntry {
  enum class List { kSelect, kRemove, kRanges, kRemoveRanges, kIgnoreLines };
  List list = List::kSelect;
  std::size_t index = 0;
};

// The document's half of ExtractOptions (select, remove, ranges, remove_ranges, ignore_lines,
// include_link_urls; not content_type, which belongs to each response) parsed and compiled
// once. Immutable: one instance is shared (shared_ptr<const>) by every check of a document
// on any thread, so a check never parses a selector or compiles an expression again, and a
// bad one is refused when the target is loaded instead of failing every check.
class CompiledExtraction {
 public:
  // Compiles `options` (its content_type is ignored). Fails with InvalidArgument for a
  // selector that does not parse, a range without exactly one start and one end, or an
  // `ignore_lines` expression that does not compile; the message names the entry, and
  // `failed` (if given) says which one it is. Options with no selector, range or expression
  // all share one instance.
  static Result<std::shared_ptr<const CompiledExtraction>> Compile(const ExtractOptions& options,
                                                                   ExtractEntry* failed = nullptr);

  struct Parts;  // the parsed selectors and compiled expressions (extract.cc)
  explicit CompiledExtraction(std::unique_ptr<const Parts> parts);
  ~CompiledExtraction();
  const Parts& parts() const { return *parts_; }

 private:
  std::unique_ptr<const Parts> parts_;
};

struct ExtractResult {
  std::string text;       // the normalised Markdown-like text (see contract above)
  std::string charset;    // the charset the bytes were decoded from, e.g. "utf-8", "windows-1252"
  std::size_t lines = 0;  // number of non-blank lines in `text`
  // `select` or `ranges` were given and chose no element of the page (a redesign renamed
  // what they name): why a text is empty, for the operator.
  bool selected_nothing = false;
  // A range of `ranges` or `remove_ranges` one of whose boundaries matched no element, which
  // therefore held nothing: "remove range 1 (startBefore \".a\", endAfter \".b\"): no element of
  // the page matches its end" (the first such), else empty. The text is extracted all the
  // same; a check refuses it (`range_unmatched`), as Open Terms Archive's engine refuses a
  // page whose range boundary is gone: a range that silently stopped removing reads as new text.
  std::string unmatched_range;
  // Why the page was not read at all, else empty: "more than 200000 elements" (a parse would
  // take gigabytes; GumboDocument::kMaxElements). The text is then empty; a check fails as
  // too_large.
  std::string too_large;
  // Where the time went, in microseconds (for the daemon's per-stage statistics).
  int64_t decode_us = 0;  // charset decision and transcoding
  int64_t parse_us = 0;   // Gumbo tree construction
  int64_t render_us = 0;  // selectors, boilerplate removal, Markdown, normalisation
};

// Extracts the main text of `html` (compiling `options` first, as CompiledExtraction::Compile:
// tools and tests; the daemon compiles each document's settings once). Fails with InvalidArgument
// for a selector (of `select`, `remove` or a range of either) that does not parse, a range without
// exactly one start and one end, or an `ignore_lines` expression that does not compile (the message
// names it). Never crashes on any input; input of any size is handled without recursion over the
// DOM.
Status ExtractText(std::string_view html, const ExtractOptions& options, ExtractResult* result);

// The `ignore_lines` of `compiled` applied to a text made another way (a PDF's, policyd/pdf.h),
// exactly as ExtractText applies them to a page's: the matching lines removed, blank lines
// normalised again. The text unchanged when there are none.
std::string ApplyIgnoreLines(const CompiledExtraction& compiled, std::string text);

// The same with settings compiled beforehand (what the daemon does on every check): cannot
// fail. `content_type` is the response's Content-Type header (for its charset and for
// text/plain), as ExtractOptions::content_type.
ExtractResult ExtractText(std::string_view html, const CompiledExtraction& compiled,
                          std::string_view content_type);

// What the first bytes of a body say it is: a PDF ("%PDF-", after a BOM and white space if
// any, whatever its Content-Type claims), other binary data, or text (src/extract/body_sniff.cc).
// When `content_type` is absent or text/plain, as the WHATWG MIME sniffing standard does: binary if
// a "binary data byte" (0x00-0x08, 0x0B, 0x0E-0x1A, 0x1C-0x1F) is in the first 1024 bytes, unless
// they start with a UTF-8/UTF-16 byte order mark or `content_type` declares a UTF-16 charset.
// Beyond the standard, a body labelled anything else (text/html: a pre-compressed file served
// without its Content-Encoding, an image behind a page's URL) is binary too when it starts with the
// signature of a compressed stream, archive or image (gzip, zlib, zstd, bzip2, xz, zip, PNG,
// JPEG, GIF, WebP), or holds 16 or more binary data bytes in its first 1024 and is not
// unmarked UTF-16 (NUL on every other byte). Extracting a PDF or an image as HTML yields
// garbage, never a policy: the daemon refuses such a body as `content_type`, like a refused
// header.
enum class BodySniff { kText, kPdf, kBinary };
BodySniff SniffBody(std::string_view bytes, std::string_view content_type);

// `url` without the query parameters that identify a visit rather than a resource, so that
// output URLs are stable across renders: utm_*, click ids (fbclid, gclid, msclkid, ...), mail
// and marketing-automation ids (mc_cid, _hsenc, mkt_tok, ...), analytics linkers (_ga, _gl),
// session ids (jsessionid, phpsessid, also as ";jsessionid=" path parameters), CSRF tokens
// and cache busters (_, cb, cachebuster, nocache). Names match case-insensitively. The order
// of the remaining parameters and the fragment are kept; "?" goes when nothing remains.
std::string StripTrackingParameters(std::string_view url);

// What a reader without JavaScript sees anywhere on a page, not only its main content: the
// text of its first <title>, and every text of the document in document order (header,
// footer, navigation and <noscript> included; scripts, styles, templates and comments not),
// character references decoded by the HTML parser, element boundaries as spaces, no further
// normalisation. For recognising pages that are not the document at all (the daemon's
// error-page guard looks for a vendor's words wherever they are shown).
struct VisibleText {
  std::string title;
  std::string text;
};
VisibleText ReadVisibleText(std::string_view html, std::string_view content_type);

// What a page as served says about whether its text is built by its scripts (the shell of a
// single-page application: React, Vue, Angular, Next.js, ...), for the daemon's `render =
// "auto"`: such a page goes to the headless browser. Counted without running anything:
struct AppShellSignals {
  std::size_t scripts = 0;             // <script> elements that run (JSON-LD and data excluded)
  std::size_t visible_text_bytes = 0;  // non-space bytes of text a reader sees (no <noscript>)
  std::size_t mount_points = 0;        // #root, #app, #__next, #__nuxt, <app-root>, [ng-app], ...
  std::size_t empty_mount_points = 0;  // ... with no text inside
  bool noscript_asks_for_javascript = false;  // a <noscript> that mentions JavaScript
  // True for a shell: at least one script, at most kAppShellMaxTextBytes of visible text, and
  // an empty mount point, a <noscript> asking for JavaScript, or next to no text at all.
  bool LooksLikeAppShell() const;
};
inline constexpr std::size_t kAppShellMaxTextBytes = 512;
AppShellSignals ReadAppShellSignals(std::string_view html, std::string_view content_type);

// What a page as served does to send its reader elsewhere, read without running anything, for
// the check's redirect-stub decision (src/check/redirect_stub.h):
//  - <meta http-equiv="refresh" content="N; url=..."> anywhere in the document (HTML's
//    "shared declarative refresh steps": a delay, then `url=`, optionally quoted; a refresh
//    without a URL reloads the page itself and is not a redirect);
//  - a script that assigns or replaces the location with a string literal:
//    `location.replace("...")`, `location.assign("...")`, `location.href = "..."`,
//    `window.location = "..."` (only the first 64 KiB of each of the first 32 scripts are read).
enum class RedirectKind { kNone, kMetaRefresh, kScript, kRefreshHeader };
struct RedirectSignals {
  RedirectKind kind = RedirectKind::kNone;  // the first found, meta refresh before scripts
  std::string target;                       // as written: relative or absolute; never empty
                                            // unless kind is kNone
  int refresh_seconds = 0;                  // a refresh's delay
};
RedirectSignals ReadRedirectSignals(std::string_view html, std::string_view content_type);

// The same for a `Refresh` response header's value, which browsers read as a meta refresh's
// content (kRefreshHeader, or kNone when it names no URL: a reload of the page itself).
RedirectSignals ReadRefreshHeader(std::string_view value);

// The language of an extracted text (UTF-8), detected with CLD2 (Debian's libcld2) from its
// first megabyte: an ISO 639-1 code ("en", "fr", "de"; CLD2 writes Chinese as "zh" or
// "zh-Hant"), or "" when CLD2 cannot tell reliably (too little text, mixed languages).
std::string DetectTextLanguage(std::string_view text);

// Decodes `bytes` to UTF-8 following the charset decision above. Returns the charset used.
std::string DecodeToUtf8(std::string_view bytes, std::string_view content_type, std::string* utf8);

// Applies the whitespace/Unicode normalisation of the output contract to arbitrary text
// (used on extracted lines; exposed for tests and for plain-text documents).
std::string NormalizeText(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_EXTRACT_H_
