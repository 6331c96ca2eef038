// The daemon's use of the headless browser (io thread): which documents are rendered, handing
// their pages to BrowserFetcher, and turning its results into the check's input.
//
// The page itself is always fetched first by the plain Fetcher, behind its host's politeness
// gate and robots.txt check; the browser's request for it is answered from that response, so
// a rendered check requests the page from the site once, like a plain one. What the browser
// then loads (scripts, XHR) goes through its own address policy (browser.h).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "daemon.h"
#include "policyd/clock.h"
#include "policyd/extract.h"
#include "policyd/media_type.h"

namespace policyd {
namespace {

// A failed render as the check's failure reason (the names RenderErrorName gives).
FailureReason FailureFromRenderError(RenderError error) {
  switch (error) {
    case RenderError::kNone:
      return FailureReason::kNone;
    case RenderError::kTimeout:
      return FailureReason::kBrowserTimeout;
    case RenderError::kCrashed:
      return FailureReason::kBrowserCrashed;
    case RenderError::kTooLarge:
      return FailureReason::kTooLarge;
    case RenderError::kBlockedAddress:
      return FailureReason::kBlockedAddress;
    case RenderError::kUnavailable:
      return FailureReason::kBrowserUnavailable;
    case RenderError::kProtocol:
      return FailureReason::kBrowserProtocol;
    case RenderError::kAborted:
      return FailureReason::kAborted;
    case RenderError::kNavigated:
      return FailureReason::kRedirectStub;  // an interstitial whose script sends readers on
  }
  return FailureReason::kBrowserProtocol;
}

// What the browser can render: a complete 2xx response that is HTML (or unlabelled). Anything
// else (a transport failure, an error status, a PDF, plain text) is judged as served.
bool IsRenderable(const FetchResponse& page) {
  if (page.error != FetchError::kNone || page.http_status < 200 || page.http_status >= 300) {
    return false;
  }
  const std::string media_type = MediaType(page.content_type);
  const bool html =
      media_type.empty() || media_type == "text/html" || media_type == "application/xhtml+xml";
  return html && SniffBody(page.body, page.content_type) == BodySniff::kText;
}

// What page `index` of a document settles on in the browser: the selectors that choose its
// text (a combined page's own, else the document's), and the start of each of its ranges. A
// page without any settles on network idle alone.
std::vector<std::string> WaitSelectorsOfPage(const DocumentSpec& spec, std::size_t index) {
  const bool own = index < spec.page_options.size() && spec.page_options[index].has_value();
  std::vector<std::string> selectors =
      own ? spec.page_options[index]->select
          : std::vector<std::string>(spec.select.begin(), spec.select.end());
  const auto add_range_starts = [&selectors](const auto& ranges) {
    for (const RangeSelector& range : ranges) {
      selectors.push_back(range.start_before.empty() ? range.start_after : range.start_before);
    }
  };
  if (own) {
    add_range_starts(spec.page_options[index]->ranges);
  } else {
    add_range_starts(spec.select_ranges);
  }
  return selectors;
}

}  // namespace

// All the pages of one check being rendered.
struct RenderGather {
  std::vector<FetchResponse> pages;  // the plain fetch's responses
  std::vector<RenderResult> results;
  std::size_t remaining = 0;
  RenderTrigger trigger = RenderTrigger::kNone;
};

BrowserOptions BrowserOptionsFrom(const DaemonConfig& config) {
  BrowserOptions options;
  options.command = config.browser_command;
  options.socket_path = config.browser_socket;
  options.concurrency = static_cast<std::size_t>(config.browser_concurrency);
  options.page_timeout = config.browser_page_timeout;
  options.memory_limit_bytes = config.browser_memory_limit_bytes;
  options.max_html_bytes = config.max_body_bytes;
  options.user_agent = config.user_agent;  // the same honest name as the plain fetches
  options.allow_private_addresses = config.allow_private_addresses;
  options.allowed_addresses = config.allowed_addresses;
  return options;
}

bool Daemon::RendersFirst(const Document& doc) const {
  return policyd::RendersFirst(doc.spec->render, doc.state(), browser_ != nullptr, NowUnixMillis(),
                               config_.render_retest_interval);
}

void Daemon::RenderPages(const std::string& doc_id, std::vector<FetchResponse> pages,
                         RenderTrigger trigger) {
  const Document& doc = *documents_.Find(doc_id);  // the callers made sure it is watched
  if (!std::all_of(pages.begin(), pages.end(), IsRenderable)) {
    PostCheck(doc_id, MakeCheckInput(doc, std::move(pages)));
    return;
  }
  if (browser_ == nullptr) {
    CheckInput input = MakeCheckInput(doc, std::move(pages));
    input.render_error = FailureReason::kBrowserUnavailable;
    input.render_message =
        "the document needs the browser (render = \"browser\"), which is "
        "disabled (browser_enabled = false)";
    PostCheck(doc_id, std::move(input));
    return;
  }
  auto gather = std::make_shared<RenderGather>();
  gather->results.resize(pages.size());
  gather->remaining = pages.size();
  gather->trigger = trigger;
  gather->pages = std::move(pages);
  for (std::size_t i = 0; i < gather->pages.size(); ++i) {
    const FetchResponse& page = gather->pages[i];
    RenderRequest request;
    request.url = page.final_url.empty() ? page.url : page.final_url;
    request.http_status = page.http_status;
    request.headers = page.headers;
    request.body = page.body;  // copied: an `auto` page whose render fails is judged as served
    request.wait_for_selectors = WaitSelectorsOfPage(*doc.spec, i);
    // Fetched for the plain page a moment ago: its origin's rules bind the page's own requests.
    if (!doc.spec->ignore_robots) request.robots = fetcher_->KnownRobots(request.url);
    request.robots_product_token = fetcher_->robots_product_token();
    browser_->Render(std::move(request), [this, doc_id, gather, i](RenderResult result) {
      gather->results[i] = std::move(result);
      if (--gather->remaining == 0) OnRendered(doc_id, std::move(*gather));
    });
  }
}

void Daemon::OnRendered(const std::string& doc_id, RenderGather gather) {
  const Document* doc = documents_.Find(doc_id);
  const bool aborted =
      std::any_of(gather.results.begin(), gather.results.end(),
                  [](const RenderResult& r) { return r.error == RenderError::kAborted; });
  if (stopping_ || aborted || doc == nullptr) {
    AbandonCheck(doc_id);
    return;
  }
  const auto failed =
      std::find_if(gather.results.begin(), gather.results.end(),
                   [](const RenderResult& r) { return r.error != RenderError::kNone; });
  if (failed != gather.results.end()) {
    ++render_failures_;
    const std::size_t index = static_cast<std::size_t>(failed - gather.results.begin());
    spdlog::warn("{}: browser render of {} failed ({}): {}", doc_id, gather.pages[index].url,
                 RenderErrorName(failed->error), failed->message);
    CheckInput input = MakeCheckInput(*doc, std::move(gather.pages));
    const std::string message =
        (index == 0 ? "" : "page " + std::to_string(index + 1) + ": ") + failed->message;
    if (gather.trigger == RenderTrigger::kTarget) {
      input.render_error = FailureFromRenderError(failed->error);
      input.render_message = message;
    } else {
      input.may_render = false;  // `auto`: the page is judged as served this time
      input.failed_render = std::string(RenderErrorName(failed->error)) + ": " + message;
    }
    PostCheck(doc_id, std::move(input));
    return;
  }
  pages_rendered_ += gather.pages.size();
  for (std::size_t i = 0; i < gather.pages.size(); ++i) {
    FetchResponse& page = gather.pages[i];
    RenderResult& result = gather.results[i];
    page.body = std::move(result.html);
    // The DOM is serialised as UTF-8 whatever the page's own charset was.
    page.content_type = "text/html; charset=utf-8";
    if (!result.final_url.empty()) page.final_url = result.final_url;
    page.elapsed += result.elapsed;
  }
  CheckInput input = MakeCheckInput(*doc, std::move(gather.pages));
  input.fetcher = FetcherKind::kBrowser;
  input.render_trigger = gather.trigger;
  input.browser_version = gather.results.front().browser_version;
  for (const RenderResult& result : gather.results) {
    input.blocked_requests.insert(input.blocked_requests.end(), result.blocked_urls.begin(),
                                  result.blocked_urls.end());
  }
  input.may_render = false;
  PostCheck(doc_id, std::move(input));
}

nlohmann::json Daemon::BrowserStatusJson() const {
  if (browser_ == nullptr) return {{"enabled", false}};
  return {{"enabled", true},
          {"running", browser_->BrowserRunning()},
          {"version", browser_->BrowserVersion()},
          {"rendering", browser_->Running()},
          {"queued", browser_->Queued()},
          {"restarts", browser_->Restarts()},
          {"pages_rendered", pages_rendered_},
          {"render_failures", render_failures_}};
}

}  // namespace policyd
